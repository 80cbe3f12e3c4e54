//! 草稿 and 提交 (drafts and submission): whatever a person typed is saved, valid or not, together
//! with what is wrong; materials are attached one by one; submission checks everything again and,
//! with an `Idempotency-Key`, makes exactly one case however often it is retried.

use super::accounts;
use super::application_forms::{self, ApplyForm};
use super::applications::{self, Caller, NewCase, NewMaterial};
use super::entities::{draft, idempotency_key, user};
use super::error::{is_unique_violation, ServiceError, ServiceResult};
use super::files::FileStore;
use super::processes;
use super::uploads;
use crate::backend::db::begin_write;
use crate::domain::account::AccountKind;
use crate::domain::application_form::{Problems, Values};
use crate::domain::calendar::WorkCalendar;
use crate::domain::workflow::Actor;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::BTreeMap;

/// Material code → upload id.
type Attached = BTreeMap<String, i64>;

/// A material slot of the form as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub code: String,
    pub name: String,
    pub required: bool,
    pub note: String,
    pub attached: Option<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub upload_id: i64,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
}

/// A draft with its form: what the apply page draws.
#[derive(Debug, Clone)]
pub struct DraftView {
    pub form: ApplyForm,
    pub values: Values,
    pub slots: Vec<Slot>,
    pub problems: Problems,
    /// When it was last saved; `None` for a fresh, unsaved form (prefilled from the profile).
    pub saved_at: Option<DateTime<Utc>>,
}

impl DraftView {
    /// True when nothing is wrong and every required material is attached.
    pub fn ready(&self) -> bool {
        self.problems.is_empty()
            && self
                .slots
                .iter()
                .all(|s| !s.required || s.attached.is_some())
    }
}

