//! The back office's form posts and files: a workflow action on a case, claiming it, the walk-in
//! intake form (saved as the clerk's draft, then submitted), a material file for staff, every
//! document of a case (for its applicant or staff), and the counter tablet's rating. A browser
//! gets a redirect back to the page with what happened; nothing typed is lost on a refusal (the
//! intake form is a saved draft; an action's page shows the message and the case as it is).

use crate::api_cases::Requester;
use crate::api_v1::{content_disposition, require_account, ApiError};
use crate::apply_posts::{draft_input, field, login_redirect, read, today, Posted};
use app::backend::applications::{ActionInput, Caller, NewSuspension};
use app::backend::documents::{self, Links};
use app::backend::drafts;
use app::backend::error::ServiceError;
use app::backend::state::AppState;
use app::backend::{calendar, casework, kiosk_rating};
use app::domain::casework::{DeliveryMethod, NoticeKind, Opinion};
use app::domain::workflow::Action;
use app::layouts::prefs::encode_component;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

/// Scans of a whole application in one intake post.
const MAX_POST_BYTES: usize = 100 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/cases/{case_no}/act", post(act))
        .route("/staff/cases/{case_no}/claim", post(claim))
        .route("/staff/cases/{case_no}/assign", post(assign))
        .route("/staff/cases/{case_no}/revoke", post(revoke))
        .route("/staff/intake/{code}", post(intake))
        .route("/staff/files/{material_id}", get(material))
        .route("/staff/cases/{case_no}/documents/{file}", get(document))
        .route("/my/{case_no}/documents/{file}", get(document))
        .route("/kiosk/rate/find", get(find_rating))
        .route("/kiosk/rate/{case_no}", post(rate_counter))
        .layer(DefaultBodyLimit::max(MAX_POST_BYTES))
}

fn back_to(path: &str, query: &str, value: &str) -> Response {
    Redirect::to(&format!("{path}?{query}={}", encode_component(value))).into_response()
}

/// What an action needs besides itself, from the fields of a post or a JSON body.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ActionFields {
    pub reason: Option<String>,
    pub legal_basis: Option<String>,
    /// Codes of the guide's materials a 补正 notice lists.
    #[serde(default)]
    pub missing: Vec<String>,
    pub opinion: Option<String>,
    pub branch: Option<String>,
    pub delivery: Option<String>,
    pub tracking_no: Option<String>,
    pub suspension_kind: Option<String>,
    pub expected_days: Option<u32>,
    pub extension_days: Option<u32>,
}

fn non_empty(v: Option<&str>) -> Option<String> {
    v.map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl ActionFields {
    fn from_posted(posted: &Posted) -> ActionFields {
        let number = |name| field(posted, name).and_then(|v| v.trim().parse().ok());
        ActionFields {
            reason: non_empty(field(posted, "reason")),
            legal_basis: non_empty(field(posted, "legal_basis")),
            missing: posted
                .fields
                .iter()
                .filter(|(k, _)| k == "missing")
                .map(|(_, v)| v.clone())
                .collect(),
            opinion: non_empty(field(posted, "opinion")),
            branch: non_empty(field(posted, "branch")),
            delivery: non_empty(field(posted, "delivery")),
            tracking_no: non_empty(field(posted, "tracking_no")),
            suspension_kind: non_empty(field(posted, "suspension_kind")),
            expected_days: number("expected_days"),
            extension_days: number("extension_days"),
        }
    }

    /// The action's input; unknown choices are refused with a message.
    pub async fn input(
        self,
        state: &AppState,
        case_no: &str,
        action: Action,
    ) -> Result<ActionInput, ServiceError> {
        let missing = if self.missing.is_empty() {
            Vec::new()
        } else {
            let app = app::backend::applications::find(&state.db, case_no)
                .await?
                .ok_or(ServiceError::NotFound)?;
            casework::missing_materials(&state.db, &app.item_code, &self.missing).await?
        };
        let opinion = match self.opinion.as_deref() {
            None => None,
            Some(code) => Some(
                Opinion::from_code(code)
                    .ok_or_else(|| ServiceError::Invalid("未知的协办意见".into()))?,
            ),
        };
        let delivery = match self.delivery.as_deref() {
            None => None,
            Some(code) => Some(
                DeliveryMethod::from_code(code)
                    .ok_or_else(|| ServiceError::Invalid("未知的送达方式".into()))?,
            ),
        };
        let suspension = (action == Action::Suspend).then(|| NewSuspension {
            kind: self.suspension_kind.clone().unwrap_or_default(),
            reason: self.reason.clone().unwrap_or_default(),
            legal_basis: self.legal_basis.clone().unwrap_or_default(),
            expected_days: self.expected_days.unwrap_or_default(),
        });
        if let Some(s) = &suspension {
            if s.kind.is_empty() || s.reason.is_empty() || !(1..=365).contains(&s.expected_days) {
                return Err(ServiceError::Invalid(
                    "请填写特别程序的种类、理由和预计时长（1 至 365 个工作日）".into(),
                ));
            }
        }
        Ok(ActionInput {
            reason: self.reason,
            legal_basis: self.legal_basis,
            missing,
            opinion,
            branch: self.branch,
            delivery,
            tracking_no: self.tracking_no,
            suspension,
            extension_days: self.extension_days,
            ..ActionInput::default()
        })
    }
}

/// Takes an action as staff; with the page's version, so a case changed meanwhile is refused.
pub async fn act_as_staff(
    state: &AppState,
    caller: &Caller,
    case_no: &str,
    action: Action,
    version: i32,
    fields: ActionFields,
) -> Result<app::backend::entities::application::Model, ServiceError> {
    let input = fields.input(state, case_no, action).await?;
    let cal = calendar::load(&state.db).await?;
    casework::act(
        &state.db,
        &cal,
        &state.signer,
        caller,
        case_no,
        action,
        version,
        &input,
        today(),
        chrono::Utc::now(),
    )
    .await
}

async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path(case_no): Path<String>,
    multipart: Multipart,
) -> Response {
    let back = format!("/staff/cases/{}", encode_component(&case_no));
    let account = match require_account(&state, &headers).await {
        Ok(a) => a,
        Err(_) => return login_redirect(&back),
    };
    let posted = read(multipart).await;
    let action = field(&posted, "action").and_then(Action::from_code);
    let version = field(&posted, "version").and_then(|v| v.parse().ok());
    let (Some(action), Some(version)) = (action, version) else {
        return back_to(&back, "error", "请求不完整，请刷新页面后重试");
    };
    let caller = Caller::of(&account).at(client.address);
    match act_as_staff(
        &state,
        &caller,
        &case_no,
        action,
        version,
        ActionFields::from_posted(&posted),
    )
    .await
    {
        Ok(_) => back_to(&back, "done", action.code()),
        Err(e) => back_to(&back, "error", &ApiError::from(e).message()),
    }
}

