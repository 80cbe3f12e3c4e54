//! 电子监察 (DESIGN.md §4.7): the figures a supervisor reads, how a department's score and
//! quarterly grade follow from them, the card life cycle, rectification of bad ratings, and the
//! tables every supervision page shows and exports. Pure: builds for wasm.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Summable counts of a department (or the region) over a period. Days before today come from
/// `daily_figures`, today from the live tables; both add up the same way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    /// 收件: cases submitted.
    pub received: i64,
    /// 受理 (including 视为受理).
    pub accepted: i64,
    /// 办结: 准予 or 不予许可 decided.
    pub decided: i64,
    /// Of `decided`, decided by the legal deadline.
    pub on_time: i64,
    /// Of `decided`, decided before the promised deadline (提前办结).
    pub early: i64,
    /// Working days used, summed over the `used_days_cases` decided cases that know them.
    pub used_days: i64,
    pub used_days_cases: i64,
    /// Ratings not ruled malicious, by level: `levels[0]` is 非常不满意 (1), `levels[4]` 非常满意 (5).
    pub levels: [i64; 5],
}

impl Figures {
    pub fn add(&mut self, o: &Figures) {
        self.received += o.received;
        self.accepted += o.accepted;
        self.decided += o.decided;
        self.on_time += o.on_time;
        self.early += o.early;
        self.used_days += o.used_days;
        self.used_days_cases += o.used_days_cases;
        for (mine, theirs) in self.levels.iter_mut().zip(o.levels) {
            *mine += theirs;
        }
    }

    /// 按时办结率: on time among those decided; none when nothing was decided.
    pub fn on_time_rate(&self) -> Option<f64> {
        ratio(self.on_time, self.decided)
    }

    /// 提前办结率.
    pub fn early_rate(&self) -> Option<f64> {
        ratio(self.early, self.decided)
    }

    /// 平均办理工作日.
    pub fn average_days(&self) -> Option<f64> {
        (self.used_days_cases > 0).then(|| self.used_days as f64 / self.used_days_cases as f64)
    }

    /// Ratings counted.
    pub fn ratings(&self) -> i64 {
        self.levels.iter().sum()
    }

    /// 非常满意, 满意 and 基本满意.
    pub fn ratings_good(&self) -> i64 {
        self.levels[2..].iter().sum()
    }

    /// 不满意 and 非常不满意.
    pub fn ratings_bad(&self) -> i64 {
        self.levels[..2].iter().sum()
    }

    /// 满意率: the three upper levels among all ratings counted.
    pub fn satisfaction(&self) -> Option<f64> {
        ratio(self.ratings_good(), self.ratings())
    }

    /// Average level, 1 (非常不满意) to 5 (非常满意).
    pub fn average_rating(&self) -> Option<f64> {
        let points: i64 = (1..).zip(self.levels).map(|(level, n)| level * n).sum();
        (self.ratings() > 0).then(|| points as f64 / self.ratings() as f64)
    }

    /// 超期办结: decided after the legal deadline.
    pub fn late(&self) -> i64 {
        self.decided - self.on_time
    }
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Whether a rating level (1–5) is a bad rating, which opens a rectification.
pub fn is_bad_rating(level: i32) -> bool {
    level <= 2
}

/// How much each rate weighs in a department's score (any non-negative numbers; they are
/// normalised), and the lowest score of each grade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GradeRules {
    pub weight_on_time: f64,
    pub weight_early: f64,
    pub weight_satisfaction: f64,
    /// 优秀 from this score (0–100).
    pub excellent: f64,
    /// 良好 from this score.
    pub good: f64,
    /// 合格 from this score; below it 不合格.
    pub pass: f64,
}

impl Default for GradeRules {
    fn default() -> Self {
        GradeRules {
            weight_on_time: 50.0,
            weight_early: 20.0,
            weight_satisfaction: 30.0,
            excellent: 90.0,
            good: 80.0,
            pass: 60.0,
        }
    }
}

