//! Repository and use-case tests on real databases: every test runs on a fresh SQLite file AND a
//! fresh PostgreSQL database, both migrated with the real migrations.

use super::audit::{self, AuditEntry, ChainCheck};
use super::auth::{self, LOCK_MINUTES, MAX_FAILED_LOGINS};
use super::demo;
use super::error::ServiceError;
use super::state::Environment;
use super::testing::TestDb;
use super::users::{self, NewUser};
use crate::domain::account::AccountKind;
use crate::domain::role::Role;
use crate::domain::username::Username;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, TransactionTrait};

const PASSWORD: &str = "Yizhan@2026";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 28, 1, 30, 0).unwrap()
}

fn new_user(username: &str, roles: &[Role]) -> NewUser {
    let staff = roles.iter().any(|r| r.is_staff());
    NewUser {
        username: Username::parse(username).unwrap(),
        display_name: format!("测试{username}"),
        kind: if staff {
            AccountKind::Staff
        } else {
            AccountKind::Person
        },
        department_code: staff.then(|| "zwfw".to_string()),
        roles: roles.to_vec(),
        password: PASSWORD.into(),
        email: None,
        mobile: None,
    }
}

async fn seeded(db: &DatabaseConnection) {
    demo::seed(db, Environment::Development, PASSWORD, t0())
        .await
        .unwrap();
}

async fn exec(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
}

#[tokio::test]
async fn migrations_create_the_roles_on_both_engines() {
    for t in TestDb::both().await {
        let row =
            t.db.query_one_raw(Statement::from_string(
                t.db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM roles",
            ))
            .await
            .unwrap()
            .unwrap();
        let n: i64 = row.try_get("", "n").unwrap();
        assert_eq!(n as usize, Role::ALL.len(), "{}", t.label);
        t.finish().await;
    }
}

#[tokio::test]
async fn migrations_roll_back_and_apply_again_on_both_engines() {
    use migration::{Migrator, MigratorTrait};
    for t in TestDb::both().await {
        Migrator::down(&t.db, None).await.unwrap();
        let gone =
            t.db.query_one_raw(Statement::from_string(
                t.db.get_database_backend(),
                "SELECT 1 FROM users",
            ))
            .await;
        assert!(gone.is_err(), "{}: users table should be gone", t.label);
        Migrator::up(&t.db, None).await.unwrap();
        seeded(&t.db).await;
        t.finish().await;
    }
}

