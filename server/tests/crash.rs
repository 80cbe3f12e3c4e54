//! Crash safety (DESIGN.md §6): the real `yizhan serve` takes hundreds of concurrent submissions
//! over HTTP, is killed with SIGKILL in the middle of them, and is started again on the same
//! database. Every submission it acknowledged must be there, retrying any submission with its
//! Idempotency-Key must give one application, and nothing may be half-written. On SQLite and on
//! PostgreSQL.

use app::backend::testing::TestDb;
use app::backend::users::{self, NewUser};
use app::domain::account::AccountKind;
use app::domain::role::Role;
use app::domain::username::Username;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PASSWORD: &str = "Yizhan@2026";
const APPLICANTS: usize = 100;
const EACH: usize = 3;
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

struct Dir(std::path::PathBuf);

impl Dir {
    fn new(label: &str) -> Dir {
        let path =
            std::env::temp_dir().join(format!("yizhan-crash-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(path.join("site/pkg")).unwrap();
        // `serve` checks that the browser bundle exists; these requests never load it.
        std::fs::write(path.join("site/pkg/yizhan.js"), "").unwrap();
        Dir(path)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn yizhan(url: &str, dir: &Dir, args: &[&str], port: u16) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yizhan"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("YIZHAN_DATABASE_URL", url)
        .env("YIZHAN_DATA_DIR", dir.0.join("data"))
        .env("LEPTOS_SITE_ROOT", dir.0.join("site"))
        .env("YIZHAN_ADDR", format!("127.0.0.1:{port}"))
        .env("YIZHAN_LOG", "warn");
    cmd
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A response: status and body.
struct Answer {
    status: u16,
    body: String,
    cookie: Option<String>,
}

/// One HTTP/1.1 request on its own connection, as a plain client would send it.
async fn request(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> std::io::Result<Answer> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no response"))?;
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let lower = head.to_ascii_lowercase();
    let body = if lower.contains("transfer-encoding: chunked") {
        dechunk(body)
    } else {
        body.to_string()
    };
    let cookie = head
        .lines()
        .filter(|l| {
            l.to_ascii_lowercase()
                .starts_with("set-cookie: yz_session=")
        })
        .map(|l| {
            l["set-cookie: ".len()..]
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .next();
    Ok(Answer {
        status,
        body,
        cookie,
    })
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

async fn start(url: &str, dir: &Dir, port: u16) -> Child {
    let child = yizhan(url, dir, &["serve"], port)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..300 {
        if let Ok(a) = request(port, "GET", "/readyz", &[], b"").await {
            if a.status == 200 {
                return child;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("yizhan serve did not become ready");
}

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// One applicant: a session and an uploaded file for the one material.
struct Applicant {
    cookie: String,
    file_id: i64,
}

async fn sign_in(port: u16, username: &str) -> Applicant {
    let body = serde_json::json!({"username": username, "password": PASSWORD}).to_string();
    let a = request(
        port,
        "POST",
        "/api/v1/session",
        &[("Content-Type", "application/json".into())],
        body.as_bytes(),
    )
    .await
    .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    let cookie = a.cookie.unwrap();
    let boundary = "yizhancrash";
    let mut form = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"申请书.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    form.extend_from_slice(PDF);
    form.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let a = request(
        port,
        "POST",
        "/api/v1/files",
        &[
            ("Cookie", cookie.clone()),
            (
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            ),
        ],
        &form,
    )
    .await
    .unwrap();
    assert_eq!(a.status, 201, "{}", a.body);
    Applicant {
        cookie,
        file_id: json(&a.body)["id"].as_i64().unwrap(),
    }
}

async fn submit(port: u16, who: &Applicant, key: &str) -> std::io::Result<Answer> {
    let body = serde_json::json!({
        "item_code": "990100-XK-0007",
        "form": {"name": "张晓明", "id_number": "990102198005121236", "mobile": "13800000001",
                 "request": "驾驶证遗失，申请补领"},
        "materials": [{"material_code": "m1", "file_id": who.file_id}],
    })
    .to_string();
    request(
        port,
        "POST",
        "/api/v1/applications",
        &[
            ("Cookie", who.cookie.clone()),
            ("Content-Type", "application/json".into()),
            ("Idempotency-Key", key.to_string()),
        ],
        body.as_bytes(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_submissions_survive_sigkill_mid_load() {
    for t in TestDb::both().await {
        let dir = Dir::new(t.label);
        let seeded = yizhan(&t.url, &dir, &["seed", "--demo"], 0)
            .output()
            .unwrap();
        assert!(
            seeded.status.success(),
            "{}",
            String::from_utf8_lossy(&seeded.stderr)
        );
        let names: Vec<String> = (0..APPLICANTS).map(|i| format!("crash{i:03}")).collect();
        for name in &names {
            users::create(
                &t.db,
                NewUser {
                    username: Username::parse(name).unwrap(),
                    display_name: format!("压测{name}"),
                    kind: AccountKind::Person,
                    department_code: None,
                    roles: vec![Role::Citizen],
                    password: PASSWORD.into(),
                    email: None,
                    mobile: None,
                    identity: Default::default(),
                },
                "test",
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        }
        let port = free_port();
        let mut server = start(&t.url, &dir, port).await;
        let mut applicants = Vec::new();
        for name in &names {
            applicants.push(Arc::new(sign_in(port, name).await));
        }

        // Every applicant submits three times in a row, all applicants at once; the server is
        // killed once a fifth of the submissions have been acknowledged.
        let acknowledged: Arc<Mutex<Vec<(usize, String, String)>>> = Arc::default();
        let mut tasks = Vec::new();
        for (i, who) in applicants.iter().enumerate() {
            let (who, acked) = (who.clone(), acknowledged.clone());
            let label = t.label;
            tasks.push(tokio::spawn(async move {
                for k in 0..EACH {
                    let key = format!("crash-{label}-{i:03}-{k}");
                    match submit(port, &who, &key).await {
                        Ok(a) if a.status == 201 || a.status == 200 => {
                            let case_no = json(&a.body)["case_no"].as_str().unwrap().to_string();
                            acked.lock().unwrap().push((i, key, case_no));
                        }
                        // Refused by a busy server, or cut off by the kill: not acknowledged.
                        _ => {}
                    }
                }
            }));
        }
        let total = APPLICANTS * EACH;
        loop {
            if acknowledged.lock().unwrap().len() >= total / 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        server.kill().unwrap(); // SIGKILL: no shutdown, no flush
        server.wait().unwrap();
        for task in tasks {
            task.await.unwrap();
        }
        let acked = acknowledged.lock().unwrap().clone();
        assert!(
            acked.len() < total,
            "{}: the kill came after every submission had finished",
            t.label
        );

        let mut server = start(&t.url, &dir, port).await;
        // Every acknowledged case is there for its owner, as it was acknowledged.
        for (i, _, case_no) in &acked {
            let a = request(
                port,
                "GET",
                &format!("/api/v1/applications/{case_no}"),
                &[("Cookie", applicants[*i].cookie.clone())],
                b"",
            )
            .await
            .unwrap();
            assert_eq!(a.status, 200, "{}: {case_no} lost: {}", t.label, a.body);
        }
        // Retrying every submission with its key: the acknowledged ones answer with their case,
        // the others are taken now; one application per key in the end.
        for (i, who) in applicants.iter().enumerate() {
            for k in 0..EACH {
                let key = format!("crash-{}-{i:03}-{k}", t.label);
                let a = submit(port, who, &key).await.unwrap();
                assert!(
                    a.status == 200 || a.status == 201,
                    "{}: {}",
                    t.label,
                    a.body
                );
                let case_no = json(&a.body)["case_no"].as_str().unwrap().to_string();
                if let Some((_, _, first)) = acked.iter().find(|(_, kk, _)| *kk == key) {
                    assert_eq!(
                        a.status, 200,
                        "{key} was acknowledged: a retry must not make a second case"
                    );
                    assert_eq!(&case_no, first);
                }
            }
        }
        server.kill().unwrap();
        server.wait().unwrap();

        // Nothing half-written: each case has its key, its clock, its first event and its
        // material; the audit chain is whole.
        let db = &t.db;
        const CRASH_CASES: &str = "SELECT COUNT(*) FROM applications a JOIN users u \
             ON u.id = a.applicant_user_id WHERE u.username LIKE 'crash%'";
        let cases = count(db, CRASH_CASES).await;
        assert_eq!(cases, total as i64, "{}", t.label);
        for (what, missing) in [
            (
                "an idempotency key",
                "SELECT 1 FROM idempotency_keys k WHERE k.case_no = a.case_no",
            ),
            (
                "a clock",
                "SELECT 1 FROM clocks c WHERE c.application_id = a.id",
            ),
            (
                "an event",
                "SELECT 1 FROM application_events e WHERE e.application_id = a.id",
            ),
            (
                "its material",
                "SELECT 1 FROM application_materials m WHERE m.application_id = a.id",
            ),
        ] {
            let sql = format!("{CRASH_CASES} AND NOT EXISTS ({missing})");
            assert_eq!(
                count(db, &sql).await,
                0,
                "{}: cases without {what}",
                t.label
            );
        }
        assert!(matches!(
            app::backend::audit::verify(db).await.unwrap(),
            app::backend::audit::ChainCheck::Intact { .. }
        ));
        eprintln!(
            "{}: {} of {total} submissions acknowledged before SIGKILL; all kept, {total} cases after retries",
            t.label,
            acked.len()
        );
        t.finish().await;
    }
}
