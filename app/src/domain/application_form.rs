//! 申请表 (application forms) as data: the fields an item asks for, with their types, rules, help
//! text and options, and which of the guide's materials must be uploaded. Administrators write the
//! definition; the page is drawn from it and the server checks every value against it.

use super::catalogue::Guide;
use super::identity::{CreditCode, IdNumber, MobileNumber};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Field values as typed (field key → text). Checkboxes carry "1" when ticked.
pub type Values = BTreeMap<String, String>;
/// What is wrong, keyed by field key or material code, worded for the applicant.
pub type Problems = BTreeMap<String, String>;

/// The longest text any field may hold, whatever its definition says.
pub const HARD_MAX_CHARS: usize = 5000;
/// Default limits of text fields.
pub const TEXT_MAX_CHARS: usize = 100;
pub const TEXTAREA_MAX_CHARS: usize = 2000;
/// How many fields a definition may have (keeps pages and checks bounded).
pub const MAX_FIELDS: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Textarea,
    Number,
    Date,
    Select,
    Radio,
    Checkbox,
    IdNumber,
    CreditCode,
    Mobile,
    Email,
}

impl FieldKind {
    pub fn name_zh(self) -> &'static str {
        match self {
            FieldKind::Text => "单行文字",
            FieldKind::Textarea => "多行文字",
            FieldKind::Number => "数字",
            FieldKind::Date => "日期",
            FieldKind::Select => "下拉选择",
            FieldKind::Radio => "单选",
            FieldKind::Checkbox => "勾选",
            FieldKind::IdNumber => "身份证号",
            FieldKind::CreditCode => "统一社会信用代码",
            FieldKind::Mobile => "手机号码",
            FieldKind::Email => "电子邮箱",
        }
    }
}

/// What a field may be filled from in the applicant's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefill {
    Name,
    IdNumber,
    Mobile,
    Email,
    CompanyName,
    CreditCode,
    AgentName,
}

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Stable key, `[a-z][a-z0-9_]*`: the stored values refer to it.
    pub key: String,
    pub label: String,
    pub kind: FieldKind,
    // Defaults are left out of the JSON, so the definition an administrator edits stays short.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    /// For select and radio fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// Text length limit (characters); the kind's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_len: Option<usize>,
    /// Number bounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill: Option<Prefill>,
}

/// Whether one of the guide's materials must be uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialRule {
    pub code: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormDefinition {
    pub fields: Vec<FieldDef>,
    /// Which of the guide's materials are asked for online, and whether each is required.
    pub materials: Vec<MaterialRule>,
}

/// The applicant's profile, as far as forms may use it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub id_number: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub company_name: Option<String>,
    pub credit_code: Option<String>,
    pub agent_name: Option<String>,
}

fn field(
    key: &str,
    label: &str,
    kind: FieldKind,
    required: bool,
    prefill: Option<Prefill>,
) -> FieldDef {
    FieldDef {
        key: key.into(),
        label: label.into(),
        kind,
        required,
        help: String::new(),
        options: Vec::new(),
        max_len: None,
        min: None,
        max: None,
        prefill,
    }
}

impl FormDefinition {
    /// The form an item has until an administrator writes one: who applies, how to reach them,
    /// what they ask for; every material of the guide, required as the guide says.
    pub fn default_for(guide: &Guide) -> FormDefinition {
        use super::catalogue::Audience;
        let company = guide.audiences.contains(&Audience::Company)
            && !guide.audiences.contains(&Audience::Person);
        let mut fields = if company {
            vec![
                field(
                    "company_name",
                    "单位名称",
                    FieldKind::Text,
                    true,
                    Some(Prefill::CompanyName),
                ),
                field(
                    "credit_code",
                    "统一社会信用代码",
                    FieldKind::CreditCode,
                    true,
                    Some(Prefill::CreditCode),
                ),
                field(
                    "agent_name",
                    "经办人姓名",
                    FieldKind::Text,
                    true,
                    Some(Prefill::AgentName),
                ),
            ]
        } else {
            vec![
                field(
                    "name",
                    "申请人姓名",
                    FieldKind::Text,
                    true,
                    Some(Prefill::Name),
                ),
                field(
                    "id_number",
                    "身份证号",
                    FieldKind::IdNumber,
                    true,
                    Some(Prefill::IdNumber),
                ),
            ]
        };
        fields.push(field(
            "mobile",
            "联系电话",
            FieldKind::Mobile,
            true,
            Some(Prefill::Mobile),
        ));
        fields.push(field(
            "email",
            "电子邮箱",
            FieldKind::Email,
            false,
            Some(Prefill::Email),
        ));
        fields.push(field("address", "联系地址", FieldKind::Text, false, None));
        let mut request = field("request", "申请事项说明", FieldKind::Textarea, true, None);
        request.help = "请简要说明申请的内容和理由。".into();
        fields.push(request);
        FormDefinition {
            fields,
            materials: guide
                .materials
                .iter()
                .map(|m| MaterialRule {
                    code: m.code.clone(),
                    required: m.required,
                })
                .collect(),
        }
    }

