//! 网上咨询, 网上信访 and 领导信箱: writing, routing, answering (DESIGN.md §4.6). Every change goes
//! through the transition table of `domain::talk`, is guarded by the conversation's version (two
//! staff members answering at once: one wins, the other is told), appends to the history, moves
//! the one running clock, tells the writer (message + email in the same transaction) and, for
//! staff, writes an audit entry.

use super::applications::{new_query_code, next_sequence, Caller};
use super::audit::{self, AuditEntry};
use super::entities::{
    conversation as conv, conversation_draft, conversation_event, department, mailbox, message,
    reply_template, service_item,
};
use super::error::{ServiceError, ServiceResult};
use super::files::FileStore;
use super::notify::Notice;
use super::throttle::{self, Client, Limit};
use super::uploads;
use crate::domain::calendar::WorkCalendar;
use crate::domain::card::{self, Card, YELLOW_WITHIN_WORKING_DAYS};
use crate::domain::clock::{Clock, DayCount, Deadline, Extension};
use crate::domain::role::Role;
use crate::domain::talk::{
    self, AttachmentView, ClockEffect, ClockKind, Compose, Facts, Problems, TalkAction,
    TalkChannel, TalkEventView, TalkOffer, TalkState, TalkView, Who, EXTENSION_DAYS,
    MAX_ATTACHMENTS,
};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

/// 信访工作机构: petitions are registered with the department of this code, which accepts them and
/// transfers them to the department responsible.
pub const PETITION_DEPARTMENT: &str = "xfj";

/// Sends per device and per account in an hour: a person with a real matter writes a few; a
/// script is stopped. A service hall shares one address, so the address limit is far higher.
pub const SEND_PER_DEVICE: Limit = Limit {
    max: 10,
    window_minutes: 60,
};
pub const SEND_PER_ACCOUNT: Limit = Limit {
    max: 10,
    window_minutes: 60,
};
pub const SEND_PER_ADDRESS: Limit = Limit {
    max: 200,
    window_minutes: 60,
};

/// A file sent with a petition or letter: its name and bytes, or the size of one too large.
pub struct SentFile {
    pub file_name: String,
    pub bytes: Result<Vec<u8>, usize>,
}

/// An attachment as stored in the conversation's JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub upload_id: i64,
    pub file_name: String,
    pub size: i64,
    pub content_type: String,
}

/// What the writer gets back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    pub ref_no: String,
    pub query_code: String,
    pub state: TalkState,
    pub due: Option<NaiveDate>,
}

/// Failed query-code lookups of one reference number from anywhere: guessing spread over many
/// devices and addresses still stops. (Its writer, signed in, needs no code.)
pub const LOOKUP_PER_REF: Limit = Limit {
    max: 20,
    window_minutes: 60,
};

/// The throttle keys of a query-code lookup: the device, the address and the reference number.
pub fn lookup_keys(client: &Client, ref_no: &str) -> Vec<(String, Limit)> {
    let mut keys = client.keys(
        "lookup",
        throttle::LOOKUP_PER_DEVICE,
        throttle::LOOKUP_PER_ADDRESS,
    );
    let ref_no: String = ref_no.chars().take(20).collect();
    keys.push((format!("lookup:ref:{ref_no}"), LOOKUP_PER_REF));
    keys
}

/// Refuses a query-code lookup when its device, address or reference number has guessed too
/// often. Staff and signed-in writers are not counted.
pub async fn guard_lookup(
    db: &impl ConnectionTrait,
    client: &Client,
    viewer: &Viewer,
    ref_no: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if matches!(viewer, Viewer::Code(_)) {
        throttle::check(db, &lookup_keys(client, ref_no), now).await?;
    }
    Ok(())
}

/// Counts a query-code lookup that found nothing against its device, address and number.
pub async fn count_miss(
    db: &impl ConnectionTrait,
    client: &Client,
    viewer: &Viewer,
    ref_no: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if matches!(viewer, Viewer::Code(_)) {
        throttle::fail(db, &lookup_keys(client, ref_no), now).await?;
    }
    Ok(())
}

/// Who is asking: staff (who may see what their department handles), the holder of a query code,
/// or the signed-in writer; `None` for a visitor with neither.
pub fn viewer_of(
    account: Option<&crate::backend::auth::Account>,
    code: Option<&str>,
    address: Option<String>,
) -> Option<Viewer> {
    let code = code.map(str::trim).filter(|c| !c.is_empty());
    match (account, code) {
        (Some(a), _) if a.roles.iter().any(|r| r.is_staff()) => {
            Some(Viewer::Staff(Caller::of(a).at(address)))
        }
        (_, Some(c)) => Some(Viewer::Code(c.chars().take(16).collect())),
        (Some(a), None) => Some(Viewer::Account(a.id)),
        (None, None) => None,
    }
}

