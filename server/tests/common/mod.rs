//! The real `yizhan serve` as separate processes, and a plain HTTP/1.1 client to talk to it: for
//! the crash and several-instances tests.
#![allow(dead_code, unused_imports)] // each test binary uses its own part of these helpers

pub mod item_form;

pub use app::backend::testing::free_port;
use app::backend::users::{self, NewUser};
use app::domain::account::AccountKind;
use app::domain::role::Role;
use app::domain::username::Username;
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const PASSWORD: &str = "Yizhan@2026";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

pub struct Dir(std::path::PathBuf);

impl Dir {
    pub fn new(label: &str) -> Dir {
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
        // A failed test leaves its directory, with the servers' logs, to be read.
        if std::thread::panicking() {
            eprintln!("kept for reading: {}", self.0.display());
            return;
        }
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn yizhan(url: &str, dir: &Dir, args: &[&str], port: u16) -> Command {
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

/// A response: status and body.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub cookie: Option<String>,
}

/// One HTTP/1.1 request on its own connection, as a plain client would send it.
pub async fn request(
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

pub fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

/// A running `yizhan serve`, killed (SIGKILL) when dropped, so that a failing test leaves no server
/// behind holding database connections.
pub struct Server(pub Child);

impl Server {
    /// SIGKILL: no shutdown, no flush.
    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

pub async fn start(url: &str, dir: &Dir, port: u16) -> Server {
    start_with(url, dir, port, &[]).await
}

/// Starts `yizhan serve` with extra variables and waits until it answers `/readyz`.
pub async fn start_with(url: &str, dir: &Dir, port: u16, vars: &[(&str, String)]) -> Server {
    let mut cmd = yizhan(url, dir, &["serve"], port);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    // The server's own log, for reading when a test fails.
    let log = std::fs::File::create(dir.0.join(format!("serve-{port}.log"))).unwrap();
    // Owned by the guard from the start: a server that never gets ready is killed too.
    let server = Server(cmd.stdout(Stdio::null()).stderr(log).spawn().unwrap());
    for _ in 0..300 {
        if let Ok(a) = request(port, "GET", "/readyz", &[], b"").await {
            if a.status == 200 {
                return server;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("yizhan serve did not become ready");
}

pub async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

/// One applicant: a session and an uploaded file for the one material.
pub struct Applicant {
    pub cookie: String,
    pub file_id: i64,
}

pub async fn sign_in(port: u16, username: &str) -> Applicant {
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

pub async fn submit(port: u16, who: &Applicant, key: &str) -> std::io::Result<Answer> {
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

/// Creates citizen accounts `{prefix}000`… with the demo password and `{name}@example.com`.
pub async fn citizens(db: &DatabaseConnection, prefix: &str, n: usize) -> Vec<String> {
    let names: Vec<String> = (0..n).map(|i| format!("{prefix}{i:03}")).collect();
    for name in &names {
        users::create(
            db,
            NewUser {
                username: Username::parse(name).unwrap(),
                display_name: format!("测试{name}"),
                kind: AccountKind::Person,
                department_code: None,
                roles: vec![Role::Citizen],
                password: PASSWORD.into(),
                email: Some(format!("{name}@example.com")),
                mobile: None,
                identity: Default::default(),
            },
            "test",
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    }
    names
}