    /// Checks a definition an administrator wrote against the item's guide; each problem in
    /// Chinese.
    pub fn check(&self, guide: &Guide) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if self.fields.is_empty() {
            problems.push("申请表至少需要一个字段".to_string());
        }
        if self.fields.len() > MAX_FIELDS {
            problems.push(format!("申请表最多 {MAX_FIELDS} 个字段"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for f in &self.fields {
            let key_ok = f.key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && f.key.len() <= 32
                && f.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !key_ok {
                problems.push(format!(
                    "字段代码 “{}” 应以小写字母开头，只含小写字母、数字和下划线，最长 32 位",
                    f.key
                ));
            }
            if !seen.insert(f.key.as_str()) {
                problems.push(format!("字段代码 “{}” 重复", f.key));
            }
            if f.label.trim().is_empty() || f.label.chars().count() > 50 {
                problems.push(format!("字段 “{}” 的名称应为 1 至 50 个字", f.key));
            }
            if matches!(f.kind, FieldKind::Select | FieldKind::Radio) && f.options.is_empty() {
                problems.push(format!("字段 “{}” 是选择题，需要至少一个选项", f.label));
            }
            if f.max_len.is_some_and(|n| n == 0 || n > HARD_MAX_CHARS) {
                problems.push(format!(
                    "字段 “{}” 的长度上限应在 1 至 {HARD_MAX_CHARS} 之间",
                    f.label
                ));
            }
            if let (Some(min), Some(max)) = (f.min, f.max) {
                if min > max {
                    problems.push(format!("字段 “{}” 的最小值大于最大值", f.label));
                }
            }
        }
        for rule in &self.materials {
            if !guide.materials.iter().any(|m| m.code == rule.code) {
                problems.push(format!("材料 “{}” 不在办事指南的材料清单中", rule.code));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// The values a new draft starts with: the profile's, where a field asks for them.
    pub fn prefilled(&self, profile: &Profile) -> Values {
        let mut values = Values::new();
        for f in &self.fields {
            let value = match f.prefill {
                Some(Prefill::Name) => Some(profile.name.clone()),
                Some(Prefill::IdNumber) => profile.id_number.clone(),
                Some(Prefill::Mobile) => profile.mobile.clone(),
                Some(Prefill::Email) => profile.email.clone(),
                Some(Prefill::CompanyName) => profile.company_name.clone(),
                Some(Prefill::CreditCode) => profile.credit_code.clone(),
                Some(Prefill::AgentName) => profile.agent_name.clone(),
                None => None,
            };
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                values.insert(f.key.clone(), v);
            }
        }
        values
    }

    /// Keeps only the values of this form's fields, each cut to the hard limit, so that a draft
    /// can always be saved (and nothing typed is lost) whatever was posted.
    pub fn keep(&self, posted: &Values) -> Values {
        self.fields
            .iter()
            .filter_map(|f| {
                posted
                    .get(&f.key)
                    .map(|v| (f.key.clone(), v.chars().take(HARD_MAX_CHARS * 2).collect()))
            })
            .collect()
    }

    /// What is wrong with the values, field by field. Empty when they may be submitted.
    pub fn check_values(&self, values: &Values) -> Problems {
        let mut problems = Problems::new();
        for f in &self.fields {
            let value = values.get(&f.key).map(|v| v.trim()).unwrap_or("");
            if let Err(why) = check_value(f, value) {
                problems.insert(f.key.clone(), why);
            }
        }
        problems
    }

    pub fn material_required(&self, code: &str) -> bool {
        self.materials.iter().any(|m| m.code == code && m.required)
    }
}

/// Text that looks like markup: a tag opening (`<script`, `</a`, `<!--`) rather than a lone `<`.
pub fn looks_like_markup(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|w| {
        w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!' || w[1] == b'?')
    })
}

fn check_value(f: &FieldDef, value: &str) -> Result<(), String> {
    if value.is_empty() {
        return if f.required {
            Err(match f.kind {
                FieldKind::Select | FieldKind::Radio => format!("请选择{}", f.label),
                FieldKind::Checkbox => format!("请勾选“{}”", f.label),
                _ => format!("请填写{}", f.label),
            })
        } else {
            Ok(())
        };
    }
    let len = value.chars().count();
    let limit = f
        .max_len
        .unwrap_or(match f.kind {
            FieldKind::Textarea => TEXTAREA_MAX_CHARS,
            _ => TEXT_MAX_CHARS,
        })
        .min(HARD_MAX_CHARS);
    if len > limit {
        return Err(format!(
            "{}不能超过 {limit} 个字（现在 {len} 个字）",
            f.label
        ));
    }
    if looks_like_markup(value) {
        return Err(format!(
            "{}中请不要输入网页代码或尖括号标记（如 <script>）",
            f.label
        ));
    }
    match f.kind {
        FieldKind::Text | FieldKind::Textarea => Ok(()),
        FieldKind::Number => {
            let n: i64 = value
                .parse()
                .map_err(|_| format!("{}应填写整数", f.label))?;
            if f.min.is_some_and(|min| n < min) || f.max.is_some_and(|max| n > max) {
                return Err(match (f.min, f.max) {
                    (Some(min), Some(max)) => format!("{}应在 {min} 至 {max} 之间", f.label),
                    (Some(min), None) => format!("{}不能小于 {min}", f.label),
                    (_, Some(max)) => format!("{}不能大于 {max}", f.label),
                    _ => unreachable!(),
                });
            }
            Ok(())
        }
        FieldKind::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map(|_| ())
            .map_err(|_| format!("{}应为日期，例如 2026-09-21", f.label)),
        FieldKind::Select | FieldKind::Radio => {
            if f.options.iter().any(|o| o == value) {
                Ok(())
            } else {
                Err(format!("请从给出的选项中选择{}", f.label))
            }
        }
        FieldKind::Checkbox => {
            if value == "1" {
                Ok(())
            } else {
                Err(format!("“{}”的值不对", f.label))
            }
        }
        FieldKind::IdNumber => IdNumber::parse(value)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        FieldKind::CreditCode => CreditCode::parse(value)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        FieldKind::Mobile => MobileNumber::parse(value)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        FieldKind::Email => {
            if is_email(value) {
                Ok(())
            } else {
                Err("电子邮箱格式不对，例如 zhang@example.com".into())
            }
        }
    }
}

/// A plain check of an address: one `@`, something before it, a dotted domain after it, no spaces.
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && value.len() <= 254
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c == '<' || c == '>')
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> FormDefinition {
        let mut purpose = field("purpose", "用途", FieldKind::Select, true, None);
        purpose.options = vec!["自用".into(), "出租".into()];
        let mut area = field("area", "面积", FieldKind::Number, false, None);
        area.min = Some(1);
        area.max = Some(500);
        FormDefinition {
            fields: vec![
                field(
                    "name",
                    "申请人姓名",
                    FieldKind::Text,
                    true,
                    Some(Prefill::Name),
                ),
                field(
                    "id_number",
                    "身份证号",
                    FieldKind::IdNumber,
                    true,
                    Some(Prefill::IdNumber),
                ),
                field(
                    "mobile",
                    "联系电话",
                    FieldKind::Mobile,
                    true,
                    Some(Prefill::Mobile),
                ),
                field(
                    "email",
                    "电子邮箱",
                    FieldKind::Email,
                    false,
                    Some(Prefill::Email),
                ),
                field("note", "说明", FieldKind::Textarea, false, None),
                purpose,
                area,
            ],
            materials: vec![],
        }
    }

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn good_values_pass_and_each_bad_one_is_named_in_chinese() {
        let good = values(&[
            ("name", "张三"),
            ("id_number", "11010519491231002X"),
            ("mobile", "13800138000"),
            ("purpose", "自用"),
            ("area", "120"),
        ]);
        assert!(form().check_values(&good).is_empty());

        let bad = values(&[
            ("name", ""),
            ("id_number", "110105194912310021"),
            ("mobile", "1380013800"),
            ("email", "zhang@"),
            ("note", &"长".repeat(10_000)),
            ("purpose", "出售"),
            ("area", "0"),
        ]);
        let problems = form().check_values(&bad);
        assert_eq!(problems["name"], "请填写申请人姓名");
        assert!(problems["id_number"].contains("校验位"));
        assert!(problems["mobile"].contains("11 位"));
        assert!(problems["email"].contains("格式"));
        assert!(
            problems["note"].contains("不能超过 2000 个字"),
            "{}",
            problems["note"]
        );
        assert!(problems["purpose"].contains("选项"));
        assert_eq!(problems["area"], "面积应在 1 至 500 之间");
    }

    #[test]
    fn markup_is_refused_but_a_lone_angle_bracket_is_not() {
        let f = form();
        let p = f.check_values(&values(&[("note", "<script>alert(1)</script>")]));
        assert!(p["note"].contains("网页代码"));
        let p = f.check_values(&values(&[("note", "面积 < 100 平方米")]));
        assert!(!p.contains_key("note"));
    }

    #[test]
    fn prefill_takes_the_profile_and_keep_drops_unknown_fields() {
        let profile = Profile {
            name: "张三".into(),
            id_number: Some("11010519491231002X".into()),
            mobile: None,
            ..Profile::default()
        };
        let v = form().prefilled(&profile);
        assert_eq!(v["name"], "张三");
        assert_eq!(v["id_number"], "11010519491231002X");
        assert!(!v.contains_key("mobile"));
        let kept = form().keep(&values(&[("name", "李四"), ("evil", "x")]));
        assert_eq!(kept, values(&[("name", "李四")]));
    }

    #[test]
    fn a_definition_is_checked_before_it_is_used() {
        let guide = crate::domain::catalogue::tests::sample_guide();
        let mut def = FormDefinition::default_for(&guide);
        assert_eq!(def.check(&guide), Ok(()));
        def.fields
            .push(field("Bad Key", "", FieldKind::Select, false, None));
        def.fields
            .push(field("name", "重复", FieldKind::Text, false, None));
        def.materials.push(MaterialRule {
            code: "m99".into(),
            required: true,
        });
        let problems = def.check(&guide).unwrap_err();
        assert_eq!(problems.len(), 5, "{problems:?}");
    }
}
