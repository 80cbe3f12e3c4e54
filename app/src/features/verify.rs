//! `/verify/{code}` (证照核验): anyone checks a certificate from its QR code or code. The answer
//! comes from the signature over the certificate's content, so an altered or forged one shows as
//! invalid and a revoked one as revoked. A GET form, so it works without JavaScript.

use crate::api::casework::get_verification;
use crate::domain::casework::{CertificateContent, Verification};
use crate::features::words::date_text;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn VerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let code = Memo::new(move |_| {
        params
            .read()
            .get("code")
            .or_else(|| query.read().get("code"))
            .unwrap_or_default()
            .trim()
            .chars()
            .take(40)
            .collect::<String>()
    });
    let verdict = Resource::new(
        move || code.get(),
        |code| async move {
            if code.is_empty() {
                Ok(None)
            } else {
                get_verification(code).await.map(Some)
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, vf_title).to_string()/>
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{t!(i18n, vf_title)}</span>
                </nav>
                <h1>{t!(i18n, vf_title)}</h1>
                <p class="banner-text">{t!(i18n, vf_intro)}</p>
            </div>
        </div>
        <div class="wrap status-page">
            <form class="status-form" action="/verify" method="get">
                <label class="field">
                    <span>{t!(i18n, vf_code)}</span>
                    <input name="code" autocomplete="off" maxlength="32" required prop:value=move || code.get()/>
                </label>
                <button type="submit" class="button button-primary">{t!(i18n, vf_submit)}</button>
            </form>
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match verdict.await {
                        Ok(None) => ().into_any(),
                        Ok(Some(Verification::Valid(c))) => view! {
                            <section class="verdict verdict-valid" role="status">
                                <h2>"✓ "{t!(i18n, vf_valid)}</h2>
                                <p>{t!(i18n, vf_valid_text)}</p>
                                <Facts c=c/>
                            </section>
                        }.into_any(),
                        Ok(Some(Verification::Revoked { content, at, reason })) => view! {
                            <section class="verdict verdict-revoked" role="alert">
                                <h2>"⚠ "{t!(i18n, vf_revoked)}</h2>
                                <p>{t!(i18n, vf_revoked_text)}</p>
                                <dl class="kv">
                                    <dt>{t!(i18n, vf_revoked_at)}</dt><dd>{super::case_view::shown_time(at)}</dd>
                                    <dt>{t!(i18n, vf_revoked_reason)}</dt><dd>{reason}</dd>
                                </dl>
                                <Facts c=content/>
                            </section>
                        }.into_any(),
                        Ok(Some(Verification::Invalid)) => view! {
                            <section class="verdict verdict-invalid" role="alert">
                                <h2>"✗ "{t!(i18n, vf_invalid)}</h2>
                                <p>{t!(i18n, vf_invalid_text)}</p>
                            </section>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

#[component]
fn Facts(c: CertificateContent) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3>{c.title.clone()}</h3>
        <dl class="kv">
            <dt>{t!(i18n, vf_code)}</dt><dd class="mono">{c.code.clone()}</dd>
            <dt>{t!(i18n, vf_holder)}</dt><dd>{crate::domain::casework::mask_name(&c.holder)}</dd>
            <dt>{t!(i18n, vf_holder_id)}</dt><dd class="mono">{c.holder_id.clone()}</dd>
            <dt>{t!(i18n, vf_item)}</dt><dd>{c.item_name.clone()}</dd>
            <dt>{t!(i18n, vf_department)}</dt><dd>{c.department.clone()}</dd>
            <dt>{t!(i18n, vf_issued)}</dt><dd>{move || date_text(i18n.get_locale(), c.issued_on)}</dd>
        </dl>
    }
}
