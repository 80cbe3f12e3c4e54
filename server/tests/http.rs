//! HTTP smoke tests: the router answered in-process (`oneshot`), on a fresh migrated SQLite
//! database with the demo accounts.

mod common;

use app::backend::files::LocalFiles;
use app::backend::state::{AppState, Environment};
use app::backend::testing::TestDb;
use app::domain::site::SiteInfo;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use common::item_form::item_form;
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
    let options = LeptosOptions::builder().output_name("yizhan").build();
    (yizhan::http::router(state_of(&test_db, options)), test_db)
}

fn state_of(test_db: &TestDb, leptos_options: LeptosOptions) -> AppState {
    AppState {
        db: test_db.db.clone(),
        site: Arc::new(SiteInfo::default()),
        environment: Environment::Development,
        region_code: "990100".into(),
        public_url: "http://portal.test".into(),
        files: Arc::new(LocalFiles::new(files_dir())),
        signer: Arc::new(app::backend::certificates::Signer::generate().unwrap().0),
        leptos_options,
        guide_edits: Default::default(),
    }
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
    // Over plain HTTP no HSTS (a browser would ignore it); behind HTTPS, a year of it.
    assert!(headers.get(header::STRICT_TRANSPORT_SECURITY).is_none());
    let options = LeptosOptions::builder().output_name("yizhan").build();
    let https = yizhan::http::router(AppState {
        public_url: "https://zwfw.example.gov.cn".into(),
        ..state_of(&db, options)
    });
    let (_, headers, _) = send(&https, get("/guide")).await;
    assert_eq!(
        headers[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
    db.finish().await;
}

/// The kiosk's card reader: the simulated one answers only when configured, never with more than
/// a reader would send; a real reader's origin is the one other place a page may connect to.
#[tokio::test]
async fn the_card_reader_is_simulated_only_when_configured_and_allowed_by_the_policy() {
    let (router, db) = app().await;
    let (status, ..) = send(&router, get("/kiosk/card-reader/simulated")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, headers, _) = send(&router, get("/kiosk")).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("connect-src 'self';"), "{csp}");

    let options = LeptosOptions::builder().output_name("yizhan").build();
    let mut state = state_of(&db, options.clone());
    state.site = Arc::new(SiteInfo {
        card_reader_url: Some("/kiosk/card-reader/simulated".into()),
        ..SiteInfo::default()
    });
    let simulated = yizhan::http::router(state);
    let (status, headers, body) = send(&simulated, get("/kiosk/card-reader/simulated")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let card = app::domain::id_card::parse_reader_answer(&body).unwrap();
    assert_eq!(card.id_number.as_str(), "990102195503082424");
    // The kiosk page knows where to read the card.
    let (_, _, page) = send(&simulated, get("/kiosk/status")).await;
    assert!(
        page.contains("刷身份证查询"),
        "the card button is on the page"
    );

    let mut state = state_of(&db, options);
    state.site = Arc::new(SiteInfo {
        card_reader_url: Some("http://127.0.0.1:8989/card".into()),
        ..SiteInfo::default()
    });
    let real = yizhan::http::router(state);
    let (status, ..) = send(&real, get("/kiosk/card-reader/simulated")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, headers, _) = send(&real, get("/kiosk")).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("connect-src 'self' http://127.0.0.1:8989;"),
        "{csp}"
    );
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
    let state = state_of(
        &test_db,
        LeptosOptions::builder()
            .output_name("yizhan")
            .site_root(site.display().to_string())
            .build(),
    );
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
    // A bundle file compressed ahead of time is sent as it lies, not compressed again.
    std::fs::write(site.join("pkg/yizhan.wasm"), b"\0asm plain").unwrap();
    std::fs::write(site.join("pkg/yizhan.wasm.br"), b"brotli made once").unwrap();
    let req = Request::get("/pkg/yizhan.wasm")
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = send(&router, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(body, "brotli made once");
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
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // No session; only the device cookie a first visit gets.
    assert_eq!(session_cookie(&headers), None);
    assert!(headers
        .get_all(header::SET_COOKIE)
        .iter()
        .all(|v| v.to_str().unwrap().starts_with("yz_device=")));
    assert!(body.contains("bad_credentials"), "{body}");
    db.finish().await;
}

/// A wrong login from `address` with one device cookie; its status.
async fn wrong_login_from(router: &Router, address: &str) -> StatusCode {
    let mut req = Request::post("/sf/login")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "application/json")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, "yz_device=0123456789abcdef0123456789abcdef")
        .body(Body::from("username=nobody&password=guess"))
        .unwrap();
    let peer: std::net::SocketAddr = format!("{address}:50000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    send(router, req).await.0
}

/// `YIZHAN_THROTTLE_EXEMPT` (for `make audit`'s scanner) lifts the login throttle for its
/// addresses only; everyone else is still refused after the device's ten failures.
#[tokio::test]
async fn only_an_exempt_address_escapes_the_login_throttle() {
    let (router, db) = app().await;
    let scanner: std::net::IpAddr = "10.9.9.9".parse().unwrap();
    let router = yizhan::http::exempt_from_throttling(router, vec![scanner]);
    for _ in 0..12 {
        assert_eq!(
            wrong_login_from(&router, "10.9.9.9").await,
            StatusCode::UNAUTHORIZED
        );
    }
    for _ in 0..10 {
        assert_eq!(
            wrong_login_from(&router, "10.9.9.8").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        wrong_login_from(&router, "10.9.9.8").await,
        StatusCode::TOO_MANY_REQUESTS
    );
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

// ---------- 办事指南, 表格下载 and the catalogue API ----------

/// The router with the demo accounts and the demo catalogue (its forms generated as PDFs).
async fn catalogue_app() -> (Router, TestDb) {
    let (router, db) = app().await;
    let files = LocalFiles::new(files_dir());
    app::backend::demo_catalogue::seed(&db.db, &files, chrono::Utc::now())
        .await
        .unwrap();
    (router, db)
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:.200}"))
}

/// Logs in through the form post and returns the session cookie pair.
async fn session_of(router: &Router, username: &str) -> String {
    let (status, headers, _) = send(router, login_request(username, PASSWORD, None)).await;
    assert!(status.is_redirection(), "{username}: {status}");
    session_cookie(&headers).expect("a session cookie")
}

/// The `yz_session=…` pair a response set, if any (beside the device cookie).
fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .find(|pair| pair.starts_with("yz_session=") && pair.len() > "yz_session=".len())
}

fn get_as(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn the_guide_page_shows_every_element_of_the_guide() {
    let (router, db) = catalogue_app().await;
    let (status, _, body) = send(&router, get("/guide/990100-QR-0001")).await;
    assert_eq!(status, StatusCode::OK);
    let detail = app::backend::catalogue::items::detail(&db.db, "990100-QR-0001")
        .await
        .unwrap()
        .unwrap();
    let g = &detail.guide;
    let mut expected: Vec<String> = vec![
        g.name.clone(),
        g.code.clone(),
        "事项编码".into(),
        "行政确认".into(),
        "示范市公安局".into(),
        "受理条件".into(),
        "申请材料".into(),
        "办理流程".into(),
        "法定办结时限".into(),
        "60 个工作日".into(),
        "承诺办结时限".into(),
        "20 个工作日".into(),
        "收费标准".into(),
        "收费依据".into(),
        "办理地点".into(),
        "办理时间".into(),
        "咨询电话".into(),
        "监督投诉电话".into(),
        "办件类型".into(),
        "承诺件".into(),
        "办理结果".into(),
        "到现场次数".into(),
        "是否网办".into(),
        "服务对象".into(),
        "自然人".into(),
        "通办范围".into(),
        "跨省通办".into(),
        "设定依据".into(),
        "第 1 版".into(),
        "下载 PDF".into(),
        g.location.clone(),
        g.hours.clone(),
        g.consult_phone.clone(),
        g.result_name.clone(),
        "空白表格".into(),
        "填写样例".into(),
    ];
    expected.extend(g.materials.iter().map(|m| m.name.clone()));
    expected.extend(g.procedure.iter().map(|s| s.name.clone()));
    expected.extend(app::domain::catalogue::lines(&g.conditions).map(str::to_string));
    expected.extend(app::domain::catalogue::lines(&g.legal_basis).map(str::to_string));
    expected.push(g.fee.as_ref().unwrap().standard.clone());
    for text in expected {
        assert!(body.contains(&text), "guide page lacks {text}");
    }
    // The labels follow the visitor's language; the guide's own text is the department's Chinese.
    for (lang, labels) in [
        (
            "en",
            [
                "Documents to bring",
                "Statutory time limit",
                "Anywhere in the country",
            ],
        ),
        ("zh-TW", ["申請材料", "法定辦結時限", "跨省通辦"]),
    ] {
        let req = Request::get("/guide/990100-QR-0001")
            .header(header::HOST, "portal.test")
            .header(header::COOKIE, format!("yz_lang={lang}"))
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = send(&router, req).await;
        assert_eq!(status, StatusCode::OK);
        for label in labels {
            assert!(body.contains(label), "{lang}: lacks {label}");
        }
        assert!(body.contains(&g.name));
    }
    db.finish().await;
}

#[tokio::test]
async fn the_catalogue_page_searches_by_initials_and_escapes_hostile_input() {
    let (router, db) = catalogue_app().await;
    let (status, _, body) = send(&router, get("/guide?q=sfz")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("居民身份证换领"));
    let (_, _, body) = send(&router, get("/guide?audience=company&topic=startup")).await;
    assert!(body.contains("企业设立登记") && !body.contains("居民身份证换领"));
    let hostile = "%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    let (status, _, body) = send(&router, get(&format!("/guide?q={hostile}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !body.contains("<script>alert(1)"),
        "search text must be escaped"
    );
    assert!(body.contains("&lt;script&gt;alert(1)"));
    assert!(body.contains("没有找到相关事项"));
    let sql = "%27%20OR%201%3D1%20--";
    let (status, _, body) = send(&router, get(&format!("/guide?q={sql}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("没有找到相关事项"));
    // 10,000 characters; and as many Chinese ones as an address can carry (64 KB).
    for long in ["a".repeat(10_000), "%E8%AF%81".repeat(7_000)] {
        let (status, _, body) = send(&router, get(&format!("/guide?q={long}"))).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("已按前 50 个字搜索"));
    }
    db.finish().await;
}

#[tokio::test]
async fn an_unknown_item_gets_a_friendly_404() {
    let (router, db) = catalogue_app().await;
    let (status, _, body) = send(&router, get("/guide/990100-XX-9999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("没有找到事项编码为“990100-XX-9999”的办事指南"));
    assert!(body.contains("action=\"/guide\""), "offers the search");
    let (status, _, body) = send(&router, get("/guide/%3Cb%3E")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!body.contains("<b>"));
    let (status, _, body) = send(&router, get("/api/v1/items/990100-XX-9999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["code"], "not_found");
    db.finish().await;
}

#[tokio::test]
async fn forms_download_with_their_type_a_safe_name_and_a_count() {
    let (router, db) = catalogue_app().await;
    let (status, _, page) = send(&router, get("/forms?department=gaj")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("居民身份证申领登记表") && page.contains("已下载 0 次"));
    assert!(!page.contains("企业设立登记"), "filtered by department");
    let (_, _, body) = send(&router, get("/api/v1/items/990100-QR-0001")).await;
    let item = json(&body);
    let url = item["forms"][0]["url"].as_str().unwrap().to_string();
    let (status, headers, pdf) = send(&router, get(&url)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"form.pdf\"; filename*=UTF-8''%E5%B1%85"),
        "{disposition}"
    );
    assert!(pdf.starts_with("%PDF-"));
    let (_, _, page) = send(&router, get("/forms?department=gaj")).await;
    assert!(page.contains("已下载 1 次"));
    let (status, _, body) = send(&router, get("/forms/download/..%2F..%2Fetc%2Fpasswd")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["code"], "not_found");
    db.finish().await;
}

#[tokio::test]
async fn the_rest_api_serves_departments_items_guides_and_its_openapi_document() {
    let (router, db) = catalogue_app().await;
    let (status, _, body) = send(&router, get("/api/v1/departments")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(json(&body)["departments"].as_array().unwrap().len() >= 12);
    let (_, _, body) = send(&router, get("/api/v1/items?q=sfz&per_page=5")).await;
    let found = json(&body);
    assert!(found["total"].as_u64().unwrap() >= 1);
    assert_eq!(found["items"][0]["code"], "990100-QR-0001");
    assert_eq!(found["items"][0]["department"], "gaj");
    let (_, _, body) = send(&router, get("/api/v1/items?audience=company&per_page=100")).await;
    let companies = json(&body);
    assert!(companies["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["audiences"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("company"))));
    let (status, _, body) = send(&router, get("/api/v1/items?page=abc")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(&body)["code"], "invalid");
    let (_, _, body) = send(&router, get("/api/v1/items/990100-QR-0001")).await;
    let item = json(&body);
    assert_eq!(item["name"], "居民身份证换领");
    assert!(item["materials"].as_array().unwrap().len() >= 3);
    let (status, _, body) = send(&router, get("/api/v1/openapi.json")).await;
    assert_eq!(status, StatusCode::OK);
    let doc = json(&body);
    for path in [
        "/api/v1/departments",
        "/api/v1/items",
        "/api/v1/items/{code}",
        "/api/v1/items/{code}/guide.pdf",
        "/api/v1/catalogue/export.json",
        "/forms/download/{code}",
        "/api/v1/session",
        "/api/v1/files",
        "/api/v1/applications",
        "/api/v1/applications/{case_no}",
        "/api/v1/applications/{case_no}/documents/{document}",
        "/api/v1/applications/{case_no}/actions",
        "/api/v1/status/{case_no}",
        "/api/v1/ratings",
        "/api/v1/consultations",
        "/api/v1/petitions/{ref_no}",
        "/api/v1/mailbox-letters/{ref_no}/actions",
    ] {
        assert!(doc["paths"][path].is_object(), "OpenAPI lacks {path}");
    }
    let (status, headers, _) = send(&router, get("/api/v1/items/990100-QR-0001/guide.pdf")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    db.finish().await;
}

#[tokio::test]
async fn only_administrators_edit_export_and_import_the_catalogue() {
    let (router, db) = catalogue_app().await;
    let (status, _, body) = send(&router, get("/api/v1/catalogue/export.json")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json(&body)["code"], "unauthenticated");
    let clerk = session_of(&router, "clerk1").await;
    let (status, _, _) = send(&router, get_as("/api/v1/catalogue/export.json", &clerk)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let admin = session_of(&router, "admin1").await;
    let (status, _, export) = send(&router, get_as("/api/v1/catalogue/export.json", &admin)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&export)["format"], "yizhan-catalogue/1");

    // The editor's form post, as the browser sends it (serde_qs names, sparse topic indexes).
    let form = |cookie: &str, version: &str, name: &str| {
        let body = item_form(version, "990100-QR-0001", name, "测试修改")
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    app::layouts::prefs::encode_component(k),
                    app::layouts::prefs::encode_component(v)
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        Request::post("/sf/save_item")
            .header(header::HOST, "portal.test")
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, cookie)
            .body(Body::from(body))
            .unwrap()
    };
    // The guide page, kept ready for visitors: every edit below shows on it at once.
    let (_, _, page) = send(&router, get("/guide/990100-QR-0001")).await;
    assert!(page.contains("第 1 版"));
    let (status, _, _) = send(&router, form(&clerk, "1", "改名")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A refused server function gets its own status also when the answer is compressed for a
    // browser (the status is read from the error before the body is compressed).
    let req = Request::post("/sf/save_apply_form")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "application/json")
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &admin)
        .body(Body::from("code=990100-QR-0001&json=not-json&version=1"))
        .unwrap();
    let (status, headers, _) = send(&router, req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    let (status, _, body) = send(&router, form(&admin, "1", "居民身份证换领（新）")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["version"], 2);
    let (_, _, page) = send(&router, get("/guide/990100-QR-0001")).await;
    assert!(page.contains("居民身份证换领（新）") && page.contains("第 2 版"));
    // A stale form is refused with a conflict; the saved version stays.
    let (status, _, body) = send(&router, form(&admin, "1", "又改")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (_, _, page) = send(&router, get_as("/admin/items/990100-QR-0001", &admin)).await;
    assert!(page.contains("测试修改") && page.contains("第 2 版"));

    // Importing the earlier export restores the first text as version 3.
    let boundary = "yizhanboundary";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.json\"\r\nContent-Type: application/json\r\n\r\n{export}\r\n--{boundary}--\r\n"
    );
    let req = Request::post("/admin/catalogue/import")
        .header(header::HOST, "portal.test")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, &admin)
        .body(Body::from(multipart))
        .unwrap();
    let (status, headers, _) = send(&router, req).await;
    assert!(status.is_redirection(), "{status}");
    let flash = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(flash.starts_with("yz_flash=ok:"), "{flash}");
    let (_, _, page) = send(&router, get("/guide/990100-QR-0001")).await;
    assert!(page.contains("第 3 版") && !page.contains("居民身份证换领（新）"));
    db.finish().await;
}

/// Guide and search pages for visitors who are not signed in are kept and served again, in the
/// encoding asked for; their inline scripts are allowed by hash (a kept page cannot carry a fresh
/// nonce). A signed-in visitor's page is their own: made for them, with a nonce.
#[tokio::test]
async fn guide_pages_are_kept_with_their_scripts_allowed_by_hash() {
    use base64::Engine as _;
    use sha2::{Digest, Sha256};
    let (router, db) = catalogue_app().await;
    for path in ["/guide/990100-QR-0001", "/guide?q=sfz"] {
        let (status, headers, page) = send(&router, get(path)).await;
        assert_eq!(status, StatusCode::OK);
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            !csp.contains("'nonce-") && !page.contains("nonce="),
            "{csp}"
        );
        let mut scripts = 0;
        for part in page.split("<script").skip(1) {
            let (open, rest) = part.split_once('>').unwrap();
            if open.contains(" src=") {
                continue;
            }
            let text = rest.split("</script>").next().unwrap();
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text));
            assert!(csp.contains(&format!("'sha256-{hash}'")), "{path}: {csp}");
            scripts += 1;
        }
        assert!(
            scripts >= 2,
            "{path}: the loader and the page's data are inline scripts"
        );
        // Kept: the same page again, and compressed as a browser asks.
        let (_, again, same) = send(&router, get(path)).await;
        assert_eq!(
            (same, &again[header::CONTENT_SECURITY_POLICY]),
            (page.clone(), &headers[header::CONTENT_SECURITY_POLICY])
        );
        let mut req = get(path);
        req.headers_mut().insert(
            header::ACCEPT_ENCODING,
            "gzip, deflate, br".parse().unwrap(),
        );
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
        let compressed = res.into_body().collect().await.unwrap().to_bytes();
        let mut plain = String::new();
        std::io::Read::read_to_string(
            &mut brotli::Decompressor::new(&compressed[..], 4096),
            &mut plain,
        )
        .unwrap();
        assert_eq!(plain, page);
    }
    // Signed in: a page of one's own, with this response's nonce.
    let citizen = session_of(&router, "citizen1").await;
    let (_, headers, page) = send(&router, get_as("/guide/990100-QR-0001", &citizen)).await;
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("'nonce-") && page.contains("nonce="), "{csp}");
    db.finish().await;
}

/// An edit this instance did not see (another instance's, straight into the database) shows once
/// the kept page is old: the next request after that makes it again.
#[tokio::test]
async fn a_kept_page_shows_another_instances_edit_within_ten_seconds() {
    use app::backend::catalogue::{items, Editor};
    let (router, db) = catalogue_app().await;
    let path = "/guide/990100-QR-0001";
    let (_, _, page) = send(&router, get(path)).await;
    assert!(page.contains("第 1 版"));
    let mut guide = items::detail(&db.db, "990100-QR-0001")
        .await
        .unwrap()
        .unwrap()
        .guide;
    guide.name = "居民身份证换领（另一台服务器所改）".into();
    let editor = Editor {
        user_id: None,
        name: "admin1".into(),
    };
    items::save(
        &db.db,
        guide,
        Some(1),
        "另一台",
        &editor,
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    let (_, _, page) = send(&router, get(path)).await;
    assert!(page.contains("第 1 版"), "still the kept page");
    tokio::time::sleep(std::time::Duration::from_millis(10_100)).await;
    let (_, _, page) = send(&router, get(path)).await;
    assert!(page.contains("另一台服务器所改") && page.contains("第 2 版"));
    db.finish().await;
}

/// Many visitors at once: every page renders whole, and nothing reads a page's reactive state after
/// that page is gone (a panic in a worker would fail the task).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_pages_render_for_fifty_visitors_at_once() {
    let (router, db) = catalogue_app().await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let router = router.clone();
        tasks.push(tokio::spawn(async move {
            let paths = [
                "/guide?q=sfz",
                "/guide/990100-QR-0001",
                "/forms?department=gaj",
                "/guide/NO-SUCH",
            ];
            for path in paths.iter().cycle().skip(i % 4).take(4) {
                let (status, _, body) = send(&router, get(path)).await;
                assert!(
                    status == StatusCode::OK || status == StatusCode::NOT_FOUND,
                    "{path}: {status}"
                );
                assert!(body.contains("</html>"), "{path}: page cut short");
            }
        }));
    }
    for task in tasks {
        task.await.expect("no render panicked");
    }
    db.finish().await;
}

/// A JSON request with a session cookie.
fn json_request(method: &str, path: &str, cookie: &str, body: serde_json::Value) -> Request<Body> {
    Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "portal.test")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A multipart body with one file field.
fn multipart_file(
    path: &str,
    cookie: &str,
    field: &str,
    name: &str,
    bytes: &[u8],
) -> Request<Body> {
    let boundary = "yizhanTestBoundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "application/json")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// Citizen1 applies through the REST API; citizen2 gets 404 through every door to that case; a
/// retried submission gives the same case; the public lookup answers a wrong number and a wrong
/// code alike.
#[tokio::test]
async fn the_rest_api_takes_applications_once_and_keeps_them_to_their_owner() {
    let (router, _db) = catalogue_app().await;
    let mine = session_of(&router, "citizen1").await;
    let theirs = session_of(&router, "citizen2").await;

    let (status, _, body) = send(
        &router,
        multipart_file("/api/v1/files", &mine, "file", "身份证.pdf", PDF),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let file_id = json(&body)["id"].as_i64().unwrap();
    // A program renamed to .pdf is refused by its content.
    let (status, _, body) = send(
        &router,
        multipart_file(
            "/api/v1/files",
            &mine,
            "file",
            "scan.pdf",
            b"MZ\x90\x00binary",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&body)["message"]
        .as_str()
        .unwrap()
        .contains("不是 PDF"));

    let application = serde_json::json!({
        "item_code": "990100-XK-0007",
        "form": {"name": "张晓明", "id_number": "990102198005121236", "mobile": "13800000001",
                 "request": "驾驶证遗失，申请补领"},
        "materials": [{"material_code": "m1", "file_id": file_id}],
    });
    let submit = |key: &str| {
        let mut req = json_request("POST", "/api/v1/applications", &mine, application.clone());
        req.headers_mut()
            .insert("idempotency-key", key.parse().unwrap());
        req
    };
    let (status, _, body) = send(&router, submit("rest-key-000001")).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let created = json(&body);
    let case_no = created["case_no"].as_str().unwrap().to_string();
    let query_code = created["query_code"].as_str().unwrap().to_string();
    assert_eq!(created["state"], "submitted");
    assert_eq!(created["deadlines"][0]["label"], "受理期限");
    // The same key again: the same case, nothing new.
    let (status, _, body) = send(&router, submit("rest-key-000001")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["case_no"], case_no.as_str());
    let (_, _, body) = send(&router, get_as("/api/v1/applications", &mine)).await;
    assert_eq!(json(&body)["applications"].as_array().unwrap().len(), 1);
    // Without a key: refused with a reason.
    let (status, _, _) = send(
        &router,
        json_request("POST", "/api/v1/applications", &mine, application.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    // A company files the same item many times at once, each with its own key: every one is a
    // case of its own (they once met over the applicant's draft of the item and failed).
    let mut burst = tokio::task::JoinSet::new();
    for n in 0..8 {
        let (router, req) = (router.clone(), submit(&format!("rest-burst-{n:06}")));
        burst.spawn(async move { send(&router, req).await });
    }
    let mut numbers = std::collections::BTreeSet::new();
    while let Some(answer) = burst.join_next().await {
        let (status, _, body) = answer.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
        numbers.insert(json(&body)["case_no"].as_str().unwrap().to_string());
    }
    assert_eq!(numbers.len(), 8, "eight different cases");
    let (_, _, body) = send(&router, get_as("/api/v1/applications", &mine)).await;
    assert_eq!(json(&body)["applications"].as_array().unwrap().len(), 9);
    // Something wrong: refused field by field, and nothing is left behind as a draft.
    let mut wrong = application.clone();
    wrong["form"]["mobile"] = "12345".into();
    wrong["materials"][0]["file_id"] = 999_999.into();
    let mut req = json_request("POST", "/api/v1/applications", &mine, wrong);
    req.headers_mut()
        .insert("idempotency-key", "rest-wrong-000001".parse().unwrap());
    let (status, _, body) = send(&router, req).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let fields = &json(&body)["fields"];
    assert!(
        fields["mobile"].is_string() && fields["m1"].is_string(),
        "{body}"
    );
    let (_, _, body) = send(&router, get_as("/api/v1/applications", &mine)).await;
    assert!(
        json(&body)["drafts"].as_array().unwrap().is_empty(),
        "{body}"
    );

    // The owner reads it and its receipt.
    let (status, _, body) = send(
        &router,
        get_as(&format!("/api/v1/applications/{case_no}"), &mine),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let version = json(&body)["version"].as_i64().unwrap();
    let (status, headers, _) = send(
        &router,
        get_as(
            &format!("/api/v1/applications/{case_no}/documents/receipt.pdf"),
            &mine,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");

    // Someone else: not found, through every door.
    for path in [
        format!("/api/v1/applications/{case_no}"),
        format!("/api/v1/applications/{case_no}/documents/receipt.pdf"),
        format!("/my/{case_no}/receipt.pdf"),
    ] {
        let (status, _, body) = send(&router, get_as(&path, &theirs)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    let (status, _, _) = send(
        &router,
        json_request(
            "POST",
            &format!("/api/v1/applications/{case_no}/actions"),
            &theirs,
            serde_json::json!({"action": "withdraw", "version": version}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(
        &router,
        json_request(
            "POST",
            "/api/v1/ratings",
            &theirs,
            serde_json::json!({"case_no": case_no, "level": 1}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, _, body) = send(&router, get_as("/api/v1/applications", &theirs)).await;
    assert!(json(&body)["applications"].as_array().unwrap().is_empty());
    // The pages too: the owner's case page shows it, anyone else's is a 404 without its data.
    let (status, _, page) = send(&router, get_as(&format!("/my/{case_no}"), &mine)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&query_code), "the owner sees the query code");
    let (status, _, page) = send(&router, get_as(&format!("/my/{case_no}"), &theirs)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains(&query_code) && !page.contains("机动车驾驶证补领"));
    // Without a session: 401.
    let (status, _, _) = send(&router, get(&format!("/api/v1/applications/{case_no}"))).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // The public lookup: the pair works; a wrong code and a wrong number look the same.
    let (status, _, body) = send(
        &router,
        get(&format!("/api/v1/status/{case_no}?query_code={query_code}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["item_name"], "机动车驾驶证补领");
    assert!(json(&body).get("query_code").is_none());
    let (s1, _, wrong_code) = send(
        &router,
        get(&format!("/api/v1/status/{case_no}?query_code=00000000")),
    )
    .await;
    let (s2, _, wrong_no) = send(
        &router,
        get(&format!(
            "/api/v1/status/99010020200101000001?query_code={query_code}"
        )),
    )
    .await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(wrong_code, wrong_no);

    // The owner withdraws it.
    let (status, _, body) = send(
        &router,
        json_request(
            "POST",
            &format!("/api/v1/applications/{case_no}/actions"),
            &mine,
            serde_json::json!({"action": "withdraw", "version": version}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["state"], "withdrawn");
}

/// The back office over HTTP: another department's clerk gets 403 on the case, its file and its
/// actions; the hall's clerk sees the staff view (with the actions the table offers), gives a 补正
/// notice, and a second click with the old version gets 409 with a clear message; the notice PDF
/// is the applicant's and staff's only; queues come as JSON; the case page renders for staff;
/// certificate checks answer "invalid" for an unknown code.
#[tokio::test]
async fn the_back_office_checks_department_version_and_owner_on_every_door() {
    let (router, _db) = catalogue_app().await;
    let citizen1 = session_of(&router, "citizen1").await;
    let citizen2 = session_of(&router, "citizen2").await;
    let clerk1 = session_of(&router, "clerk1").await;
    let clerk2 = session_of(&router, "clerk2").await;

    let (_, _, body) = send(
        &router,
        multipart_file("/api/v1/files", &citizen1, "file", "材料.pdf", PDF),
    )
    .await;
    let file_id = json(&body)["id"].as_i64().unwrap();
    let materials: Vec<serde_json::Value> = ["m1", "m2", "m3", "m4"]
        .iter()
        .map(|m| serde_json::json!({"material_code": m, "file_id": file_id}))
        .collect();
    let mut request = json_request(
        "POST",
        "/api/v1/applications",
        &citizen1,
        serde_json::json!({
            "item_code": "990100-XK-0013",
            "form": {"name": "张晓明", "id_number": "990102198005121236", "mobile": "13800000001",
                     "request": "开设便利店"},
            "materials": materials,
        }),
    );
    request
        .headers_mut()
        .insert("idempotency-key", "backoffice-0001".parse().unwrap());
    let (status, _, body) = send(&router, request).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let case_no = json(&body)["case_no"].as_str().unwrap().to_string();

    // Another department's clerk: 403 on reading and acting.
    let (status, _, _) = send(
        &router,
        get_as(&format!("/api/v1/applications/{case_no}"), &clerk2),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let accept = |cookie: &str, version: i64| {
        json_request(
            "POST",
            &format!("/api/v1/applications/{case_no}/actions"),
            cookie,
            serde_json::json!({"action": "accept", "version": version}),
        )
    };
    let (status, _, body) = send(&router, accept(&clerk2, 1)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // The reason is said, not a generic refusal.
    assert!(
        json(&body)["message"].as_str().unwrap().contains("部门"),
        "{body}"
    );

    // The hall's clerk: the staff view, with the actions the table offers at this state.
    let (status, _, body) = send(
        &router,
        get_as(&format!("/api/v1/applications/{case_no}"), &clerk1),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let view = json(&body);
    let actions: Vec<&str> = view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["request_supplement", "accept", "refuse_acceptance"]
    );
    assert_eq!(view["applicant_id_number"], "990102198005121236");
    let version = view["version"].as_i64().unwrap();
    let material_id = view["materials"][0]["id"].as_i64().unwrap();

    // The material: inline for the hall's clerk (framable by this site only), 403 for clerk2.
    let (status, headers, _) = send(
        &router,
        get_as(&format!("/staff/files/{material_id}"), &clerk1),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
    let (status, _, _) = send(
        &router,
        get_as(&format!("/staff/files/{material_id}"), &clerk2),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // 补正 by the hall's clerk; the same click again with the old version: 409, said plainly.
    let supplement = json_request(
        "POST",
        &format!("/api/v1/applications/{case_no}/actions"),
        &clerk1,
        serde_json::json!({"action": "request_supplement", "version": version,
                           "missing": ["m3"], "reason": "请提供经营布局平面图"}),
    );
    let (status, _, body) = send(&router, supplement).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["state"], "awaiting_supplement");
    let (status, _, body) = send(&router, accept(&clerk1, version)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(json(&body)["message"]
        .as_str()
        .unwrap()
        .contains("已被他人处理"));

    // The 补正 notice: for the applicant and the hall, not for another citizen.
    let notice = format!("/api/v1/applications/{case_no}/documents/supplement.pdf");
    let (status, headers, _) = send(&router, get_as(&notice, &citizen1)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    let (status, _, _) = send(&router, get_as(&notice, &clerk1)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = send(&router, get_as(&notice, &citizen2)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(
        &router,
        get_as(
            &format!("/my/{case_no}/documents/acceptance.pdf"),
            &citizen1,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not accepted yet: no notice");

    // Queues as JSON for staff.
    let (status, _, body) = send(
        &router,
        get_as("/api/v1/applications?queue=awaiting_supplement", &clerk1),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["total"], 1);
    assert_eq!(json(&body)["rows"][0]["case_no"], case_no.as_str());

    // The case page renders for staff; another department is told it may not.
    let (status, _, page) =
        send(&router, get_as(&format!("/staff/cases/{case_no}"), &clerk1)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("食品经营许可") && page.contains("990102198005121236"),
        "{page:.300}"
    );
    assert!(page.contains("请提供经营布局平面图"));
    let (_, _, page) = send(&router, get_as(&format!("/staff/cases/{case_no}"), &clerk2)).await;
    assert!(!page.contains("990102198005121236"));
    assert!(page.contains("无权"), "{page:.300}");

    // Certificates: an unknown code is invalid, on the API and the page.
    let (status, _, body) = send(&router, get("/api/v1/certificates/NOSUCHCODE")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["status"], "invalid");
    let (status, _, page) = send(&router, get("/verify/NOSUCHCODE")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("无法核验"), "{page:.300}");
}

/// A multipart form post as a browser sends it without JavaScript: text fields, then files.
fn form_post(
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Request<Body> {
    let boundary = "yizhanTalkBoundary0123456789";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{name}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .unwrap()
}

/// The three conversation channels over REST and plain forms: an anonymous question, its page
/// with the query code (a wrong code: 404), script text shown as text, a 100,000-character letter
/// and 20 attachments refused with messages while the text is kept, petitions only for a signed-in
/// account, malformed JSON, a stale version, and the staff queue.
#[tokio::test]
async fn the_conversation_channels_keep_hostile_input_and_show_it_as_text() {
    let (router, _db) = catalogue_app().await;
    let device = "yz_device=0123456789abcdef0123456789abcdef";
    let (status, _, body) = send(
        &router,
        json_request(
            "POST",
            "/api/v1/consultations",
            device,
            serde_json::json!({
                "subject": "<script>alert('x')</script>营业执照",
                "body": "<img src=x onerror=alert(1)>请问营业执照怎么办？",
                "anonymous": true,
                "item_code": "990100-XK-0013",
            }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let sent = json(&body);
    let ref_no = sent["ref_no"].as_str().unwrap().to_string();
    let code = sent["query_code"].as_str().unwrap().to_string();
    assert_eq!(sent["state"], "waiting");

    let (status, _, _) = send(
        &router,
        get(&format!(
            "/api/v1/consultations/{ref_no}?query_code=00000000"
        )),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, body) = send(
        &router,
        get(&format!("/api/v1/consultations/{ref_no}?query_code={code}")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["version"], 1);
    // The writer's page shows the markup as text.
    let (status, _, page) = send(&router, get(&format!("/talk/{ref_no}?code={code}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("&lt;script&gt;alert("), "escaped subject");
    assert!(!page.contains("<script>alert("), "no live script");
    assert!(!page.contains("<img src=x"), "no live image");

    // A stale version: 409; malformed JSON: 422 with a message in Chinese.
    let (status, _, body) = send(
        &router,
        json_request(
            "POST",
            &format!("/api/v1/consultations/{ref_no}/actions"),
            device,
            serde_json::json!({"action": "consent", "version": 7, "query_code": code}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let mut broken = json_request(
        "POST",
        "/api/v1/consultations",
        device,
        serde_json::json!({}),
    );
    *broken.body_mut() = Body::from("{\"subject\": ");
    let (status, _, body) = send(&router, broken).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&body)["message"].as_str().unwrap().contains("JSON"));

    // Petitions and letters need a signed-in account.
    let (status, _, _) = send(
        &router,
        json_request(
            "POST",
            "/api/v1/petitions",
            device,
            serde_json::json!({"subject": "x"}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A session that ran out while writing: the text waits for the writer to sign in.
    let (status, headers, _) = send(
        &router,
        form_post(
            "/petition/send",
            device,
            &[("f.subject", "楼下油烟扰民（未登录时写）")],
            &[],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    let citizen2 = session_of(&router, "citizen2").await;
    let (_, _, page) = send(
        &router,
        get_as("/petition?kept=1", &format!("{citizen2}; {device}")),
    )
    .await;
    assert!(
        page.contains("楼下油烟扰民（未登录时写）"),
        "kept through the login"
    );
    assert!(page.contains("您写的内容已保留"));

    // A letter of 100,000 characters with 20 attachments: refused with messages, text kept.
    let citizen1 = session_of(&router, "citizen1").await;
    let cookie = format!("{citizen1}; {device}");
    let long = "长".repeat(100_000);
    let pdfs: Vec<Vec<u8>> = (0..20)
        .map(|i| [PDF, format!("{i}").as_bytes()].concat())
        .collect();
    let files: Vec<(&str, &[u8])> = pdfs.iter().map(|p| ("扫描件.pdf", p.as_slice())).collect();
    let (status, headers, _) = send(
        &router,
        form_post(
            "/mailbox/send",
            &cookie,
            &[
                ("f.mailbox_code", "mayor"),
                ("f.subject", "</textarea><script>alert(2)</script>"),
                ("f.body", &long),
            ],
            &files,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let back = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(back.starts_with("/mailbox?kept=1"), "{back}");
    let (status, _, page) = send(&router, get_as("/mailbox?kept=1", &cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("不能超过 5000 字（现在 100000 字）"),
        "the body's problem is shown, counted whole"
    );
    assert!(
        page.contains("最多 5 个附件"),
        "the files' problem is shown"
    );
    assert!(page.contains("长长长长长长长长"), "the text is kept");
    assert!(
        page.contains("&lt;/textarea&gt;&lt;script&gt;"),
        "kept markup stays text"
    );
    assert!(!page.contains("<script>alert(2)"));
    // Corrected: sent, with the five kept files.
    let (status, headers, _) = send(
        &router,
        form_post(
            "/mailbox/send",
            &cookie,
            &[
                ("f.mailbox_code", "mayor"),
                ("f.subject", "建议"),
                ("f.body", "请延长周末开放时间。"),
            ],
            &[],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(to.starts_with("/talk/XX"), "{to}");
    let letter = to
        .trim_start_matches("/talk/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let (status, _, body) = send(
        &router,
        get_as(&format!("/api/v1/mailbox-letters/{letter}"), &cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(json(&body)["attachments"].as_array().unwrap().len(), 5);
    // Another citizen: 404 on the letter and its files.
    let (status, _, _) = send(
        &router,
        get_as(&format!("/api/v1/mailbox-letters/{letter}"), &citizen2),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let file = json(&body)["attachments"][0]["upload_id"].as_i64().unwrap();
    let (status, _, _) = send(
        &router,
        get_as(&format!("/talk/{letter}/files/{file}"), &citizen2),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(
        &router,
        get_as(&format!("/talk/{letter}/files/{file}"), &cookie),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // The mayor's office sees it in its queue; the queue page draws.
    let office1 = session_of(&router, "office1").await;
    let (status, _, body) = send(
        &router,
        get_as("/api/v1/mailbox-letters?queue=open", &office1),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(json(&body)["rows"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ref_no"] == letter.as_str()));
    let (status, _, page) = send(&router, get_as("/staff/talks?channel=letter", &office1)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&letter), "the queue lists the letter");
    // A staff action refused (a page drawn before a change): its text comes back on the page.
    let stale = Request::post(format!("/talk/{letter}/act"))
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &office1)
        .body(Body::from(
            "action=transfer&version=99&department=scjg&text=%E8%AF%B7%E5%B8%82%E5%9C%BA%E7%9B%91%E7%AE%A1%E5%B1%80%E5%8A%9E%E7%90%86",
        ))
        .unwrap();
    let (status, headers, _) = send(&router, stale).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("error="));
    let (_, _, page) = send(&router, get_as(&format!("/staff/talks/{letter}"), &office1)).await;
    assert!(
        page.contains("请市场监管局办理"),
        "the refused text is offered again"
    );
}

/// A plain form post (`application/x-www-form-urlencoded`) as a browser sends it.
fn urlencoded_post(path: &str, cookie: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn supervision_pages_endpoints_and_exports_are_for_supervisors_only() {
    let (router, db) = catalogue_app().await;
    let now = chrono::Utc::now();
    let today = app::domain::time::local_date(now);
    let cal = app::backend::calendar::load(&db.db).await.unwrap();
    app::backend::demo_cases::load(&db.db, &cal, "990100", 600, today, now)
        .await
        .unwrap();
    let supervisor = session_of(&router, "supervisor1").await;
    let clerk = session_of(&router, "clerk2").await;
    let auditor = session_of(&router, "auditor1").await;
    let citizen = session_of(&router, "citizen1").await;

    // The pages, drawn on the server with their charts.
    for (path, marks) in [
        (
            "/supervision?preset=12m",
            &["按时办结率", "<svg", "部门办件情况", "导出 Excel"][..],
        ),
        (
            "/supervision/cases?measure=late&preset=12m",
            &["超期办结", "办件编号"][..],
        ),
        ("/supervision/cards", &["预警纠错", "红牌"][..]),
        (
            "/supervision/ratings?preset=12m",
            &["各部门评价", "非常满意"][..],
        ),
        (
            "/supervision/league",
            &["季度考核", "考核规则", "综合得分"][..],
        ),
    ] {
        let (status, _, page) = send(&router, get_as(path, &supervisor)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        for mark in marks {
            assert!(page.contains(mark), "{path} lacks {mark}");
        }
    }
    let (_, _, page) = send(&router, get_as("/admin/audit", &auditor)).await;
    assert!(
        page.contains("校验哈希链"),
        "the check is offered: {page:.400}"
    );
    let (_, _, page) = send(&router, get_as("/admin/audit?verify=1", &auditor)).await;
    assert!(page.contains("哈希链校验通过"), "{page:.400}");
    let (_, _, page) = send(&router, get_as("/staff/oversight", &clerk)).await;
    assert!(page.contains("督办整改"), "{page:.400}");
    // A department's clerk is not a supervisor.
    let (_, _, page) = send(&router, get_as("/supervision", &clerk)).await;
    assert!(
        !page.contains("部门办件情况"),
        "the dashboard is not shown to a clerk"
    );

    // REST: the summary and cards for supervisors; 401 without a session, 403 for others.
    let api = |path: &str, cookie: Option<&str>| {
        let mut req = Request::get(path)
            .header(header::HOST, "portal.test")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::empty()).unwrap()
    };
    let (status, _, body) = send(
        &router,
        api("/api/v1/supervision/summary?preset=12m", Some(&supervisor)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body:.300}");
    let summary = json(&body);
    assert_eq!(summary["region"]["figures"]["received"], 600, "{body:.300}");
    assert!(summary["departments"].as_array().unwrap().len() > 2);
    let (status, _, body) = send(&router, api("/api/v1/supervision/summary", Some(&clerk))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(json(&body)["code"], "forbidden");
    let (status, _, _) = send(&router, api("/api/v1/supervision/cards", Some(&citizen))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = send(&router, api("/api/v1/supervision/cards", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _, body) = send(
        &router,
        api(
            "/api/v1/supervision/summary?from=2026-12-01&to=2026-01-01",
            Some(&supervisor),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(json(&body)["message"]
        .as_str()
        .unwrap()
        .contains("结束日期"));

    // Exports: an xlsx workbook and a CSV file Excel opens as UTF-8.
    let (status, headers, body) = send(
        &router,
        api(
            "/api/v1/supervision/export.xlsx?table=summary&preset=12m",
            Some(&supervisor),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .contains("spreadsheetml"));
    assert!(body.starts_with("PK"), "a zip container");
    let (status, headers, body) = send(
        &router,
        get_as("/supervision/export/cards.csv", &supervisor),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .contains("attachment"));
    assert!(body.starts_with("\u{feff}牌,类别,编号"), "{body:.100}");
    let (status, _, _) = send(
        &router,
        get_as("/supervision/export/nothing.xlsx", &supervisor),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A card escalated through the form: markup refused with a message, then accepted.
    let (_, _, body) = send(
        &router,
        api("/api/v1/supervision/cards?status=issued", Some(&supervisor)),
    )
    .await;
    let cards = json(&body);
    let card = &cards["rows"][0];
    let action = format!(
        "/supervision/cards/{}/{}",
        card["source"].as_str().unwrap(),
        card["id"]
    );
    let (status, headers, _) = send(
        &router,
        urlencoded_post(
            &action,
            &supervisor,
            "action=escalate&back=%2Fsupervision%2Fcards&text=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap().to_string();
    assert!(
        location.starts_with("/supervision/cards?error="),
        "{location}"
    );
    let (_, _, page) = send(&router, get_as(&location, &supervisor)).await;
    assert!(page.contains("请不要输入网页代码"), "the refusal is shown");
    let (status, headers, _) = send(
        &router,
        urlencoded_post(&action, &supervisor, "action=escalate&back=https%3A%2F%2Fevil.example&text=%E4%B8%89%E6%97%A5%E5%86%85%E5%8A%9E%E7%BB%93"),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = headers[header::LOCATION].to_str().unwrap();
    assert!(
        location.starts_with("/supervision?done="),
        "never off the site: {location}"
    );
    let (_, _, body) = send(
        &router,
        api(
            "/api/v1/supervision/cards?status=escalated",
            Some(&supervisor),
        ),
    )
    .await;
    assert!(json(&body)["total"].as_u64().unwrap() >= 1);
    // A clerk cannot act for a supervisor.
    let (_, headers, _) = send(
        &router,
        urlencoded_post(&action, &clerk, "action=close&back=%2Fstaff%2Foversight"),
    )
    .await;
    assert!(headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("error="));

    // The kiosk's lookup goes on to the rating page; a wrong code rates nothing.
    let (status, headers, _) = send(&router, get("/kiosk/rate/find?number=xf2026&code=123")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/kiosk/rate/XF2026?code=123");
    let wrong = Request::post("/api/v1/ratings")
        .header(header::HOST, "portal.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            r#"{"ref_no":"ZX2026010100001","query_code":"000000","level":1}"#,
        ))
        .unwrap();
    let (status, _, _) = send(&router, wrong).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    db.finish().await;
}

/// The `name=value` of a `Set-Cookie` the response carries for `name`, with its attributes.
fn set_cookie_named(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

fn code_post(code: &str, cookie: &str) -> Request<Body> {
    Request::post("/sf/login_second_factor")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie)
        .body(Body::from(format!("code={code}")))
        .unwrap()
}

fn totp_now(secret: &str) -> String {
    let raw = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .unwrap();
    let step = app::backend::two_factor::step_of(chrono::Utc::now());
    format!("{:06}", app::backend::two_factor::code_at(&raw, step))
}

#[tokio::test]
async fn in_production_a_staff_login_enrols_an_authenticator_and_then_asks_for_its_code() {
    let (_, db) = app().await;
    let options = LeptosOptions::builder().output_name("yizhan").build();
    let router = yizhan::http::router(AppState {
        environment: Environment::Production,
        ..state_of(&db, options)
    });
    // The right password of a staff member leads to the second step, not to a session.
    let (status, headers, _) = send(&router, login_request("clerk1", PASSWORD, None)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/login/verify");
    assert_eq!(session_cookie(&headers), None);
    let challenge = set_cookie_named(&headers, "yz_login").expect("a challenge cookie");
    for attribute in ["HttpOnly", "SameSite=Strict", "Secure", "Max-Age=600"] {
        assert!(challenge.contains(attribute), "{challenge}");
    }
    let challenge = challenge.split(';').next().unwrap().to_string();

    // The enrolment page: QR code, key, ten recovery codes; kept by no cache.
    let (status, headers, body) = send(&router, get_as("/login/verify", &challenge)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(body.contains("绑定验证器") && body.contains("class=\"enrol-qr\""));
    assert_eq!(body.matches("<li><code>").count(), 10, "ten recovery codes");
    let secret: String = body
        .split("class=\"enrol-secret\"><code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap()
        .replace(' ', "");
    assert_eq!(secret.len(), 32);

    // A wrong code goes back to the page with the reason; the right one signs in at the desk.
    let wrong = if totp_now(&secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let (status, headers, _) = send(&router, code_post(wrong, &challenge)).await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], "/login/verify?error=invalid");
    let (status, headers, _) = send(&router, code_post(&totp_now(&secret), &challenge)).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(headers[header::LOCATION], "/staff");
    let session = session_cookie(&headers).expect("a session after the code");
    assert!(set_cookie_named(&headers, "yz_session")
        .unwrap()
        .contains("Secure"));
    assert!(set_cookie_named(&headers, "yz_login")
        .unwrap()
        .contains("Max-Age=0"));
    let (status, _, body) = send(&router, get_as("/staff", &session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("王窗口"));
    // The challenge is spent: the page now says to start again.
    let (_, _, body) = send(&router, get_as("/login/verify", &challenge)).await;
    assert!(body.contains("登录验证已超时"), "{body}");

    // Citizens are not asked; the REST login wants the code in the same request.
    let (_, headers, _) = send(&router, login_request("citizen1", PASSWORD, None)).await;
    assert!(session_cookie(&headers).is_some());
    let rest_login = |body: serde_json::Value| {
        Request::post("/api/v1/session")
            .header(header::HOST, "portal.test")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let (status, _, body) = send(
        &router,
        rest_login(serde_json::json!({"username": "clerk1", "password": PASSWORD})),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("second_factor_required"), "{body}");
    db.finish().await;
}

/// Found by schemathesis: a page number near `u64::MAX` overflowed the row offset (the request
/// died), and extractor errors came back as English plain text.
#[tokio::test]
async fn absurd_pages_and_malformed_requests_get_answers_in_chinese_json() {
    let (router, db) = app().await;
    for path in [
        "/api/v1/consultations?page=922337203685477582",
        "/api/v1/mailbox-letters?page=922337203685477582",
    ] {
        let (status, _, body) = send(&router, get(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
    }
    let (status, headers, body) =
        send(&router, get("/api/v1/items?per_page=null&per_page=null")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(headers[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(
        body.contains("\"code\":\"bad_request\"") && body.contains("请求格式不正确"),
        "{body}"
    );
    let session = session_of(&router, "citizen1").await;
    let req = Request::post("/api/v1/applications")
        .header(header::HOST, "portal.test")
        .header(header::COOKIE, session)
        .header("idempotency-key", "key-without-body")
        .body(Body::empty())
        .unwrap();
    let (status, _, body) = send(&router, req).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(body.contains("Content-Type: application/json"), "{body}");
    // A server function that does not exist is not found, like any other unknown address.
    let req = Request::post("/sf/no_such_function")
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "application/json")
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(&router, req).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    db.finish().await;
}
