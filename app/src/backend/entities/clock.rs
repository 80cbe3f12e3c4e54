//! 时钟 rows: one per limit of a case, with its due date and next check day.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "clocks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub kind: String,
    pub start_date: Date,
    pub limit_days: i32,
    pub day_count: String,
    pub extensions: String,
    pub pausable: bool,
    pub status: String,
    pub due_date: Option<Date>,
    pub next_check: Option<Date>,
    pub card: String,
    pub stopped_on: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
