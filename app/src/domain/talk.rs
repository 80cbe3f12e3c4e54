//! 网上咨询, 网上信访 and 领导信箱 (DESIGN.md §4.6): the three conversation channels. Like the case
//! workflow, ONE table of transitions per channel says which action leads where, who may take it
//! and what it does to the conversation's single running clock; the pages draw their buttons from
//! it and the services check it before writing. Pure: builds for wasm.

use super::card::Card;
use super::clock::DayCount;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 栏目 of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TalkChannel {
    /// 网上咨询
    Consultation,
    /// 网上信访
    Petition,
    /// 领导信箱
    Letter,
}

impl TalkChannel {
    pub const ALL: [TalkChannel; 3] = [
        TalkChannel::Consultation,
        TalkChannel::Petition,
        TalkChannel::Letter,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TalkChannel::Consultation => "consultation",
            TalkChannel::Petition => "petition",
            TalkChannel::Letter => "letter",
        }
    }

    pub fn from_code(code: &str) -> Option<TalkChannel> {
        TalkChannel::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The two letters in front of a reference number: 咨询, 信访, 信箱.
    pub fn prefix(self) -> &'static str {
        match self {
            TalkChannel::Consultation => "ZX",
            TalkChannel::Petition => "XF",
            TalkChannel::Letter => "XX",
        }
    }

    pub fn from_ref_no(ref_no: &str) -> Option<TalkChannel> {
        TalkChannel::ALL
            .into_iter()
            .find(|c| ref_no.starts_with(c.prefix()))
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TalkChannel::Consultation => "网上咨询",
            TalkChannel::Petition => "网上信访",
            TalkChannel::Letter => "领导信箱",
        }
    }

    /// What one of them is called: 咨询, 信访事项, 来信.
    pub fn noun_zh(self) -> &'static str {
        match self {
            TalkChannel::Consultation => "咨询",
            TalkChannel::Petition => "信访事项",
            TalkChannel::Letter => "来信",
        }
    }

    /// Petitions are never published; questions and letters may be, with consent.
    pub fn publishable(self) -> bool {
        self != TalkChannel::Petition
    }

    /// A petition needs a real name, ID number and mobile; a question may be anonymous.
    pub fn needs_account(self) -> bool {
        self != TalkChannel::Consultation
    }

    pub fn allows_attachments(self) -> bool {
        self != TalkChannel::Consultation
    }
}

/// 状态 of a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TalkState {
    /// 待答复 (a question).
    Waiting,
    /// 已登记 (a petition awaiting the acceptance decision, a letter awaiting assignment).
    Registered,
    /// 不予受理 (a petition).
    NotAccepted,
    /// 办理中 (an accepted petition).
    Handling,
    /// 已出具处理意见 (a petition).
    Replied,
    /// 复查中.
    ReviewRequested,
    /// 已复查.
    Reviewed,
    /// 复核中.
    ReReviewRequested,
    /// 已复核: the end of the road.
    ReReviewed,
    /// 已交办 (a letter with a department).
    Assigned,
    /// 待审核: the department's draft reply waits for the leader's office.
    Checking,
    /// 已答复 (a question or a letter).
    Answered,
}

impl TalkState {
    pub const ALL: [TalkState; 12] = [
        TalkState::Waiting,
        TalkState::Registered,
        TalkState::NotAccepted,
        TalkState::Handling,
        TalkState::Replied,
        TalkState::ReviewRequested,
        TalkState::Reviewed,
        TalkState::ReReviewRequested,
        TalkState::ReReviewed,
        TalkState::Assigned,
        TalkState::Checking,
        TalkState::Answered,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TalkState::Waiting => "waiting",
            TalkState::Registered => "registered",
            TalkState::NotAccepted => "not_accepted",
            TalkState::Handling => "handling",
            TalkState::Replied => "replied",
            TalkState::ReviewRequested => "review_requested",
            TalkState::Reviewed => "reviewed",
            TalkState::ReReviewRequested => "rereview_requested",
            TalkState::ReReviewed => "rereviewed",
            TalkState::Assigned => "assigned",
            TalkState::Checking => "checking",
            TalkState::Answered => "answered",
        }
    }

    pub fn from_code(code: &str) -> Option<TalkState> {
        TalkState::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TalkState::Waiting => "待答复",
            TalkState::Registered => "已登记",
            TalkState::NotAccepted => "不予受理",
            TalkState::Handling => "办理中",
            TalkState::Replied => "已出具处理意见",
            TalkState::ReviewRequested => "复查中",
            TalkState::Reviewed => "已出具复查意见",
            TalkState::ReReviewRequested => "复核中",
            TalkState::ReReviewed => "已出具复核意见",
            TalkState::Assigned => "已交办",
            TalkState::Checking => "答复待审核",
            TalkState::Answered => "已答复",
        }
    }

    /// The writer has had a written answer: rating is open.
    pub fn has_answer(self) -> bool {
        matches!(
            self,
            TalkState::Answered
                | TalkState::NotAccepted
                | TalkState::Replied
                | TalkState::Reviewed
                | TalkState::ReReviewed
        )
    }
}

