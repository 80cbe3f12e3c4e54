//! 后台办件 (the back office): which cases a staff member may act on, which queue a case sits in,
//! the structured detail an action carries (what a 补正 notice lists, a decision's legal basis, the
//! way a result is delivered), and the notices (文书) a case has. Pure rules; the services and the
//! pages both use them.

use super::card::Card;
use super::case_read::{DeadlineInfo, MaterialInfo};
use super::process::ProcessDefinition;
use super::role::Role;
use super::workflow::{Action, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Where a staff member sits: their department, and whether it is the service hall.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk {
    pub department: Option<String>,
    /// 政务服务大厅: its window clerks take in and accept for every department (综合窗口).
    pub at_hall: bool,
}

/// Actions the hall's window clerks take for any department: taking in, notices at the counter,
/// handing over the result.
fn counter_action(action: Action) -> bool {
    matches!(
        action,
        Action::Submit
            | Action::RequestSupplement
            | Action::Resubmit
            | Action::Accept
            | Action::RefuseAcceptance
            | Action::Conclude
            | Action::Deliver
    )
}

/// Whether the desk may take `action` on a case of `lead` department. An assisting department
/// answers only for its own branch; everything else belongs to the lead department, and the
/// counter actions also to the hall.
pub fn in_charge(action: Action, lead: &str, branch: Option<&str>, desk: &Desk) -> bool {
    let own = desk.department.as_deref();
    match action {
        Action::AnswerBranch => own.is_some() && own == branch,
        _ if desk.at_hall && counter_action(action) => true,
        _ => own == Some(lead),
    }
}

/// Whether the case's current step lets one of `roles` take `action`: a step is completed by the
/// role it names, and the decision is taken at the approver's step (or after the last step).
pub fn step_allows(
    def: &ProcessDefinition,
    current_step: Option<&str>,
    action: Action,
    roles: &[Role],
) -> bool {
    let step = current_step.and_then(|code| def.steps.iter().find(|s| s.code == code));
    match action {
        Action::CompleteStep => step.is_some_and(|s| roles.contains(&s.role)),
        Action::Grant | Action::Deny => step.is_none_or(|s| s.role == Role::Approver),
        _ => true,
    }
}

/// 补正 material: one of the guide's materials that is missing or wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingMaterial {
    pub code: String,
    pub name: String,
}

/// 协办意见.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Opinion {
    Agree,
    Disagree,
    AgreeWithConditions,
}

impl Opinion {
    pub const ALL: [Opinion; 3] = [
        Opinion::Agree,
        Opinion::AgreeWithConditions,
        Opinion::Disagree,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Opinion::Agree => "agree",
            Opinion::Disagree => "disagree",
            Opinion::AgreeWithConditions => "agree_with_conditions",
        }
    }

    pub fn from_code(code: &str) -> Option<Opinion> {
        Opinion::ALL.into_iter().find(|o| o.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Opinion::Agree => "同意",
            Opinion::Disagree => "不同意",
            Opinion::AgreeWithConditions => "有条件同意",
        }
    }
}

/// 送达方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryMethod {
    /// 窗口自取.
    Counter,
    /// 邮寄 (with a tracking number).
    Mail,
    /// 电子送达 (the certificate online).
    Online,
}

impl DeliveryMethod {
    pub const ALL: [DeliveryMethod; 3] = [
        DeliveryMethod::Counter,
        DeliveryMethod::Mail,
        DeliveryMethod::Online,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DeliveryMethod::Counter => "counter",
            DeliveryMethod::Mail => "mail",
            DeliveryMethod::Online => "online",
        }
    }

    pub fn from_code(code: &str) -> Option<DeliveryMethod> {
        DeliveryMethod::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            DeliveryMethod::Counter => "窗口自取",
            DeliveryMethod::Mail => "邮寄送达",
            DeliveryMethod::Online => "电子送达",
        }
    }
}

/// The structured detail of an event, kept beside its text so that notices can be drawn from it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventData {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingMaterial>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opinion: Option<Opinion>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<DeliveryMethod>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_no: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspension_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_code: Option<String>,
}

/// 特别程序的种类 (行政许可法 第四十五条).
pub const SUSPENSION_KINDS: [&str; 8] = [
    "听证",
    "招标",
    "拍卖",
    "检验",
    "检测",
    "检疫",
    "鉴定",
    "专家评审",
];