/// The shape of the case page's small posts: the signed-in caller, one service call, then back to
/// the case page saying it was `done` or in the refusal's words.
async fn on_case<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    case_no: &str,
    done: &str,
    run: F,
) -> Response
where
    F: FnOnce(Caller) -> Fut,
    Fut: std::future::Future<Output = Result<(), ServiceError>>,
{
    let back = format!("/staff/cases/{}", encode_component(case_no));
    let account = match require_account(state, headers).await {
        Ok(a) => a,
        Err(_) => return login_redirect(&back),
    };
    match run(Caller::of(&account)).await {
        Ok(()) => back_to(&back, "done", done),
        Err(e) => back_to(&back, "error", &ApiError::from(e).message()),
    }
}

async fn claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
) -> Response {
    let (db, no) = (&state.db, case_no.as_str());
    on_case(&state, &headers, no, "claim", move |caller| async move {
        casework::claim(db, &caller, no, chrono::Utc::now()).await
    })
    .await
}

#[derive(serde::Deserialize)]
struct AssignForm {
    username: String,
}

/// 分派: a head gives the case to someone of the department.
async fn assign(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    axum::extract::Form(form): axum::extract::Form<AssignForm>,
) -> Response {
    let (db, no, to) = (&state.db, case_no.as_str(), form.username.as_str());
    on_case(&state, &headers, no, "assign", move |caller| async move {
        casework::assign(db, &caller, no, to, chrono::Utc::now()).await
    })
    .await
}

#[derive(serde::Deserialize)]
struct RevokeForm {
    code: String,
    reason: String,
}

/// 注销 a certificate: an approver of the issuing department, with a reason.
async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    axum::extract::Form(form): axum::extract::Form<RevokeForm>,
) -> Response {
    let (db, code, reason) = (&state.db, form.code.as_str(), form.reason.as_str());
    on_case(
        &state,
        &headers,
        &case_no,
        "revoke",
        move |caller| async move {
            casework::revoke_certificate(db, &caller, code, reason, chrono::Utc::now()).await
        },
    )
    .await
}

