//! 表格下载: the form files of items (blank forms, filled samples, result samples). Files are
//! checked by their content, not their name, stored in the file store, listed by department and
//! item, and counted on every download.

use super::super::audit;
use super::super::entities::{department, form, service_item};
use super::super::error::{ServiceError, ServiceResult};
use super::super::files::FileStore;
use super::items::{current_guide, find_row, save_in};
use super::Editor;
use crate::backend::db::begin_write;
use crate::domain::catalogue::FormKind;
use crate::domain::catalogue_read::{FormFile, ItemForms};
use crate::domain::search::{like_pattern, QUERY_MAX_CHARS};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use std::collections::HashMap;

/// Largest form file accepted.
pub const MAX_FORM_BYTES: usize = 10 * 1024 * 1024;

/// What kind of document the bytes are, by their first bytes: (content type, file extension).
/// Only documents people fill in or print are accepted.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("application/pdf", "pdf"));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        // An Office Open XML package names its main part early in the archive.
        let head = &bytes[..bytes.len().min(4096)];
        let has = |needle: &[u8]| head.windows(needle.len()).any(|w| w == needle);
        if has(b"word/") {
            return Some((
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "docx",
            ));
        }
        if has(b"xl/") {
            return Some((
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ));
        }
        return None;
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // The old binary Word and Excel formats share one container; Word is far more common.
        return Some(("application/msword", "doc"));
    }
    None
}

/// A file name safe on every system and in a download header: no path, no control or reserved
/// characters, at most 80 characters, with the extension the content deserves.
pub fn safe_filename(title: &str, ext: &str) -> String {
    let stem: String = title
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
        .collect::<String>()
        .trim()
        .trim_start_matches('.')
        .chars()
        .take(80)
        .collect();
    let stem = if stem.is_empty() {
        "表格".to_string()
    } else {
        stem
    };
    format!("{stem}.{ext}")
}

/// A form file to add.
pub struct NewForm {
    pub item_code: String,
    /// The material this file is the blank form or sample of; `None` for a result sample or a
    /// file not yet linked.
    pub material_code: Option<String>,
    pub kind: FormKind,
    pub title: String,
    pub bytes: Vec<u8>,
}

