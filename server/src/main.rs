//! `yizhan`: serve the portal, migrate, load demo data, create accounts, check the audit log.

use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Read};
use std::process::ExitCode;
use yizhan::commands::{self, CliError, CreateUser};
use yizhan::config::Settings;

#[derive(Parser)]
#[command(name = "yizhan", version, about = "一站：一站式网上办事大厅")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal (migrates the database first).
    Serve,
    /// Bring the database schema up to date.
    Migrate,
    /// Load data.
    Seed {
        /// Demo departments and one account per role (refused in production).
        #[arg(long)]
        demo: bool,
        /// Also N made-up cases over the past year, with ratings and cards (for the supervision
        /// pages); loaded once per database.
        #[arg(long, value_name = "N", requires = "demo")]
        applications: Option<u64>,
    },
    /// Create an account. The password is read from YIZHAN_NEW_PASSWORD, or from standard input.
    CreateUser {
        #[arg(long)]
        username: String,
        /// Name shown to others (姓名 or 单位名称).
        #[arg(long)]
        name: String,
        /// Role codes, for example --role clerk --role head.
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// Department code, for staff.
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        mobile: Option<String>,
    },
    /// Check the hash chain of the audit log.
    VerifyAudit,
    /// Write a consistent archive (zip) of the database and the stored files; safe while serving.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
    /// Restore an archive of `backup` into an empty database of the same engine.
    Restore { file: std::path::PathBuf },
    /// The work calendar (工作日历).
    Calendar {
        #[command(subcommand)]
        action: CalendarCommand,
    },
    /// The service catalogue (事项目录).
    Catalogue {
        #[command(subcommand)]
        action: CatalogueCommand,
    },
}

#[derive(Subcommand)]
enum CatalogueCommand {
    /// Write the whole catalogue, with its form files, to a JSON file.
    Export { file: std::path::PathBuf },
    /// Import a catalogue JSON file (new items created, changed ones saved as new versions).
    Import { file: std::path::PathBuf },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Show a year's holidays and make-up working days.
    Show { year: i32 },
    /// Import a year from a JSON file (replaces a year of the same number).
    Import { file: std::path::PathBuf },
    /// Print the date N working days after DATE (YYYY-MM-DD).
    AddWorkingDays { date: String, n: u32 },
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("YIZHAN_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("YIZHAN_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// The new account's password: from YIZHAN_NEW_PASSWORD, a prompt, or piped standard input.
fn read_new_password() -> Result<String, CliError> {
    if let Ok(p) = std::env::var("YIZHAN_NEW_PASSWORD") {
        return Ok(p);
    }
    if std::io::stdin().is_terminal() {
        return rpassword::prompt_password("新账号密码：")
            .map_err(|e| CliError(format!("无法读取密码：{e}")));
    }
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| CliError(format!("无法读取密码：{e}")))?;
    Ok(input.trim_end_matches(['\r', '\n']).to_string())
}

async fn run(cli: Cli) -> Result<(), CliError> {
    let settings = Settings::from_env()?;
    match cli.command {
        Command::Serve => commands::serve(settings).await,
        Command::Migrate => commands::migrate(&settings).await,
        Command::Seed {
            demo: true,
            applications,
        } => commands::seed_demo(&settings, applications).await,
        Command::Seed { demo: false, .. } => Err(CliError(
            "请指定要加载的数据，例如 yizhan seed --demo".into(),
        )),
        Command::CreateUser {
            username,
            name,
            roles,
            department,
            email,
            mobile,
        } => {
            let password = read_new_password()?;
            commands::create_user(
                &settings,
                CreateUser {
                    username,
                    display_name: name,
                    roles,
                    department,
                    email,
                    mobile,
                    password,
                },
            )
            .await
        }
        Command::VerifyAudit => commands::verify_audit(&settings).await,
        Command::Backup { out } => commands::backup(&settings, &out).await,
        Command::Restore { file } => commands::restore(&settings, &file).await,
        Command::Catalogue { action } => match action {
            CatalogueCommand::Export { file } => commands::catalogue_export(&settings, &file).await,
            CatalogueCommand::Import { file } => commands::catalogue_import(&settings, &file).await,
        },
        Command::Calendar { action } => match action {
            CalendarCommand::Show { year } => commands::calendar_show(&settings, year).await,
            CalendarCommand::Import { file } => commands::calendar_import(&settings, &file).await,
            CalendarCommand::AddWorkingDays { date, n } => {
                commands::calendar_add_working_days(&settings, &date, n).await
            }
        },
    }
}

/// Large blocks (a password hash's 19 MB, a font read for a PDF) are mapped on their own and go
/// back to the system when freed. glibc's default raises this threshold each time such a block is
/// freed, after which they come from its heaps and stay there: ten logins at once left the
/// server at 360 MB resident for good.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_blocks_to_the_system() {
    // SAFETY: mallopt only sets a tuning value of the allocator; it is called first thing in
    // main, before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> ExitCode {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    return_large_blocks_to_the_system();
    let cli = Cli::parse();
    init_logging();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("yizhan: 无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("yizhan: {e}");
            ExitCode::FAILURE
        }
    }
}
