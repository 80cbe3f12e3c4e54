//! 演示事项目录 (demo catalogue): the items of a county's service hall from `app/demo/catalogue.json`
//! (fictional 示范市, no real person's data), with their blank forms, filled samples and result
//! samples generated as PDFs, loaded through the ordinary import. Safe to run twice.

use super::catalogue::transfer::{self, CatalogueFile, FormRecord, ImportReport, ItemRecord};
use super::catalogue::Editor;
use super::error::{ServiceError, ServiceResult};
use super::files::{sha256_hex, FileStore};
use super::pdf::sheet::{self, Sheet, SheetKind};
use crate::domain::catalogue::{FormKind, Guide};
use base64::Engine;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

const CATALOGUE: &str = include_str!("../../demo/catalogue.json");

#[derive(Deserialize)]
struct DemoCatalogue {
    items: Vec<DemoItem>,
}

#[derive(Deserialize)]
struct DemoItem {
    #[serde(flatten)]
    guide: Guide,
    #[serde(default)]
    forms: Vec<DemoForm>,
    #[serde(default)]
    result_fields: Option<Vec<(String, String)>>,
}

/// A form to generate: its fields with the values of the filled sample.
#[derive(Deserialize)]
struct DemoForm {
    material: String,
    title: String,
    fields: Vec<(String, String)>,
}

fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Builds the demo catalogue file: every item with its generated forms linked.
pub fn catalogue(now: DateTime<Utc>) -> ServiceResult<CatalogueFile> {
    let demo: DemoCatalogue = serde_json::from_str(CATALOGUE)
        .map_err(|e| ServiceError::Internal(format!("demo catalogue: {e}")))?;
    let mut items = Vec::new();
    let mut forms = Vec::new();
    for DemoItem {
        mut guide,
        forms: demo_forms,
        result_fields,
    } in demo.items
    {
        let mut add = |code: String, kind: FormKind, title: String, bytes: Vec<u8>| {
            forms.push(FormRecord {
                sha256: sha256_hex(&bytes),
                data: encode(&bytes),
                filename: format!("{title}.pdf"),
                item_code: guide.code.clone(),
                code,
                kind,
                title,
            });
        };
        for form in demo_forms {
            let base = format!("{}-{}", guide.code, form.material);
            let make = |kind| {
                sheet::render(&Sheet {
                    kind,
                    title: form.title.clone(),
                    subtitle: guide.name.clone(),
                    issuer: String::new(),
                    fields: form.fields.clone(),
                })
            };
            add(
                format!("{base}-blank"),
                FormKind::Blank,
                form.title.clone(),
                make(SheetKind::Blank)?,
            );
            add(
                format!("{base}-sample"),
                FormKind::Sample,
                format!("{}（填写样例）", form.title),
                make(SheetKind::Sample)?,
            );
            if let Some(m) = guide.materials.iter_mut().find(|m| m.code == form.material) {
                m.blank_form = Some(format!("{base}-blank"));
                m.sample = Some(format!("{base}-sample"));
            }
        }
        if let Some(fields) = result_fields {
            let code = format!("{}-result", guide.code);
            let bytes = sheet::render(&Sheet {
                kind: SheetKind::ResultSample,
                title: guide.result_name.clone(),
                subtitle: guide.name.clone(),
                issuer: String::new(),
                fields,
            })?;
            add(
                code.clone(),
                FormKind::ResultSample,
                format!("{}（样本）", guide.result_name),
                bytes,
            );
            guide.result_sample = Some(code);
        }
        items.push(ItemRecord {
            guide,
            retired: false,
        });
    }
    Ok(CatalogueFile {
        format: transfer::FORMAT.into(),
        exported_at: now,
        departments: Vec::new(),
        items,
        forms,
    })
}

/// Loads the demo catalogue (the departments must exist: `demo::seed` makes them).
pub async fn seed(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    now: DateTime<Utc>,
) -> ServiceResult<ImportReport> {
    let file = catalogue(now)?;
    transfer::import(db, files, file, &Editor::named("seed"), now).await
}
