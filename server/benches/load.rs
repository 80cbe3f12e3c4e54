//! Benchmark: the portal under network load, against the bars of DESIGN.md §6, in one table.
//!
//! A database with 2,000 items and 1,000,000 applications is made first (in process, not
//! measured); the deadline scan runs over it; then the real `yizhan serve` (this bench's build)
//! serves it over loopback and `wrk` loads it with 50 connections: the guide pages, search, the
//! status lookup page and API, and submissions — with a bare axum handler, loaded the same way in
//! the same run, as the ceiling. Submissions are loaded again on a second server over a fresh
//! PostgreSQL database (`YIZHAN_BENCH_PG_URL`, an administrator URL). A receipt PDF and the supervision summary are fetched one at a
//! time; a citizen page's first load is summed as the browser receives it (compressed); the
//! server's peak memory is read from /proc at the end.
//!
//! Run with `make bench` (which installs wrk and curl and builds the release site first). Prints
//! the table and writes it to `target/bench/report.md`. Not a test: it asserts nothing about time;
//! a row whose requests failed says how many, and its bar is not met.

use app::backend::files::LocalFiles;
use app::backend::state::Environment;
use app::backend::users::{self, NewUser};
use app::backend::{calendar, demo, demo_cases, demo_catalogue, scheduler};
use app::domain::account::AccountKind;
use app::domain::role::Role;
use app::domain::time::local_date;
use app::domain::username::Username;
use sea_orm::{ConnectionTrait, Statement};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;

type Error = Box<dyn std::error::Error>;

const ITEMS: usize = 2_000;
const APPLICATIONS: u64 = 1_000_000;
const APPLICANTS: usize = 50;
const CONNECTIONS: u32 = 50;
const SECONDS: u32 = 10;
const PASSWORD: &str = "Bench@2026x";
/// What Chromium sends: the server compresses as it would for a browser.
const ACCEPT_ENCODING: &str = "Accept-Encoding: gzip, deflate, br";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// One `wrk` run's figures.
struct Load {
    p50: Duration,
    p99: Duration,
    per_second: f64,
    requests: u64,
    /// Answers that were not 2xx, and socket errors (timeouts included).
    failed: u64,
}

impl Load {
    /// p50 and p99, and what failed if anything did: a latency of failing requests means little.
    fn latency(&self) -> String {
        let mut text = format!("p50 {}, p99 {}", ms(self.p50), ms(self.p99));
        if self.failed > 0 {
            text += &format!("; **{} of {} requests failed**", self.failed, self.requests);
        }
        text
    }

    /// The bar is met only at that p99 with nothing failed.
    fn within(&self, p99: Duration) -> bool {
        self.failed == 0 && self.p99 <= p99
    }
}

/// The table, as Markdown rows, printed and written at the end.
struct Report {
    rows: Vec<String>,
}

