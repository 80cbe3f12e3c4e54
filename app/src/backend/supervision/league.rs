//! 季度考核: the departments of a quarter ranked by score, graded by the rules in force, and the
//! supervisors' editing of those rules.

use super::figures::{best_first, by_day, figure_row, now_figures};
use super::{put_setting, require_supervisor, rules, RULES_KEY};
use crate::backend::audit::{self, AuditEntry};
use crate::backend::auth::Account;
use crate::backend::db::begin_write;
use crate::backend::departments;
use crate::backend::error::{ServiceError, ServiceResult};
use crate::domain::supervision::{FigureRow, Figures, GradeRules, League, Period};
use chrono::{DateTime, Months, NaiveDate, Utc};
use sea_orm::DatabaseConnection;
use std::collections::BTreeMap;

/// How many quarters back the picker offers.
const QUARTERS_OFFERED: u32 = 8;

/// The league table of a quarter (`2026Q4`; the current quarter when none or unreadable). The
/// current quarter counts up to today; overdue cases and open cards are as of now.
pub async fn league(
    db: &DatabaseConnection,
    account: &Account,
    quarter: Option<&str>,
    today: NaiveDate,
) -> ServiceResult<League> {
    require_supervisor(account)?;
    let period = quarter
        .and_then(Period::parse_quarter)
        .filter(|p| p.from <= today)
        .unwrap_or_else(|| Period::quarter_of(today));
    let counted = Period {
        from: period.from,
        to: period.to.min(today),
    };
    let rules = rules(db).await?;
    let mut per_dept: BTreeMap<String, Figures> = BTreeMap::new();
    for ((_, dept), f) in by_day(db, counted).await? {
        per_dept.entry(dept).or_default().add(&f);
    }
    let now = now_figures(db, today).await?;
    let names = departments::names(db).await?;
    let shorts = departments::short_names(db).await?;
    let mut rows: Vec<FigureRow> = names
        .iter()
        .filter(|(code, _)| {
            per_dept.contains_key(*code)
                || now.overdue.contains_key(*code)
                || now.open_cards.contains_key(*code)
        })
        .map(|(code, name)| {
            figure_row(
                &rules,
                code,
                name.clone(),
                shorts.get(code).cloned().unwrap_or_else(|| name.clone()),
                per_dept.get(code).copied().unwrap_or_default(),
                now.overdue.get(code).copied().unwrap_or_default(),
                now.open_cards.get(code).map_or(0, |[y, r]| y + r),
            )
        })
        .collect();
    best_first(&mut rows);
    let quarters = (0..QUARTERS_OFFERED)
        .filter_map(|back| today.checked_sub_months(Months::new(3 * back)))
        .map(Period::quarter_code)
        .collect();
    Ok(League {
        quarter: Period::quarter_code(period.from),
        period,
        rules,
        rows,
        quarters,
    })
}

/// Saves new grade rules (a supervisor only), audited with the old and new values.
pub async fn save_rules(
    db: &DatabaseConnection,
    account: &Account,
    new: GradeRules,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    require_supervisor(account)?;
    new.check().map_err(ServiceError::Invalid)?;
    let old = rules(db).await?;
    let txn = begin_write(db).await?;
    put_setting(
        &txn,
        RULES_KEY,
        serde_json::to_string(&new).map_err(|e| ServiceError::Internal(e.to_string()))?,
    )
    .await?;
    audit::append(
        &txn,
        AuditEntry::of(
            account,
            "supervision.rules",
            "grade_rules".to_string(),
            format!("{old:?} -> {new:?}"),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
