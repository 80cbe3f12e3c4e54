//! The lists of the three conversation channels: staff queues (same shape as the case queues),
//! the public lists of published questions and letters, the mailboxes with their figures, the
//! writer's own list, and a petition's written opinion as a PDF.

use super::{about, department_names, find_for, Viewer};
use crate::backend::applications::Caller;
use crate::backend::entities::{conversation as conv, mailbox, service_item};
use crate::backend::error::{ServiceError, ServiceResult};
use crate::domain::card::Card;
use crate::domain::site::SiteInfo;
use crate::domain::talk::{
    MailboxView, PublicPage, PublicTalk, TalkChannel, TalkQueue, TalkQueuePage, TalkRow, TalkState,
};
use sea_orm::sea_query::{Condition, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Statement,
};

const PER_PAGE: u64 = 20;
const PUBLIC_PER_PAGE: u64 = 10;

/// States in which something waits for the government.
const OPEN: [TalkState; 7] = [
    TalkState::Waiting,
    TalkState::Registered,
    TalkState::Handling,
    TalkState::ReviewRequested,
    TalkState::ReReviewRequested,
    TalkState::Assigned,
    TalkState::Checking,
];
const DONE: [TalkState; 5] = [
    TalkState::Answered,
    TalkState::NotAccepted,
    TalkState::Replied,
    TalkState::Reviewed,
    TalkState::ReReviewed,
];

fn codes(states: &[TalkState]) -> Vec<&'static str> {
    states.iter().map(|s| s.code()).collect()
}

/// What of `channel` belongs to this desk at all.
fn desk(channel: TalkChannel, caller: &Caller) -> Condition {
    let dept = caller.desk.department.clone().unwrap_or_default();
    let mut any = Condition::any().add(conv::Column::DepartmentCode.eq(dept.clone()));
    match channel {
        TalkChannel::Letter => any = any.add(conv::Column::OfficeCode.eq(dept)),
        TalkChannel::Consultation if caller.desk.at_hall => {
            any = any.add(conv::Column::DepartmentCode.is_null())
        }
        _ => {}
    }
    Condition::all()
        .add(conv::Column::Channel.eq(channel.code()))
        .add(any)
}

/// What waits for this desk now: a letter waits for its department while assigned and for the
/// office while registered or being checked.
fn waiting(channel: TalkChannel, caller: &Caller) -> Condition {
    let dept = caller.desk.department.clone().unwrap_or_default();
    if channel != TalkChannel::Letter {
        return Condition::all().add(conv::Column::State.is_in(codes(&OPEN)));
    }
    Condition::any()
        .add(
            Condition::all()
                .add(conv::Column::DepartmentCode.eq(dept.clone()))
                .add(conv::Column::State.eq(TalkState::Assigned.code())),
        )
        .add(Condition::all().add(conv::Column::OfficeCode.eq(dept)).add(
            conv::Column::State.is_in([TalkState::Registered.code(), TalkState::Checking.code()]),
        ))
}

fn queue_condition(channel: TalkChannel, queue: TalkQueue, caller: &Caller) -> Condition {
    let base = desk(channel, caller);
    match queue {
        TalkQueue::Open => base.add(waiting(channel, caller)),
        TalkQueue::DueSoon => base
            .add(waiting(channel, caller))
            .add(conv::Column::Card.eq(Card::Yellow.code())),
        TalkQueue::Overdue => base
            .add(waiting(channel, caller))
            .add(conv::Column::Card.eq(Card::Red.code())),
        TalkQueue::ToPublish => base
            .add(conv::Column::State.eq(TalkState::Answered.code()))
            .add(conv::Column::ConsentPublish.eq(true))
            .add(conv::Column::Published.eq(false)),
        TalkQueue::Done => base.add(conv::Column::State.is_in(codes(&DONE))),
    }
}

fn search(select: Select<conv::Entity>, q: &str) -> Select<conv::Entity> {
    if q.is_empty() {
        return select;
    }
    let like = format!("%{}%", q.replace(['%', '_'], ""));
    select.filter(
        Condition::any()
            .add(conv::Column::RefNo.eq(q))
            .add(conv::Column::Mobile.eq(q))
            .add(conv::Column::IdNumber.eq(q.to_uppercase()))
            .add(conv::Column::Subject.like(like.clone()))
            .add(conv::Column::WriterName.like(like)),
    )
}

