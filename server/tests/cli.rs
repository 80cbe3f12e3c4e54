//! The `yizhan` binary with bad settings: it must stop with one clear line saying what to fix,
//! never a panic trace.

use std::process::Command;

/// A site root with a stand-in bundle, so that `serve` gets past its asset check.
fn fake_site_root() -> tempdir::Dir {
    let dir = tempdir::Dir::new("site");
    std::fs::create_dir_all(dir.path.join("pkg")).unwrap();
    std::fs::write(dir.path.join("pkg/yizhan.js"), "").unwrap();
    dir
}

mod tempdir {
    pub struct Dir {
        pub path: std::path::PathBuf,
    }
    impl Dir {
        pub fn new(label: &str) -> Dir {
            let path = std::env::temp_dir().join(format!(
                "yizhan-cli-{label}-{}-{:?}",
                std::process::id(),
                std::thread::current().id()
            ));
            std::fs::create_dir_all(&path).unwrap();
            Dir { path }
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            std::fs::remove_dir_all(&self.path).ok();
        }
    }
}

/// Runs `yizhan serve` with the given variables; returns its standard error.
fn serve_fails_with(vars: &[(&str, &str)]) -> String {
    let site = fake_site_root();
    let data = tempdir::Dir::new("data");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_yizhan"));
    cmd.arg("serve")
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("LEPTOS_SITE_ROOT", &site.path)
        .env("YIZHAN_DATA_DIR", &data.path)
        .env("YIZHAN_ADDR", "127.0.0.1:0");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run yizhan");
    assert!(
        !out.status.success(),
        "serve should have failed for {vars:?}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !stderr.contains("panicked"),
        "panic instead of a message: {stderr}"
    );
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {stderr}");
    lines[0].to_string()
}

#[test]
fn a_malformed_database_url_is_named() {
    let line = serve_fails_with(&[("YIZHAN_DATABASE_URL", "mysql://root@localhost/yz")]);
    assert!(line.starts_with("yizhan: "), "{line}");
    assert!(
        line.contains("sqlite://") && line.contains("postgres://"),
        "{line}"
    );
}

#[test]
fn an_unreachable_database_says_to_check_the_url_without_its_password() {
    let line = serve_fails_with(&[(
        "YIZHAN_DATABASE_URL",
        "postgres://yz:topsecret@127.0.0.1:1/yizhan",
    )]);
    assert!(line.contains("YIZHAN_DATABASE_URL"), "{line}");
    assert!(!line.contains("topsecret"), "password leaked: {line}");
}

#[test]
fn a_port_in_use_says_to_choose_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let line = serve_fails_with(&[("YIZHAN_ADDR", &addr)]);
    assert!(line.contains("端口已被占用"), "{line}");
    assert!(line.contains("YIZHAN_ADDR"), "{line}");
}

#[test]
fn a_malformed_address_is_named() {
    let line = serve_fails_with(&[("YIZHAN_ADDR", "localhost:http")]);
    assert!(line.contains("YIZHAN_ADDR"), "{line}");
}

#[test]
fn missing_site_assets_say_to_build_first() {
    let data = tempdir::Dir::new("nosite");
    let out = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .arg("serve")
        .env_clear()
        .env("LEPTOS_SITE_ROOT", data.path.join("missing"))
        .env("YIZHAN_DATA_DIR", &data.path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("make build"), "{stderr}");
}

#[test]
fn demo_data_is_refused_in_production() {
    let data = tempdir::Dir::new("prod");
    let out = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(["seed", "--demo"])
        .env_clear()
        .env("YIZHAN_DATA_DIR", &data.path)
        .env("YIZHAN_ENV", "production")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("生产环境"));
}