impl GradeRules {
    /// Refuses weights that cannot score (all zero, negative) and thresholds out of order.
    pub fn check(&self) -> Result<(), String> {
        let weights = [
            self.weight_on_time,
            self.weight_early,
            self.weight_satisfaction,
        ];
        if weights
            .iter()
            .any(|w| !w.is_finite() || *w < 0.0 || *w > 1000.0)
        {
            return Err("权重应为 0 至 1000 之间的数".into());
        }
        if weights.iter().sum::<f64>() <= 0.0 {
            return Err("权重不能全为 0".into());
        }
        let t = [self.excellent, self.good, self.pass];
        if t.iter().any(|v| !v.is_finite() || *v < 0.0 || *v > 100.0) {
            return Err("等次分数线应在 0 至 100 之间".into());
        }
        if !(self.excellent > self.good && self.good > self.pass) {
            return Err("分数线应为 优秀 > 良好 > 合格".into());
        }
        Ok(())
    }

    /// The score out of 100: the weighted mean of the rates the department has data for (a
    /// department nobody rated is scored on its deadlines alone). None without any data.
    pub fn score(&self, f: &Figures) -> Option<f64> {
        let parts = [
            (self.weight_on_time, f.on_time_rate()),
            (self.weight_early, f.early_rate()),
            (self.weight_satisfaction, f.satisfaction()),
        ];
        let (sum, weight) = parts
            .iter()
            .filter_map(|(w, rate)| rate.map(|r| (w * r, *w)))
            .fold((0.0, 0.0), |(s, ws), (x, w)| (s + x, ws + w));
        (weight > 0.0).then(|| 100.0 * sum / weight)
    }

    pub fn grade(&self, score: f64) -> Grade {
        if score >= self.excellent {
            Grade::Excellent
        } else if score >= self.good {
            Grade::Good
        } else if score >= self.pass {
            Grade::Pass
        } else {
            Grade::Fail
        }
    }
}

/// 季度考核等次.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Good,
    Pass,
    Fail,
}

impl Grade {
    pub fn name_zh(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Good => "良好",
            Grade::Pass => "合格",
            Grade::Fail => "不合格",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Good => "good",
            Grade::Pass => "pass",
            Grade::Fail => "fail",
        }
    }
}

/// A period of days, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// The quarter containing `day`.
    pub fn quarter_of(day: NaiveDate) -> Period {
        let q0 = (day.month0() / 3) * 3 + 1;
        let from = NaiveDate::from_ymd_opt(day.year(), q0, 1).unwrap_or(day);
        let to = if q0 == 10 {
            NaiveDate::from_ymd_opt(day.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(day.year(), q0 + 3, 1)
        }
        .and_then(|d| d.pred_opt())
        .unwrap_or(day);
        Period { from, to }
    }

    /// `2026Q4` → that quarter.
    pub fn parse_quarter(code: &str) -> Option<Period> {
        let (year, q) = code.trim().split_once(['Q', 'q'])?;
        let year: i32 = year.parse().ok()?;
        let q: u32 = q.parse().ok()?;
        if !(1..=4).contains(&q) || !(2000..=2100).contains(&year) {
            return None;
        }
        NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).map(Period::quarter_of)
    }

    /// `2026Q4` for the quarter a day falls in.
    pub fn quarter_code(day: NaiveDate) -> String {
        format!("{}Q{}", day.year(), day.month0() / 3 + 1)
    }

    /// A period chosen on the dashboard: a preset (`month`, `quarter`, `year`, `12m`) or
    /// explicit days. Refuses periods that end before they start or span more than three years.
    pub fn chosen(
        preset: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Period, String> {
        let p = match (preset, from, to) {
            (_, Some(from), Some(to)) => Period { from, to },
            ("month", ..) => Period {
                from: today.with_day(1).unwrap_or(today),
                to: today,
            },
            ("quarter", ..) => Period {
                from: Period::quarter_of(today).from,
                to: today,
            },
            ("12m", ..) => Period {
                from: today
                    .checked_sub_months(chrono::Months::new(12))
                    .and_then(|d| d.succ_opt())
                    .unwrap_or(today),
                to: today,
            },
            _ => Period {
                from: NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today),
                to: today,
            },
        };
        if p.to < p.from {
            return Err("结束日期不能早于开始日期".into());
        }
        if (p.to - p.from).num_days() > 366 * 3 {
            return Err("统计区间不能超过三年".into());
        }
        Ok(p)
    }
}

