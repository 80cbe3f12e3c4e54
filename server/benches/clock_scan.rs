//! Benchmark: the scheduler's scan for due clocks over 1,000,000 open applications (SQLite).
//! Run with `make bench`; prints a table. Not a test: it asserts nothing about time.

use app::backend::entities::{application, clock};
use app::backend::scheduler;
use app::domain::calendar::WorkCalendar;
use chrono::{Duration, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, EntityTrait, Set, Statement, TransactionTrait};
use std::time::Instant;

const OPEN_APPLICATIONS: usize = 1_000_000;
/// Clocks whose check day is today; the rest are spread over the coming year.
const DUE_TODAY: usize = 1_000;
/// Rows per insert: 13 columns × 2,000 stays under SQLite's 32,766 bound variables.
const CHUNK: usize = 2_000;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("valid date")
}

mod common;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (conn, _) = common::fresh_database("clock-scan").await?;
    let today = date("2026-06-01");
    let now = Utc::now();

    let load = Instant::now();
    for start in (0..OPEN_APPLICATIONS).step_by(CHUNK) {
        let txn = conn.begin().await?;
        let apps = (start..start + CHUNK).map(|i| application::ActiveModel {
            id: Set(i as i32 + 1),
            case_no: Set(format!("99010020260101{i:06}")),
            item_code: Set("990100-XK-0001".into()),
            applicant_user_id: Set(None),
            applicant_name: Set("测试".into()),
            state: Set("under_review".into()),
            current_step: Set(None),
            version: Set(1),
            definition: Set("{}".into()),
            form: Set("{}".into()),
            created_at: Set(now),
            updated_at: Set(now),
            query_code: Set("00000000".into()),
            department_code: Set("scjg".into()),
            current_role: Set(None),
            assignee_id: Set(None),
            applicant_id_number: Set(None),
            applicant_mobile: Set(None),
            channel: Set("online".into()),
            ..Default::default()
        });
        application::Entity::insert_many(apps)
            .exec_without_returning(&txn)
            .await?;
        let clocks = (start..start + CHUNK).map(|i| {
            // The first DUE_TODAY clocks turn yellow today; the others later in the year.
            let check = if i < DUE_TODAY {
                today
            } else {
                today + Duration::days(1 + (i % 364) as i64)
            };
            clock::ActiveModel {
                application_id: Set(i as i32 + 1),
                kind: Set("legal".into()),
                start_date: Set(check - Duration::days(28)),
                limit_days: Set(20),
                day_count: Set("working".into()),
                extensions: Set("[]".into()),
                pausable: Set(true),
                status: Set("running".into()),
                due_date: Set(Some(check + Duration::days(1))),
                next_check: Set(Some(check)),
                card: Set("green".into()),
                stopped_on: Set(None),
                ..Default::default()
            }
        });
        clock::Entity::insert_many(clocks)
            .exec_without_returning(&txn)
            .await?;
        txn.commit().await?;
    }
    conn.execute_unprepared("ANALYZE").await?;
    let loaded = load.elapsed();

    let backend = conn.get_database_backend();
    let count_due = |indexed: bool| {
        let sql = format!(
            "SELECT COUNT(*) AS n FROM clocks {} WHERE status = 'running' AND next_check <= '{today}'",
            if indexed { "" } else { "NOT INDEXED" }
        );
        Statement::from_string(backend, sql)
    };
    let t = Instant::now();
    let row = conn.query_one_raw(count_due(true)).await?.ok_or("no row")?;
    let due: i64 = row.try_get("", "n")?;
    let indexed = t.elapsed();
    let t = Instant::now();
    conn.query_one_raw(count_due(false)).await?;
    let full = t.elapsed();

    let cal = WorkCalendar::official();
    let t = Instant::now();
    let report = scheduler::run_once(&conn, &cal, today, now).await?;
    let pass = t.elapsed();

    println!();
    println!("| clock scan, SQLite, {OPEN_APPLICATIONS} open applications | result |");
    println!("|---|---|");
    println!(
        "| load (not part of the scan) | {:.1} s |",
        loaded.as_secs_f64()
    );
    println!(
        "| find due clocks through the next_check index ({due} due) | {:.1} ms |",
        indexed.as_secs_f64() * 1e3
    );
    println!(
        "| same query without the index (full scan, for comparison) | {:.1} ms |",
        full.as_secs_f64() * 1e3
    );
    println!(
        "| full scheduler pass: {} clocks handled, {} yellow cards and reminders | {:.1} ms |",
        report.clocks,
        report.yellow_cards,
        pass.as_secs_f64() * 1e3
    );
    Ok(())
}
