//! 办事指南 and 表格下载 for visitors, and the catalogue administration for system administrators.
//! Thin: request context → one backend call → data or an `AppError` code.

use super::error::AppError;
use crate::domain::catalogue::{
    Audience, Fee, FormKind, Guide, ItemType, MaterialSource, MaterialSpec, Medium, ProcedureStage,
    Scope, Topic,
};
use crate::domain::catalogue_read::{
    DepartmentInfo, GuideDetail, ItemForms, SearchResults, VersionInfo,
};
use crate::domain::process::ItemKind;
use crate::domain::search::SearchInput;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::context::{require_role, state};
#[cfg(feature = "ssr")]
use crate::domain::role::Role;

/// Search and browse: one page of current items.
#[server(prefix = "/sf", endpoint = "catalogue_search")]
pub async fn search_catalogue(input: SearchInput) -> Result<SearchResults, AppError> {
    let state = state()?;
    let query = crate::domain::search::SearchQuery::parse(&input);
    crate::backend::catalogue::search::search(&state.db, &query, false)
        .await
        .map_err(AppError::from)
}

/// One guide; `None` for an unknown code (the page answers 404).
#[server(prefix = "/sf", endpoint = "guide")]
pub async fn get_guide(code: String) -> Result<Option<GuideDetail>, AppError> {
    let state = state()?;
    crate::backend::catalogue::items::detail(&state.db, &code)
        .await
        .map_err(AppError::from)
}

/// 表格下载: forms grouped by item, and the departments to filter by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormsListing {
    pub groups: Vec<ItemForms>,
    pub departments: Vec<DepartmentInfo>,
}

#[server(prefix = "/sf", endpoint = "forms")]
pub async fn list_forms(
    department: Option<String>,
    q: Option<String>,
) -> Result<FormsListing, AppError> {
    let state = state()?;
    let run = async {
        let department = department.filter(|d| !d.trim().is_empty());
        let groups = crate::backend::catalogue::forms::listing(
            &state.db,
            department.as_deref(),
            q.as_deref(),
        )
        .await?;
        let departments = crate::backend::catalogue::search::departments(&state.db).await?;
        Ok::<_, crate::backend::error::ServiceError>(FormsListing {
            groups,
            departments,
        })
    };
    run.await.map_err(AppError::from)
}

/// The catalogue as administrators see it: retired items too.
#[server(prefix = "/sf", endpoint = "admin_items")]
pub async fn admin_items(input: SearchInput) -> Result<SearchResults, AppError> {
    require_role(&[Role::Admin]).await?;
    let state = state()?;
    let query = crate::domain::search::SearchQuery::parse(&input);
    crate::backend::catalogue::search::search(&state.db, &query, true)
        .await
        .map_err(AppError::from)
}

/// Everything the item editor needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemEditor {
    /// `None` when creating a new item.
    pub detail: Option<GuideDetail>,
    pub history: Vec<VersionInfo>,
    pub departments: Vec<DepartmentInfo>,
}

#[server(prefix = "/sf", endpoint = "admin_item")]
pub async fn admin_item(code: Option<String>) -> Result<ItemEditor, AppError> {
    require_role(&[Role::Admin]).await?;
    let state = state()?;
    let run = async {
        use crate::backend::catalogue::{items, search};
        let departments = search::departments(&state.db).await?;
        let Some(code) = code.filter(|c| !c.is_empty()) else {
            return Ok(ItemEditor {
                detail: None,
                history: Vec::new(),
                departments,
            });
        };
        let mut detail = items::detail(&state.db, &code)
            .await?
            .ok_or(crate::backend::error::ServiceError::NotFound)?;
        // Administrators see retired forms too, to know what a material pointed to.
        detail.forms =
            crate::backend::catalogue::forms::of_item(&state.db, &detail.guide.code, true).await?;
        let history = items::history(&state.db, &code).await?;
        Ok::<_, crate::backend::error::ServiceError>(ItemEditor {
            detail: Some(detail),
            history,
            departments,
        })
    };
    run.await.map_err(AppError::from)
}

/// One earlier version of a guide, for the history page.
#[server(prefix = "/sf", endpoint = "admin_item_version")]
pub async fn admin_item_version(code: String, version: i32) -> Result<Guide, AppError> {
    require_role(&[Role::Admin]).await?;
    let state = state()?;
    crate::backend::catalogue::items::version(&state.db, &code, version)
        .await?
        .ok_or(AppError::NotFound)
}