/// One row of the figures table: the region or a department.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FigureRow {
    /// Department code; empty for the whole region.
    pub code: String,
    pub name: String,
    /// The short name (市场监管局), for charts.
    pub short: String,
    pub figures: Figures,
    /// 当前超期: open cases with a running clock past its deadline, now.
    pub overdue: i64,
    /// Cards not yet closed, now.
    pub open_cards: i64,
    pub score: Option<f64>,
    pub grade: Option<Grade>,
}

/// One week of the trend chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekPoint {
    /// The Monday.
    pub week: NaiveDate,
    pub received: i64,
    pub decided: i64,
    pub late: i64,
}

/// The dashboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub period: Period,
    /// Which preset chose the period (empty for explicit days).
    pub preset: String,
    pub region: FigureRow,
    /// Departments with any figure, by score (best first).
    pub departments: Vec<FigureRow>,
    pub weeks: Vec<WeekPoint>,
    pub yellow_cards: i64,
    pub red_cards: i64,
    pub rectifications_open: i64,
    pub rectifications_overdue: i64,
    /// The last day taken from the pre-aggregated table (later days are live).
    pub figures_through: Option<NaiveDate>,
}

/// What a drill-down lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    Received,
    Accepted,
    Decided,
    OnTime,
    Late,
    Early,
    /// Open cases past a deadline now.
    Overdue,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Measure::Received,
        Measure::Accepted,
        Measure::Decided,
        Measure::OnTime,
        Measure::Late,
        Measure::Early,
        Measure::Overdue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Measure::Received => "received",
            Measure::Accepted => "accepted",
            Measure::Decided => "decided",
            Measure::OnTime => "on_time",
            Measure::Late => "late",
            Measure::Early => "early",
            Measure::Overdue => "overdue",
        }
    }

    pub fn from_code(code: &str) -> Option<Measure> {
        Measure::ALL.into_iter().find(|m| m.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Measure::Received => "收件",
            Measure::Accepted => "受理",
            Measure::Decided => "办结",
            Measure::OnTime => "按时办结",
            Measure::Late => "超期办结",
            Measure::Early => "提前办结",
            Measure::Overdue => "当前超期",
        }
    }
}

/// A case behind a number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRow {
    pub case_no: String,
    pub item_name: String,
    pub department: String,
    pub applicant: String,
    pub state: String,
    pub received_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub used_days: Option<i32>,
    /// The deadline that is or was missed, if any.
    pub due: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DrillPage {
    pub measure: Measure,
    pub period: Period,
    pub department: Option<(String, String)>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub rows: Vec<DrillRow>,
}

/// Where a card sits in its life cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardStatus {
    /// 已发牌: waiting for the department's explanation.
    Issued,
    /// 已说明: the department explained; waiting for a supervisor.
    Explained,
    /// 已销号.
    Closed,
    /// 已督办: escalated to the leadership; the department must explain (again).
    Escalated,
}

impl CardStatus {
    pub const ALL: [CardStatus; 4] = [
        CardStatus::Issued,
        CardStatus::Explained,
        CardStatus::Escalated,
        CardStatus::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CardStatus::Issued => "issued",
            CardStatus::Explained => "explained",
            CardStatus::Closed => "closed",
            CardStatus::Escalated => "escalated",
        }
    }

    pub fn from_code(code: &str) -> Option<CardStatus> {
        CardStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CardStatus::Issued => "待说明",
            CardStatus::Explained => "已说明待审核",
            CardStatus::Closed => "已销号",
            CardStatus::Escalated => "已督办",
        }
    }
}