/// Stores the file and its row; when a material is named (or for a result sample), the guide
/// points to the new file in a new version, in the same transaction.
pub async fn add(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    new: NewForm,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<FormFile> {
    let title: String = new.title.trim().to_string();
    if title.is_empty() {
        return Err(ServiceError::Invalid("请填写表格名称".into()));
    }
    if title.chars().count() > 100 {
        return Err(ServiceError::Invalid("表格名称不能超过 100 个字".into()));
    }
    if new.bytes.is_empty() {
        return Err(ServiceError::Invalid("请选择要上传的文件".into()));
    }
    if new.bytes.len() > MAX_FORM_BYTES {
        return Err(ServiceError::Invalid("文件不能超过 10 MB".into()));
    }
    let (content_type, ext) = sniff(&new.bytes).ok_or_else(|| {
        ServiceError::Invalid("只能上传 PDF、Word（doc、docx）或 Excel（xlsx）文件".into())
    })?;
    let item = find_row(db, &new.item_code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let mut guide = current_guide(db, &item).await?;
    // The guide must name the material before the upload touches anything.
    if let Some(material) = &new.material_code {
        if !guide.materials.iter().any(|m| &m.code == material) {
            return Err(ServiceError::Invalid(format!(
                "本事项没有编码为 {material} 的申请材料"
            )));
        }
    }
    let size = new.bytes.len() as i64;
    // Stored before the transaction: content-addressed, so a failed transaction leaves at most an
    // unreferenced file, never a row without its bytes.
    let sha = files
        .put(new.bytes)
        .await
        .map_err(|e| ServiceError::Internal(format!("storing form file: {e}")))?;
    let code = format!(
        "{}-{}-{}",
        item.code,
        new.kind.code().replace('_', ""),
        &sha[..10]
    );
    let txn = begin_write(db).await?;
    if form::Entity::find()
        .filter(form::Column::Code.eq(code.as_str()))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(ServiceError::Conflict(
            "同一文件已作为本事项的表格上传过".into(),
        ));
    }
    let row = insert_row(
        &txn,
        FormRow {
            code: code.clone(),
            item_code: item.code.clone(),
            kind: new.kind,
            filename: safe_filename(&title, ext),
            title: title.clone(),
            content_type,
            sha256: sha,
            size,
        },
        editor,
        now,
    )
    .await?;
    audit::append(
        &txn,
        editor.entry(
            "catalogue.form.add",
            format!("form:{code}"),
            format!("{}《{title}》{size} 字节", new.kind.name_zh()),
            now,
        ),
    )
    .await?;
    let link = match (new.kind, &new.material_code) {
        (FormKind::ResultSample, _) => {
            guide.result_sample = Some(code.clone());
            true
        }
        (kind, Some(material)) => {
            if let Some(m) = guide.materials.iter_mut().find(|m| &m.code == material) {
                if kind == FormKind::Blank {
                    m.blank_form = Some(code.clone());
                } else {
                    m.sample = Some(code.clone());
                }
            }
            true
        }
        (_, None) => false,
    };
    if link {
        save_in(
            &txn,
            guide,
            Some(item.version),
            &format!("上传《{title}》"),
            editor,
            now,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(to_file(row))
}

/// A stored file's row, as an upload and an import write it.
pub(super) struct FormRow {
    pub code: String,
    pub item_code: String,
    pub kind: FormKind,
    pub title: String,
    pub filename: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub size: i64,
}

pub(super) async fn insert_row(
    txn: &DatabaseTransaction,
    row: FormRow,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<form::Model> {
    Ok(form::ActiveModel {
        code: Set(row.code),
        item_code: Set(row.item_code),
        kind: Set(row.kind.code().to_string()),
        title: Set(row.title),
        filename: Set(row.filename),
        content_type: Set(row.content_type.to_string()),
        sha256: Set(row.sha256),
        size: Set(row.size),
        downloads: Set(0),
        retired: Set(false),
        created_at: Set(now),
        created_by: Set(editor.name.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

/// 停用 a form: it disappears from downloads and guides; its row and bytes are kept.
pub async fn retire(
    db: &DatabaseConnection,
    code: &str,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let txn = begin_write(db).await?;
    let row = form::Entity::find()
        .filter(form::Column::Code.eq(code))
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if row.retired {
        return Ok(());
    }
    let mut active: form::ActiveModel = row.into();
    active.retired = Set(true);
    active.update(&txn).await?;
    audit::append(
        &txn,
        editor.entry(
            "catalogue.form.retire",
            format!("form:{code}"),
            String::new(),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub(super) fn to_file(row: form::Model) -> FormFile {
    FormFile {
        kind: FormKind::from_code(&row.kind).unwrap_or(FormKind::Blank),
        code: row.code,
        item_code: row.item_code,
        title: row.title,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size,
        downloads: row.downloads,
        retired: row.retired,
    }
}

/// The forms of one item.
pub async fn of_item(
    db: &impl ConnectionTrait,
    item_code: &str,
    include_retired: bool,
) -> ServiceResult<Vec<FormFile>> {
    let mut select = form::Entity::find().filter(form::Column::ItemCode.eq(item_code));
    if !include_retired {
        select = select.filter(form::Column::Retired.eq(false));
    }
    Ok(select
        .order_by_asc(form::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(to_file)
        .collect())
}

/// 表格下载: every current form of every current item, grouped by item in the hall's department
/// order; optionally one department, or items and forms whose name contains `q`.
pub async fn listing(
    db: &impl ConnectionTrait,
    department: Option<&str>,
    q: Option<&str>,
) -> ServiceResult<Vec<ItemForms>> {
    let q: Option<String> = q
        .map(|q| {
            q.trim()
                .chars()
                .take(QUERY_MAX_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .filter(|q| !q.is_empty());
    let mut forms = form::Entity::find().filter(form::Column::Retired.eq(false));
    if let Some(q) = &q {
        let pattern = || LikeExpr::new(like_pattern(q)).escape('\\');
        // A form matches by its own title, or by its item's name, keywords and their pinyin.
        forms = forms.filter(
            Condition::any()
                .add(Expr::col(form::Column::Title).like(pattern()))
                .add(
                    form::Column::ItemCode.in_subquery(
                        Query::select()
                            .column(service_item::Column::Code)
                            .from(service_item::Entity)
                            .and_where(Expr::col(service_item::Column::SearchText).like(pattern()))
                            .to_owned(),
                    ),
                ),
        );
    }
    let forms = forms.order_by_asc(form::Column::Id).all(db).await?;
    // Only the items that have forms are read, not the whole catalogue.
    let codes: Vec<String> = forms
        .iter()
        .map(|f| f.item_code.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut items = service_item::Entity::find()
        .filter(service_item::Column::Retired.eq(false))
        .filter(service_item::Column::Code.is_in(codes));
    if let Some(d) = department {
        items = items.filter(service_item::Column::DepartmentCode.eq(d));
    }
    let items: HashMap<String, service_item::Model> = items
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code.clone(), i))
        .collect();
    let departments: HashMap<String, (i32, String)> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, (d.sort_order, d.name)))
        .collect();
    let mut grouped: Vec<ItemForms> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for f in forms {
        let Some(item) = items.get(&f.item_code) else {
            continue;
        };
        let i = *index.entry(item.code.clone()).or_insert_with(|| {
            grouped.push(ItemForms {
                item_code: item.code.clone(),
                item_name: item.name.clone(),
                department: item.department_code.clone(),
                department_name: departments
                    .get(&item.department_code)
                    .map(|d| d.1.clone())
                    .unwrap_or_default(),
                forms: Vec::new(),
            });
            grouped.len() - 1
        });
        grouped[i].forms.push(to_file(f));
    }
    let order = |g: &ItemForms| {
        departments
            .get(&g.department)
            .map(|d| d.0)
            .unwrap_or(i32::MAX)
    };
    grouped.sort_by(|a, b| {
        order(a).cmp(&order(b)).then_with(|| {
            items[&a.item_code]
                .name_pinyin
                .cmp(&items[&b.item_code].name_pinyin)
        })
    });
    Ok(grouped)
}

/// A form's file for download, counting the download. `None` for an unknown or retired form.
pub async fn download(
    db: &impl ConnectionTrait,
    files: &dyn FileStore,
    code: &str,
) -> ServiceResult<Option<(FormFile, Vec<u8>)>> {
    let Some(row) = form::Entity::find()
        .filter(form::Column::Code.eq(code))
        .filter(form::Column::Retired.eq(false))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let Some(bytes) = files
        .get(&row.sha256)
        .await
        .map_err(|e| ServiceError::Internal(format!("reading form file {code}: {e}")))?
    else {
        return Err(ServiceError::Internal(format!(
            "form file {code} missing from the store"
        )));
    };
    // One statement, so concurrent downloads never lose a count.
    form::Entity::update_many()
        .col_expr(
            form::Column::Downloads,
            Expr::col(form::Column::Downloads).add(1),
        )
        .filter(form::Column::Id.eq(row.id))
        .exec(db)
        .await?;
    let mut file = to_file(row);
    file.downloads += 1;
    Ok(Some((file, bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_recognised_by_content_not_name() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(("application/pdf", "pdf")));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None);
        let mut docx = b"PK\x03\x04".to_vec();
        docx.extend_from_slice(b"....[Content_Types].xml....word/document.xml");
        assert_eq!(sniff(&docx).map(|s| s.1), Some("docx"));
        assert_eq!(sniff(b"PK\x03\x04 random zip"), None);
    }

    #[test]
    fn file_names_lose_paths_and_reserved_characters() {
        assert_eq!(safe_filename("../../etc/passwd", "pdf"), "etcpasswd.pdf");
        assert_eq!(
            safe_filename("申请表<script>\r\n", "pdf"),
            "申请表script.pdf"
        );
        assert_eq!(safe_filename("  ", "docx"), "表格.docx");
        assert_eq!(safe_filename(&"长".repeat(300), "pdf").chars().count(), 84);
    }
}
