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
