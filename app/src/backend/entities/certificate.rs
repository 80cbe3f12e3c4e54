//! 电子证照 rows: the exact signed text, its Ed25519 signature and the key it was made with.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "certificates")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub code: String,
    pub application_id: i32,
    pub case_no: String,
    /// The signed content (canonical JSON of `domain::certificate::CertificateContent`).
    pub content: String,
    /// Base64 of the 64-byte signature.
    pub signature: String,
    pub key_id: String,
    pub issued_at: DateTimeUtc,
    pub revoked_at: Option<DateTimeUtc>,
    pub revoked_reason: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
