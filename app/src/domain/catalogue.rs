//! 办事指南 (service guide): the published description of one 事项 (service item) with every element
//! a Chinese guide carries, its 申请材料 (materials), and the rules a guide must meet before it is
//! saved. Pure data and checks; builds for wasm.

use super::process::ItemKind;
use serde::{Deserialize, Serialize};

/// 事项编码: 3–64 ASCII letters, digits and `-`, stable for the life of the item (case numbers,
/// addresses and other systems refer to it). Upper-case, so `990100-xk-0001` is the same item.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemCode(String);

impl ItemCode {
    pub fn parse(raw: &str) -> Result<ItemCode, GuideError> {
        let code = raw.trim().to_ascii_uppercase();
        let ok = (3..=64).contains(&code.len())
            && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !code.starts_with('-');
        if ok {
            Ok(ItemCode(code))
        } else {
            Err(GuideError::BadCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ItemCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Declares a small enum stored and sent as a stable snake_case code, with its Chinese name.
macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal, $zh:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vmeta])* $variant,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code, as stored and as in addresses.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// The Chinese name printed on guides.
            pub fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }
        }
    };
}

coded_enum! {
    /// 事项类型: the kind of administrative power or service.
    ItemType {
        /// 行政许可
        Licensing = "licensing", "行政许可";
        /// 行政确认
        Confirmation = "confirmation", "行政确认";
        /// 行政给付
        Benefit = "benefit", "行政给付";
        /// 行政裁决
        Adjudication = "adjudication", "行政裁决";
        /// 行政奖励
        Reward = "reward", "行政奖励";
        /// 其他行政权力
        OtherPower = "other_power", "其他行政权力";
        /// 公共服务
        PublicService = "public_service", "公共服务";
    }
}

coded_enum! {
    /// 服务对象.
    Audience {
        /// 自然人
        Person = "person", "自然人";
        /// 法人 (and other organisations)
        Company = "company", "法人";
    }
}

coded_enum! {
    /// 主题: the life event of a person or an enterprise an item belongs to, for browsing.
    Topic {
        /// 出生
        Birth = "birth", "出生";
        /// 上学
        School = "school", "上学";
        /// 就业
        Work = "work", "就业";
        /// 婚育
        Marriage = "marriage", "婚育";
        /// 住房
        Housing = "housing", "住房";
        /// 社保
        SocialSecurity = "social_security", "社保";
        /// 医疗
        Medical = "medical", "医疗";
        /// 户籍证件
        Identity = "identity", "户籍证件";
        /// 交通出行
        Travel = "travel", "交通出行";
        /// 退休
        Retirement = "retirement", "退休";
        /// 开办企业
        Startup = "startup", "开办企业";
        /// 经营许可
        Operation = "operation", "经营许可";
        /// 工程建设
        Construction = "construction", "工程建设";
        /// 变更登记
        Change = "change", "变更登记";
        /// 注销
        Closure = "closure", "注销";
    }
}

impl Topic {
    /// Life events of a person, in the order the portal shows them.
    pub const PERSONAL: &'static [Topic] = &[
        Topic::Birth,
        Topic::School,
        Topic::Work,
        Topic::Marriage,
        Topic::Housing,
        Topic::SocialSecurity,
        Topic::Medical,
        Topic::Identity,
        Topic::Travel,
        Topic::Retirement,
    ];
    /// Life events of an enterprise.
    pub const COMPANY: &'static [Topic] = &[
        Topic::Startup,
        Topic::Operation,
        Topic::Construction,
        Topic::Change,
        Topic::Closure,
    ];
}

coded_enum! {
    /// 通办范围: where else the item can be handled.
    Scope {
        /// 本级办理: only at the department's own hall.
        Local = "local", "本级办理";
        /// 全市通办
        City = "city", "全市通办";
        /// 全省通办
        Province = "province", "全省通办";
        /// 跨省通办
        Nationwide = "nationwide", "跨省通办";
    }
}

coded_enum! {
    /// 材料来源.
    MaterialSource {
        /// 申请人自备
        Applicant = "applicant", "申请人自备";
        /// 政府部门核发
        Government = "government", "政府部门核发";
        /// 中介机构出具
        Agency = "agency", "中介机构出具";
        /// 其他
        Other = "other", "其他";
    }
}