/// A staff queue of one channel.
pub async fn queue(
    db: &DatabaseConnection,
    caller: &Caller,
    channel: TalkChannel,
    queue: TalkQueue,
    q: &str,
    page: u64,
) -> ServiceResult<TalkQueuePage> {
    if !caller.reads_cases() {
        return Err(ServiceError::Forbidden(
            "只有业务人员和监察员可以查看".into(),
        ));
    }
    let q = q.trim().chars().take(40).collect::<String>();
    let mut counts = Vec::new();
    for tab in TalkQueue::ALL {
        let n = conv::Entity::find()
            .filter(queue_condition(channel, tab, caller))
            .count(db)
            .await?;
        counts.push((tab, n));
    }
    let mut channel_counts = Vec::new();
    for c in TalkChannel::ALL {
        let n = conv::Entity::find()
            .filter(queue_condition(c, TalkQueue::Open, caller))
            .count(db)
            .await?;
        channel_counts.push((c, n));
    }
    let select = search(
        conv::Entity::find().filter(queue_condition(channel, queue, caller)),
        &q,
    );
    let total = select.clone().count(db).await?;
    let page = page.clamp(1, super::super::db::MAX_PAGE);
    let ordered = if queue == TalkQueue::Done {
        select.order_by_desc(conv::Column::UpdatedAt)
    } else {
        // Earliest deadline first; those without a clock at the end.
        select
            .order_by(
                Expr::col(conv::Column::DueDate).is_null(),
                sea_orm::Order::Asc,
            )
            .order_by_asc(conv::Column::DueDate)
            .order_by_asc(conv::Column::Id)
    };
    let rows = ordered
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(db)
        .await?;
    let names = department_names(db).await?;
    Ok(TalkQueuePage {
        channel,
        queue,
        counts,
        channel_counts,
        search: q,
        total,
        page,
        per_page: PER_PAGE,
        rows: rows.into_iter().filter_map(|r| row_of(r, &names)).collect(),
    })
}

fn row_of(r: conv::Model, names: &std::collections::HashMap<String, String>) -> Option<TalkRow> {
    Some(TalkRow {
        channel: TalkChannel::from_code(&r.channel)?,
        state: TalkState::from_code(&r.state)?,
        department: r
            .department_code
            .as_ref()
            .map(|c| names.get(c).cloned().unwrap_or_else(|| c.clone())),
        due: r.due_date.filter(|_| r.clock_kind.is_some()),
        card: if r.clock_kind.is_some() {
            Card::from_code(&r.card).unwrap_or(Card::Green)
        } else {
            Card::Green
        },
        ref_no: r.ref_no,
        subject: r.subject,
        writer: r.writer_name,
        created_at: r.created_at,
    })
}

/// The writer's own conversations, newest first.
pub async fn of_writer(db: &DatabaseConnection, user_id: i32) -> ServiceResult<Vec<TalkRow>> {
    let names = department_names(db).await?;
    Ok(conv::Entity::find()
        .filter(conv::Column::UserId.eq(user_id))
        .order_by_desc(conv::Column::Id)
        .limit(200)
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| row_of(r, &names))
        .collect())
}

/// Which published conversations a public list shows.
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    pub q: String,
    pub item_code: Option<String>,
    pub mailbox_code: Option<String>,
    pub page: u64,
}

/// Published questions or letters with their answers: only the edited public text.
pub async fn public(
    db: &DatabaseConnection,
    channel: TalkChannel,
    filter: &PublicFilter,
) -> ServiceResult<PublicPage> {
    if !channel.publishable() {
        return Err(ServiceError::NotFound);
    }
    let mut select = conv::Entity::find()
        .filter(conv::Column::Channel.eq(channel.code()))
        .filter(conv::Column::Published.eq(true))
        .filter(conv::Column::ConsentPublish.eq(true));
    if let Some(item) = filter.item_code.as_deref().filter(|s| !s.is_empty()) {
        select = select.filter(conv::Column::ItemCode.eq(item));
    }
    if let Some(m) = filter.mailbox_code.as_deref().filter(|s| !s.is_empty()) {
        select = select.filter(conv::Column::MailboxCode.eq(m));
    }
    let q: String = filter.q.trim().chars().take(40).collect();
    if !q.is_empty() {
        let like = format!("%{}%", q.replace(['%', '_'], ""));
        select = select.filter(
            Condition::any()
                .add(conv::Column::PublicSubject.like(like.clone()))
                .add(conv::Column::PublicBody.like(like.clone()))
                .add(conv::Column::PublicReply.like(like)),
        );
    }
    let total = select.clone().count(db).await?;
    let page = filter.page.clamp(1, super::super::db::MAX_PAGE);
    let rows = select
        .order_by_desc(conv::Column::AnsweredOn)
        .order_by_desc(conv::Column::Id)
        .offset((page - 1) * PUBLIC_PER_PAGE)
        .limit(PUBLIC_PER_PAGE)
        .all(db)
        .await?;
    let names = department_names(db).await?;
    let mut out = Vec::new();
    for r in rows {
        let (item, mailbox) = about(db, &r).await?;
        out.push(PublicTalk {
            ref_no: r.ref_no,
            channel,
            subject: r.public_subject.unwrap_or_default(),
            body: r.public_body.unwrap_or_default(),
            reply: r.public_reply.unwrap_or_default(),
            department: r
                .department_code
                .as_ref()
                .and_then(|c| names.get(c).cloned())
                .unwrap_or_default(),
            item,
            mailbox,
            asked_on: crate::domain::time::local_date(r.created_at),
            answered_on: r.answered_on,
        });
    }
    Ok(PublicPage {
        total,
        page,
        per_page: PUBLIC_PER_PAGE,
        rows: out,
    })
}

