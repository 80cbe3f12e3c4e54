//! 备份与恢复: one zip archive holding every table's rows (as JSON lines, read in one snapshot
//! transaction, so the archive is consistent while the server keeps writing) and every stored file.
//! Restoring fills an empty, migrated database of the same engine; files are checked against their
//! SHA-256 names as they go back. Sessions, login challenges and throttles are not kept: they are
//! moments, not records.

use super::error::{ServiceError, ServiceResult};
use super::files::FileStore;
use chrono::{DateTime, Utc};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, IsolationLevel, Statement,
    TransactionTrait, Value,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;

/// Written in the manifest; a restore refuses any other.
pub const FORMAT: &str = "yizhan-backup-1";
/// Tables of the moment, not of record.
const TRANSIENT: [&str; 4] = [
    "sessions",
    "login_challenges",
    "throttles",
    "seaql_migrations",
];
/// Rows read or inserted per statement.
const BATCH: u64 = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: DateTime<Utc>,
    /// `sqlite` or `postgres`: rows go back into the same engine.
    pub engine: String,
    /// The last migration the database had: the restoring program must have the same.
    pub migration: String,
    /// Tables in the order they are restored (a table after those it refers to), with row counts.
    pub tables: Vec<(String, u64)>,
    pub files: u64,
}

fn engine_name(backend: DbBackend) -> &'static str {
    match backend {
        DbBackend::Postgres => "postgres",
        _ => "sqlite",
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

async fn strings(
    db: &impl ConnectionTrait,
    sql: &str,
    values: Vec<Value>,
) -> ServiceResult<Vec<String>> {
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            values,
        ))
        .await?;
    rows.iter()
        .map(|r| r.try_get_by_index::<String>(0).map_err(ServiceError::from))
        .collect()
}

async fn last_migration(db: &impl ConnectionTrait) -> ServiceResult<String> {
    Ok(strings(
        db,
        "SELECT version FROM seaql_migrations ORDER BY version DESC LIMIT 1",
        vec![],
    )
    .await?
    .pop()
    .unwrap_or_default())
}

/// The tables of record, each after the tables its foreign keys point to.
async fn tables_in_order(db: &impl ConnectionTrait) -> ServiceResult<Vec<String>> {
    let backend = db.get_database_backend();
    let (tables_sql, refs_sql) = match backend {
        DbBackend::Postgres => (
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
            "SELECT tc.table_name::text || ' ' || ccu.table_name::text \
             FROM information_schema.table_constraints tc \
             JOIN information_schema.constraint_column_usage ccu \
               ON tc.constraint_name = ccu.constraint_name AND tc.table_schema = ccu.table_schema \
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema()",
        ),
        _ => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            "SELECT m.name || ' ' || f.\"table\" FROM sqlite_master m \
             JOIN pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
        ),
    };
    let tables: BTreeSet<String> = strings(db, tables_sql, vec![])
        .await?
        .into_iter()
        .filter(|t| !TRANSIENT.contains(&t.as_str()))
        .collect();
    let mut needs: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|t| (t.clone(), BTreeSet::new()))
        .collect();
    for pair in strings(db, refs_sql, vec![]).await? {
        if let Some((from, to)) = pair.split_once(' ') {
            if from != to && tables.contains(to) {
                if let Some(set) = needs.get_mut(from) {
                    set.insert(to.to_string());
                }
            }
        }
    }
    let mut ordered: Vec<String> = Vec::with_capacity(tables.len());
    while ordered.len() < tables.len() {
        let ready: Vec<String> = needs
            .iter()
            .filter(|(t, deps)| !ordered.contains(t) && deps.iter().all(|d| ordered.contains(d)))
            .map(|(t, _)| t.clone())
            .collect();
        if ready.is_empty() {
            return Err(ServiceError::Internal("foreign keys form a cycle".into()));
        }
        ordered.extend(ready);
    }
    Ok(ordered)
}

