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
    /// 主办部门 code (from the process definition), for the department's queues.
    pub department_code: String,
    /// The role of the current step, for the reviewer's and approver's queues.
    pub current_role: Option<String>,
    /// The staff member who claimed the case or was assigned it.
    pub assignee_id: Option<i32>,
    /// 窗口收件 without an account: the applicant's 身份证号 and mobile.
    pub applicant_id_number: Option<String>,
    pub applicant_mobile: Option<String>,
    /// online | counter
    pub channel: String,
    /// Milestones for the supervision figures, each written by the transition that reaches it.
    pub received_on: Option<Date>,
    pub accepted_on: Option<Date>,
    /// 准予 / 不予许可.
    pub decided_on: Option<Date>,
    /// Decided by the legal deadline.
    pub on_time: Option<bool>,
    /// Decided before the promised deadline (提前办结).
    pub early: Option<bool>,
    /// Working days the legal clock counted, suspensions excluded.
    pub used_days: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