/// What can be done to a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TalkAction {
    /// 转办 (a question or petition to another department) / 交办 (a letter to a department).
    Transfer,
    /// 受理 (a petition).
    Accept,
    /// 不予受理 (a petition), with the reason in writing.
    Refuse,
    /// 延期 (a petition's handling, once, by a head, with a reason).
    Extend,
    /// 答复: a question's answer, a petition's written opinion (处理 / 复查 / 复核), or a letter's
    /// draft reply for the leader's office.
    Reply,
    /// 审核通过 (the leader's office sends a letter's reply).
    Approve,
    /// 退回修改 (the leader's office returns a draft reply to the department).
    Return,
    /// 请求复查 (the petitioner, within 30 days of the opinion).
    RequestReview,
    /// 请求复核 (the petitioner, within 30 days of the review opinion).
    RequestReReview,
    /// 同意公开 / 不同意公开 (the writer).
    Consent,
    WithdrawConsent,
    /// 公开 (staff, after consent, with redaction) / 取消公开.
    Publish,
    Unpublish,
    /// 评价 (the writer, once, after an answer).
    Rate,
}

impl TalkAction {
    pub const ALL: [TalkAction; 14] = [
        TalkAction::Transfer,
        TalkAction::Accept,
        TalkAction::Refuse,
        TalkAction::Extend,
        TalkAction::Reply,
        TalkAction::Approve,
        TalkAction::Return,
        TalkAction::RequestReview,
        TalkAction::RequestReReview,
        TalkAction::Consent,
        TalkAction::WithdrawConsent,
        TalkAction::Publish,
        TalkAction::Unpublish,
        TalkAction::Rate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TalkAction::Transfer => "transfer",
            TalkAction::Accept => "accept",
            TalkAction::Refuse => "refuse",
            TalkAction::Extend => "extend",
            TalkAction::Reply => "reply",
            TalkAction::Approve => "approve",
            TalkAction::Return => "return",
            TalkAction::RequestReview => "request_review",
            TalkAction::RequestReReview => "request_rereview",
            TalkAction::Consent => "consent",
            TalkAction::WithdrawConsent => "withdraw_consent",
            TalkAction::Publish => "publish",
            TalkAction::Unpublish => "unpublish",
            TalkAction::Rate => "rate",
        }
    }

    pub fn from_code(code: &str) -> Option<TalkAction> {
        TalkAction::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The name of the action in `channel` (a petition's "answer" is a written opinion).
    pub fn name_zh(self, channel: TalkChannel, state: TalkState) -> &'static str {
        match (self, channel) {
            (TalkAction::Transfer, TalkChannel::Letter) => "交办",
            (TalkAction::Transfer, _) => "转办",
            (TalkAction::Accept, _) => "受理",
            (TalkAction::Refuse, _) => "不予受理",
            (TalkAction::Extend, _) => "延长办理期限",
            (TalkAction::Reply, TalkChannel::Petition) => match state {
                TalkState::ReviewRequested => "出具复查意见",
                TalkState::ReReviewRequested => "出具复核意见",
                _ => "出具处理意见",
            },
            (TalkAction::Reply, TalkChannel::Letter) => "拟写答复（报领导办公室审核）",
            (TalkAction::Reply, TalkChannel::Consultation) => "答复",
            (TalkAction::Approve, _) => "审核通过并答复",
            (TalkAction::Return, _) => "退回修改",
            (TalkAction::RequestReview, _) => "请求复查",
            (TalkAction::RequestReReview, _) => "请求复核",
            (TalkAction::Consent, _) => "同意公开",
            (TalkAction::WithdrawConsent, _) => "不同意公开",
            (TalkAction::Publish, _) => "公开",
            (TalkAction::Unpublish, _) => "取消公开",
            (TalkAction::Rate, _) => "评价",
        }
    }
}