#[test]
fn create_user_then_verify_audit_from_the_command_line() {
    let data = tempdir::Dir::new("users");
    let run = |args: &[&str], password: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_yizhan"));
        cmd.args(args)
            .env_clear()
            .env("YIZHAN_DATA_DIR", &data.path);
        if let Some(p) = password {
            cmd.env("YIZHAN_NEW_PASSWORD", p);
        }
        cmd.output().unwrap()
    };
    let seeded = run(&["seed", "--demo"], None);
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let listing = String::from_utf8_lossy(&seeded.stdout);
    for account in [
        "citizen1",
        "citizen2",
        "company1",
        "clerk1",
        "reviewer1",
        "approver1",
        "supervisor1",
        "admin1",
    ] {
        assert!(
            listing.contains(account),
            "{account} missing from {listing}"
        );
    }
    let created = run(
        &[
            "create-user",
            "--username",
            "clerk9",
            "--name",
            "新窗口",
            "--role",
            "clerk",
            "--department",
            "zwfw",
        ],
        Some("Counter#2026"),
    );
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let weak = run(
        &[
            "create-user",
            "--username",
            "clerk10",
            "--name",
            "弱密码",
            "--role",
            "clerk",
        ],
        Some("12345678"),
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("密码"));
    let verified = run(&["verify-audit"], None);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
    assert!(String::from_utf8_lossy(&verified.stdout).contains("校验通过"));
}

