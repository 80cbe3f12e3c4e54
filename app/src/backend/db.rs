//! Opening the database: SQLite by default, PostgreSQL when the URL says so. Both run the same
//! migrations (`migration` crate).

use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Why the database could not be opened, worded for the person who set `YIZHAN_DATABASE_URL`.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("数据库地址格式不对（{0}）：应以 sqlite:// 或 postgres:// 开头")]
    Malformed(String),
    #[error("无法连接数据库 {url}：{cause}。请检查 YIZHAN_DATABASE_URL，并确认数据库已启动")]
    Unreachable { url: String, cause: String },
    #[error("数据库迁移失败：{0}")]
    Migration(String),
}

/// The URL with any password replaced, safe for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            let masked = if userinfo.contains(':') {
                format!("{user}:***")
            } else {
                user.to_string()
            };
            format!("{}{}{}", &url[..scheme_end + 3], masked, &url[at..])
        }
        _ => url.to_string(),
    }
}

pub async fn connect(url: &str) -> Result<DatabaseConnection, ConnectError> {
    let is_sqlite = url.starts_with("sqlite:");
    let is_postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    if !is_sqlite && !is_postgres {
        return Err(ConnectError::Malformed(redact_url(url)));
    }
    let mut options = ConnectOptions::new(url.to_string());
    options
        .max_connections(if is_sqlite { 8 } else { 16 })
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(10))
        // Statements are not logged: they would flood the log and may carry personal data.
        .sqlx_logging(false);
    let db = Database::connect(options)
        .await
        .map_err(|e| ConnectError::Unreachable {
            url: redact_url(url),
            cause: short_cause(&e),
        })?;
    if db.get_database_backend() == DbBackend::Sqlite {
        // WAL lets readers go on while one writer commits; the setting is stored in the file.
        db.execute_unprepared("PRAGMA journal_mode=WAL")
            .await
            .map_err(|e| ConnectError::Unreachable {
                url: redact_url(url),
                cause: short_cause(&e),
            })?;
    }
    Ok(db)
}

/// Starts a transaction that writes. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
/// waiting out the busy timeout for another writer to finish. A plain (deferred) transaction that
/// reads before it writes cannot wait: if another connection commits in between, its write is
/// refused at once with "database is locked", whatever the busy timeout. PostgreSQL ignores the
/// mode; its row locks and constraints do the same work.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

pub async fn migrate(db: &DatabaseConnection) -> Result<(), ConnectError> {
    Migrator::up(db, None)
        .await
        .map_err(|e| ConnectError::Migration(short_cause(&e)))
}

/// The first line of a driver error, without the noise of nested sources.
fn short_cause(err: &DbErr) -> String {
    let text = err.to_string();
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(200)
        .collect()
}

/// The deepest page a list serves: a larger page number asked for is this one (a huge number
/// would overflow the row offset).
pub const MAX_PAGE: u64 = 100_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_a_redacted_url() {
        assert_eq!(
            redact_url("postgres://yz:s3cret@db.example:5432/yizhan"),
            "postgres://yz:***@db.example:5432/yizhan"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(
            redact_url("sqlite://data/yizhan.db"),
            "sqlite://data/yizhan.db"
        );
    }

    #[tokio::test]
    async fn a_url_of_another_scheme_is_refused_with_advice() {
        let err = connect("mysql://root@localhost/x").await.unwrap_err();
        assert!(matches!(err, ConnectError::Malformed(_)));
        assert!(err.to_string().contains("sqlite://"));
    }
}
