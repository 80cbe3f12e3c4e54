//! REST API `/api/v1` for the catalogue (DESIGN.md §5): departments, items, one item's guide and
//! its PDF, the form downloads, the catalogue export, and the OpenAPI document. Errors are
//! `{"code", "message"}` with a fitting status (and `fields` when a form is refused); causes are
//! logged, never sent.

use app::backend::auth::{self, Account};
use app::backend::catalogue::{forms, items, search, transfer};
use app::backend::error::ServiceError;
use app::backend::sessions::COOKIE_NAME;
use app::backend::state::AppState;
use app::domain::application_form::Problems;
use app::domain::role::Role;
use app::domain::search::{SearchInput, SearchQuery};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/openapi.json", get(openapi))
        .route("/api/v1/departments", get(departments))
        .route("/api/v1/items", get(list_items))
        .route("/api/v1/items/{code}", get(item))
        .route("/api/v1/items/{code}/guide.pdf", get(guide_pdf))
        .route("/api/v1/catalogue/export.json", get(export))
        .route("/forms/download/{code}", get(download_form))
}

/// An API error: status, stable code, Chinese message, and for a refused form what is wrong with
/// each field (`fields`: field or material code → what to change).
pub struct ApiError(StatusCode, &'static str, String, Problems);

impl ApiError {
    /// The Chinese message, for pages that show it.
    pub fn message(&self) -> String {
        self.2.clone()
    }

    pub fn new(status: StatusCode, code: &'static str, message: &str) -> ApiError {
        ApiError(status, code, message.to_string(), Problems::new())
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", &format!("未找到{what}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = if self.3.is_empty() {
            json!({"code": self.1, "message": self.2})
        } else {
            json!({"code": self.1, "message": self.2, "fields": self.3})
        };
        (self.0, Json(body)).into_response()
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let wire = app::api::error::AppError::from(e);
        let status =
            StatusCode::from_u16(wire.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let fields = match &wire {
            app::api::error::AppError::Fields(problems) => problems.clone(),
            _ => Problems::new(),
        };
        ApiError(status, wire.code(), wire.to_string(), fields)
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// The signed-in account of a browser request (session cookie), if any.
pub async fn signed_in(state: &AppState, headers: &HeaderMap) -> ApiResult<Option<Account>> {
    match app::api::context::cookie(headers, COOKIE_NAME) {
        Some(token) => Ok(auth::resume(&state.db, &token, chrono::Utc::now()).await?),
        None => Ok(None),
    }
}

/// The signed-in account, or 401.
pub async fn require_account(state: &AppState, headers: &HeaderMap) -> ApiResult<Account> {
    signed_in(state, headers)
        .await?
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录"))
}

pub async fn require_admin(state: &AppState, headers: &HeaderMap) -> ApiResult<Account> {
    let account = require_account(state, headers).await?;
    if account.roles.contains(&Role::Admin) {
        Ok(account)
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "您的账号无权进行此操作",
        ))
    }
}

async fn departments(State(state): State<AppState>) -> ApiResult<Response> {
    let departments = search::departments(&state.db).await?;
    Ok(Json(json!({ "departments": departments })).into_response())
}

/// Query parameters as text, so a malformed number gets our message, not the framework's.
#[derive(Deserialize)]
struct ItemsParams {
    q: Option<String>,
    department: Option<String>,
    topic: Option<String>,
    audience: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

fn number(name: &str, value: Option<String>) -> ApiResult<Option<u32>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse().map(Some).map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                &format!("参数 {name} 应为正整数"),
            )
        }),
    }
}

async fn list_items(
    State(state): State<AppState>,
    Query(params): Query<ItemsParams>,
) -> ApiResult<Response> {
    let input = SearchInput {
        q: params.q,
        department: params.department,
        topic: params.topic,
        audience: params.audience,
        page: number("page", params.page)?,
        per_page: number("per_page", params.per_page)?,
    };
    let query = SearchQuery::parse(&input);
    let results = search::search(&state.db, &query, false).await?;
    Ok(Json(json!({
        "total": results.total,
        "page": results.page,
        "per_page": results.per_page,
        "notice": results.notice,
        "items": results.items,
    }))
    .into_response())
}

