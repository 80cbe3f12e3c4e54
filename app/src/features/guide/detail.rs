//! `/guide/{item_code}`: one item's whole guide, laid out for reading on a phone and for printing
//! on one sheet; a PDF of it; the way to apply online or where to go.

use super::labels;
use crate::api::catalogue::get_guide;
use crate::api::error::AppError;
use crate::domain::catalogue::{lines, Guide, MaterialSpec};
use crate::domain::catalogue_read::{FormFile, GuideDetail};
use crate::domain::talk::{PublicPage, TalkChannel};
use crate::domain::time::china;
use crate::features::not_found::NotFound;
use crate::features::talk_public::{item_resource, PublicList};
use crate::features::words::date_text;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn GuideDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let guide = Resource::new(code, get_guide);
    let answered = item_resource(Memo::new(move |_| code()));
    view! {
        <Transition fallback=move || view! { <p class="wrap loading">{t!(i18n, loading)}</p> }>
            // Reactive values are read before the await: after it the page's owner may be gone.
            {move || {
                let code = code();
                Suspend::new(async move {
                match guide.await {
                    Ok(Some(detail)) if detail.retired => view! { <Retired detail=detail/> }.into_any(),
                    Ok(Some(detail)) => view! { <GuideView detail=detail answered=answered/> }.into_any(),
                    Ok(None) => view! { <UnknownItem code=code/> }.into_any(),
                    Err(e) => view! {
                        <section class="wrap notice-page"><p class="form-error" role="alert">{e.to_string()}</p></section>
                    }
                    .into_any(),
                }
            })}}
        </Transition>
    }
    .into_any()
}

/// A friendly 404: the code is not in the catalogue; offer the search.
#[component]
fn UnknownItem(code: String) -> impl IntoView {
    let i18n = use_i18n();
    let shown: String = code.chars().take(64).collect();
    view! {
        <NotFound/>
        <section class="wrap unknown-item">
            <p>{move || t_string!(i18n, guide_unknown).replace("{code}", &shown)}</p>
            <form class="guide-search" action="/guide" method="get" role="search">
                <label class="visually-hidden" for="unknown-q">{t!(i18n, search_label)}</label>
                <input id="unknown-q" type="search" name="q" maxlength="50" placeholder=move || t_string!(i18n, search_placeholder)/>
                <button type="submit" class="button button-primary">{t!(i18n, search_button)}</button>
            </form>
        </section>
    }
    .into_any()
}

#[component]
fn Retired(detail: GuideDetail) -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::GONE);
    }
    let name = detail.guide.name.clone();
    view! {
        <Title text=name.clone()/>
        <section class="wrap notice-page">
            <h1>{name}</h1>
            <p class="notice">{t!(i18n, guide_retired)}</p>
            <p>{detail.department.name.clone()}" "{detail.department.phone.clone()}</p>
            <a class="button" href="/guide">{t!(i18n, guide_browse_all)}</a>
        </section>
    }
    .into_any()
}

