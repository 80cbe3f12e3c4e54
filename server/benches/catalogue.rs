//! Benchmark: 办事指南 with 2,000 items (SQLite): catalogue search, and the guide list and guide
//! pages rendered whole by the router (in process, no network), one at a time and 50 at once.
//! Run with `make bench`; prints tables. Not a test: it asserts nothing about time.

use app::backend::catalogue::{items, search};
use app::backend::files::LocalFiles;
use app::backend::state::{AppState, Environment};
use app::backend::{demo, demo_catalogue};
use app::domain::search::{SearchInput, SearchQuery};
use app::domain::site::SiteInfo;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
mod common;

use common::{ms, percentile, row};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const ITEMS: usize = 2_000;
const SEQUENTIAL: usize = 400;
const CONNECTIONS: usize = 50;
const PER_CONNECTION: usize = 20;

fn page(path: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, "bench.local")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .expect("request")
}

async fn fetch(router: &axum::Router, path: &str) -> Duration {
    let start = Instant::now();
    let res = router.clone().oneshot(page(path)).await.expect("response");
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.into_body().collect().await.expect("body");
    start.elapsed()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (conn, dir) = common::fresh_database("catalogue").await?;
    let now = chrono::Utc::now();
    let files = LocalFiles::new(dir.join("files"));

    let load = Instant::now();
    demo::seed(&conn, Environment::Development, "Bench@2026x", now).await?;
    demo_catalogue::seed(&conn, &files, now).await?;
    let (n, last_code) = common::fill_catalogue(&conn, ITEMS, now).await?;
    let load_time = load.elapsed();

    println!("\n| catalogue, SQLite, {n} items | value |");
    println!("|---|---|");
    println!(
        "| load (demo catalogue with forms + generated items; not measured below) | {:.1} s |",
        load_time.as_secs_f64()
    );

    println!("\n| search (backend, one at a time) | runs | p50 | p99 |");
    println!("|---|---|---|---|");
    for q in [
        "证",
        "身份证",
        "sfz",
        "yingyezhizhao",
        "营业执照 变更",
        "不存在的事项",
    ] {
        let query = SearchQuery::parse(&SearchInput {
            q: Some(q.into()),
            ..Default::default()
        });
        let mut samples = Vec::with_capacity(SEQUENTIAL);
        let mut total = 0;
        for _ in 0..SEQUENTIAL {
            let start = Instant::now();
            total = search::search(&conn, &query, false).await?.total;
            samples.push(start.elapsed());
        }
        row(&format!("`{q}` ({total} found)"), samples);
    }

    let state = AppState {
        db: conn.clone(),
        site: Arc::new(SiteInfo::default()),
        environment: Environment::Development,
        region_code: "990100".into(),
        public_url: "http://bench.local".into(),
        files: Arc::new(files),
        signer: Arc::new(app::backend::certificates::Signer::generate().unwrap().0),
        leptos_options: LeptosOptions::builder().output_name("yizhan").build(),
        guide_edits: Default::default(),
    };
    let router = yizhan::http::router(state);
    let last_guide = format!("/guide/{last_code}");
    let paths = [
        "/guide",
        "/guide?q=sfz",
        "/guide?q=%E8%AF%81",
        "/guide?audience=company&topic=startup",
        "/guide/990100-QR-0001",
        last_guide.as_str(),
        "/forms",
    ];
    for p in paths {
        fetch(&router, p).await; // warm up
    }
    println!("\n| whole page rendered by the router, one at a time | requests | p50 | p99 |");
    println!("|---|---|---|---|");
    for p in paths {
        let mut samples = Vec::with_capacity(SEQUENTIAL / 4);
        for _ in 0..SEQUENTIAL / 4 {
            samples.push(fetch(&router, p).await);
        }
        row(&format!("`{p}`"), samples);
    }

    println!(
        "\n| {CONNECTIONS} at once, {PER_CONNECTION} each | requests | p50 | p99 | throughput |"
    );
    println!("|---|---|---|---|---|");
    for p in ["/guide/990100-QR-0001", "/guide?q=sfz"] {
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..CONNECTIONS {
            let router = router.clone();
            tasks.push(tokio::spawn(async move {
                let mut samples = Vec::new();
                for _ in 0..PER_CONNECTION {
                    samples.push(fetch(&router, p).await);
                }
                samples
            }));
        }
        let mut samples = Vec::new();
        for t in tasks {
            samples.extend(t.await?);
        }
        let elapsed = start.elapsed();
        samples.sort();
        println!(
            "| `{p}` | {} | {} | {} | {:.0} pages/s |",
            samples.len(),
            ms(percentile(&samples, 0.5)),
            ms(percentile(&samples, 0.99)),
            samples.len() as f64 / elapsed.as_secs_f64()
        );
    }

    let detail = items::detail(&conn, "990100-QR-0001")
        .await?
        .ok_or("no item")?;
    let site = SiteInfo::default();
    let mut samples = Vec::new();
    let mut size = 0;
    for _ in 0..50 {
        let start = Instant::now();
        size = app::backend::pdf::guide::render(&detail, &site)?.len();
        samples.push(start.elapsed());
    }
    println!("\n| guide PDF | runs | p50 | p99 |");
    println!("|---|---|---|---|");
    row(&format!("990100-QR-0001 ({} KB)", size / 1024), samples);
    Ok(())
}
