//! `yizhan seed --demo --applications N`: N made-up cases spread over the past year across the
//! catalogue's items and departments, so that the supervision pages have something to show — most
//! decided early or on time, some late, some still open and past their deadline (with red cards),
//! some in 特别程序, ratings with a few bad ones and their rectifications. Deterministic (the same N
//! gives the same cases), written in bulk, loaded once per database.

use super::entities::{application, card, clock, rating, rectification, service_item};
use super::error::{ServiceError, ServiceResult};
use super::supervision;
use crate::backend::db::begin_write;
use crate::domain::calendar::WorkCalendar;
use crate::domain::supervision::{is_bad_rating, CALLBACK_WORKING_DAYS, FIX_WORKING_DAYS};
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use std::collections::HashMap;

/// Cases per transaction: with 26 columns, 1,000 rows stay under SQLite's bound-variable limit.
const CHUNK: u64 = 1_000;
/// The setting that says demo cases were loaded (they are loaded once).
const LOADED_KEY: &str = "demo_applications";

const NAMES: [&str; 12] = [
    "张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄强", "周婷", "吴刚", "徐丽", "孙浩",
];

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DemoReport {
    pub applications: u64,
    pub decided: u64,
    pub late: u64,
    pub overdue: u64,
    pub suspended: u64,
    pub ratings: u64,
    pub bad_ratings: u64,
}

/// A small deterministic generator (SplitMix64): no dependency, the same cases every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// A whole number in `lo..=hi`.
    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
}

struct Item {
    code: String,
    department: String,
    legal: u64,
    promised: u64,
    /// The item's process definition as a case stores it, and its first step (code, role).
    definition: String,
    first_step: Option<(String, String)>,
}

/// Next free ids of the tables written here (ids are set so that one chunk can link its rows).
#[derive(Default)]
struct Ids {
    application: i32,
    clock: i32,
    card: i32,
    rating: i32,
    rectification: i32,
}

async fn next_id<E: EntityTrait>(db: &impl ConnectionTrait, id: E::Column) -> ServiceResult<i32> {
    let max: Option<i32> = E::find()
        .select_only()
        .column_as(
            sea_orm::sea_query::Expr::expr(sea_orm::sea_query::Func::max(
                sea_orm::sea_query::Expr::col(id),
            )),
            "max",
        )
        .into_tuple::<Option<i32>>()
        .one(db)
        .await?
        .flatten();
    Ok(max.unwrap_or(0) + 1)
}

/// Loads `n` demo cases ending on `today`; `None` when demo cases were loaded before (once per
/// database, so that `make run` can be run again).
pub async fn load(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    region: &str,
    n: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<Option<DemoReport>> {
    if supervision::setting(db, LOADED_KEY).await?.is_some() {
        return Ok(None);
    }
    let mut items = Vec::new();
    let rows = service_item::Entity::find()
        .filter(service_item::Column::LegalLimit.gt(0))
        .order_by_asc(service_item::Column::Code)
        .all(db)
        .await?;
    for i in rows {
        // Only items with a process, so that every demo case opens like a real one.
        let Some(def) = super::processes::find(db, &i.code).await? else {
            continue;
        };
        items.push(Item {
            first_step: def
                .steps
                .first()
                .map(|s| (s.code.clone(), s.role.code().to_string())),
            definition: serde_json::to_string(&def)
                .map_err(|e| ServiceError::Internal(e.to_string()))?,
            code: i.code,
            department: i.department_code,
            legal: i.legal_limit as u64,
            promised: (i.promised_limit.max(1) as u64).min(i.legal_limit as u64),
        });
    }
    if items.is_empty() {
        return Err(ServiceError::Refused(
            "请先加载事项目录（yizhan seed --demo）".into(),
        ));
    }
    let mut ids = Ids {
        application: next_id::<application::Entity>(db, application::Column::Id).await?,
        clock: next_id::<clock::Entity>(db, clock::Column::Id).await?,
        card: next_id::<card::Entity>(db, card::Column::Id).await?,
        rating: next_id::<rating::Entity>(db, rating::Column::Id).await?,
        rectification: next_id::<rectification::Entity>(db, rectification::Column::Id).await?,
    };
    let mut report = DemoReport::default();
    let mut per_day: HashMap<NaiveDate, u32> = HashMap::new();
    // One transaction: a load that fails half way leaves nothing behind, so it can run again.
    let txn = begin_write(db).await?;
    let mut start = 0;
    while start < n {
        let end = (start + CHUNK).min(n);
        let mut rows = Rows::default();
        for i in start..end {
            make_case(
                cal,
                region,
                &items,
                i,
                today,
                now,
                &mut ids,
                &mut per_day,
                &mut rows,
                &mut report,
            );
        }
        rows.insert(&txn).await?;
        start = end;
    }
    if txn.get_database_backend() == DbBackend::Postgres {
        // Ids were given explicitly: move each sequence past them.
        for table in [
            "applications",
            "clocks",
            "cards",
            "ratings",
            "rectifications",
        ] {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            ))
            .await?;
        }
    }
    supervision::put_setting(&txn, LOADED_KEY, n.to_string()).await?;
    txn.commit().await?;
    supervision::rebuild(db, today).await?;
    Ok(Some(report))
}