#[component]
fn GuideView(
    detail: GuideDetail,
    answered: Resource<Result<PublicPage, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let g = detail.guide.clone();
    let code = g.code.clone();
    let updated = detail.updated_at.with_timezone(&china()).date_naive();
    let version = detail.version;
    let pdf = format!("/api/v1/items/{}/guide.pdf", code);
    let apply = g.online.then(|| format!("/apply/{code}"));
    let result_sample = detail.form(g.result_sample.as_deref()).cloned();
    let print = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let _ = window().print();
        }
    };
    view! {
        <Title text=g.name.clone()/>
        <div class="page-banner guide-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <a href="/guide">{t!(i18n, ch_guide)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{g.name.clone()}</span>
                </nav>
                <h1>{g.name.clone()}</h1>
                <p class="guide-meta">
                    <span>{t!(i18n, g_code)}" "{code.clone()}</span>
                    <span>{move || labels::item_type(i18n, g.item_type)}</span>
                    <span>{detail.department.name.clone()}</span>
                    <span class="guide-version">
                        {move || t_string!(i18n, guide_version).replace("{v}", &version.to_string()).replace("{date}", &date_text(i18n.get_locale(), updated))}
                    </span>
                </p>
                <div class="guide-actions">
                    {match apply {
                        Some(href) => view! { <a class="button button-primary" href=href>{t!(i18n, apply_online)}</a> }.into_any(),
                        None => view! { <a class="button button-primary" href="#where">{t!(i18n, guide_where_to_go)}</a> }.into_any(),
                    }}
                    <a class="button" href=pdf download="">{t!(i18n, guide_pdf)}</a>
                    <button type="button" class="button print-button" on:click=print>{t!(i18n, guide_print)}</button>
                </div>
            </div>
        </div>
        <article class="wrap guide">
            <KeyFacts guide=detail.guide.clone()/>
            <section class="guide-section">
                <h2>{t!(i18n, g_conditions)}</h2>
                <ul class="guide-lines">{lines(&g.conditions).map(|l| view! { <li>{l.to_string()}</li> }).collect_view()}</ul>
            </section>
            <Materials materials=g.materials.clone() forms=detail.forms.clone()/>
            <section class="guide-section">
                <h2>{t!(i18n, g_procedure)}</h2>
                <ol class="procedure">
                    {g.procedure.iter().map(|s| view! {
                        <li><strong>{s.name.clone()}</strong><span>{s.description.clone()}</span></li>
                    }).collect_view()}
                </ol>
            </section>
            <section class="guide-section" id="where">
                <h2>{t!(i18n, g_where)}</h2>
                <dl class="facts">
                    <div><dt>{t!(i18n, g_location)}</dt><dd>{g.location.clone()}</dd></div>
                    <div><dt>{t!(i18n, g_hours)}</dt><dd>{g.hours.clone()}</dd></div>
                    <div><dt>{t!(i18n, g_consult_phone)}</dt><dd><a href=format!("tel:{}", g.consult_phone)>{g.consult_phone.clone()}</a></dd></div>
                    <div><dt>{t!(i18n, g_complaint_phone)}</dt><dd><a href=format!("tel:{}", g.complaint_phone)>{g.complaint_phone.clone()}</a></dd></div>
                </dl>
            </section>
            <section class="guide-section">
                <h2>{t!(i18n, g_fee)}</h2>
                {match g.fee.clone() {
                    Some(fee) => view! {
                        <dl class="facts">
                            <div><dt>{t!(i18n, g_fee_standard)}</dt><dd>{fee.standard}</dd></div>
                            <div><dt>{t!(i18n, g_fee_basis)}</dt><dd>{fee.basis}</dd></div>
                        </dl>
                    }
                    .into_any(),
                    None => view! { <p>{t!(i18n, g_free)}</p> }.into_any(),
                }}
            </section>
            <section class="guide-section">
                <h2>{t!(i18n, g_result)}</h2>
                <p>
                    {g.result_name.clone()}
                    {result_sample.map(|f| view! { " " <FormLink form=f/> })}
                </p>
            </section>
            <section class="guide-section">
                <h2>{t!(i18n, g_legal_basis)}</h2>
                <ul class="guide-lines">{lines(&g.legal_basis).map(|l| view! { <li>{l.to_string()}</li> }).collect_view()}</ul>
            </section>
            <div class="guide-section guide-qa">
                <PublicList channel=TalkChannel::Consultation list=answered asked=None/>
                <a class="button" href=format!("/consult?item={code}#write")>{t!(i18n, tk_ask_about_item)}</a>
            </div>
        </article>
    }
    .into_any()
}

