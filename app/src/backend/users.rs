//! 账号 (accounts): creation with roles, lookup. Passwords are checked against the rules, then
//! hashed with Argon2id; the clear text goes no further than this module.

use super::audit::{self, AuditEntry};
use super::departments;
use super::entities::{user, user_role};
use super::error::{is_unique_violation, ServiceError, ServiceResult};
use super::password::hash_password;
use crate::backend::db::begin_write;
use crate::domain::account::AccountKind;
use crate::domain::password::check_password;
use crate::domain::role::Role;
use crate::domain::username::Username;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub kind: AccountKind,
    pub department_code: Option<String>,
    pub roles: Vec<Role>,
    pub password: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub identity: Identity,
}

/// Who a citizen or company account is: 身份证号, or 统一社会信用代码 with its 经办人. Empty for
/// staff. The values are checked (`domain::identity`) before they get here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub agent_name: Option<String>,
    pub agent_id_number: Option<String>,
}

/// Creates an account with its roles in one transaction, and records who did it.
/// `actor` is the administrator's name, or `cli` / `seed` for the command line.
pub async fn create(
    db: &DatabaseConnection,
    new: NewUser,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<user::Model> {
    check_password(&new.password).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let display_name = new.display_name.trim().to_string();
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(ServiceError::Invalid(
            "姓名或名称应为 1 至 100 个字符".into(),
        ));
    }
    if new.roles.is_empty() {
        return Err(ServiceError::Invalid("至少需要一个角色".into()));
    }
    let staff = new.roles.iter().any(|r| r.is_staff());
    if staff != (new.kind == AccountKind::Staff) {
        return Err(ServiceError::Invalid(
            "工作人员角色只能授予工作人员账号".into(),
        ));
    }
    let department_id = match &new.department_code {
        Some(code) => Some(
            departments::find_by_code(db, code)
                .await?
                .ok_or_else(|| ServiceError::Invalid(format!("部门编码 {code} 不存在")))?
                .id,
        ),
        None => None,
    };
    let password_hash = hash_password(new.password).await?;

    let txn = begin_write(db).await?;
    let row = user::ActiveModel {
        username: Set(new.username.as_str().to_string()),
        display_name: Set(display_name),
        kind: Set(new.kind.code().to_string()),
        department_id: Set(department_id),
        password_hash: Set(password_hash),
        email: Set(new.email),
        mobile: Set(new.mobile),
        is_active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        id_number: Set(new.identity.id_number),
        credit_code: Set(new.identity.credit_code),
        agent_name: Set(new.identity.agent_name),
        agent_id_number: Set(new.identity.agent_id_number),
        ..Default::default()
    };
    let created = match row.insert(&txn).await {
        Ok(created) => created,
        Err(e) if is_unique_violation(&e) => {
            let text = e.to_string();
            return Err(if text.contains("id_number") {
                ServiceError::Conflict("该身份证号已注册过账号，请直接登录或找回密码".into())
            } else if text.contains("credit_code") {
                ServiceError::Conflict("该统一社会信用代码已注册过账号，请直接登录".into())
            } else {
                ServiceError::Conflict(format!("用户名 {} 已被使用", new.username))
            });
        }
        Err(e) => return Err(ServiceError::Database(e)),
    };
    for role in &new.roles {
        user_role::ActiveModel {
            user_id: Set(created.id),
            role_code: Set(role.code().to_string()),
        }
        .insert(&txn)
        .await?;
    }
    let role_codes: Vec<&str> = new.roles.iter().map(|r| r.code()).collect();
    audit::append(
        &txn,
        AuditEntry::by(
            actor,
            "user.create",
            format!("user:{}", created.username),
            format!("roles={}", role_codes.join(",")),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &Username,
) -> ServiceResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username.as_str()))
        .one(db)
        .await?)
}

/// The roles of an account; codes the program does not know are skipped, not trusted.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: i32) -> ServiceResult<Vec<Role>> {
    let rows = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .all(db)
        .await?;
    let mut roles: Vec<Role> = rows
        .iter()
        .filter_map(|r| Role::from_code(&r.role_code))
        .collect();
    roles.sort();
    Ok(roles)
}

/// Forgets an account's failed logins and lifts its lock (a right login, or the security
/// administrator's unlock).
pub async fn clear_failures(db: &impl ConnectionTrait, user_id: i32) -> ServiceResult<()> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(
            user::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