#[derive(Default)]
struct Rows {
    applications: Vec<application::ActiveModel>,
    clocks: Vec<clock::ActiveModel>,
    cards: Vec<card::ActiveModel>,
    ratings: Vec<rating::ActiveModel>,
    rectifications: Vec<rectification::ActiveModel>,
}

impl Rows {
    async fn insert(self, txn: &DatabaseTransaction) -> ServiceResult<()> {
        application::Entity::insert_many(self.applications)
            .exec_without_returning(txn)
            .await?;
        // Several tables may have nothing in a small chunk; an empty insert is an error.
        if !self.clocks.is_empty() {
            clock::Entity::insert_many(self.clocks)
                .exec_without_returning(txn)
                .await?;
        }
        if !self.cards.is_empty() {
            card::Entity::insert_many(self.cards)
                .exec_without_returning(txn)
                .await?;
        }
        if !self.ratings.is_empty() {
            rating::Entity::insert_many(self.ratings)
                .exec_without_returning(txn)
                .await?;
        }
        if !self.rectifications.is_empty() {
            rectification::Entity::insert_many(self.rectifications)
                .exec_without_returning(txn)
                .await?;
        }
        Ok(())
    }
}

#[allow(clippy::too_many_arguments)]
fn make_case(
    cal: &WorkCalendar,
    region: &str,
    items: &[Item],
    i: u64,
    today: NaiveDate,
    now: DateTime<Utc>,
    ids: &mut Ids,
    per_day: &mut HashMap<NaiveDate, u32>,
    rows: &mut Rows,
    report: &mut DemoReport,
) {
    let mut dice = Dice(i.wrapping_mul(7919) ^ 0x5EED);
    let item = &items[dice.below(items.len() as u64) as usize];
    let received = today - Days::new(dice.below(365));
    let seq = per_day.entry(received).or_insert(900_000);
    *seq += 1;
    let case_no = format!("{region}{}{seq:06}", received.format("%Y%m%d"));
    let rated_case = case_no.clone();
    let id = ids.application;
    ids.application += 1;
    // Accepted within two working days (and by today: demo cases never wait at the counter).
    let accepted = cal
        .add_working_days(received, dice.below(3) as u32)
        .min(today);
    // Most are decided before the promised deadline, some by the legal one, a few late.
    let roll = dice.below(100);
    let used = if roll < 62 {
        dice.between(1, item.promised.saturating_sub(1).max(1))
    } else if roll < 93 {
        dice.between(item.promised, item.legal)
    } else {
        dice.between(item.legal + 1, item.legal + 30)
    };
    // A few recent cases are stuck: still open, most of them past their legal deadline now.
    let stuck = (today - received).num_days() < 90 && dice.below(100) < 4;
    let used = if stuck { item.legal + 60 } else { used };
    let decided = cal.add_working_days(accepted, used as u32);
    let legal_due = cal.add_working_days(accepted, item.legal as u32);
    let mut app = application::ActiveModel {
        id: Set(id),
        case_no: Set(case_no),
        item_code: Set(item.code.clone()),
        applicant_user_id: Set(None),
        applicant_name: Set(NAMES[dice.below(NAMES.len() as u64) as usize].into()),
        version: Set(1),
        definition: Set(item.definition.clone()),
        form: Set("{}".into()),
        created_at: Set(now),
        updated_at: Set(now),
        query_code: Set(format!("{:06}", dice.below(1_000_000))),
        department_code: Set(item.department.clone()),
        channel: Set(if dice.below(4) == 0 {
            "counter"
        } else {
            "online"
        }
        .into()),
        received_on: Set(Some(received)),
        ..Default::default()
    };
    report.applications += 1;
    app.accepted_on = Set(Some(accepted));
    if decided > today {
        // Still open: the legal clock runs (or is stopped by 特别程序); past its day, a red card.
        let suspended = dice.below(100) < 5;
        app.state = Set(if suspended {
            "suspended"
        } else {
            "under_review"
        }
        .into());
        app.current_step = Set(item.first_step.as_ref().map(|(code, _)| code.clone()));
        app.current_role = Set(item.first_step.as_ref().map(|(_, role)| role.clone()));
        let clock_id = ids.clock;
        ids.clock += 1;
        rows.clocks.push(legal_clock(
            clock_id,
            id,
            accepted,
            item.legal,
            if suspended { "paused" } else { "running" },
            (!suspended).then_some(legal_due),
            None,
        ));
        if suspended {
            report.suspended += 1;
        } else if legal_due < today {
            report.overdue += 1;
            let status = if dice.below(2) == 0 {
                "issued"
            } else {
                "explained"
            };
            push_card(rows, ids, id, clock_id, legal_due, status, now);
        }
        rows.applications.push(app);
        return;
    }
    report.decided += 1;
    let on_time = used <= item.legal;
    app.decided_on = Set(Some(decided));
    app.on_time = Set(Some(on_time));
    app.early = Set(Some(used < item.promised));
    app.used_days = Set(Some(used as i32));
    app.state = Set(match dice.below(20) {
        0 => "denied",
        1..=3 => "concluded",
        _ if (today - decided).num_days() < 5 => "granted",
        _ => "delivered",
    }
    .into());
    rows.applications.push(app);
    if !on_time {
        report.late += 1;
        let clock_id = ids.clock;
        ids.clock += 1;
        rows.clocks.push(legal_clock(
            clock_id,
            id,
            accepted,
            item.legal,
            "stopped",
            Some(legal_due),
            Some(decided),
        ));
        // A late case had its red card; an old one is long closed.
        let status = if (today - decided).num_days() > 30 {
            "closed"
        } else {
            "explained"
        };
        push_card(rows, ids, id, clock_id, legal_due, status, now);
    }
    if dice.below(100) < 60 {
        let rated_on = (decided + Days::new(dice.below(5))).min(today);
        let level = match dice.below(100) {
            0..=54 => 5,
            55..=79 => 4,
            80..=91 => 3,
            92..=96 => 2,
            _ => 1,
        };
        let rating_id = ids.rating;
        ids.rating += 1;
        rows.ratings.push(rating::ActiveModel {
            id: Set(rating_id),
            target_kind: Set("case".into()),
            target_id: Set(rated_case),
            user_id: Set(None),
            department_code: Set(item.department.clone()),
            item_code: Set(item.code.clone()),
            level: Set(level),
            comment: Set(if is_bad_rating(level) {
                "等待时间太长，材料反复提交"
            } else {
                ""
            }
            .into()),
            channel: Set(["web", "web", "counter", "kiosk"][dice.below(4) as usize].into()),
            created_at: Set(now),
            rated_on: Set(Some(rated_on)),
            ..Default::default()
        });
        report.ratings += 1;
        if is_bad_rating(level) {
            report.bad_ratings += 1;
            let callback_due = cal.add_working_days(rated_on, CALLBACK_WORKING_DAYS);
            let fix_due = cal.add_working_days(rated_on, FIX_WORKING_DAYS);
            let done = fix_due < today;
            rows.rectifications.push(rectification::ActiveModel {
                id: Set(ids.rectification),
                rating_id: Set(rating_id),
                department_code: Set(item.department.clone()),
                state: Set(if done { "rectified" } else { "open" }.into()),
                opened_on: Set(rated_on),
                callback_due: Set(callback_due),
                fix_due: Set(fix_due),
                called_back_on: Set(done.then_some(callback_due)),
                callback_note: Set(done.then(|| "电话回访，了解具体问题".to_string())),
                fixed_on: Set(done.then_some(fix_due)),
                fix_note: Set(done.then(|| "优化材料预审，增加导办人员".to_string())),
                reply: Set(done.then(|| "感谢您的意见，我们已优化办理流程".to_string())),
                handled_by: Set(done.then(|| "demo".to_string())),
                updated_at: Set(now),
            });
            ids.rectification += 1;
        }
    }
}

