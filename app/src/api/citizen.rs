//! Server functions of the citizen's own pages: registration, the application form and its draft,
//! `/my` with its cases and messages, one case, withdrawal, rating, and the public status lookup.
//! Each checks the session itself; another person's case is "not found".

use super::error::AppError;
use crate::domain::application_form::{FieldDef, Problems, Values};
use crate::domain::case_read::{CaseSummary, CaseView, DraftSummary, MessageView};
use crate::domain::registration::RegistrationForm;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A material slot of the apply page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotView {
    pub code: String,
    pub name: String,
    pub required: bool,
    pub note: String,
    pub file_name: Option<String>,
    pub size: Option<i64>,
}

#[cfg(feature = "ssr")]
impl From<crate::backend::drafts::Slot> for SlotView {
    fn from(s: crate::backend::drafts::Slot) -> SlotView {
        SlotView {
            file_name: s.attached.as_ref().map(|a| a.file_name.clone()),
            size: s.attached.as_ref().map(|a| a.size),
            code: s.code,
            name: s.name,
            required: s.required,
            note: s.note,
        }
    }
}

/// Everything the apply page draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplyView {
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub promised_limit: u32,
    pub fields: Vec<FieldDef>,
    pub slots: Vec<SlotView>,
    pub values: Values,
    pub problems: Problems,
    pub saved_at: Option<DateTime<Utc>>,
    pub ready: bool,
    /// A fresh Idempotency-Key for the review page's submit button.
    pub submit_key: String,
}

/// Why the apply page cannot show a form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ApplyPage {
    /// Not signed in: the page sends the visitor to log in.
    LogIn,
    /// Staff accounts do not apply.
    StaffAccount,
    /// The item is retired or not handled online: the reason.
    Closed(String),
    Form(Box<ApplyView>),
}

#[cfg(feature = "ssr")]
fn today() -> chrono::NaiveDate {
    crate::domain::time::local_date(Utc::now())
}

#[cfg(feature = "ssr")]
fn is_applicant(account: &crate::backend::auth::Account) -> bool {
    account.roles.iter().any(|r| !r.is_staff())
}

#[server(prefix = "/sf", endpoint = "register")]
pub async fn register(form: RegistrationForm) -> Result<super::auth::CurrentUser, AppError> {
    use super::context;
    let attempt = async {
        let reg = form.check().map_err(AppError::Fields)?;
        let state = context::state()?;
        let s = crate::backend::accounts::register(&state.db, reg, &context::client(), Utc::now())
            .await?;
        context::set_session_cookie(&s.token, state.environment);
        Ok::<_, AppError>(super::auth::CurrentUser::from(s.account))
    };
    match attempt.await {
        Ok(user) => {
            leptos_axum::redirect("/my?welcome=1");
            Ok(user)
        }
        Err(e) => {
            if context::is_plain_form_post() {
                leptos_axum::redirect(&format!("/register?error={}", e.code()));
            }
            Err(e)
        }
    }
}

#[server(prefix = "/sf", endpoint = "logout_everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use super::context;
    let state = context::state()?;
    if let Some(token) = context::request_cookie(crate::backend::sessions::COOKIE_NAME) {
        crate::backend::auth::logout(
            &state.db,
            &token,
            crate::backend::auth::LogoutScope::Everywhere,
            Utc::now(),
        )
        .await?;
    }
    context::clear_session_cookie();
    leptos_axum::redirect("/login?ended=all");
    Ok(())
}

#[server(prefix = "/sf", endpoint = "apply_form")]
pub async fn get_apply_form(item_code: String) -> Result<ApplyPage, AppError> {
    use super::context;
    use crate::backend::error::ServiceError;
    let Some(account) = context::current_account().await? else {
        return Ok(ApplyPage::LogIn);
    };
    if !is_applicant(&account) {
        return Ok(ApplyPage::StaffAccount);
    }
    let state = context::state()?;
    let view = match crate::backend::drafts::open(&state.db, account.id, &item_code).await {
        Ok(view) => view,
        Err(ServiceError::Refused(why)) => return Ok(ApplyPage::Closed(why)),
        Err(e) => return Err(e.into()),
    };
    let ready = view.ready();
    Ok(ApplyPage::Form(Box::new(ApplyView {
        item_code: view.form.detail.guide.code.clone(),
        item_name: view.form.detail.guide.name.clone(),
        department: view.form.detail.department.name.clone(),
        promised_limit: view.form.detail.guide.promised_limit,
        fields: view.form.definition.fields,
        slots: view.slots.into_iter().map(SlotView::from).collect(),
        values: view.values,
        problems: view.problems,
        saved_at: view.saved_at,
        ready,
        submit_key: context::new_device_id(),
    })))
}

/// `/my`: the account's cases and drafts, and how many messages are unread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MySpace {
    pub display_name: String,
    pub cases: Vec<CaseSummary>,
    pub drafts: Vec<DraftSummary>,
    /// Questions, petitions and letters the account wrote.
    pub talks: Vec<crate::domain::talk::TalkRow>,
    pub unread: u64,
}