/// Who may take an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The person who wrote it.
    Writer,
    /// Staff of the department handling it (for a question not yet routed: the service hall).
    Handler,
    /// A head (部门负责人) of the department handling it.
    Head,
    /// Staff of the leader's office of a letter.
    Office,
}

/// The kinds of running clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockKind {
    /// 答复期限: a question (3 working days) or a letter (10 working days).
    Reply,
    /// 受理告知期限: a petition, 15 days.
    Accept,
    /// 办理期限: a petition, 60 days (+30 once).
    Handle,
    /// 复查期限, 30 days.
    Review,
    /// 复核期限, 30 days.
    ReReview,
}

impl ClockKind {
    pub const ALL: [ClockKind; 5] = [
        ClockKind::Reply,
        ClockKind::Accept,
        ClockKind::Handle,
        ClockKind::Review,
        ClockKind::ReReview,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ClockKind::Reply => "reply",
            ClockKind::Accept => "accept",
            ClockKind::Handle => "handle",
            ClockKind::Review => "review",
            ClockKind::ReReview => "rereview",
        }
    }

    pub fn from_code(code: &str) -> Option<ClockKind> {
        ClockKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            ClockKind::Reply => "答复期限",
            ClockKind::Accept => "受理告知期限",
            ClockKind::Handle => "办理期限",
            ClockKind::Review => "复查期限",
            ClockKind::ReReview => "复核期限",
        }
    }

    /// The default limit of this clock in `channel`, and how its days count: questions and letters
    /// in working days; petitions in calendar days (信访工作条例).
    pub fn limit(self, channel: TalkChannel) -> (u32, DayCount) {
        match (self, channel) {
            (ClockKind::Reply, TalkChannel::Consultation) => (3, DayCount::Working),
            (ClockKind::Reply, _) => (10, DayCount::Working),
            (ClockKind::Accept, _) => (15, DayCount::Calendar),
            (ClockKind::Handle, _) => (60, DayCount::Calendar),
            (ClockKind::Review | ClockKind::ReReview, _) => (30, DayCount::Calendar),
        }
    }
}

/// A petition's handling may be extended once, by this many days.
pub const EXTENSION_DAYS: u32 = 30;
/// The petitioner may ask for 复查 / 复核 within this many days of the written opinion.
pub const REVIEW_WINDOW_DAYS: u64 = 30;

/// What a transition does to the clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockEffect {
    Keep,
    Stop,
    /// Stops the running clock and starts this one.
    Start(ClockKind),
    Extend,
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub channel: TalkChannel,
    pub from: TalkState,
    pub action: TalkAction,
    pub to: TalkState,
    pub who: Who,
    pub clock: ClockEffect,
}

const fn row(
    channel: TalkChannel,
    from: TalkState,
    action: TalkAction,
    to: TalkState,
    who: Who,
    clock: ClockEffect,
) -> Transition {
    Transition {
        channel,
        from,
        action,
        to,
        who,
        clock,
    }
}

use ClockEffect::{Keep, Start, Stop};
use TalkAction as A;
use TalkChannel::{Consultation as C, Letter as L, Petition as P};
use TalkState as S;

