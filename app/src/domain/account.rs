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
