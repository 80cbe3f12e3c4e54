//! Benchmark: 电子监察 over 1,000,000 applications (SQLite) made by `seed --demo --applications`:
//! the dashboard's summary and the other supervision reads in the backend, and the whole
//! `/supervision` page rendered by the router for a signed-in supervisor.
//! Run with `make bench`; prints tables. Not a test: it asserts nothing about time.

use app::backend::files::LocalFiles;
use app::backend::state::{AppState, Environment};
use app::backend::supervision::{self, ExportRequest, Scope};
use app::backend::throttle::Client;
use app::backend::two_factor::Policy;
use app::backend::{auth, calendar, demo, demo_cases, demo_catalogue, ratings};
use app::domain::supervision::{Measure, Period};
use app::domain::time::local_date;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::ServiceExt;

mod common;
use common::row;

const APPLICATIONS: u64 = 1_000_000;
const RUNS: usize = 20;
const PASSWORD: &str = "Bench@2026x";

async fn timed<T, F, Fut>(
    runs: usize,
    mut f: F,
) -> Result<Vec<Duration>, Box<dyn std::error::Error>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, app::backend::error::ServiceError>>,
{
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        f().await?;
        samples.push(start.elapsed());
    }
    Ok(samples)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (conn, dir) = common::fresh_database("supervision").await?;
    let now = chrono::Utc::now();
    let today = local_date(now);
    let files = LocalFiles::new(dir.join("files"));
    demo::seed(&conn, Environment::Development, PASSWORD, now).await?;
    demo_catalogue::seed(&conn, &files, now).await?;
    let cal = calendar::load(&conn).await?;

    let load = Instant::now();
    let report = demo_cases::load(&conn, &cal, "990100", APPLICATIONS, today, now)
        .await?
        .ok_or("demo cases were loaded before")?;
    let load_time = load.elapsed();
    let rebuild = Instant::now();
    let days = supervision::rebuild(&conn, today).await?;
    let rebuild_time = rebuild.elapsed();

    println!("\n| supervision, SQLite | value |");
    println!("|---|---|");
    println!(
        "| demo cases loaded | {} ({} decided, {} late, {} open past deadline, {} ratings) |",
        report.applications, report.decided, report.late, report.overdue, report.ratings
    );
    println!(
        "| bulk load, including the first aggregation (not measured below) | {:.1} s |",
        load_time.as_secs_f64()
    );
    println!(
        "| re-aggregating all {days} finished days into `daily_figures` | {:.2} s |",
        rebuild_time.as_secs_f64()
    );

    // The demo's staff sign in with a password (development policy).
    let supervisor = auth::login(
        &conn,
        "supervisor1",
        PASSWORD,
        &Client::default(),
        Policy::WhenEnrolled,
        now,
    )
    .await?
    .signed_in()
    .expect("supervisor1 has no second factor in the demo");
    let account = supervisor.account.clone();
    let region = Scope::Region;
    let year = Period::chosen("12m", None, None, today)?;
    let quarter = Period::chosen("quarter", None, None, today)?;

    println!("\n| backend read, one at a time | runs | p50 | p99 |");
    println!("|---|---|---|---|");
    row(
        "summary, last 12 months (whole region, per department, weekly trend, now-figures)",
        timed(RUNS, || {
            supervision::summary(&conn, &region, year, "12m", today)
        })
        .await?,
    );
    row(
        "summary, this quarter",
        timed(RUNS, || {
            supervision::summary(&conn, &region, quarter, "quarter", today)
        })
        .await?,
    );
    row(
        "league table of the quarter",
        timed(RUNS, || supervision::league(&conn, &account, None, today)).await?,
    );
    row(
        "open cards, first page",
        timed(RUNS, || {
            supervision::card_page(&conn, &account, None, None, None, 1, 30)
        })
        .await?,
    );
    row(
        "ratings, last 12 months, first page with scores",
        timed(RUNS, || {
            ratings::rating_page(&conn, &account, year, "all", None, 1, 30, today)
        })
        .await?,
    );
    row(
        "cases behind 超期办结, first page",
        timed(RUNS, || {
            supervision::drill_page(&conn, &account, Measure::Late, year, None, 1, 50, today)
        })
        .await?,
    );
    row(
        "export of the department table as xlsx",
        timed(RUNS, || async {
            let t = supervision::table_of(
                &conn,
                &account,
                &ExportRequest {
                    table: "summary",
                    period: Some(year),
                    ..ExportRequest::default()
                },
                today,
            )
            .await?;
            supervision::export_xlsx(&t)
        })
        .await?,
    );

    let state = AppState {
        db: conn.clone(),
        site: Arc::new(app::domain::site::SiteInfo::default()),
        environment: Environment::Development,
        region_code: "990100".into(),
        public_url: "http://bench.local".into(),
        files: Arc::new(files),
        signer: Arc::new(app::backend::certificates::Signer::generate()?.0),
        leptos_options: LeptosOptions::builder().output_name("yizhan").build(),
        guide_edits: Default::default(),
    };
    let router = yizhan::http::router(state);
    let cookie = format!(
        "{}={}",
        app::backend::sessions::COOKIE_NAME,
        supervisor.token
    );
    let fetch = |path: &'static str| {
        let router = router.clone();
        let cookie = cookie.clone();
        async move {
            let start = Instant::now();
            let res = router
                .oneshot(
                    Request::get(path)
                        .header(header::HOST, "bench.local")
                        .header(header::ACCEPT, "text/html")
                        .header(header::COOKIE, cookie)
                        .body(Body::empty())
                        .expect("request"),
                )
                .await
                .expect("response");
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let body = res.into_body().collect().await.expect("body").to_bytes();
            assert!(
                String::from_utf8_lossy(&body).contains("按时办结率"),
                "{path} is not the dashboard"
            );
            start.elapsed()
        }
    };
    fetch("/supervision?preset=12m").await;
    println!(
        "\n| whole page rendered by the router, signed in as supervisor1 | requests | p50 | p99 |"
    );
    println!("|---|---|---|---|");
    for path in ["/supervision?preset=12m", "/supervision?preset=quarter"] {
        let mut samples = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            samples.push(fetch(path).await);
        }
        row(&format!("`{path}`"), samples);
    }
    Ok(())
}
