//! Settings from the environment: defaults, and one named variable per mistake.
//! (Kept out of the library's own unit tests so the heavy server crate is compiled once for tests.)

use app::backend::state::Environment;
use yizhan::config::{Settings, SettingsError};

use std::collections::HashMap;

fn settings(vars: &[(&str, &str)]) -> Result<Settings, SettingsError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_lookup(|k| map.get(k).cloned())
}

#[test]
fn without_settings_the_portal_uses_sqlite_under_data_on_port_3000() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.database_url, "sqlite://data/yizhan.db?mode=rwc");
    assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
    assert_eq!(s.environment, Environment::Development);
    assert_eq!(s.site.portal_name, "示范市一站式网上办事大厅");
    assert_eq!(s.site.kiosk_idle_seconds, 90);
    assert_eq!(s.site.card_reader_url, None);
    assert_eq!(s.audit_retention_days, 1095);
    let s = settings(&[("YIZHAN_AUDIT_RETENTION_DAYS", "183")]).unwrap();
    assert_eq!(s.audit_retention_days, 183);
}

#[test]
fn the_kiosk_idle_time_and_card_reader_are_configured() {
    let s = settings(&[
        ("YIZHAN_KIOSK_IDLE_SECONDS", "120"),
        ("YIZHAN_CARD_READER_URL", "http://127.0.0.1:8989/card"),
    ])
    .unwrap();
    assert_eq!(s.site.kiosk_idle_seconds, 120);
    assert_eq!(
        s.site.card_reader_url.as_deref(),
        Some("http://127.0.0.1:8989/card")
    );
    let s = settings(&[("YIZHAN_CARD_READER_URL", "simulated")]).unwrap();
    assert_eq!(
        s.site.card_reader_url.as_deref(),
        Some("/kiosk/card-reader/simulated")
    );
    let err = settings(&[
        ("YIZHAN_CARD_READER_URL", "simulated"),
        ("YIZHAN_ENV", "production"),
    ])
    .unwrap_err();
    assert_eq!(err.var, "YIZHAN_CARD_READER_URL");
}

#[test]
fn throttling_is_lifted_only_for_listed_addresses_and_never_in_production() {
    assert!(settings(&[]).unwrap().throttle_exempt.is_empty());
    let s = settings(&[("YIZHAN_THROTTLE_EXEMPT", "127.0.0.1, ::1")]).unwrap();
    assert_eq!(
        s.throttle_exempt,
        [
            "127.0.0.1".parse::<std::net::IpAddr>().unwrap(),
            "::1".parse().unwrap()
        ]
    );
    let err = settings(&[
        ("YIZHAN_THROTTLE_EXEMPT", "127.0.0.1"),
        ("YIZHAN_ENV", "production"),
    ])
    .unwrap_err();
    assert_eq!(err.var, "YIZHAN_THROTTLE_EXEMPT");
}

#[test]
fn the_data_dir_moves_the_default_database() {
    let s = settings(&[("YIZHAN_DATA_DIR", "/srv/yz")]).unwrap();
    assert_eq!(s.database_url, "sqlite:///srv/yz/yizhan.db?mode=rwc");
}

#[test]
fn each_bad_setting_names_its_variable() {
    let cases = [
        ("YIZHAN_ADDR", "localhost"),
        ("YIZHAN_ENV", "staging"),
        ("YIZHAN_REGION_CODE", "33010"),
        ("YIZHAN_SMTP_URL", "mail.example"),
        ("YIZHAN_DEMO_PASSWORD", "123456"),
        ("YIZHAN_KIOSK_IDLE_SECONDS", "5"),
        ("YIZHAN_AUDIT_RETENTION_DAYS", "90"),
        ("YIZHAN_AUDIT_RETENTION_DAYS", "forever"),
        ("YIZHAN_KIOSK_IDLE_SECONDS", "ninety"),
        ("YIZHAN_CARD_READER_URL", "COM3"),
        ("YIZHAN_THROTTLE_EXEMPT", "scanner.local"),
    ];
    for (var, value) in cases {
        let err = settings(&[(var, value)]).unwrap_err();
        assert_eq!(err.var, var);
        assert!(err.to_string().starts_with(var), "{err}");
    }
}

#[test]
fn a_bad_demo_password_is_not_echoed() {
    let err = settings(&[("YIZHAN_DEMO_PASSWORD", "secret")]).unwrap_err();
    assert!(!err.to_string().contains("secret"));
}
