//! The text of a refused conversation post, kept for the writer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_drafts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub owner_key: String,
    pub fields: String,
    pub attachments: String,
    pub problems: String,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