/// Runs `yizhan` with a private data directory; returns (success, stdout, stderr).
fn yizhan(data: &tempdir::Dir, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(args)
        .env_clear()
        .env("YIZHAN_DATA_DIR", &data.path)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn add_working_days_prints_the_legal_deadline() {
    let data = tempdir::Dir::new("calendar");
    let cases = [
        ("2026-09-28", "20", "2026-10-30\n"),
        ("2026-02-12", "5", "2026-02-26\n"),
        ("2025-09-26", "1", "2025-09-28\n"),
    ];
    for (date, n, expected) in cases {
        let (ok, stdout, stderr) = yizhan(&data, &["calendar", "add-working-days", date, n]);
        assert!(ok, "{stderr}");
        assert_eq!(stdout, expected, "{date} + {n}");
    }
    let (ok, _, stderr) = yizhan(&data, &["calendar", "add-working-days", "2026-02-30", "5"]);
    assert!(!ok);
    assert!(stderr.contains("YYYY-MM-DD"), "{stderr}");
}

#[test]
fn an_imported_year_is_used_and_a_year_without_data_is_flagged() {
    let data = tempdir::Dir::new("import");
    let (_, stdout, stderr) = yizhan(&data, &["calendar", "show", "2027"]);
    assert!(stderr.contains("2027 年没有节假日数据"), "{stderr}");
    assert!(stdout.contains("全年工作日 261 天"), "{stdout}");
    let (_, stdout, _) = yizhan(&data, &["calendar", "add-working-days", "2026-12-31", "1"]);
    assert_eq!(stdout, "2027-01-01\n");

    let file = data.path.join("2027.json");
    std::fs::write(
        &file,
        r#"{"year": 2027, "source": "测试通知",
            "holidays": [{"name": "元旦", "days_off": ["2027-01-01", "2027-01-02", "2027-01-03"],
                          "makeup_workdays": []}]}"#,
    )
    .unwrap();
    let (ok, stdout, stderr) = yizhan(&data, &["calendar", "import", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("已导入 2027 年"));
    let (_, stdout, stderr) = yizhan(&data, &["calendar", "show", "2027"]);
    assert!(stdout.contains("元旦：放假 1月1日至3日"), "{stdout}");
    assert!(!stderr.contains("没有节假日数据"));
    let (_, stdout, _) = yizhan(&data, &["calendar", "add-working-days", "2026-12-31", "1"]);
    assert_eq!(stdout, "2027-01-04\n");

    // A bad file is refused with the reason, and the good year stays.
    std::fs::write(
        &file,
        r#"{"year": 2027, "source": "x", "holidays": [{"name": "春节", "days_off": [], "makeup_workdays": ["2027-02-03"]}]}"#,
    )
    .unwrap();
    let (ok, _, stderr) = yizhan(&data, &["calendar", "import", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(stderr.contains("不能列为调休上班日"), "{stderr}");
    let (_, stdout, _) = yizhan(&data, &["calendar", "add-working-days", "2026-12-31", "1"]);
    assert_eq!(stdout, "2027-01-04\n");
}

#[test]
fn the_catalogue_exports_to_a_file_and_imports_into_another_portal() {
    let first = tempdir::Dir::new("catalogue-a");
    let (ok, stdout, stderr) = yizhan(&first, &["seed", "--demo"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("演示事项目录"), "{stdout}");
    let file = first.path.join("catalogue.json");
    let (ok, stdout, stderr) = yizhan(&first, &["catalogue", "export", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("已导出"), "{stdout}");

    let second = tempdir::Dir::new("catalogue-b");
    let (ok, stdout, stderr) = yizhan(&second, &["catalogue", "import", file.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let created: u32 = stdout
        .split("新建事项 ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default();
    assert!(created >= 60, "{stdout}");

    // A file that is not a catalogue: one line saying so, nothing changed.
    std::fs::write(&file, "{\"format\": \"something-else\"").unwrap();
    let (ok, _, stderr) = yizhan(&second, &["catalogue", "import", file.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(
        stderr.lines().filter(|l| !l.trim().is_empty()).count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("不是有效的事项目录"), "{stderr}");
}

/// Runs `yizhan` against the database at `url` with `data` for its files.
fn yizhan_on(url: &str, data: &tempdir::Dir, args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yizhan"))
        .args(args)
        .env_clear()
        .env("YIZHAN_DATA_DIR", &data.path)
        .env("YIZHAN_DATABASE_URL", url)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[tokio::test]
async fn backup_and_restore_round_trip_on_sqlite_and_postgresql() {
    use app::backend::testing::TestDb;
    for (from, to) in [
        (TestDb::sqlite().await, TestDb::sqlite().await),
        (TestDb::postgres().await, TestDb::postgres().await),
    ] {
        let old = tempdir::Dir::new(&format!("old-{}", from.label));
        let new = tempdir::Dir::new(&format!("new-{}", from.label));
        let (ok, _, stderr) =
            yizhan_on(&from.url, &old, &["seed", "--demo", "--applications", "40"]);
        assert!(ok, "{stderr}");
        let archive = old.path.join("backup.zip");
        let archive_arg = archive.to_str().unwrap();
        let (ok, stdout, stderr) = yizhan_on(&from.url, &old, &["backup", "--out", archive_arg]);
        assert!(ok, "{}: {stderr}", from.label);
        assert!(
            stdout.contains("备份完成") && stdout.contains("个文件"),
            "{stdout}"
        );

        let (ok, stdout, stderr) = yizhan_on(&to.url, &new, &["restore", archive_arg]);
        assert!(ok, "{}: {stderr}", from.label);
        assert!(stdout.contains("恢复完成"), "{stdout}");
        let (ok, stdout, stderr) = yizhan_on(&to.url, &new, &["verify-audit"]);
        assert!(ok && stdout.contains("校验通过"), "{stdout}{stderr}");
        // Same rows in both: every table of record, compared as the archive writes them.
        let manifest = app::backend::backup::manifest(&archive).unwrap();
        for (table, _) in &manifest.tables {
            assert_eq!(
                app::backend::backup::table_rows(&from.db, table)
                    .await
                    .unwrap(),
                app::backend::backup::table_rows(&to.db, table)
                    .await
                    .unwrap(),
                "{}: {table}",
                from.label
            );
        }
        // Restoring twice, or a file that is not a backup, fails with one line of Chinese.
        let (ok, _, stderr) = yizhan_on(&to.url, &new, &["restore", archive_arg]);
        assert!(!ok && stderr.contains("只能恢复到空数据库"), "{stderr}");
        let junk = new.path.join("junk.zip");
        std::fs::write(&junk, "junk").unwrap();
        let (ok, _, stderr) = yizhan_on(&to.url, &new, &["restore", junk.to_str().unwrap()]);
        assert!(!ok && stderr.contains("不是一站的备份文件"), "{stderr}");
        from.finish().await;
        to.finish().await;
    }
}
