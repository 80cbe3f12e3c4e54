//! 账号安全 (the security administrator's page): which staff accounts have an authenticator, how
//! many recovery codes they have left, which accounts are locked; unlocking an account and
//! resetting a lost authenticator. Each action is audited; nobody resets their own.

use super::audit::{self, AuditEntry};
use super::auth::Account;
use super::entities::{department, recovery_code, user};
use super::error::{ServiceError, ServiceResult};
use super::{sessions, two_factor, users};
use crate::backend::db::begin_write;
use crate::domain::account::AccountSecurity;
use crate::domain::role::Role;
use crate::domain::username::Username;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

fn require_security_admin(actor: &Account) -> ServiceResult<()> {
    if actor.roles.contains(&Role::SecurityAdmin) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "只有安全管理员可以管理账号安全".into(),
        ))
    }
}

/// Every staff account, and any other account locked at `now`.
pub async fn overview(
    db: &DatabaseConnection,
    actor: &Account,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<AccountSecurity>> {
    require_security_admin(actor)?;
    let rows = user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::Kind.eq("staff"))
                .add(user::Column::LockedUntil.gt(now)),
        )
        .order_by_asc(user::Column::Username)
        .all(db)
        .await?;
    let departments: HashMap<i32, String> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let mut left: HashMap<i32, u64> = HashMap::new();
    for code in recovery_code::Entity::find()
        .filter(recovery_code::Column::UsedAt.is_null())
        .all(db)
        .await?
    {
        *left.entry(code.user_id).or_default() += 1;
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(AccountSecurity {
            roles: users::roles_of(db, row.id).await?,
            department: row
                .department_id
                .and_then(|id| departments.get(&id).cloned()),
            enrolled_at: row.totp_enrolled_at,
            recovery_codes_left: left.get(&row.id).copied().unwrap_or(0),
            locked_until: row.locked_until.filter(|until| *until > now),
            failed_logins: row.failed_logins,
            username: row.username,
            display_name: row.display_name,
        });
    }
    Ok(out)
}

async fn target_account(db: &DatabaseConnection, username: &str) -> ServiceResult<user::Model> {
    let username = Username::parse(username).map_err(|_| ServiceError::NotFound)?;
    users::find_by_username(db, &username)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// Lifts a lock before its 15 minutes are up (the person called the hall and was recognised).
pub async fn unlock(
    db: &DatabaseConnection,
    actor: &Account,
    username: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    require_security_admin(actor)?;
    let row = target_account(db, username).await?;
    let txn = begin_write(db).await?;
    audit::append(
        &txn,
        AuditEntry::of(
            actor,
            "security.unlock",
            format!("user:{}", row.username),
            format!("failures={}", row.failed_logins),
            now,
        ),
    )
    .await?;
    users::clear_failures(&txn, row.id).await?;
    txn.commit().await?;
    Ok(())
}

/// Takes away a lost authenticator and its recovery codes; the person enrols a new one at their
/// next login. Not for one's own account: a second administrator must see the person.
pub async fn reset_second_factor(
    db: &DatabaseConnection,
    actor: &Account,
    username: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    require_security_admin(actor)?;
    let row = target_account(db, username).await?;
    if row.id == actor.id {
        return Err(ServiceError::Refused(
            "不能重置自己的验证器，请由另一位安全管理员核实身份后操作".into(),
        ));
    }
    let txn = begin_write(db).await?;
    audit::append(
        &txn,
        AuditEntry::of(
            actor,
            "security.two_factor_reset",
            format!("user:{}", row.username),
            String::new(),
            now,
        ),
    )
    .await?;
    two_factor::reset(&txn, row.id).await?;
    // Whoever holds the lost phone may also hold a session: it ends too.
    sessions::end_all(&txn, row.id).await?;
    txn.commit().await?;
    Ok(())
}
