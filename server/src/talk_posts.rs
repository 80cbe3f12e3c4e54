//! The form posts and files of 网上咨询, 网上信访 and 领导信箱: sending (multipart, with attachments
//! for petitions and letters), an action on a conversation by its writer or staff, an attachment,
//! and a petition's written opinion. A refused send keeps everything typed (the page shows it with
//! each problem at its field); an action's refusal comes back as a message on the page.

use crate::api_cases::Requester;
use crate::api_v1::{signed_in, ApiError};
use crate::apply_posts::{field, login_redirect, read, today};
use crate::staff_posts::inline_file;
use app::backend::calendar;
use app::backend::error::ServiceError;
use app::backend::state::AppState;
use app::backend::talks::lists as talk_lists;
use app::backend::talks::{self, SentFile, TalkInput, Viewer};
use app::backend::throttle::Client;
use app::domain::talk::{Compose, TalkAction, TalkChannel};
use app::layouts::prefs::encode_component;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

/// Five attachments of 10 MB, and room for a post of twenty to be read and refused with a message.
const MAX_POST_BYTES: usize = 250 * 1024 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consult/send", post(send_consultation))
        .route("/petition/send", post(send_petition))
        .route("/mailbox/send", post(send_letter))
        .route("/talk/find", get(find))
        .route("/talk/{ref_no}/act", post(act))
        .route("/talk/{ref_no}/files/{upload_id}", get(attachment))
        .route("/talk/{ref_no}/opinion.pdf", get(opinion))
        .layer(DefaultBodyLimit::max(MAX_POST_BYTES))
}

async fn send_consultation(
    state: State<AppState>,
    headers: HeaderMap,
    requester: Requester,
    multipart: Multipart,
) -> Response {
    send(
        state,
        headers,
        requester,
        TalkChannel::Consultation,
        multipart,
    )
    .await
}

async fn send_petition(
    state: State<AppState>,
    headers: HeaderMap,
    requester: Requester,
    multipart: Multipart,
) -> Response {
    send(state, headers, requester, TalkChannel::Petition, multipart).await
}

async fn send_letter(
    state: State<AppState>,
    headers: HeaderMap,
    requester: Requester,
    multipart: Multipart,
) -> Response {
    send(state, headers, requester, TalkChannel::Letter, multipart).await
}

/// The page a channel's form is on.
pub fn page_of(channel: TalkChannel) -> &'static str {
    match channel {
        TalkChannel::Consultation => "/consult",
        TalkChannel::Petition => "/petition",
        TalkChannel::Letter => "/mailbox",
    }
}

/// The writing form's fields (`f.{name}`, as the page's fields are named).
fn compose_of(posted: &crate::apply_posts::Posted) -> Compose {
    let f = |name: &str| field(posted, &format!("f.{name}"));
    let text = |name: &str| f(name).unwrap_or("").to_string();
    let some = |name: &str| f(name).map(str::to_string).filter(|s| !s.is_empty());
    Compose {
        item_code: some("item_code"),
        mailbox_code: some("mailbox_code"),
        category: some("category"),
        subject: text("subject"),
        body: text("body"),
        anonymous: f("anonymous").is_some(),
        name: text("name"),
        id_number: text("id_number"),
        mobile: text("mobile"),
        email: text("email"),
        consent_publish: f("consent_publish").is_some(),
    }
}

