//! 工作日历 in the database: the shipped years, overridden and extended by imported ones.

use super::audit::{self, AuditEntry};
use super::entities::calendar_year;
use super::error::{ServiceError, ServiceResult};
use crate::backend::db::begin_write;
use crate::domain::calendar::{WorkCalendar, YearCalendar};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, Set};

/// The calendar in force: shipped years, then every imported year (an import replaces a shipped
/// year of the same number). A stored year that no longer validates is skipped and logged.
pub async fn load(db: &impl ConnectionTrait) -> ServiceResult<WorkCalendar> {
    let mut cal = WorkCalendar::official();
    for row in calendar_year::Entity::find().all(db).await? {
        match serde_json::from_str::<YearCalendar>(&row.data)
            .map_err(|e| e.to_string())
            .and_then(|year| cal.insert(year).map_err(|e| e.to_string()))
        {
            Ok(()) => {}
            Err(e) => tracing::error!(year = row.year, error = %e, "stored calendar year ignored"),
        }
    }
    Ok(cal)
}

/// Reads a year from the JSON an administrator supplies; the message says what is wrong.
pub fn parse_year(json: &str) -> ServiceResult<YearCalendar> {
    let year: YearCalendar = serde_json::from_str(json)
        .map_err(|e| ServiceError::Invalid(format!("日历文件格式不对：{e}")))?;
    year.validate()
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    Ok(year)
}

/// Imports (or replaces) one year, with an audit entry, in one transaction.
pub async fn import(
    db: &DatabaseConnection,
    year: YearCalendar,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    year.validate()
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let data = serde_json::to_string(&year).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let txn = begin_write(db).await?;
    audit::append(
        &txn,
        AuditEntry::by(
            actor,
            "calendar.import",
            format!("calendar:{}", year.year),
            format!("holidays={}", year.holidays.len()),
            now,
        ),
    )
    .await?;
    calendar_year::Entity::insert(calendar_year::ActiveModel {
        year: Set(year.year),
        source: Set(year.source.chars().take(200).collect()),
        data: Set(data),
        updated_at: Set(now),
        updated_by: Set(actor.to_string()),
    })
    .on_conflict(
        OnConflict::column(calendar_year::Column::Year)
            .update_columns([
                calendar_year::Column::Source,
                calendar_year::Column::Data,
                calendar_year::Column::UpdatedAt,
                calendar_year::Column::UpdatedBy,
            ])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(())
}
