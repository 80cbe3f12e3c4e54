//! 黄牌 / 红牌 rows: at most one of each colour per clock.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cards")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub application_id: i32,
    pub clock_id: i32,
    pub color: String,
    pub due_date: Date,
    pub issued_at: DateTimeUtc,
    /// issued | explained | closed | escalated
    pub status: String,
    /// The department's explanation.
    pub explanation: Option<String>,
    pub updated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