impl Report {
    fn add(&mut self, what: &str, how: &str, figure: String, bar: &str, met: Option<bool>) {
        let verdict = match met {
            Some(true) => "met",
            Some(false) => "**not met**",
            None => "—",
        };
        let row = format!("| {what} | {how} | {figure} | {bar} | {verdict} |");
        println!("{row}");
        self.rows.push(row);
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn tool(name: &str) -> Result<(), Error> {
    match Command::new(name).arg("--version").output() {
        Ok(_) => Ok(()),
        Err(_) => Err(format!("找不到 {name}：请先运行 scripts/setup.sh bench").into()),
    }
}

fn free_port() -> Result<u16, Error> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// `curl` with the given arguments; its standard output.
fn curl(args: &[&str]) -> Result<String, Error> {
    let out = Command::new("curl").arg("-s").args(args).output()?;
    if !out.status.success() {
        return Err(format!("curl {args:?} failed").into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `wrk` with `connections` over `SECONDS`, optionally with a Lua script. Failed requests are
/// counted, not fatal: the table says how many.
fn wrk(url: &str, connections: u32, script: Option<&Path>, cookie: &str) -> Result<Load, Error> {
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{}", connections.min(2)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{SECONDS}s"))
        .arg("--latency")
        .args(["-H", ACCEPT_ENCODING]);
    if !cookie.is_empty() {
        cmd.args(["-H", &format!("Cookie: {cookie}")]);
    }
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    let out = cmd.arg(url).output()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        return Err(format!("wrk {url} failed\n{text}").into());
    }
    parse_wrk(&text).ok_or_else(|| format!("wrk {url}: unreadable output\n{text}").into())
}

fn parse_wrk(text: &str) -> Option<Load> {
    let latency = |label: &str| {
        text.lines()
            .map(str::trim)
            .find_map(|l| l.strip_prefix(label))
            .and_then(|v| duration(v.trim()))
    };
    let per_second = text
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))?
        .trim()
        .parse()
        .ok()?;
    let requests = text
        .lines()
        .find(|l| l.contains("requests in"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    // `Non-2xx or 3xx responses: 104` and `Socket errors: connect 0, read 0, write 0, timeout 3`.
    let numbers_after = |label: &str| -> u64 {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .map_or(0, |rest| {
                rest.split(|c: char| !c.is_ascii_digit())
                    .filter_map(|n| n.parse::<u64>().ok())
                    .sum()
            })
    };
    Some(Load {
        p50: latency("50%")?,
        p99: latency("99%")?,
        per_second,
        failed: numbers_after("Non-2xx or 3xx responses:") + numbers_after("Socket errors:"),
        requests,
    })
}

/// wrk's `812.00us`, `3.41ms`, `1.02s`.
fn duration(v: &str) -> Option<Duration> {
    let (number, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic())?);
    let n: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => n / 1e6,
        "ms" => n / 1e3,
        "s" => n,
        "m" => n * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(seconds))
}

/// The running server, killed when the bench ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Server {
    /// Peak and current resident memory, from /proc.
    fn memory(&self) -> Result<(u64, u64), Error> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0.id()))?;
        let kb = |label: &str| -> Option<u64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(label))?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        };
        Ok((
            kb("VmHWM:").ok_or("no VmHWM")?,
            kb("VmRSS:").ok_or("no VmRSS")?,
        ))
    }
}

fn start_server(database_url: &str, data: &Path, site: &Path, port: u16) -> Result<Server, Error> {
    let log = std::fs::File::create(data.join("serve.log"))?;
    let child = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .arg("serve")
        .env("YIZHAN_DATABASE_URL", database_url)
        .env("YIZHAN_DATA_DIR", data)
        .env("LEPTOS_SITE_ROOT", site)
        .env("YIZHAN_ADDR", format!("127.0.0.1:{port}"))
        .env("YIZHAN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()?;
    let server = Server(child);
    let ready = format!("http://127.0.0.1:{port}/readyz");
    for _ in 0..300 {
        if curl(&["-f", &ready]).is_ok() {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "yizhan serve did not become ready (see {}/serve.log)",
        data.display()
    )
    .into())
}

/// The session cookie (`yz_session=…`) of a REST sign-in.
fn sign_in(base: &str, username: &str) -> Result<String, Error> {
    let body = serde_json::json!({"username": username, "password": PASSWORD}).to_string();
    let head = curl(&[
        "-D",
        "-",
        "-o",
        "/dev/null",
        "-H",
        "Content-Type: application/json",
        "--data",
        &body,
        &format!("{base}/api/v1/session"),
    ])?;
    head.lines()
        .find_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or(l.strip_prefix("Set-Cookie: "))
        })
        .and_then(|c| c.split(';').next())
        .filter(|c| c.starts_with("yz_session="))
        .map(str::to_string)
        .ok_or_else(|| format!("{username} could not sign in").into())
}

fn submission(file_id: i64) -> String {
    serde_json::json!({
        "item_code": "990100-XK-0007",
        "form": {"name": "张晓明", "id_number": "990102198005121236", "mobile": "13800000001",
                 "request": "驾驶证遗失，申请补领"},
        "materials": [{"material_code": "m1", "file_id": file_id}],
    })
    .to_string()
}