async fn columns(db: &impl ConnectionTrait, table: &str) -> ServiceResult<Vec<String>> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            strings(
                db,
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                vec![table.into()],
            )
            .await
        }
        _ => {
            strings(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", vec![table.into()])
                .await
        }
    }
}

/// One page of a table's rows, each a JSON object, in primary-key order.
async fn rows_page(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &[String],
    offset: u64,
) -> ServiceResult<Vec<String>> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => format!(
            "SELECT row_to_json(t)::text FROM {} t ORDER BY 1 LIMIT {BATCH} OFFSET {offset}",
            quoted(table)
        ),
        _ => {
            let pairs: Vec<String> = columns
                .iter()
                .map(|c| format!("'{}', {}", c.replace('\'', "''"), quoted(c)))
                .collect();
            format!(
                "SELECT json_object({}) FROM {} ORDER BY 1 LIMIT {BATCH} OFFSET {offset}",
                pairs.join(", "),
                quoted(table)
            )
        }
    };
    strings(db, &sql, vec![]).await
}

/// Every row of `table` as JSON lines, for comparing two databases.
pub async fn table_rows(db: &impl ConnectionTrait, table: &str) -> ServiceResult<Vec<String>> {
    let cols = columns(db, table).await?;
    let mut all = Vec::new();
    loop {
        let page = rows_page(db, table, &cols, all.len() as u64).await?;
        let done = (page.len() as u64) < BATCH;
        all.extend(page);
        if done {
            return Ok(all);
        }
    }
}

/// What a backup or restore did, for the command's last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub tables: usize,
    pub rows: u64,
    pub files: u64,
}

fn zip_error(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("backup archive: {e}"))
}

/// Writes the archive to `out` (through a temporary file beside it, renamed at the end, so a
/// failed backup never leaves a half archive under the name).
pub async fn write(
    db: &DatabaseConnection,
    files_dir: &Path,
    out: &Path,
    now: DateTime<Utc>,
) -> ServiceResult<Report> {
    let partial = out.with_extension("partial");
    let file = std::fs::File::create(&partial).map_err(zip_error)?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    // One snapshot for every table: what one request wrote is in the archive whole or not at all.
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    let migration = last_migration(&txn).await?;
    let mut counts = Vec::new();
    let mut rows_total = 0;
    for table in tables_in_order(&txn).await? {
        zip.start_file(format!("tables/{table}.jsonl"), options)
            .map_err(zip_error)?;
        let cols = columns(&txn, &table).await?;
        let mut count = 0u64;
        loop {
            let page = rows_page(&txn, &table, &cols, count).await?;
            for row in &page {
                zip.write_all(row.as_bytes()).map_err(zip_error)?;
                zip.write_all(b"\n").map_err(zip_error)?;
            }
            count += page.len() as u64;
            if (page.len() as u64) < BATCH {
                break;
            }
        }
        rows_total += count;
        counts.push((table, count));
    }
    txn.commit().await?;
    // Files are written before the rows that name them, so every file the snapshot needs exists.
    let mut files = 0;
    for entry in walk(files_dir)? {
        let name = entry
            .strip_prefix(files_dir)
            .map_err(zip_error)?
            .to_string_lossy()
            .replace('\\', "/");
        zip.start_file(format!("files/{name}"), options)
            .map_err(zip_error)?;
        let mut source = std::fs::File::open(&entry).map_err(zip_error)?;
        std::io::copy(&mut source, &mut zip).map_err(zip_error)?;
        files += 1;
    }
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: now,
        engine: engine_name(db.get_database_backend()).into(),
        migration,
        tables: counts,
        files,
    };
    zip.start_file("manifest.json", options)
        .map_err(zip_error)?;
    serde_json::to_writer_pretty(&mut zip, &manifest).map_err(zip_error)?;
    let mut inner = zip.finish().map_err(zip_error)?;
    inner.flush().map_err(zip_error)?;
    inner
        .into_inner()
        .map_err(zip_error)?
        .sync_all()
        .map_err(zip_error)?;
    std::fs::rename(&partial, out).map_err(zip_error)?;
    Ok(Report {
        tables: manifest.tables.len(),
        rows: rows_total,
        files,
    })
}

