//! 网上咨询, 网上信访 and 领导信箱: writing, routing, answering (DESIGN.md §4.6). Every change goes
//! through the transition table of `domain::talk`, is guarded by the conversation's version (two
//! staff members answering at once: one wins, the other is told), appends to the history, moves
//! the one running clock, tells the writer (message + email in the same transaction) and, for
//! staff, writes an audit entry.

use super::applications::{new_query_code, next_sequence, Caller};
use super::audit::{self, AuditEntry};
use super::entities::{
    conversation as conv, conversation_draft, conversation_event, department, mailbox, message,
    outbox, rating, reply_template, service_item,
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
    EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait,
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

/// The key a writer's unsent text is kept under: the account, else the browser's device id.
pub fn draft_key(channel: TalkChannel, account: Option<i32>, client: &Client) -> Option<String> {
    match (account, &client.device) {
        (Some(id), _) => Some(format!("{}:user:{id}", channel.code())),
        (None, Some(device)) => Some(format!("{}:device:{device}", channel.code())),
        (None, None) => None,
    }
}

/// A writer's kept text: fields, files already stored, and what was wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kept {
    pub compose: Compose,
    pub attachments: Vec<AttachmentView>,
    pub problems: Problems,
}

pub async fn kept(db: &impl ConnectionTrait, key: &str) -> ServiceResult<Option<Kept>> {
    let Some(row) = conversation_draft::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let attachments: Vec<Attachment> = serde_json::from_str(&row.attachments).unwrap_or_default();
    Ok(Some(Kept {
        compose: serde_json::from_str(&row.fields).unwrap_or_default(),
        attachments: attachments.iter().map(view_of_attachment).collect(),
        problems: serde_json::from_str(&row.problems).unwrap_or_default(),
    }))
}