/// THE table. Consent, publication and rating are not transitions: they change no state and are
/// checked by `side_action_allowed`.
pub const TRANSITIONS: [Transition; 15] = [
    row(C, S::Waiting, A::Transfer, S::Waiting, Who::Handler, Keep),
    row(C, S::Waiting, A::Reply, S::Answered, Who::Handler, Stop),
    row(
        P,
        S::Registered,
        A::Transfer,
        S::Registered,
        Who::Handler,
        Keep,
    ),
    row(
        P,
        S::Registered,
        A::Accept,
        S::Handling,
        Who::Handler,
        Start(ClockKind::Handle),
    ),
    row(
        P,
        S::Registered,
        A::Refuse,
        S::NotAccepted,
        Who::Handler,
        Stop,
    ),
    row(P, S::Handling, A::Transfer, S::Handling, Who::Handler, Keep),
    row(
        P,
        S::Handling,
        A::Extend,
        S::Handling,
        Who::Head,
        ClockEffect::Extend,
    ),
    row(P, S::Handling, A::Reply, S::Replied, Who::Handler, Stop),
    row(
        P,
        S::Replied,
        A::RequestReview,
        S::ReviewRequested,
        Who::Writer,
        Start(ClockKind::Review),
    ),
    row(
        P,
        S::ReviewRequested,
        A::Reply,
        S::Reviewed,
        Who::Handler,
        Stop,
    ),
    row(
        P,
        S::Reviewed,
        A::RequestReReview,
        S::ReReviewRequested,
        Who::Writer,
        Start(ClockKind::ReReview),
    ),
    row(
        P,
        S::ReReviewRequested,
        A::Reply,
        S::ReReviewed,
        Who::Handler,
        Stop,
    ),
    row(
        L,
        S::Registered,
        A::Transfer,
        S::Assigned,
        Who::Office,
        Keep,
    ),
    row(L, S::Assigned, A::Reply, S::Checking, Who::Handler, Keep),
    row(L, S::Checking, A::Approve, S::Answered, Who::Office, Stop),
];

/// The office may also move a letter to another department, or send a draft back.
const LETTER_EXTRA: [Transition; 2] = [
    row(L, S::Assigned, A::Transfer, S::Assigned, Who::Office, Keep),
    row(L, S::Checking, A::Return, S::Assigned, Who::Office, Keep),
];

/// The state a conversation starts in, and its first clock.
pub fn start(channel: TalkChannel) -> (TalkState, ClockKind) {
    match channel {
        TalkChannel::Consultation => (TalkState::Waiting, ClockKind::Reply),
        TalkChannel::Petition => (TalkState::Registered, ClockKind::Accept),
        TalkChannel::Letter => (TalkState::Registered, ClockKind::Reply),
    }
}

/// The row for `action` in `state`, if the table has one.
pub fn find(channel: TalkChannel, state: TalkState, action: TalkAction) -> Option<Transition> {
    TRANSITIONS
        .iter()
        .chain(LETTER_EXTRA.iter())
        .find(|t| t.channel == channel && t.from == state && t.action == action)
        .copied()
}

/// The table's actions from `state` (for drawing buttons).
pub fn actions_from(channel: TalkChannel, state: TalkState) -> Vec<Transition> {
    TRANSITIONS
        .iter()
        .chain(LETTER_EXTRA.iter())
        .filter(|t| t.channel == channel && t.from == state)
        .copied()
        .collect()
}

/// The facts the side actions (consent, publication, rating) and the review window depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub channel: TalkChannel,
    pub state: TalkState,
    pub consent: bool,
    pub published: bool,
    pub rated: bool,
    /// The day of the last written answer.
    pub answered_on: Option<NaiveDate>,
    pub extended: bool,
}

/// Why the table or the rules refuse an action, in the words the person is shown.
pub fn refusal(facts: &Facts, action: TalkAction, today: NaiveDate) -> Option<String> {
    let noun = facts.channel.noun_zh();
    match action {
        TalkAction::Consent | TalkAction::WithdrawConsent => {
            if !facts.channel.publishable() {
                return Some("信访事项依法不公开".into());
            }
            None
        }
        TalkAction::Publish => {
            if !facts.channel.publishable() {
                Some("信访事项依法不公开".into())
            } else if !facts.consent {
                Some(format!("来信人未同意公开，该{noun}不能公开"))
            } else if facts.state != TalkState::Answered {
                Some(format!("该{noun}尚未答复，答复后才能公开"))
            } else {
                None
            }
        }
        TalkAction::Unpublish => (!facts.published).then(|| format!("该{noun}没有公开")),
        TalkAction::Rate => {
            if facts.rated {
                Some("您已经评价过了，每件只能评价一次".into())
            } else if !facts.state.has_answer() {
                Some("收到答复后才能评价".into())
            } else {
                None
            }
        }
        _ => {
            if find(facts.channel, facts.state, action).is_none() {
                return Some(format!(
                    "该{noun}当前为“{}”，不能{}",
                    facts.state.name_zh(),
                    action.name_zh(facts.channel, facts.state)
                ));
            }
            if action == TalkAction::Extend && facts.extended {
                return Some("办理期限只能延长一次".into());
            }
            if matches!(
                action,
                TalkAction::RequestReview | TalkAction::RequestReReview
            ) {
                return review_window_closed(facts, action, today);
            }
            None
        }
    }
}

