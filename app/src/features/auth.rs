//! 用户登录: one form for citizens, companies and staff. An ActionForm, so it posts even before
//! the page has hydrated.

use crate::api::error::AppError;
use crate::app::AuthActions;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The wording of a login error code carried in the address.
fn message_for_code(i18n: I18n, code: &str) -> String {
    match code {
        "bad_credentials" => t_string!(i18n, login_bad_credentials),
        "locked" => t_string!(i18n, login_locked),
        _ => t_string!(i18n, login_failed),
    }
    .to_string()
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = expect_context::<AuthActions>().login;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    // The error of the last attempt: from the action (with JavaScript) or from the `error` code the
    // server put in the address (a plain form post).
    let error = move || {
        let message = login
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|e| match e {
                AppError::BadCredentials => t_string!(i18n, login_bad_credentials).to_string(),
                other => other.to_string(),
            })
            .or_else(|| {
                query
                    .read()
                    .get("error")
                    .map(|code| message_for_code(i18n, &code))
            });
        message.map(|m| view! { <p class="form-error" role="alert">{m}</p> })
    };
    view! {
        <Title text=t_string!(i18n, login_title).to_string()/>
        <section class="wrap auth-page">
            <div class="auth-card">
                <h1>{t!(i18n, login_title)}</h1>
                <p class="auth-intro">{t!(i18n, login_intro)}</p>
                <ActionForm action=login attr:class="form" attr:novalidate="">
                    <input type="hidden" name="next" prop:value=next/>
                    <label class="field">
                        <span>{t!(i18n, username)}</span>
                        <input name="username" autocomplete="username" required maxlength="64" autofocus/>
                    </label>
                    <label class="field">
                        <span>{t!(i18n, password)}</span>
                        <input type="password" name="password" autocomplete="current-password" required maxlength="128"/>
                    </label>
                    {error}
                    <button type="submit" class="button button-primary button-block" disabled=move || login.pending().get()>
                        {move || if login.pending().get() { t_string!(i18n, login_working) } else { t_string!(i18n, login_submit) }}
                    </button>
                </ActionForm>
                <p class="auth-note">{t!(i18n, login_security_note)}</p>
                <p class="auth-note"><a href="/register">{t!(i18n, login_register)}</a></p>
            </div>
        </section>
    }
    .into_any()
}
