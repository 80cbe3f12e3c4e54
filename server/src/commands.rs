//! The subcommands of `yizhan`. Each returns a `CliError` whose text is the one line printed when
//! it fails: what went wrong and what to do.

use crate::config::Settings;
use app::backend::audit::{self, ChainCheck};
use app::backend::certificates::Signer;
use app::backend::db;
use app::backend::files::LocalFiles;
use app::backend::state::{AppState, Environment};
use app::backend::users::{self, NewUser};
use app::domain::account::AccountKind;
use app::domain::role::Role;
use app::domain::username::Username;
use chrono::Datelike;
use leptos::config::{Env, LeptosOptions};
use sea_orm::DatabaseConnection;
use std::sync::Arc;

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

impl From<crate::config::SettingsError> for CliError {
    fn from(e: crate::config::SettingsError) -> Self {
        CliError(e.to_string())
    }
}
impl From<db::ConnectError> for CliError {
    fn from(e: db::ConnectError) -> Self {
        CliError(e.to_string())
    }
}
impl From<app::backend::error::ServiceError> for CliError {
    fn from(e: app::backend::error::ServiceError) -> Self {
        use app::backend::error::ServiceError as S;
        CliError(match e {
            S::Invalid(m) | S::Conflict(m) | S::Refused(m) | S::Forbidden(m) => m,
            S::Database(e) => format!(
                "数据库错误：{}",
                e.to_string().lines().next().unwrap_or_default()
            ),
            other => other.to_string(),
        })
    }
}

/// Opens the database of the settings, creating the data directory for SQLite, and migrates it.
pub async fn open_database(settings: &Settings) -> Result<DatabaseConnection, CliError> {
    if settings.database_url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir).map_err(|e| {
            CliError(format!(
                "无法创建数据目录 {}：{e}。请检查 YIZHAN_DATA_DIR 或目录权限",
                settings.data_dir.display()
            ))
        })?;
    }
    let conn = db::connect(&settings.database_url).await?;
    db::migrate(&conn).await?;
    Ok(conn)
}

pub async fn migrate(settings: &Settings) -> Result<(), CliError> {
    open_database(settings).await?;
    println!(
        "数据库已迁移到最新版本：{}",
        db::redact_url(&settings.database_url)
    );
    Ok(())
}

pub async fn seed_demo(settings: &Settings, applications: Option<u64>) -> Result<(), CliError> {
    if settings.environment == Environment::Production {
        return Err(CliError(
            "生产环境（YIZHAN_ENV=production）不允许加载演示数据".into(),
        ));
    }
    let conn = open_database(settings).await?;
    let accounts = app::backend::demo::seed(
        &conn,
        settings.environment,
        &settings.demo_password,
        chrono::Utc::now(),
    )
    .await?;
    let files = LocalFiles::new(settings.files_dir());
    let report = app::backend::demo_catalogue::seed(&conn, &files, chrono::Utc::now()).await?;
    println!(
        "演示事项目录：新建 {} 项，更新 {} 项，未变 {} 项，表格 {} 个",
        report.items_created, report.items_updated, report.items_unchanged, report.forms_added
    );
    if let Some(n) = applications.filter(|n| *n > 0) {
        let cal = app::backend::calendar::load(&conn).await?;
        let now = chrono::Utc::now();
        let loaded = app::backend::demo_cases::load(
            &conn,
            &cal,
            &settings.region_code,
            n,
            app::domain::time::local_date(now),
            now,
        )
        .await?;
        match loaded {
            Some(r) => println!(
                "演示办件：{} 件（已办结 {}，其中超期 {}；在办超期 {}；特别程序 {}），评价 {} 条（差评 {}）",
                r.applications, r.decided, r.late, r.overdue, r.suspended, r.ratings, r.bad_ratings
            ),
            None => println!("演示办件此前已加载，本次跳过"),
        }
    }
    println!(
        "演示数据已就绪。演示账号（密码均为 {}）：",
        settings.demo_password
    );
    for (username, roles) in accounts {
        println!("  {username:<12} {roles}");
    }
    Ok(())
}