coded_enum! {
    /// 材料形式.
    Medium {
        /// 纸质
        Paper = "paper", "纸质";
        /// 电子
        Electronic = "electronic", "电子";
        /// 纸质或电子
        Either = "either", "纸质或电子";
    }
}

coded_enum! {
    /// What a downloadable form file is.
    FormKind {
        /// 空白表格
        Blank = "blank", "空白表格";
        /// 填写样例
        Sample = "sample", "填写样例";
        /// 结果样本
        ResultSample = "result_sample", "结果样本";
    }
}

/// 申请材料: one entry of an item's material list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialSpec {
    /// Stable within the item (`m1`, `m2` …): applications refer to it.
    pub code: String,
    pub name: String,
    pub source: MaterialSource,
    /// 原件份数.
    pub originals: u8,
    /// 复印件份数.
    pub copies: u8,
    pub medium: Medium,
    /// 必要 (true) or 非必要 (false).
    pub required: bool,
    /// 填报须知: what to watch out for.
    #[serde(default)]
    pub note: String,
    /// 空白表格: the code of a form file.
    #[serde(default)]
    pub blank_form: Option<String>,
    /// 填写样例: the code of a form file.
    #[serde(default)]
    pub sample: Option<String>,
}

impl MaterialSpec {
    /// A blank row (one paper original, required, from the applicant), as an editor offers it.
    pub fn empty() -> MaterialSpec {
        MaterialSpec {
            code: String::new(),
            name: String::new(),
            source: MaterialSource::Applicant,
            originals: 1,
            copies: 0,
            medium: Medium::Paper,
            required: true,
            note: String::new(),
            blank_form: None,
            sample: None,
        }
    }
}

/// 收费: standard and legal basis. An item without one is 不收费.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub standard: String,
    pub basis: String,
}

/// 办理流程: one stage as the citizen sees it (申请 → 受理 → 审查 → 决定 → 送达).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureStage {
    pub name: String,
    pub description: String,
}

/// 办事指南: every element of one item's guide, as an administrator writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Guide {
    /// 事项编码
    pub code: String,
    /// 事项名称
    pub name: String,
    /// Other words people search with (for example 身份证 for 居民身份证换领).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// 事项类型
    pub item_type: ItemType,
    /// 实施主体: the department's code.
    pub department: String,
    /// 设定依据: laws and regulations, one per line.
    pub legal_basis: String,
    /// 受理条件, one per line.
    pub conditions: String,
    pub materials: Vec<MaterialSpec>,
    pub procedure: Vec<ProcedureStage>,
    /// 法定办结时限, working days (0 for 即办件).
    pub legal_limit: u32,
    /// 承诺办结时限, working days, never above the legal one.
    pub promised_limit: u32,
    /// `None` = 不收费.
    #[serde(default)]
    pub fee: Option<Fee>,
    /// 办理地点
    pub location: String,
    /// 办理时间
    pub hours: String,
    /// 咨询电话
    pub consult_phone: String,
    /// 监督投诉电话
    pub complaint_phone: String,
    /// 办件类型
    pub handling: ItemKind,
    /// 结果名称
    pub result_name: String,
    /// 结果样本: the code of a form file.
    #[serde(default)]
    pub result_sample: Option<String>,
    /// 到现场次数 (0 = fully online).
    pub visits: u8,
    /// 是否网办
    pub online: bool,
    /// 服务对象
    pub audiences: Vec<Audience>,
    /// 主题
    #[serde(default)]
    pub topics: Vec<Topic>,
    /// 通办范围
    pub scope: Scope,
}

