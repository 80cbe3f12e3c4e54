//! 预警纠错: the yellow and red cards of cases (and their steps) and of conversations, in one list,
//! and their life cycle: the department explains, a supervisor closes or escalates (督办); every
//! step is kept in `card_events` and in the audit log.

use super::{statement, Scope, MAX_PAGE};
use crate::backend::audit::{self, AuditEntry};
use crate::backend::auth::Account;
use crate::backend::db::begin_write;
use crate::backend::departments;
use crate::backend::entities::card_event;
use crate::backend::error::{ServiceError, ServiceResult};
use crate::backend::ratings::EXPORT_ROWS;
use crate::domain::case_read::deadline_label;
use crate::domain::supervision::{
    CardAction, CardEventView, CardPage, CardRow, CardStatus, Cell, Table,
};
use crate::domain::talk::{ClockKind, TalkChannel};
use crate::domain::time::local_date;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, Set, Value,
};

/// One SELECT per card table, the same columns, so that both page together.
const CASE_CARDS: &str = "SELECT 'case' AS source, k.id AS id, k.color AS color, \
     k.status AS status, a.case_no AS target, 'case' AS kind, c.kind AS clock, \
     a.department_code AS dept, k.due_date AS due_date, k.issued_at AS issued_at, \
     k.explanation AS explanation \
     FROM cards k JOIN applications a ON a.id = k.application_id \
     JOIN clocks c ON c.id = k.clock_id WHERE 1 = 1";
/// A conversation not yet routed is the service hall's (its clerks route or answer it).
const TALK_CARDS: &str = "SELECT 'talk' AS source, k.id AS id, k.color AS color, \
     k.status AS status, v.ref_no AS target, v.channel AS kind, k.clock_kind AS clock, \
     COALESCE(v.department_code, (SELECT MIN(d.code) FROM departments d WHERE d.is_hall = TRUE), '') \
     AS dept, k.due_date AS due_date, k.issued_at AS issued_at, k.explanation AS explanation \
     FROM conversation_cards k JOIN conversations v ON v.id = k.conversation_id WHERE 1 = 1";

/// The department of a conversation card, the hall's when not yet routed.
const TALK_DEPARTMENT: &str =
    "COALESCE(v.department_code, (SELECT MIN(d.code) FROM departments d WHERE d.is_hall = TRUE), '')";

/// The filters of a card list, applied to both halves.
struct Filter {
    status: Option<CardStatus>,
    color: Option<String>,
    department: Option<String>,
}

impl Filter {
    /// The filters asked for, the department limited to what the viewer may see.
    fn new(
        scope: &Scope,
        status: Option<CardStatus>,
        color: Option<&str>,
        department: Option<&str>,
    ) -> Filter {
        Filter {
            status,
            color: color
                .filter(|c| ["yellow", "red"].contains(c))
                .map(str::to_string),
            department: scope.department(department),
        }
    }

    /// The WHERE additions for one half (`dept` is that half's department column) and values.
    fn clause(&self, dept: &str, with_status: bool) -> (String, Vec<Value>) {
        let mut sql = String::new();
        let mut values = Vec::new();
        if with_status {
            match self.status {
                Some(s) => {
                    sql.push_str(" AND k.status = ?");
                    values.push(s.code().into());
                }
                None => sql.push_str(" AND k.status <> 'closed'"),
            }
        }
        if let Some(color) = &self.color {
            sql.push_str(" AND k.color = ?");
            values.push(color.clone().into());
        }
        if let Some(code) = &self.department {
            sql.push_str(&format!(" AND {dept} = ?"));
            values.push(code.clone().into());
        }
        (sql, values)
    }

    /// Both halves, UNION ALL, with their values in order.
    fn union(&self, with_status: bool) -> (String, Vec<Value>) {
        let (a, mut values) = self.clause("a.department_code", with_status);
        let (b, more) = self.clause(TALK_DEPARTMENT, with_status);
        values.extend(more);
        (format!("{CASE_CARDS}{a} UNION ALL {TALK_CARDS}{b}"), values)
    }
}