pub struct CreateUser {
    pub username: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub department: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub password: String,
}

pub async fn create_user(settings: &Settings, args: CreateUser) -> Result<(), CliError> {
    let username = Username::parse(&args.username).map_err(|e| CliError(e.to_string()))?;
    let mut roles = Vec::new();
    for code in &args.roles {
        let role = Role::from_code(code).ok_or_else(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
            CliError(format!("未知角色 {code}，可选：{}", known.join(", ")))
        })?;
        roles.push(role);
    }
    let kind = if roles.iter().any(|r| r.is_staff()) {
        AccountKind::Staff
    } else if roles.contains(&Role::Company) {
        AccountKind::Company
    } else {
        AccountKind::Person
    };
    let conn = open_database(settings).await?;
    let created = users::create(
        &conn,
        NewUser {
            username,
            display_name: args.display_name,
            kind,
            department_code: args.department,
            roles,
            password: args.password,
            email: args.email,
            mobile: args.mobile,
            identity: Default::default(),
        },
        "cli",
        chrono::Utc::now(),
    )
    .await?;
    println!("已创建账号 {}（编号 {}）", created.username, created.id);
    Ok(())
}

pub async fn verify_audit(settings: &Settings) -> Result<(), CliError> {
    let conn = open_database(settings).await?;
    match audit::verify(&conn).await? {
        ChainCheck::Intact { entries } => {
            println!("审计日志完整：共 {entries} 条记录，哈希链校验通过");
            Ok(())
        }
        ChainCheck::Broken { entry_id, reason } => Err(CliError(format!(
            "审计日志在第 {entry_id} 条记录处校验失败：{reason}"
        ))),
    }
}

/// `yizhan backup --out FILE`: the database in one snapshot and every stored file, while the
/// server may keep running.
pub async fn backup(settings: &Settings, out: &std::path::Path) -> Result<(), CliError> {
    let conn = open_database(settings).await?;
    let report =
        app::backend::backup::write(&conn, &settings.files_dir(), out, chrono::Utc::now()).await?;
    println!(
        "备份完成：{}（{} 张表，{} 行，{} 个文件）",
        out.display(),
        report.tables,
        report.rows,
        report.files
    );
    Ok(())
}

/// `yizhan restore FILE`: into an empty database (migrated here first) of the same engine.
pub async fn restore(settings: &Settings, file: &std::path::Path) -> Result<(), CliError> {
    let conn = open_database(settings).await?;
    let files = LocalFiles::new(settings.files_dir());
    let report = app::backend::backup::restore(&conn, &files, file).await?;
    println!(
        "恢复完成：{} 张表，{} 行，{} 个文件。请运行 yizhan verify-audit 核对审计日志",
        report.tables, report.rows, report.files
    );
    Ok(())
}

/// `yizhan calendar show YEAR`: the holidays and make-up days in force, loudly when the year has
/// no data.
pub async fn calendar_show(settings: &Settings, year: i32) -> Result<(), CliError> {
    use app::domain::calendar::dates_zh;
    let conn = open_database(settings).await?;
    let cal = app::backend::calendar::load(&conn).await?;
    let (Some(first), Some(last)) = (
        chrono::NaiveDate::from_ymd_opt(year, 1, 1),
        chrono::NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Err(CliError(format!("年份 {year} 无效")));
    };
    let working = cal.working_days_between(first.pred_opt().unwrap_or(first), last);
    match cal.year(year) {
        Some(data) => {
            println!("{year} 年工作日历（依据：{}）", data.source);
            for h in &data.holidays {
                let makeup = if h.makeup_workdays.is_empty() {
                    String::new()
                } else {
                    format!("；调休上班 {}", dates_zh(&h.makeup_workdays))
                };
                println!("  {}：放假 {}{makeup}", h.name, dates_zh(&h.days_off));
            }
        }
        None => eprintln!(
            "注意：{year} 年没有节假日数据，暂按星期一至星期五为工作日计算。\
             请用 yizhan calendar import 导入国务院办公厅当年的放假通知。"
        ),
    }
    println!("全年工作日 {working} 天");
    Ok(())
}