/// One file posted for a material slot.
pub struct PostedFile {
    pub material_code: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// What a save posts.
#[derive(Default)]
pub struct DraftInput {
    pub values: Values,
    /// Files to attach (checked and stored; a bad one leaves the slot as it was, with a message).
    pub files: Vec<PostedFile>,
    /// Uploads already stored (for example through `POST /api/v1/files`), by material code.
    pub attach: Vec<(String, i64)>,
    /// Material codes whose attachment is removed.
    pub detach: Vec<String>,
    /// Files refused before they got here (too large to read), by material code, with the reason.
    pub rejected: Vec<(String, String)>,
    /// Check every field (the person asked to go on to the review); otherwise only what was typed.
    pub check_all: bool,
}

async fn find(
    db: &impl ConnectionTrait,
    user_id: i32,
    item_code: &str,
) -> ServiceResult<Option<draft::Model>> {
    Ok(draft::Entity::find()
        .filter(draft::Column::UserId.eq(user_id))
        .filter(draft::Column::ItemCode.eq(item_code))
        .one(db)
        .await?)
}

fn parse<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

async fn slots(
    db: &impl ConnectionTrait,
    form: &ApplyForm,
    user_id: i32,
    attached: &Attached,
) -> ServiceResult<Vec<Slot>> {
    let mut slots = Vec::new();
    for rule in &form.definition.materials {
        let Some(spec) = form
            .detail
            .guide
            .materials
            .iter()
            .find(|m| m.code == rule.code)
        else {
            continue;
        };
        let attached = match attached.get(&rule.code) {
            Some(id) => uploads::find_owned(db, user_id, *id)
                .await?
                .map(|u| Attachment {
                    upload_id: u.id,
                    file_name: u.file_name,
                    size: u.size,
                    content_type: u.content_type,
                }),
            None => None,
        };
        slots.push(Slot {
            code: rule.code.clone(),
            name: spec.name.clone(),
            required: rule.required,
            note: spec.note.clone(),
            attached,
        });
    }
    Ok(slots)
}

/// The form a user fills: an applicant only for items handled online; a window clerk, taking in
/// for the person at the counter, for any item still handled.
async fn form_for(
    db: &DatabaseConnection,
    user_id: i32,
    item_code: &str,
) -> ServiceResult<application_forms::ApplyForm> {
    let staff = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .is_some_and(|u| u.kind == AccountKind::Staff.code());
    if !staff {
        return application_forms::for_item(db, item_code).await;
    }
    let form = application_forms::for_item_any(db, item_code).await?;
    if form.detail.retired {
        return Err(ServiceError::Refused("该事项已停止办理".into()));
    }
    Ok(form)
}

/// The draft of `user_id` for the item, or a fresh form prefilled from the profile.
pub async fn open(
    db: &DatabaseConnection,
    user_id: i32,
    item_code: &str,
) -> ServiceResult<DraftView> {
    let form = form_for(db, user_id, item_code).await?;
    let (values, attached, problems, saved_at) = match find(db, user_id, item_code).await? {
        Some(row) => (
            parse(&row.form),
            parse::<Attached>(&row.materials),
            parse(&row.problems),
            Some(row.updated_at),
        ),
        None => {
            let profile = accounts::profile(db, user_id).await?;
            (
                form.definition.prefilled(&profile),
                Attached::new(),
                Problems::new(),
                None,
            )
        }
    };
    let slots = slots(db, &form, user_id, &attached).await?;
    Ok(DraftView {
        form,
        values,
        slots,
        problems,
        saved_at,
    })
}

/// Saves what was posted: every value (cut to the hard limit, never refused), the files that pass
/// their checks, and what is wrong. The draft is saved even when everything is wrong.
pub async fn save(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    user_id: i32,
    item_code: &str,
    input: DraftInput,
    now: DateTime<Utc>,
) -> ServiceResult<DraftView> {
    let form = form_for(db, user_id, item_code).await?;
    let existing = find(db, user_id, item_code).await?;
    let mut attached: Attached = existing
        .as_ref()
        .map(|row| parse(&row.materials))
        .unwrap_or_default();
    let values = form.definition.keep(&input.values);
    let mut problems = if input.check_all {
        form.definition.check_values(&values)
    } else {
        // Only what was typed is checked; an empty field is not an error until the review.
        let typed: Values = values
            .clone()
            .into_iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .collect();
        form.definition
            .check_values(&typed)
            .into_iter()
            .filter(|(k, _)| typed.contains_key(k))
            .collect()
    };
    let known = |code: &str| form.definition.materials.iter().any(|m| m.code == code);
    for code in &input.detach {
        attached.remove(code);
    }
    attach_uploads(
        db,
        &form,
        user_id,
        &input.attach,
        &mut attached,
        &mut problems,
    )
    .await?;
    for (code, why) in input.rejected {
        if known(&code) {
            problems.insert(code, why);
        }
    }
    for file in input.files {
        if !known(&file.material_code) || file.bytes.is_empty() {
            continue;
        }
        match uploads::store(db, files, user_id, &file.file_name, file.bytes, now).await {
            Ok(upload) => {
                attached.insert(file.material_code, upload.id);
            }
            Err(ServiceError::Invalid(why)) => {
                problems.insert(file.material_code, why);
            }
            Err(other) => return Err(other),
        }
    }
    let slots = slots(db, &form, user_id, &attached).await?;
    if input.check_all {
        for slot in &slots {
            if slot.required && slot.attached.is_none() && !problems.contains_key(&slot.code) {
                problems.insert(slot.code.clone(), format!("请上传{}", slot.name));
            }
        }
    }
    let (form_json, materials_json, problems_json) =
        (to_json(&values), to_json(&attached), to_json(&problems));
    // One statement that inserts or updates: two requests saving the same draft at once (a
    // double tap reaching two server instances) must not collide on the (user, item) key.
    draft::Entity::insert(draft::ActiveModel {
        user_id: Set(user_id),
        item_code: Set(item_code.to_string()),
        form: Set(form_json),
        materials: Set(materials_json),
        problems: Set(problems_json),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([draft::Column::UserId, draft::Column::ItemCode])
            .update_columns([
                draft::Column::Form,
                draft::Column::Materials,
                draft::Column::Problems,
                draft::Column::UpdatedAt,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(DraftView {
        form,
        values,
        slots,
        problems,
        saved_at: Some(now),
    })
}

/// Attaches uploads already stored to the form's material slots: only the person's own uploads,
/// only to slots the form has; an upload that is not theirs (or gone) is a problem of its slot.
async fn attach_uploads(
    db: &DatabaseConnection,
    form: &ApplyForm,
    user_id: i32,
    attach: &[(String, i64)],
    attached: &mut Attached,
    problems: &mut Problems,
) -> ServiceResult<()> {
    for (code, id) in attach {
        if !form.definition.materials.iter().any(|m| &m.code == code) {
            continue;
        }
        match uploads::find_owned(db, user_id, *id).await? {
            Some(_) => {
                attached.insert(code.clone(), *id);
            }
            None => {
                problems.insert(code.clone(), "找不到这个已上传的文件，请重新上传".into());
            }
        }
    }
    Ok(())
}

/// JSON text of a map a draft stores (string maps always serialise).
fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "{}".into())
}

/// The drafts of an account, newest first: (item code, item name, last saved).
pub async fn of_user(
    db: &DatabaseConnection,
    user_id: i32,
) -> ServiceResult<Vec<(String, DateTime<Utc>)>> {
    Ok(draft::Entity::find()
        .filter(draft::Column::UserId.eq(user_id))
        .order_by_desc(draft::Column::UpdatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.item_code, d.updated_at))
        .collect())
}

/// Deletes a draft (the person starts over).
pub async fn discard(db: &DatabaseConnection, user_id: i32, item_code: &str) -> ServiceResult<()> {
    draft::Entity::delete_many()
        .filter(draft::Column::UserId.eq(user_id))
        .filter(draft::Column::ItemCode.eq(item_code))
        .exec(db)
        .await?;
    Ok(())
}

/// What a submission gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub case_no: String,
    pub query_code: String,
    /// False when the key had been used: this is the case the first request made.
    pub created: bool,
}

/// An Idempotency-Key as clients send it: 8–100 visible ASCII characters.
pub fn check_key(key: &str) -> ServiceResult<()> {
    let ok = (8..=100).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(ServiceError::Invalid(
            "Idempotency-Key 应为 8 至 100 个可见 ASCII 字符".into(),
        ))
    }
}

