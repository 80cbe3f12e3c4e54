//! 整改: what a department does about a bad rating.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "rectifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub rating_id: i32,
    pub department_code: String,
    /// open | called_back | rectified | dismissed
    pub state: String,
    pub opened_on: Date,
    pub callback_due: Date,
    pub fix_due: Date,
    pub called_back_on: Option<Date>,
    pub callback_note: Option<String>,
    pub fixed_on: Option<Date>,
    pub fix_note: Option<String>,
    pub reply: Option<String>,
    pub handled_by: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