/// Every regular file under `dir` (none when it does not exist yet).
fn walk(dir: &Path) -> ServiceResult<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.map_err(zip_error)?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.is_file() {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

fn refused(text: &str) -> ServiceError {
    ServiceError::Refused(text.to_string())
}

/// Reads the manifest of an archive, checking it is one of ours.
pub fn manifest(archive: &Path) -> ServiceResult<Manifest> {
    let file = std::fs::File::open(archive).map_err(|_| refused("打不开备份文件"))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| refused("这不是一站的备份文件"))?;
    let entry = zip
        .by_name("manifest.json")
        .map_err(|_| refused("这不是一站的备份文件（缺少 manifest.json）"))?;
    let manifest: Manifest =
        serde_json::from_reader(entry).map_err(|_| refused("备份文件的说明部分已损坏"))?;
    if manifest.format != FORMAT {
        return Err(refused("备份文件的格式版本不受支持"));
    }
    Ok(manifest)
}

/// Restores an archive into `db`, which must be migrated to the archive's migration and hold no
/// accounts yet; in one transaction, so a failed restore leaves the database empty.
pub async fn restore(
    db: &DatabaseConnection,
    files: &dyn FileStore,
    archive: &Path,
) -> ServiceResult<Report> {
    let manifest = manifest(archive)?;
    let backend = db.get_database_backend();
    if manifest.engine != engine_name(backend) {
        return Err(refused(&format!(
            "备份来自 {} 数据库，只能恢复到同一种数据库",
            manifest.engine
        )));
    }
    if last_migration(db).await? != manifest.migration {
        return Err(refused(
            "备份与本程序的数据库版本不同：请用制作备份时的同一版本程序恢复，再升级",
        ));
    }
    let has_accounts = strings(db, "SELECT CAST(COUNT(*) AS TEXT) FROM users", vec![])
        .await?
        .pop()
        .is_some_and(|n| n != "0");
    if has_accounts {
        return Err(refused("只能恢复到空数据库：目标数据库中已有账号"));
    }
    let file = std::fs::File::open(archive).map_err(|_| refused("打不开备份文件"))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|_| refused("这不是一站的备份文件"))?;
    let txn = db.begin().await?;
    // Migrations fill a few tables (roles, the audit chain's head, default settings): the
    // archive's rows replace them, children first.
    for (table, _) in manifest.tables.iter().rev() {
        txn.execute_raw(Statement::from_string(
            backend,
            format!("DELETE FROM {}", quoted(table)),
        ))
        .await?;
    }
    let mut rows_total = 0;
    for (table, expected) in &manifest.tables {
        let cols = columns(&txn, table).await?;
        let entry = zip
            .by_name(&format!("tables/{table}.jsonl"))
            .map_err(|_| refused("备份文件不完整"))?;
        let mut batch = Vec::new();
        let mut count = 0u64;
        for line in BufReader::new(entry).lines() {
            let line = line.map_err(|_| refused("备份文件已损坏"))?;
            batch.push(line);
            if batch.len() as u64 == BATCH {
                insert_rows(&txn, table, &cols, &batch).await?;
                count += batch.len() as u64;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            insert_rows(&txn, table, &cols, &batch).await?;
            count += batch.len() as u64;
        }
        if count != *expected {
            return Err(refused("备份文件已损坏：行数与说明不符"));
        }
        rows_total += count;
        if backend == DbBackend::Postgres && cols.iter().any(|c| c == "id") {
            // Serial ids continue after the restored rows.
            txn.execute_raw(Statement::from_string(
                backend,
                format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                     (SELECT COALESCE(MAX(id), 0) + 1 FROM {0}), false)",
                    quoted(table)
                ),
            ))
            .await?;
        }
    }
    txn.commit().await?;
    let mut restored_files = 0;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| refused("备份文件已损坏"))?;
        let name = entry
            .name()
            .map_err(|_| refused("备份文件已损坏"))?
            .to_string();
        let Some(name) = name.strip_prefix("files/").map(str::to_string) else {
            continue;
        };
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|_| refused("备份文件已损坏"))?;
        let stored = files.put(bytes).await.map_err(zip_error)?;
        // Files are named by their SHA-256: a file whose bytes changed is caught here.
        if !name.ends_with(&stored) {
            return Err(refused(&format!("备份中的文件 {name} 已损坏")));
        }
        restored_files += 1;
    }
    if restored_files != manifest.files {
        return Err(refused("备份文件不完整：文件数与说明不符"));
    }
    Ok(Report {
        tables: manifest.tables.len(),
        rows: rows_total,
        files: restored_files,
    })
}

