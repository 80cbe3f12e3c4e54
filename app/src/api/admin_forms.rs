//! Server functions of the application-form editor (`/admin/items/{code}/form`): an administrator
//! reads the item's form definition as JSON and saves a new one, checked against the guide.

use super::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDefinitionText {
    pub item_code: String,
    pub item_name: String,
    /// The definition, pretty-printed JSON.
    pub json: String,
    /// 0 while the item uses the default form drawn from its guide.
    pub version: i32,
    /// The guide's materials: (code, name), for writing the `materials` rules.
    pub materials: Vec<(String, String)>,
}

#[server(prefix = "/sf", endpoint = "admin_apply_form")]
pub async fn admin_apply_form(code: String) -> Result<FormDefinitionText, AppError> {
    use super::context::{require_role, state};
    use crate::domain::role::Role;
    require_role(&[Role::Admin]).await?;
    let state = state()?;
    let form = crate::backend::application_forms::for_item_any(&state.db, &code).await?;
    Ok(FormDefinitionText {
        item_code: form.detail.guide.code.clone(),
        item_name: form.detail.guide.name.clone(),
        json: serde_json::to_string_pretty(&form.definition).unwrap_or_default(),
        version: form.version,
        materials: form
            .detail
            .guide
            .materials
            .iter()
            .map(|m| (m.code.clone(), m.name.clone()))
            .collect(),
    })
}

#[server(prefix = "/sf", endpoint = "save_apply_form")]
pub async fn save_apply_form(code: String, json: String, version: i32) -> Result<i32, AppError> {
    use super::context::{require_role, state};
    use crate::domain::application_form::FormDefinition;
    use crate::domain::role::Role;
    let account = require_role(&[Role::Admin]).await?;
    let state = state()?;
    if json.len() > 200_000 {
        return Err(AppError::Invalid("申请表定义过长（超过 200 KB）".into()));
    }
    let definition: FormDefinition = serde_json::from_str(&json).map_err(|e| {
        AppError::Invalid(format!(
            "申请表定义不是有效的 JSON 或字段不对：第 {} 行第 {} 列，{e}",
            e.line(),
            e.column()
        ))
    })?;
    let saved = crate::backend::application_forms::save(
        &state.db,
        &code,
        &definition,
        version,
        &account.username,
        chrono::Utc::now(),
    )
    .await?;
    state.guides_changed();
    Ok(saved)
}
