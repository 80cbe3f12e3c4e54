//! 办理流程 (process definition) of a service item, as data: its kind, time limits, review steps
//! and the assisting departments of a parallel approval. Validated before it is saved.

use super::role::Role;
use serde::{Deserialize, Serialize};

/// 办件类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// 即办件: accepted and decided on the spot.
    Immediate,
    /// 承诺件: decided within the promised limit.
    Promised,
    /// 联办件: several departments, joint handling (45 + 15 working days by law).
    Joint,
}

impl ItemKind {
    /// The stable code stored beside the definition.
    pub fn code(self) -> &'static str {
        match self {
            ItemKind::Immediate => "immediate",
            ItemKind::Promised => "promised",
            ItemKind::Joint => "joint",
        }
    }
}

/// 审批环节: one step of review, done by a role of the lead department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// Stable code, for example `review`.
    pub code: String,
    /// 环节名称, for example 审查.
    pub name: String,
    pub role: Role,
    /// 环节时限, working days.
    pub limit: u32,
}

/// 协办部门 of a parallel approval, with its own limit inside the lead's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    pub department: String,
    pub limit: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessDefinition {
    pub item_code: String,
    pub kind: ItemKind,
    /// 主办部门 code.
    pub lead_department: String,
    /// 法定办结时限, working days from acceptance.
    pub legal_limit: u32,
    /// 承诺办结时限, working days, never above the legal one.
    pub promised_limit: u32,
    /// 受理时限: after it, an unanswered application is deemed accepted (default 5).
    #[serde(default = "default_acceptance_limit")]
    pub acceptance_limit: u32,
    /// 延期上限 a head may grant once (default 10; 15 for joint handling).
    pub extension_limit: u32,
    /// 送达时限 after a grant (default 10).
    #[serde(default = "default_delivery_limit")]
    pub delivery_limit: u32,
    pub steps: Vec<Step>,
    /// 并联审批的协办部门; empty when the lead decides alone.
    #[serde(default)]
    pub branches: Vec<Branch>,
}

fn default_acceptance_limit() -> u32 {
    5
}

