//! Settings from `YIZHAN_*` environment variables (DESIGN.md §5), checked once at start so that a
//! mistake stops the server with one line saying what to fix.

use app::backend::state::Environment;
use app::domain::password::check_password;
use app::domain::site::{SiteInfo, KIOSK_IDLE_DEFAULT, KIOSK_IDLE_RANGE, SIMULATED_READER_PATH};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub smtp_url: Option<String>,
    /// Sender of the portal's mail (`YIZHAN_MAIL_FROM`).
    pub mail_from: String,
    /// The address citizens reach the portal at, for links in mail and QR codes
    /// (`YIZHAN_PUBLIC_URL`, default `http://` + the listening address).
    pub public_url: String,
    pub region_code: String,
    pub environment: Environment,
    pub demo_password: String,
    pub site: SiteInfo,
    /// Where cargo-leptos put the compiled site (`LEPTOS_SITE_ROOT`, default `target/site`).
    pub site_root: String,
    /// The Ed25519 key (PKCS#8) certificates are signed with (`YIZHAN_SIGNING_KEY`, default
    /// `keys/certificate-ed25519.p8` in the data dir; generated there on first start in
    /// development, required in production).
    pub signing_key: PathBuf,
    /// Days the audit log keeps an entry (`YIZHAN_AUDIT_RETENTION_DAYS`, default 1095, at least
    /// 183: 等保 level 3 asks for six months).
    pub audit_retention_days: i64,
    /// Addresses whose requests are never throttled (`YIZHAN_THROTTLE_EXEMPT`, comma-separated):
    /// for a security scan (`make audit`) that must reach the queries behind the login and the
    /// status lookup. Refused in production.
    pub throttle_exempt: Vec<std::net::IpAddr>,
}

/// Three years unless configured.
pub const AUDIT_RETENTION_DEFAULT: i64 = 1095;

/// A setting that cannot be used, with the variable to fix.
#[derive(Debug, thiserror::Error)]
#[error("{var} 的值 “{value}” 无效：{hint}")]
pub struct SettingsError {
    pub var: &'static str,
    pub value: String,
    pub hint: &'static str,
}

/// Used by `seed --demo` when `YIZHAN_DEMO_PASSWORD` is not set; printed with the accounts.
pub const DEFAULT_DEMO_PASSWORD: &str = "Yizhan@2026";

