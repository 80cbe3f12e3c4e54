//! The HTTP surface: pages (Leptos), server functions, health and metrics, preference links, static
//! files, and the layers every response passes through (security headers, CSRF origin check,
//! metrics, request log).

use crate::{metrics, page_cache};
use app::backend::state::AppState;
use app::domain::site::SIMULATED_READER_PATH;
use app::i18n::LANG_COOKIE;
use app::layouts::prefs::CARE_COOKIE;
use app::{shell, App};
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use serde::Deserialize;
use std::sync::LazyLock;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

/// The page routes, generated once per process. Generating them runs the app with resource loading
/// switched off by a process-wide flag (leptos_server's `SuppressResourceLoad`): a page whose data
/// began loading in that window would wait forever (leptos issue 4773). Generating them once, before
/// any router exists, closes the window for tests that build several routers at once.
static ROUTES: LazyLock<Vec<AxumRouteListing>> = LazyLock::new(|| generate_route_list(App));

/// Builds the whole application router around `state`.
pub fn router(state: AppState) -> Router {
    let routes = ROUTES.clone();
    let page_state = state.clone();
    let fallback_state = state.clone();
    let options = state.leptos_options.clone();
    // The compiled bundle and the icon are plain files: served directly, without the page
    // context (a nonce and a page policy) that the fallback would build for each of them.
    let site_root = std::path::PathBuf::from(&*options.site_root);
    let pkg_dir = site_root.join(&*options.site_pkg_dir);
    Router::new()
        .nest_service(
            &format!("/{}", options.site_pkg_dir),
            // `make build` writes `.br` and `.gz` beside each bundle file, compressed once at the
            // strongest level; without them the layer below compresses on the fly.
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .route_service("/favicon.svg", ServeFile::new(site_root.join("favicon.svg")))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::render))
        .route("/prefs/lang/{code}", get(set_language))
        .route("/prefs/care/{mode}", get(set_care_mode))
        .route(SIMULATED_READER_PATH, get(simulated_card_reader))
        .merge(crate::api_v1::routes())
        .merge(crate::api_cases::routes())
        .merge(crate::apply_posts::routes())
        .merge(crate::staff_posts::routes())
        .merge(crate::talk_posts::routes())
        .merge(crate::supervision_posts::routes())
        .merge(crate::api_talks::routes())
        .merge(crate::admin_uploads::routes())
        // Also registers each server function at its own `/sf/…` path, with the same context.
        .leptos_routes_with_context(
            &state,
            routes,
            move || page_context(&page_state),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            move || page_context(&fallback_state),
            shell,
        ))
        // These two read the answer's body, so they come before it is compressed.
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(middleware::from_fn(api_errors_as_json))
        // Guide and search pages for visitors who are not signed in, kept ready (compressed).
        .layer(middleware::from_fn_with_state(
            (state.clone(), page_cache::PageCache::default()),
            page_cache::serve,
        ))
        // Township lines are slow: pages, the wasm bundle and JSON go out compressed (brotli or
        // gzip, as the browser accepts). Not at the default level: for brotli that is quality 11,
        // meant for compressing once ahead of time, and it cost a page several times its render.
        // Level 4 keeps most of the saving at a small part of the work.
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn_with_state(
            state.public_url.starts_with("https://"),
            strict_transport,
        ))
        .layer(middleware::from_fn(device_cookie))
        .layer(middleware::from_fn(reject_cross_site_writes))
        .layer(middleware::from_fn(metrics::track))
        .layer(
            // The path only: query strings may carry query codes or search terms of a person.
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                tracing::info_span!("http", method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(state)
}

/// Marks requests from `addresses` as exempt from throttling (see `Settings::throttle_exempt`);
/// with none, the router is returned as it is.
pub fn exempt_from_throttling(router: Router, addresses: Vec<std::net::IpAddr>) -> Router {
    if addresses.is_empty() {
        return router;
    }
    router.layer(middleware::from_fn(move |mut req: Request, next: Next| {
        let peer = req
            .extensions()
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip());
        if peer.is_some_and(|ip| addresses.contains(&ip)) {
            req.extensions_mut()
                .insert(app::api::context::ThrottleExempt);
        }
        next.run(req)
    }))
}

