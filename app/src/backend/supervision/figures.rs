//! The figures: counted per day and department from the case milestones and the ratings, kept
//! for finished days in `daily_figures`, summed per period. A finished day's figures do not change
//! (a case is received, accepted and decided once), except when a rating is ruled malicious, which
//! recomputes its day.

use super::{put_setting, rules, setting, statement, Scope};
use crate::backend::db::begin_write;
use crate::backend::departments;
use crate::backend::entities::daily_figure;
use crate::backend::error::ServiceResult;
use crate::domain::supervision::{week_of, FigureRow, Figures, Period, Summary, WeekPoint};
use chrono::{Days, NaiveDate};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set, Value,
};
use std::collections::{BTreeMap, HashMap};

/// The setting holding the last day `daily_figures` is complete through.
pub const FIGURES_THROUGH: &str = "figures_through";

type ByDay = BTreeMap<(NaiveDate, String), Figures>;

/// Counts the figures of the days `from..=to` from the live tables.
async fn compute(
    db: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<ByDay> {
    let backend = db.get_database_backend();
    let mut out = ByDay::new();
    let range = || -> Vec<Value> { vec![from.into(), to.into()] };
    for (column, counted) in [
        ("received_on", Counted::Received),
        ("accepted_on", Counted::Accepted),
    ] {
        let sql = format!(
            "SELECT {column} AS day, department_code AS dept, COUNT(*) AS n FROM applications \
             WHERE {column} BETWEEN ? AND ? GROUP BY {column}, department_code"
        );
        for row in db.query_all_raw(statement(backend, &sql, range())).await? {
            let f = out
                .entry((row.try_get("", "day")?, row.try_get("", "dept")?))
                .or_default();
            let n: i64 = row.try_get("", "n")?;
            match counted {
                Counted::Received => f.received = n,
                Counted::Accepted => f.accepted = n,
            }
        }
    }
    let decided = "SELECT decided_on AS day, department_code AS dept, COUNT(*) AS n, \
         COALESCE(SUM(CASE WHEN on_time THEN 1 ELSE 0 END), 0) AS on_time, \
         COALESCE(SUM(CASE WHEN early THEN 1 ELSE 0 END), 0) AS early, \
         COALESCE(SUM(used_days), 0) AS used, COUNT(used_days) AS used_n \
         FROM applications WHERE decided_on BETWEEN ? AND ? GROUP BY decided_on, department_code";
    for row in db
        .query_all_raw(statement(backend, decided, range()))
        .await?
    {
        let f = out
            .entry((row.try_get("", "day")?, row.try_get("", "dept")?))
            .or_default();
        f.decided = row.try_get("", "n")?;
        f.on_time = row.try_get("", "on_time")?;
        f.early = row.try_get("", "early")?;
        f.used_days = row.try_get("", "used")?;
        f.used_days_cases = row.try_get("", "used_n")?;
    }
    let rated = "SELECT rated_on AS day, department_code AS dept, level, COUNT(*) AS n \
         FROM ratings WHERE rated_on BETWEEN ? AND ? AND malicious_at IS NULL \
         GROUP BY rated_on, department_code, level";
    for row in db.query_all_raw(statement(backend, rated, range())).await? {
        let level: i32 = row.try_get("", "level")?;
        if !(1..=5).contains(&level) {
            continue;
        }
        let f = out
            .entry((row.try_get("", "day")?, row.try_get("", "dept")?))
            .or_default();
        f.levels[level as usize - 1] = row.try_get("", "n")?;
    }
    Ok(out)
}

enum Counted {
    Received,
    Accepted,
}

/// Recomputes `daily_figures` for the days `from..=to`, in its own transaction.
pub async fn refresh_days(
    db: &DatabaseConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    refresh_days_in(&txn, from, to).await?;
    txn.commit().await?;
    Ok(())
}

/// Recomputes `daily_figures` for the days `from..=to` inside the caller's transaction (a ruling
/// on a rating and its day's figures commit together).
pub async fn refresh_days_in(
    txn: &impl ConnectionTrait,
    from: NaiveDate,
    to: NaiveDate,
) -> ServiceResult<()> {
    let figures = compute(txn, from, to).await?;
    daily_figure::Entity::delete_many()
        .filter(daily_figure::Column::Day.between(from, to))
        .exec(txn)
        .await?;
    let rows: Vec<daily_figure::ActiveModel> = figures
        .into_iter()
        .map(|((day, dept), f)| {
            let n = |v: i64| Set(v.clamp(0, i64::from(i32::MAX)) as i32);
            daily_figure::ActiveModel {
                day: Set(day),
                department_code: Set(dept),
                received: n(f.received),
                accepted: n(f.accepted),
                decided: n(f.decided),
                on_time: n(f.on_time),
                early: n(f.early),
                used_days: n(f.used_days),
                used_days_cases: n(f.used_days_cases),
                rated_1: n(f.levels[0]),
                rated_2: n(f.levels[1]),
                rated_3: n(f.levels[2]),
                rated_4: n(f.levels[3]),
                rated_5: n(f.levels[4]),
            }
        })
        .collect();
    // Another instance may be doing the same day: the later write wins with the same numbers.
    for chunk in rows.chunks(500) {
        daily_figure::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    daily_figure::Column::Day,
                    daily_figure::Column::DepartmentCode,
                ])
                .update_columns([
                    daily_figure::Column::Received,
                    daily_figure::Column::Accepted,
                    daily_figure::Column::Decided,
                    daily_figure::Column::OnTime,
                    daily_figure::Column::Early,
                    daily_figure::Column::UsedDays,
                    daily_figure::Column::UsedDaysCases,
                    daily_figure::Column::Rated1,
                    daily_figure::Column::Rated2,
                    daily_figure::Column::Rated3,
                    daily_figure::Column::Rated4,
                    daily_figure::Column::Rated5,
                ])
                .to_owned(),
            )
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}

