//! 提交: a question, petition or letter from its writer — checked, routed, its files stored, its
//! first clock started; a refused send is kept for the writer with every problem by field.

use super::*;
use crate::backend::db::begin_write;
use crate::domain::identity::{IdNumber, MobileNumber};

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

/// A device's kept text lasts this long: the next person at a shared computer must not find it.
const DEVICE_DRAFT_MINUTES: i64 = 60;

pub async fn kept(
    db: &impl ConnectionTrait,
    key: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Option<Kept>> {
    let Some(row) = conversation_draft::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    if key.contains(":device:") && row.updated_at < now - Duration::minutes(DEVICE_DRAFT_MINUTES) {
        conversation_draft::Entity::delete_by_id(key.to_string())
            .exec(db)
            .await?;
        return Ok(None);
    }
    let attachments: Vec<Attachment> = serde_json::from_str(&row.attachments).unwrap_or_default();
    Ok(Some(Kept {
        compose: serde_json::from_str(&row.fields).unwrap_or_default(),
        attachments: attachments.iter().map(view_of_attachment).collect(),
        problems: serde_json::from_str(&row.problems).unwrap_or_default(),
    }))
}

/// What the writing form starts from: the writer's kept text, else what this browser typed before
/// logging in, else the account's name and contact (nothing of a staff member's).
pub async fn form_start(
    db: &DatabaseConnection,
    channel: TalkChannel,
    account: Option<&crate::backend::auth::Account>,
    client: &Client,
    now: DateTime<Utc>,
) -> ServiceResult<Kept> {
    if let Some(kept) = kept_for(db, channel, account.map(|a| a.id), client, now).await? {
        return Ok(kept);
    }
    let mut start = Kept::default();
    if let Some(a) = account.filter(|a| !a.roles.iter().any(|r| r.is_staff())) {
        let profile = crate::backend::accounts::profile(db, a.id).await?;
        start.compose.name = profile.name;
        start.compose.mobile = profile.mobile.unwrap_or_default();
        start.compose.email = profile.email.unwrap_or_default();
        start.compose.id_number = profile.id_number.unwrap_or_default();
    }
    Ok(start)
}

/// The writer's own kept text, else what this browser typed before it was sent to log in (moved
/// to the account now, so it follows the writer).
async fn kept_for(
    db: &impl ConnectionTrait,
    channel: TalkChannel,
    account: Option<i32>,
    client: &Client,
    now: DateTime<Utc>,
) -> ServiceResult<Option<Kept>> {
    let device_key = draft_key(channel, None, client);
    let Some(user) = account else {
        return match device_key {
            Some(k) => kept(db, &k, now).await,
            None => Ok(None),
        };
    };
    let user_key = format!("{}:user:{user}", channel.code());
    if let Some(mine) = kept(db, &user_key, now).await? {
        return Ok(Some(mine));
    }
    let Some(device_key) = device_key else {
        return Ok(None);
    };
    let Some(before_login) = kept(db, &device_key, now).await? else {
        return Ok(None);
    };
    keep(
        db,
        &user_key,
        &before_login.compose,
        &[],
        &before_login.problems,
        now,
    )
    .await?;
    conversation_draft::Entity::delete_by_id(device_key)
        .exec(db)
        .await?;
    Ok(Some(before_login))
}

/// Keeps what a writer typed when it cannot be sent now (not signed in, the post broke off):
/// under the account, or under the browser until it signs in.
pub async fn keep_unsent(
    db: &impl ConnectionTrait,
    channel: TalkChannel,
    account: Option<i32>,
    client: &Client,
    compose: &Compose,
    why: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let Some(key) = draft_key(channel, account, client) else {
        return Ok(());
    };
    let mut problems = Problems::new();
    problems.insert("form".into(), why.to_string());
    keep(db, &key, &compose.clone().trimmed(), &[], &problems, now).await
}

async fn keep(
    db: &impl ConnectionTrait,
    key: &str,
    compose: &Compose,
    attachments: &[Attachment],
    problems: &Problems,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    save_draft_row(
        db,
        key,
        json(compose)?,
        json(&attachments)?,
        json(problems)?,
        now,
    )
    .await
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

/// What a real-name channel takes from the account where the form left it empty: a petition the
/// name, 身份证号 and contact; a letter the name. A question takes nothing: the asker chose what to
/// leave (an anonymous one leaves nothing of the account).
async fn fill_from_account(
    db: &DatabaseConnection,
    channel: TalkChannel,
    user_id: i32,
    compose: &mut Compose,
) -> ServiceResult<()> {
    if channel == TalkChannel::Consultation {
        return Ok(());
    }
    let profile = crate::backend::accounts::profile(db, user_id).await?;
    if compose.name.is_empty() {
        compose.name = profile.name;
    }
    if channel == TalkChannel::Petition {
        if compose.id_number.is_empty() {
            compose.id_number = profile.id_number.unwrap_or_default();
        }
        if compose.mobile.is_empty() {
            compose.mobile = profile.mobile.unwrap_or_default();
        }
        if compose.email.is_empty() {
            compose.email = profile.email.unwrap_or_default();
        }
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
    account: Option<&crate::backend::auth::Account>,
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
        fill_from_account(db, channel, id, &mut compose).await?;
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
    match throttle::check(db, &throttle_keys, now).await {
        Ok(()) => {}
        Err(ServiceError::Throttled(minutes)) => {
            problems.insert(
                "form".into(),
                format!("提交过于频繁，请 {minutes} 分钟后再提交；您写的内容已保留"),
            );
        }
        Err(other) => return Err(other),
    }
    if !problems.is_empty() {
        keep(db, &key, &compose, &stored, &problems, now).await?;
        return Err(ServiceError::Fields(problems));
    }
    let (state, clock_kind) = talk::start(channel);
    let (limit, count) = clock_kind.limit(channel);
    let due = due_date(cal, today, limit, count, 0);
    let txn = begin_write(db).await?;
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
        // Only a petition is real-name by law; the check has passed, so these parse.
        id_number: Set(IdNumber::parse(&compose.id_number)
            .ok()
            .filter(|_| channel == TalkChannel::Petition)
            .map(|id| id.as_str().to_string())),
        mobile: Set(MobileNumber::parse(&compose.mobile)
            .ok()
            .map(|m| m.as_str().to_string())),
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
        next_check: Set(Some(first_check(cal, due))),
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
