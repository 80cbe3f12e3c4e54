//! 好差评 rows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "ratings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub target_kind: String,
    pub target_id: String,
    pub user_id: Option<i32>,
    pub department_code: String,
    pub item_code: String,
    pub level: i32,
    pub comment: String,
    pub channel: String,
    pub created_at: DateTimeUtc,
    /// The local (Asia/Shanghai) day, for the figures.
    pub rated_on: Option<Date>,
    /// A supervisor's ruling that the rating is malicious: kept, but not scored.
    pub malicious_reason: Option<String>,
    pub malicious_by: Option<String>,
    pub malicious_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