/// The facts that decide whether and how to go, as a grid at the top.
#[component]
pub fn KeyFacts(guide: Guide) -> impl IntoView {
    let i18n = use_i18n();
    let g = guide;
    let legal = g.legal_limit;
    let promised = g.promised_limit;
    let visits = g.visits;
    let online = g.online;
    let handling = g.handling;
    let scope = g.scope;
    let audiences = g.audiences.clone();
    let charged = g.fee.is_some();
    view! {
        <section class="guide-section key-facts" aria-label=move || t_string!(i18n, g_key_facts)>
            <dl>
                <div><dt>{t!(i18n, g_legal_limit)}</dt><dd>{move || labels::working_days(i18n, legal)}</dd></div>
                <div class="fact-strong"><dt>{t!(i18n, g_promised_limit)}</dt><dd>{move || labels::working_days(i18n, promised)}</dd></div>
                <div><dt>{t!(i18n, g_visits)}</dt><dd>{move || t_string!(i18n, visits_n).replace("{n}", &visits.to_string())}</dd></div>
                <div><dt>{t!(i18n, g_online)}</dt><dd>{move || if online { t_string!(i18n, yes) } else { t_string!(i18n, no) }}</dd></div>
                <div><dt>{t!(i18n, g_handling)}</dt><dd>{move || labels::handling(i18n, handling)}</dd></div>
                <div><dt>{t!(i18n, g_audience)}</dt><dd>{move || audiences.iter().map(|a| labels::audience(i18n, *a)).collect::<Vec<_>>().join(" / ")}</dd></div>
                <div><dt>{t!(i18n, g_scope)}</dt><dd>{move || labels::scope(i18n, scope)}</dd></div>
                <div><dt>{t!(i18n, g_fee)}</dt><dd>{move || if charged { t_string!(i18n, badge_fee) } else { t_string!(i18n, badge_free) }}</dd></div>
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn Materials(materials: Vec<MaterialSpec>, forms: Vec<FormFile>) -> impl IntoView {
    let i18n = use_i18n();
    let find = move |code: &Option<String>| {
        code.as_ref()
            .and_then(|c| forms.iter().find(|f| &f.code == c && !f.retired))
            .cloned()
    };
    view! {
        <section class="guide-section">
            <h2>{t!(i18n, g_materials)}</h2>
            <ol class="materials">
                {materials
                    .into_iter()
                    .map(|m| {
                        let blank = find(&m.blank_form);
                        let sample = find(&m.sample);
                        let (originals, copies) = (m.originals, m.copies);
                        let count = move || {
                            let mut parts = Vec::new();
                            if originals > 0 {
                                parts.push(t_string!(i18n, m_originals).replace("{n}", &originals.to_string()));
                            }
                            if copies > 0 {
                                parts.push(t_string!(i18n, m_copies).replace("{n}", &copies.to_string()));
                            }
                            parts.join("，")
                        };
                        view! {
                            <li class="material">
                                <div class="material-head">
                                    <strong>{m.name.clone()}</strong>
                                    {if m.required {
                                        view! { <span class="tag tag-required">{t!(i18n, m_required)}</span> }.into_any()
                                    } else {
                                        view! { <span class="tag">{t!(i18n, m_optional)}</span> }.into_any()
                                    }}
                                </div>
                                <p class="material-facts">
                                    <span>{move || labels::source(i18n, m.source)}</span>
                                    <span>{count}</span>
                                    <span>{move || labels::medium(i18n, m.medium)}</span>
                                </p>
                                {(!m.note.is_empty()).then(|| view! { <p class="material-note">{m.note.clone()}</p> })}
                                {(blank.is_some() || sample.is_some()).then(|| view! {
                                    <p class="material-forms">
                                        {blank.map(|f| view! { <FormLink form=f/> })}
                                        {sample.map(|f| view! { <FormLink form=f/> })}
                                    </p>
                                })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
    .into_any()
}

/// A download link for a form: its kind, its name, and its type and size.
#[component]
pub fn FormLink(form: FormFile) -> impl IntoView {
    let i18n = use_i18n();
    let kind = form.kind;
    view! {
        <a class="form-link" href=form.url() download=form.filename.clone()>
            <span class="form-kind">{move || labels::form_kind(i18n, kind)}</span>
            <span class="form-title">{form.title.clone()}</span>
            <span class="form-size">{form.size_label()}</span>
        </a>
    }
    .into_any()
}
