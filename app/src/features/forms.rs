//! `/forms` (表格下载): every blank form, filled sample and result sample, grouped by department
//! and item, with how often each was downloaded. A GET form filters by department and name.

use crate::api::catalogue::list_forms;
use crate::features::guide::labels;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FormsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let params = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("department").filter(|d| !d.is_empty()),
            q.get("q").filter(|v| !v.is_empty()),
        )
    });
    let listing = Resource::new(move || params.get(), |(d, q)| list_forms(d, q));
    view! {
        <Title text=t_string!(i18n, ch_forms).to_string()/>
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{t!(i18n, ch_forms)}</span>
                </nav>
                <h1>{t!(i18n, ch_forms)}</h1>
                <p class="banner-text">{t!(i18n, forms_intro)}</p>
            </div>
        </div>
        <div class="wrap forms-page">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                // Reactive values are read before the await: after it the page's owner may be gone.
                {move || {
                    let (department, q) = params.get();
                    Suspend::new(async move {
                    match listing.await {
                        Ok(listing) => {
                            let total: usize = listing.groups.iter().map(|g| g.forms.len()).sum();
                            let mut last_department = String::new();
                            view! {
                                <form class="forms-filter" action="/forms" method="get">
                                    <label class="field-inline">
                                        <span>{t!(i18n, filter_department)}</span>
                                        <select name="department">
                                            <option value="">{t!(i18n, filter_all)}</option>
                                            {listing.departments.iter().filter(|d| d.item_count > 0).map(|d| {
                                                let selected = department.as_deref() == Some(d.code.as_str());
                                                view! { <option value=d.code.clone() selected=selected>{d.name.clone()}</option> }
                                            }).collect_view()}
                                        </select>
                                    </label>
                                    <label class="field-inline">
                                        <span>{t!(i18n, forms_search)}</span>
                                        <input type="search" name="q" maxlength="50" value=q.clone().unwrap_or_default()/>
                                    </label>
                                    <button type="submit" class="button button-primary">{t!(i18n, search_button)}</button>
                                </form>
                                <p class="result-summary">{move || t_string!(i18n, forms_count).replace("{n}", &total.to_string())}</p>
                                {listing.groups.is_empty().then(|| view! {
                                    <div class="empty-result"><h2>{t!(i18n, forms_empty)}</h2><a class="button" href="/forms">{t!(i18n, forms_all)}</a></div>
                                })}
                                <div class="forms-groups">
                                    {listing.groups.into_iter().map(|g| {
                                        let heading = (g.department != last_department).then(|| {
                                            last_department = g.department.clone();
                                            view! { <h2 class="forms-department">{g.department_name.clone()}</h2> }
                                        });
                                        view! {
                                            {heading}
                                            <section class="forms-item">
                                                <h3><a href=format!("/guide/{}", g.item_code)>{g.item_name.clone()}</a></h3>
                                                <ul>
                                                    {g.forms.into_iter().map(|f| {
                                                        let kind = f.kind;
                                                        let downloads = f.downloads;
                                                        view! {
                                                            <li>
                                                                <span class=format!("form-kind form-kind-{}", kind.code())>{move || labels::form_kind(i18n, kind)}</span>
                                                                <a href=f.url() download=f.filename.clone()>{f.title.clone()}</a>
                                                                <span class="form-size">{f.size_label()}</span>
                                                                <span class="form-downloads">{move || t_string!(i18n, forms_downloads).replace("{n}", &downloads.to_string())}</span>
                                                            </li>
                                                        }
                                                    }).collect_view()}
                                                </ul>
                                            </section>
                                        }
                                    }).collect_view()}
                                </div>
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}}
            </Transition>
        </div>
    }
    .into_any()
}
