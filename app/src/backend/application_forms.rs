//! 申请表定义 (application form definitions) per item: the one an administrator saved, or the
//! default drawn from the guide until then.

use super::audit::{self, AuditEntry};
use super::catalogue::items;
use super::entities::application_form;
use super::error::{is_unique_violation, ServiceError, ServiceResult};
use crate::backend::db::begin_write;
use crate::domain::application_form::FormDefinition;
use crate::domain::catalogue_read::GuideDetail;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

/// An item open for online application, with its form.
#[derive(Debug, Clone)]
pub struct ApplyForm {
    pub detail: GuideDetail,
    pub definition: FormDefinition,
    /// 0 while the item uses the default form.
    pub version: i32,
}

/// The item's guide and form, if the item exists, is not retired and is handled online.
pub async fn for_item(db: &impl ConnectionTrait, item_code: &str) -> ServiceResult<ApplyForm> {
    let form = for_item_any(db, item_code).await?;
    if form.detail.retired {
        return Err(ServiceError::Refused("该事项已停止办理".into()));
    }
    if !form.detail.guide.online {
        return Err(ServiceError::Refused(
            "该事项暂不支持网上办理，请按办事指南到窗口办理".into(),
        ));
    }
    Ok(form)
}

/// The item's guide and form whatever the item's state (for the editor).
pub async fn for_item_any(db: &impl ConnectionTrait, item_code: &str) -> ServiceResult<ApplyForm> {
    let detail = items::detail(db, item_code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let row = application_form::Entity::find_by_id(item_code.to_string())
        .one(db)
        .await?;
    let (definition, version) = match row {
        Some(row) => (
            serde_json::from_str(&row.definition)
                .map_err(|e| ServiceError::Internal(format!("form of {item_code}: {e}")))?,
            row.version,
        ),
        None => (FormDefinition::default_for(&detail.guide), 0),
    };
    Ok(ApplyForm {
        detail,
        definition,
        version,
    })
}

/// Saves an administrator's definition after checking it against the guide. `expected_version` is
/// the version the editor started from (0 for the default): a stale one is refused.
pub async fn save(
    db: &DatabaseConnection,
    item_code: &str,
    definition: &FormDefinition,
    expected_version: i32,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<i32> {
    let detail = items::detail(db, item_code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    definition
        .check(&detail.guide)
        .map_err(|problems| ServiceError::Invalid(problems.join("；")))?;
    let json =
        serde_json::to_string(definition).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let stale = || ServiceError::Conflict("申请表已被他人修改，请刷新后重新编辑".into());
    let txn = begin_write(db).await?;
    let version = expected_version + 1;
    if expected_version == 0 {
        application_form::ActiveModel {
            item_code: Set(item_code.to_string()),
            definition: Set(json),
            version: Set(version),
            updated_at: Set(now),
            updated_by: Set(actor.to_string()),
        }
        .insert(&txn)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                stale()
            } else {
                e.into()
            }
        })?;
    } else {
        let done = application_form::Entity::update_many()
            .col_expr(application_form::Column::Definition, Expr::value(json))
            .col_expr(application_form::Column::Version, Expr::value(version))
            .col_expr(application_form::Column::UpdatedAt, Expr::value(now))
            .col_expr(application_form::Column::UpdatedBy, Expr::value(actor))
            .filter(application_form::Column::ItemCode.eq(item_code))
            .filter(application_form::Column::Version.eq(expected_version))
            .exec(&txn)
            .await?;
        if done.rows_affected != 1 {
            return Err(stale());
        }
    }
    audit::append(
        &txn,
        AuditEntry::by(
            actor,
            "application_form.save",
            format!("item:{item_code}"),
            format!("version={version} fields={}", definition.fields.len()),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(version)
}
