//! REST API `/api/v1` for the citizen journey (DESIGN.md §5): sessions, file uploads, applications
//! with `Idempotency-Key`, one application, its documents, workflow actions, the public status
//! lookup and ratings. Every record is checked against the caller: another person's case answers
//! 404, exactly like a case that does not exist.

use crate::api_v1::{content_disposition, require_account, ApiError};
use crate::staff_posts::{act_as_staff, ActionFields};
use app::api::context::{clear_cookie_header, client_of, set_cookie_header};
use app::backend::applications::{self, Caller};
use app::backend::auth::{self, Account, LogoutScope};
use app::backend::casework::{self, QueueQuery};
use app::backend::drafts;
use app::backend::error::ServiceError;
use app::backend::sessions::COOKIE_NAME;
use app::backend::state::AppState;
use app::backend::throttle::Client;
use app::backend::{calendar, certificates, kiosk_rating, my_cases, two_factor, uploads};
use app::domain::application_form::Values;
use app::domain::case_read::CaseView;
use app::domain::casework::{Queue, Sort, Verification};
use app::domain::time::local_date;
use app::domain::workflow::Action;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;
use std::convert::Infallible;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(log_in).delete(log_out))
        .route("/api/v1/files", post(upload_file))
        .route("/api/v1/applications", post(create).get(list))
        .route("/api/v1/applications/{case_no}", get(one))
        .route(
            "/api/v1/applications/{case_no}/documents/{document}",
            get(document),
        )
        .route("/api/v1/applications/{case_no}/actions", post(action))
        .route("/api/v1/status/{case_no}", get(status))
        .route("/api/v1/ratings", post(rate))
        .route("/api/v1/certificates/{code}", get(certificate))
        // A material file and the multipart framing around it.
        .layer(DefaultBodyLimit::max(uploads::MAX_BYTES + 64 * 1024))
}

type ApiResult<T> = Result<T, ApiError>;

/// Where a request came from (device cookie, peer address), for throttling.
pub struct Requester(pub Client);

impl<S: Send + Sync> FromRequestParts<S> for Requester {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Requester(client_of(&parts.headers, &parts.extensions)))
    }
}

/// A citizen or company account (the ones that apply), or 403.
async fn applicant(state: &AppState, headers: &HeaderMap) -> ApiResult<Account> {
    let account = require_account(state, headers).await?;
    if account.roles.iter().any(|r| !r.is_staff()) {
        Ok(account)
    } else {
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "工作人员账号不能以申请人身份办理",
        ))
    }
}

fn today() -> chrono::NaiveDate {
    local_date(chrono::Utc::now())
}

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
    /// The authenticator's code (or a recovery code): staff accounts need it.
    code: Option<String>,
}

async fn log_in(
    State(state): State<AppState>,
    Requester(client): Requester,
    Json(c): Json<Credentials>,
) -> ApiResult<Response> {
    if c.username.len() > 256 || c.password.len() > 1024 {
        return Err(ServiceError::BadCredentials.into());
    }
    let now = chrono::Utc::now();
    let policy = two_factor::Policy::for_environment(state.environment);
    let s = match auth::login(&state.db, &c.username, &c.password, &client, policy, now).await? {
        auth::Login::SignedIn(s) => s,
        // A staff account gives its code in the same request; an authenticator is enrolled on
        // the web login page, which shows the QR code.
        auth::Login::SecondFactor { challenge } => match c.code.filter(|c| c.len() <= 64) {
            Some(code) => auth::second_factor(&state.db, &challenge.0, &code, &client, now).await?,
            None => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "second_factor_required",
                    "工作人员账号还需要动态验证码：请在 code 中填写验证器应用显示的 6 位数字（尚未绑定验证器的，请先在网页登录绑定）",
                ))
            }
        },
    };
    let cookie = set_cookie_header(&s.token, state.environment);
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({
            "username": s.account.username,
            "display_name": s.account.display_name,
            "roles": s.account.roles,
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct LogoutParams {
    /// `everywhere=true` ends every session of the account.
    everywhere: Option<bool>,
}

async fn log_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<LogoutParams>,
) -> ApiResult<Response> {
    if let Some(token) = app::api::context::cookie(&headers, COOKIE_NAME) {
        let scope = if p.everywhere == Some(true) {
            LogoutScope::Everywhere
        } else {
            LogoutScope::ThisDevice
        };
        auth::logout(&state.db, &token, scope, chrono::Utc::now()).await?;
    }
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie_header())],
    )
        .into_response())
}

