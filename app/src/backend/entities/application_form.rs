//! 申请表 definitions per item (JSON).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "application_forms")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub item_code: String,
    pub definition: String,
    pub version: i32,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
