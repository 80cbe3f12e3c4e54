//! The seven citizen channels (七个栏目) of the portal and where they live.

use serde::{Deserialize, Serialize};

/// 栏目 (channel): a door of the citizen portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Channel {
    /// 办事指南
    Guide,
    /// 表格下载
    Forms,
    /// 网上咨询
    Consult,
    /// 网上申请
    Apply,
    /// 结果反馈 / 办件查询
    Status,
    /// 网上信访
    Petition,
    /// 领导信箱
    Mailbox,
}

impl Channel {
    pub const ALL: [Channel; 7] = [
        Channel::Guide,
        Channel::Forms,
        Channel::Consult,
        Channel::Apply,
        Channel::Status,
        Channel::Petition,
        Channel::Mailbox,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Channel::Guide => "/guide",
            Channel::Forms => "/forms",
            Channel::Consult => "/consult",
            Channel::Apply => "/apply",
            Channel::Status => "/status",
            Channel::Petition => "/petition",
            Channel::Mailbox => "/mailbox",
        }
    }
}