/// Who is looking at or acting on a conversation.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// A staff member.
    Staff(Caller),
    /// The signed-in writer.
    Account(i32),
    /// Whoever holds the reference number and query code (an anonymous asker).
    Code(String),
}

mod act;
mod clocks;
pub mod lists;
mod send;
mod setup;
mod view;

pub(crate) use super::departments::names as department_names;
pub use act::{act, forget_typed, keep_typed, TalkInput};
pub use clocks::check_clocks;
pub use send::{draft_key, form_start, keep_unsent, kept, send, Kept};
pub use setup::{add_template, ensure_mailbox};
pub use view::{attachment, view};

fn json<T: Serialize>(value: &T) -> ServiceResult<String> {
    serde_json::to_string(value).map_err(|e| ServiceError::Internal(e.to_string()))
}

fn view_of_attachment(a: &Attachment) -> AttachmentView {
    AttachmentView {
        upload_id: a.upload_id,
        file_name: a.file_name.clone(),
        size: a.size,
    }
}

fn attachments_of(row: &conv::Model) -> Vec<Attachment> {
    serde_json::from_str(&row.attachments).unwrap_or_default()
}

fn count_code(count: DayCount) -> &'static str {
    match count {
        DayCount::Working => "working",
        DayCount::Calendar => "calendar",
    }
}

/// The day count of a stored clock (`count_code` read back).
fn count_of(code: &str) -> DayCount {
    if code == count_code(DayCount::Calendar) {
        DayCount::Calendar
    } else {
        DayCount::Working
    }
}

/// The day the scheduler must first look at a clock due on `due` (its yellow card's day).
fn first_check(cal: &WorkCalendar, due: NaiveDate) -> NaiveDate {
    card::yellow_from(cal, due, YELLOW_WITHIN_WORKING_DAYS)
}

/// An audit entry for a staff member's doing on a conversation, with the address it came from.
async fn audit_staff(
    db: &DatabaseTransaction,
    caller: &Caller,
    action: &str,
    row: &conv::Model,
    detail: String,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    audit::append(
        db,
        AuditEntry {
            at: now,
            actor_user_id: caller.user_id,
            actor: caller.name.clone(),
            action: format!("talk.{action}"),
            target: format!("{}:{}", row.channel, row.ref_no),
            detail: format!("{detail}{}", from_address(caller)),
        },
    )
    .await
}

fn due_date(
    cal: &WorkCalendar,
    start: NaiveDate,
    limit: u32,
    count: DayCount,
    extra: u32,
) -> NaiveDate {
    let mut clock = Clock::new(start, limit, count);
    if extra > 0 {
        clock.extensions.push(Extension {
            days: extra,
            reason: String::new(),
        });
    }
    match clock.deadline(cal) {
        Deadline::Due { date, .. } => date,
        Deadline::Paused { since, .. } => since,
    }
}

fn state_of(code: &str) -> ServiceResult<TalkState> {
    TalkState::from_code(code).ok_or_else(|| ServiceError::Internal(format!("talk state {code}")))
}

fn channel_of(row: &conv::Model) -> ServiceResult<TalkChannel> {
    TalkChannel::from_code(&row.channel)
        .ok_or_else(|| ServiceError::Internal(format!("talk channel {}", row.channel)))
}