#[tokio::test]
async fn demo_data_loads_twice_without_duplicates_and_never_in_production() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        seeded(&t.db).await;
        let clerk = users::find_by_username(&t.db, &Username::parse("clerk1").unwrap())
            .await
            .unwrap()
            .expect("clerk1 exists");
        assert_eq!(
            users::roles_of(&t.db, clerk.id).await.unwrap(),
            vec![Role::Clerk]
        );
        assert!(clerk.password_hash.starts_with("$argon2id$"), "{}", t.label);
        let refused = demo::seed(&t.db, Environment::Production, PASSWORD, t0()).await;
        assert!(
            matches!(refused, Err(ServiceError::Refused(_))),
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_taken_username_or_a_weak_password_is_refused_with_a_reason() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        let dup = users::create(&t.db, new_user("Clerk1", &[Role::Clerk]), "test", t0()).await;
        assert!(
            matches!(dup, Err(ServiceError::Conflict(ref m)) if m.contains("clerk1")),
            "{}: {dup:?}",
            t.label
        );
        let mut weak = new_user("clerk2", &[Role::Clerk]);
        weak.password = "password".into();
        let weak = users::create(&t.db, weak, "test", t0()).await;
        assert!(matches!(weak, Err(ServiceError::Invalid(_))), "{}", t.label);
        let mut mixed = new_user("citizen9", &[Role::Clerk]);
        mixed.kind = AccountKind::Person;
        let mixed = users::create(&t.db, mixed, "test", t0()).await;
        assert!(
            matches!(mixed, Err(ServiceError::Invalid(_))),
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn login_starts_a_session_that_idles_out_after_the_role_timeout() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        let clerk = auth::login(&t.db, "clerk1", PASSWORD, t0()).await.unwrap();
        assert_eq!(clerk.account.roles, vec![Role::Clerk]);
        assert_eq!(
            clerk.account.department_name.as_deref(),
            Some("示范市政务服务管理办公室")
        );
        // Activity keeps a staff session alive; ten idle minutes end it.
        let at = t0() + Duration::minutes(8);
        assert!(
            auth::resume(&t.db, &clerk.token, at)
                .await
                .unwrap()
                .is_some(),
            "{}",
            t.label
        );
        let later = at + Duration::minutes(9);
        assert!(
            auth::resume(&t.db, &clerk.token, later)
                .await
                .unwrap()
                .is_some(),
            "{}",
            t.label
        );
        let idle = later + Duration::minutes(11);
        assert!(
            auth::resume(&t.db, &clerk.token, idle)
                .await
                .unwrap()
                .is_none(),
            "{}",
            t.label
        );

        // A citizen's session lasts thirty idle minutes.
        let citizen = auth::login(&t.db, "citizen1", PASSWORD, t0())
            .await
            .unwrap();
        let at = t0() + Duration::minutes(25);
        assert!(
            auth::resume(&t.db, &citizen.token, at)
                .await
                .unwrap()
                .is_some(),
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn logout_ends_the_session_and_forged_tokens_find_nothing() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        let s = auth::login(&t.db, "approver1", PASSWORD, t0())
            .await
            .unwrap();
        auth::logout(&t.db, &s.token, t0()).await.unwrap();
        assert!(
            auth::resume(&t.db, &s.token, t0()).await.unwrap().is_none(),
            "{}",
            t.label
        );
        for forged in ["", "abc", &"f".repeat(64), "' OR 1=1 --"] {
            assert!(
                auth::resume(&t.db, forged, t0()).await.unwrap().is_none(),
                "{}",
                t.label
            );
        }
        t.finish().await;
    }
}

#[tokio::test]
async fn repeated_wrong_passwords_lock_the_account_for_fifteen_minutes() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        for i in 1..MAX_FAILED_LOGINS {
            let r = auth::login(&t.db, "reviewer1", "Wrong#123", t0()).await;
            assert!(
                matches!(r, Err(ServiceError::BadCredentials)),
                "{} try {i}: {r:?}",
                t.label
            );
        }
        let r = auth::login(&t.db, "reviewer1", "Wrong#123", t0()).await;
        assert!(matches!(r, Err(ServiceError::Locked(_))), "{}", t.label);
        // Even the right password waits for the lock to pass.
        let during = t0() + Duration::minutes(LOCK_MINUTES - 1);
        assert!(matches!(
            auth::login(&t.db, "reviewer1", PASSWORD, during).await,
            Err(ServiceError::Locked(_))
        ));
        let after = t0() + Duration::minutes(LOCK_MINUTES + 1);
        assert!(
            auth::login(&t.db, "reviewer1", PASSWORD, after)
                .await
                .is_ok(),
            "{}",
            t.label
        );
        // Unknown names get the same answer as wrong passwords.
        let r = auth::login(&t.db, "nobody", PASSWORD, t0()).await;
        assert!(
            matches!(r, Err(ServiceError::BadCredentials)),
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn every_login_attempt_is_audited_and_the_chain_verifies() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        auth::login(&t.db, "clerk1", PASSWORD, t0()).await.unwrap();
        auth::login(&t.db, "clerk1", "Wrong#123", t0())
            .await
            .unwrap_err();
        let rows =
            t.db.query_all_raw(Statement::from_string(
                t.db.get_database_backend(),
                "SELECT action FROM audit_log WHERE target = 'user:clerk1' ORDER BY id",
            ))
            .await
            .unwrap();
        let actions: Vec<String> = rows
            .iter()
            .map(|r| r.try_get("", "action").unwrap())
            .collect();
        assert_eq!(
            actions,
            ["user.create", "auth.login", "auth.login_failed"],
            "{}",
            t.label
        );
        assert!(
            matches!(audit::verify(&t.db).await.unwrap(), ChainCheck::Intact { entries } if entries > 10)
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn an_edited_or_deleted_audit_entry_breaks_the_chain() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        exec(
            &t.db,
            "UPDATE audit_log SET detail = 'roles=admin' WHERE id = 3",
        )
        .await;
        assert_eq!(
            audit::verify(&t.db).await.unwrap(),
            ChainCheck::Broken {
                entry_id: 3,
                reason: "内容与哈希不符（记录被修改）"
            },
            "{}",
            t.label
        );
        t.finish().await;
    }
    for t in TestDb::both().await {
        seeded(&t.db).await;
        exec(&t.db, "DELETE FROM audit_log WHERE id = 4").await;
        assert!(
            matches!(
                audit::verify(&t.db).await.unwrap(),
                ChainCheck::Broken { entry_id: 5, .. }
            ),
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn concurrent_appends_still_form_one_chain() {
    for t in TestDb::both().await {
        let mut tasks = Vec::new();
        for i in 0..16 {
            let db = t.db.clone();
            tasks.push(tokio::spawn(async move {
                // Retry on SQLite's busy answer, as a real caller would; PostgreSQL waits on the lock.
                for _ in 0..50 {
                    let txn = db.begin().await.unwrap();
                    let entry = AuditEntry {
                        at: t0(),
                        actor_user_id: None,
                        actor: "test".into(),
                        action: "test.append".into(),
                        target: format!("n:{i}"),
                        detail: String::new(),
                    };
                    match audit::append(&txn, entry).await {
                        Ok(()) => {
                            txn.commit().await.unwrap();
                            return;
                        }
                        Err(_) => {
                            txn.rollback().await.ok();
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        }
                    }
                }
                panic!("append {i} never succeeded");
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(
            audit::verify(&t.db).await.unwrap(),
            ChainCheck::Intact { entries: 16 },
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn an_imported_calendar_year_is_stored_audited_and_loaded_on_both_engines() {
    use super::calendar;
    let json = r#"{"year": 2027, "source": "测试", "holidays": [
        {"name": "元旦", "days_off": ["2027-01-01"], "makeup_workdays": []}]}"#;
    for t in TestDb::both().await {
        let year = calendar::parse_year(json).unwrap();
        calendar::import(&t.db, year.clone(), "admin1", t0())
            .await
            .unwrap();
        // Importing again replaces rather than duplicates.
        calendar::import(&t.db, year, "admin1", t0()).await.unwrap();
        let cal = calendar::load(&t.db).await.unwrap();
        assert!(cal.has_year(2027) && cal.has_year(2026), "{}", t.label);
        let new_year = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert!(!cal.is_working_day(new_year), "{}", t.label);
        assert!(matches!(
            audit::verify(&t.db).await.unwrap(),
            ChainCheck::Intact { entries: 2 }
        ));
        t.finish().await;
    }
    assert!(matches!(
        calendar::parse_year("{not json"),
        Err(ServiceError::Invalid(_))
    ));
}