fn default_delivery_limit() -> u32 {
    10
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProcessError {
    #[error("事项编码不能为空")]
    NoItemCode,
    #[error("主办部门不能为空")]
    NoLeadDepartment,
    #[error("承诺时限（{promised} 个工作日）不能超过法定时限（{legal} 个工作日）")]
    PromisedAboveLegal { promised: u32, legal: u32 },
    #[error("法定时限不能为 0（即办件除外）")]
    NoLegalLimit,
    #[error("即办件应当场办结，承诺时限应为 0")]
    ImmediateWithLimit,
    #[error("至少需要一个审批环节")]
    NoSteps,
    #[error("环节编码 {0} 重复或为空")]
    BadStepCode(String),
    #[error("环节“{name}”的时限应在 1 至 {max} 个工作日之间")]
    StepLimit { name: String, max: u32 },
    #[error("各环节时限之和（{sum}）超过承诺时限（{promised}）")]
    StepsAbovePromised { sum: u32, promised: u32 },
    #[error("环节“{0}”须由工作人员角色办理")]
    StepRoleNotStaff(String),
    #[error("联办件至少需要一个协办部门")]
    JointWithoutBranches,
    #[error("协办部门 {0} 重复，或与主办部门相同")]
    BadBranch(String),
    #[error("协办部门 {department} 的时限应在 1 至 {max} 个工作日之间")]
    BranchLimit { department: String, max: u32 },
    #[error("受理时限应在 1 至 5 个工作日之间（行政许可法第三十二条）")]
    AcceptanceLimit,
}

impl ProcessDefinition {
    /// The rules of 行政许可法 and of common sense a definition must meet.
    pub fn validate(&self) -> Result<(), ProcessError> {
        if self.item_code.trim().is_empty() {
            return Err(ProcessError::NoItemCode);
        }
        if self.lead_department.trim().is_empty() {
            return Err(ProcessError::NoLeadDepartment);
        }
        if !(1..=5).contains(&self.acceptance_limit) {
            return Err(ProcessError::AcceptanceLimit);
        }
        if self.promised_limit > self.legal_limit {
            return Err(ProcessError::PromisedAboveLegal {
                promised: self.promised_limit,
                legal: self.legal_limit,
            });
        }
        match self.kind {
            ItemKind::Immediate if self.promised_limit != 0 => {
                return Err(ProcessError::ImmediateWithLimit)
            }
            ItemKind::Immediate => {}
            _ if self.legal_limit == 0 => return Err(ProcessError::NoLegalLimit),
            _ => {}
        }
        if self.steps.is_empty() {
            return Err(ProcessError::NoSteps);
        }
        let mut codes = std::collections::HashSet::new();
        for step in &self.steps {
            if step.code.trim().is_empty() || !codes.insert(step.code.as_str()) {
                return Err(ProcessError::BadStepCode(step.code.clone()));
            }
            if !step.role.is_staff() {
                return Err(ProcessError::StepRoleNotStaff(step.name.clone()));
            }
            let max = self.legal_limit.max(1);
            if self.kind != ItemKind::Immediate && !(1..=max).contains(&step.limit) {
                return Err(ProcessError::StepLimit {
                    name: step.name.clone(),
                    max,
                });
            }
        }
        let sum: u32 = self.steps.iter().map(|s| s.limit).sum();
        if self.kind != ItemKind::Immediate && sum > self.promised_limit {
            return Err(ProcessError::StepsAbovePromised {
                sum,
                promised: self.promised_limit,
            });
        }
        if self.kind == ItemKind::Joint && self.branches.is_empty() {
            return Err(ProcessError::JointWithoutBranches);
        }
        let mut departments = std::collections::HashSet::new();
        for branch in &self.branches {
            if branch.department == self.lead_department
                || !departments.insert(branch.department.as_str())
            {
                return Err(ProcessError::BadBranch(branch.department.clone()));
            }
            if !(1..=self.legal_limit).contains(&branch.limit) {
                return Err(ProcessError::BranchLimit {
                    department: branch.department.clone(),
                    max: self.legal_limit,
                });
            }
        }
        Ok(())
    }

    /// The step after `code`, or the first step when `code` is `None`.
    pub fn next_step(&self, code: Option<&str>) -> Option<&Step> {
        match code {
            None => self.steps.first(),
            Some(code) => {
                let i = self.steps.iter().position(|s| s.code == code)?;
                self.steps.get(i + 1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A typical 承诺件: 20 legal, 12 promised, three steps.
    fn sample() -> ProcessDefinition {
        ProcessDefinition {
            item_code: "330100-XK-001".into(),
            kind: ItemKind::Promised,
            lead_department: "scjg".into(),
            legal_limit: 20,
            promised_limit: 12,
            acceptance_limit: 5,
            extension_limit: 10,
            delivery_limit: 10,
            steps: vec![
                Step {
                    code: "review".into(),
                    name: "审查".into(),
                    role: Role::Reviewer,
                    limit: 6,
                },
                Step {
                    code: "check".into(),
                    name: "审核".into(),
                    role: Role::Reviewer,
                    limit: 3,
                },
                Step {
                    code: "approve".into(),
                    name: "批准".into(),
                    role: Role::Approver,
                    limit: 3,
                },
            ],
            branches: vec![],
        }
    }

    #[test]
    fn a_sound_definition_passes() {
        assert_eq!(sample().validate(), Ok(()));
        assert_eq!(
            sample().next_step(None).map(|s| s.code.as_str()),
            Some("review")
        );
        assert_eq!(
            sample().next_step(Some("check")).map(|s| s.code.as_str()),
            Some("approve")
        );
        assert_eq!(sample().next_step(Some("approve")), None);
    }

    /// A change that breaks one rule.
    type Change = Box<dyn Fn(&mut ProcessDefinition)>;

    #[test]
    fn each_broken_rule_is_named() {
        let cases: Vec<(Change, ProcessError)> = vec![
            (
                Box::new(|p| p.promised_limit = 25),
                ProcessError::PromisedAboveLegal {
                    promised: 25,
                    legal: 20,
                },
            ),
            (
                Box::new(|p| p.item_code = " ".into()),
                ProcessError::NoItemCode,
            ),
            (Box::new(|p| p.steps.clear()), ProcessError::NoSteps),
            (
                Box::new(|p| p.steps[1].code = "review".into()),
                ProcessError::BadStepCode("review".into()),
            ),
            (
                Box::new(|p| p.steps[0].limit = 10),
                ProcessError::StepsAbovePromised {
                    sum: 16,
                    promised: 12,
                },
            ),
            (
                Box::new(|p| p.steps[2].role = Role::Citizen),
                ProcessError::StepRoleNotStaff("批准".into()),
            ),
            (
                Box::new(|p| p.kind = ItemKind::Joint),
                ProcessError::JointWithoutBranches,
            ),
            (
                Box::new(|p| {
                    p.branches = vec![Branch {
                        department: "scjg".into(),
                        limit: 5,
                    }]
                }),
                ProcessError::BadBranch("scjg".into()),
            ),
            (
                Box::new(|p| {
                    p.branches = vec![Branch {
                        department: "gaj".into(),
                        limit: 30,
                    }]
                }),
                ProcessError::BranchLimit {
                    department: "gaj".into(),
                    max: 20,
                },
            ),
            (
                Box::new(|p| p.acceptance_limit = 6),
                ProcessError::AcceptanceLimit,
            ),
            (
                Box::new(|p| p.kind = ItemKind::Immediate),
                ProcessError::ImmediateWithLimit,
            ),
        ];
        for (change, expected) in cases {
            let mut p = sample();
            change(&mut p);
            assert_eq!(p.validate(), Err(expected.clone()), "{expected}");
        }
    }

    #[test]
    fn an_immediate_item_has_no_promised_days() {
        let mut p = sample();
        p.kind = ItemKind::Immediate;
        p.promised_limit = 0;
        assert_eq!(p.validate(), Ok(()));
    }
}