/// The last day on which 复查 / 复核 may be asked for.
pub fn review_deadline(answered_on: NaiveDate) -> NaiveDate {
    answered_on + Days::new(REVIEW_WINDOW_DAYS)
}

fn review_window_closed(facts: &Facts, action: TalkAction, today: NaiveDate) -> Option<String> {
    let answered = facts.answered_on?;
    let last = review_deadline(answered);
    (today > last).then(|| {
        let what = if action == TalkAction::RequestReview {
            "复查"
        } else {
            "复核"
        };
        format!(
            "请求{what}应当自收到书面意见之日起 30 日内提出。您收到意见的日期是 {}，期限已于 {} 届满，不能再请求{what}",
            answered.format("%Y年%m月%d日"),
            last.format("%Y年%m月%d日")
        )
    })
}

/// 信访事项的类别.
pub const PETITION_CATEGORIES: [(&str, &str); 5] = [
    ("complaint", "投诉举报"),
    ("request", "求决事项"),
    ("suggestion", "意见建议"),
    ("accusation", "揭发控告"),
    ("other", "其他"),
];

pub fn category_name(code: &str) -> Option<&'static str> {
    PETITION_CATEGORIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
}

pub const SUBJECT_MAX: usize = 100;
pub const BODY_MAX: usize = 5000;
pub const REPLY_MAX: usize = 10_000;
pub const REASON_MAX: usize = 2000;
pub const MAX_ATTACHMENTS: usize = 5;

/// What a writer sends: the form of `/consult`, `/petition`, `/mailbox` and the REST API.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compose {
    #[serde(default)]
    pub item_code: Option<String>,
    #[serde(default)]
    pub mailbox_code: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub consent_publish: bool,
}

/// Problems by field name, in Chinese.
pub type Problems = BTreeMap<String, String>;

fn too_long(what: &str, max: usize, len: usize) -> String {
    format!("{what}不能超过 {max} 字（现在 {len} 字），请删减后再提交；您写的内容已保留")
}

impl Compose {
    /// Trims the text fields; keeps everything else as sent.
    pub fn trimmed(mut self) -> Compose {
        for s in [
            &mut self.subject,
            &mut self.body,
            &mut self.name,
            &mut self.id_number,
            &mut self.mobile,
            &mut self.email,
        ] {
            *s = s.trim().to_string();
        }
        self.id_number = self.id_number.to_uppercase();
        self
    }

    /// Every problem at its field at once (the form shows them all).
    pub fn check(&self, channel: TalkChannel) -> Problems {
        let mut p = Problems::new();
        let subject = self.subject.chars().count();
        let body = self.body.chars().count();
        if subject == 0 {
            p.insert("subject".into(), "请填写标题".into());
        } else if subject > SUBJECT_MAX {
            p.insert("subject".into(), too_long("标题", SUBJECT_MAX, subject));
        }
        if body == 0 {
            p.insert("body".into(), "请填写内容".into());
        } else if body > BODY_MAX {
            p.insert("body".into(), too_long("内容", BODY_MAX, body));
        }
        let anonymous = channel == TalkChannel::Consultation && self.anonymous;
        if !anonymous && self.name.is_empty() {
            p.insert("name".into(), "请填写姓名".into());
        } else if self.name.chars().count() > 50 {
            p.insert("name".into(), "姓名不能超过 50 字".into());
        }
        if channel == TalkChannel::Petition {
            if let Err(e) = super::identity::IdNumber::parse(&self.id_number) {
                p.insert("id_number".into(), e.to_string());
            }
            if self.mobile.is_empty() {
                p.insert("mobile".into(), "信访须留下联系电话".into());
            }
            match &self.category {
                Some(c) if category_name(c).is_some() => {}
                _ => {
                    p.insert("category".into(), "请选择信访事项的类别".into());
                }
            }
        }
        if !self.mobile.is_empty() {
            if let Err(e) = super::identity::MobileNumber::parse(&self.mobile) {
                p.insert("mobile".into(), e.to_string());
            }
        }
        if !self.email.is_empty()
            && (self.email.len() > 200 || !super::application_form::is_email(&self.email))
        {
            p.insert("email".into(), "邮箱地址格式不对".into());
        }
        if channel == TalkChannel::Letter && self.mailbox_code.as_deref().unwrap_or("").is_empty() {
            p.insert("mailbox_code".into(), "请选择写信给哪位领导".into());
        }
        p
    }
}