/// 文书: the notices and results a case may have, each drawn from the event that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Receipt,
    Acceptance,
    Supplement,
    Refusal,
    Extension,
    Suspension,
    Decision,
    Certificate,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 8] = [
        NoticeKind::Receipt,
        NoticeKind::Acceptance,
        NoticeKind::Supplement,
        NoticeKind::Refusal,
        NoticeKind::Extension,
        NoticeKind::Suspension,
        NoticeKind::Decision,
        NoticeKind::Certificate,
    ];

    /// The name in addresses: `/api/v1/applications/{case_no}/documents/{code}.pdf`.
    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Receipt => "receipt",
            NoticeKind::Acceptance => "acceptance",
            NoticeKind::Supplement => "supplement",
            NoticeKind::Refusal => "refusal",
            NoticeKind::Extension => "extension",
            NoticeKind::Suspension => "suspension",
            NoticeKind::Decision => "decision",
            NoticeKind::Certificate => "certificate",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            NoticeKind::Receipt => "申请回执",
            NoticeKind::Acceptance => "受理通知书",
            NoticeKind::Supplement => "补正材料告知书",
            NoticeKind::Refusal => "不予受理通知书",
            NoticeKind::Extension => "延期告知书",
            NoticeKind::Suspension => "特别程序告知书",
            NoticeKind::Decision => "行政许可决定书",
            NoticeKind::Certificate => "电子证照",
        }
    }

    /// The notice an action gives the applicant in writing, if any.
    pub fn of_action(action: Action) -> Option<NoticeKind> {
        match action {
            Action::Submit => Some(NoticeKind::Receipt),
            Action::Accept | Action::DeemAccept => Some(NoticeKind::Acceptance),
            Action::RequestSupplement => Some(NoticeKind::Supplement),
            Action::RefuseAcceptance => Some(NoticeKind::Refusal),
            Action::Extend => Some(NoticeKind::Extension),
            Action::Suspend => Some(NoticeKind::Suspension),
            Action::Grant | Action::Deny => Some(NoticeKind::Decision),
            _ => None,
        }
    }
}

/// 工作队列 of the staff desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    /// 待受理.
    ToAccept,
    /// 待补正.
    AwaitingSupplement,
    /// 审查中.
    UnderReview,
    /// 特别程序中.
    Suspended,
    /// 待决定: at the approver's step.
    AwaitingDecision,
    /// 待办结 / 待送达: granted or denied, result not yet handed over.
    ToConclude,
    /// 协办: branches of other departments' cases waiting for this department's opinion.
    Assisting,
    /// 待批延期: an extension asked for and not yet approved (for heads).
    ExtensionRequested,
    /// 即将到期: a running clock due today or on the next working day.
    DueSoon,
    /// 已超期.
    Overdue,
    /// Every case of the department, in any state.
    All,
}

impl Queue {
    pub const ALL: [Queue; 11] = [
        Queue::ToAccept,
        Queue::AwaitingSupplement,
        Queue::UnderReview,
        Queue::Suspended,
        Queue::AwaitingDecision,
        Queue::ToConclude,
        Queue::Assisting,
        Queue::ExtensionRequested,
        Queue::DueSoon,
        Queue::Overdue,
        Queue::All,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Queue::ToAccept => "to_accept",
            Queue::AwaitingSupplement => "awaiting_supplement",
            Queue::UnderReview => "under_review",
            Queue::Suspended => "suspended",
            Queue::AwaitingDecision => "awaiting_decision",
            Queue::ToConclude => "to_conclude",
            Queue::Assisting => "assisting",
            Queue::ExtensionRequested => "extension_requested",
            Queue::DueSoon => "due_soon",
            Queue::Overdue => "overdue",
            Queue::All => "all",
        }
    }

    pub fn from_code(code: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Queue::ToAccept => "待受理",
            Queue::AwaitingSupplement => "待补正",
            Queue::UnderReview => "审查中",
            Queue::Suspended => "特别程序",
            Queue::AwaitingDecision => "待决定",
            Queue::ToConclude => "待办结送达",
            Queue::Assisting => "协办",
            Queue::ExtensionRequested => "待批延期",
            Queue::DueSoon => "即将到期",
            Queue::Overdue => "已超期",
            Queue::All => "全部",
        }
    }

    /// The states a state queue holds (the clock queues and `All` hold any open state).
    pub fn states(self) -> &'static [State] {
        match self {
            Queue::ToAccept => &[State::Submitted],
            Queue::AwaitingSupplement => &[State::AwaitingSupplement],
            Queue::UnderReview
            | Queue::AwaitingDecision
            | Queue::Assisting
            | Queue::ExtensionRequested => &[State::UnderReview],
            Queue::Suspended => &[State::Suspended],
            Queue::ToConclude => &[State::Granted, State::Denied, State::Concluded],
            Queue::DueSoon | Queue::Overdue | Queue::All => &[],
        }
    }

    /// The queue a staff member lands on first.
    pub fn first_for(roles: &[Role]) -> Queue {
        if roles.contains(&Role::Clerk) {
            Queue::ToAccept
        } else if roles.contains(&Role::Approver) {
            Queue::AwaitingDecision
        } else {
            Queue::UnderReview
        }
    }
}

