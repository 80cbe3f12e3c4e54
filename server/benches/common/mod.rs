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

/// Towns of the fictional county, to make 2,000 distinct items out of the demo catalogue's ones.
const TOWNS: &[&str] = &[
    "城关镇",
    "东河镇",
    "西山镇",
    "南湖乡",
    "北岭乡",
    "青石镇",
    "白沙镇",
    "桃源乡",
    "柳林镇",
    "金田乡",
    "梅溪镇",
    "竹园乡",
    "石门镇",
    "清水乡",
    "龙口镇",
    "凤鸣乡",
    "马场镇",
    "新桥乡",
    "太平镇",
    "长乐乡",
    "双河镇",
    "三江乡",
    "五里镇",
];

/// Adds generated items to the demo catalogue (its items again, one set per town, without their
/// sample files) until there are `target`; returns how many there are and the last one's code.
pub async fn fill_catalogue(
    conn: &sea_orm::DatabaseConnection,
    target: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(usize, String), Box<dyn std::error::Error>> {
    use app::backend::catalogue::{items, Editor};
    let base = app::backend::demo_catalogue::catalogue(now)?;
    let mut n = base.items.len();
    let mut last_code = String::new();
    'fill: for town in TOWNS {
        for (i, record) in base.items.iter().enumerate() {
            if n >= target {
                break 'fill;
            }
            let mut g = record.guide.clone();
            g.code = format!("990199-{}-{:04}", &g.code[7..9], n);
            g.name = format!("{}（{town}）", g.name);
            g.result_sample = None;
            for m in &mut g.materials {
                m.blank_form = None;
                m.sample = None;
            }
            g.location = format!("示范市{town}便民服务中心 {}号窗口", i % 9 + 1);
            last_code = g.code.clone();
            items::save(conn, g, None, "", &Editor::named("bench"), now).await?;
            n += 1;
        }
    }
    Ok((n, last_code))
}

/// The first column of the first row of `sql`, a count.
pub async fn count(
    conn: &sea_orm::DatabaseConnection,
    sql: &str,
) -> Result<i64, Box<dyn std::error::Error>> {
    use sea_orm::ConnectionTrait;
    let row = conn
        .query_one_raw(sea_orm::Statement::from_string(
            conn.get_database_backend(),
            sql,
        ))
        .await?
        .ok_or("no row")?;
    Ok(row.try_get_by_index::<i64>(0)?)
}