/// The intake form: every post saves the clerk's draft of the item (values and scans, nothing
/// lost); `intent=submit` then turns it into the case.
async fn intake(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Response {
    let back = format!("/staff/intake/{}", encode_component(&code));
    let account = match require_account(&state, &headers).await {
        Ok(a) => a,
        Err(_) => return login_redirect(&back),
    };
    let caller = Caller::of(&account).at(client.address);
    if !caller.roles().contains(&app::domain::role::Role::Clerk) {
        return back_to(&back, "error", "只有窗口人员可以收件");
    }
    let mut posted = read(multipart).await;
    let submit = field(&posted, "intent") == Some("submit");
    // On submit every field is checked, so the draft holds each problem at its field.
    let input = draft_input(&mut posted, submit);
    let saved = drafts::save(
        &state.db,
        state.files.as_ref(),
        account.id,
        &code,
        input,
        chrono::Utc::now(),
    )
    .await;
    if let Err(e) = saved {
        return back_to(&back, "error", &ApiError::from(e).message());
    }
    if !submit {
        return Redirect::to(&format!("{back}?saved=1")).into_response();
    }
    let key = field(&posted, "key").unwrap_or_default().to_string();
    let result = async {
        let cal = calendar::load(&state.db).await?;
        casework::intake_draft(
            &state.db,
            &cal,
            &state.region_code,
            &caller,
            &code,
            &key,
            today(),
            chrono::Utc::now(),
        )
        .await
    };
    match result.await {
        Ok(app) => Redirect::to(&format!(
            "/staff/cases/{}?done=intake",
            encode_component(&app.case_no)
        ))
        .into_response(),
        // The draft keeps everything; the page shows each problem at its field.
        Err(ServiceError::Fields(_)) => {
            Redirect::to(&format!("{back}?incomplete=1")).into_response()
        }
        Err(e) => back_to(&back, "error", &ApiError::from(e).message()),
    }
}

/// A material of a case, inline (PDF and images open in the page); staff who may see the case.
async fn material(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path(material_id): Path<i32>,
) -> Result<Response, ApiError> {
    let account = require_account(&state, &headers).await?;
    let material = casework::material_file(
        &state.db,
        &Caller::of(&account),
        material_id,
        client.address.as_deref().unwrap_or("unknown"),
        chrono::Utc::now(),
    )
    .await?;
    let bytes = state
        .files
        .get(&material.sha256)
        .await
        .map_err(|e| ApiError::from(ServiceError::Internal(format!("file store: {e}"))))?
        .ok_or_else(|| ApiError::not_found("该文件"))?;
    Ok(inline_file(
        bytes,
        &material.content_type,
        &material.file_name,
    ))
}

/// A stored upload shown inline in a page of this site (PDF in a frame, images): never cached,
/// nothing in it may run, only this site may frame it.
pub(crate) fn inline_file(bytes: Vec<u8>, content_type: &str, file_name: &str) -> Response {
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    (
        [
            (header::CONTENT_TYPE, content_type),
            (
                header::CONTENT_DISPOSITION,
                content_disposition("inline", file_name, "material"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'",
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `{kind}.pdf` of a case for its applicant or staff of its department; anyone else: 404.
pub async fn document_pdf(
    state: &AppState,
    headers: &HeaderMap,
    case_no: &str,
    file: &str,
) -> Result<Response, ApiError> {
    let kind = file
        .strip_suffix(".pdf")
        .and_then(NoticeKind::from_code)
        .ok_or_else(|| ApiError::not_found("该文书"))?;
    let account = require_account(state, headers).await?;
    let app = casework::readable(&state.db, &Caller::of(&account), case_no).await?;
    let cal = calendar::load(&state.db).await?;
    let pdf = documents::render(
        &state.db,
        &cal,
        &state.signer,
        &app,
        kind,
        &Links {
            site: &state.site,
            public_url: &state.public_url,
        },
        today(),
    )
    .await
    .map_err(|e| match e {
        ServiceError::NotFound => ApiError::not_found("该文书（尚未制作）"),
        other => other.into(),
    })?;
    Ok(crate::api_cases::pdf_response(
        pdf,
        &format!("{}-{case_no}.pdf", kind.name_zh()),
    ))
}

async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((case_no, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    document_pdf(&state, &headers, &case_no, &file).await
}

#[derive(serde::Deserialize)]
struct RatingForm {
    code: String,
    level: i32,
    #[serde(default)]
    comment: String,
}

/// The counter tablet's rating: no login (the tablet is shared), the case's query code instead.
async fn rate_counter(
    State(state): State<AppState>,
    Requester(client): Requester,
    Path(case_no): Path<String>,
    axum::extract::Form(form): axum::extract::Form<RatingForm>,
) -> Response {
    let back = format!(
        "/kiosk/rate/{}?code={}",
        encode_component(&case_no),
        encode_component(&form.code)
    );
    let now = chrono::Utc::now();
    let cal = match calendar::load(&state.db).await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let result = kiosk_rating::rate(
        &state.db,
        &cal,
        &case_no,
        &form.code,
        form.level,
        &form.comment,
        "kiosk",
        &client,
        today(),
        now,
    )
    .await;
    match result {
        Ok(()) => Redirect::to(&format!("{back}&done=1")).into_response(),
        Err(ServiceError::NotFound) => {
            (StatusCode::NOT_FOUND, "编号或查询密码不正确").into_response()
        }
        Err(e) => Redirect::to(&format!(
            "{back}&error={}",
            encode_component(&ApiError::from(e).message())
        ))
        .into_response(),
    }
}

/// The kiosk's lookup form: on to the rating page of the number typed.
async fn find_rating(Query(q): Query<FindRating>) -> Response {
    let number = q.number.trim().to_uppercase();
    if number.is_empty() || number.len() > 20 || !number.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Redirect::to("/kiosk/rate?error=1").into_response();
    }
    Redirect::to(&format!(
        "/kiosk/rate/{number}?code={}",
        encode_component(q.code.trim())
    ))
    .into_response()
}

#[derive(serde::Deserialize)]
struct FindRating {
    #[serde(default)]
    number: String,
    #[serde(default)]
    code: String,
}
