//! HTTP smoke tests: the router answered in-process (`oneshot`), on a fresh migrated SQLite
//! database with the demo accounts.

use app::backend::state::{AppState, Environment};
use app::backend::files::LocalFiles;
use app::backend::testing::TestDb;
use app::domain::site::SiteInfo;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "Yizhan@2026";

/// A file store directory of this test process.
fn files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("yizhan-http-files-{}", std::process::id()))
}

async fn app() -> (Router, TestDb) {
    let test_db = TestDb::sqlite().await;
    app::backend::demo::seed(
        &test_db.db,
        Environment::Development,
        PASSWORD,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let state = AppState {
        db: test_db.db.clone(),
        site: Arc::new(SiteInfo::default()),
        environment: Environment::Development,
        files: Arc::new(LocalFiles::new(files_dir())),
        leptos_options: LeptosOptions::builder().output_name("yizhan").build(),
    };
    (yizhan::http::router(state), test_db)
}

async fn send(router: &Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8_lossy(&body).to_string())
}

/// A page request as a browser sends it.
fn get(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap()
}

fn login_request(username: &str, password: &str, origin: Option<&str>) -> Request<Body> {
    // As the login form posts it without JavaScript.
    let mut req = Request::post("/sf/login")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        req = req.header(header::ORIGIN, o);
    }
    req.body(Body::from(format!(
        "username={username}&password={}",
        password.replace('@', "%40")
    )))
    .unwrap()
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let (router, db) = app().await;
    let (status, _, body) = send(&router, get("/healthz")).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    let (status, _, body) = send(&router, get("/readyz")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("ready"));
    db.finish().await;
}

#[tokio::test]
async fn readiness_fails_when_the_database_is_gone() {
    let (router, db) = app().await;
    db.db.clone().close().await.unwrap();
    let (status, _, body) = send(&router, get("/readyz")).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(body.contains("database_unavailable"));
    db.finish().await;
}

#[tokio::test]
async fn the_home_page_is_complete_html_with_a_nonce_policy() {
    let (router, db) = app().await;
    let (status, headers, body) = send(&router, get("/")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "示范市一站式网上办事大厅",
        "办事指南",
        "领导信箱",
        "监督投诉电话",
        "示ICP备00000000号",
    ] {
        assert!(body.contains(text), "home page lacks {text}");
    }
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("page CSP carries a nonce");
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the nonce"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    db.finish().await;
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let (router, db) = app().await;
    let req = Request::get("/")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(header::ACCEPT_ENCODING, "br, gzip")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(&router, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    let (_, headers, body) = send(&router, get("/")).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(body.contains("办事指南"));
    db.finish().await;
}

#[tokio::test]
async fn bundle_files_are_served_as_files_with_the_strict_policy() {
    let test_db = TestDb::sqlite().await;
    let site = std::env::temp_dir().join(format!("yizhan-site-{}", std::process::id()));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("pkg/yizhan.js"), "export function hydrate() {}").unwrap();
    let state = AppState {
        db: test_db.db.clone(),
        site: Arc::new(SiteInfo::default()),
        environment: Environment::Development,
        files: Arc::new(LocalFiles::new(files_dir())),
        leptos_options: LeptosOptions::builder()
            .output_name("yizhan")
            .site_root(site.display().to_string())
            .build(),
    };
    let router = yizhan::http::router(state);
    let (status, headers, body) = send(&router, get("/pkg/yizhan.js")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("javascript"));
    assert!(body.contains("hydrate"));
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.starts_with("default-src 'none'") && !csp.contains("nonce"),
        "{csp}"
    );
    let (status, _, _) = send(&router, get("/pkg/missing.js")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    std::fs::remove_dir_all(&site).ok();
    test_db.finish().await;
}

#[tokio::test]
async fn metrics_count_requests() {
    let (router, db) = app().await;
    send(&router, get("/healthz")).await;
    let (status, headers, body) = send(&router, get("/metrics")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let line = body
        .lines()
        .find(|l| l.starts_with("yizhan_http_requests_total{class=\"2xx\"}"))
        .expect("2xx counter");
    let count: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
    assert!(count >= 1);
    assert!(body.contains("yizhan_http_request_duration_seconds_bucket"));
    db.finish().await;
}

#[tokio::test]
async fn login_sets_an_http_only_session_cookie_and_the_staff_desk_opens() {
    let (router, db) = app().await;
    let (status, headers, _) = send(&router, login_request("clerk1", PASSWORD, None)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/staff");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(
        cookie.starts_with("yz_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax")
    );
    let session = cookie.split(';').next().unwrap();

    let req = Request::get("/staff")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, session)
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&router, req).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("王窗口") && body.contains("窗口收件与受理"));
    assert!(
        !body.contains("电子监察"),
        "a clerk must not see the supervision menu"
    );
    db.finish().await;
}

#[tokio::test]
async fn a_wrong_password_sets_no_cookie() {
    let (router, db) = app().await;
    let req = Request::post("/sf/login")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("username=clerk1&password=nope"))
        .unwrap();
    let (status, headers, body) = send(&router, req).await;
    assert!(
        status.is_client_error() || status.is_server_error(),
        "{status}"
    );
    assert!(headers.get(header::SET_COOKIE).is_none());
    assert!(body.contains("bad_credentials"), "{body}");
    db.finish().await;
}

#[tokio::test]
async fn a_cross_site_login_post_is_refused() {
    let (router, db) = app().await;
    let (status, headers, body) = send(
        &router,
        login_request("clerk1", PASSWORD, Some("https://evil.example")),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(headers.get(header::SET_COOKIE).is_none());
    assert!(body.contains("cross_site_request"));
    let (status, _, _) = send(
        &router,
        login_request("clerk1", PASSWORD, Some("http://portal.test")),
    )
    .await;
    assert!(
        status.is_redirection(),
        "same-origin login must pass: {status}"
    );
    db.finish().await;
}

#[tokio::test]
async fn the_staff_desk_sends_visitors_to_log_in() {
    let (router, db) = app().await;
    let (status, headers, body) = send(&router, get("/staff/intake")).await;
    assert!(status.is_redirection(), "{status} {headers:?} {body}");
    assert_eq!(headers[header::LOCATION], "/login?next=/staff/intake");
    db.finish().await;
}

#[tokio::test]
async fn unknown_pages_answer_404_in_chinese() {
    let (router, db) = app().await;
    let (status, _, body) = send(&router, get("/no/such/page")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("页面不存在"));
    db.finish().await;
}

#[tokio::test]
async fn preference_links_set_cookies_and_only_return_to_this_site() {
    let (router, db) = app().await;
    let (status, headers, _) = send(&router, get("/prefs/lang/en?back=/guide")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/guide");
    assert!(headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("yz_lang=en;"));

    let (_, headers, _) = send(&router, get("/prefs/care/on?back=//evil.example")).await;
    assert_eq!(headers[header::LOCATION], "/");
    assert!(headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .starts_with("yz_care=1;"));

    let (status, _, _) = send(&router, get("/prefs/lang/fr")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    db.finish().await;
}

#[tokio::test]
async fn english_is_served_when_chosen() {
    let (router, db) = app().await;
    let req = Request::get("/")
        .header(header::HOST, "portal.test")
        .header(header::COOKIE, "yz_lang=en")
        .body(Body::empty())
        .unwrap();
    let (_, _, body) = send(&router, req).await;
    assert!(body.contains("Government services, online in one place"));
    assert!(body.contains("lang=\"en\""));
    db.finish().await;
}
