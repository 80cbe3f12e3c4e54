//! 审计日志 (audit log): append-only, hash-chained. Every staff action and every login writes one
//! entry inside the transaction of the action itself, so an action without its entry cannot commit.

use super::entities::audit_log;
use super::error::ServiceResult;
use crate::backend::db::begin_write;
use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, Set, Statement,
};
use sha2::{Digest, Sha256};

pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i32>,
    /// Username of the actor, or `cli`, `seed`, `system`.
    pub actor: String,
    /// Dotted code of what was done, for example `auth.login`.
    pub action: String,
    /// What it was done to, for example `user:clerk1`.
    pub target: String,
    /// Free detail. Never a password, token or query code.
    pub detail: String,
}

impl AuditEntry {
    /// An entry for an action by a named actor without an account id (an administrator acting
    /// through the command line, `seed`, `system`).
    pub fn by(
        actor: &str,
        action: &str,
        target: String,
        detail: String,
        now: DateTime<Utc>,
    ) -> AuditEntry {
        AuditEntry {
            at: now,
            actor_user_id: None,
            actor: actor.to_string(),
            action: action.to_string(),
            target,
            detail,
        }
    }

    /// An entry for what a signed-in staff member did.
    pub fn of(
        account: &super::auth::Account,
        action: &str,
        target: String,
        detail: String,
        now: DateTime<Utc>,
    ) -> AuditEntry {
        AuditEntry {
            actor_user_id: Some(account.id),
            ..AuditEntry::by(&account.username, action, target, detail, now)
        }
    }
}

/// The hash that links an entry to its predecessor. Timestamps are written in one fixed format
/// so that both databases give back the same text.
fn entry_hash(prev_hash: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    for part in [
        prev_hash,
        &e.at.to_rfc3339_opts(SecondsFormat::Micros, true),
        &e.actor_user_id.map(|id| id.to_string()).unwrap_or_default(),
        &e.actor,
        &e.action,
        &e.target,
        &e.detail,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Appends one entry inside a transaction (the caller's action's, or one of its own for an entry
/// that stands alone, such as opening a case): the first statement locks the chain head, which
/// serialises appends across connections and server instances. The type asks for a transaction
/// because on a bare connection each statement commits by itself and concurrent appends would link
/// to the same predecessor.
pub async fn append(db: &DatabaseTransaction, entry: AuditEntry) -> ServiceResult<()> {
    let backend = db.get_database_backend();
    db.execute_raw(Statement::from_string(
        backend,
        "UPDATE audit_head SET entries = entries + 1 WHERE id = 1",
    ))
    .await?;
    let head = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT last_hash FROM audit_head WHERE id = 1",
        ))
        .await?;
    let prev_hash: String = match head {
        Some(row) => row.try_get("", "last_hash")?,
        None => migration::GENESIS_HASH.to_string(),
    };
    // Truncate to the column widths and drop sub-microsecond precision, which PostgreSQL would
    // drop anyway, so that what is hashed is exactly what is stored.
    let entry = AuditEntry {
        at: DateTime::from_timestamp_micros(entry.at.timestamp_micros()).unwrap_or(entry.at),
        actor: clip(&entry.actor, 64),
        action: clip(&entry.action, 64),
        target: clip(&entry.target, 128),
        ..entry
    };
    let hash = entry_hash(&prev_hash, &entry);
    audit_log::ActiveModel {
        at: Set(entry.at),
        actor_user_id: Set(entry.actor_user_id),
        actor: Set(entry.actor),
        action: Set(entry.action),
        target: Set(entry.target),
        detail: Set(entry.detail),
        prev_hash: Set(prev_hash),
        hash: Set(hash.clone()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let update = match backend {
        DbBackend::Postgres => "UPDATE audit_head SET last_hash = $1 WHERE id = 1",
        _ => "UPDATE audit_head SET last_hash = ? WHERE id = 1",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        update,
        [hash.into()],
    ))
    .await?;
    Ok(())
}

/// Outcome of walking the chain.
#[derive(Debug, PartialEq, Eq)]
pub enum ChainCheck {
    /// Every entry links to its predecessor and hashes to what is stored.
    Intact { entries: u64 },
    /// The first entry whose link or content does not match.
    Broken { entry_id: i64, reason: &'static str },
}

/// The `prev_hash` the first entry kept must have: the genesis hash, or where the last prune left
/// the chain.
async fn anchor(db: &impl ConnectionTrait) -> ServiceResult<String> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT anchor_hash FROM audit_head WHERE id = 1",
        ))
        .await?;
    Ok(match row {
        Some(r) => r.try_get("", "anchor_hash")?,
        None => migration::GENESIS_HASH.to_string(),
    })
}