/// Signs in each bench applicant and uploads the one file their submission needs.
fn applicants(base: &str, dir: &Path) -> Result<Vec<(String, i64)>, Error> {
    let pdf = dir.join("申请书.pdf");
    std::fs::write(&pdf, PDF)?;
    let mut out = Vec::new();
    for i in 0..APPLICANTS {
        let cookie = sign_in(base, &format!("bench{i:03}"))?;
        let answer = curl(&[
            "-H",
            &format!("Cookie: {cookie}"),
            "-F",
            &format!("file=@{};type=application/pdf", pdf.display()),
            &format!("{base}/api/v1/files"),
        ])?;
        let id = serde_json::from_str::<serde_json::Value>(&answer)?["id"]
            .as_i64()
            .ok_or_else(|| format!("upload refused: {answer}"))?;
        out.push((cookie, id));
    }
    Ok(out)
}

/// A wrk script that sends submissions from every applicant in turn, each with its own
/// Idempotency-Key (so each makes a new case).
fn submission_script(applicants: &[(String, i64)]) -> String {
    let mut lua = String::from("local applicants = {\n");
    for (cookie, file) in applicants {
        lua.push_str(&format!(
            "  {{cookie = {cookie:?}, body = {:?}}},\n",
            submission(*file)
        ));
    }
    lua.push_str(
        r#"}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
function request()
  n = n + 1
  local a = applicants[(n % #applicants) + 1]
  return wrk.format("POST", "/api/v1/applications", {
    ["Cookie"] = a.cookie,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. tid .. "-" .. n,
  }, a.body)
end
"#,
    );
    lua
}

/// Signs the bench applicants in, uploads their files, and loads the server with their submissions.
fn submissions(base: &str, data: &Path) -> Result<(Load, Vec<(String, i64)>), Error> {
    let people = applicants(base, data)?;
    let script = data.join("submit.lua");
    std::fs::write(&script, submission_script(&people))?;
    let l = wrk(
        &format!("{base}/api/v1/applications"),
        CONNECTIONS,
        Some(&script),
        "",
    )?;
    Ok((l, people))
}

/// Submissions to a server on a fresh PostgreSQL database `yizhan_bench_load`, made through the
/// administrator URL in `YIZHAN_BENCH_PG_URL` (`make bench` sets it from `scripts/postgres.sh`).
async fn on_postgres(site: &Path, dir: &Path) -> Result<Load, Error> {
    let admin_url = std::env::var("YIZHAN_BENCH_PG_URL")
        .map_err(|_| "YIZHAN_BENCH_PG_URL 未设置：请用 make bench 运行（它会启动 PostgreSQL）")?;
    let admin = sea_orm::Database::connect(&admin_url).await?;
    for sql in [
        "DROP DATABASE IF EXISTS yizhan_bench_load WITH (FORCE)",
        "CREATE DATABASE yizhan_bench_load",
    ] {
        admin.execute_unprepared(sql).await?;
    }
    admin.close().await?;
    let (server_part, _) = admin_url
        .rsplit_once('/')
        .ok_or("YIZHAN_BENCH_PG_URL 格式不对")?;
    let url = format!("{server_part}/yizhan_bench_load");
    let data = dir.join("load-data-pg");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let now = chrono::Utc::now();
    let conn = app::backend::db::connect(&url).await?;
    app::backend::db::migrate(&conn).await?;
    demo::seed(&conn, Environment::Development, PASSWORD, now).await?;
    demo_catalogue::seed(&conn, &LocalFiles::new(data.join("files")), now).await?;
    create_applicants(&conn).await?;
    conn.close().await?;
    let port = free_port()?;
    let _server = start_server(&url, &data, site, port)?;
    let (l, _) = submissions(&format!("http://127.0.0.1:{port}"), &data)?;
    Ok(l)
}

/// Compressed bytes of a citizen page and everything it loads from `/pkg/`, as a browser that
/// accepts brotli receives them.
fn first_load(base: &str, path: &str) -> Result<(u64, Vec<String>), Error> {
    let html = curl(&[&format!("{base}{path}")])?;
    let mut urls = vec![path.to_string()];
    for (at, _) in html.match_indices("/pkg/") {
        let end = html[at..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/._-".contains(c)))
            .map_or(html.len(), |e| at + e);
        let asset = html[at..end].to_string();
        if !urls.contains(&asset) {
            urls.push(asset);
        }
    }
    let mut total = 0;
    let mut parts = Vec::new();
    for u in &urls {
        // -f: an asset the page names but the server does not have is an error, not 0 bytes.
        let bytes: u64 = curl(&[
            "-f",
            "-o",
            "/dev/null",
            "-H",
            ACCEPT_ENCODING,
            "-w",
            "%{size_download}",
            &format!("{base}{u}"),
        ])?
        .trim()
        .parse()?;
        total += bytes;
        parts.push(format!("{u} {:.0} KB", bytes as f64 / 1024.0));
    }
    Ok((total, parts))
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))?
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kb| kb / 1024 / 1024);
    format!("{cores} cores ({cpu}), {memory} GB")
}