/// A material row of the editor. Every field is text, so a half-filled row reaches the server
/// and gets a message instead of failing to decode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialRow {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub originals: String,
    #[serde(default)]
    pub copies: String,
    #[serde(default)]
    pub medium: String,
    #[serde(default)]
    pub required: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub blank_form: String,
    #[serde(default)]
    pub sample: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageRow {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub description: String,
}

/// The item editor's form as posted (names like `form[materials][0][name]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideForm {
    /// The version the editor started from; empty for a new item.
    #[serde(default)]
    pub expected_version: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    /// Separated by commas, 、 or spaces.
    #[serde(default)]
    pub keywords: String,
    #[serde(default)]
    pub item_type: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub conditions: String,
    #[serde(default)]
    pub legal_limit: String,
    #[serde(default)]
    pub promised_limit: String,
    #[serde(default)]
    pub fee_standard: String,
    #[serde(default)]
    pub fee_basis: String,
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub consult_phone: String,
    #[serde(default)]
    pub complaint_phone: String,
    #[serde(default)]
    pub handling: String,
    #[serde(default)]
    pub result_name: String,
    #[serde(default)]
    pub result_sample: String,
    #[serde(default)]
    pub visits: String,
    #[serde(default)]
    pub online: String,
    /// `person`, `company` or `both`.
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub materials: Vec<MaterialRow>,
    #[serde(default)]
    pub procedure: Vec<StageRow>,
    /// 修改说明, kept with the version.
    #[serde(default)]
    pub note: String,
}

fn number(field: &str, value: &str, max: u32) -> Result<u32, AppError> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| AppError::Invalid(format!("{field}请填写 0 至 {max} 之间的整数")))
}

fn choice<T: Copy>(field: &str, value: &str, parse: fn(&str) -> Option<T>) -> Result<T, AppError> {
    parse(value.trim()).ok_or_else(|| AppError::Invalid(format!("请选择{field}")))
}

fn optional(value: &str) -> Option<String> {
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
}

impl GuideForm {
    /// The guide the form describes. Blank material and stage rows are dropped; the domain then
    /// checks the rules of a guide.
    pub fn into_guide(self) -> Result<Guide, AppError> {
        let fee = match (optional(&self.fee_standard), optional(&self.fee_basis)) {
            (None, None) => None,
            (standard, basis) => Some(Fee {
                standard: standard.unwrap_or_default(),
                basis: basis.unwrap_or_default(),
            }),
        };
        let audiences = match self.audience.as_str() {
            "person" => vec![Audience::Person],
            "company" => vec![Audience::Company],
            "both" => vec![Audience::Person, Audience::Company],
            _ => Vec::new(),
        };
        let mut materials = Vec::new();
        for (i, row) in self.materials.into_iter().enumerate() {
            if row.name.trim().is_empty() && row.code.trim().is_empty() {
                continue;
            }
            let label = format!("第 {} 项材料的", i + 1);
            materials.push(MaterialSpec {
                code: optional(&row.code).unwrap_or_else(|| format!("m{}", i + 1)),
                name: row.name,
                source: choice(
                    &format!("{label}来源"),
                    &row.source,
                    MaterialSource::from_code,
                )?,
                originals: number(&format!("{label}原件份数"), &row.originals, 20)? as u8,
                copies: number(&format!("{label}复印件份数"), &row.copies, 20)? as u8,
                medium: choice(&format!("{label}形式"), &row.medium, Medium::from_code)?,
                required: row.required != "false",
                note: row.note,
                blank_form: optional(&row.blank_form),
                sample: optional(&row.sample),
            });
        }
        let kind = |code: &str| {
            [ItemKind::Immediate, ItemKind::Promised, ItemKind::Joint]
                .into_iter()
                .find(|k| k.code() == code)
        };
        Ok(Guide {
            code: self.code,
            name: self.name,
            keywords: self
                .keywords
                .split([',', '，', '、', ' ', '\n'])
                .map(str::trim)
                .filter(|k| !k.is_empty())
                .map(str::to_string)
                .collect(),
            item_type: choice("事项类型", &self.item_type, ItemType::from_code)?,
            department: self.department,
            legal_basis: self.legal_basis,
            conditions: self.conditions,
            materials,
            procedure: self
                .procedure
                .into_iter()
                .map(|s| ProcedureStage {
                    name: s.name,
                    description: s.description,
                })
                .collect(),
            legal_limit: number("法定办结时限", &self.legal_limit, 250)?,
            promised_limit: number("承诺办结时限", &self.promised_limit, 250)?,
            fee,
            location: self.location,
            hours: self.hours,
            consult_phone: self.consult_phone,
            complaint_phone: self.complaint_phone,
            handling: choice("办件类型", &self.handling, kind)?,
            result_name: self.result_name,
            result_sample: optional(&self.result_sample),
            visits: number("到现场次数", &self.visits, 5)? as u8,
            online: self.online == "true",
            audiences,
            topics: self
                .topics
                .iter()
                .filter_map(|t| Topic::from_code(t))
                .collect(),
            scope: choice("通办范围", &self.scope, Scope::from_code)?,
        })
    }
}

