//! 网上咨询 / 网上信访 / 领导信箱 rows: one conversation with its one running clock.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub ref_no: String,
    pub query_code: String,
    pub channel: String,
    pub state: String,
    pub version: i32,
    pub user_id: Option<i32>,
    pub anonymous: bool,
    pub writer_name: String,
    pub id_number: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub item_code: Option<String>,
    pub mailbox_code: Option<String>,
    pub category: Option<String>,
    pub subject: String,
    pub body: String,
    pub attachments: String,
    pub department_code: Option<String>,
    pub office_code: Option<String>,
    pub reply: Option<String>,
    pub draft_reply: Option<String>,
    pub replied_on: Option<Date>,
    pub answered_on: Option<Date>,
    pub consent_publish: bool,
    pub published: bool,
    pub public_subject: Option<String>,
    pub public_body: Option<String>,
    pub public_reply: Option<String>,
    pub clock_kind: Option<String>,
    pub clock_start: Option<Date>,
    pub clock_limit: i32,
    pub clock_days: String,
    pub clock_extension: i32,
    pub due_date: Option<Date>,
    pub next_check: Option<Date>,
    pub card: String,
    pub on_time: Option<bool>,
    pub rating: Option<i32>,
    pub submit_hash: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
