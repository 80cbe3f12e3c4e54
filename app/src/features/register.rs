//! `/register` (注册): an account for a natural person (身份证号) or a legal person (统一社会信用代码
//! and its 经办人). Every problem is shown next to its field at once; what was typed stays.

use crate::api::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn RegisterPage() -> impl IntoView {
    let i18n = use_i18n();
    let register = expect_context::<crate::app::AuthActions>().register;
    let query = use_query_map();
    let company = RwSignal::new(query.read_untracked().get("kind").as_deref() == Some("company"));
    let problems = move || match register.value().get() {
        Some(Err(AppError::Fields(p))) => p,
        _ => Default::default(),
    };
    let problem = move |key: &'static str| move || problems().get(key).cloned();
    let general = move || match register.value().get() {
        Some(Err(AppError::Fields(_))) | None | Some(Ok(_)) => query
            .read()
            .get("error")
            .map(|_| t_string!(i18n, rg_error_retry).to_string()),
        Some(Err(e)) => Some(e.to_string()),
    };
    view! {
        <Title text=t_string!(i18n, rg_title).to_string()/>
        <section class="wrap auth-page">
            <div class="auth-card register-card">
                <h1>{t!(i18n, rg_title)}</h1>
                <p class="auth-intro">{t!(i18n, rg_intro)}</p>
                <ActionForm action=register attr:class="form" attr:novalidate="">
                    <fieldset class="kind-choice">
                        <legend>{t!(i18n, rg_kind)}</legend>
                        <label class="check">
                            <input type="radio" name="form[kind]" value="person" checked=move || !company.get() on:change=move |_| company.set(false)/>
                            {t!(i18n, rg_person)}
                        </label>
                        <label class="check">
                            <input type="radio" name="form[kind]" value="company" checked=move || company.get() on:change=move |_| company.set(true)/>
                            {t!(i18n, rg_company)}
                        </label>
                    </fieldset>
                    <div class="company-fields" class:hidden-js=move || !company.get()>
                        <p class="hint">{t!(i18n, rg_company_only)}</p>
                        <Input name="company_name" label=t_string!(i18n, rg_company_name) problem=Signal::derive(problem("company_name")) attrs="organization"/>
                        <Input name="credit_code" label=t_string!(i18n, rg_credit_code) problem=Signal::derive(problem("credit_code")) attrs="off"/>
                    </div>
                    <Input name="name" label=t_string!(i18n, rg_name) problem=Signal::derive(problem("name")) attrs="name"/>
                    <Input name="id_number" label=t_string!(i18n, rg_id_number) problem=Signal::derive(problem("id_number")) attrs="off"/>
                    <Input name="mobile" label=t_string!(i18n, rg_mobile) problem=Signal::derive(problem("mobile")) attrs="tel"/>
                    <Input name="email" label=t_string!(i18n, rg_email) problem=Signal::derive(problem("email")) attrs="email"/>
                    <Input name="username" label=t_string!(i18n, username) problem=Signal::derive(problem("username")) attrs="username"/>
                    <Input name="password" label=t_string!(i18n, password) problem=Signal::derive(problem("password")) attrs="new-password"/>
                    <p class="hint">{t!(i18n, rg_password_rules)}</p>
                    <Input name="password_again" label=t_string!(i18n, rg_password_again) problem=Signal::derive(problem("password_again")) attrs="new-password"/>
                    <label class="check">
                        <input type="checkbox" name="form[agree]" value="1"/>
                        {t!(i18n, rg_agree)}
                    </label>
                    {move || problem("agree")().map(|p| view! { <p class="field-problem">{p}</p> })}
                    {move || general().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                    <button type="submit" class="button button-primary button-block" disabled=move || register.pending().get()>
                        {t!(i18n, rg_submit)}
                    </button>
                </ActionForm>
                <p class="auth-note"><a href="/login">{t!(i18n, rg_have_account)}</a></p>
            </div>
        </section>
    }
    .into_any()
}

/// One text field of the form (`form[name]`), its problem tied to it for screen readers.
#[component]
fn Input(
    name: &'static str,
    label: &'static str,
    problem: Signal<Option<String>>,
    /// The `autocomplete` token.
    attrs: &'static str,
) -> impl IntoView {
    let id = format!("rg-{name}");
    let error_id = format!("rg-{name}-error");
    let kind = match name {
        "password" | "password_again" => "password",
        "email" => "email",
        "mobile" => "tel",
        _ => "text",
    };
    view! {
        <div class="field" class:has-problem=move || problem.get().is_some()>
            <label for=id.clone()>{label}</label>
            {move || problem.get().map(|p| view! { <p class="field-problem" id=error_id.clone()>{p}</p> })}
            <input id=id type=kind name=format!("form[{name}]") autocomplete=attrs maxlength="128"
                aria-invalid=move || problem.get().is_some().then_some("true")
                aria-describedby=move || problem.get().is_some().then(|| format!("rg-{name}-error"))/>
        </div>
    }
}
