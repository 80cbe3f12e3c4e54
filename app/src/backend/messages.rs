//! 消息中心 (the in-app message centre): what an account was told, newest first.

use super::entities::message;
use super::error::ServiceResult;
use crate::domain::case_read::MessageView;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

/// How many messages the centre shows.
const SHOWN: u64 = 200;

pub async fn unread(db: &DatabaseConnection, user_id: i32) -> ServiceResult<u64> {
    Ok(message::Entity::find()
        .filter(message::Column::UserId.eq(user_id))
        .filter(message::Column::ReadAt.is_null())
        .count(db)
        .await?)
}

/// The newest messages, as they were before this reading; all are marked read.
pub async fn read_all(
    db: &DatabaseConnection,
    user_id: i32,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<MessageView>> {
    let rows = message::Entity::find()
        .filter(message::Column::UserId.eq(user_id))
        .order_by_desc(message::Column::Id)
        .limit(SHOWN)
        .all(db)
        .await?;
    if rows.iter().any(|m| m.read_at.is_none()) {
        message::Entity::update_many()
            .col_expr(message::Column::ReadAt, Expr::value(Some(now)))
            .filter(message::Column::UserId.eq(user_id))
            .filter(message::Column::ReadAt.is_null())
            .exec(db)
            .await?;
    }
    Ok(rows
        .into_iter()
        .map(|m| MessageView {
            unread: m.read_at.is_none(),
            title: m.title,
            body: m.body,
            case_no: m.case_no,
            link: m.link,
            at: m.created_at,
        })
        .collect())
}