/// Sort order of a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Earliest deadline first (the default: what burns first).
    Due,
    /// Oldest submission first.
    Submitted,
    /// Newest first.
    Newest,
}

impl Sort {
    pub fn from_code(code: &str) -> Sort {
        match code {
            "submitted" => Sort::Submitted,
            "newest" => Sort::Newest,
            _ => Sort::Due,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Sort::Due => "due",
            Sort::Submitted => "submitted",
            Sort::Newest => "newest",
        }
    }
}

/// One row of a queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub case_no: String,
    pub item_name: String,
    pub applicant_name: String,
    pub state: String,
    pub state_name: String,
    pub submitted_at: DateTime<Utc>,
    /// The earliest running deadline and its card.
    pub due: Option<NaiveDate>,
    pub card: Card,
    pub assignee: Option<String>,
    pub channel: String,
}

/// A page of a queue, with the count of every queue for the tabs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub queue: Queue,
    pub sort: Sort,
    pub search: String,
    pub mine: bool,
    pub counts: Vec<(Queue, u64)>,
    pub rows: Vec<QueueRow>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// An action the staff member may take now, as the case page offers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedAction {
    pub action: Action,
    pub name: String,
    /// The branch (assisting department code) an answer is for.
    pub branch: Option<String>,
}

/// A field of the application form as staff read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEntry {
    pub label: String,
    pub value: String,
}

/// A material with the address staff open it at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMaterial {
    pub id: i32,
    pub info: MaterialInfo,
    pub content_type: String,
}

/// One event of the history, with who did it (staff see names).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub action: String,
    pub by: String,
    pub from_state: String,
    pub to_state: String,
    pub detail: String,
}

/// A deadline with its card, for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDeadline {
    pub name: String,
    pub info: DeadlineInfo,
    pub card: Card,
}

/// 并联审批: one assisting department's branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchView {
    pub department: String,
    pub department_name: String,
    pub status: String,
    pub opinion: Option<String>,
}

/// The case as staff see it. Opening it is recorded in the audit log (personal data).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffCaseView {
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub state: String,
    pub state_name: String,
    pub version: i32,
    pub current_step: Option<String>,
    pub channel: String,
    pub applicant_name: String,
    pub applicant_id_number: Option<String>,
    pub applicant_mobile: Option<String>,
    pub has_account: bool,
    pub submitted_at: DateTime<Utc>,
    pub assignee: Option<String>,
    pub form: Vec<FormEntry>,
    pub materials: Vec<StaffMaterial>,
    /// The guide's materials, for ticking what a 补正 notice must list.
    pub required_materials: Vec<MissingMaterial>,
    pub history: Vec<HistoryEntry>,
    pub deadlines: Vec<StaffDeadline>,
    pub branches: Vec<BranchView>,
    pub actions: Vec<OfferedAction>,
    pub notices: Vec<NoticeKind>,
    pub certificate_code: Option<String>,
    pub certificate_revoked: bool,
    /// A head of the lead department may give the case to someone.
    pub can_assign: bool,
    /// An approver of the lead department may revoke its certificate.
    pub can_revoke: bool,
    pub query_code: String,
}

/// What a certificate check finds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verification {
    /// Signed by the portal's key and not revoked.
    Valid(CertificateContent),
    /// Genuine, but revoked: when and why.
    Revoked {
        content: CertificateContent,
        at: DateTime<Utc>,
        reason: String,
    },
    /// Unknown code, altered content or a signature that does not match the key.
    Invalid,
}

/// 电子证照 content: exactly what is signed. The field order is the canonical order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateContent {
    pub code: String,
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    /// 证照名称 (the guide's 结果名称).
    pub title: String,
    pub holder: String,
    /// 身份证号 or 统一社会信用代码, masked: the certificate is checked by anyone.
    pub holder_id: String,
    pub department: String,
    pub issued_on: NaiveDate,
}

