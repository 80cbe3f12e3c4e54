//! Table helpers shared by the benchmarks: percentiles of latency samples, printed as Markdown rows.
//! Each bench uses part of them.
#![allow(dead_code)]

use std::time::Duration;

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

pub fn row(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "| {name} | {} | {} | {} |",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99))
    );
}

/// `target/bench/{name}.db`, new and migrated, and the directory (for the bench's files).
pub async fn fresh_database(
    name: &str,
) -> Result<(sea_orm::DatabaseConnection, std::path::PathBuf), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.db"));
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
    }
    let conn = app::backend::db::connect(&format!("sqlite://{}?mode=rwc", path.display())).await?;
    app::backend::db::migrate(&conn).await?;
    Ok((conn, dir))
}