/// Masks personal numbers in text meant for the public: 身份证号 (18 characters) keep their first 6
/// and last 4, mobile numbers their first 3 and last 4. Staff edit further before publishing.
pub fn redact(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit() || **c == 'X' || **c == 'x')
            .count();
        let digits = chars[i..i + run]
            .iter()
            .filter(|c| c.is_ascii_digit())
            .count();
        if run >= 15 && digits >= run - 1 {
            let s: String = chars[i..i + run].iter().collect();
            out.push_str(&super::casework::mask_id(&s));
        } else if run == 11 && digits == 11 && chars[i] == '1' {
            let s: String = chars[i..i + run].iter().collect();
            out.push_str(&super::casework::mask_mobile(&s));
        } else {
            out.extend(&chars[i..i + run.max(1)]);
        }
        i += run.max(1);
    }
    out
}

/// A conversation as a list row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkRow {
    pub ref_no: String,
    pub channel: TalkChannel,
    pub subject: String,
    pub writer: String,
    pub state: TalkState,
    pub department: Option<String>,
    pub due: Option<NaiveDate>,
    pub card: Card,
    pub created_at: DateTime<Utc>,
}

/// An event of the history as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkEventView {
    pub at: DateTime<Utc>,
    pub action: String,
    /// Staff names are shown to staff; the writer sees the department.
    pub actor: String,
    pub department: Option<String>,
    pub detail: String,
}

/// An attachment as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub upload_id: i64,
    pub file_name: String,
    pub size: i64,
}

/// An action the viewer may take now, with its name in this channel and state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkOffer {
    pub action: TalkAction,
    pub name: String,
}

/// One conversation for its writer or for staff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkView {
    pub ref_no: String,
    pub channel: TalkChannel,
    pub state: TalkState,
    pub version: i32,
    pub subject: String,
    pub body: String,
    pub writer: String,
    pub anonymous: bool,
    /// Shown to staff only (masked for nobody: staff need to call back).
    pub id_number: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub item: Option<String>,
    pub mailbox: Option<String>,
    pub category: Option<String>,
    pub department: Option<String>,
    pub attachments: Vec<AttachmentView>,
    pub reply: Option<String>,
    /// A letter's draft reply awaiting the office (staff only).
    pub draft_reply: Option<String>,
    /// What this staff member wrote for an action that was refused, to offer again.
    pub typed: Option<(TalkAction, String)>,
    pub answered_on: Option<NaiveDate>,
    pub clock: Option<String>,
    pub due: Option<NaiveDate>,
    pub card: Card,
    pub extended: bool,
    pub consent_publish: bool,
    pub published: bool,
    pub public_subject: Option<String>,
    pub public_body: Option<String>,
    pub public_reply: Option<String>,
    pub rating: Option<i32>,
    /// The last day the petitioner may ask for 复查 / 复核, while that is possible.
    pub review_until: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub events: Vec<TalkEventView>,
    /// What the viewer may do now.
    pub offers: Vec<TalkOffer>,
    /// Departments to transfer to (staff with the right to transfer).
    pub departments: Vec<(String, String)>,
    /// Reply templates of the viewer's department.
    pub templates: Vec<(String, String)>,
    pub viewer_is_staff: bool,
    /// A written opinion PDF exists (petitions).
    pub has_opinion_pdf: bool,
}