async fn create_applicants(conn: &sea_orm::DatabaseConnection) -> Result<(), Error> {
    for i in 0..APPLICANTS {
        let name = format!("bench{i:03}");
        users::create(
            conn,
            NewUser {
                username: Username::parse(&name)?,
                display_name: format!("压测{i}"),
                kind: AccountKind::Person,
                department_code: None,
                roles: vec![Role::Citizen],
                password: PASSWORD.into(),
                email: None,
                mobile: None,
                identity: Default::default(),
            },
            "bench",
            chrono::Utc::now(),
        )
        .await?;
    }
    Ok(())
}

async fn one_case(conn: &sea_orm::DatabaseConnection) -> Result<(String, String), Error> {
    let row = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            "SELECT case_no, query_code FROM applications ORDER BY id DESC LIMIT 1",
        ))
        .await?
        .ok_or("no application")?;
    Ok((row.try_get_by_index(0)?, row.try_get_by_index(1)?))
}

async fn ceiling(port: u16) -> Result<(), Error> {
    use axum::response::Html;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    let router = axum::Router::new().route(
        "/",
        axum::routing::get(|| async { Html("<!doctype html><title>一站</title><p>你好</p>") }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tool("wrk")?;
    tool("curl")?;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let site: PathBuf = std::env::var_os("LEPTOS_SITE_ROOT")
        .map_or_else(|| root.join("target/site"), PathBuf::from);
    if !site.join("pkg/yizhan.js").exists() {
        return Err(
            "找不到 target/site：请先 cargo leptos build --release（make bench 会做）".into(),
        );
    }
    let (conn, dir) = common::fresh_database("load").await?;
    let data = dir.join("load-data");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let now = chrono::Utc::now();
    let today = local_date(now);

    println!("preparing: demo data, {ITEMS} items, {APPLICATIONS} applications …");
    let files = LocalFiles::new(data.join("files"));
    demo::seed(&conn, Environment::Development, PASSWORD, now).await?;
    demo_catalogue::seed(&conn, &files, now).await?;
    let (items, last_item) = common::fill_catalogue(&conn, ITEMS, now).await?;
    create_applicants(&conn).await?;
    let cal = calendar::load(&conn).await?;
    let loaded = demo_cases::load(&conn, &cal, "990100", APPLICATIONS, today, now)
        .await?
        .ok_or("demo cases were loaded before")?;
    let open = common::count(
        &conn,
        "SELECT COUNT(*) FROM clocks WHERE status = 'running'",
    )
    .await?;

    let mut report = Report { rows: Vec::new() };
    println!(
        "\n| measure ({items} items, {} applications, SQLite) | how | result | bar (DESIGN.md §6) | |",
        loaded.applications
    );
    println!("|---|---|---|---|---|");

    // The deadline scan. The first pass after loading a year of cases catches up with every clock
    // the load left due (a one-off, shown without a bar); the next day's pass is the daily work
    // the bar is about.
    let mut scan = |what: &str, pass: &scheduler::PassReport, took: Duration, bar: bool| {
        report.add(
            what,
            &format!(
                "one scheduler pass over {open} running clocks: {} due handled, {} cards, \
                 {} deemed accepted, {} days of supervision figures",
                pass.clocks,
                pass.yellow_cards + pass.red_cards,
                pass.deemed,
                pass.figure_days
            ),
            format!("{:.2} s", took.as_secs_f64()),
            if bar { "≤ 2 s" } else { "—" },
            bar.then_some(took <= Duration::from_secs(2)),
        )
    };
    let start = Instant::now();
    let pass = scheduler::run_once(&conn, &cal, today, now).await?;
    scan(
        "deadline scan, first pass after the load",
        &pass,
        start.elapsed(),
        false,
    );
    let (tomorrow, a_day_later) = (today + chrono::Days::new(1), now + chrono::Days::new(1));
    let start = Instant::now();
    let pass = scheduler::run_once(&conn, &cal, tomorrow, a_day_later).await?;
    scan("deadline scan, the next day", &pass, start.elapsed(), true);
    let (case_no, query_code) = one_case(&conn).await?;
    drop(conn);

    let ceiling_port = free_port()?;
    ceiling(ceiling_port).await?;
    let port = free_port()?;
    let sqlite_url = format!("sqlite://{}?mode=rwc", dir.join("load.db").display());
    let server = start_server(&sqlite_url, &data, &site, port)?;
    let base = format!("http://127.0.0.1:{port}");

    let how = format!("wrk, {CONNECTIONS} connections, {SECONDS} s");
    let bare = wrk(
        &format!("http://127.0.0.1:{ceiling_port}/"),
        CONNECTIONS,
        None,
        "",
    )?;
    report.add(
        "bare axum handler (the ceiling)",
        &how,
        format!("{}, {:.0} req/s", bare.latency(), bare.per_second),
        "—",
        None,
    );
    let pages = [
        ("guide list `/guide`", "/guide".to_string(), true),
        (
            "guide page `/guide/{code}`",
            "/guide/990100-QR-0001".to_string(),
            true,
        ),
        (
            "guide page of a generated item",
            format!("/guide/{last_item}"),
            true,
        ),
        (
            "search page `/guide?q=sfz`",
            "/guide?q=sfz".to_string(),
            true,
        ),
        (
            "search page `/guide?q=证` (1,000+ found)",
            "/guide?q=%E8%AF%81".to_string(),
            true,
        ),
        (
            "search API `/api/v1/items?q=sfz`",
            "/api/v1/items?q=sfz".to_string(),
            false,
        ),
        (
            "status lookup page `/status?case_no=…`",
            format!("/status?case_no={case_no}&query_code={query_code}"),
            true,
        ),
        (
            "status API `/api/v1/status/{case_no}`",
            format!("/api/v1/status/{case_no}?query_code={query_code}"),
            false,
        ),
    ];
    for (what, path, page) in pages {
        let l = wrk(&format!("{base}{path}"), CONNECTIONS, None, "")?;
        report.add(
            what,
            &how,
            format!(
                "{}, {:.0} req/s ({:.1} % of the ceiling)",
                l.latency(),
                l.per_second,
                100.0 * l.per_second / bare.per_second
            ),
            if page { "p99 ≤ 20 ms" } else { "—" },
            page.then_some(l.within(Duration::from_millis(20))),
        );
    }

    // Submissions: 50 applicants, each request a new case written durably (SQLite WAL, synchronous).
    let (l, people) = submissions(&base, &data)?;
    let submitted = |engine: &str, l: &Load| {
        (
            format!(
                "{how}, {APPLICANTS} applicants, a new case each ({} made), {engine}",
                l.requests - l.failed
            ),
            format!("{}, {:.0} cases/s", l.latency(), l.per_second),
        )
    };
    let (what, figure) = submitted("SQLite", &l);
    report.add(
        "submission `POST /api/v1/applications`",
        &what,
        figure,
        "p99 ≤ 100 ms",
        Some(l.within(Duration::from_millis(100))),
    );
    // The same on PostgreSQL, the production engine, where writers do not queue for one lock: a
    // second server on a fresh database with the demo catalogue (the million cases do not change
    // what one submission writes).
    let l = on_postgres(&site, &dir).await?;
    let (what, figure) = submitted("PostgreSQL", &l);
    report.add(
        "submission on PostgreSQL",
        &what,
        figure,
        "p99 ≤ 100 ms",
        Some(l.within(Duration::from_millis(100))),
    );

    // A receipt PDF of one of those cases, fetched by its owner one at a time.
    let (cookie, file) = &people[0];
    let made = curl(&[
        "-H",
        &format!("Cookie: {cookie}"),
        "-H",
        "Content-Type: application/json",
        "-H",
        "Idempotency-Key: bench-receipt",
        "--data",
        &submission(*file),
        &format!("{base}/api/v1/applications"),
    ])?;
    let own_case = serde_json::from_str::<serde_json::Value>(&made)?["case_no"]
        .as_str()
        .ok_or_else(|| format!("submission refused: {made}"))?
        .to_string();
    let receipt = format!("{base}/api/v1/applications/{own_case}/documents/receipt.pdf");
    let size: u64 = curl(&[
        "-o",
        "/dev/null",
        "-H",
        &format!("Cookie: {cookie}"),
        "-w",
        "%{size_download}",
        &receipt,
    ])?
    .trim()
    .parse()?;
    let l = wrk(&receipt, 1, None, cookie)?;
    report.add(
        "receipt PDF (申请回执, with QR code and seal)",
        &format!("wrk, 1 connection, {SECONDS} s, over HTTP"),
        format!("{}, {:.0} KB", l.latency(), size as f64 / 1024.0),
        "≤ 50 ms, ≤ 150 KB",
        Some(l.within(Duration::from_millis(50)) && size <= 150 * 1024),
    );

    let supervisor = sign_in(&base, "supervisor1")?;
    let l = wrk(
        &format!("{base}/api/v1/supervision/summary"),
        1,
        None,
        &supervisor,
    )?;
    report.add(
        "supervision summary `GET /api/v1/supervision/summary`",
        &format!("wrk, 1 connection, {SECONDS} s, as supervisor1"),
        l.latency(),
        "≤ 1 s (issue 8)",
        Some(l.within(Duration::from_secs(1))),
    );

    let (bytes, parts) = first_load(&base, "/guide")?;
    report.add(
        "first load of a citizen page (`/guide`)",
        &format!("compressed as sent: {}", parts.join(", ")),
        format!("{:.0} KB", bytes as f64 / 1024.0),
        "≤ 500 KB",
        Some(bytes <= 500 * 1024),
    );

    let (peak, now_kb) = server.memory()?;
    report.add(
        "server memory",
        "peak resident set (VmHWM) over the whole run; resident now",
        format!(
            "{:.0} MB peak, {:.0} MB now",
            peak as f64 / 1024.0,
            now_kb as f64 / 1024.0
        ),
        "≤ 150 MB",
        Some(peak <= 150 * 1024),
    );
    drop(server);

    let header = format!(
        "Measured {} on {} by `make bench` (release build, SQLite).\n\n\
         | measure ({items} items, {} applications, SQLite) | how | result | bar (DESIGN.md §6) | |\n\
         |---|---|---|---|---|\n",
        chrono::Local::now().format("%Y-%m-%d"),
        machine(),
        loaded.applications
    );
    let file = dir.join("report.md");
    std::fs::write(&file, header + &report.rows.join("\n") + "\n")?;
    println!("\nwritten to {}", file.display());
    Ok(())
}