async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    channel: TalkChannel,
    multipart: Multipart,
) -> Response {
    let back = page_of(channel);
    let account = signed_in(&state, &headers).await.ok().flatten();
    let mut posted = read(multipart).await;
    let compose = compose_of(&posted);
    // Not signed in (a session that ran out while writing), or a post that broke off: what was
    // typed is kept for this browser and comes back on the form.
    let unsent = if channel.needs_account() && account.is_none() {
        Some("请先登录实名账号；您写的内容已保留，登录后请重新选择附件再提交")
    } else if posted.broken {
        Some("提交没有完整送达（网络中断或附件过大）；您写的内容已保留，请重新选择附件后再提交")
    } else {
        None
    };
    if let Some(why) = unsent {
        let kept = talks::keep_unsent(
            &state.db,
            channel,
            account.as_ref().map(|a| a.id),
            &client,
            &compose,
            why,
            chrono::Utc::now(),
        )
        .await;
        if let Err(e) = kept {
            tracing::error!(error = %e, "unsent text not kept");
        }
        return if account.is_none() && channel.needs_account() {
            login_redirect(&format!("{back}?kept=1#write"))
        } else {
            Redirect::to(&format!("{back}?kept=1#write")).into_response()
        };
    }
    let files = std::mem::take(&mut posted.files)
        .into_iter()
        .filter(|(name, _, _)| name == "attachments")
        .map(|(_, file_name, bytes)| SentFile { file_name, bytes })
        .collect();
    let result = async {
        let cal = calendar::load(&state.db).await?;
        talks::send(
            &state.db,
            state.files.as_ref(),
            &cal,
            channel,
            compose,
            files,
            account.as_ref(),
            &client,
            today(),
            chrono::Utc::now(),
        )
        .await
    };
    match result.await {
        Ok(sent) => Redirect::to(&format!(
            "/talk/{}?code={}&sent=1",
            sent.ref_no, sent.query_code
        ))
        .into_response(),
        Err(ServiceError::Fields(_)) => {
            Redirect::to(&format!("{back}?kept=1#write")).into_response()
        }
        Err(e) => Redirect::to(&format!(
            "{back}?error={}#write",
            encode_component(&ApiError::from(e).message())
        ))
        .into_response(),
    }
}

/// A lookup that found nothing, counted (a failure to count is logged, not shown).
pub async fn count_miss(state: &AppState, client: &Client, viewer: &Viewer, ref_no: &str) {
    let counted = talks::count_miss(&state.db, client, viewer, ref_no, chrono::Utc::now()).await;
    if let Err(e) = counted {
        tracing::error!(error = %e, "lookup miss not counted");
    }
}

pub async fn guard_lookup(
    state: &AppState,
    client: &Client,
    viewer: &Viewer,
    ref_no: &str,
) -> Result<(), ServiceError> {
    talks::guard_lookup(&state.db, client, viewer, ref_no, chrono::Utc::now()).await
}

/// The writer's page (with the query code when there is one) or the staff page.
fn page_for(ref_no: &str, viewer: &Viewer) -> String {
    match viewer {
        Viewer::Staff(_) => format!("/staff/talks/{}", encode_component(ref_no)),
        Viewer::Code(code) => format!(
            "/talk/{}?code={}&",
            encode_component(ref_no),
            encode_component(code)
        ),
        Viewer::Account(_) => format!("/talk/{}", encode_component(ref_no)),
    }
}

fn with_param(page: &str, name: &str, value: &str) -> String {
    let sep = if page.ends_with('&') {
        ""
    } else if page.contains('?') {
        "&"
    } else {
        "?"
    };
    format!("{page}{sep}{name}={}", encode_component(value))
}

#[derive(Deserialize, Default)]
struct ActForm {
    action: String,
    version: String,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    level: Option<String>,
    #[serde(default)]
    public_subject: Option<String>,
    #[serde(default)]
    public_body: Option<String>,
    #[serde(default)]
    public_reply: Option<String>,
    #[serde(default)]
    save_template: Option<String>,
}