/// What may be done to a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CardAction {
    /// The department explains why (Head or any staff of the department).
    Explain,
    /// A supervisor accepts the explanation and closes the card.
    Close,
    /// A supervisor escalates (督办): the department must act and explain again.
    Escalate,
}

impl CardAction {
    pub fn code(self) -> &'static str {
        match self {
            CardAction::Explain => "explain",
            CardAction::Close => "close",
            CardAction::Escalate => "escalate",
        }
    }

    pub fn from_code(code: &str) -> Option<CardAction> {
        [CardAction::Explain, CardAction::Close, CardAction::Escalate]
            .into_iter()
            .find(|a| a.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            CardAction::Explain => "说明情况",
            CardAction::Close => "审核销号",
            CardAction::Escalate => "升级督办",
        }
    }

    /// The status a card reaches, or why the action is not possible from `from`. An explanation
    /// is due from a card that is issued or escalated; a supervisor closes or escalates an
    /// explained card (a red card may be escalated before any explanation, too).
    pub fn apply(self, from: CardStatus) -> Result<CardStatus, &'static str> {
        use CardStatus::*;
        match (self, from) {
            (_, Closed) => Err("该牌已销号"),
            (CardAction::Explain, Issued | Escalated) => Ok(Explained),
            (CardAction::Explain, Explained) => Err("已说明情况，等待监察人员审核"),
            (CardAction::Close, Explained) => Ok(Closed),
            (CardAction::Close, _) => Err("部门说明情况后才能销号"),
            (CardAction::Escalate, Issued | Explained) => Ok(Escalated),
            (CardAction::Escalate, Escalated) => Err("该牌已在督办中"),
        }
    }

    /// What the person is told once it is done.
    pub fn done_zh(self) -> &'static str {
        match self {
            CardAction::Explain => "说明已提交，等待监察人员审核",
            CardAction::Close => "已审核销号",
            CardAction::Escalate => "已升级督办，部门须再次说明",
        }
    }

    /// Whether the action is the supervisor's (the others are the department's).
    pub fn by_supervisor(self) -> bool {
        !matches!(self, CardAction::Explain)
    }
}

/// One card in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardRow {
    /// `case` or `talk`.
    pub source: String,
    pub id: i32,
    /// yellow | red
    pub color: String,
    pub status: CardStatus,
    /// Case number or conversation reference.
    pub target: String,
    /// 办件, 咨询, 信访, 领导信箱.
    pub target_kind: String,
    /// The deadline the card is about, for people: 法定办理时限, 审查环节, 答复期限 …
    pub clock: String,
    pub department_code: String,
    pub department: String,
    pub due_date: NaiveDate,
    pub issued_on: NaiveDate,
    pub explanation: Option<String>,
    /// Page of the case or conversation, for staff.
    pub link: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardEventView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardPage {
    pub status: Option<CardStatus>,
    pub color: Option<String>,
    pub department: Option<String>,
    /// Counts by status (for the tabs).
    pub counts: Vec<(CardStatus, u64)>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub rows: Vec<CardRow>,
    /// The history of every card on the page, by (source, id).
    pub history: Vec<((String, i32), Vec<CardEventView>)>,
    /// Whether the viewer acts as a supervisor (close, escalate) or as the department (explain).
    pub supervisor: bool,
    /// The departments a supervisor may filter by (code, name); empty for a department.
    pub departments: Vec<(String, String)>,
}

/// Where a rectification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationState {
    /// 待回访.
    Open,
    /// 已回访, 待整改.
    CalledBack,
    /// 已整改, the rater told.
    Rectified,
    /// The rating was ruled malicious: nothing to rectify.
    Dismissed,
}

