//! Test databases: a fresh SQLite file and a fresh PostgreSQL database per test, both migrated with
//! the real migrations. PostgreSQL is not optional: if it does not answer, the test fails and says
//! how to start it (`make test` starts one).

use super::db;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use std::sync::atomic::{AtomicU32, Ordering};

/// Where the test PostgreSQL server is: `YIZHAN_TEST_PG_URL` (a URL to an existing database used
/// only to create and drop the per-test databases), default the local trust-auth server.
pub fn pg_admin_url() -> String {
    std::env::var("YIZHAN_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos
    )
}

/// A migrated database that removes itself when dropped.
pub struct TestDb {
    pub db: DatabaseConnection,
    pub label: &'static str,
    /// Where it is, for tests that open a second connection pool (a second server instance).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join("yizhan-tests");
        std::fs::create_dir_all(&dir).expect("create temp dir for test databases");
        let path = dir.join(format!("{}.db", unique_name("t")));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let db = db::connect(&url).await.expect("open test SQLite database");
        db::migrate(&db)
            .await
            .expect("migrate test SQLite database");
        TestDb {
            db,
            label: "sqlite",
            url,
            cleanup: Cleanup::File(path),
        }
    }

    pub async fn postgres() -> TestDb {
        let admin_url = pg_admin_url();
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL for tests is not reachable at {} ({e}). Run `make test`, which starts one, \
                 or set YIZHAN_TEST_PG_URL.",
                db::redact_url(&admin_url)
            )
        });
        let name = unique_name("yizhan_t");
        admin
            .execute_raw(Statement::from_string(
                admin.get_database_backend(),
                format!("CREATE DATABASE {name}"),
            ))
            .await
            .expect("create per-test PostgreSQL database");
        admin.close().await.ok();
        let base = admin_url
            .rsplit_once('/')
            .map(|(base, _)| base.to_string())
            .expect("YIZHAN_TEST_PG_URL ends with /database");
        let url = format!("{base}/{name}");
        let db = db::connect(&url)
            .await
            .expect("open per-test PostgreSQL database");
        db::migrate(&db)
            .await
            .expect("migrate per-test PostgreSQL database");
        TestDb {
            db,
            label: "postgres",
            url,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    /// Both engines, for tests that must hold on each.
    pub async fn both() -> [TestDb; 2] {
        [TestDb::sqlite().await, TestDb::postgres().await]
    }

    /// Closes the connection and removes the database.
    pub async fn finish(self) {
        self.db.close().await.ok();
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(admin) = Database::connect(&admin_url).await {
                    admin
                        .execute_raw(Statement::from_string(
                            admin.get_database_backend(),
                            format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                        ))
                        .await
                        .ok();
                    admin.close().await.ok();
                }
            }
        }
    }
}

/// A real SMTP server (scripts/smtp_sink.py, aiosmtpd) on `port`, stopped when dropped.
pub struct SmtpSink {
    child: std::process::Child,
    out: std::path::PathBuf,
}

impl SmtpSink {
    pub fn start(port: u16) -> SmtpSink {
        use std::io::BufRead;
        let out =
            std::env::temp_dir().join(format!("yizhan-mail-{}-{port}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&out);
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/smtp_sink.py");
        let mut child = std::process::Command::new("python3")
            .args([script, "--port", &port.to_string(), "--out"])
            .arg(&out)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 runs the SMTP sink (make test installs python3-aiosmtpd)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(
            line.trim(),
            "ready",
            "the SMTP sink did not start: is aiosmtpd installed?"
        );
        SmtpSink { child, out }
    }

    /// Every message received so far: `{to, subject, body}`.
    pub fn mails(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.out);
    }
}

/// A port nobody listens on just now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Signs in an account that has no second factor (the demo's citizens and, in development, its
/// staff), as the login page would.
pub async fn sign_in(
    db: &DatabaseConnection,
    username: &str,
    password: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> super::auth::LoggedIn {
    super::auth::login(
        db,
        username,
        password,
        &super::throttle::Client::default(),
        super::two_factor::Policy::WhenEnrolled,
        at,
    )
    .await
    .expect("login")
    .signed_in()
    .expect("no second factor for this account")
}