/// 审计校验: recomputes every hash from the first entry kept on.
pub async fn verify(db: &impl ConnectionTrait) -> ServiceResult<ChainCheck> {
    let rows = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Id)
        .all(db)
        .await?;
    let mut prev = anchor(db).await?;
    for row in &rows {
        if row.prev_hash != prev {
            return Ok(ChainCheck::Broken {
                entry_id: row.id,
                reason: "与上一条记录的链接不符（记录被删除或插入）",
            });
        }
        let recomputed = entry_hash(
            &prev,
            &AuditEntry {
                at: row.at,
                actor_user_id: row.actor_user_id,
                actor: row.actor.clone(),
                action: row.action.clone(),
                target: row.target.clone(),
                detail: row.detail.clone(),
            },
        );
        if recomputed != row.hash {
            return Ok(ChainCheck::Broken {
                entry_id: row.id,
                reason: "内容与哈希不符（记录被修改）",
            });
        }
        prev = row.hash.clone();
    }
    Ok(ChainCheck::Intact {
        entries: rows.len() as u64,
    })
}

/// The shortest time an entry is kept (等保 level 3: six months); the database refuses to delete
/// younger entries whatever the setting says.
pub const MIN_RETENTION_DAYS: i64 = 183;

/// Deletes the entries older than `retention_days` (never fewer than `MIN_RETENTION_DAYS`),
/// moving the chain's anchor to the first entry kept and recording the prune as an entry of its
/// own. Returns how many were deleted.
pub async fn prune(
    db: &DatabaseConnection,
    retention_days: i64,
    now: DateTime<Utc>,
) -> ServiceResult<u64> {
    let cutoff = now - chrono::Duration::days(retention_days.max(MIN_RETENTION_DAYS));
    let backend = db.get_database_backend();
    let txn = begin_write(db).await?;
    // Take the chain's lock first, as appends do.
    txn.execute_raw(Statement::from_string(
        backend,
        "UPDATE audit_head SET entries = entries WHERE id = 1",
    ))
    .await?;
    let Some(first_kept) = audit_log::Entity::find()
        .filter(audit_log::Column::At.gte(cutoff))
        .order_by_asc(audit_log::Column::Id)
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Ok(0);
    };
    let deleted = audit_log::Entity::delete_many()
        .filter(audit_log::Column::Id.lt(first_kept.id))
        .exec(&txn)
        .await?
        .rows_affected;
    if deleted > 0 {
        let set_anchor = match backend {
            DbBackend::Postgres => "UPDATE audit_head SET anchor_hash = $1 WHERE id = 1",
            _ => "UPDATE audit_head SET anchor_hash = ? WHERE id = 1",
        };
        txn.execute_raw(Statement::from_sql_and_values(
            backend,
            set_anchor,
            [first_kept.prev_hash.into()],
        ))
        .await?;
        append(
            &txn,
            AuditEntry::by(
                "system",
                "audit.pruned",
                "audit_log".into(),
                format!(
                    "entries={deleted} before={} retention_days={}",
                    cutoff.format("%Y-%m-%d"),
                    retention_days.max(MIN_RETENTION_DAYS)
                ),
                now,
            ),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(deleted)
}
