//! 办件 rows.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub case_no: String,
    pub item_code: String,
    pub applicant_user_id: Option<i32>,
    pub applicant_name: String,
    pub state: String,
    pub current_step: Option<String>,
    pub version: i32,
    pub definition: String,
    pub form: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub query_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