async fn keep(
    db: &impl ConnectionTrait,
    key: &str,
    compose: &Compose,
    attachments: &[Attachment],
    problems: &Problems,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let row = conversation_draft::ActiveModel {
        owner_key: Set(key.to_string()),
        fields: Set(json(compose)?),
        attachments: Set(json(&attachments)?),
        problems: Set(json(problems)?),
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

/// Stores the files of a send (up to the limit) and says what was wrong with the others.
async fn store_files(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    owner: i32,
    mut stored: Vec<Attachment>,
    sent: Vec<SentFile>,
    problems: &mut Problems,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<Attachment>> {
    let mut refused = Vec::new();
    let mut over = 0;
    for file in sent {
        let bytes = match file.bytes {
            Ok(b) if b.is_empty() => continue,
            Ok(b) => b,
            Err(size) => {
                refused.push(format!(
                    "{}：{}",
                    uploads::clean_name(&file.file_name),
                    uploads::too_large(size)
                ));
                continue;
            }
        };
        if stored.len() >= MAX_ATTACHMENTS {
            over += 1;
            continue;
        }
        match uploads::store(db, files, owner, &file.file_name, bytes, now).await {
            Ok(up) => stored.push(Attachment {
                upload_id: up.id,
                file_name: up.file_name,
                size: up.size,
                content_type: up.content_type,
            }),
            Err(ServiceError::Invalid(why)) => {
                refused.push(format!("{}：{why}", uploads::clean_name(&file.file_name)))
            }
            Err(e) => return Err(e),
        }
    }
    if over > 0 {
        refused.push(format!(
            "最多 {MAX_ATTACHMENTS} 个附件，已保留前 {MAX_ATTACHMENTS} 个，另外 {over} 个没有保存；请把多页材料合并成一个 PDF"
        ));
    }
    if !refused.is_empty() {
        problems.insert("attachments".into(), refused.join("；"));
    }
    Ok(stored)
}

/// The writer's name, ID number and contact from the account, where the form left them empty.
async fn fill_from_account(
    db: &DatabaseConnection,
    user_id: i32,
    compose: &mut Compose,
) -> ServiceResult<()> {
    let profile = super::accounts::profile(db, user_id).await?;
    if compose.name.is_empty() && !compose.anonymous {
        compose.name = profile.name;
    }
    if compose.id_number.is_empty() {
        compose.id_number = profile.id_number.unwrap_or_default();
    }
    if compose.mobile.is_empty() {
        compose.mobile = profile.mobile.unwrap_or_default();
    }
    if compose.email.is_empty() {
        compose.email = profile.email.unwrap_or_default();
    }
    Ok(())
}

fn submit_hash(key: &str, compose: &Compose) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        key,
        &compose.subject,
        &compose.body,
        compose.mailbox_code.as_deref().unwrap_or(""),
        compose.item_code.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}

/// Where a new conversation goes: the item's department, the petition office, a mailbox's office.
async fn route(
    db: &DatabaseConnection,
    channel: TalkChannel,
    compose: &Compose,
    problems: &mut Problems,
) -> ServiceResult<(Option<String>, Option<String>)> {
    match channel {
        TalkChannel::Consultation => {
            let Some(code) = compose.item_code.as_deref().filter(|c| !c.is_empty()) else {
                return Ok((None, None));
            };
            match service_item::Entity::find()
                .filter(service_item::Column::Code.eq(code))
                .filter(service_item::Column::Retired.eq(false))
                .one(db)
                .await?
            {
                Some(item) => Ok((Some(item.department_code), None)),
                None => {
                    problems.insert("item_code".into(), "没有这个事项，请重新选择".into());
                    Ok((None, None))
                }
            }
        }
        TalkChannel::Petition => Ok((Some(PETITION_DEPARTMENT.to_string()), None)),
        TalkChannel::Letter => {
            let code = compose.mailbox_code.clone().unwrap_or_default();
            match mailbox::Entity::find_by_id(code).one(db).await? {
                Some(m) => Ok((
                    Some(m.office_department_code.clone()),
                    Some(m.office_department_code),
                )),
                None => {
                    problems
                        .entry("mailbox_code".into())
                        .or_insert_with(|| "请选择写信给哪位领导".into());
                    Ok((None, None))
                }
            }
        }
    }
}

/// 提交 a question, petition or letter. A send with problems keeps everything typed and every
/// file stored under the writer's key and fails with the problems by field; a repeated send of the
/// same text finds the conversation the first one made.
#[allow(clippy::too_many_arguments)]
pub async fn send(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    cal: &WorkCalendar,
    channel: TalkChannel,
    compose: Compose,
    sent_files: Vec<SentFile>,
    account: Option<&super::auth::Account>,
    client: &Client,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<Sent> {
    if let Some(a) = account {
        if a.roles.iter().any(|r| r.is_staff()) {
            return Err(ServiceError::Forbidden(
                "工作人员账号不能以群众身份留言，请使用个人或法人账号".into(),
            ));
        }
    }
    if channel.needs_account() && account.is_none() {
        return Err(ServiceError::Refused("请先登录实名账号".into()));
    }
    let user_id = account.map(|a| a.id);
    let key = draft_key(channel, user_id, client)
        .ok_or_else(|| ServiceError::Invalid("浏览器没有接受本站的 Cookie，请允许后再试".into()))?;
    let mut compose = compose.trimmed();
    if !channel.allows_attachments() && !sent_files.is_empty() {
        // Questions take no files: say so rather than drop them silently.
        let mut problems = Problems::new();
        problems.insert(
            "attachments".into(),
            "咨询不能上传附件，请用文字描述".into(),
        );
        keep(db, &key, &compose, &[], &problems, now).await?;
        return Err(ServiceError::Fields(problems));
    }
    if let Some(id) = user_id {
        fill_from_account(db, id, &mut compose).await?;
    }
    let hash = submit_hash(&key, &compose);
    if let Some(done) = conv::Entity::find()
        .filter(conv::Column::SubmitHash.eq(hash.clone()))
        .filter(conv::Column::CreatedAt.gt(now - Duration::minutes(30)))
        .one(db)
        .await?
    {
        return Ok(Sent {
            ref_no: done.ref_no,
            query_code: done.query_code,
            state: state_of(&done.state)?,
            due: done.due_date,
        });
    }
    let mut throttle_keys = client.keys("talk", SEND_PER_DEVICE, SEND_PER_ADDRESS);
    if let Some(id) = user_id {
        throttle_keys.push((format!("talk:user:{id}"), SEND_PER_ACCOUNT));
    }
    let mut stored: Vec<Attachment> = Vec::new();
    if let Some(row) = conversation_draft::Entity::find_by_id(key.clone())
        .one(db)
        .await?
    {
        stored = serde_json::from_str(&row.attachments).unwrap_or_default();
    }
    let mut problems = compose.check(channel);
    let (department, office) = route(db, channel, &compose, &mut problems).await?;
    if let Some(owner) = user_id {
        stored = store_files(db, files, owner, stored, sent_files, &mut problems, now).await?;
    }
    if let Err(ServiceError::Throttled(minutes)) = throttle::check(db, &throttle_keys, now).await {
        problems.insert(
            "form".into(),
            format!("提交过于频繁，请 {minutes} 分钟后再提交；您写的内容已保留"),
        );
    }
    if !problems.is_empty() {
        keep(db, &key, &compose, &stored, &problems, now).await?;
        return Err(ServiceError::Fields(problems));
    }
    let (state, clock_kind) = talk::start(channel);
    let (limit, count) = clock_kind.limit(channel);
    let due = due_date(cal, today, limit, count, 0);
    let txn = db.begin().await?;
    let seq_key = format!("{}{}", channel.prefix(), today.format("%y%m%d"));
    let seq = next_sequence(&txn, &seq_key).await?;
    let ref_no = format!("{}{}{seq:05}", channel.prefix(), today.format("%Y%m%d"));
    let anonymous = channel == TalkChannel::Consultation && compose.anonymous;
    let row = conv::ActiveModel {
        ref_no: Set(ref_no.clone()),
        query_code: Set(new_query_code()),
        channel: Set(channel.code().into()),
        state: Set(state.code().into()),
        version: Set(1),
        user_id: Set(user_id),
        anonymous: Set(anonymous),
        writer_name: Set(if anonymous && compose.name.is_empty() {
            "匿名".into()
        } else {
            compose.name.clone()
        }),
        id_number: Set(Some(compose.id_number.clone()).filter(|s| !s.is_empty())),
        mobile: Set(Some(compose.mobile.clone()).filter(|s| !s.is_empty())),
        email: Set(Some(compose.email.clone()).filter(|s| !s.is_empty())),
        item_code: Set(compose.item_code.clone().filter(|s| !s.is_empty())),
        mailbox_code: Set(compose.mailbox_code.clone().filter(|s| !s.is_empty())),
        category: Set(compose
            .category
            .clone()
            .filter(|_| channel == TalkChannel::Petition)),
        subject: Set(compose.subject.clone()),
        body: Set(compose.body.clone()),
        attachments: Set(json(&stored)?),
        department_code: Set(department.clone()),
        office_code: Set(office),
        reply: Set(None),
        draft_reply: Set(None),
        replied_on: Set(None),
        answered_on: Set(None),
        consent_publish: Set(channel.publishable() && compose.consent_publish),
        published: Set(false),
        public_subject: Set(None),
        public_body: Set(None),
        public_reply: Set(None),
        clock_kind: Set(Some(clock_kind.code().into())),
        clock_start: Set(Some(today)),
        clock_limit: Set(limit as i32),
        clock_days: Set(count_code(count).into()),
        clock_extension: Set(0),
        due_date: Set(Some(due)),
        next_check: Set(Some(card::yellow_from(
            cal,
            due,
            YELLOW_WITHIN_WORKING_DAYS,
        ))),
        card: Set(Card::Green.code().into()),
        on_time: Set(None),
        rating: Set(None),
        submit_hash: Set(Some(hash)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    event(
        &txn,
        &row,
        "submit",
        &row.writer_name,
        user_id,
        state,
        state,
        department.as_deref(),
        "",
        now,
    )
    .await?;
    tell_writer(
        &txn,
        &row,
        "已收到",
        &format!(
            "您的{}（编号 {ref_no}）已收到，{}。请妥善保存编号和查询码。",
            channel.noun_zh(),
            promise(channel)
        ),
        now,
    )
    .await?;
    txn.commit().await?;
    throttle::fail(db, &throttle_keys, now).await?;
    conversation_draft::Entity::delete_by_id(key)
        .exec(db)
        .await?;
    Ok(Sent {
        ref_no,
        query_code: row.query_code,
        state,
        due: Some(due),
    })
}

fn promise(channel: TalkChannel) -> &'static str {
    match channel {
        TalkChannel::Consultation => "我们将在 3 个工作日内答复",
        TalkChannel::Petition => "信访工作机构将在 15 日内告知是否受理",
        TalkChannel::Letter => "我们将在 10 个工作日内答复",
    }
}

fn count_code(count: DayCount) -> &'static str {
    match count {
        DayCount::Working => "working",
        DayCount::Calendar => "calendar",
    }
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
    outbox::Entity::insert(outbox::ActiveModel {
        dedupe_key: Set(format!("talk:{}:v{}:email", row.ref_no, row.version)),
        kind: Set("email".into()),
        recipient: Set(email),
        payload: Set(json(&notice)?),
        created_at: Set(now),
        sent_at: Set(None),
        attempts: Set(0),
        next_attempt_at: Set(Some(now)),
        last_error: Set(None),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::column(outbox::Column::DedupeKey)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
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
    if !caller.is_staff() {
        return Ok(Err("只有工作人员可以办理".into()));
    }
    let handler = match (row.department_code.as_deref(), channel) {
        (Some(d), _) if Some(d) == desk => true,
        // The service hall dispatches questions: those not routed yet, and any it is asked to move.
        (_, TalkChannel::Consultation) => caller.desk.at_hall,
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

/// Who takes the side actions: the writer consents and rates; staff publish.
fn side_who(channel: TalkChannel, action: TalkAction) -> Option<Who> {
    match action {
        TalkAction::Consent | TalkAction::WithdrawConsent | TalkAction::Rate => Some(Who::Writer),
        TalkAction::Publish | TalkAction::Unpublish => Some(if channel == TalkChannel::Letter {
            Who::Office
        } else {
            Who::Handler
        }),
        _ => None,
    }
}

/// The person an action needs: from the table, or for side actions from `side_who`.
fn who_for(channel: TalkChannel, state: TalkState, action: TalkAction) -> Option<Who> {
    talk::find(channel, state, action)
        .map(|t| t.who)
        .or_else(|| side_who(channel, action))
}

fn facts(row: &conv::Model) -> ServiceResult<Facts> {
    Ok(Facts {
        channel: channel_of(row)?,
        state: state_of(&row.state)?,
        consent: row.consent_publish,
        published: row.published,
        rated: row.rating.is_some(),
        answered_on: row.answered_on,
        extended: row.clock_extension > 0,
    })
}

/// Checks that `viewer` may take `action` now; the refusal in words otherwise.
fn check(
    row: &conv::Model,
    viewer: &Viewer,
    action: TalkAction,
    today: NaiveDate,
) -> ServiceResult<()> {
    let f = facts(row)?;
    let who = who_for(f.channel, f.state, action);
    match (who, viewer) {
        (Some(Who::Writer), Viewer::Staff(_)) => {
            return Err(ServiceError::Forbidden("这是来信人自己的操作".into()))
        }
        (Some(Who::Writer), _) => {}
        (Some(w), Viewer::Staff(caller)) => {
            if let Err(why) = staff_may(row, w, caller)? {
                return Err(ServiceError::Forbidden(why));
            }
        }
        (Some(_), _) => return Err(ServiceError::Forbidden("只有工作人员可以办理".into())),
        (None, _) => {}
    }
    if let Some(why) = talk::refusal(&f, action, today) {
        return Err(ServiceError::Refused(why));
    }
    Ok(())
}

/// What comes with an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkInput {
    /// The answer, the reason (不予受理, 延期, 复查请求, 退回), or a rating's comment.
    #[serde(default)]
    pub text: String,
    /// 转办 / 交办 to this department.
    #[serde(default)]
    pub department: Option<String>,
    /// 评价: 1 (非常不满意) … 5 (非常满意).
    #[serde(default)]
    pub level: Option<i32>,
    /// 公开: the edited (redacted) question and answer.
    #[serde(default)]
    pub public_subject: Option<String>,
    #[serde(default)]
    pub public_body: Option<String>,
    #[serde(default)]
    pub public_reply: Option<String>,
    /// 答复: also keep the text as a template of the department, under this title.
    #[serde(default)]
    pub save_template: Option<String>,
}

fn needs_text(action: TalkAction) -> Option<&'static str> {
    match action {
        TalkAction::Reply => Some("请填写答复内容"),
        TalkAction::Refuse => Some("请写明不予受理的理由和依据"),
        TalkAction::Extend => Some("请写明延长办理期限的理由"),
        TalkAction::Return => Some("请写明退回修改的意见"),
        TalkAction::RequestReview => Some("请写明请求复查的理由"),
        TalkAction::RequestReReview => Some("请写明请求复核的理由"),
        _ => None,
    }
}

fn check_input(action: TalkAction, input: &TalkInput) -> ServiceResult<()> {
    let len = input.text.trim().chars().count();
    if let Some(msg) = needs_text(action) {
        if len == 0 {
            return Err(ServiceError::Invalid(msg.into()));
        }
    }
    if len > talk::REPLY_MAX {
        return Err(ServiceError::Invalid(format!(
            "内容不能超过 {} 字（现在 {len} 字）",
            talk::REPLY_MAX
        )));
    }
    if action == TalkAction::Rate && !matches!(input.level, Some(1..=5)) {
        return Err(ServiceError::Invalid("请选择满意程度".into()));
    }
    if action == TalkAction::Publish {
        let subject = input.public_subject.as_deref().unwrap_or("").trim();
        let body = input.public_body.as_deref().unwrap_or("").trim();
        let reply = input.public_reply.as_deref().unwrap_or("").trim();
        if subject.is_empty() || body.is_empty() || reply.is_empty() {
            return Err(ServiceError::Invalid(
                "公开的标题、内容和答复都不能为空".into(),
            ));
        }
        if subject.chars().count() > talk::SUBJECT_MAX
            || body.chars().count() > talk::BODY_MAX
            || reply.chars().count() > talk::REPLY_MAX
        {
            return Err(ServiceError::Invalid("公开的内容过长".into()));
        }
    }
    Ok(())
}

/// Takes `action` on a conversation as `viewer`, if `version` is still the current one.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    ref_no: &str,
    action: TalkAction,
    viewer: &Viewer,
    version: i32,
    input: TalkInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<conv::Model> {
    let txn = db.begin().await?;
    let row = find_for(&txn, ref_no, viewer).await?;
    if row.version != version {
        return Err(ServiceError::Conflict(
            "该件已被他人处理，请刷新后查看最新状态".into(),
        ));
    }
    check(&row, viewer, action, today)?;
    check_input(action, &input)?;
    let channel = channel_of(&row)?;
    let from = state_of(&row.state)?;
    let transition = talk::find(channel, from, action);
    let to = transition.map_or(from, |t| t.to);
    let text = input.text.trim().to_string();
    let (actor, actor_id) = match viewer {
        Viewer::Staff(c) => (c.name.clone(), c.user_id),
        _ => (row.writer_name.clone(), row.user_id),
    };
    let mut update = conv::ActiveModel {
        id: Set(row.id),
        state: Set(to.code().into()),
        version: Set(row.version + 1),
        updated_at: Set(now),
        ..Default::default()
    };
    let mut department = row.department_code.clone();
    let mut detail = text.clone();
    match action {
        TalkAction::Transfer => {
            let target = input.department.clone().unwrap_or_default();
            let dept = department::Entity::find()
                .filter(department::Column::Code.eq(target.clone()))
                .one(&txn)
                .await?
                .ok_or_else(|| ServiceError::Invalid("请选择要转交的部门".into()))?;
            if row.department_code.as_deref() == Some(target.as_str())
                && from != TalkState::Registered
            {
                return Err(ServiceError::Invalid(
                    "已经由该部门办理，请选择其他部门".into(),
                ));
            }
            detail = if text.is_empty() {
                format!("转交{}", dept.name)
            } else {
                format!("转交{}：{text}", dept.name)
            };
            department = Some(target);
            update.department_code = Set(department.clone());
        }
        TalkAction::Reply if channel == TalkChannel::Letter => {
            update.draft_reply = Set(Some(text.clone()));
        }
        TalkAction::Reply | TalkAction::Refuse => {
            update.reply = Set(Some(text.clone()));
            update.answered_on = Set(Some(today));
            if row.replied_on.is_none() {
                update.replied_on = Set(Some(today));
                update.on_time = Set(Some(row.due_date.is_none_or(|d| today <= d)));
            }
        }
        TalkAction::Approve => {
            let reply = row.draft_reply.clone().unwrap_or_default();
            update.reply = Set(Some(reply));
            update.answered_on = Set(Some(today));
            update.replied_on = Set(Some(today));
            update.on_time = Set(Some(row.due_date.is_none_or(|d| today <= d)));
            // The department that answered is remembered; the office is the one that sent it.
            detail = if text.is_empty() {
                "审核通过，答复来信人".into()
            } else {
                text.clone()
            };
        }
        TalkAction::Return => {
            update.draft_reply = Set(None);
        }
        TalkAction::Consent => {
            update.consent_publish = Set(true);
        }
        TalkAction::WithdrawConsent => {
            update.consent_publish = Set(false);
            update.published = Set(false);
        }
        TalkAction::Publish => {
            update.published = Set(true);
            update.public_subject = Set(input
                .public_subject
                .as_deref()
                .map(|s| s.trim().to_string()));
            update.public_body = Set(input.public_body.as_deref().map(|s| s.trim().to_string()));
            update.public_reply = Set(input.public_reply.as_deref().map(|s| s.trim().to_string()));
            detail = "审核后公开（已作脱敏处理）".into();
        }
        TalkAction::Unpublish => {
            update.published = Set(false);
        }
        TalkAction::Rate => {
            let level = input.level.unwrap_or(3);
            update.rating = Set(Some(level));
            detail = format!("评价：{}", crate::domain::case_read::rating_name(level));
            rating::ActiveModel {
                target_kind: Set(channel.code().into()),
                target_id: Set(row.ref_no.clone()),
                user_id: Set(row.user_id),
                department_code: Set(row.department_code.clone().unwrap_or_default()),
                item_code: Set(row.item_code.clone().unwrap_or_default()),
                level: Set(level),
                comment: Set(text.chars().take(500).collect()),
                channel: Set("web".into()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        TalkAction::Extend => {
            detail = format!("延长 {EXTENSION_DAYS} 日：{text}");
        }
        TalkAction::Accept | TalkAction::RequestReview | TalkAction::RequestReReview => {}
    }
    if let Some(t) = transition {
        apply_clock(&mut update, &row, channel, t.clock, cal, today)?;
    }
    // Guarded update: only if nobody changed it since it was read.
    let done = conv::Entity::update_many()
        .set(update)
        .filter(conv::Column::Id.eq(row.id))
        .filter(conv::Column::Version.eq(row.version))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::Conflict(
            "该件已被他人处理，请刷新后查看最新状态".into(),
        ));
    }
    let updated = conv::Entity::find_by_id(row.id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    event(
        &txn,
        &updated,
        action.code(),
        &actor,
        actor_id,
        from,
        to,
        department.as_deref(),
        &detail,
        now,
    )
    .await?;
    if let Viewer::Staff(caller) = viewer {
        audit::append(
            &txn,
            AuditEntry {
                at: now,
                actor_user_id: caller.user_id,
                actor: caller.name.clone(),
                action: format!("talk.{}", action.code()),
                target: format!("{}:{}", channel.code(), row.ref_no),
                detail: format!("{} → {}{}", from.code(), to.code(), from_address(caller)),
            },
        )
        .await?;
        if action == TalkAction::Reply {
            if let (Some(title), Some(dept)) = (
                input
                    .save_template
                    .as_deref()
                    .map(str::trim)
                    .filter(|t| !t.is_empty()),
                caller.desk.department.clone(),
            ) {
                reply_template::ActiveModel {
                    department_code: Set(dept),
                    channel: Set(channel.code().into()),
                    title: Set(title.chars().take(100).collect()),
                    body: Set(text.clone()),
                    created_by: Set(caller.name.clone()),
                    created_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    if let Some((title, body)) = writer_wording(&updated, channel, action, to, &text) {
        tell_writer(&txn, &updated, title, &body, now).await?;
    }
    txn.commit().await?;
    Ok(updated)
}

fn from_address(caller: &Caller) -> String {
    caller
        .address
        .as_deref()
        .map(|a| format!(" from {a}"))
        .unwrap_or_default()
}

fn apply_clock(
    update: &mut conv::ActiveModel,
    row: &conv::Model,
    channel: TalkChannel,
    effect: ClockEffect,
    cal: &WorkCalendar,
    today: NaiveDate,
) -> ServiceResult<()> {
    let stop = |update: &mut conv::ActiveModel| {
        update.next_check = Set(None);
        update.card = Set(Card::Green.code().into());
    };
    match effect {
        ClockEffect::Keep => {}
        ClockEffect::Stop => {
            stop(update);
            update.clock_kind = Set(None);
        }
        ClockEffect::Start(kind) => {
            let (limit, count) = kind.limit(channel);
            let due = due_date(cal, today, limit, count, 0);
            update.clock_kind = Set(Some(kind.code().into()));
            update.clock_start = Set(Some(today));
            update.clock_limit = Set(limit as i32);
            update.clock_days = Set(count_code(count).into());
            update.clock_extension = Set(0);
            update.due_date = Set(Some(due));
            update.card = Set(Card::Green.code().into());
            update.next_check = Set(Some(card::yellow_from(
                cal,
                due,
                YELLOW_WITHIN_WORKING_DAYS,
            )));
        }
        ClockEffect::Extend => {
            let start = row.clock_start.unwrap_or(today);
            let count = if row.clock_days == "calendar" {
                DayCount::Calendar
            } else {
                DayCount::Working
            };
            let due = due_date(cal, start, row.clock_limit as u32, count, EXTENSION_DAYS);
            update.clock_extension = Set(EXTENSION_DAYS as i32);
            update.due_date = Set(Some(due));
            update.card = Set(Card::Green.code().into());
            update.next_check = Set(Some(card::yellow_from(
                cal,
                due,
                YELLOW_WITHIN_WORKING_DAYS,
            )));
        }
    }
    Ok(())
}

/// What the writer is told after `action`, or nothing for steps inside the government.
fn writer_wording(
    row: &conv::Model,
    channel: TalkChannel,
    action: TalkAction,
    to: TalkState,
    text: &str,
) -> Option<(&'static str, String)> {
    let r = &row.ref_no;
    let noun = channel.noun_zh();
    Some(match action {
        TalkAction::Reply if channel == TalkChannel::Letter => return None,
        TalkAction::Reply | TalkAction::Approve => (
            "已答复",
            format!(
                "您的{noun}（编号 {r}）已有答复（{}），请登录或凭查询码查看。",
                to.name_zh()
            ),
        ),
        TalkAction::Accept => (
            "已受理",
            format!("您的信访事项（编号 {r}）已受理，将在 60 日内办结并出具书面处理意见。"),
        ),
        TalkAction::Refuse => (
            "不予受理",
            format!("您的信访事项（编号 {r}）不予受理。理由：{text}"),
        ),
        TalkAction::Extend => (
            "办理期限延长",
            format!("您的信访事项（编号 {r}）办理期限经批准延长 {EXTENSION_DAYS} 日。理由：{text}"),
        ),
        TalkAction::Transfer if channel == TalkChannel::Petition => (
            "已转办",
            format!("您的信访事项（编号 {r}）已转交有权处理的部门办理。"),
        ),
        TalkAction::Transfer if channel == TalkChannel::Letter && row.state == "assigned" => {
            ("已交办", format!("您的来信（编号 {r}）已交有关部门办理。"))
        }
        TalkAction::Publish => (
            "已公开",
            format!("经您同意，您的{noun}（编号 {r}）及答复已在网上公开（个人信息已隐去）。"),
        ),
        TalkAction::RequestReview | TalkAction::RequestReReview => (
            "请求已收到",
            format!(
                "您对信访事项（编号 {r}）的{}请求已收到，将在 30 日内出具意见。",
                if action == TalkAction::RequestReview {
                    "复查"
                } else {
                    "复核"
                }
            ),
        ),
        _ => return None,
    })
}

/// Builds the view of one conversation for `viewer`.
pub async fn view(
    db: &DatabaseConnection,
    ref_no: &str,
    viewer: &Viewer,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<TalkView> {
    let row = find_for(db, ref_no, viewer).await?;
    let channel = channel_of(&row)?;
    let state = state_of(&row.state)?;
    let staff = matches!(viewer, Viewer::Staff(_));
    let names = department_names(db).await?;
    let dept_name = |code: &Option<String>| {
        code.as_ref()
            .map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone()))
    };
    let events = conversation_event::Entity::find()
        .filter(conversation_event::Column::ConversationId.eq(row.id))
        .order_by_asc(conversation_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| {
            let action = match TalkAction::from_code(&e.action) {
                Some(a) => a
                    .name_zh(channel, state_of(&e.from_state).unwrap_or(state))
                    .to_string(),
                None if e.action == "submit" => "提交".to_string(),
                None => e.action.clone(),
            };
            let from_writer = e.actor_user_id.is_some() && e.actor_user_id == row.user_id;
            TalkEventView {
                at: e.at,
                action,
                actor: if staff || from_writer {
                    e.actor.clone()
                } else {
                    String::new()
                },
                department: if from_writer {
                    None
                } else {
                    dept_name(&e.department_code)
                },
                // Rating comments and internal notes stay with staff; the writer sees answers.
                detail: if staff || from_writer || matches!(e.action.as_str(), "refuse" | "extend")
                {
                    e.detail
                } else {
                    String::new()
                },
            }
        })
        .collect();
    let f = facts(&row)?;
    let offers = TalkAction::ALL
        .into_iter()
        .filter(|a| check(&row, viewer, *a, today).is_ok())
        .filter(|a| {
            !staff
                || !matches!(
                    a,
                    TalkAction::Consent | TalkAction::WithdrawConsent | TalkAction::Rate
                )
        })
        .map(|a| TalkOffer {
            action: a,
            name: a.name_zh(channel, state).to_string(),
        })
        .collect::<Vec<_>>();
    let (departments, templates) = match viewer {
        Viewer::Staff(caller) => {
            let depts = if offers.iter().any(|o| o.action == TalkAction::Transfer) {
                department::Entity::find()
                    .order_by_asc(department::Column::SortOrder)
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|d| (d.code, d.name))
                    .collect()
            } else {
                Vec::new()
            };
            let templates = match &caller.desk.department {
                Some(dept) => reply_template::Entity::find()
                    .filter(reply_template::Column::DepartmentCode.eq(dept.clone()))
                    .filter(reply_template::Column::Channel.eq(channel.code()))
                    .order_by_asc(reply_template::Column::Id)
                    .all(db)
                    .await?
                    .into_iter()
                    .map(|t| (t.title, t.body))
                    .collect(),
                None => Vec::new(),
            };
            audit::append(
                db,
                AuditEntry {
                    at: now,
                    actor_user_id: caller.user_id,
                    actor: caller.name.clone(),
                    action: "talk.view".into(),
                    target: format!("{}:{}", channel.code(), row.ref_no),
                    detail: format!("opened{}", from_address(caller)),
                },
            )
            .await?;
            (depts, templates)
        }
        _ => (Vec::new(), Vec::new()),
    };
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
    let review_until = match (state, row.answered_on) {
        (TalkState::Replied | TalkState::Reviewed, Some(on)) => {
            Some(talk::review_deadline(on)).filter(|d| today <= *d)
        }
        _ => None,
    };
    let card = Card::from_code(&row.card).unwrap_or(Card::Green);
    Ok(TalkView {
        ref_no: row.ref_no.clone(),
        channel,
        state,
        version: row.version,
        subject: row.subject.clone(),
        body: row.body.clone(),
        writer: row.writer_name.clone(),
        anonymous: row.anonymous,
        id_number: row.id_number.clone().filter(|_| staff),
        mobile: row.mobile.clone().filter(|_| staff),
        email: row.email.clone().filter(|_| staff),
        item,
        mailbox,
        category: row
            .category
            .as_deref()
            .and_then(talk::category_name)
            .map(str::to_string),
        department: dept_name(&row.department_code),
        attachments: attachments_of(&row)
            .iter()
            .map(view_of_attachment)
            .collect(),
        reply: row.reply.clone(),
        draft_reply: row.draft_reply.clone().filter(|_| staff),
        answered_on: row.answered_on,
        clock: row
            .clock_kind
            .as_deref()
            .and_then(ClockKind::from_code)
            .map(|k| k.name_zh().to_string()),
        due: row.due_date.filter(|_| row.clock_kind.is_some()),
        card,
        extended: f.extended,
        consent_publish: row.consent_publish,
        published: row.published,
        public_subject: Some(
            row.public_subject
                .clone()
                .unwrap_or_else(|| talk::redact(&row.subject)),
        )
        .filter(|_| staff),
        public_body: Some(
            row.public_body
                .clone()
                .unwrap_or_else(|| talk::redact(&row.body)),
        )
        .filter(|_| staff),
        public_reply: row
            .public_reply
            .clone()
            .or_else(|| row.reply.as_deref().map(talk::redact))
            .filter(|_| staff),
        rating: row.rating,
        review_until,
        created_at: row.created_at,
        events,
        offers,
        departments,
        templates,
        viewer_is_staff: staff,
        has_opinion_pdf: channel == TalkChannel::Petition && row.reply.is_some(),
    })
}

pub(crate) async fn department_names(
    db: &impl ConnectionTrait,
) -> ServiceResult<std::collections::HashMap<String, String>> {
    Ok(department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect())
}

/// An attachment of a conversation, for its writer or the staff who may see it.
pub async fn attachment(
    db: &DatabaseConnection,
    ref_no: &str,
    upload_id: i64,
    viewer: &Viewer,
    now: DateTime<Utc>,
) -> ServiceResult<super::entities::upload::Model> {
    let row = find_for(db, ref_no, viewer).await?;
    if !attachments_of(&row)
        .iter()
        .any(|a| a.upload_id == upload_id)
    {
        return Err(ServiceError::NotFound);
    }
    if let Viewer::Staff(caller) = viewer {
        audit::append(
            db,
            AuditEntry {
                at: now,
                actor_user_id: caller.user_id,
                actor: caller.name.clone(),
                action: "talk.file".into(),
                target: format!("{}:{}", row.channel, row.ref_no),
                detail: format!("upload {upload_id}{}", from_address(caller)),
            },
        )
        .await?;
    }
    super::entities::upload::Entity::find_by_id(upload_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The mailboxes and, for the leader's office, the mailbox staff (demo and production seed).
pub async fn ensure_mailbox(
    db: &impl ConnectionTrait,
    code: &str,
    name: &str,
    leader: &str,
    office: &str,
    sort_order: i32,
) -> ServiceResult<()> {
    mailbox::Entity::insert(mailbox::ActiveModel {
        code: Set(code.into()),
        name: Set(name.into()),
        leader: Set(leader.into()),
        office_department_code: Set(office.into()),
        sort_order: Set(sort_order),
    })
    .on_conflict(
        OnConflict::column(mailbox::Column::Code)
            .update_columns([
                mailbox::Column::Name,
                mailbox::Column::Leader,
                mailbox::Column::OfficeDepartmentCode,
                mailbox::Column::SortOrder,
            ])
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Adds a reply template for a department (demo seed and the reply form's "save as template").
pub async fn add_template(
    db: &impl ConnectionTrait,
    department: &str,
    channel: TalkChannel,
    title: &str,
    body: &str,
    by: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let exists = reply_template::Entity::find()
        .filter(reply_template::Column::DepartmentCode.eq(department))
        .filter(reply_template::Column::Channel.eq(channel.code()))
        .filter(reply_template::Column::Title.eq(title))
        .one(db)
        .await?
        .is_some();
    if !exists {
        reply_template::ActiveModel {
            department_code: Set(department.into()),
            channel: Set(channel.code().into()),
            title: Set(title.into()),
            body: Set(body.into()),
            created_by: Set(by.into()),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Marks every conversation clock whose check day has come: yellow or red card, a reminder in the
/// outbox for the department, once per (conversation, clock, colour). Returns (yellow, red).
pub async fn check_clocks(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<(u64, u64)> {
    let due = conv::Entity::find()
        .filter(conv::Column::NextCheck.lte(today))
        .filter(conv::Column::ClockKind.is_not_null())
        .all(db)
        .await?;
    let (mut yellow, mut red) = (0, 0);
    for row in due {
        let Some(due_date) = row.due_date else {
            continue;
        };
        let colour = card::evaluate(cal, due_date, today, YELLOW_WITHIN_WORKING_DAYS);
        let next = match colour {
            Card::Red => None,
            Card::Yellow => due_date.succ_opt(),
            Card::Green => Some(card::yellow_from(cal, due_date, YELLOW_WITHIN_WORKING_DAYS)),
        };
        let txn = db.begin().await?;
        conv::Entity::update_many()
            .col_expr(conv::Column::Card, Expr::value(colour.code()))
            .col_expr(conv::Column::NextCheck, Expr::value(next))
            .filter(conv::Column::Id.eq(row.id))
            .filter(conv::Column::Version.eq(row.version))
            .exec(&txn)
            .await?;
        if colour != Card::Green {
            let kind = row.clock_kind.clone().unwrap_or_default();
            let inserted = super::entities::conversation_card::Entity::insert(
                super::entities::conversation_card::ActiveModel {
                    conversation_id: Set(row.id),
                    clock_kind: Set(kind.clone()),
                    color: Set(colour.code().into()),
                    due_date: Set(due_date),
                    issued_at: Set(now),
                    ..Default::default()
                },
            )
            .on_conflict(
                OnConflict::columns([
                    super::entities::conversation_card::Column::ConversationId,
                    super::entities::conversation_card::Column::ClockKind,
                    super::entities::conversation_card::Column::Color,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(&txn)
            .await?;
            if inserted == 1 {
                match colour {
                    Card::Yellow => yellow += 1,
                    _ => red += 1,
                }
                let notice = Notice {
                    subject: format!("{}：{} {}", colour.name_zh(), row.ref_no, row.subject),
                    body: format!("编号 {} 的期限为 {}，请及时办理。", row.ref_no, due_date),
                    link: format!("/staff/talks/{}", row.ref_no),
                };
                outbox::Entity::insert(outbox::ActiveModel {
                    dedupe_key: Set(format!("talk:{}:{kind}:{}", row.ref_no, colour.code())),
                    kind: Set("card_reminder".into()),
                    recipient: Set(format!(
                        "department:{}",
                        row.department_code.clone().unwrap_or_default()
                    )),
                    payload: Set(json(&notice)?),
                    created_at: Set(now),
                    sent_at: Set(None),
                    attempts: Set(0),
                    next_attempt_at: Set(Some(now)),
                    last_error: Set(None),
                    ..Default::default()
                })
                .on_conflict(
                    OnConflict::column(outbox::Column::DedupeKey)
                        .do_nothing()
                        .to_owned(),
                )
                .exec_without_returning(&txn)
                .await?;
            }
        }
        txn.commit().await?;
    }
    Ok((yellow, red))
}
