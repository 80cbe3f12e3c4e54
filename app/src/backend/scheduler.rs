//! 定时任务 (scheduler): looks only at the clocks whose next check day has come, issues yellow and
//! red cards with a reminder in the outbox, and takes the law's deemed actions (视为受理, 超时默许).
//!
//! Several server instances may run it against one PostgreSQL database: each batch locks its
//! clocks with `FOR UPDATE SKIP LOCKED`, so instances divide the work; cards and reminders have
//! unique keys and deemed actions go through the case's version check, so every effect happens once
//! even if two instances meet. On SQLite there is one instance, and a batch takes the write lock
//! before it reads.

use super::applications::{self, ActionInput, Caller};
use super::entities::card as card_row;
use super::error::{ServiceError, ServiceResult};
use crate::backend::db::begin_write;
use crate::domain::calendar::WorkCalendar;
use crate::domain::card::{self, Card, YELLOW_WITHIN_WORKING_DAYS};
use crate::domain::workflow::Action;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set, Statement};

/// Clocks handled per transaction: small enough to keep locks short.
const BATCH: u32 = 500;

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PassReport {
    pub clocks: u64,
    pub yellow_cards: u64,
    pub red_cards: u64,
    pub deemed: u64,
    /// Days whose supervision figures were aggregated.
    pub figure_days: u32,
}

/// A due clock as the batch query returns it.
struct DueClock {
    id: i32,
    application_id: i32,
    kind: String,
    due_date: NaiveDate,
    case_no: String,
}

/// A deemed action to take once the batch has committed (it locks the case and its clocks itself).
struct Deemed {
    case_no: String,
    action: Action,
    branch: Option<String>,
}

fn due_clocks_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => {
            "SELECT c.id, c.application_id, c.kind, c.due_date, a.case_no \
             FROM clocks c JOIN applications a ON a.id = c.application_id \
             WHERE c.status = 'running' AND c.next_check <= $1 \
             ORDER BY c.next_check, c.id LIMIT $2 \
             FOR UPDATE OF c SKIP LOCKED"
        }
        _ => {
            "SELECT c.id, c.application_id, c.kind, c.due_date, a.case_no \
             FROM clocks c JOIN applications a ON a.id = c.application_id \
             WHERE c.status = 'running' AND c.next_check <= ? \
             ORDER BY c.next_check, c.id LIMIT ?"
        }
    }
}

fn update_clock_sql(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "UPDATE clocks SET card = $1, next_check = $2 WHERE id = $3",
        _ => "UPDATE clocks SET card = ?, next_check = ? WHERE id = ?",
    }
}

/// One pass over every clock due on `today`, batch after batch until none is left.
pub async fn run_once(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<PassReport> {
    let mut report = PassReport::default();
    loop {
        let (handled, deemed) = run_batch(db, cal, today, now, &mut report).await?;
        for d in deemed {
            deem(db, cal, d, today, now, &mut report).await?;
        }
        if handled < BATCH as usize {
            // The conversation channels' clocks (咨询, 信访, 来信): cards and reminders only.
            let (yellow, red) = super::talks::check_clocks(db, cal, today, now).await?;
            report.yellow_cards += yellow;
            report.red_cards += red;
            // The supervision figures of the days that have ended.
            report.figure_days = super::supervision::catch_up(db, today).await?;
            return Ok(report);
        }
    }
}

async fn run_batch(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    today: NaiveDate,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> ServiceResult<(usize, Vec<Deemed>)> {
    let backend = db.get_database_backend();
    // On SQLite the write lock is taken at once, so what this batch reads stays current.
    let txn = begin_write(db).await?;
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            due_clocks_sql(backend),
            [today.into(), BATCH.into()],
        ))
        .await?;
    let mut deemed = Vec::new();
    for row in &rows {
        let clock = DueClock {
            id: row.try_get("", "id")?,
            application_id: row.try_get("", "application_id")?,
            kind: row.try_get("", "kind")?,
            due_date: row.try_get("", "due_date")?,
            case_no: row.try_get("", "case_no")?,
        };
        let color = card::evaluate(cal, clock.due_date, today, YELLOW_WITHIN_WORKING_DAYS);
        if color != Card::Green && issue_card(&txn, &clock, color, now).await? {
            match color {
                Card::Yellow => report.yellow_cards += 1,
                _ => report.red_cards += 1,
            }
        }
        if color == Card::Red {
            // Past its deadline: the law acts for the silent party.
            if clock.kind == "acceptance" {
                deemed.push(Deemed {
                    case_no: clock.case_no.clone(),
                    action: Action::DeemAccept,
                    branch: None,
                });
            } else if let Some(department) = clock.kind.strip_prefix("branch:") {
                deemed.push(Deemed {
                    case_no: clock.case_no.clone(),
                    action: Action::DeemConsent,
                    branch: Some(department.to_string()),
                });
            }
        }
        let next_check = match color {
            Card::Green => Some(card::yellow_from(
                cal,
                clock.due_date,
                YELLOW_WITHIN_WORKING_DAYS,
            )),
            Card::Yellow => clock.due_date.succ_opt(),
            Card::Red => None,
        };
        let color_code = color.code();
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            update_clock_sql(backend),
            [color_code.into(), next_check.into(), clock.id.into()],
        ))
        .await?;
        report.clocks += 1;
    }
    txn.commit().await?;
    Ok((rows.len(), deemed))
}

/// Issues the card and queues its reminder; false when this card already exists.
async fn issue_card(
    txn: &impl ConnectionTrait,
    clock: &DueClock,
    color: Card,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    let color_code = color.code();
    let inserted = card_row::Entity::insert(card_row::ActiveModel {
        application_id: Set(clock.application_id),
        clock_id: Set(clock.id),
        color: Set(color_code.into()),
        due_date: Set(clock.due_date),
        issued_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([card_row::Column::ClockId, card_row::Column::Color])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(txn)
    .await?;
    if inserted == 0 {
        return Ok(false);
    }
    let payload = serde_json::json!({
        "case_no": clock.case_no,
        "clock": clock.kind,
        "due_date": clock.due_date,
        "card": color_code,
        "text": format!(
            "办件 {} 的{}时限（{}）{}",
            clock.case_no,
            clock.kind,
            clock.due_date.format("%Y-%m-%d"),
            color.name_zh()
        ),
    });
    super::notify::enqueue(
        txn,
        format!("card:{}:{color_code}", clock.id),
        "card_reminder",
        format!("case:{}", clock.case_no),
        payload.to_string(),
        now,
    )
    .await?;
    Ok(true)
}

/// Takes a deemed action unless someone already acted: a case that moved on is left alone.
async fn deem(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    d: Deemed,
    today: NaiveDate,
    now: DateTime<Utc>,
    report: &mut PassReport,
) -> ServiceResult<()> {
    let Some(app) = applications::find(db, &d.case_no).await? else {
        return Ok(());
    };
    let input = ActionInput {
        branch: d.branch,
        ..ActionInput::default()
    };
    match applications::act(
        db,
        cal,
        &d.case_no,
        d.action,
        &Caller::system(),
        app.version,
        &input,
        today,
        now,
    )
    .await
    {
        Ok(_) => report.deemed += 1,
        // Another instance, or a clerk, got there first.
        Err(ServiceError::Conflict(_)) | Err(ServiceError::Invalid(_)) => {}
        Err(e) => return Err(e),
    }
    Ok(())
}
