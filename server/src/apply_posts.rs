//! The citizen's form posts (multipart HTML forms that work with and without JavaScript): saving a
//! draft with its material files, submitting it, handing in 补正 materials, and the receipt PDF.
//! A browser gets a redirect back to the page, which shows what was saved and what is wrong; a
//! script that asks for JSON gets the draft's state.

use crate::api_cases::read_file_field;
use crate::api_v1::require_account;
use crate::api_v1::ApiError;
use app::backend::applications::{self, ActionInput, Caller, NewMaterial};
use app::backend::drafts::{self, DraftInput, PostedFile};
use app::backend::error::ServiceError;
use app::backend::state::AppState;
use app::backend::{calendar, my_cases, uploads};
use app::domain::time::local_date;
use app::domain::workflow::Action;
use app::layouts::prefs::encode_component;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

/// A whole application's files in one post: several materials of up to 10 MB each, and room for
/// a 50 MB mistake to be read, measured and refused with a message instead of a broken page.
const MAX_POST_BYTES: usize = 100 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apply/{code}", post(save_draft))
        .route("/apply/{code}/submit", post(submit))
        .route("/my/{case_no}/supplement", post(supplement))
        .route("/my/{case_no}/receipt.pdf", get(receipt))
        .layer(DefaultBodyLimit::max(MAX_POST_BYTES))
}

pub(crate) fn wants_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"))
}

pub(crate) fn today() -> chrono::NaiveDate {
    local_date(chrono::Utc::now())
}

/// What a multipart post carried: text fields and files by field name.
pub(crate) struct Posted {
    pub fields: Vec<(String, String)>,
    pub files: Vec<(String, String, Result<Vec<u8>, usize>)>,
    /// The post broke off (connection, framing): what came before is still used.
    pub broken: bool,
}

pub(crate) async fn read(mut multipart: Multipart) -> Posted {
    let mut posted = Posted {
        fields: Vec::new(),
        files: Vec::new(),
        broken: false,
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => {
                posted.broken = true;
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if field.file_name().is_some() {
            match read_file_field(field, uploads::MAX_BYTES).await {
                Ok((file_name, bytes)) => posted.files.push((name, file_name, bytes)),
                Err(_) => {
                    posted.broken = true;
                    break;
                }
            }
        } else {
            match field.text().await {
                // Far above any field's limit (a letter of 100,000 characters is kept whole): the
                // draft keeps it and the check says it is too long.
                Ok(text) => posted
                    .fields
                    .push((name, text.chars().take(200_000).collect())),
                Err(_) => {
                    posted.broken = true;
                    break;
                }
            }
        }
    }
    posted
}

pub(crate) fn field<'a>(posted: &'a Posted, name: &str) -> Option<&'a str> {
    posted
        .fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A draft's fields (`f.{key}`), files (`file.{material}`) and detachments from a post; a file
/// over the limit is kept as a problem at its material. `check_all` checks every field.
pub(crate) fn draft_input(posted: &mut Posted, check_all: bool) -> DraftInput {
    let mut input = DraftInput {
        check_all,
        ..DraftInput::default()
    };
    for (name, value) in &posted.fields {
        if let Some(key) = name.strip_prefix("f.") {
            input.values.insert(key.to_string(), value.clone());
        } else if name == "detach" {
            input.detach.push(value.clone());
        }
    }
    // The files move into the draft: a post may carry 100 MB.
    for (name, file_name, bytes) in std::mem::take(&mut posted.files) {
        let Some(code) = name.strip_prefix("file.") else {
            continue;
        };
        match bytes {
            Ok(bytes) if bytes.is_empty() => {}
            Ok(bytes) => input.files.push(PostedFile {
                material_code: code.to_string(),
                file_name,
                bytes,
            }),
            Err(size) => input
                .rejected
                .push((code.to_string(), uploads::too_large(size))),
        }
    }
    input
}

pub(crate) fn login_redirect(next: &str) -> Response {
    Redirect::to(&format!("/login?next={}", encode_component(next))).into_response()
}

