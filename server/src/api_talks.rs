//! REST API of the three conversation channels (DESIGN.md §5): `/api/v1/consultations`,
//! `/api/v1/petitions`, `/api/v1/mailbox-letters`, each with `POST` (send), `GET` (the published
//! list; a petitioner's own petitions; a staff member's queue with `?queue=`), `GET /{ref_no}` and
//! `POST /{ref_no}/actions`.

use crate::api_cases::Requester;
use crate::api_v1::{require_account, signed_in, ApiError};
use crate::apply_posts::today;
use crate::talk_posts::{count_miss, guard_lookup};
use app::backend::applications::Caller;
use app::backend::calendar;
use app::backend::error::ServiceError;
use app::backend::state::AppState;
use app::backend::talks::lists::{self as talk_lists, PublicFilter};
use app::backend::talks::{self, TalkInput};
use app::domain::talk::{Compose, TalkAction, TalkChannel, TalkQueue};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

type ApiResult<T> = Result<T, ApiError>;

pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for (path, channel) in [
        ("/api/v1/consultations", TalkChannel::Consultation),
        ("/api/v1/petitions", TalkChannel::Petition),
        ("/api/v1/mailbox-letters", TalkChannel::Letter),
    ] {
        router = router
            .route(
                path,
                post(
                    move |s: State<AppState>, h: HeaderMap, r: Requester, b: String| {
                        create(s, h, r, channel, b)
                    },
                )
                .get(
                    move |s: State<AppState>, h: HeaderMap, q: Query<ListQuery>| {
                        list(s, h, channel, q)
                    },
                ),
            )
            .route(
                &format!("{path}/{{ref_no}}"),
                get(
                    move |s: State<AppState>,
                          h: HeaderMap,
                          r: Requester,
                          p: Path<String>,
                          q: Query<CodeParam>| { one(s, h, r, channel, p, q) },
                ),
            )
            .route(
                &format!("{path}/{{ref_no}}/actions"),
                post(
                    move |s: State<AppState>,
                          h: HeaderMap,
                          r: Requester,
                          p: Path<String>,
                          b: String| { action(s, h, r, channel, p, b) },
                ),
            );
    }
    router
}

/// The body as text first, so that malformed JSON gets our message rather than the framework's.
fn parse<T: serde::de::DeserializeOwned>(body: &str) -> ApiResult<T> {
    serde_json::from_str(body).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "请求内容不是正确的 JSON，请检查字段",
        )
    })
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    channel: TalkChannel,
    body: String,
) -> ApiResult<Response> {
    let compose: Compose = parse(&body)?;
    let account = signed_in(&state, &headers).await?;
    if channel.needs_account() && account.is_none() {
        return Err(require_account(&state, &headers)
            .await
            .err()
            .unwrap_or_else(|| {
                ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")
            }));
    }
    let cal = calendar::load(&state.db).await?;
    let sent = talks::send(
        &state.db,
        state.files.as_ref(),
        &cal,
        channel,
        compose,
        Vec::new(),
        account.as_ref(),
        &client,
        today(),
        chrono::Utc::now(),
    )
    .await;
    Ok((StatusCode::CREATED, Json(sent?)).into_response())
}

#[derive(Deserialize, Default)]
struct ListQuery {
    q: Option<String>,
    queue: Option<String>,
    item: Option<String>,
    mailbox: Option<String>,
    page: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    channel: TalkChannel,
    Query(query): Query<ListQuery>,
) -> ApiResult<Response> {
    let account = signed_in(&state, &headers).await?;
    let page = query
        .page
        .as_deref()
        .and_then(|p| p.trim().parse::<u64>().ok())
        .unwrap_or(1);
    let q = query.q.unwrap_or_default();
    if let Some(a) = account
        .as_ref()
        .filter(|a| a.roles.iter().any(|r| r.is_staff()))
    {
        let queue = query
            .queue
            .as_deref()
            .and_then(TalkQueue::from_code)
            .unwrap_or(TalkQueue::Open);
        let page = talk_lists::queue(&state.db, &Caller::of(a), channel, queue, &q, page).await?;
        return Ok(Json(page).into_response());
    }
    if channel.publishable() {
        let filter = PublicFilter {
            q,
            item_code: query.item,
            mailbox_code: query.mailbox,
            page,
        };
        return Ok(Json(talk_lists::public(&state.db, channel, &filter).await?).into_response());
    }
    // Petitions are never public: a petitioner sees their own.
    let account = require_account(&state, &headers).await?;
    let mine: Vec<_> = talk_lists::of_writer(&state.db, account.id)
        .await?
        .into_iter()
        .filter(|r| r.channel == channel)
        .collect();
    Ok(Json(json!({ "total": mine.len(), "rows": mine })).into_response())
}

#[derive(Deserialize, Default)]
struct CodeParam {
    query_code: Option<String>,
}

/// Neither signed in nor holding a query code.
fn need_code() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
        "请先登录，或提供编号的查询码（query_code）",
    )
}

fn check_channel(channel: TalkChannel, ref_no: &str) -> ApiResult<()> {
    if TalkChannel::from_ref_no(ref_no) == Some(channel) {
        Ok(())
    } else {
        Err(ApiError::not_found("该编号"))
    }
}

async fn one(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    channel: TalkChannel,
    Path(ref_no): Path<String>,
    Query(q): Query<CodeParam>,
) -> ApiResult<Response> {
    check_channel(channel, &ref_no)?;
    let account = signed_in(&state, &headers).await?;
    let viewer = talks::viewer_of(
        account.as_ref(),
        q.query_code.as_deref(),
        client.address.clone(),
    )
    .ok_or_else(need_code)?;
    guard_lookup(&state, &client, &viewer, &ref_no).await?;
    match talks::view(&state.db, &ref_no, &viewer, today(), chrono::Utc::now()).await {
        Ok(view) => Ok(Json(view).into_response()),
        Err(ServiceError::NotFound) => {
            count_miss(&state, &client, &viewer, &ref_no).await;
            Err(ApiError::not_found("该编号（或查询码不正确）"))
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct ActionBody {
    action: String,
    version: i32,
    #[serde(default)]
    query_code: Option<String>,
    #[serde(flatten)]
    input: TalkInput,
}

async fn action(
    State(state): State<AppState>,
    headers: HeaderMap,
    Requester(client): Requester,
    channel: TalkChannel,
    Path(ref_no): Path<String>,
    body: String,
) -> ApiResult<Response> {
    check_channel(channel, &ref_no)?;
    let body: ActionBody = parse(&body)?;
    let action = TalkAction::from_code(&body.action).ok_or_else(|| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "没有这个操作")
    })?;
    let account = signed_in(&state, &headers).await?;
    let viewer = talks::viewer_of(
        account.as_ref(),
        body.query_code.as_deref(),
        client.address.clone(),
    )
    .ok_or_else(need_code)?;
    guard_lookup(&state, &client, &viewer, &ref_no).await?;
    let cal = calendar::load(&state.db).await?;
    match talks::act(
        &state.db,
        &cal,
        &ref_no,
        action,
        &viewer,
        body.version,
        body.input,
        today(),
        chrono::Utc::now(),
    )
    .await
    {
        Ok(row) => Ok(Json(json!({
            "ref_no": row.ref_no,
            "state": row.state,
            "version": row.version,
            "due": row.due_date.filter(|_| row.clock_kind.is_some()),
        }))
        .into_response()),
        Err(ServiceError::NotFound) => {
            count_miss(&state, &client, &viewer, &ref_no).await;
            Err(ApiError::not_found("该编号（或查询码不正确）"))
        }
        Err(e) => Err(e.into()),
    }
}
