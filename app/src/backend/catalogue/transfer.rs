//! 目录导入导出: the whole catalogue (departments, items with their current guides, form files
//! with their bytes) as one JSON document. An import is one transaction: a file with one bad item
//! changes nothing, and the message names the item.

use super::super::audit;
use super::super::departments::{self, NewDepartment};
use super::super::entities::{department, form};
use super::super::error::{ServiceError, ServiceResult};
use super::super::files::{sha256_hex, FileStore};
use super::forms::{insert_row, sniff, to_file, FormRow};
use super::items::{all_rows, current_guide, find_row, save_in};
use super::Editor;
use crate::backend::db::begin_write;
use crate::domain::catalogue::{FormKind, Guide};
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "yizhan-catalogue/1";
/// Largest catalogue file an administrator may import.
pub const MAX_IMPORT_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CatalogueFile {
    pub format: String,
    pub exported_at: DateTime<Utc>,
    pub departments: Vec<DepartmentRecord>,
    pub items: Vec<ItemRecord>,
    pub forms: Vec<FormRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DepartmentRecord {
    pub code: String,
    pub name: String,
    pub short_name: String,
    pub phone: String,
    pub address: String,
    pub sort_order: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemRecord {
    #[serde(flatten)]
    pub guide: Guide,
    #[serde(default)]
    pub retired: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormRecord {
    pub code: String,
    pub item_code: String,
    pub kind: FormKind,
    pub title: String,
    pub filename: String,
    /// The file itself, base64.
    pub data: String,
    pub sha256: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub departments_added: u32,
    pub items_created: u32,
    pub items_updated: u32,
    pub items_unchanged: u32,
    pub forms_added: u32,
}

/// The whole catalogue; the export itself is audited (it carries every guide and form).
pub async fn export(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<CatalogueFile> {
    let departments = department::Entity::find()
        .order_by_asc(department::Column::SortOrder)
        .all(db)
        .await?
        .into_iter()
        .map(|d| DepartmentRecord {
            code: d.code,
            name: d.name,
            short_name: d.short_name,
            phone: d.phone,
            address: d.address,
            sort_order: d.sort_order,
        })
        .collect();
    let mut items = Vec::new();
    for row in all_rows(db).await? {
        items.push(ItemRecord {
            guide: current_guide(db, &row).await?,
            retired: row.retired,
        });
    }
    let mut forms = Vec::new();
    for row in form::Entity::find()
        .filter(form::Column::Retired.eq(false))
        .order_by_asc(form::Column::Id)
        .all(db)
        .await?
    {
        let bytes = files
            .get(&row.sha256)
            .await
            .map_err(|e| ServiceError::Internal(format!("reading form {}: {e}", row.code)))?
            .ok_or_else(|| {
                ServiceError::Internal(format!("form {} missing from store", row.code))
            })?;
        let file = to_file(row.clone());
        forms.push(FormRecord {
            code: file.code,
            item_code: file.item_code,
            kind: file.kind,
            title: file.title,
            filename: file.filename,
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
            sha256: row.sha256,
        });
    }
    let txn = begin_write(db).await?;
    audit::append(
        &txn,
        editor.entry(
            "catalogue.export",
            "catalogue".into(),
            format!("事项 {}，表格 {}", items.len(), forms.len()),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(CatalogueFile {
        format: FORMAT.into(),
        exported_at: now,
        departments,
        items,
        forms,
    })
}

/// Parses an uploaded catalogue file, with a message a person can act on.
pub fn parse(bytes: &[u8]) -> ServiceResult<CatalogueFile> {
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ServiceError::Invalid("导入文件不能超过 64 MB".into()));
    }
    let file: CatalogueFile = serde_json::from_slice(bytes).map_err(|e| {
        ServiceError::Invalid(format!(
            "导入文件不是有效的事项目录 JSON（第 {} 行第 {} 列附近有误）",
            e.line(),
            e.column()
        ))
    })?;
    if file.format != FORMAT {
        return Err(ServiceError::Invalid(format!(
            "导入文件格式为“{}”，本系统只接受“{FORMAT}”",
            file.format.chars().take(40).collect::<String>()
        )));
    }
    Ok(file)
}

/// Imports a catalogue: missing departments are added; forms are stored (checked by content and
/// digest); each item is created, or saved as a new version when it differs.
pub async fn import(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    file: CatalogueFile,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<ImportReport> {
    let mut report = ImportReport::default();
    // Bytes first (content-addressed, harmless if the transaction then fails).
    let mut decoded = Vec::new();
    for f in &file.forms {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&f.data)
            .map_err(|_| {
                ServiceError::Invalid(format!("表格 {} 的文件内容不是有效的 base64", f.code))
            })?;
        if sha256_hex(&bytes) != f.sha256 {
            return Err(ServiceError::Invalid(format!(
                "表格 {} 的文件内容与其摘要不符",
                f.code
            )));
        }
        let (content_type, _) = sniff(&bytes).ok_or_else(|| {
            ServiceError::Invalid(format!("表格 {} 不是 PDF、Word 或 Excel 文件", f.code))
        })?;
        let size = bytes.len() as i64;
        let sha = files
            .put(bytes)
            .await
            .map_err(|e| ServiceError::Internal(format!("storing form {}: {e}", f.code)))?;
        decoded.push((f, content_type, size, sha));
    }
    let txn = begin_write(db).await?;
    for d in &file.departments {
        if departments::find_by_code(&txn, &d.code).await?.is_none() {
            departments::ensure(
                &txn,
                &NewDepartment {
                    code: &d.code,
                    name: &d.name,
                    short_name: &d.short_name,
                    phone: &d.phone,
                    address: &d.address,
                    sort_order: d.sort_order,
                },
                now,
            )
            .await?;
            report.departments_added += 1;
        }
    }
    // Forms first (a guide may only point at forms that exist); they may belong to items that
    // this same file creates.
    for (f, content_type, size, sha) in decoded {
        let exists = form::Entity::find()
            .filter(form::Column::Code.eq(f.code.as_str()))
            .one(&txn)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let in_file = file
            .items
            .iter()
            .any(|i| i.guide.code.eq_ignore_ascii_case(&f.item_code));
        if !in_file && find_row(&txn, &f.item_code).await?.is_none() {
            return Err(ServiceError::Invalid(format!(
                "表格 {} 所属的事项 {} 不存在",
                f.code, f.item_code
            )));
        }
        let (stem, ext) = f.filename.rsplit_once('.').unwrap_or((&f.filename, "pdf"));
        insert_row(
            &txn,
            FormRow {
                code: f.code.clone(),
                item_code: f.item_code.to_ascii_uppercase(),
                kind: f.kind,
                title: f.title.chars().take(200).collect(),
                filename: super::forms::safe_filename(stem, ext),
                content_type,
                sha256: sha,
                size,
            },
            editor,
            now,
        )
        .await?;
        report.forms_added += 1;
    }
    for (i, record) in file.items.iter().enumerate() {
        let label = |e: ServiceError| match e {
            ServiceError::Invalid(msg) => ServiceError::Invalid(format!(
                "第 {} 个事项（{}）：{msg}",
                i + 1,
                record.guide.code.chars().take(64).collect::<String>()
            )),
            other => other,
        };
        let existing = find_row(&txn, &record.guide.code).await?;
        let expected = existing.as_ref().map(|row| row.version);
        let saved = save_in(&txn, record.guide.clone(), expected, "导入", editor, now)
            .await
            .map_err(label)?;
        match (expected, saved.changed.is_empty()) {
            (None, _) => report.items_created += 1,
            (Some(_), true) => report.items_unchanged += 1,
            (Some(_), false) => report.items_updated += 1,
        }
        let row = find_row(&txn, &record.guide.code)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if row.retired != record.retired {
            let mut active: super::super::entities::service_item::ActiveModel = row.into();
            active.retired = Set(record.retired);
            active.retired_at = Set(record.retired.then_some(now));
            active.update(&txn).await?;
        }
    }
    audit::append(
        &txn,
        editor.entry(
            "catalogue.import",
            "catalogue".into(),
            format!(
                "新增部门 {}，新建事项 {}，更新 {}，未变 {}，新增表格 {}",
                report.departments_added,
                report.items_created,
                report.items_updated,
                report.items_unchanged,
                report.forms_added
            ),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(report)
}