impl RectificationState {
    pub fn code(self) -> &'static str {
        match self {
            RectificationState::Open => "open",
            RectificationState::CalledBack => "called_back",
            RectificationState::Rectified => "rectified",
            RectificationState::Dismissed => "dismissed",
        }
    }

    pub fn from_code(code: &str) -> Option<RectificationState> {
        [
            RectificationState::Open,
            RectificationState::CalledBack,
            RectificationState::Rectified,
            RectificationState::Dismissed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            RectificationState::Open => "待回访",
            RectificationState::CalledBack => "已回访待整改",
            RectificationState::Rectified => "已整改",
            RectificationState::Dismissed => "恶意差评，不予整改",
        }
    }
}

/// Rectification defaults: callback within 1 working day, rectification within 5.
pub const CALLBACK_WORKING_DAYS: u32 = 1;
pub const FIX_WORKING_DAYS: u32 = 5;

/// One rating in the supervisors' list, with its rectification if it is a bad one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingRow {
    pub id: i32,
    pub rated_on: Option<NaiveDate>,
    /// 办件, 窗口服务, 咨询, 信访, 领导信箱.
    pub target_kind: String,
    pub target: String,
    pub link: String,
    pub department: String,
    pub item: String,
    pub level: i32,
    pub comment: String,
    /// web | counter | kiosk
    pub channel: String,
    pub malicious: Option<String>,
    pub rectification: Option<RectificationView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationView {
    pub id: i32,
    pub state: RectificationState,
    pub callback_due: NaiveDate,
    pub fix_due: NaiveDate,
    pub called_back_on: Option<NaiveDate>,
    pub callback_note: Option<String>,
    pub fixed_on: Option<NaiveDate>,
    pub fix_note: Option<String>,
    pub reply: Option<String>,
    /// Which of its clocks has run out, now.
    pub overdue: bool,
}

impl RectificationView {
    /// Whether a running rectification has missed its callback or fix day on `today`.
    pub fn is_overdue(
        state: RectificationState,
        callback_due: NaiveDate,
        fix_due: NaiveDate,
        today: NaiveDate,
    ) -> bool {
        match state {
            RectificationState::Open => today > callback_due,
            RectificationState::CalledBack => today > fix_due,
            _ => false,
        }
    }
}

/// Where a rating was given, for people: 网上, 窗口评价器 or 自助终端.
pub fn channel_name(code: &str) -> &'static str {
    match code {
        "counter" => "窗口评价器",
        "kiosk" => "自助终端",
        _ => "网上",
    }
}

/// What the number and code lead to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KioskTarget {
    /// 窗口服务: the counter's service of a walk-in case, before it is concluded.
    Counter,
    /// The result of a case.
    Case,
    /// The answer to a question, petition or letter.
    Talk,
}

/// The kiosk's (and counter tablet's) rating page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KioskRating {
    pub number: String,
    /// The item's name, or the conversation's subject.
    pub title: String,
    pub target: KioskTarget,
    /// Already rated.
    pub rated: bool,
    /// May be rated now (concluded, answered, or the counter's service).
    pub ready: bool,
}

/// Per-department or per-item rating scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreRow {
    pub code: String,
    pub name: String,
    pub ratings: i64,
    pub good: i64,
    pub bad: i64,
    pub average: Option<f64>,
    pub satisfaction: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingPage {
    pub period: Period,
    /// `all`, `bad`, `open` (rectification running), `malicious`.
    pub filter: String,
    pub department: Option<String>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub rows: Vec<RatingRow>,
    pub by_department: Vec<ScoreRow>,
    pub by_item: Vec<ScoreRow>,
    pub supervisor: bool,
    /// The departments a supervisor may filter by (code, name); empty for a department.
    pub departments: Vec<(String, String)>,
}