/// Why a guide cannot be saved, worded for the administrator.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuideError {
    #[error("事项编码应为 3 至 64 位字母、数字或短横线")]
    BadCode,
    #[error("请填写{0}")]
    Missing(&'static str),
    #[error("{field}不能超过 {max} 个字")]
    TooLong { field: &'static str, max: usize },
    #[error("承诺办结时限（{promised} 个工作日）不能超过法定办结时限（{legal} 个工作日）")]
    PromisedAboveLegal { promised: u32, legal: u32 },
    #[error("法定办结时限不能超过 {0} 个工作日")]
    LimitTooLong(u32),
    #[error("即办件应当场办结，承诺办结时限应为 0")]
    ImmediateWithLimit,
    #[error("承诺件和联办件的承诺办结时限至少为 1 个工作日")]
    NoLimit,
    #[error("请至少选择一类服务对象（自然人或法人）")]
    NoAudience,
    #[error("申请材料“{0}”的编码重复或为空")]
    BadMaterialCode(String),
    #[error("申请材料“{0}”至少需要原件或复印件 1 份，且每项不超过 20 份")]
    BadCopies(String),
    #[error("申请材料不能超过 {0} 项")]
    TooManyMaterials(usize),
    #[error("到现场次数应在 0 至 5 次之间")]
    Visits,
    #[error("可全程网办（到现场 0 次）的事项必须支持网上办理")]
    ZeroVisitsOffline,
    #[error("收费事项请填写收费标准和收费依据")]
    FeeIncomplete,
    #[error("关键词最多 {0} 个，每个不超过 20 个字")]
    Keywords(usize),
}

const NAME_MAX: usize = 100;
const TEXT_MAX: usize = 4000;
const LINE_MAX: usize = 200;
const MATERIALS_MAX: usize = 40;
const KEYWORDS_MAX: usize = 10;

fn check_len(field: &'static str, value: &str, max: usize) -> Result<(), GuideError> {
    if value.chars().count() > max {
        Err(GuideError::TooLong { field, max })
    } else {
        Ok(())
    }
}

fn require(field: &'static str, value: &str, max: usize) -> Result<(), GuideError> {
    if value.trim().is_empty() {
        return Err(GuideError::Missing(field));
    }
    check_len(field, value, max)
}

impl Guide {
    /// Trims every text and checks the rules of a publishable guide. Returns the cleaned guide.
    pub fn validated(mut self) -> Result<Guide, GuideError> {
        self.code = ItemCode::parse(&self.code)?.to_string();
        trim_all(&mut self);
        require("事项名称", &self.name, NAME_MAX)?;
        require("实施主体", &self.department, 64)?;
        require("设定依据", &self.legal_basis, TEXT_MAX)?;
        require("受理条件", &self.conditions, TEXT_MAX)?;
        require("办理地点", &self.location, LINE_MAX)?;
        require("办理时间", &self.hours, LINE_MAX)?;
        require("咨询电话", &self.consult_phone, 40)?;
        require("监督投诉电话", &self.complaint_phone, 40)?;
        require("结果名称", &self.result_name, NAME_MAX)?;
        if self.keywords.len() > KEYWORDS_MAX
            || self.keywords.iter().any(|k| k.chars().count() > 20)
        {
            return Err(GuideError::Keywords(KEYWORDS_MAX));
        }
        if self.promised_limit > self.legal_limit {
            return Err(GuideError::PromisedAboveLegal {
                promised: self.promised_limit,
                legal: self.legal_limit,
            });
        }
        // 行政许可法 第四十二条: 20 working days, 45 for joint handling, each extendable; nothing a
        // county sets goes beyond a year.
        if self.legal_limit > 250 {
            return Err(GuideError::LimitTooLong(250));
        }
        match self.handling {
            ItemKind::Immediate if self.promised_limit != 0 => {
                return Err(GuideError::ImmediateWithLimit)
            }
            ItemKind::Immediate => {}
            _ if self.promised_limit == 0 => return Err(GuideError::NoLimit),
            _ => {}
        }
        if self.audiences.is_empty() {
            return Err(GuideError::NoAudience);
        }
        if self.visits > 5 {
            return Err(GuideError::Visits);
        }
        if self.visits == 0 && !self.online {
            return Err(GuideError::ZeroVisitsOffline);
        }
        if let Some(fee) = &self.fee {
            if fee.standard.is_empty() || fee.basis.is_empty() {
                return Err(GuideError::FeeIncomplete);
            }
            check_len("收费标准", &fee.standard, LINE_MAX)?;
            check_len("收费依据", &fee.basis, LINE_MAX)?;
        }
        if self.materials.len() > MATERIALS_MAX {
            return Err(GuideError::TooManyMaterials(MATERIALS_MAX));
        }
        let mut codes = std::collections::HashSet::new();
        for m in &self.materials {
            require("材料名称", &m.name, NAME_MAX)?;
            if m.code.is_empty() || m.code.len() > 32 || !codes.insert(m.code.as_str()) {
                return Err(GuideError::BadMaterialCode(m.name.clone()));
            }
            if m.originals + m.copies == 0 || m.originals > 20 || m.copies > 20 {
                return Err(GuideError::BadCopies(m.name.clone()));
            }
            check_len("填报须知", &m.note, LINE_MAX)?;
        }
        for stage in &self.procedure {
            require("流程环节名称", &stage.name, 30)?;
            check_len("流程环节说明", &stage.description, LINE_MAX)?;
        }
        self.audiences.sort();
        self.audiences.dedup();
        self.topics.sort();
        self.topics.dedup();
        Ok(self)
    }

    /// Whether the item can be done without going anywhere.
    pub fn fully_online(&self) -> bool {
        self.online && self.visits == 0
    }

    /// The codes of every form file the guide refers to.
    pub fn form_codes(&self) -> impl Iterator<Item = &str> {
        self.materials
            .iter()
            .flat_map(|m| [m.blank_form.as_deref(), m.sample.as_deref()])
            .chain([self.result_sample.as_deref()])
            .flatten()
    }

    /// The names of the elements that differ between two versions, for the version history.
    pub fn changed_fields(&self, newer: &Guide) -> Vec<&'static str> {
        let mut changed = Vec::new();
        let mut check = |name: &'static str, differs: bool| {
            if differs {
                changed.push(name);
            }
        };
        check("事项名称", self.name != newer.name);
        check("关键词", self.keywords != newer.keywords);
        check("事项类型", self.item_type != newer.item_type);
        check("实施主体", self.department != newer.department);
        check("设定依据", self.legal_basis != newer.legal_basis);
        check("受理条件", self.conditions != newer.conditions);
        check("申请材料", self.materials != newer.materials);
        check("办理流程", self.procedure != newer.procedure);
        check("法定办结时限", self.legal_limit != newer.legal_limit);
        check("承诺办结时限", self.promised_limit != newer.promised_limit);
        check("收费", self.fee != newer.fee);
        check("办理地点", self.location != newer.location);
        check("办理时间", self.hours != newer.hours);
        check("咨询电话", self.consult_phone != newer.consult_phone);
        check(
            "监督投诉电话",
            self.complaint_phone != newer.complaint_phone,
        );
        check("办件类型", self.handling != newer.handling);
        check("结果名称", self.result_name != newer.result_name);
        check("结果样本", self.result_sample != newer.result_sample);
        check("到现场次数", self.visits != newer.visits);
        check("是否网办", self.online != newer.online);
        check("服务对象", self.audiences != newer.audiences);
        check("主题", self.topics != newer.topics);
        check("通办范围", self.scope != newer.scope);
        changed
    }
}