fn legal_clock(
    id: i32,
    application_id: i32,
    start: NaiveDate,
    limit: u64,
    status: &str,
    due: Option<NaiveDate>,
    stopped: Option<NaiveDate>,
) -> clock::ActiveModel {
    clock::ActiveModel {
        id: Set(id),
        application_id: Set(application_id),
        kind: Set("legal".into()),
        start_date: Set(start),
        limit_days: Set(limit as i32),
        day_count: Set("working".into()),
        extensions: Set("[]".into()),
        pausable: Set(true),
        status: Set(status.into()),
        due_date: Set(due),
        // Open clocks are looked at by the scheduler from tomorrow on.
        next_check: Set((status == "running").then_some(due).flatten()),
        card: Set(if status == "running" { "red" } else { "green" }.into()),
        stopped_on: Set(stopped),
    }
}

fn push_card(
    rows: &mut Rows,
    ids: &mut Ids,
    application_id: i32,
    clock_id: i32,
    due: NaiveDate,
    status: &str,
    now: DateTime<Utc>,
) {
    rows.cards.push(card::ActiveModel {
        id: Set(ids.card),
        application_id: Set(application_id),
        clock_id: Set(clock_id),
        color: Set("red".into()),
        due_date: Set(due),
        // Issued the morning after the deadline day (09:00 in China).
        issued_at: Set(Utc.from_utc_datetime(
            &due.succ_opt()
                .unwrap_or(due)
                .and_hms_opt(1, 0, 0)
                .unwrap_or_default(),
        )),
        status: Set(status.into()),
        explanation: Set(
            (status != "issued").then(|| "材料核查耗时较长，已督促加快办理".to_string())
        ),
        updated_at: Set(Some(now)),
    });
    ids.card += 1;
}