/// The league table of a quarter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct League {
    /// `2026Q4`.
    pub quarter: String,
    pub period: Period,
    pub rules: GradeRules,
    pub rows: Vec<FigureRow>,
    /// Quarters that can be chosen, newest first.
    pub quarters: Vec<String>,
}

/// One audit entry on the viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub actor: String,
    pub action: String,
    pub target: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
    pub rows: Vec<AuditRow>,
    /// The hash-chain check, when asked for (it reads the whole log): entries checked, or where
    /// it broke.
    pub chain: Option<Result<u64, String>>,
}

/// A cell of an exported table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A share 0–1, shown as a percentage; empty when there is nothing to divide.
    Rate(Option<f64>),
    /// A number with one decimal; empty when unknown.
    Number(Option<f64>),
}

impl Cell {
    /// The text shown on the page and written to CSV.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Rate(Some(r)) => format!("{:.1}%", r * 100.0),
            Cell::Number(Some(n)) => format!("{n:.1}"),
            Cell::Rate(None) | Cell::Number(None) => "—".into(),
        }
    }
}

/// A table as exported: a sheet of the xlsx file, or a CSV file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// RFC 4180 CSV with a UTF-8 byte order mark, so that Excel on a Chinese Windows opens it
    /// as UTF-8. Cells that a spreadsheet would run as a formula are quoted with a leading `'`.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        let line = |cells: Vec<String>| {
            cells
                .iter()
                .map(|c| csv_field(c))
                .collect::<Vec<_>>()
                .join(",")
        };
        out.push_str(&line(self.headers.clone()));
        out.push_str("\r\n");
        for row in &self.rows {
            out.push_str(&line(row.iter().map(Cell::text).collect()));
            out.push_str("\r\n");
        }
        out
    }
}

fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The figures table (dashboard, league and export share it).
pub fn figures_table(title: &str, rows: &[FigureRow]) -> Table {
    Table {
        title: title.into(),
        headers: [
            "部门",
            "收件",
            "受理",
            "办结",
            "按时办结率",
            "提前办结率",
            "平均办理工作日",
            "超期办结",
            "当前超期",
            "未销号牌",
            "评价数",
            "满意率",
            "综合得分",
            "等次",
        ]
        .map(String::from)
        .to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                let f = &r.figures;
                vec![
                    Cell::Text(r.name.clone()),
                    Cell::Int(f.received),
                    Cell::Int(f.accepted),
                    Cell::Int(f.decided),
                    Cell::Rate(f.on_time_rate()),
                    Cell::Rate(f.early_rate()),
                    Cell::Number(f.average_days()),
                    Cell::Int(f.late()),
                    Cell::Int(r.overdue),
                    Cell::Int(r.open_cards),
                    Cell::Int(f.ratings()),
                    Cell::Rate(f.satisfaction()),
                    Cell::Number(r.score),
                    Cell::Text(r.grade.map(|g| g.name_zh()).unwrap_or("—").into()),
                ]
            })
            .collect(),
    }
}