/// What every page render and server function may use: the state, and the policy header carrying
/// the response's fresh CSP nonce (leptos_axum provides one per request before this runs).
fn page_context(state: &AppState) {
    use leptos::prelude::{take_context, use_context};
    provide_context(state.clone());
    let kept = use_context::<axum::http::request::Parts>()
        .is_some_and(|p| p.extensions.get::<page_cache::Keeping>().is_some());
    if kept {
        // A page to be kept and served again: its scripts are allowed by their hashes instead.
        take_context::<leptos::nonce::Nonce>();
        return;
    }
    if let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) {
        let reader = state.site.card_reader_url.as_deref();
        let scripts = format!("'nonce-{nonce}'");
        if let Ok(value) = HeaderValue::from_str(&page_csp(&scripts, reader)) {
            response.insert_header(header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// The page policy: scripts only from this site or allowed by `scripts` (this response's nonce,
/// or the hashes of a kept page's scripts); wasm may be compiled; nothing may frame the portal. A
/// kiosk's page may also ask its ID-card reader.
pub(crate) fn page_csp(scripts: &str, card_reader: Option<&str>) -> String {
    let reader = card_reader.and_then(origin_of).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self' {scripts} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'{reader}; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// ` http://host:port` of an absolute URL, for the policy; `None` for a path on this site.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    // Only characters a host and port may have: nothing can end the directive early.
    host.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        .then(|| format!(" {scheme}://{host}"))
}

/// The demo reader of `YIZHAN_CARD_READER_URL=simulated`: a card always lies on it. Not found on
/// portals configured with a real reader or none.
async fn simulated_card_reader(State(state): State<AppState>) -> Response {
    if state.site.card_reader_url.as_deref() != Some(SIMULATED_READER_PATH) {
        return (StatusCode::NOT_FOUND, "未启用模拟读卡器").into_response();
    }
    (
        [(header::CONTENT_TYPE, "application/json")],
        app::domain::id_card::SIMULATED_CARD,
    )
        .into_response()
}

/// Responses that are not pages (JSON, files) get the strictest policy.
const DEFAULT_CSP: &str =
    "default-src 'none'; img-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// leptos answers a server function's error with 500 whatever the error: give a script the status
/// the error means (403 for a refusal, 404, 422 …), read from the error itself. Only the server
/// functions' 500s are looked at, and their bodies are small. Plain form posts (no script) are
/// answered with a redirect and pass through; a server function called while a page renders
/// leaves the page's status to the page.
async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let server_fn = req.uri().path().starts_with("/sf/");
    let res = next.run(req).await;
    if !server_fn || res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(err) = serde_json::from_slice::<app::api::error::AppError>(&bytes) {
        if let Ok(status) = StatusCode::from_u16(err.http_status()) {
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

async fn readyz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => Json(serde_json::json!({"status": "ready"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({
                    "code": "database_unavailable",
                    "message": "数据库暂不可用",
                })),
            )
                .into_response()
        }
    }
}

#[derive(Deserialize)]
struct Back {
    back: Option<String>,
}

fn back_target(back: Option<String>) -> String {
    app::api::auth::safe_next(back.as_deref()).unwrap_or_else(|| "/".into())
}

fn preference_cookie(name: &str, value: &str) -> String {
    format!("{name}={value}; Path=/; Max-Age=31536000; SameSite=Lax")
}

/// `/prefs/lang/{code}`: the language switch for browsers without JavaScript.
async fn set_language(Path(code): Path<String>, Query(q): Query<Back>) -> Response {
    if !matches!(code.as_str(), "zh-CN" | "zh-TW" | "en") {
        return (StatusCode::NOT_FOUND, "不支持的语言").into_response();
    }
    (
        [(header::SET_COOKIE, preference_cookie(LANG_COOKIE, &code))],
        Redirect::to(&back_target(q.back)),
    )
        .into_response()
}

/// `/prefs/care/{on|off}`: the elderly-mode switch for browsers without JavaScript.
async fn set_care_mode(Path(mode): Path<String>, Query(q): Query<Back>) -> Response {
    let value = match mode.as_str() {
        "on" => "1",
        "off" => "0",
        _ => return (StatusCode::NOT_FOUND, "无效的设置").into_response(),
    };
    (
        [(header::SET_COOKIE, preference_cookie(CARE_COOKIE, value))],
        Redirect::to(&back_target(q.back)),
    )
        .into_response()
}

/// Gives every browser a device cookie (a random id) the first time it comes, so that failed logins
/// and lookups are counted per device: a service hall shares one address, and its next visitor
/// must not pay for the last one's typos. The request itself already carries the new id.
async fn device_cookie(mut req: Request, next: Next) -> Response {
    use app::api::context::{cookie, is_device_id, new_device_id, DEVICE_COOKIE};
    if cookie(req.headers(), DEVICE_COOKIE).is_some_and(|d| is_device_id(&d)) {
        return next.run(req).await;
    }
    let id = new_device_id();
    if let Ok(value) = HeaderValue::from_str(&format!("{DEVICE_COOKIE}={id}")) {
        req.headers_mut().append(header::COOKIE, value);
    }
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{DEVICE_COOKIE}={id}; Path=/; Max-Age=31536000; HttpOnly; SameSite=Lax"
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Only a response that allows it (a material preview in the staff case page) may be framed,
    // and only by this site.
    let framable = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("frame-ancestors 'self'"));
    headers.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static(if framable { "SAMEORIGIN" } else { "DENY" }),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DEFAULT_CSP),
        );
    }
    response
}

/// The REST API answers every error as `{code, message}` in Chinese, including the ones axum's
/// extractors make before a handler runs (a query or body that does not parse, a missing
/// `Content-Type`), which would otherwise be English plain text.
async fn api_errors_as_json(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("text/plain"));
    if !api || !status.is_client_error() || !plain {
        return response;
    }
    let (code, message) = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "请求体应为 JSON，并带上 Content-Type: application/json",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("payload_too_large", "请求内容过大"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "不支持该请求方法"),
        StatusCode::NOT_FOUND => ("not_found", "未找到相关记录"),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "invalid_body",
            "请求内容无法识别：请按接口说明检查字段名称和类型",
        ),
        _ => (
            "bad_request",
            "请求格式不正确：请按接口说明检查参数和请求体",
        ),
    };
    let body = serde_json::json!({"code": code, "message": message});
    (status, Json(body)).into_response()
}

/// HSTS once the portal is reached over HTTPS (`YIZHAN_PUBLIC_URL`): browsers then refuse plain
/// HTTP to it for a year, subdomains included.
async fn strict_transport(
    axum::extract::State(https): axum::extract::State<bool>,
    req: Request,
    next: Next,
) -> Response {
    let mut response = next.run(req).await;
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

/// CSRF defence in depth beside SameSite cookies: a state-changing request whose `Origin` names
/// another site, or that the browser marks as cross-site, is refused.
async fn reject_cross_site_writes(req: Request, next: Next) -> Response {
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes && is_cross_site(&req) {
        let body = serde_json::json!({
            "code": "cross_site_request",
            "message": "请求来源不被允许，请从本网站页面重新提交",
        });
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    next.run(req).await
}

fn is_cross_site(req: &Request<Body>) -> bool {
    let headers = req.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
    origin == "null" || origin_host != host
}
