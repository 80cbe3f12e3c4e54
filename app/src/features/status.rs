//! `/status` (办件查询): anyone with a case number and its query code sees the case's progress,
//! without logging in. A GET form, so it works without JavaScript and from the receipt's QR code.
//! A wrong number and a wrong code get the same answer.

use super::case_view::CaseDetails;
use crate::api::citizen::lookup_status;
use crate::api::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        let case_no: String = q
            .get("case_no")
            .unwrap_or_default()
            .trim()
            .chars()
            .take(40)
            .collect();
        let code: String = q
            .get("query_code")
            .unwrap_or_default()
            .trim()
            .chars()
            .take(40)
            .collect();
        (case_no, code)
    });
    let result = Resource::new(
        move || asked.get(),
        |(case_no, code)| async move {
            if case_no.is_empty() && code.is_empty() {
                Ok(None)
            } else {
                lookup_status(case_no, code).await.map(Some)
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, ch_status).to_string()/>
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{t!(i18n, ch_status)}</span>
                </nav>
                <h1>{t!(i18n, ch_status)}</h1>
                <p class="banner-text">{t!(i18n, st_intro)}</p>
            </div>
        </div>
        <div class="wrap status-page">
            <form class="status-form" action="/status" method="get">
                <label class="field">
                    <span>{t!(i18n, cs_case_no)}</span>
                    <input name="case_no" inputmode="numeric" autocomplete="off" maxlength="20" required
                        prop:value=move || asked.get().0 placeholder="99010020260921000001"/>
                </label>
                <label class="field">
                    <span>{t!(i18n, cs_query_code)}</span>
                    <input name="query_code" inputmode="numeric" autocomplete="off" maxlength="16" required
                        prop:value=move || asked.get().1/>
                </label>
                <button type="submit" class="button button-primary">{t!(i18n, st_submit)}</button>
            </form>
            <p class="hint">{t!(i18n, st_where_codes)}</p>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match result.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(None)) => view! {
                            <p class="form-error" role="alert">{t!(i18n, st_not_found)}</p>
                        }.into_any(),
                        Ok(Some(Some(case))) => view! {
                            <section class="status-result" aria-live="polite">
                                <CaseDetails case=case/>
                            </section>
                        }.into_any(),
                        Err(AppError::Throttled(minutes)) => view! {
                            <p class="form-error" role="alert">
                                {move || t_string!(i18n, st_throttled).replace("{n}", &minutes.to_string())}
                            </p>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}
