//! 会话 (server-side sessions): a random token in an HttpOnly cookie, its SHA-256 in the database,
//! ended by logging out or by idling past the account's timeout.

use super::entities::session;
use super::error::ServiceResult;
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "yz_session";

/// Activity more recent than this does not rewrite `last_seen_at`: one write per minute per
/// session instead of one per request.
const TOUCH_INTERVAL_SECS: i64 = 60;

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session and returns the token for the cookie (the only place it exists in clear).
pub async fn start(
    db: &impl ConnectionTrait,
    user_id: i32,
    idle_timeout_secs: i64,
    now: DateTime<Utc>,
) -> ServiceResult<String> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    session::ActiveModel {
        token_hash: Set(token_hash(&token)),
        user_id: Set(user_id),
        created_at: Set(now),
        last_seen_at: Set(now),
        idle_timeout_secs: Set(idle_timeout_secs as i32),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The user id of a live session, refreshing its idle clock. An idle-expired session is deleted.
pub async fn resume(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Option<i32>> {
    // Tokens are 64 hex characters; anything else cannot be ours and costs no query.
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let hash = token_hash(token);
    let Some(row) = session::Entity::find_by_id(hash.clone()).one(db).await? else {
        return Ok(None);
    };
    let idle = now - row.last_seen_at;
    if idle > Duration::seconds(row.idle_timeout_secs as i64) {
        session::Entity::delete_by_id(hash).exec(db).await?;
        return Ok(None);
    }
    if idle > Duration::seconds(TOUCH_INTERVAL_SECS) {
        let user_id = row.user_id;
        let mut active: session::ActiveModel = row.into();
        active.last_seen_at = Set(now);
        active.update(db).await?;
        return Ok(Some(user_id));
    }
    Ok(Some(row.user_id))
}

/// The account a session token belongs to, without touching its idle clock.
pub async fn user_of(db: &impl ConnectionTrait, token: &str) -> ServiceResult<Option<i32>> {
    Ok(session::Entity::find_by_id(token_hash(token))
        .one(db)
        .await?
        .map(|row| row.user_id))
}

/// Ends one session (log out on this device).
pub async fn end(db: &impl ConnectionTrait, token: &str) -> ServiceResult<()> {
    session::Entity::delete_by_id(token_hash(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every session of an account (log out everywhere).
pub async fn end_all(db: &impl ConnectionTrait, user_id: i32) -> ServiceResult<()> {
    session::Entity::delete_many()
        .filter(session::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