/// The cards a viewer may see: a supervisor every department's (or the one asked for), a
/// department's staff their own. `status` None lists the cards not yet closed.
#[allow(clippy::too_many_arguments)]
pub async fn card_page(
    db: &impl ConnectionTrait,
    account: &Account,
    status: Option<CardStatus>,
    color: Option<&str>,
    department: Option<&str>,
    page: u64,
    per_page: u64,
) -> ServiceResult<CardPage> {
    let scope = Scope::of(account)?;
    let filter = Filter::new(&scope, status, color, department);
    let backend = db.get_database_backend();
    let (page, per_page) = (page.clamp(1, MAX_PAGE), per_page.clamp(1, 200));
    let (union, mut values) = filter.union(true);
    let total: i64 = db
        .query_one_raw(statement(
            backend,
            &format!("SELECT COUNT(*) AS n FROM ({union}) t"),
            values.clone(),
        ))
        .await?
        .map(|r| r.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    values.push((per_page as i64).into());
    values.push((((page - 1) * per_page) as i64).into());
    let rows = db
        .query_all_raw(statement(
            backend,
            &format!("{union} ORDER BY issued_at DESC, id DESC LIMIT ? OFFSET ?"),
            values,
        ))
        .await?;
    let names = departments::names(db).await?;
    let cards = rows
        .iter()
        .map(|r| card_row(r, &names))
        .collect::<ServiceResult<Vec<_>>>()?;
    let history = history_of(db, &cards).await?;
    // Counts per status for the tabs (colour and department filters kept).
    let mut counts = Vec::new();
    let (union, values) = filter.union(false);
    let by_status = db
        .query_all_raw(statement(
            backend,
            &format!("SELECT status, COUNT(*) AS n FROM ({union}) t GROUP BY status"),
            values,
        ))
        .await?;
    for s in CardStatus::ALL {
        let n = by_status
            .iter()
            .find(|r| {
                r.try_get::<String>("", "status")
                    .is_ok_and(|c| c == s.code())
            })
            .map(|r| r.try_get::<i64>("", "n"))
            .transpose()?
            .unwrap_or(0);
        counts.push((s, n as u64));
    }
    Ok(CardPage {
        status,
        color: filter.color,
        department: filter.department,
        counts,
        total: total as u64,
        page,
        per_page,
        rows: cards,
        history,
        supervisor: scope.is_supervisor(),
        departments: if scope.is_supervisor() {
            departments::choices(db).await?
        } else {
            Vec::new()
        },
    })
}

/// A card as the union query gives it back.
fn card_row(
    r: &sea_orm::QueryResult,
    names: &std::collections::HashMap<String, String>,
) -> ServiceResult<CardRow> {
    let source: String = r.try_get("", "source")?;
    let kind: String = r.try_get("", "kind")?;
    let clock: String = r.try_get("", "clock")?;
    let target: String = r.try_get("", "target")?;
    let dept: String = r.try_get("", "dept")?;
    let issued_at: DateTime<Utc> = r.try_get("", "issued_at")?;
    let status: String = r.try_get("", "status")?;
    Ok(CardRow {
        link: if source == "case" {
            format!("/staff/cases/{target}")
        } else {
            format!("/staff/talks/{target}")
        },
        id: r.try_get("", "id")?,
        color: r.try_get("", "color")?,
        status: CardStatus::from_code(&status).unwrap_or(CardStatus::Issued),
        target_kind: kind_name(&kind),
        clock: clock_name(&source, &clock),
        department: names
            .get(&dept)
            .cloned()
            .unwrap_or_else(|| "政务服务大厅（待分办）".into()),
        department_code: dept,
        due_date: r.try_get("", "due_date")?,
        issued_on: local_date(issued_at),
        explanation: r.try_get("", "explanation")?,
        target,
        source,
    })
}

fn kind_name(kind: &str) -> String {
    match kind {
        "case" => "办件".into(),
        other => TalkChannel::from_code(other)
            .map_or_else(|| other.to_string(), |c| c.name_zh().to_string()),
    }
}

/// The deadline a card is about, for people.
fn clock_name(source: &str, clock: &str) -> String {
    if source == "talk" {
        return ClockKind::from_code(clock).map_or_else(|| clock.into(), |k| k.name_zh().into());
    }
    if let Some(label) = deadline_label(clock) {
        return label.into();
    }
    if clock.starts_with("step:") {
        "审查环节时限".into()
    } else if clock.starts_with("branch:") {
        "并联审批时限".into()
    } else {
        clock.into()
    }
}

async fn history_of(
    db: &impl ConnectionTrait,
    cards: &[CardRow],
) -> ServiceResult<Vec<((String, i32), Vec<CardEventView>)>> {
    let mut out = Vec::new();
    for source in ["case", "talk"] {
        let ids: Vec<i32> = cards
            .iter()
            .filter(|c| c.source == source)
            .map(|c| c.id)
            .collect();
        if ids.is_empty() {
            continue;
        }
        let events = card_event::Entity::find()
            .filter(card_event::Column::Source.eq(source))
            .filter(card_event::Column::CardId.is_in(ids.clone()))
            .order_by_asc(card_event::Column::Id)
            .all(db)
            .await?;
        for id in ids {
            let list: Vec<CardEventView> = events
                .iter()
                .filter(|e| e.card_id == id)
                .map(|e| CardEventView {
                    at: e
                        .at
                        .with_timezone(&crate::domain::time::china())
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                    actor: e.actor.clone(),
                    action: CardAction::from_code(&e.action)
                        .map_or_else(|| e.action.clone(), |a| a.name_zh().to_string()),
                    text: e.text.clone(),
                })
                .collect();
            if !list.is_empty() {
                out.push(((source.to_string(), id), list));
            }
        }
    }
    Ok(out)
}

/// A step of a card's life cycle. The department explains (its own cards only); a supervisor
/// closes or escalates. Explaining and escalating need a text. The row is locked before it is
/// read and the update is guarded by the status read, so of two people acting at once the second
/// is told the card has moved on.
pub async fn act_on_card(
    db: &DatabaseConnection,
    account: &Account,
    source: &str,
    id: i32,
    action: CardAction,
    text: &str,
    now: DateTime<Utc>,
) -> ServiceResult<CardStatus> {
    let scope = Scope::of(account)?;
    let text = text.trim();
    if text.chars().count() > 2000 {
        return Err(ServiceError::Invalid("内容不能超过 2000 个字".into()));
    }
    if crate::domain::application_form::looks_like_markup(text) {
        return Err(ServiceError::Invalid("请不要输入网页代码".into()));
    }
    if text.is_empty() && action != CardAction::Close {
        return Err(ServiceError::Invalid(
            match action {
                CardAction::Explain => "请说明超时或临近超时的原因及处理措施",
                _ => "请写明督办意见",
            }
            .into(),
        ));
    }
    if action.by_supervisor() != scope.is_supervisor() {
        return Err(ServiceError::Forbidden(
            "监察人员审核销号或督办，说明情况由本部门填写".into(),
        ));
    }
    let (table, dept_sql) = match source {
        "case" => (
            "cards",
            "SELECT k.status AS status, a.department_code AS dept FROM cards k \
             JOIN applications a ON a.id = k.application_id WHERE k.id = ?",
        ),
        "talk" => (
            "conversation_cards",
            "SELECT k.status AS status, COALESCE(v.department_code, (SELECT MIN(d.code) \
             FROM departments d WHERE d.is_hall = TRUE), '') AS dept \
             FROM conversation_cards k JOIN conversations v ON v.id = k.conversation_id \
             WHERE k.id = ?",
        ),
        _ => return Err(ServiceError::NotFound),
    };
    let txn = begin_write(db).await?;
    super::lock_for_update(&txn, table, id).await?;
    let backend = txn.get_database_backend();
    let row = txn
        .query_one_raw(statement(backend, dept_sql, vec![id.into()]))
        .await?
        .ok_or(ServiceError::NotFound)?;
    let (status, dept): (String, String) = (row.try_get("", "status")?, row.try_get("", "dept")?);
    if let Scope::Department(own) = &scope {
        if *own != dept {
            return Err(ServiceError::NotFound);
        }
    }
    let from = CardStatus::from_code(&status).unwrap_or(CardStatus::Issued);
    let to = action
        .apply(from)
        .map_err(|why| ServiceError::Conflict(why.into()))?;
    let mut sql = format!("UPDATE {table} SET status = ?, updated_at = ?");
    let mut values: Vec<Value> = vec![to.code().into(), now.into()];
    if action == CardAction::Explain {
        sql.push_str(", explanation = ?");
        values.push(text.into());
    }
    sql.push_str(" WHERE id = ? AND status = ?");
    values.extend([id.into(), from.code().into()]);
    let done = txn.execute_raw(statement(backend, &sql, values)).await?;
    if done.rows_affected() != 1 {
        return Err(ServiceError::Conflict("该牌已被他人处理，请刷新".into()));
    }
    card_event::ActiveModel {
        source: Set(source.into()),
        card_id: Set(id),
        action: Set(action.code().into()),
        text: Set(text.into()),
        actor: Set(account.display_name.clone()),
        at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    audit::append(
        &txn,
        AuditEntry::of(
            account,
            &format!("card.{}", action.code()),
            format!("card:{source}:{id}"),
            format!("{} -> {}", from.code(), to.code()),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(to)
}

/// The card list as a table, for export: the page's status, colour and department, in one query.
pub async fn card_table(
    db: &impl ConnectionTrait,
    account: &Account,
    status: Option<CardStatus>,
    color: Option<&str>,
    department: Option<&str>,
) -> ServiceResult<Table> {
    let scope = Scope::of(account)?;
    let filter = Filter::new(&scope, status, color, department);
    let backend = db.get_database_backend();
    let (union, mut values) = filter.union(true);
    values.push((EXPORT_ROWS as i64 + 1).into());
    let found = db
        .query_all_raw(statement(
            backend,
            &format!("{union} ORDER BY issued_at DESC, id DESC LIMIT ?"),
            values,
        ))
        .await?;
    let names = departments::names(db).await?;
    let mut rows = Vec::new();
    for r in found.iter().take(EXPORT_ROWS as usize) {
        let c = card_row(r, &names)?;
        rows.push(vec![
            Cell::Text(if c.color == "red" { "红牌" } else { "黄牌" }.into()),
            Cell::Text(c.target_kind),
            Cell::Text(c.target),
            Cell::Text(c.clock),
            Cell::Text(c.department),
            Cell::Text(day(c.due_date)),
            Cell::Text(day(c.issued_on)),
            Cell::Text(c.status.name_zh().into()),
            Cell::Text(c.explanation.unwrap_or_default()),
        ]);
    }
    if found.len() as u64 > EXPORT_ROWS {
        rows.push(vec![Cell::Text(format!(
            "（仅导出最新的 {EXPORT_ROWS} 条）"
        ))]);
    }
    Ok(Table {
        title: "预警纠错".into(),
        headers: [
            "牌",
            "类别",
            "编号",
            "时限",
            "部门",
            "到期日",
            "发牌日",
            "状态",
            "部门说明",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    })
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
