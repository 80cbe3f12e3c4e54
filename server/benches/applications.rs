//! Benchmark: 网上申请 on SQLite — submission with its durable write (draft → case in one
//! transaction), the receipt PDF, and the public status page rendered whole by the router, one at a
//! time and 50 at once. Run with `make bench`; prints tables. Not a test: it asserts nothing about
//! time.

use app::backend::applications::Caller;
use app::backend::drafts::{self, DraftInput, PostedFile};
use app::backend::files::LocalFiles;
use app::backend::state::{AppState, Environment};
use app::backend::users::{self, Identity, NewUser};
use app::backend::{calendar, demo, demo_catalogue, my_cases};
use app::domain::account::AccountKind;
use app::domain::application_form::Values;
use app::domain::role::Role;
use app::domain::site::SiteInfo;
use app::domain::username::Username;
use app::domain::workflow::Actor;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
mod common;

use common::{ms, percentile, row};
use std::sync::Arc;
use std::time::Instant;
use tower::ServiceExt;

const APPLICANTS: usize = 50;
const ITEMS_PER_APPLICANT: usize = 8;
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// A made-up but valid 身份证号 for applicant `i` (check digit computed).
fn id_number(i: usize) -> String {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let base = format!("99010219800101{:03}", i % 1000);
    let sum: u32 = base
        .bytes()
        .zip(W)
        .map(|(b, w)| (b - b'0') as u32 * w)
        .sum();
    format!(
        "{base}{}",
        "10X98765432".as_bytes()[(sum % 11) as usize] as char
    )
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (conn, dir) = common::fresh_database("applications").await?;
    let now = chrono::Utc::now();
    let today = app::domain::time::local_date(now);
    let files = LocalFiles::new(dir.join("files"));
    demo::seed(&conn, Environment::Development, "Bench@2026x", now).await?;
    demo_catalogue::seed(&conn, &files, now).await?;
    let cal = calendar::load(&conn).await?;

    // Items open online to persons, each with its default form.
    let mut items = Vec::new();
    for record in demo_catalogue::catalogue(now)?.items {
        let g = record.guide;
        if app::backend::application_forms::for_item(&conn, &g.code)
            .await
            .is_ok()
            && app::backend::processes::find(&conn, &g.code)
                .await?
                .is_some()
        {
            items.push(g.code);
        }
        if items.len() == ITEMS_PER_APPLICANT {
            break;
        }
    }

    // Applicants, each with a complete draft for every item (prepared, not measured).
    let mut callers = Vec::new();
    for i in 0..APPLICANTS {
        let user = users::create(
            &conn,
            NewUser {
                username: Username::parse(&format!("bench{i:03}"))?,
                display_name: format!("测试申请人{i}"),
                kind: AccountKind::Person,
                department_code: None,
                roles: vec![Role::Citizen],
                password: "Bench@2026x".into(),
                email: None,
                mobile: Some(format!("139{i:08}")),
                identity: Identity {
                    id_number: Some(id_number(i)),
                    ..Identity::default()
                },
            },
            "bench",
            now,
        )
        .await?;
        for item in &items {
            let form = app::backend::application_forms::for_item(&conn, item).await?;
            let profile = app::backend::accounts::profile(&conn, user.id).await?;
            let mut values: Values = form.definition.prefilled(&profile);
            for f in &form.definition.fields {
                values.entry(f.key.clone()).or_insert_with(|| match f.kind {
                    app::domain::application_form::FieldKind::Select
                    | app::domain::application_form::FieldKind::Radio => {
                        f.options.first().cloned().unwrap_or_default()
                    }
                    app::domain::application_form::FieldKind::Number => "1".into(),
                    app::domain::application_form::FieldKind::Date => "2026-09-01".into(),
                    app::domain::application_form::FieldKind::Checkbox => "1".into(),
                    app::domain::application_form::FieldKind::Email => "bench@example.com".into(),
                    app::domain::application_form::FieldKind::Mobile => "13900000000".into(),
                    app::domain::application_form::FieldKind::IdNumber => id_number(i),
                    app::domain::application_form::FieldKind::CreditCode => {
                        "91350100M000100Y43".into()
                    }
                    _ => "基准测试申请".into(),
                });
            }
            let files_in: Vec<PostedFile> = form
                .definition
                .materials
                .iter()
                .map(|m| PostedFile {
                    material_code: m.code.clone(),
                    file_name: format!("{}.pdf", m.code),
                    bytes: PDF.to_vec(),
                })
                .collect();
            let view = drafts::save(
                &conn,
                &files,
                user.id,
                item,
                DraftInput {
                    values,
                    files: files_in,
                    check_all: true,
                    ..DraftInput::default()
                },
                now,
            )
            .await?;
            assert!(view.ready(), "{item}: {:?}", view.problems);
        }
        callers.push(Caller {
            user_id: Some(user.id),
            name: user.username,
            actors: vec![Actor::Applicant],
            desk: Default::default(),
            address: None,
        });
    }

    println!(
        "\n| submission (draft → case, one transaction, SQLite WAL) | submissions | p50 | p99 |"
    );
    println!("|---|---|---|---|");
    // One at a time: the first half of the applicants' drafts.
    let mut samples = Vec::new();
    let mut cases = Vec::new();
    for caller in &callers[..APPLICANTS / 2] {
        for item in &items {
            let start = Instant::now();
            let done = drafts::submit(
                &conn,
                &cal,
                "990100",
                caller,
                item,
                &format!("bench-{}-{item}", caller.name),
                today,
                now,
            )
            .await?;
            samples.push(start.elapsed());
            cases.push(done);
        }
    }
    row("one at a time", samples);
    // 25 applicants at once, each submitting their drafts in turn.
    let mut tasks = Vec::new();
    for caller in callers[APPLICANTS / 2..].iter().cloned() {
        let conn = conn.clone();
        let cal = cal.clone();
        let items = items.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            for item in &items {
                let start = Instant::now();
                drafts::submit(
                    &conn,
                    &cal,
                    "990100",
                    &caller,
                    item,
                    &format!("bench-{}-{item}", caller.name),
                    today,
                    now,
                )
                .await
                .expect("submit");
                samples.push(start.elapsed());
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await?);
    }
    row(&format!("{} applicants at once", APPLICANTS / 2), samples);

    println!("\n| receipt PDF (申请回执, with QR code) | receipts | p50 | p99 | size |");
    println!("|---|---|---|---|---|");
    let site = SiteInfo::default();
    let mut samples = Vec::new();
    let mut size = 0;
    for c in cases.iter().take(100) {
        let app = app::backend::applications::find(&conn, &c.case_no)
            .await?
            .expect("case");
        let start = Instant::now();
        let pdf = my_cases::receipt_pdf(
            &conn,
            &cal,
            &app,
            &site,
            "https://zwfw.example.gov.cn",
            today,
        )
        .await?;
        samples.push(start.elapsed());
        size = size.max(pdf.len());
    }
    samples.sort();
    println!(
        "| render | {} | {} | {} | {:.1} KB |",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        size as f64 / 1024.0
    );

    let state = AppState {
        db: conn.clone(),
        site: Arc::new(site),
        environment: Environment::Development,
        region_code: "990100".into(),
        public_url: "http://bench.local".into(),
        files: Arc::new(files),
        signer: Arc::new(app::backend::certificates::Signer::generate().unwrap().0),
        leptos_options: LeptosOptions::builder().output_name("yizhan").build(),
        guide_edits: Default::default(),
    };
    let router = yizhan::http::router(state);
    let lookups: Vec<String> = cases
        .iter()
        .map(|c| format!("/status?case_no={}&query_code={}", c.case_no, c.query_code))
        .collect();
    println!(
        "\n| `/status` page with a found case, rendered by the router ({} cases in the database) | requests | p50 | p99 |",
        APPLICANTS * items.len()
    );
    println!("|---|---|---|---|");
    let fetch = |router: axum::Router, path: String| async move {
        let start = Instant::now();
        let req = Request::get(&path)
            .header(header::HOST, "bench.local")
            .header(header::ACCEPT, "text/html")
            .body(Body::empty())
            .expect("request");
        let res = router.oneshot(req).await.expect("response");
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let body = res.into_body().collect().await.expect("body").to_bytes();
        assert!(
            body.windows(6).any(|w| w == "受理".as_bytes()),
            "{path}: no case"
        );
        start.elapsed()
    };
    fetch(router.clone(), lookups[0].clone()).await;
    let mut samples = Vec::new();
    for path in lookups.iter().take(100) {
        samples.push(fetch(router.clone(), path.clone()).await);
    }
    row("one at a time", samples);
    let mut tasks = Vec::new();
    for i in 0..50 {
        let router = router.clone();
        let lookups = lookups.clone();
        tasks.push(tokio::spawn(async move {
            let mut samples = Vec::new();
            for k in 0..20 {
                samples.push(
                    fetch(
                        router.clone(),
                        lookups[(i * 20 + k) % lookups.len()].clone(),
                    )
                    .await,
                );
            }
            samples
        }));
    }
    let mut samples = Vec::new();
    for t in tasks {
        samples.extend(t.await?);
    }
    row("50 at once (50 tasks × 20)", samples);
    Ok(())
}