/// Brings `daily_figures` up to yesterday (the scheduler calls this on every pass; after the
/// first pass of a day it does nothing). The day last done is done once more, for an action that
/// was stamped with it but committed just after midnight. Returns the number of days computed.
pub async fn catch_up(db: &DatabaseConnection, today: NaiveDate) -> ServiceResult<u32> {
    let Some(yesterday) = today.pred_opt() else {
        return Ok(0);
    };
    let through = figures_through(db).await?;
    match through {
        Some(day) if day >= yesterday => Ok(0),
        Some(day) => refresh_through(db, day, yesterday).await,
        None => rebuild(db, today).await,
    }
}

/// Recomputes every finished day from the first one with any figure (after a bulk load).
pub async fn rebuild(db: &DatabaseConnection, today: NaiveDate) -> ServiceResult<u32> {
    let Some(yesterday) = today.pred_opt() else {
        return Ok(0);
    };
    let from = first_day(db).await?.unwrap_or(yesterday).min(yesterday);
    refresh_through(db, from, yesterday).await
}

async fn refresh_through(
    db: &DatabaseConnection,
    from: NaiveDate,
    yesterday: NaiveDate,
) -> ServiceResult<u32> {
    refresh_days(db, from, yesterday).await?;
    put_setting(db, FIGURES_THROUGH, yesterday.to_string()).await?;
    Ok((yesterday - from).num_days() as u32 + 1)
}

async fn figures_through(db: &impl ConnectionTrait) -> ServiceResult<Option<NaiveDate>> {
    Ok(setting(db, FIGURES_THROUGH)
        .await?
        .and_then(|v| v.parse().ok()))
}