#[server(prefix = "/sf", endpoint = "my_space")]
pub async fn get_my_space() -> Result<Option<MySpace>, AppError> {
    use super::context;
    let Some(account) = context::current_account().await? else {
        return Ok(None);
    };
    let state = context::state()?;
    Ok(Some(MySpace {
        cases: crate::backend::my_cases::list(&state.db, account.id).await?,
        drafts: crate::backend::my_cases::drafts(&state.db, account.id).await?,
        talks: crate::backend::talks::lists::of_writer(&state.db, account.id).await?,
        unread: crate::backend::messages::unread(&state.db, account.id).await?,
        display_name: account.display_name,
    }))
}

#[server(prefix = "/sf", endpoint = "my_case")]
pub async fn get_my_case(case_no: String) -> Result<Option<CaseView>, AppError> {
    use super::context;
    let account = context::current_account()
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let state = context::state()?;
    let cal = crate::backend::calendar::load(&state.db).await?;
    match crate::backend::my_cases::view_for_owner(&state.db, &cal, account.id, &case_no, today())
        .await
    {
        Ok(view) => Ok(Some(view)),
        Err(crate::backend::error::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[server(prefix = "/sf", endpoint = "withdraw")]
pub async fn withdraw(case_no: String, version: i32) -> Result<(), AppError> {
    use super::context;
    let attempt = async {
        let account = context::current_account()
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let state = context::state()?;
        let cal = crate::backend::calendar::load(&state.db).await?;
        crate::backend::applications::act(
            &state.db,
            &cal,
            &case_no,
            crate::domain::workflow::Action::Withdraw,
            &crate::backend::applications::Caller::of(&account),
            version,
            &Default::default(),
            today(),
            Utc::now(),
        )
        .await?;
        Ok::<(), AppError>(())
    };
    let result = attempt.await;
    if context::is_plain_form_post() {
        let suffix = match &result {
            Ok(()) => "?withdrawn=1".to_string(),
            Err(e) => format!("?error={}", e.code()),
        };
        leptos_axum::redirect(&format!("/my/{case_no}{suffix}"));
    }
    result
}

#[server(prefix = "/sf", endpoint = "rate")]
pub async fn rate(case_no: String, level: i32, comment: String) -> Result<(), AppError> {
    use super::context;
    let attempt = async {
        let account = context::current_account()
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let state = context::state()?;
        crate::backend::my_cases::rate(
            &state.db,
            &crate::backend::applications::Caller::of(&account),
            &case_no,
            level,
            &comment,
            "web",
            Utc::now(),
        )
        .await?;
        Ok::<(), AppError>(())
    };
    let result = attempt.await;
    if context::is_plain_form_post() {
        let suffix = match &result {
            Ok(()) => "?rated=1".to_string(),
            Err(e) => format!("?error={}", e.code()),
        };
        leptos_axum::redirect(&format!("/my/{case_no}{suffix}"));
    }
    result
}

/// The public lookup of `/status`: `None` for a miss (wrong number or code, told alike).
#[server(prefix = "/sf", endpoint = "status")]
pub async fn lookup_status(
    case_no: String,
    query_code: String,
) -> Result<Option<CaseView>, AppError> {
    use super::context;
    let state = context::state()?;
    let cal = crate::backend::calendar::load(&state.db).await?;
    let result = crate::backend::my_cases::lookup(
        &state.db,
        &cal,
        &case_no,
        &query_code,
        &context::client(),
        today(),
        Utc::now(),
    )
    .await;
    found(result)
}

/// A public lookup's answer for the page: the case, or `None` for a miss.
#[cfg(feature = "ssr")]
fn found(
    result: crate::backend::error::ServiceResult<CaseView>,
) -> Result<Option<CaseView>, AppError> {
    match result {
        Ok(view) => Ok(Some(view)),
        Err(crate::backend::error::ServiceError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The kiosk's lookup with the ID card on its reader and the query code typed on its keypad:
/// `None` for a miss, as for `lookup_status`.
#[server(prefix = "/sf", endpoint = "status_by_card")]
pub async fn lookup_status_by_card(
    id_number: String,
    query_code: String,
) -> Result<Option<CaseView>, AppError> {
    use super::context;
    use crate::domain::identity::IdNumber;
    let state = context::state()?;
    let id_number = IdNumber::parse(&id_number)
        .map_err(|_| AppError::Invalid("身份证号码无法识别，请重新读卡".into()))?;
    let cal = crate::backend::calendar::load(&state.db).await?;
    let result = crate::backend::my_cases::lookup_by_card(
        &state.db,
        &cal,
        &id_number,
        &query_code,
        &context::client(),
        today(),
        Utc::now(),
    )
    .await;
    found(result)
}

/// The account's messages, newest first; reading them marks them read.
#[server(prefix = "/sf", endpoint = "messages")]
pub async fn get_messages() -> Result<Option<Vec<MessageView>>, AppError> {
    use super::context;
    let Some(account) = context::current_account().await? else {
        return Ok(None);
    };
    let state = context::state()?;
    Ok(Some(
        crate::backend::messages::read_all(&state.db, account.id, Utc::now()).await?,
    ))
}
