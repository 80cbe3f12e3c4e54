//! 用户 (account) rows: citizens, companies and staff. Holds the password hash, so the row type is
//! never serialised; pages get `crate::api::auth::CurrentUser` instead.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub kind: String,
    pub department_id: Option<i32>,
    pub password_hash: String,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub is_active: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub agent_name: Option<String>,
    pub agent_id_number: Option<String>,
    /// Base32 TOTP secret of the authenticator app (staff); never sent to a page after enrolment.
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub totp_enrolled_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
