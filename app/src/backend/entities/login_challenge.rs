//! The step between a right password and the second factor, keyed by the SHA-256 of the token in
//! the browser's `yz_login` cookie.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_challenges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    pub user_id: i32,
    pub pending_secret: Option<String>,
    /// Recovery codes of an enrolment, one per line, until it is confirmed.
    pub pending_codes: Option<String>,
    pub attempts: i32,
    pub expires_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
