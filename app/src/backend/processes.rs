//! 办理流程 definitions in the database: validated on save, versioned, audited.

use super::audit::{self, AuditEntry};
use super::entities::process_definition;
use super::error::{ServiceError, ServiceResult};
use crate::backend::db::begin_write;
use crate::domain::process::ProcessDefinition;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, Set,
};

/// Saves a definition (new, or the next version of an existing one). Returns the version.
pub async fn save(
    db: &DatabaseConnection,
    def: &ProcessDefinition,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    let txn = begin_write(db).await?;
    let version = save_in(&txn, def, actor, now).await?;
    txn.commit().await?;
    Ok(version)
}

/// The same inside the caller's transaction (a guide's save keeps its definition in step).
pub async fn save_in(
    txn: &DatabaseTransaction,
    def: &ProcessDefinition,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    def.validate()
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let data = serde_json::to_string(def).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let kind = def.kind.code().to_string();
    audit::append(
        txn,
        AuditEntry::by(
            actor,
            "process.save",
            format!("item:{}", def.item_code),
            format!(
                "legal={} promised={} steps={}",
                def.legal_limit,
                def.promised_limit,
                def.steps.len()
            ),
            now,
        ),
    )
    .await?;
    let version = match process_definition::Entity::find_by_id(def.item_code.clone())
        .one(txn)
        .await?
    {
        Some(row) => {
            let version = row.version + 1;
            let mut active: process_definition::ActiveModel = row.into();
            active.kind = Set(kind);
            active.data = Set(data);
            active.version = Set(version);
            active.updated_at = Set(now);
            active.updated_by = Set(actor.to_string());
            active.update(txn).await?;
            version
        }
        None => {
            process_definition::ActiveModel {
                item_code: Set(def.item_code.clone()),
                kind: Set(kind),
                data: Set(data),
                version: Set(1),
                updated_at: Set(now),
                updated_by: Set(actor.to_string()),
            }
            .insert(txn)
            .await?;
            1
        }
    };
    Ok(version)
}

pub async fn find(
    db: &impl ConnectionTrait,
    item_code: &str,
) -> ServiceResult<Option<ProcessDefinition>> {
    let Some(row) = process_definition::Entity::find_by_id(item_code.to_string())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    serde_json::from_str(&row.data)
        .map(Some)
        .map_err(|e| ServiceError::Internal(format!("stored process {item_code}: {e}")))
}
