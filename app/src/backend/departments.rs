//! 部门 (departments): the bodies that handle items, cases and letters.

use super::entities::department;
use super::error::ServiceResult;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

pub struct NewDepartment<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub short_name: &'a str,
    pub phone: &'a str,
    pub address: &'a str,
    pub sort_order: i32,
}

/// Creates the department unless one with the same code exists; returns it either way.
pub async fn ensure(
    db: &impl ConnectionTrait,
    new: &NewDepartment<'_>,
    now: DateTime<Utc>,
) -> ServiceResult<department::Model> {
    if let Some(existing) = find_by_code(db, new.code).await? {
        return Ok(existing);
    }
    let row = department::ActiveModel {
        code: Set(new.code.to_string()),
        name: Set(new.name.to_string()),
        short_name: Set(new.short_name.to_string()),
        phone: Set(new.phone.to_string()),
        address: Set(new.address.to_string()),
        sort_order: Set(new.sort_order),
        created_at: Set(now),
        ..Default::default()
    };
    Ok(row.insert(db).await?)
}

pub async fn find_by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> ServiceResult<Option<department::Model>> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(db)
        .await?)
}

/// Marks the department as the service hall (政务服务大厅).
pub async fn set_hall(db: &impl ConnectionTrait, code: &str) -> ServiceResult<()> {
    department::Entity::update_many()
        .col_expr(
            department::Column::IsHall,
            sea_orm::sea_query::Expr::value(true),
        )
        .filter(department::Column::Code.eq(code))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find(db: &impl ConnectionTrait, id: i32) -> ServiceResult<Option<department::Model>> {
    Ok(department::Entity::find_by_id(id).one(db).await?)
}

/// Every department's name by code.
pub async fn names(
    db: &impl ConnectionTrait,
) -> ServiceResult<std::collections::HashMap<String, String>> {
    by_code(db, |d| d.name).await
}

/// Every department's short name (市场监管局) by code, for charts where the full name is too long.
pub async fn short_names(
    db: &impl ConnectionTrait,
) -> ServiceResult<std::collections::HashMap<String, String>> {
    by_code(db, |d| {
        if d.short_name.is_empty() {
            d.name
        } else {
            d.short_name
        }
    })
    .await
}

async fn by_code(
    db: &impl ConnectionTrait,
    pick: impl Fn(department::Model) -> String,
) -> ServiceResult<std::collections::HashMap<String, String>> {
    Ok(department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code.clone(), pick(d)))
        .collect())
}

/// The departments for a filter: (code, name) in the configured order.
pub async fn choices(db: &impl ConnectionTrait) -> ServiceResult<Vec<(String, String)>> {
    use sea_orm::QueryOrder;
    Ok(department::Entity::find()
        .order_by_asc(department::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect())
}

/// The service hall's code (its clerks take in for every department), if one is configured.
pub async fn hall_code(db: &impl ConnectionTrait) -> ServiceResult<Option<String>> {
    Ok(department::Entity::find()
        .filter(department::Column::IsHall.eq(true))
        .one(db)
        .await?
        .map(|d| d.code))
}
