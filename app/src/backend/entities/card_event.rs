//! The history of a card: explanations, closing, escalation.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "card_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// case | talk
    pub source: String,
    pub card_id: i32,
    pub action: String,
    pub text: String,
    pub actor: String,
    pub at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