/// A published question or letter with its answer, for the public lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicTalk {
    pub ref_no: String,
    pub channel: TalkChannel,
    pub subject: String,
    pub body: String,
    pub reply: String,
    pub department: String,
    pub item: Option<String>,
    pub mailbox: Option<String>,
    pub asked_on: NaiveDate,
    pub answered_on: Option<NaiveDate>,
}

/// A page of the public list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPage {
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub rows: Vec<PublicTalk>,
}

/// A leader's mailbox with its figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxView {
    pub code: String,
    pub name: String,
    pub leader: String,
    pub received: u64,
    pub answered: u64,
    pub on_time: u64,
}

impl MailboxView {
    /// 按时答复率, in whole percent of the answered letters.
    pub fn on_time_percent(&self) -> Option<u64> {
        (self.answered > 0).then(|| self.on_time * 100 / self.answered)
    }
}

/// A staff queue of one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TalkQueue {
    /// 待办: everything waiting for this desk.
    Open,
    /// 即将到期 / 已超期.
    DueSoon,
    Overdue,
    /// 待公开: answered with consent, not yet published.
    ToPublish,
    /// 已办结.
    Done,
}

impl TalkQueue {
    pub const ALL: [TalkQueue; 5] = [
        TalkQueue::Open,
        TalkQueue::DueSoon,
        TalkQueue::Overdue,
        TalkQueue::ToPublish,
        TalkQueue::Done,
    ];

    pub fn code(self) -> &'static str {
        match self {
            TalkQueue::Open => "open",
            TalkQueue::DueSoon => "due_soon",
            TalkQueue::Overdue => "overdue",
            TalkQueue::ToPublish => "to_publish",
            TalkQueue::Done => "done",
        }
    }

    pub fn from_code(code: &str) -> Option<TalkQueue> {
        TalkQueue::ALL.into_iter().find(|q| q.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TalkQueue::Open => "待办理",
            TalkQueue::DueSoon => "即将到期",
            TalkQueue::Overdue => "已超期",
            TalkQueue::ToPublish => "待公开",
            TalkQueue::Done => "已办结",
        }
    }
}