/// `yizhan calendar import FILE`: a year as JSON (see README), validated, then stored.
pub async fn calendar_import(settings: &Settings, file: &std::path::Path) -> Result<(), CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError(format!("无法读取 {}：{e}", file.display())))?;
    let year = app::backend::calendar::parse_year(&text)?;
    let number = year.year;
    let conn = open_database(settings).await?;
    app::backend::calendar::import(&conn, year, "cli", chrono::Utc::now()).await?;
    println!("已导入 {number} 年工作日历");
    Ok(())
}

/// `yizhan catalogue export FILE`: the whole catalogue with its form files, as JSON.
pub async fn catalogue_export(settings: &Settings, file: &std::path::Path) -> Result<(), CliError> {
    let conn = open_database(settings).await?;
    let files = LocalFiles::new(settings.files_dir());
    let editor = app::backend::catalogue::Editor::named("cli");
    let catalogue =
        app::backend::catalogue::transfer::export(&conn, &files, &editor, chrono::Utc::now())
            .await?;
    let json = serde_json::to_vec_pretty(&catalogue)
        .map_err(|e| CliError(format!("无法生成导出文件：{e}")))?;
    std::fs::write(file, json)
        .map_err(|e| CliError(format!("无法写入 {}：{e}", file.display())))?;
    println!(
        "已导出 {} 个事项、{} 个表格到 {}",
        catalogue.items.len(),
        catalogue.forms.len(),
        file.display()
    );
    Ok(())
}

/// `yizhan catalogue import FILE`: creates new items and saves changed ones as new versions; a
/// file with any bad item changes nothing.
pub async fn catalogue_import(settings: &Settings, file: &std::path::Path) -> Result<(), CliError> {
    let bytes =
        std::fs::read(file).map_err(|e| CliError(format!("无法读取 {}：{e}", file.display())))?;
    let catalogue = app::backend::catalogue::transfer::parse(&bytes)?;
    let conn = open_database(settings).await?;
    let files = LocalFiles::new(settings.files_dir());
    let editor = app::backend::catalogue::Editor::named("cli");
    let r = app::backend::catalogue::transfer::import(
        &conn,
        &files,
        catalogue,
        &editor,
        chrono::Utc::now(),
    )
    .await?;
    println!(
        "导入完成：新建事项 {} 项，更新 {} 项，未变 {} 项，新增表格 {} 个，新增部门 {} 个",
        r.items_created, r.items_updated, r.items_unchanged, r.forms_added, r.departments_added
    );
    Ok(())
}

/// `yizhan calendar add-working-days DATE N`: prints the date N working days after DATE.
pub async fn calendar_add_working_days(
    settings: &Settings,
    date: &str,
    n: u32,
) -> Result<(), CliError> {
    let start = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| {
        CliError(format!(
            "日期 “{date}” 无效，应为 YYYY-MM-DD，例如 2026-09-28"
        ))
    })?;
    let conn = open_database(settings).await?;
    let cal = app::backend::calendar::load(&conn).await?;
    let end = cal.add_working_days(start, n);
    for year in start.year()..=end.year() {
        if !cal.has_year(year) {
            eprintln!("注意：{year} 年没有节假日数据，按星期一至星期五计算");
        }
    }
    println!("{}", end.format("%Y-%m-%d"));
    Ok(())
}

/// The Leptos settings for serving: output name fixed, site root from the settings.
fn leptos_options(settings: &Settings) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("yizhan")
        .site_root(settings.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .env(if settings.environment == Environment::Production {
            Env::PROD
        } else {
            Env::DEV
        })
        .build()
}