/// Inserts JSON rows in one statement: the engine itself turns each field back into its column.
async fn insert_rows(
    db: &impl ConnectionTrait,
    table: &str,
    columns: &[String],
    rows: &[String],
) -> ServiceResult<()> {
    let array = format!("[{}]", rows.join(","));
    let backend = db.get_database_backend();
    let (sql, value) = match backend {
        DbBackend::Postgres => (
            format!(
                "INSERT INTO {0} SELECT * FROM json_populate_recordset(NULL::{0}, $1::json)",
                quoted(table)
            ),
            array,
        ),
        _ => {
            let names: Vec<String> = columns.iter().map(|c| quoted(c)).collect();
            let values: Vec<String> = columns
                .iter()
                .map(|c| format!("json_extract(value, '$.\"{}\"')", c.replace('\'', "''")))
                .collect();
            (
                format!(
                    "INSERT INTO {} ({}) SELECT {} FROM json_each(?1)",
                    quoted(table),
                    names.join(", "),
                    values.join(", ")
                ),
                array,
            )
        }
    };
    db.execute_raw(Statement::from_sql_and_values(backend, sql, [value.into()]))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::audit::{self, ChainCheck};
    use crate::backend::files::LocalFiles;
    use crate::backend::state::Environment;
    use crate::backend::testing::TestDb;
    use crate::backend::throttle::Client;
    use crate::backend::two_factor::Policy;
    use crate::backend::{auth, calendar, demo, demo_cases, demo_catalogue};
    use chrono::{NaiveDate, TimeZone};

    const PASSWORD: &str = "Yizhan@2026";

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("yizhan-backup-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn a_backup_taken_while_writing_restores_every_row_and_file_on_both_engines() {
        for (t, fresh) in [
            (TestDb::sqlite().await, TestDb::sqlite().await),
            (TestDb::postgres().await, TestDb::postgres().await),
        ] {
            let now = Utc.with_ymd_and_hms(2026, 11, 20, 2, 0, 0).unwrap();
            let dir = scratch(t.label);
            let files = LocalFiles::new(dir.join("files"));
            demo::seed(&t.db, Environment::Development, PASSWORD, now)
                .await
                .unwrap();
            demo_catalogue::seed(&t.db, &files, now).await.unwrap();
            let cal = calendar::load(&t.db).await.unwrap();
            let today = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
            demo_cases::load(&t.db, &cal, "990100", 120, today, now)
                .await
                .unwrap()
                .unwrap();

            // Logins keep appending to the audit chain while the backup reads.
            let writer = {
                let db = t.db.clone();
                tokio::spawn(async move {
                    for i in 0..40 {
                        let at = now + chrono::Duration::seconds(i);
                        auth::login(
                            &db,
                            "citizen1",
                            PASSWORD,
                            &Client::default(),
                            Policy::WhenEnrolled,
                            at,
                        )
                        .await
                        .unwrap();
                    }
                })
            };
            let archive = dir.join("yizhan.zip");
            let made = write(&t.db, &dir.join("files"), &archive, now)
                .await
                .unwrap();
            writer.await.unwrap();
            assert!(made.rows > 1000 && made.files > 0, "{}: {made:?}", t.label);
            assert!(!archive.with_extension("partial").exists());

            let restored_files = LocalFiles::new(dir.join("restored-files"));
            let back = restore(&fresh.db, &restored_files, &archive).await.unwrap();
            assert_eq!(back, made, "{}", t.label);
            // Every table of record holds the same rows; the audit chain of the snapshot is whole.
            let m = manifest(&archive).unwrap();
            for (table, count) in &m.tables {
                let restored = table_rows(&fresh.db, table).await.unwrap();
                assert_eq!(restored.len() as u64, *count, "{}: {table}", t.label);
            }
            for table in [
                "applications",
                "users",
                "service_items",
                "ratings",
                "clocks",
            ] {
                let original = table_rows(&t.db, table).await.unwrap();
                let restored = table_rows(&fresh.db, table).await.unwrap();
                assert_eq!(original, restored, "{}: {table}", t.label);
            }
            assert!(matches!(
                audit::verify(&fresh.db).await.unwrap(),
                ChainCheck::Intact { .. }
            ));
            // Ids continue after the restored ones, and people sign in.
            auth::login(
                &fresh.db,
                "clerk1",
                PASSWORD,
                &Client::default(),
                Policy::WhenEnrolled,
                now,
            )
            .await
            .unwrap();
            let names: Vec<_> = walk(&dir.join("files"))
                .unwrap()
                .iter()
                .map(|p| p.file_name().unwrap().to_owned())
                .collect();
            let again: Vec<_> = walk(&dir.join("restored-files"))
                .unwrap()
                .iter()
                .map(|p| p.file_name().unwrap().to_owned())
                .collect();
            assert_eq!(names, again);

            // A second restore, or one into the other engine, is refused in words.
            let twice = restore(&fresh.db, &restored_files, &archive).await;
            assert!(
                matches!(twice, Err(ServiceError::Refused(ref m)) if m.contains("空数据库")),
                "{twice:?}"
            );
            t.finish().await;
            fresh.finish().await;
        }
    }

    #[tokio::test]
    async fn a_damaged_archive_is_refused_and_restores_nothing() {
        let t = TestDb::sqlite().await;
        let dir = scratch("damaged");
        demo::seed(&t.db, Environment::Development, PASSWORD, Utc::now())
            .await
            .unwrap();
        let archive = dir.join("good.zip");
        write(&t.db, &dir.join("files"), &archive, Utc::now())
            .await
            .unwrap();
        let fresh = TestDb::sqlite().await;
        let store = LocalFiles::new(dir.join("out"));
        // Not a zip; a zip without our manifest; an archive whose rows were cut short.
        std::fs::write(dir.join("junk.zip"), b"not a zip").unwrap();
        let r = restore(&fresh.db, &store, &dir.join("junk.zip")).await;
        assert!(
            matches!(r, Err(ServiceError::Refused(ref m)) if m.contains("不是一站的备份")),
            "{r:?}"
        );
        let mut cut = zip::ZipWriter::new(std::fs::File::create(dir.join("cut.zip")).unwrap());
        let mut source = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
        for i in 0..source.len() {
            let mut entry = source.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut text = String::new();
            entry.read_to_string(&mut text).unwrap();
            if name == "tables/users.jsonl" {
                text = text.lines().next().unwrap().to_string() + "\n";
            }
            cut.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            cut.write_all(text.as_bytes()).unwrap();
        }
        cut.finish().unwrap();
        let r = restore(&fresh.db, &store, &dir.join("cut.zip")).await;
        assert!(
            matches!(r, Err(ServiceError::Refused(ref m)) if m.contains("行数")),
            "{r:?}"
        );
        assert!(
            table_rows(&fresh.db, "users").await.unwrap().is_empty(),
            "nothing half-restored"
        );
        t.finish().await;
        fresh.finish().await;
    }
}
