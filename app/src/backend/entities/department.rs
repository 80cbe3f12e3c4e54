//! 部门 (department) rows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "departments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub phone: String,
    pub address: String,
    pub sort_order: i32,
    pub created_at: DateTimeUtc,
    /// 政务服务大厅: its clerks take in and accept for every department.
    pub is_hall: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