pub async fn serve(settings: Settings) -> Result<(), CliError> {
    let bundle = std::path::Path::new(&settings.site_root).join("pkg/yizhan.js");
    if !bundle.exists() {
        return Err(CliError(format!(
            "找不到网站前端文件 {}：请在仓库根目录运行，先执行 make build（或设置 LEPTOS_SITE_ROOT）",
            bundle.display()
        )));
    }
    let conn = open_database(&settings).await?;
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .map_err(|e| {
            let hint = match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    "端口已被占用，请关闭占用该端口的程序或设置 YIZHAN_ADDR 换一个端口"
                }
                std::io::ErrorKind::PermissionDenied => {
                    "没有权限监听该端口，请换用 1024 以上的端口"
                }
                _ => "请检查 YIZHAN_ADDR",
            };
            CliError(format!("无法监听 {}：{hint}", settings.addr))
        })?;
    // After the port is ours: a server that cannot start makes no key.
    let signer = Signer::load_or_create(&settings.signing_key, settings.environment)
        .map_err(|e| CliError(e.to_string()))?;
    let state = AppState {
        db: conn,
        site: Arc::new(settings.site.clone()),
        environment: settings.environment,
        region_code: settings.region_code.clone(),
        public_url: settings.public_url.clone(),
        files: Arc::new(LocalFiles::new(settings.files_dir())),
        signer: Arc::new(signer),
        leptos_options: leptos_options(&settings),
        guide_edits: Default::default(),
    };
    crate::metrics::mark_start();
    tokio::spawn(run_scheduler(
        state.db.clone(),
        settings.audit_retention_days,
    ));
    let mailer = app::backend::mailer::Mailer::new(
        settings.smtp_url.as_deref(),
        &settings.mail_from,
        &settings.public_url,
    )
    .map_err(CliError)?;
    if settings.smtp_url.is_none() {
        tracing::warn!("YIZHAN_SMTP_URL is not set: emails wait in the outbox until it is");
    }
    tokio::spawn(app::backend::mailer::run(
        state.db.clone(),
        mailer,
        Box::new(app::backend::mailer::LoggingSms),
        std::time::Duration::from_secs(15),
    ));
    tracing::info!(
        addr = %settings.addr,
        database = %db::redact_url(&settings.database_url),
        environment = ?settings.environment,
        smtp = settings.smtp_url.is_some(),
        region = %settings.region_code,
        "yizhan serving"
    );
    println!("一站 已启动：http://{}", settings.addr);
    if !settings.throttle_exempt.is_empty() {
        tracing::warn!(addresses = ?settings.throttle_exempt, "YIZHAN_THROTTLE_EXEMPT: these addresses are not throttled");
    }
    let router = crate::http::exempt_from_throttling(
        crate::http::router(state),
        settings.throttle_exempt.clone(),
    );
    // The peer address reaches the handlers (throttling per address, beside per device).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .map_err(|e| CliError(format!("服务器异常退出：{e}")))
}

/// The clock scheduler: once a minute, every clock whose check day has come (cards, reminders,
/// deemed acceptance and consent). Safe to run on every instance of a PostgreSQL deployment.
async fn run_scheduler(db: DatabaseConnection, audit_retention_days: i64) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = chrono::Utc::now();
        let today = app::domain::time::local_date(now);
        let pass = async {
            let cal = app::backend::calendar::load(&db).await?;
            app::backend::scheduler::run_once(&db, &cal, today, now).await
        };
        match pass.await {
            Ok(report) if report.clocks > 0 => tracing::info!(
                clocks = report.clocks,
                yellow = report.yellow_cards,
                red = report.red_cards,
                deemed = report.deemed,
                "scheduler pass"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "scheduler pass failed"),
        }
        // Audit entries past the retention time go; younger ones the database keeps anyway.
        match app::backend::audit::prune(&db, audit_retention_days, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(entries = n, "audit log pruned"),
            Err(e) => tracing::error!(error = %e, "audit prune failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