/// The mailboxes in their order, each with received, answered and answered-on-time counts.
pub async fn mailboxes(db: &DatabaseConnection) -> ServiceResult<Vec<MailboxView>> {
    let backend = db.get_database_backend();
    let figures = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT mailbox_code, COUNT(*) AS received, \
             SUM(CASE WHEN replied_on IS NOT NULL THEN 1 ELSE 0 END) AS answered, \
             SUM(CASE WHEN on_time THEN 1 ELSE 0 END) AS on_time \
             FROM conversations WHERE channel = 'letter' GROUP BY mailbox_code",
        ))
        .await?;
    let mut by_code = std::collections::HashMap::new();
    for row in figures {
        let code: Option<String> = row.try_get("", "mailbox_code")?;
        let received: i64 = row.try_get("", "received")?;
        let answered: Option<i64> = row.try_get("", "answered")?;
        let on_time: Option<i64> = row.try_get("", "on_time")?;
        if let Some(code) = code {
            by_code.insert(
                code,
                (
                    received as u64,
                    answered.unwrap_or(0) as u64,
                    on_time.unwrap_or(0) as u64,
                ),
            );
        }
    }
    Ok(mailbox::Entity::find()
        .order_by_asc(mailbox::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|m| {
            let (received, answered, on_time) = by_code.get(&m.code).copied().unwrap_or_default();
            MailboxView {
                code: m.code,
                name: m.name,
                leader: m.leader,
                received,
                answered,
                on_time,
            }
        })
        .collect())
}

/// The item a question is asked about (from its guide page), if it is in the catalogue: code and
/// name. The form offers it beside a general question instead of a list of every item.
pub async fn item_named(
    db: &DatabaseConnection,
    code: &str,
) -> ServiceResult<Option<(String, String)>> {
    Ok(service_item::Entity::find()
        .filter(service_item::Column::Code.eq(code))
        .filter(service_item::Column::Retired.eq(false))
        .one(db)
        .await?
        .map(|i| (i.code, i.name)))
}

/// A petition's written answer (不予受理告知书, 处理意见书, 复查意见书, 复核意见书) as a PDF, for the
/// petitioner or the staff who may see it.
pub async fn opinion_pdf(
    db: &DatabaseConnection,
    site: &SiteInfo,
    ref_no: &str,
    viewer: &Viewer,
) -> ServiceResult<Vec<u8>> {
    let row = find_for(db, ref_no, viewer).await?;
    let state = TalkState::from_code(&row.state).ok_or(ServiceError::NotFound)?;
    let (Some(reply), Some(on), "petition") = (&row.reply, row.answered_on, row.channel.as_str())
    else {
        return Err(ServiceError::NotFound);
    };
    let (title, mark, rights) = match state {
        TalkState::NotAccepted => (
            "信访事项不予受理告知书",
            "不受",
            "如对本告知不服，可以依法通过其他途径解决。",
        ),
        // While 复核 is asked for, the last opinion is still the 复查 one.
        TalkState::Reviewed | TalkState::ReReviewRequested => (
            "信访事项复查意见书",
            "复查",
            "如对复查意见不服，可以自收到本意见书之日起 30 日内向复查机关的上一级行政机关请求复核。",
        ),
        TalkState::ReReviewed => (
            "信访事项复核意见书",
            "复核",
            "本复核意见为最终意见。信访人对复核意见不服，仍以同一事实和理由提出信访请求的，不再受理。",
        ),
        _ => (
            "信访事项处理意见书",
            "处理",
            "如对本处理意见不服，可以自收到本意见书之日起 30 日内请求原办理行政机关的上一级行政机关复查。",
        ),
    };
    let names = department_names(db).await?;
    let department = row
        .department_code
        .as_ref()
        .and_then(|c| names.get(c).cloned())
        .unwrap_or_default();
    let asked = crate::domain::time::local_date(row.created_at);
    let mut paragraphs = vec![format!(
        "你于{}提出的信访事项（编号 {}，“{}”）收悉。经办理，现答复如下：",
        asked.format("%Y年%-m月%-d日"),
        row.ref_no,
        row.subject
    )];
    paragraphs.extend(
        reply
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string),
    );
    let notice = crate::backend::pdf::notice::Notice {
        title: title.to_string(),
        number: format!("信{mark}字〔{}〕第 {} 号", on.format("%Y"), row.ref_no),
        addressee: row.writer_name.clone(),
        paragraphs,
        list: Vec::new(),
        closing: vec![rights.to_string()],
        department,
        date: on.format("%Y年%-m月%-d日").to_string(),
        foot: format!(
            "信访事项编号 {}　　本文书可在{}“网上信访”中凭编号和查询码查看和下载",
            row.ref_no, site.portal_name
        ),
    };
    crate::backend::pdf::notice::render(&notice)
}