/// The Monday of a day's week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rates_divide_by_what_they_are_about_and_nothing_when_empty() {
        let f = Figures {
            decided: 8,
            on_time: 6,
            early: 2,
            used_days: 70,
            used_days_cases: 7,
            // one 非常不满意 (1), two 满意 (4), one 非常满意 (5): 14 points of 4 ratings.
            levels: [1, 0, 0, 2, 1],
            ..Figures::default()
        };
        assert_eq!(f.on_time_rate(), Some(0.75));
        assert_eq!(f.early_rate(), Some(0.25));
        assert_eq!(f.average_days(), Some(10.0));
        assert_eq!(f.satisfaction(), Some(0.75));
        assert_eq!(f.average_rating(), Some(3.5));
        assert_eq!((f.ratings(), f.ratings_good(), f.ratings_bad()), (4, 3, 1));
        assert_eq!(f.late(), 2);
        assert_eq!(Figures::default().on_time_rate(), None);
    }

    #[test]
    fn the_score_weighs_the_rates_it_has_and_the_grade_follows_the_thresholds() {
        let rules = GradeRules::default();
        // 0.75 × 50 + 0.25 × 20 + 0.75 × 30 = 65 of 100.
        let f = Figures {
            decided: 8,
            on_time: 6,
            early: 2,
            levels: [1, 0, 1, 1, 1],
            ..Figures::default()
        };
        let score = rules.score(&f).unwrap();
        assert!((score - 65.0).abs() < 1e-9, "{score}");
        assert_eq!(rules.grade(score), Grade::Pass);
        // Nobody rated: on-time and early only, 100 × (50 × 1 + 20 × 0.5) / 70.
        let unrated = Figures {
            decided: 2,
            on_time: 2,
            early: 1,
            ..Figures::default()
        };
        let score = rules.score(&unrated).unwrap();
        assert!((score - 6000.0 / 70.0).abs() < 1e-9, "{score}");
        assert_eq!(rules.grade(score), Grade::Good);
        assert_eq!(rules.grade(90.0), Grade::Excellent);
        assert_eq!(rules.grade(59.99), Grade::Fail);
        assert_eq!(rules.score(&Figures::default()), None);
    }

    #[test]
    fn rules_that_cannot_grade_are_refused() {
        let mut r = GradeRules::default();
        assert!(r.check().is_ok());
        r.weight_on_time = 0.0;
        r.weight_early = 0.0;
        r.weight_satisfaction = 0.0;
        assert!(r.check().is_err());
        let mut r = GradeRules {
            good: 95.0,
            ..GradeRules::default()
        };
        assert!(r.check().is_err());
        r.good = f64::NAN;
        assert!(r.check().is_err());
    }

    #[test]
    fn quarters_and_periods() {
        assert_eq!(
            Period::parse_quarter("2026Q4"),
            Some(Period {
                from: d("2026-10-01"),
                to: d("2026-12-31")
            })
        );
        assert_eq!(Period::parse_quarter("2026Q1").unwrap().to, d("2026-03-31"));
        assert_eq!(Period::parse_quarter("2026Q5"), None);
        assert_eq!(Period::quarter_code(d("2026-08-15")), "2026Q3");
        let today = d("2026-12-01");
        assert_eq!(
            Period::chosen("12m", None, None, today).unwrap().from,
            d("2025-12-02")
        );
        assert_eq!(
            Period::chosen("year", None, None, today).unwrap().from,
            d("2026-01-01")
        );
        assert!(Period::chosen("", Some(today), Some(d("2026-11-01")), today).is_err());
        assert_eq!(week_of(d("2026-12-03")), d("2026-11-30"));
    }

    #[test]
    fn the_card_life_cycle() {
        use CardAction::*;
        use CardStatus::*;
        assert_eq!(Explain.apply(Issued), Ok(Explained));
        assert!(Close.apply(Issued).is_err());
        assert_eq!(Escalate.apply(Explained), Ok(Escalated));
        assert_eq!(Explain.apply(Escalated), Ok(Explained));
        assert_eq!(Close.apply(Explained), Ok(Closed));
        assert!(Explain.apply(Closed).is_err());
        assert!(Escalate.apply(Escalated).is_err());
    }

    #[test]
    fn csv_quotes_what_needs_quoting_and_defuses_formulas() {
        let t = Table {
            title: "t".into(),
            headers: vec!["名称".into(), "数".into()],
            rows: vec![
                vec![Cell::Text("a,\"b\"".into()), Cell::Rate(Some(0.5))],
                vec![Cell::Text("=HYPERLINK(1)".into()), Cell::Int(-3)],
            ],
        };
        assert_eq!(
            t.to_csv(),
            "\u{feff}名称,数\r\n\"a,\"\"b\"\"\",50.0%\r\n'=HYPERLINK(1),-3\r\n"
        );
    }
}
