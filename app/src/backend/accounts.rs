//! 注册 (self-registration of citizens and companies) and the profile forms are prefilled from.

use super::audit::{self, AuditEntry};
use super::auth::{self, LoggedIn};
use super::entities::user;
use super::error::{ServiceError, ServiceResult};
use super::sessions;
use super::throttle::{self, Client};
use super::users::{self, Identity, NewUser};
use crate::backend::db::begin_write;
use crate::domain::account::AccountKind;
use crate::domain::application_form::Profile;
use crate::domain::registration::{RegisteredIdentity, Registration};
use crate::domain::role::Role;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, EntityTrait};
use std::collections::BTreeMap;

/// Creates the account and signs it in. A taken username, ID number or credit code is reported at
/// its field; registrations per device are limited.
pub async fn register(
    db: &DatabaseConnection,
    reg: Registration,
    client: &Client,
    now: DateTime<Utc>,
) -> ServiceResult<LoggedIn> {
    let keys = client.keys(
        "register",
        throttle::REGISTER_PER_DEVICE,
        throttle::REGISTER_PER_DEVICE,
    );
    throttle::check(db, &keys, now).await?;
    let (kind, role, identity) = match &reg.identity {
        RegisteredIdentity::Person { id_number } => (
            AccountKind::Person,
            Role::Citizen,
            Identity {
                id_number: Some(id_number.as_str().to_string()),
                ..Identity::default()
            },
        ),
        RegisteredIdentity::Company {
            credit_code,
            agent_name,
            agent_id_number,
        } => (
            AccountKind::Company,
            Role::Company,
            Identity {
                credit_code: Some(credit_code.as_str().to_string()),
                agent_name: Some(agent_name.clone()),
                agent_id_number: Some(agent_id_number.as_str().to_string()),
                ..Identity::default()
            },
        ),
    };
    let username = reg.username.clone();
    let created = users::create(
        db,
        NewUser {
            username: reg.username,
            display_name: reg.display_name,
            kind,
            department_code: None,
            roles: vec![role],
            password: reg.password,
            email: reg.email,
            mobile: Some(reg.mobile.as_str().to_string()),
            identity,
        },
        username.as_str(),
        now,
    )
    .await
    .map_err(|e| match e {
        ServiceError::Conflict(msg) => {
            let field = if msg.contains("身份证号") {
                "id_number"
            } else if msg.contains("信用代码") {
                "credit_code"
            } else {
                "username"
            };
            ServiceError::Fields(BTreeMap::from([(field.to_string(), msg)]))
        }
        ServiceError::Invalid(msg) => {
            ServiceError::Fields(BTreeMap::from([("password".to_string(), msg)]))
        }
        other => other,
    })?;
    // Counted on success: the limit is on accounts made from one device.
    throttle::fail(db, &keys, now).await?;
    let txn = begin_write(db).await?;
    let token = sessions::start(&txn, created.id, Role::idle_timeout_secs(&[role]), now).await?;
    audit::append(
        &txn,
        AuditEntry {
            at: now,
            actor_user_id: Some(created.id),
            actor: created.username.clone(),
            action: "auth.register".into(),
            target: format!("user:{}", created.username),
            detail: kind.code().into(),
        },
    )
    .await?;
    txn.commit().await?;
    let account = auth::resume(db, &token, now)
        .await?
        .ok_or_else(|| ServiceError::Internal("new session not found".into()))?;
    Ok(LoggedIn { token, account })
}

/// What forms may be prefilled with for this account.
pub async fn profile(db: &DatabaseConnection, user_id: i32) -> ServiceResult<Profile> {
    let row = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // A clerk's own data must never fill in a walk-in applicant's form.
    if row.kind == AccountKind::Staff.code() {
        return Ok(Profile::default());
    }
    let company = row.kind == AccountKind::Company.code();
    Ok(Profile {
        name: if company {
            row.agent_name.clone().unwrap_or_default()
        } else {
            row.display_name.clone()
        },
        id_number: if company {
            row.agent_id_number.clone()
        } else {
            row.id_number.clone()
        },
        mobile: row.mobile.clone(),
        email: row.email.clone(),
        company_name: company.then(|| row.display_name.clone()),
        credit_code: row.credit_code.clone(),
        agent_name: row.agent_name.clone(),
    })
}