impl Settings {
    /// Where uploaded and generated files are kept: outside the web root, beside the database.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Reads settings through `get`, so tests can pass their own environment.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let data_dir = PathBuf::from(get("YIZHAN_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = get("YIZHAN_DATABASE_URL").unwrap_or_else(|| {
            format!("sqlite://{}?mode=rwc", data_dir.join("yizhan.db").display())
        });
        let addr_text = get("YIZHAN_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let addr = addr_text.parse().map_err(|_| SettingsError {
            var: "YIZHAN_ADDR",
            value: addr_text.clone(),
            hint: "应为 IP:端口，例如 127.0.0.1:3000 或 0.0.0.0:8080",
        })?;
        let environment = match get("YIZHAN_ENV").as_deref() {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => {
                return Err(SettingsError {
                    var: "YIZHAN_ENV",
                    value: other.into(),
                    hint: "只能是 development 或 production",
                })
            }
        };
        let region_code = get("YIZHAN_REGION_CODE").unwrap_or_else(|| "990100".into());
        if region_code.len() != 6 || !region_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(SettingsError {
                var: "YIZHAN_REGION_CODE",
                value: region_code,
                hint: "应为 6 位行政区划代码，例如 330100",
            });
        }
        let smtp_url = get("YIZHAN_SMTP_URL");
        if let Some(url) = &smtp_url {
            if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                return Err(SettingsError {
                    var: "YIZHAN_SMTP_URL",
                    value: app::backend::db::redact_url(url),
                    hint: "应以 smtp:// 或 smtps:// 开头，例如 smtp://127.0.0.1:2525",
                });
            }
        }
        let demo_password =
            get("YIZHAN_DEMO_PASSWORD").unwrap_or_else(|| DEFAULT_DEMO_PASSWORD.into());
        if check_password(&demo_password).is_err() {
            return Err(SettingsError {
                var: "YIZHAN_DEMO_PASSWORD",
                value: "(已隐藏)".into(),
                hint: "至少 8 位，并包含大写字母、小写字母、数字、符号中的三类",
            });
        }
        let kiosk_idle_seconds = match get("YIZHAN_KIOSK_IDLE_SECONDS") {
            None => KIOSK_IDLE_DEFAULT,
            Some(text) => text
                .trim()
                .parse()
                .ok()
                .filter(|s| KIOSK_IDLE_RANGE.contains(s))
                .ok_or(SettingsError {
                    var: "YIZHAN_KIOSK_IDLE_SECONDS",
                    value: text,
                    hint: "应为 20 到 900 之间的秒数，默认 90",
                })?,
        };
        let audit_retention_days = match get("YIZHAN_AUDIT_RETENTION_DAYS") {
            None => AUDIT_RETENTION_DEFAULT,
            Some(text) => text
                .trim()
                .parse()
                .ok()
                .filter(|d| (app::backend::audit::MIN_RETENTION_DAYS..=36_500).contains(d))
                .ok_or(SettingsError {
                    var: "YIZHAN_AUDIT_RETENTION_DAYS",
                    value: text,
                    hint: "审计日志至少保存 6 个月：应为 183 到 36500 之间的天数，默认 1095",
                })?,
        };
        let card_reader_url = match get("YIZHAN_CARD_READER_URL") {
            None => None,
            // A demo card must never stand in for a real one.
            Some(v) if v == "simulated" && environment == Environment::Production => {
                return Err(SettingsError {
                    var: "YIZHAN_CARD_READER_URL",
                    value: v,
                    hint: "生产环境不能使用模拟读卡器，请填写读卡服务的地址",
                })
            }
            Some(v) if v == "simulated" => Some(SIMULATED_READER_PATH.to_string()),
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => Some(url),
            Some(other) => {
                return Err(SettingsError {
                    var: "YIZHAN_CARD_READER_URL",
                    value: other,
                    hint: "应为读卡服务的地址，例如 http://127.0.0.1:8989/card，或 simulated（模拟读卡器）",
                })
            }
        };
        let throttle_exempt = match get("YIZHAN_THROTTLE_EXEMPT") {
            None => Vec::new(),
            // Throttling is what stands between a guesser and a password or a query code.
            Some(v) if environment == Environment::Production => {
                return Err(SettingsError {
                    var: "YIZHAN_THROTTLE_EXEMPT",
                    value: v,
                    hint: "生产环境不能免除登录和查询的限流，请删除此项",
                })
            }
            Some(text) => text
                .split(',')
                .map(|a| a.trim().parse())
                .collect::<Result<_, _>>()
                .map_err(|_| SettingsError {
                    var: "YIZHAN_THROTTLE_EXEMPT",
                    value: text.clone(),
                    hint: "应为以逗号分隔的 IP 地址，例如 127.0.0.1,::1（仅用于安全扫描）",
                })?,
        };
        let defaults = SiteInfo::default();
        let region_name = get("YIZHAN_REGION_NAME").unwrap_or(defaults.region_name);
        let site = SiteInfo {
            portal_name: get("YIZHAN_PORTAL_NAME")
                .unwrap_or_else(|| format!("{region_name}一站式网上办事大厅")),
            host_unit: get("YIZHAN_HOST_UNIT").unwrap_or(defaults.host_unit),
            hotline: get("YIZHAN_HOTLINE").unwrap_or(defaults.hotline),
            complaint_phone: get("YIZHAN_COMPLAINT_PHONE").unwrap_or(defaults.complaint_phone),
            address: get("YIZHAN_ADDRESS").unwrap_or(defaults.address),
            icp_record: get("YIZHAN_ICP_RECORD").unwrap_or(defaults.icp_record),
            police_record: get("YIZHAN_POLICE_RECORD").unwrap_or(defaults.police_record),
            site_code: get("YIZHAN_SITE_CODE").unwrap_or(defaults.site_code),
            region_name,
            kiosk_idle_seconds,
            card_reader_url,
        };
        let public_url = get("YIZHAN_PUBLIC_URL").unwrap_or_else(|| format!("http://{addr}"));
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(SettingsError {
                var: "YIZHAN_PUBLIC_URL",
                value: public_url,
                hint: "应以 http:// 或 https:// 开头，例如 https://zwfw.example.gov.cn",
            });
        }
        let mail_from =
            get("YIZHAN_MAIL_FROM").unwrap_or_else(|| "网上办事大厅 <noreply@localhost>".into());
        Ok(Settings {
            database_url,
            addr,
            smtp_url,
            mail_from,
            public_url,
            region_code,
            environment,
            demo_password,
            site,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            signing_key: get("YIZHAN_SIGNING_KEY")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("keys").join("certificate-ed25519.p8")),
            data_dir,
            audit_retention_days,
            throttle_exempt,
        })
    }
}
