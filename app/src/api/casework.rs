//! The back office's server functions: a queue page, one case as staff see it, the intake form
//! (the clerk's draft of an item, with an ID number lookup), and the public pages that belong to
//! the counter: certificate verification and the counter tablet's rating.

use super::citizen::SlotView;
use super::error::AppError;
use crate::domain::application_form::{FieldDef, Problems, Values};
use crate::domain::casework::{QueuePage, StaffCaseView, Verification};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One page of a queue of the caller's department.
#[server(prefix = "/sf", endpoint = "staff_queue")]
pub async fn get_queue(
    queue: Option<String>,
    sort: Option<String>,
    q: Option<String>,
    mine: Option<bool>,
    page: Option<u64>,
) -> Result<QueuePage, AppError> {
    use crate::backend::applications::Caller;
    use crate::backend::casework::{self, QueueQuery};
    use crate::domain::casework::{Queue, Sort};
    use crate::domain::role::StaffSection;
    let account = super::context::require_role(StaffSection::Desk.allowed()).await?;
    let state = super::context::state()?;
    let caller = Caller::of(&account);
    let queue = queue
        .as_deref()
        .and_then(Queue::from_code)
        .unwrap_or_else(|| Queue::first_for(&caller.roles()));
    let cal = crate::backend::calendar::load(&state.db).await?;
    Ok(casework::queue(
        &state.db,
        &cal,
        &caller,
        &QueueQuery {
            queue,
            sort: Sort::from_code(sort.as_deref().unwrap_or("due")),
            search: q.unwrap_or_default(),
            mine: mine.unwrap_or(false),
            page: page.unwrap_or(1),
        },
        crate::domain::time::local_date(Utc::now()),
    )
    .await?)
}

/// One case as staff see it; the opening is audited with the caller's address.
#[server(prefix = "/sf", endpoint = "staff_case")]
pub async fn get_staff_case(case_no: String) -> Result<StaffCaseView, AppError> {
    use crate::backend::applications::Caller;
    use crate::domain::role::StaffSection;
    let account = super::context::require_role(StaffSection::Desk.allowed()).await?;
    let state = super::context::state()?;
    let cal = crate::backend::calendar::load(&state.db).await?;
    let client = super::context::client();
    let now = Utc::now();
    crate::backend::casework::view(
        &state.db,
        &cal,
        &Caller::of(&account),
        &case_no,
        client.address.as_deref().unwrap_or("unknown"),
        crate::domain::time::local_date(now),
        now,
    )
    .await
    .map_err(AppError::from)
}

/// An item the counter takes in for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeItem {
    pub code: String,
    pub name: String,
    pub department: String,
    pub online: bool,
}

/// The items a clerk may take in (the hall: all; a department's counter: its own), matching `q`
/// (Chinese, pinyin, initials or the item code), at most 50.
#[server(prefix = "/sf", endpoint = "intake_items")]
pub async fn get_intake_items(q: Option<String>) -> Result<Vec<IntakeItem>, AppError> {
    use crate::backend::catalogue::search;
    use crate::domain::role::Role;
    use crate::domain::search::{SearchInput, SearchQuery};
    let account = super::context::require_role(&[Role::Clerk]).await?;
    let state = super::context::state()?;
    let query = SearchQuery::parse(&SearchInput {
        q,
        department: (!account.at_hall)
            .then(|| account.department_code.clone())
            .flatten(),
        per_page: Some(50),
        ..SearchInput::default()
    });
    let found = search::search(&state.db, &query, false).await?;
    Ok(found
        .items
        .into_iter()
        .map(|i| IntakeItem {
            code: i.code,
            name: i.name,
            department: i.department_name,
            online: i.online,
        })
        .collect())
}

/// The intake form of an item: the clerk's draft, or a fresh form; after an ID number lookup,
/// filled in from the person's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IntakeView {
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub fields: Vec<FieldDef>,
    pub slots: Vec<SlotView>,
    pub values: Values,
    pub problems: Problems,
    pub saved_at: Option<DateTime<Utc>>,
    /// The person found by the lookup: their name, or `None` if not found, or not looked up.
    pub lookup: Option<LookupResult>,
    pub submit_key: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LookupResult {
    Found(String),
    NotFound,
}

#[server(prefix = "/sf", endpoint = "intake_form")]
pub async fn get_intake_form(
    item_code: String,
    lookup: Option<String>,
) -> Result<IntakeView, AppError> {
    use crate::domain::role::Role;
    let account = super::context::require_role(&[Role::Clerk]).await?;
    let state = super::context::state()?;
    let (view, found) = crate::backend::casework::intake_form(
        &state.db,
        &crate::backend::applications::Caller::of(&account),
        &item_code,
        lookup.as_deref(),
    )
    .await?;
    let values = view.values;
    let lookup = found.map(|name| match name {
        Some(name) => LookupResult::Found(name),
        None => LookupResult::NotFound,
    });
    Ok(IntakeView {
        item_code: view.form.detail.guide.code.clone(),
        item_name: view.form.detail.guide.name.clone(),
        department: view.form.detail.department.name.clone(),
        fields: view.form.definition.fields,
        slots: view.slots.into_iter().map(SlotView::from).collect(),
        values,
        problems: view.problems,
        saved_at: view.saved_at,
        lookup,
        submit_key: super::context::new_device_id(),
    })
}

/// What `/verify/{code}` shows.
#[server(prefix = "/sf", endpoint = "verify")]
pub async fn get_verification(code: String) -> Result<Verification, AppError> {
    let state = super::context::state()?;
    Ok(crate::backend::certificates::verify(&state.db, &state.signer, &code).await?)
}

/// The counter tablet's and the kiosk's rating page: a case or a conversation, by its number and
/// query code.
#[server(prefix = "/sf", endpoint = "kiosk_rating")]
pub async fn get_kiosk_rating(
    number: String,
    code: String,
) -> Result<crate::domain::supervision::KioskRating, AppError> {
    let state = super::context::state()?;
    let now = Utc::now();
    crate::backend::kiosk_rating::lookup(
        &state.db,
        &number,
        &code,
        &super::context::client(),
        crate::domain::time::local_date(now),
        now,
    )
    .await
    .map_err(AppError::from)
}
