//! Actions on a conversation: who may take which (the table, the department, the office, the
//! writer), what each needs, and what it does to the state, the clock, the history and the writer.

use super::*;
use crate::backend::db::begin_write;

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

pub(super) fn facts(row: &conv::Model) -> ServiceResult<Facts> {
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
pub(super) fn check(
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
    /// Where a rating was given (`kiosk`); set by the server, never read from a form. The web
    /// by default.
    #[serde(skip)]
    pub rated_via: Option<String>,
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
    let txn = begin_write(db).await?;
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
            // The leader's office may keep a registered letter itself; anything else must move.
            let office_keeps = channel == TalkChannel::Letter && from == TalkState::Registered;
            if row.department_code.as_deref() == Some(target.as_str()) && !office_keeps {
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
        // 退回: the draft stays, so the department revises it rather than starting again.
        TalkAction::Return => {}
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
            crate::backend::ratings::record(
                &txn,
                cal,
                crate::backend::ratings::NewRating {
                    target_kind: channel.code().into(),
                    target_id: row.ref_no.clone(),
                    user_id: row.user_id,
                    // A question answered at the hall before routing is the hall's.
                    department_code: match row.department_code.clone() {
                        Some(code) => code,
                        None => crate::backend::departments::hall_code(&txn)
                            .await?
                            .unwrap_or_default(),
                    },
                    item_code: row.item_code.clone().unwrap_or_default(),
                    level,
                    comment: text.clone(),
                    channel: input.rated_via.clone().unwrap_or_else(|| "web".into()),
                },
                today,
                now,
            )
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
        audit_staff(
            &txn,
            caller,
            action.code(),
            &row,
            format!("{} → {}", from.code(), to.code()),
            now,
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
    if let Some((title, body)) = writer_wording(&updated, channel, action, from, to, &text) {
        tell_writer(&txn, &updated, title, &body, now).await?;
    }
    txn.commit().await?;
    Ok(updated)
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
            update.next_check = Set(Some(first_check(cal, due)));
        }
        ClockEffect::Extend => {
            let start = row.clock_start.unwrap_or(today);
            let count = count_of(&row.clock_days);
            let due = due_date(cal, start, row.clock_limit as u32, count, EXTENSION_DAYS);
            update.clock_extension = Set(EXTENSION_DAYS as i32);
            update.due_date = Set(Some(due));
            update.card = Set(Card::Green.code().into());
            update.next_check = Set(Some(first_check(cal, due)));
        }
    }
    Ok(())
}

/// What the writer is told after `action`, or nothing for steps inside the government.
fn writer_wording(
    row: &conv::Model,
    channel: TalkChannel,
    action: TalkAction,
    from: TalkState,
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
        // A letter's writer hears of the first 交办; moves between departments after it are internal.
        TalkAction::Transfer if channel == TalkChannel::Letter && from == TalkState::Registered => {
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

/// The key a staff member's refused text is kept under, per person and conversation.
fn typed_key(user: i32, ref_no: &str) -> String {
    let ref_no: String = ref_no.chars().take(20).collect();
    format!("typed:{user}:{ref_no}")
}

/// Keeps what a staff member wrote for an action that was refused (a page drawn before someone
/// else acted, a text too long): the page offers it again instead of losing pages of a reply.
pub async fn keep_typed(
    db: &impl ConnectionTrait,
    user: i32,
    ref_no: &str,
    action: TalkAction,
    text: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    save_draft_row(
        db,
        &typed_key(user, ref_no),
        json(&(action, text))?,
        "[]".into(),
        "{}".into(),
        now,
    )
    .await
}

/// Forgets the kept text once an action of this person on the conversation went through.
pub async fn forget_typed(db: &impl ConnectionTrait, user: i32, ref_no: &str) -> ServiceResult<()> {
    conversation_draft::Entity::delete_by_id(typed_key(user, ref_no))
        .exec(db)
        .await?;
    Ok(())
}

/// The text a staff member wrote for a refused action on this conversation, if kept.
pub(super) async fn typed(
    db: &impl ConnectionTrait,
    user: i32,
    ref_no: &str,
) -> ServiceResult<Option<(TalkAction, String)>> {
    Ok(
        conversation_draft::Entity::find_by_id(typed_key(user, ref_no))
            .one(db)
            .await?
            .and_then(|row| serde_json::from_str(&row.fields).ok()),
    )
}
