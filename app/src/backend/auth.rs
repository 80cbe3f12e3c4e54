//! 登录 / 退出 (log in, log out): password check, lockout after repeated failures, session start,
//! and an audit entry for every attempt.

use super::audit::{self, AuditEntry};
use super::entities::user;
use super::error::{ServiceError, ServiceResult};
use super::password::{verify_password, DUMMY_HASH};
use super::throttle::{self, Client};
use super::{departments, sessions, two_factor, users};
use crate::backend::db::begin_write;
use crate::domain::role::Role;
use crate::domain::username::Username;
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};

/// Consecutive failures after which an account is locked.
pub const MAX_FAILED_LOGINS: i32 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

/// A signed-in account as the rest of the program sees it: no hash, no token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: i32,
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub department_name: Option<String>,
    /// The department's code: staff act on the cases of their own department.
    pub department_code: Option<String>,
    /// The department is the service hall, whose clerks accept for every department.
    pub at_hall: bool,
    pub roles: Vec<Role>,
}

pub struct LoggedIn {
    pub token: String,
    pub account: Account,
}

/// Written by hand so that the session token never reaches a log line.
impl std::fmt::Debug for LoggedIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoggedIn")
            .field("token", &"<redacted>")
            .field("account", &self.account)
            .finish()
    }
}

/// An audit entry for something an account did to itself (log in, fail, log out).
fn self_entry(
    user_id: i32,
    username: &str,
    action: &str,
    detail: String,
    now: DateTime<Utc>,
) -> AuditEntry {
    AuditEntry {
        at: now,
        actor_user_id: Some(user_id),
        actor: username.to_string(),
        action: action.to_string(),
        target: format!("user:{username}"),
        detail,
    }
}

async fn account_of(db: &DatabaseConnection, row: user::Model) -> ServiceResult<Account> {
    let roles = users::roles_of(db, row.id).await?;
    let department = match row.department_id {
        Some(id) => departments::find(db, id).await?,
        None => None,
    };
    Ok(Account {
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        kind: row.kind,
        department_name: department.as_ref().map(|d| d.name.clone()),
        department_code: department.as_ref().map(|d| d.code.clone()),
        at_hall: department.is_some_and(|d| d.is_hall),
        roles,
    })
}

/// What a right password leads to.
#[derive(Debug)]
pub enum Login {
    SignedIn(LoggedIn),
    /// A staff account must give its authenticator's code (or enrol one): the token goes in the
    /// `two_factor::CHALLENGE_COOKIE` for `second_factor`.
    SecondFactor {
        challenge: Redacted,
    },
}

impl Login {
    /// The session, when no second factor was asked for.
    pub fn signed_in(self) -> Option<LoggedIn> {
        match self {
            Login::SignedIn(s) => Some(s),
            Login::SecondFactor { .. } => None,
        }
    }
}

/// A token that never reaches a log line.
pub struct Redacted(pub String);

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Counts a failed password or code against the account (locking it at `MAX_FAILED_LOGINS`) and
/// the client, with an audit entry; returns the error to answer with.
async fn count_failure(
    txn: &DatabaseTransaction,
    row: &user::Model,
    client_keys: &[(String, throttle::Limit)],
    action: &str,
    now: DateTime<Utc>,
) -> ServiceResult<ServiceError> {
    let failures = row.failed_logins + 1;
    let lock = failures >= MAX_FAILED_LOGINS;
    let locked_until = lock.then(|| now + Duration::minutes(LOCK_MINUTES));
    user::Entity::update_many()
        .col_expr(
            user::Column::FailedLogins,
            Expr::value(if lock { 0 } else { failures }),
        )
        .col_expr(user::Column::LockedUntil, Expr::value(locked_until))
        .filter(user::Column::Id.eq(row.id))
        .exec(txn)
        .await?;
    throttle::fail(txn, client_keys, now).await?;
    let action = if lock { "auth.locked" } else { action };
    audit::append(
        txn,
        self_entry(
            row.id,
            &row.username,
            action,
            format!("failures={failures}"),
            now,
        ),
    )
    .await?;
    Ok(match locked_until {
        Some(until) => ServiceError::Locked(until),
        None => ServiceError::BadCredentials,
    })
}

