//! 限流 (throttling): counts of failures per key — a device, a network address, a status lookup —
//! in fixed windows, kept in the database so that every server instance sees the same counts.

use super::entities::throttle;
use super::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};

/// At most `max` failures per `window_minutes`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i32,
    pub window_minutes: i64,
}

/// Failed logins from one browser (a device cookie): enough for a person who forgot a password,
/// far too few for guessing.
pub const LOGIN_PER_DEVICE: Limit = Limit {
    max: 10,
    window_minutes: 15,
};
/// Failed logins from one network address. A service hall or township shares one address, so
/// this is much higher than the device limit.
pub const LOGIN_PER_ADDRESS: Limit = Limit {
    max: 100,
    window_minutes: 15,
};
/// Status lookups that found nothing, per device and per address.
pub const LOOKUP_PER_DEVICE: Limit = Limit {
    max: 10,
    window_minutes: 10,
};
pub const LOOKUP_PER_ADDRESS: Limit = Limit {
    max: 60,
    window_minutes: 10,
};
/// Registrations per device and per address in a window (against mass sign-ups).
pub const REGISTER_PER_DEVICE: Limit = Limit {
    max: 5,
    window_minutes: 60,
};

/// Where a request came from, as far as throttling is concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Client {
    /// The random id of the browser's device cookie.
    pub device: Option<String>,
    /// The peer address (or the proxy's forwarded one).
    pub address: Option<String>,
    /// The client comes from an address the configuration exempts from throttling
    /// (`YIZHAN_THROTTLE_EXEMPT`: a security scanner's, never allowed in production).
    pub exempt: bool,
}

impl Client {
    /// The throttle keys of this client for `purpose`, with their limits.
    pub fn keys(&self, purpose: &str, device: Limit, address: Limit) -> Vec<(String, Limit)> {
        let mut keys = Vec::new();
        if self.exempt {
            return keys;
        }
        if let Some(d) = &self.device {
            keys.push((format!("{purpose}:device:{}", short(d)), device));
        }
        if let Some(a) = &self.address {
            keys.push((format!("{purpose}:addr:{}", short(a)), address));
        }
        keys
    }
}

fn short(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Refuses with `Throttled` when any key has used up its failures in the current window.
pub async fn check(
    db: &impl ConnectionTrait,
    keys: &[(String, Limit)],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if keys.is_empty() {
        return Ok(());
    }
    // One read for every key: a status lookup or login asks this on each request.
    let rows = throttle::Entity::find()
        .filter(throttle::Column::Key.is_in(keys.iter().map(|(key, _)| key.as_str())))
        .all(db)
        .await?;
    for (key, limit) in keys {
        let Some(row) = rows.iter().find(|row| &row.key == key) else {
            continue;
        };
        let ends = row.window_start + Duration::minutes(limit.window_minutes);
        if row.hits >= limit.max && ends > now {
            let minutes = ((ends - now).num_seconds() + 59) / 60;
            return Err(ServiceError::Throttled(minutes.max(1)));
        }
    }
    Ok(())
}

/// Counts one failure against each key: a window that has ended starts again at one. One
/// statement per key, atomic on both engines.
pub async fn fail(
    db: &impl ConnectionTrait,
    keys: &[(String, Limit)],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    for (key, limit) in keys {
        let window_opened_after = now - Duration::minutes(limit.window_minutes);
        let sql = match backend {
            sea_orm::DbBackend::Postgres => {
                "INSERT INTO throttles (key, window_start, hits) VALUES ($1, $2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                 hits = CASE WHEN throttles.window_start <= $3 THEN 1 ELSE throttles.hits + 1 END, \
                 window_start = CASE WHEN throttles.window_start <= $3 THEN $2 ELSE throttles.window_start END"
            }
            _ => {
                "INSERT INTO throttles (key, window_start, hits) VALUES (?1, ?2, 1) \
                 ON CONFLICT (key) DO UPDATE SET \
                 hits = CASE WHEN throttles.window_start <= ?3 THEN 1 ELSE throttles.hits + 1 END, \
                 window_start = CASE WHEN throttles.window_start <= ?3 THEN ?2 ELSE throttles.window_start END"
            }
        };
        db.execute_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [key.clone().into(), now.into(), window_opened_after.into()],
        ))
        .await?;
    }
    Ok(())
}
