//! The audit-log viewer: audit administrators and supervisors read the log with filters, and run
//! the same hash-chain check as `yizhan verify-audit` from the page. Reading it is itself audited.

use super::MAX_PAGE;
use crate::backend::audit::{self, AuditEntry, ChainCheck};
use crate::backend::auth::Account;
use crate::backend::db::begin_write;
use crate::backend::entities::audit_log;
use crate::backend::error::{ServiceError, ServiceResult};
use crate::domain::role::Role;
use crate::domain::supervision::{AuditPage, AuditRow};
use crate::domain::time::china;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// What the viewer is filtered by.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Username, exact.
    pub actor: String,
    /// Action code or its beginning (`case.` for every case action).
    pub action: String,
    /// Part of the target (`case:3301`, `user:clerk1`).
    pub target: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

pub async fn audit_page(
    db: &DatabaseConnection,
    account: &Account,
    filter: AuditFilter,
    page: u64,
    per_page: u64,
    verify: bool,
    now: DateTime<Utc>,
) -> ServiceResult<AuditPage> {
    if !account
        .roles
        .iter()
        .any(|r| matches!(r, Role::AuditAdmin | Role::Supervisor))
    {
        return Err(ServiceError::Forbidden(
            "只有审计管理员和监察人员可以查看审计日志".into(),
        ));
    }
    let clip = |s: &str| s.trim().chars().take(100).collect::<String>();
    let (actor, action, target) = (
        clip(&filter.actor),
        clip(&filter.action),
        clip(&filter.target),
    );
    let (page, per_page) = (page.clamp(1, MAX_PAGE), per_page.clamp(1, 200));
    let mut query = audit_log::Entity::find();
    if !actor.is_empty() {
        query = query.filter(audit_log::Column::Actor.eq(actor.clone()));
    }
    if !action.is_empty() {
        query = query.filter(audit_log::Column::Action.starts_with(action.clone()));
    }
    if !target.is_empty() {
        query = query.filter(audit_log::Column::Target.contains(target.clone()));
    }
    let local_midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(china()).single())
            .map(|t| t.with_timezone(&Utc))
    };
    if let Some(from) = filter.from.and_then(local_midnight) {
        query = query.filter(audit_log::Column::At.gte(from));
    }
    if let Some(to) = filter
        .to
        .and_then(|d| d.succ_opt())
        .and_then(local_midnight)
    {
        query = query.filter(audit_log::Column::At.lt(to));
    }
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(audit_log::Column::Id)
        .paginate(db, per_page)
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(|r| AuditRow {
            seq: r.id,
            at: r
                .at
                .with_timezone(&china())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            actor: r.actor,
            action: r.action,
            target: r.target,
            detail: r.detail,
        })
        .collect();
    // The check recomputes every hash from the first entry: run when asked, not on each page.
    let chain = if verify {
        Some(match audit::verify(db).await? {
            ChainCheck::Intact { entries } => Ok(entries),
            ChainCheck::Broken { entry_id, reason } => Err(format!("第 {entry_id} 条：{reason}")),
        })
    } else {
        None
    };
    let txn = begin_write(db).await?;
    audit::append(
        &txn,
        AuditEntry::of(
            account,
            "audit.view",
            "audit_log".to_string(),
            format!("actor={actor} action={action} target={target} page={page} verify={verify}"),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(AuditPage {
        actor,
        action,
        target,
        from: filter.from,
        to: filter.to,
        total,
        page,
        per_page,
        rows,
        chain,
    })
}