/// Clears the failure count and starts the session, with its audit entry.
async fn begin_session(
    txn: &DatabaseTransaction,
    row: &user::Model,
    roles: &[Role],
    now: DateTime<Utc>,
) -> ServiceResult<String> {
    users::clear_failures(txn, row.id).await?;
    let token = sessions::start(txn, row.id, Role::idle_timeout_secs(roles), now).await?;
    audit::append(
        txn,
        self_entry(row.id, &row.username, "auth.login", String::new(), now),
    )
    .await?;
    Ok(token)
}

/// Logs in. Refused without checking the password while `client` (its device or address) has used
/// up its failures; each failure counts against the account (lockout) and the client (throttle).
/// A right password of an account `policy` asks a second factor of opens a challenge instead of
/// a session.
pub async fn login(
    db: &DatabaseConnection,
    raw_username: &str,
    password: &str,
    client: &Client,
    policy: two_factor::Policy,
    now: DateTime<Utc>,
) -> ServiceResult<Login> {
    let client_keys = client.keys(
        "login",
        throttle::LOGIN_PER_DEVICE,
        throttle::LOGIN_PER_ADDRESS,
    );
    throttle::check(db, &client_keys, now).await?;
    let found = match Username::parse(raw_username) {
        Ok(username) => users::find_by_username(db, &username).await?,
        Err(_) => None,
    };
    let Some(row) = found.filter(|u| u.is_active) else {
        // Same work as for a real account, so timing does not tell which usernames exist.
        verify_password(password.to_string(), DUMMY_HASH.to_string()).await?;
        throttle::fail(db, &client_keys, now).await?;
        return Err(ServiceError::BadCredentials);
    };
    if let Some(until) = row.locked_until.filter(|until| *until > now) {
        return Err(ServiceError::Locked(until));
    }
    let ok = verify_password(password.to_string(), row.password_hash.clone()).await?;
    let txn = begin_write(db).await?;
    if !ok {
        let err = count_failure(&txn, &row, &client_keys, "auth.login_failed", now).await?;
        txn.commit().await?;
        return Err(err);
    }
    let roles = users::roles_of(&txn, row.id).await?;
    if policy.applies(&row, &roles) {
        let challenge = two_factor::open_challenge(&txn, &row, now).await?;
        audit::append(
            &txn,
            self_entry(
                row.id,
                &row.username,
                "auth.password_ok",
                if row.totp_secret.is_some() {
                    "second factor asked".into()
                } else {
                    "authenticator to enrol".into()
                },
                now,
            ),
        )
        .await?;
        txn.commit().await?;
        return Ok(Login::SecondFactor {
            challenge: Redacted(challenge),
        });
    }
    let token = begin_session(&txn, &row, &roles, now).await?;
    txn.commit().await?;
    let account = account_of(db, row).await?;
    Ok(Login::SignedIn(LoggedIn { token, account }))
}

