//! 通知 (notifications) of the applicant: written in the transaction of the event itself — a message
//! in the app's message centre, and outbox rows for an email and a text message that the mail
//! worker sends later. Each (event, channel) exists once: the outbox key is the case version.

use super::entities::{application, message, outbox, user};
use super::error::ServiceResult;
use crate::domain::workflow::Action;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, Set};
use serde::{Deserialize, Serialize};

/// What goes into an outbox row of kind `email` or `sms`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub subject: String,
    pub body: String,
    /// A path on this site (the worker puts the public address in front).
    pub link: String,
}

/// What the applicant is told about `action`, or `None` for the steps inside a department.
fn wording(app: &application::Model, action: Action, detail: &str) -> Option<(String, String)> {
    let case = &app.case_no;
    let reason = if detail.trim().is_empty() {
        String::new()
    } else {
        format!("\n说明：{}", detail.trim())
    };
    let (title, body) = match action {
        Action::Submit => (
            "申请已提交",
            format!("您的申请（办件编号 {case}）已提交，受理部门将在 5 个工作日内决定是否受理。请妥善保存办件编号和查询密码。"),
        ),
        Action::RequestSupplement => (
            "请补正材料",
            format!("您的申请（办件编号 {case}）需要补正材料。请按补正告知书一次性补齐后重新提交。{reason}"),
        ),
        Action::Resubmit => (
            "补正材料已提交",
            format!("您为办件 {case} 补正的材料已提交，受理部门将重新审查。"),
        ),
        Action::Accept | Action::DeemAccept => (
            "申请已受理",
            format!("您的申请（办件编号 {case}）已受理，进入审查。可在“我的办事”查看办理时限。"),
        ),
        Action::RefuseAcceptance => (
            "申请不予受理",
            format!("您的申请（办件编号 {case}）不予受理。{reason}"),
        ),
        Action::Suspend => (
            "进入特别程序",
            format!("办件 {case} 进入特别程序，所需时间不计入办理时限。{reason}"),
        ),
        Action::Resume => (
            "特别程序结束",
            format!("办件 {case} 的特别程序已结束，办理时限继续计算。"),
        ),
        Action::Extend => (
            "办理期限延长",
            format!("经批准，办件 {case} 的办理期限延长。{reason}"),
        ),
        Action::Grant => (
            "准予许可",
            format!("您的申请（办件编号 {case}）已准予许可，结果将按您选择的方式送达。"),
        ),
        Action::Deny => (
            "不予许可",
            format!("您的申请（办件编号 {case}）不予许可。您可依法申请行政复议或者提起行政诉讼。{reason}"),
        ),
        Action::Conclude => (
            "办件已办结",
            format!("办件 {case} 已办结。欢迎对本次服务进行评价。"),
        ),
        Action::Deliver => (
            "办理结果已送达",
            format!("办件 {case} 的办理结果已送达。{reason}"),
        ),
        Action::Withdraw => ("申请已撤回", format!("办件 {case} 已撤回。")),
        Action::CompleteStep
        | Action::StartParallel
        | Action::AnswerBranch
        | Action::DeemConsent
        | Action::RequestExtension => return None,
    };
    Some((title.to_string(), body))
}

/// Tells the applicant of a case about an event, inside the event's transaction.
pub async fn case_event(
    txn: &DatabaseTransaction,
    app: &application::Model,
    action: Action,
    detail: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let Some(user_id) = app.applicant_user_id else {
        return Ok(());
    };
    let Some((title, body)) = wording(app, action, detail) else {
        return Ok(());
    };
    let Some(person) = user::Entity::find_by_id(user_id).one(txn).await? else {
        return Ok(());
    };
    message::ActiveModel {
        user_id: Set(user_id),
        title: Set(title.clone()),
        body: Set(body.clone()),
        case_no: Set(Some(app.case_no.clone())),
        link: Set(None),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let notice = Notice {
        subject: format!("【网上办事大厅】{title}（办件编号 {}）", app.case_no),
        body,
        link: format!("/my/{}", app.case_no),
    };
    let payload = serde_json::to_string(&notice)
        .map_err(|e| super::error::ServiceError::Internal(e.to_string()))?;
    let event = format!("case:{}:v{}", app.case_no, app.version);
    let mut rows = Vec::new();
    if let Some(email) = person.email.filter(|e| !e.is_empty()) {
        rows.push(("email", email));
    }
    if let Some(mobile) = person.mobile.filter(|m| !m.is_empty()) {
        rows.push(("sms", mobile));
    }
    for (kind, recipient) in rows {
        enqueue(
            txn,
            format!("{event}:{kind}"),
            kind,
            recipient,
            payload.clone(),
            now,
        )
        .await?;
    }
    Ok(())
}

/// Puts one row in the outbox unless a row with the same key is there already: each (event,
/// recipient) is queued once, however often or by however many instances it is tried.
pub(crate) async fn enqueue(
    txn: &impl ConnectionTrait,
    dedupe_key: String,
    kind: &str,
    recipient: String,
    payload: String,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    outbox::Entity::insert(outbox::ActiveModel {
        dedupe_key: Set(dedupe_key),
        kind: Set(kind.to_string()),
        recipient: Set(recipient),
        payload: Set(payload),
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
