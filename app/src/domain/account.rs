//! 账号类型 (account kind): who stands behind an account.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// 自然人
    Person,
    /// 法人 (enterprise or organisation)
    Company,
    /// 工作人员 (government staff)
    Staff,
}

impl AccountKind {
    pub fn code(self) -> &'static str {
        match self {
            AccountKind::Person => "person",
            AccountKind::Company => "company",
            AccountKind::Staff => "staff",
        }
    }

    pub fn from_code(code: &str) -> Option<AccountKind> {
        [
            AccountKind::Person,
            AccountKind::Company,
            AccountKind::Staff,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// One account as the security administrator sees it: no hash, no secret, no ID number.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AccountSecurity {
    pub username: String,
    pub display_name: String,
    pub department: Option<String>,
    pub roles: Vec<crate::domain::role::Role>,
    /// When the authenticator was enrolled; `None` for none (staff enrol at their next login).
    pub enrolled_at: Option<chrono::DateTime<chrono::Utc>>,
    pub recovery_codes_left: u64,
    /// Set while the account is locked.
    pub locked_until: Option<chrono::DateTime<chrono::Utc>>,
    pub failed_logins: i32,
}