/// The second step of a login: the authenticator's code (or, while enrolling, the first code of
/// the new secret; or a recovery code) for the challenge of the `challenge` cookie. Wrong codes
/// count like wrong passwords; five on one challenge end it.
pub async fn second_factor(
    db: &DatabaseConnection,
    challenge_token: &str,
    code: &str,
    client: &Client,
    now: DateTime<Utc>,
) -> ServiceResult<LoggedIn> {
    let client_keys = client.keys(
        "login",
        throttle::LOGIN_PER_DEVICE,
        throttle::LOGIN_PER_ADDRESS,
    );
    throttle::check(db, &client_keys, now).await?;
    let challenge = two_factor::challenge(db, challenge_token, now).await?;
    let Some(row) = user::Entity::find_by_id(challenge.user_id)
        .one(db)
        .await?
        .filter(|u| u.is_active)
    else {
        return Err(ServiceError::BadCredentials);
    };
    if let Some(until) = row.locked_until.filter(|until| *until > now) {
        return Err(ServiceError::Locked(until));
    }
    let txn = begin_write(db).await?;
    let passed = match (&challenge.pending_secret, &row.totp_secret) {
        (Some(secret), _) => match two_factor::matching_step(secret, code, None, now) {
            Some(step) => {
                two_factor::enrol(&txn, row.id, secret, step, now).await?;
                let codes: Vec<String> = challenge
                    .pending_codes
                    .as_deref()
                    .unwrap_or_default()
                    .lines()
                    .map(str::to_string)
                    .collect();
                two_factor::store_recovery_codes(&txn, row.id, &codes).await?;
                audit::append(
                    &txn,
                    self_entry(
                        row.id,
                        &row.username,
                        "auth.two_factor_enrolled",
                        String::new(),
                        now,
                    ),
                )
                .await?;
                true
            }
            None => false,
        },
        (None, Some(secret)) => {
            match two_factor::matching_step(secret, code, row.totp_last_step, now) {
                Some(step) => two_factor::take_step(&txn, row.id, step).await?,
                None if two_factor::use_recovery_code(&txn, row.id, code, now).await? => {
                    let left = two_factor::recovery_codes_left(&txn, row.id).await?;
                    audit::append(
                        &txn,
                        self_entry(
                            row.id,
                            &row.username,
                            "auth.recovery_code_used",
                            format!("left={left}"),
                            now,
                        ),
                    )
                    .await?;
                    true
                }
                None => false,
            }
        }
        // The authenticator was reset since the challenge opened: start again.
        (None, None) => false,
    };
    if !passed {
        two_factor::count_wrong_code(&txn, &challenge).await?;
        let err = count_failure(&txn, &row, &client_keys, "auth.second_factor_failed", now).await?;
        txn.commit().await?;
        return Err(match err {
            ServiceError::BadCredentials => ServiceError::Refused(
                "动态验证码不正确：请输入验证器应用中当前显示的 6 位数字，或一个未用过的恢复码"
                    .into(),
            ),
            other => other,
        });
    }
    two_factor::close_challenge(&txn, &challenge).await?;
    let roles = users::roles_of(&txn, row.id).await?;
    let token = begin_session(&txn, &row, &roles, now).await?;
    txn.commit().await?;
    let account = account_of(db, row).await?;
    Ok(LoggedIn { token, account })
}

/// The account behind a session token, if the session is alive.
pub async fn resume(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Option<Account>> {
    let Some(user_id) = sessions::resume(db, token, now).await? else {
        return Ok(None);
    };
    let Some(row) = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .filter(|u| u.is_active)
    else {
        return Ok(None);
    };
    Ok(Some(account_of(db, row).await?))
}

/// Which sessions a logout ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutScope {
    /// This browser only.
    ThisDevice,
    /// Every session of the account (退出所有设备), for example after a lost phone.
    Everywhere,
}

pub async fn logout(
    db: &DatabaseConnection,
    token: &str,
    scope: LogoutScope,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let Some(user_id) = sessions::user_of(db, token).await? else {
        return Ok(());
    };
    let username = user::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|u| u.username)
        .unwrap_or_default();
    let txn = begin_write(db).await?;
    audit::append(
        &txn,
        self_entry(
            user_id,
            &username,
            match scope {
                LogoutScope::ThisDevice => "auth.logout",
                LogoutScope::Everywhere => "auth.logout_everywhere",
            },
            String::new(),
            now,
        ),
    )
    .await?;
    match scope {
        LogoutScope::ThisDevice => sessions::end(&txn, token).await?,
        LogoutScope::Everywhere => sessions::end_all(&txn, user_id).await?,
    }
    txn.commit().await?;
    Ok(())
}