/// The first day anything was received or rated.
async fn first_day(db: &impl ConnectionTrait) -> ServiceResult<Option<NaiveDate>> {
    let backend = db.get_database_backend();
    let mut first: Option<NaiveDate> = None;
    for sql in [
        "SELECT MIN(received_on) AS day FROM applications",
        "SELECT MIN(rated_on) AS day FROM ratings",
    ] {
        if let Some(row) = db.query_one_raw(statement(backend, sql, vec![])).await? {
            let day: Option<NaiveDate> = row.try_get("", "day")?;
            first = match (first, day) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
    }
    Ok(first)
}

/// Figures per day and department of a period: finished days from `daily_figures`, the rest
/// counted live (normally only today).
pub async fn by_day(db: &impl ConnectionTrait, period: Period) -> ServiceResult<ByDay> {
    let through = figures_through(db).await?;
    let mut out = ByDay::new();
    let live_from = match through {
        Some(t) if t >= period.from => {
            let rows = daily_figure::Entity::find()
                .filter(daily_figure::Column::Day.between(period.from, period.to.min(t)))
                .all(db)
                .await?;
            for r in rows {
                let f = Figures {
                    received: r.received.into(),
                    accepted: r.accepted.into(),
                    decided: r.decided.into(),
                    on_time: r.on_time.into(),
                    early: r.early.into(),
                    used_days: r.used_days.into(),
                    used_days_cases: r.used_days_cases.into(),
                    levels: [r.rated_1, r.rated_2, r.rated_3, r.rated_4, r.rated_5].map(i64::from),
                };
                out.insert((r.day, r.department_code), f);
            }
            t.succ_opt()
        }
        _ => Some(period.from),
    };
    if let Some(live_from) = live_from.filter(|d| *d <= period.to) {
        out.extend(compute(db, live_from, period.to).await?);
    }
    Ok(out)
}

/// Per department, now: open cases past a deadline, and cards not closed as [yellow, red].
pub(super) struct Now {
    pub overdue: HashMap<String, i64>,
    pub open_cards: HashMap<String, [i64; 2]>,
}

pub(super) async fn now_figures(db: &impl ConnectionTrait, today: NaiveDate) -> ServiceResult<Now> {
    let backend = db.get_database_backend();
    let mut overdue = HashMap::new();
    // Any running deadline but the promised one (a promise missed is not a legal breach).
    let sql = "SELECT a.department_code AS dept, COUNT(DISTINCT a.id) AS n FROM clocks c \
         JOIN applications a ON a.id = c.application_id \
         WHERE c.status = 'running' AND c.due_date < ? AND c.kind <> 'promised' \
         GROUP BY a.department_code";
    for row in db
        .query_all_raw(statement(backend, sql, vec![today.into()]))
        .await?
    {
        overdue.insert(row.try_get("", "dept")?, row.try_get("", "n")?);
    }
    let mut open_cards = HashMap::<String, [i64; 2]>::new();
    for sql in [
        "SELECT a.department_code AS dept, k.color AS color, COUNT(*) AS n FROM cards k \
         JOIN applications a ON a.id = k.application_id WHERE k.status <> 'closed' \
         GROUP BY a.department_code, k.color",
        "SELECT COALESCE(v.department_code, (SELECT MIN(d.code) FROM departments d \
         WHERE d.is_hall = TRUE), '') AS dept, k.color AS color, COUNT(*) AS n \
         FROM conversation_cards k JOIN conversations v ON v.id = k.conversation_id \
         WHERE k.status <> 'closed' GROUP BY v.department_code, k.color",
    ] {
        for row in db.query_all_raw(statement(backend, sql, vec![])).await? {
            let n: i64 = row.try_get("", "n")?;
            let color: String = row.try_get("", "color")?;
            let counts = open_cards.entry(row.try_get("", "dept")?).or_default();
            counts[usize::from(color == "red")] += n;
        }
    }
    Ok(Now {
        overdue,
        open_cards,
    })
}

/// The dashboard of a period, for a supervisor (the region) or a department (itself only).
pub async fn summary(
    db: &impl ConnectionTrait,
    scope: &Scope,
    period: Period,
    preset: &str,
    today: NaiveDate,
) -> ServiceResult<Summary> {
    let days = by_day(db, period).await?;
    let only = scope.department(None);
    let keep = |dept: &str| only.as_deref().is_none_or(|o| o == dept);
    let mut per_dept: BTreeMap<String, Figures> = BTreeMap::new();
    let mut weeks: BTreeMap<NaiveDate, WeekPoint> = BTreeMap::new();
    let mut week = period.from;
    while week <= period.to {
        let monday = week_of(week);
        weeks.insert(
            monday,
            WeekPoint {
                week: monday,
                received: 0,
                decided: 0,
                late: 0,
            },
        );
        week = monday
            .checked_add_days(Days::new(7))
            .unwrap_or(period.to.succ_opt().unwrap_or(period.to));
    }
    for ((day, dept), f) in &days {
        if !keep(dept) {
            continue;
        }
        per_dept.entry(dept.clone()).or_default().add(f);
        if let Some(w) = weeks.get_mut(&week_of(*day)) {
            w.received += f.received;
            w.decided += f.decided;
            w.late += f.late();
        }
    }
    let now = now_figures(db, today).await?;
    let rules = rules(db).await?;
    let names = departments::names(db).await?;
    let shorts = departments::short_names(db).await?;
    let mut codes: Vec<String> = per_dept.keys().cloned().collect();
    for code in now.overdue.keys().chain(now.open_cards.keys()) {
        if !codes.contains(code) && keep(code) && !code.is_empty() {
            codes.push(code.clone());
        }
    }
    let row = |code: &str, name: String, figures: Figures, overdue: i64, open_cards: i64| {
        let short = shorts.get(code).cloned().unwrap_or_else(|| name.clone());
        figure_row(&rules, code, name, short, figures, overdue, open_cards)
    };
    let mut departments: Vec<FigureRow> = codes
        .iter()
        .filter(|c| !c.is_empty())
        .map(|code| {
            row(
                code,
                names.get(code).cloned().unwrap_or_else(|| code.clone()),
                per_dept.get(code).copied().unwrap_or_default(),
                now.overdue.get(code).copied().unwrap_or_default(),
                now.open_cards.get(code).map_or(0, |[y, r]| y + r),
            )
        })
        .collect();
    best_first(&mut departments);
    let mut total = Figures::default();
    for f in per_dept.values() {
        total.add(f);
    }
    let region_name = match &only {
        Some(code) => names.get(code).cloned().unwrap_or_default(),
        None => "全市".to_string(),
    };
    let overdue = now
        .overdue
        .iter()
        .filter(|(k, _)| keep(k))
        .map(|(_, v)| *v)
        .sum();
    let [yellow_cards, red_cards] = now
        .open_cards
        .iter()
        .filter(|(k, _)| keep(k))
        .fold([0, 0], |[y, r], (_, [cy, cr])| [y + cy, r + cr]);
    let region = row("", region_name, total, overdue, yellow_cards + red_cards);
    let (rectifications_open, rectifications_overdue) =
        crate::backend::ratings::open_rectifications(db, only.as_deref(), today).await?;
    Ok(Summary {
        period,
        preset: preset.to_string(),
        region,
        departments,
        weeks: weeks.into_values().collect(),
        yellow_cards,
        red_cards,
        rectifications_open,
        rectifications_overdue,
        figures_through: figures_through(db).await?,
    })
}

/// A row of the figures table, scored and graded by `rules`.
pub(super) fn figure_row(
    rules: &crate::domain::supervision::GradeRules,
    code: &str,
    name: String,
    short: String,
    figures: Figures,
    overdue: i64,
    open_cards: i64,
) -> FigureRow {
    let score = rules.score(&figures);
    FigureRow {
        code: code.to_string(),
        name,
        short,
        figures,
        overdue,
        open_cards,
        score,
        grade: score.map(|s| rules.grade(s)),
    }
}

/// Highest score first; departments without a score last; ties by name.
pub(super) fn best_first(rows: &mut [FigureRow]) {
    rows.sort_by(|a, b| {
        b.score
            .unwrap_or(-1.0)
            .total_cmp(&a.score.unwrap_or(-1.0))
            .then_with(|| a.name.cmp(&b.name))
    });
}