async fn save_draft(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    multipart: Multipart,
) -> Response {
    let back = format!("/apply/{}", encode_component(&code));
    let account = match require_account(&state, &headers).await {
        Ok(a) => a,
        Err(e) if wants_json(&headers) => return e.into_response(),
        Err(_) => return login_redirect(&back),
    };
    let mut posted = read(multipart).await;
    let review = field(&posted, "intent") == Some("review");
    let input = draft_input(&mut posted, review);
    let saved = drafts::save(
        &state.db,
        state.files.as_ref(),
        account.id,
        &code,
        input,
        chrono::Utc::now(),
    )
    .await;
    match saved {
        Ok(view) if wants_json(&headers) => Json(json!({
            "saved_at": view.saved_at,
            "problems": view.problems,
            "ready": view.ready(),
            "broken": posted.broken,
            "materials": view.slots.iter().map(|s| json!({
                "code": s.code,
                "file_name": s.attached.as_ref().map(|a| a.file_name.clone()),
                "size": s.attached.as_ref().map(|a| a.size),
            })).collect::<Vec<_>>(),
        }))
        .into_response(),
        Ok(view) if review && view.ready() => {
            Redirect::to(&format!("{back}/review")).into_response()
        }
        Ok(_) => Redirect::to(&format!("{back}?saved=1#form-top")).into_response(),
        Err(e) if wants_json(&headers) => ApiError::from(e).into_response(),
        Err(e) => Redirect::to(&format!(
            "{back}?error={}",
            encode_component(&ApiError::from(e).message())
        ))
        .into_response(),
    }
}

#[derive(Deserialize)]
struct SubmitForm {
    idempotency_key: String,
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Form(form): Form<SubmitForm>,
) -> Response {
    let back = format!("/apply/{}", encode_component(&code));
    let account = match require_account(&state, &headers).await {
        Ok(a) => a,
        Err(_) => return login_redirect(&back),
    };
    let result = async {
        let cal = calendar::load(&state.db).await?;
        drafts::submit(
            &state.db,
            &cal,
            &state.region_code,
            &Caller::of(&account),
            &code,
            &form.idempotency_key,
            today(),
            chrono::Utc::now(),
        )
        .await
    };
    match result.await {
        Ok(done) => Redirect::to(&format!("/my/{}?submitted=1", done.case_no)).into_response(),
        // The draft has the problems at its fields: back to the form.
        Err(ServiceError::Fields(_)) => {
            Redirect::to(&format!("{back}?incomplete=1#form-top")).into_response()
        }
        Err(e) => Redirect::to(&format!(
            "{back}/review?error={}",
            encode_component(&ApiError::from(e).message())
        ))
        .into_response(),
    }
}

async fn supplement(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
    multipart: Multipart,
) -> Response {
    let back = format!("/my/{}", encode_component(&case_no));
    let account = match require_account(&state, &headers).await {
        Ok(a) => a,
        Err(_) => return login_redirect(&back),
    };
    let mut posted = read(multipart).await;
    let version: Option<i32> = field(&posted, "version").and_then(|v| v.parse().ok());
    let fail = |msg: &str| {
        Redirect::to(&format!("{back}?error={}", encode_component(msg))).into_response()
    };
    let result = async {
        let app = my_cases::owned(&state.db, account.id, &case_no).await?;
        let form = app::backend::application_forms::for_item(&state.db, &app.item_code).await?;
        let mut materials = Vec::new();
        for (name, file_name, bytes) in std::mem::take(&mut posted.files) {
            let Some(code) = name.strip_prefix("file.") else {
                continue;
            };
            let Some(spec) = form.detail.guide.materials.iter().find(|m| m.code == code) else {
                continue;
            };
            let bytes = match bytes {
                Ok(b) if b.is_empty() => continue,
                Ok(b) => b,
                Err(size) => {
                    return Err(ServiceError::Invalid(format!(
                        "{}：{}",
                        spec.name,
                        uploads::too_large(size)
                    )))
                }
            };
            let upload = uploads::store(
                &state.db,
                state.files.as_ref(),
                account.id,
                &file_name,
                bytes,
                chrono::Utc::now(),
            )
            .await
            .map_err(|e| match e {
                ServiceError::Invalid(why) => {
                    ServiceError::Invalid(format!("{}：{why}", spec.name))
                }
                other => other,
            })?;
            materials.push(NewMaterial {
                code: code.to_string(),
                name: spec.name.clone(),
                upload,
            });
        }
        if materials.is_empty() {
            return Err(ServiceError::Invalid("请上传补正告知书中列出的材料".into()));
        }
        let version = version.unwrap_or(app.version);
        let cal = calendar::load(&state.db).await?;
        applications::act(
            &state.db,
            &cal,
            &case_no,
            Action::Resubmit,
            &Caller::of(&account),
            version,
            &ActionInput {
                materials,
                ..ActionInput::default()
            },
            today(),
            chrono::Utc::now(),
        )
        .await
    };
    match result.await {
        Ok(_) => Redirect::to(&format!("{back}?resubmitted=1")).into_response(),
        Err(e) => fail(&ApiError::from(e).message()),
    }
}

async fn receipt(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(case_no): Path<String>,
) -> Result<Response, ApiError> {
    crate::api_cases::receipt(&state, &headers, &case_no).await
}