async fn item(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    let detail = items::detail(&state.db, &code)
        .await?
        .filter(|d| !d.retired)
        .ok_or_else(|| ApiError::not_found("该事项"))?;
    let forms: Vec<_> = detail
        .forms
        .iter()
        .map(|f| {
            json!({
                "code": f.code, "kind": f.kind, "title": f.title, "filename": f.filename,
                "content_type": f.content_type, "size": f.size, "downloads": f.downloads,
                "url": f.url(),
            })
        })
        .collect();
    let mut body = serde_json::to_value(&detail.guide)
        .map_err(|e| ApiError::from(ServiceError::Internal(e.to_string())))?;
    if let Some(obj) = body.as_object_mut() {
        obj.insert("department_name".into(), json!(detail.department.name));
        obj.insert("version".into(), json!(detail.version));
        obj.insert("updated_at".into(), json!(detail.updated_at));
        obj.insert("forms".into(), json!(forms));
        obj.insert(
            "guide_pdf".into(),
            json!(format!("/api/v1/items/{}/guide.pdf", detail.guide.code)),
        );
    }
    Ok(Json(body).into_response())
}

/// `Content-Disposition` for a download: an ASCII fallback and the real (UTF-8) name.
fn attachment(filename: &str, fallback: &str) -> HeaderValue {
    content_disposition("attachment", filename, fallback)
}

/// `Content-Disposition` with an ASCII fallback name and the real one UTF-8 encoded.
pub fn content_disposition(kind: &'static str, filename: &str, fallback: &str) -> HeaderValue {
    let encoded = app::layouts::prefs::encode_component(filename).replace('/', "%2F");
    HeaderValue::from_str(&format!(
        "{kind}; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(kind))
}

async fn guide_pdf(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult<Response> {
    let code = code.trim_end_matches(".pdf").to_string();
    let detail = items::detail(&state.db, &code)
        .await?
        .filter(|d| !d.retired)
        .ok_or_else(|| ApiError::not_found("该事项"))?;
    let site = state.site.clone();
    // PDF layout is CPU work: off the request threads.
    let bytes =
        tokio::task::spawn_blocking(move || app::backend::pdf::guide::render(&detail, &site))
            .await
            .map_err(|e| ApiError::from(ServiceError::Internal(e.to_string())))??;
    let name = format!("{code}-办事指南.pdf");
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                attachment(&name, &format!("{code}.pdf")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response())
}

async fn download_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let (file, bytes) = forms::download(&state.db, state.files.as_ref(), &code)
        .await?
        .ok_or_else(|| ApiError::not_found("该表格"))?;
    let ext = file
        .filename
        .rsplit_once('.')
        .map(|(_, e)| e)
        .unwrap_or("bin");
    let content_type = HeaderValue::from_str(&file.content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                attachment(&file.filename, &format!("form.{ext}")),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        bytes,
    )
        .into_response())
}

async fn export(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let account = require_admin(&state, &headers).await?;
    let now = chrono::Utc::now();
    let editor = app::api::catalogue::editor(&account);
    let file = transfer::export(&state.db, state.files.as_ref(), &editor, now).await?;
    let bytes = serde_json::to_vec_pretty(&file)
        .map_err(|e| ApiError::from(ServiceError::Internal(e.to_string())))?;
    let name = format!("catalogue-{}.json", now.format("%Y%m%d"));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CONTENT_DISPOSITION, attachment(&name, &name)),
        ],
        bytes,
    )
        .into_response())
}

async fn openapi() -> Json<serde_json::Value> {
    Json(crate::openapi::document())
}
