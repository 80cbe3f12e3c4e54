//! 电子监察 (DESIGN.md §4.7): figures and grades, cards, the cases behind a number, exports and
//! the audit-log viewer. Supervisors see the whole region; a department's staff see and answer
//! their own department's cards and rectifications; audit administrators and supervisors read the
//! audit log.

mod audit_view;
mod cards;
mod drill;
mod export;
mod figures;
mod league;

pub use audit_view::{audit_page, AuditFilter};
pub use cards::{act_on_card, card_page, card_table};
pub use drill::drill_page;
pub use export::{export_xlsx, table_of, ExportRequest};
pub use figures::{
    by_day, catch_up, rebuild, refresh_days, refresh_days_in, summary, FIGURES_THROUGH,
};
pub use league::{league, save_rules};

use super::auth::Account;
use super::entities::supervision_setting;
use super::error::{ServiceError, ServiceResult};
use crate::domain::role::Role;
use crate::domain::supervision::GradeRules;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Set, Statement, Value};

pub(crate) use super::db::MAX_PAGE;

/// Whose view of supervision data someone has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// 监察员: every department.
    Region,
    /// A department's staff: their own department.
    Department(String),
}

impl Scope {
    /// The scope of an account, or Forbidden for citizens and staff without a department.
    pub fn of(account: &Account) -> ServiceResult<Scope> {
        if account.roles.contains(&Role::Supervisor) {
            return Ok(Scope::Region);
        }
        let staff = account.roles.iter().any(|r| {
            matches!(
                r,
                Role::Clerk | Role::Reviewer | Role::Approver | Role::Head
            )
        });
        match (&account.department_code, staff) {
            (Some(code), true) => Ok(Scope::Department(code.clone())),
            _ => Err(ServiceError::Forbidden(
                "只有本部门工作人员和监察人员可以查看".into(),
            )),
        }
    }

    /// The department a query is limited to: a department's staff always their own, a
    /// supervisor whichever was asked for (or all).
    pub fn department(&self, asked: Option<&str>) -> Option<String> {
        match self {
            Scope::Region => asked.filter(|c| !c.is_empty()).map(str::to_string),
            Scope::Department(code) => Some(code.clone()),
        }
    }

    pub fn is_supervisor(&self) -> bool {
        *self == Scope::Region
    }
}

/// Only supervisors: the dashboard, the league table, the rules.
pub fn require_supervisor(account: &Account) -> ServiceResult<()> {
    if account.roles.contains(&Role::Supervisor) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden("只有监察人员可以查看".into()))
    }
}

pub(crate) const RULES_KEY: &str = "grade_rules";

/// The grade weights and thresholds in force (the defaults until a supervisor saves others).
pub async fn rules(db: &impl ConnectionTrait) -> ServiceResult<GradeRules> {
    Ok(setting(db, RULES_KEY)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

pub(crate) async fn setting(db: &impl ConnectionTrait, key: &str) -> ServiceResult<Option<String>> {
    Ok(supervision_setting::Entity::find_by_id(key.to_string())
        .one(db)
        .await?
        .map(|s| s.value))
}

pub(crate) async fn put_setting(
    db: &impl ConnectionTrait,
    key: &str,
    value: String,
) -> ServiceResult<()> {
    supervision_setting::Entity::insert(supervision_setting::ActiveModel {
        key: Set(key.into()),
        value: Set(value),
    })
    .on_conflict(
        OnConflict::column(supervision_setting::Column::Key)
            .update_column(supervision_setting::Column::Value)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Takes the row's write lock before it is read (SQLite: the database's write lock, so a read
/// and the guarded update that follows cannot be overtaken; PostgreSQL: the row lock), as the
/// case actions do.
pub(crate) async fn lock_for_update(
    txn: &impl ConnectionTrait,
    table: &str,
    id: i32,
) -> ServiceResult<()> {
    let backend = txn.get_database_backend();
    txn.execute_raw(statement(
        backend,
        &format!("UPDATE {table} SET id = id WHERE id = ?"),
        vec![id.into()],
    ))
    .await?;
    Ok(())
}

/// A raw statement written with `?` placeholders, numbered for PostgreSQL.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let sql = match backend {
        DbBackend::Postgres => {
            let mut out = String::with_capacity(sql.len() + 8);
            let mut n = 0;
            for ch in sql.chars() {
                if ch == '?' {
                    n += 1;
                    out.push_str(&format!("${n}"));
                } else {
                    out.push(ch);
                }
            }
            out
        }
        _ => sql.to_string(),
    };
    Statement::from_sql_and_values(backend, sql, values)
}