async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path(ref_no): Path<String>,
    Form(form): Form<ActForm>,
) -> Response {
    let account = signed_in(&state, &headers).await.ok().flatten();
    let Some(viewer) = talks::viewer_of(
        account.as_ref(),
        form.code.as_deref(),
        client.address.clone(),
    ) else {
        return login_redirect(&format!("/talk/{ref_no}"));
    };
    let page = page_for(&ref_no, &viewer);
    let (Some(action), Ok(version)) = (
        TalkAction::from_code(&form.action),
        form.version.trim().parse::<i32>(),
    ) else {
        return Redirect::to(&with_param(&page, "error", "请求不完整，请刷新页面后重试"))
            .into_response();
    };
    let text: String = form.text.chars().take(talk_text_cap()).collect();
    let input = TalkInput {
        text: text.clone(),
        department: form.department.filter(|d| !d.is_empty()),
        level: form.level.and_then(|l| l.parse().ok()),
        public_subject: form.public_subject,
        public_body: form.public_body,
        public_reply: form.public_reply,
        save_template: form.save_template,
        rated_via: None,
    };
    let result = async {
        guard_lookup(&state, &client, &viewer, &ref_no).await?;
        let cal = calendar::load(&state.db).await?;
        talks::act(
            &state.db,
            &cal,
            &ref_no,
            action,
            &viewer,
            version,
            input,
            today(),
            chrono::Utc::now(),
        )
        .await
    };
    let outcome = result.await;
    // A staff member's text (a reply of pages) survives a refusal: the page offers it again.
    if let Viewer::Staff(caller) = &viewer {
        if let Some(user) = caller.user_id {
            let kept = match &outcome {
                Ok(_) => talks::forget_typed(&state.db, user, &ref_no).await,
                Err(_) if !text.trim().is_empty() => {
                    talks::keep_typed(&state.db, user, &ref_no, action, &text, chrono::Utc::now())
                        .await
                }
                Err(_) => Ok(()),
            };
            if let Err(e) = kept {
                tracing::error!(error = %e, "typed text not kept");
            }
        }
    }
    match outcome {
        Ok(_) => Redirect::to(&with_param(&page, "done", action.code())).into_response(),
        Err(ServiceError::NotFound) => {
            count_miss(&state, &client, &viewer, &ref_no).await;
            ApiError::not_found("该编号的留言（或查询码不正确）").into_response()
        }
        Err(e) => {
            Redirect::to(&with_param(&page, "error", &ApiError::from(e).message())).into_response()
        }
    }
}

/// Posted text beyond this is cut before checking: the check then says it is too long.
fn talk_text_cap() -> usize {
    app::domain::talk::REPLY_MAX + 1000
}

#[derive(Deserialize, Default)]
struct FindQuery {
    #[serde(default, rename = "ref")]
    ref_no: String,
    #[serde(default)]
    code: String,
}

/// The lookup form of the channel pages (a GET form, no JavaScript): on to the conversation's page.
async fn find(Query(q): Query<FindQuery>) -> Response {
    let ref_no: String = q.ref_no.trim().to_uppercase().chars().take(20).collect();
    let code: String = q.code.trim().chars().take(16).collect();
    Redirect::to(&format!(
        "/talk/{}?code={}",
        encode_component(&ref_no),
        encode_component(&code)
    ))
    .into_response()
}

#[derive(Deserialize, Default)]
pub struct CodeQuery {
    #[serde(default)]
    pub code: Option<String>,
}

async fn attachment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path((ref_no, upload_id)): Path<(String, i64)>,
    Query(q): Query<CodeQuery>,
) -> Result<Response, ApiError> {
    let account = signed_in(&state, &headers).await?;
    let viewer = talks::viewer_of(account.as_ref(), q.code.as_deref(), client.address.clone())
        .ok_or_else(|| ApiError::not_found("该附件"))?;
    guard_lookup(&state, &client, &viewer, &ref_no).await?;
    let upload =
        match talks::attachment(&state.db, &ref_no, upload_id, &viewer, chrono::Utc::now()).await {
            Err(ServiceError::NotFound) => {
                count_miss(&state, &client, &viewer, &ref_no).await;
                return Err(ApiError::not_found("该附件"));
            }
            other => other?,
        };
    let bytes = state
        .files
        .get(&upload.sha256)
        .await
        .map_err(|e| ApiError::from(ServiceError::Internal(format!("file store: {e}"))))?
        .ok_or_else(|| ApiError::not_found("该附件"))?;
    Ok(inline_file(bytes, &upload.content_type, &upload.file_name))
}

async fn opinion(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    Path(ref_no): Path<String>,
    Query(q): Query<CodeQuery>,
) -> Result<Response, ApiError> {
    let account = signed_in(&state, &headers).await?;
    let viewer = talks::viewer_of(account.as_ref(), q.code.as_deref(), client.address.clone())
        .ok_or_else(|| ApiError::not_found("该意见书"))?;
    guard_lookup(&state, &client, &viewer, &ref_no).await?;
    match talk_lists::opinion_pdf(&state.db, &state.site, &ref_no, &viewer).await {
        Ok(pdf) => Ok(crate::api_cases::pdf_response(
            pdf,
            &format!("信访事项意见书-{ref_no}.pdf"),
        )),
        Err(ServiceError::NotFound) => {
            count_miss(&state, &client, &viewer, &ref_no).await;
            Err(ApiError::not_found("该意见书"))
        }
        Err(e) => Err(e.into()),
    }
}
