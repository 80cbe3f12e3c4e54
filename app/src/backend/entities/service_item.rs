//! 事项 rows: the searchable and listed columns of an item. Its guide is the current version in
//! `service_item_versions`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    pub department_code: String,
    pub item_type: String,
    pub for_person: bool,
    pub for_company: bool,
    pub online: bool,
    pub visits: i32,
    pub legal_limit: i32,
    pub promised_limit: i32,
    pub handling: String,
    pub scope: String,
    pub charged: bool,
    pub search_text: String,
    pub name_pinyin: String,
    pub name_initials: String,
    pub keywords: String,
    pub version: i32,
    pub retired: bool,
    pub retired_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub updated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