/// What a save did, for the editor's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedItem {
    pub code: String,
    pub version: i32,
    pub changed: Vec<String>,
}

#[server(prefix = "/sf", endpoint = "save_item")]
pub async fn save_item(form: GuideForm) -> Result<SavedItem, AppError> {
    let account = require_role(&[Role::Admin]).await?;
    let state = state()?;
    let expected = match form.expected_version.trim() {
        "" => None,
        v => Some(
            v.parse::<i32>()
                .map_err(|_| AppError::Invalid("版本号无效，请刷新页面".into()))?,
        ),
    };
    let note = form.note.clone();
    let guide = form.into_guide()?;
    let code = guide.code.trim().to_ascii_uppercase();
    let saved = crate::backend::catalogue::items::save(
        &state.db,
        guide,
        expected,
        &note,
        &editor(&account),
        chrono::Utc::now(),
    )
    .await?;
    state.guides_changed();
    Ok(SavedItem {
        code,
        version: saved.version,
        changed: saved.changed.into_iter().map(str::to_string).collect(),
    })
}

/// 停止办理 (retired = true, with a reason) or 恢复办理.
#[server(prefix = "/sf", endpoint = "set_item_retired")]
pub async fn set_item_retired(code: String, retired: bool, reason: String) -> Result<(), AppError> {
    let account = require_role(&[Role::Admin]).await?;
    let state = state()?;
    crate::backend::catalogue::items::set_retired(
        &state.db,
        &code,
        retired,
        &reason,
        &editor(&account),
        chrono::Utc::now(),
    )
    .await?;
    state.guides_changed();
    Ok(())
}

#[server(prefix = "/sf", endpoint = "retire_form")]
pub async fn retire_form(code: String) -> Result<(), AppError> {
    let account = require_role(&[Role::Admin]).await?;
    let state = state()?;
    crate::backend::catalogue::forms::retire(
        &state.db,
        &code,
        &editor(&account),
        chrono::Utc::now(),
    )
    .await?;
    state.guides_changed();
    Ok(())
}

#[cfg(feature = "ssr")]
pub fn editor(account: &crate::backend::auth::Account) -> crate::backend::catalogue::Editor {
    crate::backend::catalogue::Editor {
        user_id: Some(account.id),
        name: account.username.clone(),
    }
}

/// Cookie carrying the outcome of an administration post to the next page, shown once.
pub const FLASH_COOKIE: &str = "yz_flash";

/// The outcome of the last administration post (import, upload), taken once: reading clears it.
/// `(ok, message)`.
#[server(prefix = "/sf", endpoint = "take_flash")]
pub async fn take_flash() -> Result<Option<(bool, String)>, AppError> {
    require_role(&[Role::Admin]).await?;
    let Some(value) = super::context::request_cookie(FLASH_COOKIE) else {
        return Ok(None);
    };
    super::context::append_set_cookie(&format!(
        "{FLASH_COOKIE}=; Path=/admin; Max-Age=0; HttpOnly; SameSite=Strict"
    ));
    let (ok, text) = match value.split_once(':') {
        Some(("ok", text)) => (true, text),
        Some((_, text)) => (false, text),
        None => return Ok(None),
    };
    Ok(Some((ok, crate::layouts::prefs::decode_component(text))))
}

/// The kinds of form an administrator may upload, for the upload form.
pub const UPLOAD_KINDS: [FormKind; 3] = [FormKind::Blank, FormKind::Sample, FormKind::ResultSample];
