//! 办件历史 rows: append-only.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub application_id: i32,
    pub at: DateTimeUtc,
    pub action: String,
    pub actor: String,
    pub actor_user_id: Option<i32>,
    pub from_state: String,
    pub to_state: String,
    pub detail: String,
    /// Structured detail (JSON) the notices are drawn from.
    pub data: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