fn trim_all(g: &mut Guide) {
    fn t(s: &mut String) {
        // Windows line ends from a pasted document become plain ones.
        *s = s.trim().replace("\r\n", "\n");
    }
    for s in [
        &mut g.name,
        &mut g.department,
        &mut g.legal_basis,
        &mut g.conditions,
        &mut g.location,
        &mut g.hours,
        &mut g.consult_phone,
        &mut g.complaint_phone,
        &mut g.result_name,
    ] {
        t(s);
    }
    g.keywords.iter_mut().for_each(t);
    g.keywords.retain(|k| !k.is_empty());
    for m in &mut g.materials {
        t(&mut m.code);
        t(&mut m.name);
        t(&mut m.note);
        for form in [&mut m.blank_form, &mut m.sample] {
            if form.as_deref().is_some_and(|f| f.trim().is_empty()) {
                *form = None;
            }
        }
    }
    for stage in &mut g.procedure {
        t(&mut stage.name);
        t(&mut stage.description);
    }
    g.procedure
        .retain(|s| !s.name.is_empty() || !s.description.is_empty());
    if let Some(fee) = &mut g.fee {
        t(&mut fee.standard);
        t(&mut fee.basis);
    }
}

/// The lines of a multi-line element, blank lines dropped (for lists on the page and in the PDF).
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A complete, valid guide for tests.
    pub fn sample_guide() -> Guide {
        Guide {
            code: "990100-QR-0001".into(),
            name: "居民身份证换领".into(),
            keywords: vec!["身份证".into(), "换证".into()],
            item_type: ItemType::Confirmation,
            department: "gaj".into(),
            legal_basis: "《中华人民共和国居民身份证法》第十一条".into(),
            conditions: "居民身份证有效期满\n证件严重损坏不能辨认".into(),
            materials: vec![MaterialSpec {
                code: "m1".into(),
                name: "原居民身份证".into(),
                source: MaterialSource::Government,
                ..MaterialSpec::empty()
            }],
            procedure: vec![ProcedureStage {
                name: "申请".into(),
                description: "本人到户籍所在地派出所提出申请".into(),
            }],
            legal_limit: 60,
            promised_limit: 20,
            fee: Some(Fee {
                standard: "换领 20 元/证".into(),
                basis: "发改价格〔2003〕2322号".into(),
            }),
            location: "示范市公安局户政大厅".into(),
            hours: "周一至周五 9:00-17:00".into(),
            consult_phone: "0000-110".into(),
            complaint_phone: "0000-12345".into(),
            handling: ItemKind::Promised,
            result_name: "中华人民共和国居民身份证".into(),
            result_sample: None,
            visits: 1,
            online: true,
            audiences: vec![Audience::Person],
            topics: vec![Topic::Identity],
            scope: Scope::Nationwide,
        }
    }

    #[test]
    fn a_complete_guide_is_valid_and_its_code_is_normalised() {
        let mut g = sample_guide();
        g.code = " 990100-qr-0001 ".into();
        assert_eq!(g.validated().unwrap().code, "990100-QR-0001");
    }

    #[test]
    fn the_rules_of_a_guide_are_enforced_with_a_reason() {
        type Change = fn(&mut Guide);
        let cases: Vec<(Change, GuideError)> = vec![
            (|g| g.code = "a b".into(), GuideError::BadCode),
            (|g| g.name = "  ".into(), GuideError::Missing("事项名称")),
            (
                |g| g.name = "长".repeat(101),
                GuideError::TooLong {
                    field: "事项名称",
                    max: 100,
                },
            ),
            (
                |g| g.promised_limit = 61,
                GuideError::PromisedAboveLegal {
                    promised: 61,
                    legal: 60,
                },
            ),
            (
                |g| g.handling = ItemKind::Immediate,
                GuideError::ImmediateWithLimit,
            ),
            (|g| g.promised_limit = 0, GuideError::NoLimit),
            (|g| g.audiences.clear(), GuideError::NoAudience),
            (
                |g| {
                    let m = g.materials[0].clone();
                    g.materials.push(m);
                },
                GuideError::BadMaterialCode("原居民身份证".into()),
            ),
            (
                |g| g.materials[0].originals = 0,
                GuideError::BadCopies("原居民身份证".into()),
            ),
            (
                |g| {
                    g.visits = 0;
                    g.online = false;
                },
                GuideError::ZeroVisitsOffline,
            ),
            (
                |g| g.fee.as_mut().unwrap().basis.clear(),
                GuideError::FeeIncomplete,
            ),
        ];
        for (change, expected) in cases {
            let mut g = sample_guide();
            change(&mut g);
            assert_eq!(g.validated().unwrap_err(), expected);
        }
    }

    #[test]
    fn changed_fields_name_what_an_edit_touched() {
        let old = sample_guide();
        let mut new = old.clone();
        new.promised_limit = 10;
        new.fee = None;
        assert_eq!(old.changed_fields(&new), vec!["承诺办结时限", "收费"]);
        assert!(old.changed_fields(&old).is_empty());
    }

    #[test]
    fn every_code_round_trips() {
        for t in Topic::ALL {
            assert_eq!(Topic::from_code(t.code()), Some(*t));
        }
        for t in ItemType::ALL {
            assert_eq!(ItemType::from_code(t.code()), Some(*t));
        }
        assert_eq!(
            Topic::PERSONAL.len() + Topic::COMPANY.len(),
            Topic::ALL.len()
        );
    }
}
