//! 事项管理: creating, editing, retiring and reading service items. Every save is one transaction
//! that writes the item, its topics, a whole copy of the new version, the audit entry, and keeps
//! the item's process definition (the engine's time limits) equal to the published guide.

use super::super::audit;
use super::super::departments;
use super::super::entities::{form, item_topic, service_item, service_item_version};
use super::super::error::{ServiceError, ServiceResult};
use super::super::processes;
use super::search::{department_info, spell_item};
use super::Editor;
use crate::backend::db::begin_write;
use crate::domain::catalogue::{Guide, ItemCode};
use crate::domain::catalogue_read::{GuideDetail, VersionInfo};
use crate::domain::process::{ItemKind, ProcessDefinition, Step};
use crate::domain::role::Role;
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    DbBackend, EntityTrait, QueryFilter, QueryOrder, Set, Statement,
};

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    pub version: i32,
    /// The elements that changed; empty when the guide was saved unchanged (no new version).
    pub changed: Vec<&'static str>,
}

/// Creates an item (`expected_version` `None`) or saves the next version of it (`Some` of the
/// version the editor started from: a stale one is refused, so no edit is silently lost).
pub async fn save(
    db: &DatabaseConnection,
    guide: Guide,
    expected_version: Option<i32>,
    note: &str,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<Saved> {
    let txn = begin_write(db).await?;
    let saved = save_in(&txn, guide, expected_version, note, editor, now).await?;
    txn.commit().await?;
    Ok(saved)
}

pub(super) async fn save_in(
    txn: &DatabaseTransaction,
    guide: Guide,
    expected_version: Option<i32>,
    note: &str,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<Saved> {
    let guide = guide
        .validated()
        .map_err(|e| ServiceError::Invalid(e.to_string()))?;
    let note: String = note.trim().chars().take(200).collect();
    let department = departments::find_by_code(txn, &guide.department)
        .await?
        .ok_or_else(|| {
            ServiceError::Invalid(format!("实施主体（部门编码 {}）不存在", guide.department))
        })?;
    check_forms(txn, &guide).await?;
    let existing = find_row(txn, &guide.code).await?;
    let spelling = spell_item(&guide, &department.name);
    let json = serde_json::to_string(&guide).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let mut row = service_item::ActiveModel {
        code: Set(guide.code.clone()),
        name: Set(guide.name.clone()),
        department_code: Set(guide.department.clone()),
        item_type: Set(guide.item_type.code().to_string()),
        for_person: Set(guide
            .audiences
            .contains(&crate::domain::catalogue::Audience::Person)),
        for_company: Set(guide
            .audiences
            .contains(&crate::domain::catalogue::Audience::Company)),
        online: Set(guide.online),
        visits: Set(i32::from(guide.visits)),
        legal_limit: Set(guide.legal_limit as i32),
        promised_limit: Set(guide.promised_limit as i32),
        handling: Set(guide.handling.code().to_string()),
        scope: Set(guide.scope.code().to_string()),
        charged: Set(guide.fee.is_some()),
        search_text: Set(spelling.search_text),
        name_pinyin: Set(spelling.name_pinyin),
        name_initials: Set(spelling.name_initials),
        keywords: Set(spelling.keywords),
        updated_at: Set(now),
        updated_by: Set(editor.name.clone()),
        ..Default::default()
    };
    let (item_id, version, changed) = match (existing, expected_version) {
        (Some(_), None) => {
            return Err(ServiceError::Conflict(format!(
                "事项编码 {} 已存在，请换一个编码或编辑已有事项",
                guide.code
            )))
        }
        (None, Some(_)) => return Err(ServiceError::NotFound),
        (None, None) => {
            row.version = Set(1);
            row.retired = Set(false);
            row.created_at = Set(now);
            let inserted = row.insert(txn).await?;
            (inserted.id, 1, vec!["新建事项"])
        }
        (Some(current), Some(expected)) => {
            if current.version != expected {
                return Err(stale(current.version));
            }
            let old = current_guide(txn, &current).await?;
            let changed = old.changed_fields(&guide);
            if changed.is_empty() {
                return Ok(Saved {
                    version: current.version,
                    changed,
                });
            }
            let version = current.version + 1;
            row.version = Set(version);
            // Guarded by the version read above: of two editors, the second is told, not
            // silently overwritten.
            let result = service_item::Entity::update_many()
                .set(row)
                .filter(service_item::Column::Id.eq(current.id))
                .filter(service_item::Column::Version.eq(expected))
                .exec(txn)
                .await?;
            if result.rows_affected != 1 {
                return Err(stale(expected + 1));
            }
            (current.id, version, changed)
        }
    };
    item_topic::Entity::delete_many()
        .filter(item_topic::Column::ItemId.eq(item_id))
        .exec(txn)
        .await?;
    if !guide.topics.is_empty() {
        item_topic::Entity::insert_many(guide.topics.iter().map(|t| item_topic::ActiveModel {
            item_id: Set(item_id),
            topic: Set(t.code().to_string()),
        }))
        .exec_without_returning(txn)
        .await?;
    }
    service_item_version::ActiveModel {
        item_code: Set(guide.code.clone()),
        version: Set(version),
        guide: Set(json),
        changed: Set(changed.join("、")),
        note: Set(note.clone()),
        changed_at: Set(now),
        changed_by: Set(editor.name.clone()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let action = if version == 1 {
        "catalogue.item.create"
    } else {
        "catalogue.item.update"
    };
    audit::append(
        txn,
        editor.entry(
            action,
            format!("item:{}", guide.code),
            format!(
                "第{version}版：{}{}",
                changed.join("、"),
                note_suffix(&note)
            ),
            now,
        ),
    )
    .await?;
    sync_process(txn, &guide, &editor.name, now).await?;
    Ok(Saved { version, changed })
}

fn note_suffix(note: &str) -> String {
    if note.is_empty() {
        String::new()
    } else {
        format!("（{note}）")
    }
}

fn stale(current: i32) -> ServiceError {
    ServiceError::Conflict(format!(
        "该事项已被他人修改（现为第 {current} 版），请刷新页面，在最新版本上修改"
    ))
}

/// Every form a guide points to must exist, belong to the item, and not be retired.
async fn check_forms(txn: &DatabaseTransaction, guide: &Guide) -> ServiceResult<()> {
    for code in guide.form_codes() {
        let ok = form::Entity::find()
            .filter(form::Column::Code.eq(code))
            .one(txn)
            .await?
            .is_some_and(|f| f.item_code == guide.code && !f.retired);
        if !ok {
            return Err(ServiceError::Invalid(format!(
                "表格 {code} 不存在、已停用或不属于本事项"
            )));
        }
    }
    Ok(())
}

/// The engine reads its limits from the item's process definition: keep it equal to the
/// published guide. An item without one gets the usual steps (审查 then 批准) so applications can
/// start; a joint item's assisting departments are for an administrator to name.
async fn sync_process(
    txn: &DatabaseTransaction,
    guide: &Guide,
    actor: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let definition = match processes::find(txn, &guide.code).await? {
        Some(mut def) => {
            let unchanged = def.kind == guide.handling
                && def.lead_department == guide.department
                && def.legal_limit == guide.legal_limit
                && def.promised_limit == guide.promised_limit;
            if unchanged {
                return Ok(());
            }
            def.kind = guide.handling;
            def.lead_department = guide.department.clone();
            def.legal_limit = guide.legal_limit;
            def.promised_limit = guide.promised_limit;
            fit_steps(&mut def);
            def
        }
        None if guide.handling == ItemKind::Joint => return Ok(()),
        None => default_process(guide),
    };
    definition.validate().map_err(|e| {
        ServiceError::Invalid(format!(
            "新的时限与办理流程不一致：{e}。请先调整该事项的审批环节"
        ))
    })?;
    processes::save_in(txn, &definition, actor, now).await?;
    Ok(())
}

/// A shorter promise shortens the review steps in proportion (each keeps at least a day): the
/// published promise governs. If the steps still do not fit, validation says so.
fn fit_steps(def: &mut ProcessDefinition) {
    if def.kind == ItemKind::Immediate {
        return;
    }
    let sum: u32 = def.steps.iter().map(|s| s.limit).sum();
    if sum <= def.promised_limit || sum == 0 {
        return;
    }
    for step in &mut def.steps {
        step.limit = (step.limit * def.promised_limit / sum).max(1);
    }
}

fn default_process(guide: &Guide) -> ProcessDefinition {
    let step = |code: &str, name: &str, role, limit| Step {
        code: code.into(),
        name: name.into(),
        role,
        limit,
    };
    let promised = guide.promised_limit;
    let steps = match guide.handling {
        ItemKind::Immediate => vec![step("approve", "当场办结", Role::Approver, 0)],
        _ if promised < 2 => vec![step("approve", "审核批准", Role::Approver, promised)],
        _ => {
            let review = promised.div_ceil(2);
            vec![
                step("review", "审查", Role::Reviewer, review),
                step("approve", "批准", Role::Approver, promised - review),
            ]
        }
    };
    ProcessDefinition {
        item_code: guide.code.clone(),
        kind: guide.handling,
        lead_department: guide.department.clone(),
        legal_limit: guide.legal_limit,
        promised_limit: guide.promised_limit,
        acceptance_limit: 5,
        extension_limit: if guide.handling == ItemKind::Joint {
            15
        } else {
            10
        },
        delivery_limit: 10,
        steps,
        branches: Vec::new(),
    }
}

/// 停止办理 / 恢复办理: a retired item leaves the public catalogue but keeps its history.
pub async fn set_retired(
    db: &DatabaseConnection,
    code: &str,
    retired: bool,
    reason: &str,
    editor: &Editor,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let reason = reason.trim();
    if retired && reason.is_empty() {
        return Err(ServiceError::Invalid("请填写停止办理的原因".into()));
    }
    if reason.chars().count() > 200 {
        return Err(ServiceError::Invalid("原因不能超过 200 个字".into()));
    }
    let txn = begin_write(db).await?;
    let row = find_row(&txn, code).await?.ok_or(ServiceError::NotFound)?;
    if row.retired == retired {
        return Ok(());
    }
    let mut active: service_item::ActiveModel = row.clone().into();
    active.retired = Set(retired);
    active.retired_at = Set(retired.then_some(now));
    active.updated_at = Set(now);
    active.updated_by = Set(editor.name.clone());
    active.update(&txn).await?;
    let action = if retired {
        "catalogue.item.retire"
    } else {
        "catalogue.item.restore"
    };
    audit::append(
        &txn,
        editor.entry(
            action,
            format!("item:{}", row.code),
            reason.to_string(),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

pub(super) async fn find_row(
    db: &impl ConnectionTrait,
    code: &str,
) -> ServiceResult<Option<service_item::Model>> {
    let Ok(code) = ItemCode::parse(code) else {
        return Ok(None);
    };
    Ok(service_item::Entity::find()
        .filter(service_item::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
}

/// The item's published guide: its current version.
pub(super) async fn current_guide(
    db: &impl ConnectionTrait,
    row: &service_item::Model,
) -> ServiceResult<Guide> {
    version(db, &row.code, row.version).await?.ok_or_else(|| {
        ServiceError::Internal(format!(
            "item {}: version {} missing",
            row.code, row.version
        ))
    })
}

/// The guide and its forms as the public page shows them; `None` for an unknown code. Retired
/// items are returned (marked) so the page can say so instead of a bare 404.
pub async fn detail(db: &impl ConnectionTrait, code: &str) -> ServiceResult<Option<GuideDetail>> {
    let Some(row) = find_row(db, code).await? else {
        return Ok(None);
    };
    let guide = current_guide(db, &row).await?;
    let department = departments::find_by_code(db, &row.department_code)
        .await?
        .map(|d| department_info(d, 0))
        .ok_or_else(|| ServiceError::Internal(format!("item {}: no department", row.code)))?;
    let forms = super::forms::of_item(db, &row.code, false).await?;
    Ok(Some(GuideDetail {
        guide,
        department,
        forms,
        version: row.version,
        updated_at: row.updated_at,
        retired: row.retired,
    }))
}

/// An item's name and its department's name, as a case shows them (two small reads instead of
/// the whole guide): `None` for an unknown code.
pub async fn names(
    db: &impl ConnectionTrait,
    code: &str,
) -> ServiceResult<Option<(String, String)>> {
    let Ok(code) = ItemCode::parse(code) else {
        return Ok(None);
    };
    // One read (a status lookup asks it on every request).
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT i.name AS item, COALESCE(d.name, '') AS department FROM service_items i \
         LEFT JOIN departments d ON d.code = i.department_code WHERE i.code = {}",
        if backend == DbBackend::Postgres {
            "$1"
        } else {
            "?"
        }
    );
    let Some(row) = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [code.as_str().into()],
        ))
        .await?
    else {
        return Ok(None);
    };
    Ok(Some((
        row.try_get("", "item")?,
        row.try_get("", "department")?,
    )))
}

/// Every version of a guide, newest first.
pub async fn history(db: &impl ConnectionTrait, code: &str) -> ServiceResult<Vec<VersionInfo>> {
    let Ok(code) = ItemCode::parse(code) else {
        return Ok(Vec::new());
    };
    Ok(service_item_version::Entity::find()
        .filter(service_item_version::Column::ItemCode.eq(code.as_str()))
        .order_by_desc(service_item_version::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|v| VersionInfo {
            version: v.version,
            changed: v
                .changed
                .split('、')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            note: v.note,
            changed_at: v.changed_at,
            changed_by: v.changed_by,
        })
        .collect())
}

/// One earlier version of a guide, whole.
pub async fn version(
    db: &impl ConnectionTrait,
    code: &str,
    version: i32,
) -> ServiceResult<Option<Guide>> {
    let Ok(code) = ItemCode::parse(code) else {
        return Ok(None);
    };
    let Some(row) = service_item_version::Entity::find()
        .filter(service_item_version::Column::ItemCode.eq(code.as_str()))
        .filter(service_item_version::Column::Version.eq(version))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    serde_json::from_str(&row.guide)
        .map(Some)
        .map_err(|e| ServiceError::Internal(format!("stored version {code} v{version}: {e}")))
}

/// Every item's current guide, for export.
pub(super) async fn all_rows(db: &impl ConnectionTrait) -> ServiceResult<Vec<service_item::Model>> {
    Ok(service_item::Entity::find()
        .order_by_asc(service_item::Column::Code)
        .all(db)
        .await?)
}
