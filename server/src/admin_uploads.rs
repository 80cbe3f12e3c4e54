//! The catalogue administration's file posts (multipart, plain HTML forms that work without
//! JavaScript): importing a catalogue file and uploading a form file. Each answers with a redirect
//! back to the page, carrying the outcome in a short-lived flash cookie the page shows once.

use crate::api_v1::{require_admin, ApiError};
use app::api::catalogue::{editor, FLASH_COOKIE};
use app::backend::catalogue::{forms, transfer};
use app::backend::state::AppState;
use app::domain::catalogue::FormKind;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::Router;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/catalogue/import", post(import))
        .route("/admin/forms/upload", post(upload_form))
        // Room for a whole catalogue with its forms; anything larger is refused before reading.
        .layer(DefaultBodyLimit::max(
            transfer::MAX_IMPORT_BYTES + 1024 * 1024,
        ))
}

/// A redirect that leaves a message for the next page.
fn flash(to: &str, ok: bool, message: &str) -> Response {
    let value = format!(
        "{}{}",
        if ok { "ok:" } else { "error:" },
        app::layouts::prefs::encode_component(message)
    );
    (
        [(
            header::SET_COOKIE,
            format!("{FLASH_COOKIE}={value}; Path=/admin; Max-Age=120; HttpOnly; SameSite=Strict"),
        )],
        Redirect::to(to),
    )
        .into_response()
}

/// The text fields and the one file of a multipart post.
struct Posted {
    fields: Vec<(String, String)>,
    file: Option<Vec<u8>>,
}

impl Posted {
    fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    }
}

async fn read(mut multipart: Multipart) -> Result<Posted, String> {
    let mut posted = Posted {
        fields: Vec::new(),
        file: None,
    };
    let bad = |_| "上传未完成或文件过大，请重试".to_string();
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            posted.file = Some(field.bytes().await.map_err(bad)?.to_vec());
        } else {
            let text = field.text().await.map_err(bad)?;
            posted
                .fields
                .push((name, text.chars().take(1000).collect()));
        }
    }
    Ok(posted)
}

async fn import(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    const BACK: &str = "/admin/items";
    let account = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let posted = match read(multipart).await {
        Ok(p) => p,
        Err(msg) => return flash(BACK, false, &msg),
    };
    let Some(bytes) = posted.file.filter(|b| !b.is_empty()) else {
        return flash(BACK, false, "请选择要导入的事项目录文件（JSON）");
    };
    let result = async {
        let file = transfer::parse(&bytes)?;
        transfer::import(
            &state.db,
            state.files.as_ref(),
            file,
            &editor(&account),
            chrono::Utc::now(),
        )
        .await
    };
    let result = result.await;
    if result.is_ok() {
        state.guides_changed();
    }
    match result {
        Ok(r) => flash(
            BACK,
            true,
            &format!(
                "导入完成：新建事项 {} 项，更新 {} 项，未变 {} 项，新增表格 {} 个，新增部门 {} 个",
                r.items_created,
                r.items_updated,
                r.items_unchanged,
                r.forms_added,
                r.departments_added
            ),
        ),
        Err(e) => flash(BACK, false, &ApiError::from(e).message()),
    }
}

async fn upload_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let account = match require_admin(&state, &headers).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    let posted = match read(multipart).await {
        Ok(p) => p,
        Err(msg) => return flash("/admin/items", false, &msg),
    };
    let item_code = posted.field("item_code");
    let back = match app::domain::catalogue::ItemCode::parse(&item_code) {
        Ok(code) => format!("/admin/items/{code}"),
        Err(_) => return flash("/admin/items", false, "事项编码无效"),
    };
    let Some(kind) = FormKind::from_code(&posted.field("kind")) else {
        return flash(&back, false, "请选择表格类型");
    };
    let material = Some(posted.field("material_code")).filter(|m| !m.is_empty());
    let new = forms::NewForm {
        item_code,
        material_code: material,
        kind,
        title: posted.field("title"),
        bytes: posted.file.clone().unwrap_or_default(),
    };
    match forms::add(
        &state.db,
        state.files.as_ref(),
        new,
        &editor(&account),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(form) => {
            state.guides_changed();
            flash(&back, true, &format!("已上传《{}》", form.title))
        }
        Err(e) => flash(&back, false, &ApiError::from(e).message()),
    }
}
