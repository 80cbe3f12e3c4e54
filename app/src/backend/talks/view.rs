//! One conversation as its writer or staff see it, and its attachments.

use super::act::{check, facts, typed};
use super::*;
use crate::backend::db::begin_write;

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
            let txn = begin_write(db).await?;
            audit_staff(&txn, caller, "view", &row, "opened".into(), now).await?;
            txn.commit().await?;
            (depts, templates)
        }
        _ => (Vec::new(), Vec::new()),
    };
    let (item, mailbox) = about(db, &row).await?;
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
        typed: match viewer {
            Viewer::Staff(Caller {
                user_id: Some(user),
                ..
            }) => typed(db, *user, &row.ref_no).await?,
            _ => None,
        },
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

/// An attachment of a conversation, for its writer or the staff who may see it.
pub async fn attachment(
    db: &DatabaseConnection,
    ref_no: &str,
    upload_id: i64,
    viewer: &Viewer,
    now: DateTime<Utc>,
) -> ServiceResult<crate::backend::entities::upload::Model> {
    let row = find_for(db, ref_no, viewer).await?;
    if !attachments_of(&row)
        .iter()
        .any(|a| a.upload_id == upload_id)
    {
        return Err(ServiceError::NotFound);
    }
    if let Viewer::Staff(caller) = viewer {
        let txn = begin_write(db).await?;
        audit_staff(
            &txn,
            caller,
            "file",
            &row,
            format!("upload {upload_id}"),
            now,
        )
        .await?;
        txn.commit().await?;
    }
    crate::backend::entities::upload::Entity::find_by_id(upload_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)
}
