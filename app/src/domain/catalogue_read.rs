//! What pages and the REST API read about the catalogue: departments, search results, a guide with
//! its forms, a guide's versions. Plain data, the same on both sides of the wire.

use super::catalogue::{Audience, FormKind, Guide, ItemType, Scope};
use super::process::ItemKind;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 部门, with the number of items it handles (for browsing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentInfo {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub phone: String,
    pub address: String,
    pub item_count: u32,
}

/// One item in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemSummary {
    pub code: String,
    pub name: String,
    pub department: String,
    pub department_name: String,
    pub item_type: ItemType,
    pub audiences: Vec<Audience>,
    pub online: bool,
    pub visits: u8,
    pub legal_limit: u32,
    pub promised_limit: u32,
    pub handling: ItemKind,
    pub charged: bool,
    pub scope: Scope,
    pub retired: bool,
}

/// A page of search results, with the departments to browse by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The search text as it was used (shown back in the box).
    pub query: String,
    /// Told to the visitor when the input had to be shortened.
    pub notice: Option<String>,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub items: Vec<ItemSummary>,
    pub departments: Vec<DepartmentInfo>,
}

impl SearchResults {
    pub fn pages(&self) -> u32 {
        (self.total.div_ceil(u64::from(self.per_page.max(1)))).min(u64::from(u32::MAX)) as u32
    }
}

/// A downloadable form file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFile {
    pub code: String,
    pub item_code: String,
    pub kind: FormKind,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub downloads: i64,
    pub retired: bool,
}

impl FormFile {
    /// Where the file is downloaded from.
    pub fn url(&self) -> String {
        format!("/forms/download/{}", self.code)
    }

    /// "PDF · 16 KB", for the link.
    pub fn size_label(&self) -> String {
        let ext = self
            .filename
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_uppercase())
            .unwrap_or_default();
        let size = if self.size >= 1024 * 1024 {
            format!("{:.1} MB", self.size as f64 / 1024.0 / 1024.0)
        } else {
            format!("{} KB", (self.size + 1023) / 1024)
        };
        format!("{ext} · {size}")
    }
}

/// One guide as the public page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuideDetail {
    pub guide: Guide,
    pub department: DepartmentInfo,
    pub forms: Vec<FormFile>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub retired: bool,
}

impl GuideDetail {
    pub fn form(&self, code: Option<&str>) -> Option<&FormFile> {
        let code = code?;
        self.forms.iter().find(|f| f.code == code && !f.retired)
    }
}

/// The forms of one item, for 表格下载.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemForms {
    pub item_code: String,
    pub item_name: String,
    pub department: String,
    pub department_name: String,
    pub forms: Vec<FormFile>,
}

/// One saved version of a guide, for the history page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionInfo {
    pub version: i32,
    pub changed: Vec<String>,
    pub note: String,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
}
