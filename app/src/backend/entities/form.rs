//! 表格 rows: a downloadable file of an item (blank form, filled sample, result sample).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "forms")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub item_code: String,
    pub kind: String,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub sha256: String,
    pub size: i64,
    pub downloads: i64,
    pub retired: bool,
    pub created_at: DateTimeUtc,
    pub created_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