/// Masks the middle of an identity number: `990102********1236`.
pub fn mask_id(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (6, 4);
    chars[..head]
        .iter()
        .chain(std::iter::repeat_n(&'*', chars.len() - head - tail))
        .chain(&chars[chars.len() - tail..])
        .collect()
}

/// Masks a mobile number: `138****0001`.
pub fn mask_mobile(mobile: &str) -> String {
    let chars: Vec<char> = mobile.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    chars[..3]
        .iter()
        .chain(std::iter::repeat_n(&'*', chars.len() - 7))
        .chain(&chars[chars.len() - 4..])
        .collect()
}

/// Masks a name for public pages: 张*明, 李*.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".into(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::process::{ItemKind, Step};

    fn def() -> ProcessDefinition {
        ProcessDefinition {
            item_code: "X".into(),
            kind: ItemKind::Promised,
            lead_department: "scjg".into(),
            legal_limit: 20,
            promised_limit: 10,
            acceptance_limit: 5,
            extension_limit: 10,
            delivery_limit: 10,
            steps: vec![
                Step {
                    code: "review".into(),
                    name: "审查".into(),
                    role: Role::Reviewer,
                    limit: 5,
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

    fn desk(department: &str, at_hall: bool) -> Desk {
        Desk {
            department: Some(department.into()),
            at_hall,
        }
    }

    #[test]
    fn the_hall_takes_in_for_everyone_but_decides_for_no_one() {
        let hall = desk("zwfw", true);
        assert!(in_charge(Action::Accept, "scjg", None, &hall));
        assert!(in_charge(Action::RequestSupplement, "scjg", None, &hall));
        assert!(in_charge(Action::Deliver, "scjg", None, &hall));
        assert!(!in_charge(Action::Grant, "scjg", None, &hall));
        assert!(!in_charge(Action::CompleteStep, "scjg", None, &hall));
    }

    #[test]
    fn another_department_may_not_act_and_an_assisting_one_only_answers_its_branch() {
        let police = desk("gaj", false);
        assert!(!in_charge(Action::Accept, "scjg", None, &police));
        assert!(!in_charge(
            Action::AnswerBranch,
            "scjg",
            Some("zjj"),
            &police
        ));
        assert!(in_charge(
            Action::AnswerBranch,
            "scjg",
            Some("gaj"),
            &police
        ));
        assert!(!in_charge(Action::Grant, "scjg", Some("gaj"), &police));
        assert!(in_charge(Action::Grant, "scjg", None, &desk("scjg", false)));
        assert!(!in_charge(Action::Accept, "scjg", None, &Desk::default()));
    }

    #[test]
    fn steps_go_to_their_role_and_the_decision_waits_for_the_approver_step() {
        let d = def();
        let reviewer = [Role::Reviewer];
        let approver = [Role::Approver];
        assert!(step_allows(
            &d,
            Some("review"),
            Action::CompleteStep,
            &reviewer
        ));
        assert!(!step_allows(
            &d,
            Some("review"),
            Action::CompleteStep,
            &approver
        ));
        assert!(!step_allows(&d, Some("review"), Action::Grant, &approver));
        assert!(step_allows(&d, Some("approve"), Action::Grant, &approver));
        assert!(step_allows(&d, None, Action::Deny, &approver));
        assert!(!step_allows(&d, None, Action::CompleteStep, &reviewer));
    }

    #[test]
    fn masks_keep_the_ends_only() {
        assert_eq!(mask_id("990102198005121236"), "990102********1236");
        assert_eq!(mask_mobile("13800000001"), "138****0001");
        assert_eq!(mask_name("张晓明"), "张*明");
        assert_eq!(mask_name("李四"), "李*");
        assert_eq!(mask_id("123"), "***");
    }

    #[test]
    fn every_code_round_trips() {
        for k in NoticeKind::ALL {
            assert_eq!(NoticeKind::from_code(k.code()), Some(k));
        }
        for q in Queue::ALL {
            assert_eq!(Queue::from_code(q.code()), Some(q));
        }
        for o in Opinion::ALL {
            assert_eq!(Opinion::from_code(o.code()), Some(o));
        }
        for m in DeliveryMethod::ALL {
            assert_eq!(DeliveryMethod::from_code(m.code()), Some(m));
        }
    }
}
