//! 用户登录: one form for citizens, companies and staff, then for staff the authenticator's code.
//! ActionForms, so they post even before the page has hydrated.

use crate::api::auth::get_second_factor_prompt;
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

/// 动态验证码: the second step of a staff login, and on the first one the enrolment of an
/// authenticator (QR code, key, recovery codes, first code). Works without JavaScript.
#[component]
pub fn LoginVerifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let verify = expect_context::<AuthActions>().second_factor;
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let prompt = Resource::new(|| (), |_| get_second_factor_prompt());
    let error = move || {
        let message = verify
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|e| e.to_string())
            .or_else(|| {
                query.read().get("error").map(|code| match code.as_str() {
                    "invalid" => t_string!(i18n, tf_wrong).to_string(),
                    other => message_for_code(i18n, other),
                })
            });
        message.map(|m| view! { <p class="form-error" role="alert" id="code-error">{m}</p> })
    };
    let form = move |enrolling: bool| {
        view! {
            <ActionForm action=verify attr:class="form" attr:novalidate="">
                <input type="hidden" name="next" prop:value=next/>
                <label class="field">
                    <span>{t!(i18n, tf_code_label)}</span>
                    <input name="code" class="code-input" inputmode=if enrolling { "numeric" } else { "text" }
                        autocomplete="one-time-code" required maxlength="20" autofocus
                        aria-describedby="code-error"/>
                </label>
                {error}
                <button type="submit" class="button button-primary button-block" disabled=move || verify.pending().get()>
                    {move || if verify.pending().get() { t_string!(i18n, tf_working) } else { t_string!(i18n, tf_submit) }}
                </button>
            </ActionForm>
        }
    };
    view! {
        <Title text=t_string!(i18n, tf_title).to_string()/>
        <section class="wrap auth-page">
            <Transition>
                {move || Suspend::new(async move {
                    match prompt.await {
                        Err(e) => view! {
                            <div class="auth-card">
                                <h1>{t!(i18n, tf_title)}</h1>
                                <p class="form-error" role="alert">{e.to_string()}</p>
                                <a class="button button-primary button-block" href="/login">{t!(i18n, tf_restart)}</a>
                            </div>
                        }
                        .into_any(),
                        Ok(p) => match p.enrolment {
                            None => view! {
                                <div class="auth-card">
                                    <h1>{t!(i18n, tf_title)}</h1>
                                    <p class="auth-who">{p.display_name}</p>
                                    <p class="auth-intro">{t!(i18n, tf_intro)}</p>
                                    {form(false)}
                                    <p class="auth-note">{t!(i18n, tf_lost)}</p>
                                    <p class="auth-note"><a href="/login">{t!(i18n, tf_restart)}</a></p>
                                </div>
                            }
                            .into_any(),
                            Some(e) => {
                                let view_box = format!("0 0 {0} {0}", e.qr_size);
                                view! {
                                    <div class="auth-card auth-card-wide">
                                        <h1>{t!(i18n, tf_enrol_title)}</h1>
                                        <p class="auth-who">{p.display_name}</p>
                                        <p class="auth-intro">{t!(i18n, tf_enrol_intro)}</p>
                                        <ol class="enrol-steps">
                                            <li>
                                                <p>{t!(i18n, tf_step_app)}</p>
                                                <svg class="enrol-qr" viewBox=view_box role="img"
                                                    aria-label=t_string!(i18n, tf_qr_label).to_string()
                                                    shape-rendering="crispEdges">
                                                    <rect width="100%" height="100%" fill="#fff"/>
                                                    <path d=e.qr_path fill="#000"/>
                                                </svg>
                                                <p class="enrol-secret"><code>{e.secret}</code></p>
                                            </li>
                                            <li>
                                                <p>{t!(i18n, tf_step_codes)}</p>
                                                <ul class="recovery-codes">
                                                    {e.recovery_codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                                                </ul>
                                            </li>
                                            <li>
                                                <p>{t!(i18n, tf_step_code)}</p>
                                                {form(true)}
                                            </li>
                                        </ol>
                                        <p class="auth-note"><a href="/login">{t!(i18n, tf_restart)}</a></p>
                                    </div>
                                }
                                .into_any()
                            }
                        },
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}
