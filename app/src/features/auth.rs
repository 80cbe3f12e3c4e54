//! 用户登录: one form for citizens, companies and staff. An ActionForm, so it posts even before
//! the page has hydrated.

use crate::app::AuthActions;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = expect_context::<AuthActions>().login;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || {
        login
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    view! {
        <Title text=move || t_string!(i18n, login_title).to_string()/>
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
            </div>
        </section>
    }
}
