//! Server functions of 电子监察: the dashboard, the cases behind a number, cards, ratings, the
//! league table and the audit-log viewer. Acting on a card or a rating and saving the grade rules
//! are plain form posts (`server/src/supervision_posts.rs`).

use super::error::AppError;
use crate::domain::supervision::{
    AuditPage, CardPage, DrillPage, League, Period, RatingPage, Summary,
};
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The period a page asks for: a preset or two days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodAsked {
    pub preset: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl PeriodAsked {
    /// The period, today being `today`; unreadable days fall back to the preset.
    pub fn resolve(&self, today: NaiveDate) -> Result<Period, String> {
        let day = |s: &Option<String>| s.as_deref().and_then(|d| d.trim().parse().ok());
        Period::chosen(
            self.preset.as_deref().unwrap_or("year"),
            day(&self.from),
            day(&self.to),
            today,
        )
    }

    /// The query string that asks for the same period again.
    pub fn query(&self) -> String {
        match (&self.from, &self.to) {
            (Some(from), Some(to)) if !from.is_empty() && !to.is_empty() => {
                format!("from={from}&to={to}")
            }
            _ => format!("preset={}", self.preset.as_deref().unwrap_or("year")),
        }
    }
}

#[cfg(feature = "ssr")]
fn today() -> NaiveDate {
    crate::domain::time::local_date(chrono::Utc::now())
}

#[cfg(feature = "ssr")]
async fn supervisor() -> Result<crate::backend::auth::Account, AppError> {
    super::context::require_role(&[crate::domain::role::Role::Supervisor]).await
}

#[cfg(feature = "ssr")]
fn period(asked: &PeriodAsked) -> Result<Period, AppError> {
    asked.resolve(today()).map_err(AppError::Invalid)
}

#[server(prefix = "/sf", endpoint = "supervision_summary")]
pub async fn get_summary(asked: PeriodAsked) -> Result<Summary, AppError> {
    use crate::backend::supervision::{self, Scope};
    let account = supervisor().await?;
    let state = super::context::state()?;
    let p = period(&asked)?;
    let preset = if asked.from.is_some() && asked.to.is_some() {
        String::new()
    } else {
        asked.preset.unwrap_or_else(|| "year".into())
    };
    Ok(supervision::summary(&state.db, &Scope::of(&account)?, p, &preset, today()).await?)
}

#[server(prefix = "/sf", endpoint = "supervision_drill")]
pub async fn get_drill(
    asked: PeriodAsked,
    measure: Option<String>,
    department: Option<String>,
    page: Option<u64>,
) -> Result<DrillPage, AppError> {
    use crate::domain::supervision::Measure;
    let account = supervisor().await?;
    let state = super::context::state()?;
    let measure = measure
        .as_deref()
        .and_then(Measure::from_code)
        .unwrap_or(Measure::Received);
    Ok(crate::backend::supervision::drill_page(
        &state.db,
        &account,
        measure,
        period(&asked)?,
        department.as_deref(),
        page.unwrap_or(1),
        50,
        today(),
    )
    .await?)
}

/// Cards for a supervisor (every department) or a department's staff (their own).
#[server(prefix = "/sf", endpoint = "supervision_cards")]
pub async fn get_cards(
    status: Option<String>,
    color: Option<String>,
    department: Option<String>,
    page: Option<u64>,
) -> Result<CardPage, AppError> {
    use crate::domain::supervision::CardStatus;
    let state = super::context::state()?;
    let account = super::context::current_account()
        .await?
        .ok_or(AppError::Unauthenticated)?;
    crate::backend::supervision::card_page(
        &state.db,
        &account,
        status.as_deref().and_then(CardStatus::from_code),
        color.as_deref(),
        department.as_deref(),
        page.unwrap_or(1),
        30,
    )
    .await
    .map_err(AppError::from)
}

/// Ratings for a supervisor or a department's staff.
#[server(prefix = "/sf", endpoint = "supervision_ratings")]
pub async fn get_ratings(
    asked: PeriodAsked,
    filter: Option<String>,
    department: Option<String>,
    page: Option<u64>,
) -> Result<RatingPage, AppError> {
    let state = super::context::state()?;
    let account = super::context::current_account()
        .await?
        .ok_or(AppError::Unauthenticated)?;
    crate::backend::ratings::rating_page(
        &state.db,
        &account,
        period(&asked)?,
        filter.as_deref().unwrap_or("all"),
        department.as_deref(),
        page.unwrap_or(1),
        30,
        today(),
    )
    .await
    .map_err(AppError::from)
}

#[server(prefix = "/sf", endpoint = "supervision_league")]
pub async fn get_league(quarter: Option<String>) -> Result<League, AppError> {
    let account = supervisor().await?;
    let state = super::context::state()?;
    Ok(
        crate::backend::supervision::league(&state.db, &account, quarter.as_deref(), today())
            .await?,
    )
}

/// What the audit viewer is filtered by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAsked {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<u64>,
    /// Run the hash-chain check.
    pub verify: bool,
}

#[server(prefix = "/sf", endpoint = "audit_log")]
pub async fn get_audit(asked: AuditAsked) -> Result<AuditPage, AppError> {
    use crate::backend::supervision::AuditFilter;
    use crate::domain::role::StaffSection;
    let account = super::context::require_role(StaffSection::Audit.allowed()).await?;
    let state = super::context::state()?;
    let day = |s: &Option<String>| s.as_deref().and_then(|d| d.trim().parse().ok());
    Ok(crate::backend::supervision::audit_page(
        &state.db,
        &account,
        AuditFilter {
            actor: asked.actor.clone().unwrap_or_default(),
            action: asked.action.clone().unwrap_or_default(),
            target: asked.target.clone().unwrap_or_default(),
            from: day(&asked.from),
            to: day(&asked.to),
        },
        asked.page.unwrap_or(1),
        50,
        asked.verify,
        chrono::Utc::now(),
    )
    .await?)
}