/// Takes the key inside `txn`, first thing: the insert takes the write lock (SQLite) or waits on
/// the other request's row (PostgreSQL), so of two identical requests exactly one goes on. False
/// when another request holds it.
pub async fn claim_key(
    txn: &DatabaseTransaction,
    user_id: i32,
    key: &str,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    let claimed = idempotency_key::ActiveModel {
        user_id: Set(user_id),
        key: Set(key.to_string()),
        case_no: Set(String::new()),
        created_at: Set(now),
    }
    .insert(txn)
    .await;
    match claimed {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Notes the case a claimed key made.
pub async fn record_key(
    txn: &DatabaseTransaction,
    user_id: i32,
    key: &str,
    case_no: &str,
) -> ServiceResult<()> {
    idempotency_key::Entity::update_many()
        .col_expr(
            idempotency_key::Column::CaseNo,
            sea_orm::sea_query::Expr::value(case_no),
        )
        .filter(idempotency_key::Column::UserId.eq(user_id))
        .filter(idempotency_key::Column::Key.eq(key))
        .exec(txn)
        .await?;
    Ok(())
}

/// The case an earlier request with this key made, if any.
pub async fn earlier(
    db: &impl ConnectionTrait,
    user_id: i32,
    key: &str,
) -> ServiceResult<Option<Submitted>> {
    let Some(row) = idempotency_key::Entity::find_by_id((user_id, key.to_string()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let app = applications::find(db, &row.case_no)
        .await?
        .ok_or_else(|| ServiceError::Internal(format!("key of missing case {}", row.case_no)))?;
    Ok(Some(Submitted {
        case_no: app.case_no,
        query_code: app.query_code,
        created: false,
    }))
}

/// The account of `caller` if it may submit: signed in, and the applicant.
fn applicant_id(caller: &Caller) -> ServiceResult<i32> {
    let user_id = caller
        .user_id
        .ok_or(ServiceError::Forbidden("登录后才能提交".into()))?;
    if !caller.actors.contains(&Actor::Applicant) {
        return Err(ServiceError::Forbidden("只有申请人本人可以提交".into()));
    }
    Ok(user_id)
}

/// Submits the draft of `caller` for the item. The same `key` again returns the first result and
/// creates nothing; a draft with problems is refused field by field (and keeps everything).
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    region_code: &str,
    caller: &Caller,
    item_code: &str,
    key: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<Submitted> {
    check_key(key)?;
    let user_id = applicant_id(caller)?;
    if let Some(done) = earlier(db, user_id, key).await? {
        return Ok(done);
    }
    let view = open(db, user_id, item_code).await?;
    if view.saved_at.is_none() {
        // A request with the same key may have just turned the draft into the case.
        if let Some(done) = earlier(db, user_id, key).await? {
            return Ok(done);
        }
        return Err(ServiceError::Invalid("请先填写并保存申请表".into()));
    }
    let submission = Submission {
        caller,
        user_id,
        item_code,
        key,
        from_draft: true,
    };
    make_case(
        db,
        cal,
        region_code,
        submission,
        view,
        Problems::new(),
        today,
        now,
    )
    .await
}

/// Submits a whole application sent in one request (the REST API): the values and the uploads
/// already stored, by material code. The applicant's draft of the item is not touched, so two
/// submissions at once (with different keys) never meet over it.
#[allow(clippy::too_many_arguments)]
pub async fn submit_posted(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    region_code: &str,
    caller: &Caller,
    item_code: &str,
    key: &str,
    values: &Values,
    attach: &[(String, i64)],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<Submitted> {
    check_key(key)?;
    let user_id = applicant_id(caller)?;
    if let Some(done) = earlier(db, user_id, key).await? {
        return Ok(done);
    }
    let form = form_for(db, user_id, item_code).await?;
    let values = form.definition.keep(values);
    let mut problems = Problems::new();
    let mut attached = Attached::new();
    attach_uploads(db, &form, user_id, attach, &mut attached, &mut problems).await?;
    let slots = slots(db, &form, user_id, &attached).await?;
    let view = DraftView {
        form,
        values,
        slots,
        problems: Problems::new(),
        saved_at: None,
    };
    let submission = Submission {
        caller,
        user_id,
        item_code,
        key,
        from_draft: false,
    };
    make_case(db, cal, region_code, submission, view, problems, today, now).await
}

/// Who submits what, under which key.
struct Submission<'a> {
    caller: &'a Caller,
    user_id: i32,
    item_code: &'a str,
    key: &'a str,
    /// The case is made from the saved draft, which goes with it.
    from_draft: bool,
}

/// Checks the application in `view` once more (adding to `problems` found before) and makes the
/// case, exactly once for the key.
#[allow(clippy::too_many_arguments)]
async fn make_case(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    region_code: &str,
    s: Submission<'_>,
    view: DraftView,
    mut problems: Problems,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<Submitted> {
    let Submission {
        caller,
        user_id,
        item_code,
        key,
        from_draft,
    } = s;
    for (code, why) in view.form.definition.check_values(&view.values) {
        problems.entry(code).or_insert(why);
    }
    for slot in &view.slots {
        if slot.required && slot.attached.is_none() && !problems.contains_key(&slot.code) {
            problems.insert(slot.code.clone(), format!("请上传{}", slot.name));
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems));
    }
    let def = processes::find(db, item_code).await?.ok_or_else(|| {
        ServiceError::Invalid(format!("事项 {item_code} 尚未配置办理流程，暂不能申请"))
    })?;
    let mut materials = Vec::new();
    for slot in &view.slots {
        if let Some(a) = &slot.attached {
            if let Some(upload) = uploads::find_owned(db, user_id, a.upload_id).await? {
                materials.push(NewMaterial {
                    code: slot.code.clone(),
                    name: slot.name.clone(),
                    upload,
                });
            }
        }
    }
    let applicant_name = view
        .values
        .get("company_name")
        .or_else(|| view.values.get("name"))
        .cloned()
        .unwrap_or_else(|| caller.name.clone());
    let form =
        serde_json::to_value(&view.values).map_err(|e| ServiceError::Internal(e.to_string()))?;

    let txn = begin_write(db).await?;
    if !claim_key(&txn, user_id, key, now).await? {
        txn.rollback().await?;
        return earlier(db, user_id, key)
            .await?
            .ok_or_else(|| ServiceError::Internal("idempotency key without case".into()));
    }
    let app = applications::create_case(
        &txn,
        cal,
        region_code,
        &def,
        caller,
        NewCase {
            item_code,
            applicant_name: &applicant_name,
            applicant_user_id: Some(user_id),
            applicant_id_number: None,
            applicant_mobile: None,
            channel: "online",
            form,
            materials: &materials,
        },
        today,
        now,
    )
    .await?;
    record_key(&txn, user_id, key, &app.case_no).await?;
    if from_draft {
        draft::Entity::delete_many()
            .filter(draft::Column::UserId.eq(user_id))
            .filter(draft::Column::ItemCode.eq(item_code))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(Submitted {
        case_no: app.case_no,
        query_code: app.query_code,
        created: true,
    })
}