/// Reads one file field of a multipart body, stopping at `limit` bytes (the rest is drained and
/// its size counted, so the message can say how large it was).
pub async fn read_file_field(
    field: axum::extract::multipart::Field<'_>,
    limit: usize,
) -> Result<(String, Result<Vec<u8>, usize>), String> {
    let name = field.file_name().unwrap_or_default().to_string();
    let mut field = field;
    let mut bytes = Vec::new();
    let mut size = 0usize;
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|_| "上传中断或文件过大，请重试".to_string())?
    {
        size += chunk.len();
        if size <= limit {
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok((name, if size <= limit { Ok(bytes) } else { Err(size) }))
}

async fn upload_file(
    State(state): State<AppState>,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> ApiResult<Response> {
    let account = applicant(&state, &headers).await?;
    let too_large = |size| {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &uploads::too_large(size),
        )
    };
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| too_large(uploads::MAX_BYTES + 1))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let (name, bytes) = read_file_field(field, uploads::MAX_BYTES)
            .await
            .map_err(|m| ApiError::new(StatusCode::BAD_REQUEST, "invalid", &m))?;
        let bytes = bytes.map_err(too_large)?;
        let up = uploads::store(
            &state.db,
            state.files.as_ref(),
            account.id,
            &name,
            bytes,
            chrono::Utc::now(),
        )
        .await?;
        return Ok((
            StatusCode::CREATED,
            Json(json!({
                "id": up.id, "sha256": up.sha256, "size": up.size,
                "content_type": up.content_type, "file_name": up.file_name,
            })),
        )
            .into_response());
    }
    Err(ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "请在字段 file 中上传文件",
    ))
}

#[derive(Deserialize)]
struct MaterialRef {
    material_code: String,
    file_id: i64,
}

#[derive(Deserialize)]
struct NewApplication {
    item_code: String,
    #[serde(default)]
    form: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    materials: Vec<MaterialRef>,
}

fn case_json(view: &CaseView) -> serde_json::Value {
    json!({
        "case_no": view.case_no,
        "query_code": view.query_code,
        "item_code": view.item_code,
        "item_name": view.item_name,
        "department": view.department,
        "state": view.state,
        "state_name": view.state_name,
        "version": view.version,
        "submitted_at": view.submitted_at,
        "timeline": view.timeline,
        "deadlines": view.deadlines,
        "materials": view.materials,
        "next": view.next,
        "can_withdraw": view.can_withdraw,
        "rating": view.rating,
    })
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<NewApplication>,
) -> ApiResult<Response> {
    let account = applicant(&state, &headers).await?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "idempotency_key_required",
                "请在请求头 Idempotency-Key 中给出本次提交的唯一标识",
            )
        })?
        .to_string();
    let caller = Caller::of(&account);
    let cal = calendar::load(&state.db).await?;
    let now = chrono::Utc::now();
    let values: Values = body
        .form
        .iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Bool(true) => "1".into(),
                serde_json::Value::Bool(false) | serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), text)
        })
        .collect();
    let attach: Vec<(String, i64)> = body
        .materials
        .iter()
        .map(|m| (m.material_code.clone(), m.file_id))
        .collect();
    // A replay (the same key again) answers with the first case and saves nothing.
    let submitted = drafts::submit_posted(
        &state.db,
        &cal,
        &state.region_code,
        &caller,
        &body.item_code,
        &key,
        &values,
        &attach,
        today(),
        now,
    )
    .await?;
    let view =
        my_cases::view_for_owner(&state.db, &cal, account.id, &submitted.case_no, today()).await?;
    let status = if submitted.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(case_json(&view))).into_response())
}

#[derive(Deserialize)]
struct ListParams {
    queue: Option<String>,
    sort: Option<String>,
    q: Option<String>,
    mine: Option<bool>,
    page: Option<u64>,
}

/// The caller's applications; for staff, a queue of their department (`queue`, `sort`, `q`,
/// `mine`, `page`).
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> ApiResult<Response> {
    let account = require_account(&state, &headers).await?;
    let caller = Caller::of(&account);
    if caller.is_staff() {
        let queue = match p.queue.as_deref() {
            None => Queue::first_for(&caller.roles()),
            Some(code) => Queue::from_code(code).ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid",
                    "未知的工作队列",
                )
            })?,
        };
        let cal = calendar::load(&state.db).await?;
        let page = casework::queue(
            &state.db,
            &cal,
            &caller,
            &QueueQuery {
                queue,
                sort: Sort::from_code(p.sort.as_deref().unwrap_or("due")),
                search: p.q.unwrap_or_default(),
                mine: p.mine.unwrap_or(false),
                page: p.page.unwrap_or(1),
            },
            today(),
        )
        .await?;
        return Ok(Json(page).into_response());
    }
    let account = applicant(&state, &headers).await?;
    let cases = my_cases::list(&state.db, account.id).await?;
    let drafts = my_cases::drafts(&state.db, account.id).await?;
    Ok(Json(json!({"applications": cases, "drafts": drafts})).into_response())
}

async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path(case_no): Path<String>,
) -> ApiResult<Response> {
    let account = require_account(&state, &headers).await?;
    let cal = calendar::load(&state.db).await?;
    let caller = Caller::of(&account);
    if caller.is_staff() {
        // Staff of the case's department see it whole; the reading is audited with the address.
        let view = casework::view(
            &state.db,
            &cal,
            &caller,
            &case_no,
            client.address.as_deref().unwrap_or("unknown"),
            today(),
            chrono::Utc::now(),
        )
        .await?;
        return Ok(Json(view).into_response());
    }
    let view = my_cases::view_for_owner(&state.db, &cal, account.id, &case_no, today()).await?;
    Ok(Json(case_json(&view)).into_response())
}