#[allow(clippy::too_many_arguments)]
async fn event(
    txn: &DatabaseTransaction,
    row: &conv::Model,
    action: &str,
    actor: &str,
    actor_user_id: Option<i32>,
    from: TalkState,
    to: TalkState,
    department: Option<&str>,
    detail: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    conversation_event::ActiveModel {
        conversation_id: Set(row.id),
        at: Set(now),
        action: Set(action.into()),
        actor: Set(actor.into()),
        actor_user_id: Set(actor_user_id),
        from_state: Set(from.code().into()),
        to_state: Set(to.code().into()),
        department_code: Set(department.map(str::to_string)),
        detail: Set(detail.into()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    Ok(())
}

/// A message in the writer's message centre and an email, once per (conversation, version).
async fn tell_writer(
    txn: &DatabaseTransaction,
    row: &conv::Model,
    title: &str,
    body: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let channel = channel_of(row)?;
    let link = format!("/talk/{}", row.ref_no);
    if let Some(user_id) = row.user_id {
        message::ActiveModel {
            user_id: Set(user_id),
            title: Set(format!("{}{title}", channel.noun_zh())),
            body: Set(body.to_string()),
            case_no: Set(None),
            link: Set(Some(link.clone())),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    let Some(email) = row.email.clone().filter(|e| !e.is_empty()) else {
        return Ok(());
    };
    let notice = Notice {
        subject: format!(
            "【{}】{}{title}（编号 {}）",
            channel.name_zh(),
            channel.noun_zh(),
            row.ref_no
        ),
        body: body.to_string(),
        link,
    };
    super::notify::enqueue(
        txn,
        format!("talk:{}:v{}:email", row.ref_no, row.version),
        "email",
        email,
        json(&notice)?,
        now,
    )
    .await?;
    Ok(())
}

/// Finds a conversation for `viewer`; anyone else gets "not found", as if it did not exist.
pub async fn find_for(
    db: &impl ConnectionTrait,
    ref_no: &str,
    viewer: &Viewer,
) -> ServiceResult<conv::Model> {
    let row = conv::Entity::find()
        .filter(conv::Column::RefNo.eq(ref_no))
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if may_see(&row, viewer)? {
        Ok(row)
    } else {
        Err(ServiceError::NotFound)
    }
}

fn may_see(row: &conv::Model, viewer: &Viewer) -> ServiceResult<bool> {
    Ok(match viewer {
        Viewer::Account(id) => row.user_id == Some(*id),
        Viewer::Code(code) => {
            use subtle_eq::eq;
            eq(code.as_bytes(), row.query_code.as_bytes())
        }
        Viewer::Staff(caller) => {
            caller.roles().contains(&Role::Supervisor)
                || staff_may(row, Who::Handler, caller)?.is_ok()
                || staff_may(row, Who::Office, caller)?.is_ok()
        }
    })
}

/// Constant-time comparison of a query code, so that timing tells nothing.
mod subtle_eq {
    pub fn eq(a: &[u8], b: &[u8]) -> bool {
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

/// Whether a staff member is `who` for this conversation; the reason in words when not.
fn staff_may(row: &conv::Model, who: Who, caller: &Caller) -> ServiceResult<Result<(), String>> {
    let channel = channel_of(row)?;
    let desk = caller.desk.department.as_deref();
    let roles = caller.roles();
    if !caller.handles_cases() {
        return Ok(Err("只有业务人员可以办理".into()));
    }
    let handler = match (row.department_code.as_deref(), channel) {
        (Some(d), _) if Some(d) == desk => true,
        // The service hall dispatches the questions not routed to a department yet.
        (None, TalkChannel::Consultation) => caller.desk.at_hall,
        _ => false,
    };
    Ok(match who {
        Who::Writer => Err("这是来信人自己的操作".into()),
        Who::Handler if handler => Ok(()),
        Who::Handler => Err(format!("该{}不由您所在的部门办理", channel.noun_zh())),
        Who::Head if handler && roles.contains(&Role::Head) => Ok(()),
        Who::Head => Err("延长办理期限须由承办部门负责人批准".into()),
        Who::Office if row.office_code.as_deref().is_some_and(|o| Some(o) == desk) => Ok(()),
        Who::Office => Err("只有领导信箱所属办公室可以交办、审核和公开来信".into()),
    })
}

fn from_address(caller: &Caller) -> String {
    caller
        .address
        .as_deref()
        .map(|a| format!(" from {a}"))
        .unwrap_or_default()
}

/// The names of the item a question is about and of the mailbox a letter went to.
pub(crate) async fn about(
    db: &impl ConnectionTrait,
    row: &conv::Model,
) -> ServiceResult<(Option<String>, Option<String>)> {
    let item = match &row.item_code {
        Some(code) => service_item::Entity::find()
            .filter(service_item::Column::Code.eq(code.clone()))
            .one(db)
            .await?
            .map(|i| i.name),
        None => None,
    };
    let mailbox = match &row.mailbox_code {
        Some(code) => mailbox::Entity::find_by_id(code.clone())
            .one(db)
            .await?
            .map(|m| m.name),
        None => None,
    };
    Ok((item, mailbox))
}

/// Writes (or replaces) a row of kept text: a writer's unsent form, a staff member's refused text.
async fn save_draft_row(
    db: &impl ConnectionTrait,
    key: &str,
    fields: String,
    attachments: String,
    problems: String,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let row = conversation_draft::ActiveModel {
        owner_key: Set(key.to_string()),
        fields: Set(fields),
        attachments: Set(attachments),
        problems: Set(problems),
        updated_at: Set(now),
    };
    conversation_draft::Entity::insert(row)
        .on_conflict(
            OnConflict::column(conversation_draft::Column::OwnerKey)
                .update_columns([
                    conversation_draft::Column::Fields,
                    conversation_draft::Column::Attachments,
                    conversation_draft::Column::Problems,
                    conversation_draft::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}
