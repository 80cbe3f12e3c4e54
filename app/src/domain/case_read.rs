//! What an applicant (or anyone holding the case number and query code) sees of a case: no staff
//! names, no internal steps; the state, the timeline by department, the deadlines with their
//! explanation, and what to do now.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A line of `/my`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    pub state: String,
    pub state_name: String,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Something for the applicant to do (补正, 评价).
    pub needs_action: bool,
}

/// A draft line of `/my`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub item_code: String,
    pub item_name: String,
    pub saved_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// The action's code (submit, accept …): pages name it in their language.
    #[serde(default)]
    pub action: String,
    /// What happened (受理, 一次性告知补正 …).
    pub what: String,
    /// Who, as the public may know it: a department, 申请人, or 系统 for what the law does by itself.
    pub by: String,
    /// The reason or notice text given to the applicant, if any.
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineInfo {
    /// The clock's kind (acceptance, legal, promised, delivery): pages name it in their language.
    #[serde(default)]
    pub kind: String,
    /// 受理期限, 法定办结期限, 承诺办结期限, 送达期限.
    pub label: String,
    /// `None` while the clock is paused (特别程序).
    pub due: Option<NaiveDate>,
    /// running, paused or stopped.
    pub status: String,
    /// Why the date is what it is, one sentence per cause.
    pub explanation: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialInfo {
    pub code: String,
    pub name: String,
    pub file_name: String,
    pub size: i64,
    /// 1 = with the application, 2… = supplements.
    pub round: i32,
}

/// What the applicant must or may do now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NextStep {
    /// Nothing: the department is working on it.
    Wait,
    /// 补正: the notice's text; upload the listed materials, then resubmit.
    /// `materials`: what the notice lists, then what was handed in before (to replace a scan).
    Supplement {
        notice: String,
        materials: Vec<super::casework::MissingMaterial>,
    },
    /// Concluded and not yet rated.
    Rate,
    /// Over (refused, withdrawn, rated …).
    Done,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub case_no: String,
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub state: String,
    pub state_name: String,
    pub version: i32,
    pub applicant_name: String,
    pub submitted_at: DateTime<Utc>,
    pub timeline: Vec<TimelineEntry>,
    pub deadlines: Vec<DeadlineInfo>,
    pub materials: Vec<MaterialInfo>,
    pub next: NextStep,
    pub can_withdraw: bool,
    /// The rating given, if any (1 = 非常不满意 … 5 = 非常满意).
    pub rating: Option<i32>,
    /// The query code: only in the owner's view (the public lookup already knows it).
    pub query_code: Option<String>,
    /// 文书 the applicant may download (the owner's view only).
    #[serde(default)]
    pub documents: Vec<super::casework::NoticeKind>,
}

/// 好差评 levels, best first, as the applicant chooses them.
pub const RATING_LEVELS: [(i32, &str); 5] = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "基本满意"),
    (2, "不满意"),
    (1, "非常不满意"),
];

/// The name of a rating level (1–5).
pub fn rating_name(level: i32) -> &'static str {
    RATING_LEVELS
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("", |(_, n)| *n)
}

/// The public name of a clock kind, or `None` for the internal ones (steps, branches).
pub fn deadline_label(kind: &str) -> Option<&'static str> {
    match kind {
        "acceptance" => Some("受理期限"),
        "legal" => Some("法定办结期限"),
        "promised" => Some("承诺办结期限"),
        "delivery" => Some("送达期限"),
        _ => None,
    }
}

/// A message of the message centre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageView {
    pub title: String,
    pub body: String,
    pub case_no: Option<String>,
    /// Where a message about something other than a case points (a conversation).
    pub link: Option<String>,
    pub at: DateTime<Utc>,
    pub unread: bool,
}