async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((case_no, document)): Path<(String, String)>,
) -> ApiResult<Response> {
    crate::staff_posts::document_pdf(&state, &headers, &case_no, &document).await
}

/// 申请回执 of a case, for its applicant only (anyone else: 404).
pub async fn receipt(state: &AppState, headers: &HeaderMap, case_no: &str) -> ApiResult<Response> {
    let account = require_account(state, headers).await?;
    let app = my_cases::owned(&state.db, account.id, case_no).await?;
    let cal = calendar::load(&state.db).await?;
    let pdf = my_cases::receipt_pdf(
        &state.db,
        &cal,
        &app,
        &state.site,
        &state.public_url,
        today(),
    )
    .await?;
    Ok(pdf_response(pdf, &format!("申请回执-{case_no}.pdf")))
}

/// A PDF download with a safe, encoded file name; never cached by shared caches.
pub fn pdf_response(pdf: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                content_disposition("inline", file_name, "receipt.pdf"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        pdf,
    )
        .into_response()
}

#[derive(Deserialize)]
struct ActionBody {
    action: String,
    version: i32,
    #[serde(flatten)]
    fields: ActionFields,
}

async fn action(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path(case_no): Path<String>,
    Json(body): Json<ActionBody>,
) -> ApiResult<Response> {
    let account = require_account(&state, &headers).await?;
    let action = Action::from_code(&body.action).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "未知的办理动作",
        )
    })?;
    let caller = Caller::of(&account).at(client.address);
    let app = if caller.is_staff() {
        act_as_staff(&state, &caller, &case_no, action, body.version, body.fields).await?
    } else {
        let input = body.fields.input(&state, &case_no, action).await?;
        let cal = calendar::load(&state.db).await?;
        applications::act(
            &state.db,
            &cal,
            &case_no,
            action,
            &caller,
            body.version,
            &input,
            today(),
            chrono::Utc::now(),
        )
        .await?
    };
    Ok(
        Json(json!({"case_no": app.case_no, "state": app.state, "version": app.version}))
            .into_response(),
    )
}

#[derive(Deserialize)]
struct StatusParams {
    query_code: Option<String>,
}

async fn status(
    State(state): State<AppState>,
    Requester(client): Requester,
    Path(case_no): Path<String>,
    Query(p): Query<StatusParams>,
) -> ApiResult<Response> {
    let cal = calendar::load(&state.db).await?;
    let view = my_cases::lookup(
        &state.db,
        &cal,
        &case_no,
        p.query_code.as_deref().unwrap_or(""),
        &client,
        today(),
        chrono::Utc::now(),
    )
    .await
    .map_err(|e| match e {
        ServiceError::NotFound => ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "办件编号或查询密码不正确，请核对后重试",
        ),
        other => other.into(),
    })?;
    Ok(Json(json!({
        "case_no": view.case_no,
        "item_name": view.item_name,
        "department": view.department,
        "state": view.state,
        "state_name": view.state_name,
        "timeline": view.timeline,
        "deadlines": view.deadlines,
    }))
    .into_response())
}

/// 好差评 through the API: a case of the signed-in applicant (`case_no`), or — with the query
/// code instead of a login — a concluded case or an answered question, petition or letter
/// (`case_no` or `ref_no` with `query_code`).
#[derive(Deserialize)]
struct RatingBody {
    #[serde(default)]
    case_no: Option<String>,
    #[serde(default)]
    ref_no: Option<String>,
    #[serde(default)]
    query_code: Option<String>,
    level: i32,
    #[serde(default)]
    comment: String,
}

async fn rate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Json(body): Json<RatingBody>,
) -> ApiResult<Response> {
    let now = chrono::Utc::now();
    let number = body
        .ref_no
        .as_deref()
        .or(body.case_no.as_deref())
        .unwrap_or_default();
    if number.is_empty() {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "请给出办件编号（case_no）或信件编号（ref_no）",
        ));
    }
    match body.query_code.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(code) => {
            let cal = calendar::load(&state.db).await?;
            kiosk_rating::rate(
                &state.db,
                &cal,
                number,
                code,
                body.level,
                &body.comment,
                "web",
                &client,
                local_date(now),
                now,
            )
            .await?
        }
        None => {
            let account = applicant(&state, &headers).await?;
            my_cases::rate(
                &state.db,
                &Caller::of(&account),
                number,
                body.level,
                &body.comment,
                "web",
                now,
            )
            .await?
        }
    }
    Ok(StatusCode::CREATED.into_response())
}

/// 证照核验 for anyone: `valid`, `revoked` (when and why) or `invalid` (unknown, altered, or not
/// signed by this portal's key). The holder's ID number is already masked in the content.
async fn certificate(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let verdict = certificates::verify(&state.db, &state.signer, &code).await?;
    Ok(Json(match verdict {
        Verification::Valid(content) => json!({"status": "valid", "certificate": content}),
        Verification::Revoked {
            content,
            at,
            reason,
        } => {
            json!({"status": "revoked", "certificate": content, "revoked_at": at, "reason": reason})
        }
        Verification::Invalid => json!({"status": "invalid"}),
    })
    .into_response())
}
