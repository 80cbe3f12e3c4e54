//! One saved version of a guide: the whole guide, what changed, who and when.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_item_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub item_code: String,
    pub version: i32,
    pub guide: String,
    /// The changed elements' Chinese names, separated by `、`.
    pub changed: String,
    pub note: String,
    pub changed_at: DateTimeUtc,
    pub changed_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
