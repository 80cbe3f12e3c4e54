//! Pre-aggregated figures of one finished day and one department.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_figures")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub department_code: String,
    pub received: i32,
    pub accepted: i32,
    pub decided: i32,
    pub on_time: i32,
    pub early: i32,
    pub used_days: i32,
    pub used_days_cases: i32,
    pub rated_1: i32,
    pub rated_2: i32,
    pub rated_3: i32,
    pub rated_4: i32,
    pub rated_5: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