/// A staff queue page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkQueuePage {
    pub channel: TalkChannel,
    pub queue: TalkQueue,
    pub counts: Vec<(TalkQueue, u64)>,
    /// Open items per channel (the channel tabs).
    pub channel_counts: Vec<(TalkChannel, u64)>,
    pub search: String,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub rows: Vec<TalkRow>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts(channel: TalkChannel, state: TalkState) -> Facts {
        Facts {
            channel,
            state,
            consent: false,
            published: false,
            rated: false,
            answered_on: None,
            extended: false,
        }
    }

    #[test]
    fn codes_round_trip() {
        for c in TalkChannel::ALL {
            assert_eq!(TalkChannel::from_code(c.code()), Some(c));
            assert_eq!(
                TalkChannel::from_ref_no(&format!("{}2026120100001", c.prefix())),
                Some(c)
            );
        }
        for s in TalkState::ALL {
            assert_eq!(TalkState::from_code(s.code()), Some(s));
        }
        for a in TalkAction::ALL {
            assert_eq!(TalkAction::from_code(a.code()), Some(a));
        }
        for k in ClockKind::ALL {
            assert_eq!(ClockKind::from_code(k.code()), Some(k));
        }
    }

    #[test]
    fn every_state_a_channel_reaches_is_reachable_and_has_a_way_out_or_an_answer() {
        for channel in TalkChannel::ALL {
            let (first, _) = start(channel);
            let mut seen = vec![first];
            let mut i = 0;
            while i < seen.len() {
                for t in actions_from(channel, seen[i]) {
                    if !seen.contains(&t.to) {
                        seen.push(t.to);
                    }
                }
                i += 1;
            }
            for s in &seen {
                assert!(
                    !actions_from(channel, *s).is_empty() || s.has_answer(),
                    "{channel:?} {s:?} is a dead end without an answer"
                );
            }
        }
    }

    #[test]
    fn petitions_count_calendar_days_and_questions_working_days() {
        assert_eq!(
            ClockKind::Reply.limit(TalkChannel::Consultation),
            (3, DayCount::Working)
        );
        assert_eq!(
            ClockKind::Reply.limit(TalkChannel::Letter),
            (10, DayCount::Working)
        );
        assert_eq!(
            ClockKind::Accept.limit(TalkChannel::Petition),
            (15, DayCount::Calendar)
        );
        assert_eq!(
            ClockKind::Handle.limit(TalkChannel::Petition),
            (60, DayCount::Calendar)
        );
        assert_eq!(
            ClockKind::Review.limit(TalkChannel::Petition),
            (30, DayCount::Calendar)
        );
    }

    #[test]
    fn a_review_is_refused_after_thirty_days_with_the_dates() {
        let mut f = facts(TalkChannel::Petition, TalkState::Replied);
        f.answered_on = Some(d("2026-10-09"));
        assert_eq!(review_deadline(d("2026-10-09")), d("2026-11-08"));
        assert_eq!(
            refusal(&f, TalkAction::RequestReview, d("2026-11-08")),
            None
        );
        let why = refusal(&f, TalkAction::RequestReview, d("2026-11-09")).unwrap();
        assert!(why.contains("30 日内"), "{why}");
        assert!(why.contains("2026年11月08日"), "{why}");
        // Re-review needs a review opinion first.
        assert!(refusal(&f, TalkAction::RequestReReview, d("2026-10-10")).is_some());
    }

    #[test]
    fn publication_needs_consent_an_answer_and_a_publishable_channel() {
        let mut f = facts(TalkChannel::Consultation, TalkState::Answered);
        assert!(refusal(&f, TalkAction::Publish, d("2026-12-01"))
            .unwrap()
            .contains("未同意公开"));
        f.consent = true;
        assert_eq!(refusal(&f, TalkAction::Publish, d("2026-12-01")), None);
        f.state = TalkState::Waiting;
        assert!(refusal(&f, TalkAction::Publish, d("2026-12-01")).is_some());
        let mut p = facts(TalkChannel::Petition, TalkState::Replied);
        p.consent = true;
        assert!(refusal(&p, TalkAction::Publish, d("2026-12-01")).is_some());
        assert!(refusal(&p, TalkAction::Consent, d("2026-12-01")).is_some());
    }

    #[test]
    fn an_extension_is_granted_once() {
        let mut f = facts(TalkChannel::Petition, TalkState::Handling);
        assert_eq!(refusal(&f, TalkAction::Extend, d("2026-12-01")), None);
        f.extended = true;
        assert!(refusal(&f, TalkAction::Extend, d("2026-12-01")).is_some());
    }

    #[test]
    fn a_rating_comes_once_after_an_answer() {
        let mut f = facts(TalkChannel::Letter, TalkState::Checking);
        assert!(refusal(&f, TalkAction::Rate, d("2026-12-01")).is_some());
        f.state = TalkState::Answered;
        assert_eq!(refusal(&f, TalkAction::Rate, d("2026-12-01")), None);
        f.rated = true;
        assert!(refusal(&f, TalkAction::Rate, d("2026-12-01")).is_some());
    }

    #[test]
    fn the_form_names_every_problem_and_allows_anonymous_questions() {
        let anonymous = Compose {
            subject: "营业执照".into(),
            body: "怎么办理？".into(),
            anonymous: true,
            ..Compose::default()
        };
        assert!(anonymous.check(TalkChannel::Consultation).is_empty());
        let p = anonymous.check(TalkChannel::Petition);
        for field in ["name", "id_number", "mobile", "category"] {
            assert!(p.contains_key(field), "{field}: {p:?}");
        }
        let long = Compose {
            subject: "x".repeat(101),
            body: "长".repeat(100_000),
            name: "张三".into(),
            ..Compose::default()
        };
        let p = long.check(TalkChannel::Letter);
        assert!(p["body"].contains("100000"), "{p:?}");
        assert!(p["subject"].contains("100"));
        assert!(p["mailbox_code"].contains("领导"));
    }

    #[test]
    fn redaction_masks_id_numbers_and_mobiles_only() {
        assert_eq!(
            redact("我叫张三，身份证110101199003071234，电话13812345678，房号 1201。"),
            "我叫张三，身份证110101********1234，电话138****5678，房号 1201。"
        );
        assert_eq!(redact("2026年12月1日"), "2026年12月1日");
    }
}
