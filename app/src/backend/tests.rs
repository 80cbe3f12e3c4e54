//! Repository and use-case tests on real databases: every test runs on a fresh SQLite file AND a
//! fresh PostgreSQL database, both migrated with the real migrations.

use super::audit::{self, AuditEntry, ChainCheck};
use super::auth::{self, LOCK_MINUTES, MAX_FAILED_LOGINS};
use super::demo;
use super::error::ServiceError;
use super::state::Environment;
use super::testing::{self, TestDb};
use super::throttle::Client;
use super::two_factor;
use super::users::{self, NewUser};
use crate::backend::db::begin_write;
use crate::domain::account::AccountKind;
use crate::domain::role::Role;
use crate::domain::username::Username;
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};

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
        identity: Default::default(),
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
        let clerk = testing::sign_in(&t.db, "clerk1", PASSWORD, t0()).await;
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
        let citizen = testing::sign_in(&t.db, "citizen1", PASSWORD, t0()).await;
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
        let s = testing::sign_in(&t.db, "approver1", PASSWORD, t0()).await;
        auth::logout(&t.db, &s.token, auth::LogoutScope::ThisDevice, t0())
            .await
            .unwrap();
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
            let r = auth::login(
                &t.db,
                "reviewer1",
                "Wrong#123",
                &Client::default(),
                two_factor::Policy::WhenEnrolled,
                t0(),
            )
            .await;
            assert!(
                matches!(r, Err(ServiceError::BadCredentials)),
                "{} try {i}: {r:?}",
                t.label
            );
        }
        let r = auth::login(
            &t.db,
            "reviewer1",
            "Wrong#123",
            &Client::default(),
            two_factor::Policy::WhenEnrolled,
            t0(),
        )
        .await;
        assert!(matches!(r, Err(ServiceError::Locked(_))), "{}", t.label);
        // Even the right password waits for the lock to pass.
        let during = t0() + Duration::minutes(LOCK_MINUTES - 1);
        assert!(matches!(
            auth::login(
                &t.db,
                "reviewer1",
                PASSWORD,
                &Client::default(),
                two_factor::Policy::WhenEnrolled,
                during
            )
            .await,
            Err(ServiceError::Locked(_))
        ));
        let after = t0() + Duration::minutes(LOCK_MINUTES + 1);
        assert!(
            auth::login(
                &t.db,
                "reviewer1",
                PASSWORD,
                &Client::default(),
                two_factor::Policy::WhenEnrolled,
                after
            )
            .await
            .is_ok(),
            "{}",
            t.label
        );
        // Unknown names get the same answer as wrong passwords.
        let r = auth::login(
            &t.db,
            "nobody",
            PASSWORD,
            &Client::default(),
            two_factor::Policy::WhenEnrolled,
            t0(),
        )
        .await;
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
        testing::sign_in(&t.db, "clerk1", PASSWORD, t0()).await;
        auth::login(
            &t.db,
            "clerk1",
            "Wrong#123",
            &Client::default(),
            two_factor::Policy::WhenEnrolled,
            t0(),
        )
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

/// What someone with the database's owner rights could do: take away the append-only triggers.
async fn drop_audit_guards(db: &DatabaseConnection) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            exec(db, "DROP TRIGGER audit_log_append_only ON audit_log").await
        }
        _ => {
            exec(db, "DROP TRIGGER audit_log_no_update").await;
            exec(db, "DROP TRIGGER audit_log_keep").await;
        }
    }
}

#[tokio::test]
async fn the_database_refuses_to_change_or_delete_a_recent_audit_entry() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        for sql in [
            "UPDATE audit_log SET detail = 'roles=admin' WHERE id = 3",
            "DELETE FROM audit_log WHERE id = 4",
        ] {
            let r =
                t.db.execute_raw(Statement::from_string(t.db.get_database_backend(), sql))
                    .await;
            assert!(r.is_err(), "{}: {sql} went through", t.label);
        }
        assert!(matches!(
            audit::verify(&t.db).await.unwrap(),
            ChainCheck::Intact { .. }
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn pruning_keeps_the_retention_and_the_chain_verifiable() {
    for t in TestDb::both().await {
        let now = Utc::now();
        let entry = |days_ago: i64, i: usize| {
            AuditEntry::by(
                "cli",
                "test.entry",
                format!("n:{i}"),
                String::new(),
                now - Duration::days(days_ago),
            )
        };
        // Entries 400, 300 and 100 days old, and today's.
        for (i, days_ago) in [400, 400, 300, 100, 0].into_iter().enumerate() {
            let txn = begin_write(&t.db).await.unwrap();
            audit::append(&txn, entry(days_ago, i)).await.unwrap();
            txn.commit().await.unwrap();
        }
        // Keeping a year deletes the two 400-day-old ones; the chain checks from the new anchor.
        assert_eq!(
            audit::prune(&t.db, 365, now).await.unwrap(),
            2,
            "{}",
            t.label
        );
        assert!(
            matches!(
                audit::verify(&t.db).await.unwrap(),
                ChainCheck::Intact { entries: 4 }
            ),
            "{}: the three kept and the prune's own entry",
            t.label
        );
        // A setting below six months still keeps six months.
        assert_eq!(
            audit::prune(&t.db, 30, now).await.unwrap(),
            1,
            "{}",
            t.label
        );
        let left: Vec<String> =
            t.db.query_all_raw(Statement::from_string(
                t.db.get_database_backend(),
                "SELECT target FROM audit_log ORDER BY id",
            ))
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("", "target").unwrap())
            .collect();
        assert_eq!(
            left,
            ["n:3", "n:4", "audit_log", "audit_log"],
            "{}",
            t.label
        );
        assert!(matches!(
            audit::verify(&t.db).await.unwrap(),
            ChainCheck::Intact { .. }
        ));
        // Deleting the oldest kept entry behind the prune's back is caught.
        drop_audit_guards(&t.db).await;
        exec(&t.db, "DELETE FROM audit_log WHERE target = 'n:3'").await;
        assert!(matches!(
            audit::verify(&t.db).await.unwrap(),
            ChainCheck::Broken { .. }
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn an_edited_or_deleted_audit_entry_breaks_the_chain() {
    for t in TestDb::both().await {
        seeded(&t.db).await;
        drop_audit_guards(&t.db).await;
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
        drop_audit_guards(&t.db).await;
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

/// A writing transaction that reads first while another connection commits in between (a login
/// while the mailer records a retry): with a plain deferred BEGIN, SQLite refuses its write at once
/// with "database is locked"; `begin_write` makes the other writer wait its turn instead.
#[tokio::test]
async fn a_writing_transaction_that_reads_first_survives_another_writer() {
    for t in TestDb::both().await {
        let backend = t.db.get_database_backend();
        let txn = begin_write(&t.db).await.unwrap();
        txn.query_one_raw(Statement::from_string(
            backend,
            "SELECT entries FROM audit_head WHERE id = 1",
        ))
        .await
        .unwrap();
        let other = tokio::spawn({
            let db = t.db.clone();
            async move {
                db.execute_unprepared("UPDATE audit_head SET entries = entries WHERE id = 1")
                    .await
            }
        });
        // Long enough for the other writer to commit, were it not made to wait.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let entry = AuditEntry::by(
            "test",
            "test.append",
            "after a read".into(),
            String::new(),
            t0(),
        );
        audit::append(&txn, entry)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        txn.commit().await.unwrap();
        other.await.unwrap().unwrap();
        assert_eq!(
            audit::verify(&t.db).await.unwrap(),
            ChainCheck::Intact { entries: 1 },
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
                // No retry: a writing transaction waits its turn on both databases.
                let txn = begin_write(&db).await.unwrap();
                let entry =
                    AuditEntry::by("test", "test.append", format!("n:{i}"), String::new(), t0());
                audit::append(&txn, entry).await.unwrap();
                txn.commit().await.unwrap();
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

mod workflow_scenarios {
    use super::*;
    use crate::backend::applications::{self, ActionInput, Caller, NewSuspension};
    use crate::backend::processes;
    use crate::domain::calendar::WorkCalendar;
    use crate::domain::casework::{DeliveryMethod, Desk};
    use crate::domain::process::{Branch, ItemKind, ProcessDefinition, Step};
    use crate::domain::workflow::{Action, Actor, State};
    use chrono::NaiveDate;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

    const ITEM: &str = "990100-XK-0001";

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn definition() -> ProcessDefinition {
        ProcessDefinition {
            item_code: ITEM.into(),
            kind: ItemKind::Promised,
            lead_department: "scjg".into(),
            legal_limit: 20,
            promised_limit: 12,
            acceptance_limit: 5,
            extension_limit: 10,
            delivery_limit: 10,
            steps: vec![
                Step {
                    code: "review".into(),
                    name: "审查".into(),
                    role: Role::Reviewer,
                    limit: 6,
                },
                Step {
                    code: "approve".into(),
                    name: "批准".into(),
                    role: Role::Approver,
                    limit: 3,
                },
            ],
            branches: vec![Branch {
                department: "gaj".into(),
                limit: 5,
            }],
        }
    }

    fn staff(name: &str, role: Role) -> Caller {
        Caller {
            user_id: None,
            name: name.into(),
            actors: vec![Actor::Staff(role)],
            desk: Desk {
                department: Some("scjg".into()),
                at_hall: false,
            },
            address: None,
        }
    }

    fn applicant() -> Caller {
        Caller {
            user_id: None,
            name: "citizen1".into(),
            actors: vec![Actor::Applicant],
            desk: Desk::default(),
            address: None,
        }
    }

    fn reason(text: &str) -> ActionInput {
        ActionInput {
            reason: Some(text.into()),
            ..ActionInput::default()
        }
    }

    /// (kind, status, due date) of every clock of the case.
    async fn clocks(
        db: &DatabaseConnection,
        cal: &WorkCalendar,
        case_no: &str,
        today: &str,
    ) -> Vec<(String, String, Option<NaiveDate>)> {
        let app = applications::find(db, case_no).await.unwrap().unwrap();
        applications::deadlines(db, cal, app.id, d(today))
            .await
            .unwrap()
            .into_iter()
            .map(|v| (v.kind, v.status, v.due_date))
            .collect()
    }

    fn due_of(clocks: &[(String, String, Option<NaiveDate>)], kind: &str) -> Option<NaiveDate> {
        clocks.iter().rev().find(|c| c.0 == kind).and_then(|c| c.2)
    }

    async fn submitted(db: &DatabaseConnection, cal: &WorkCalendar, today: &str) -> String {
        processes::save(db, &definition(), "admin1", t0())
            .await
            .unwrap();
        applications::submit(
            db,
            cal,
            "990100",
            ITEM,
            &applicant(),
            "张晓明",
            serde_json::json!({"name": "张晓明"}),
            d(today),
            t0(),
        )
        .await
        .unwrap()
        .case_no
    }

    #[tokio::test]
    async fn a_case_goes_from_submission_to_delivery_with_every_deadline_explained() {
        let cal = WorkCalendar::official();
        for t in TestDb::both().await {
            let db = &t.db;
            let case = submitted(db, &cal, "2026-09-21").await;
            assert_eq!(case, "99010020260921000001", "{}", t.label);
            let c = clocks(db, &cal, &case, "2026-09-21").await;
            // 22, 23, 24 September, then 中秋 and the weekend, then 28 and 29.
            assert_eq!(
                due_of(&c, "acceptance"),
                Some(d("2026-09-29")),
                "{}",
                t.label
            );

            let mut v = 1;
            let act = |action: Action,
                       caller: Caller,
                       input: ActionInput,
                       today: &'static str,
                       version: i32| {
                let case = case.clone();
                let cal = cal.clone();
                async move {
                    applications::act(
                        db,
                        &cal,
                        &case,
                        action,
                        &caller,
                        version,
                        &input,
                        d(today),
                        t0(),
                    )
                    .await
                }
            };
            // 一次性告知补正, then the applicant resubmits: a fresh acceptance clock.
            act(
                Action::RequestSupplement,
                staff("clerk1", Role::Clerk),
                reason("缺营业场所证明"),
                "2026-09-22",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let c = clocks(db, &cal, &case, "2026-09-22").await;
            assert_eq!(c[0].1, "stopped");
            act(
                Action::Resubmit,
                applicant(),
                ActionInput::default(),
                "2026-09-24",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let c = clocks(db, &cal, &case, "2026-09-24").await;
            assert_eq!(
                due_of(&c, "acceptance"),
                Some(d("2026-10-09")),
                "{}",
                t.label
            );

            // 受理 on 28 September: the example of DESIGN.md §4.2.
            act(
                Action::Accept,
                staff("clerk1", Role::Clerk),
                ActionInput::default(),
                "2026-09-28",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let app = applications::find(db, &case).await.unwrap().unwrap();
            let views = applications::deadlines(db, &cal, app.id, d("2026-09-28"))
                .await
                .unwrap();
            let legal = views.iter().find(|x| x.kind == "legal").unwrap();
            assert_eq!(legal.due_date, Some(d("2026-10-30")), "{}", t.label);
            assert_eq!(
                legal.explanation,
                vec![
                    "国庆节放假，顺延 5 个工作日",
                    "10月10日（国庆节调休上班）计为工作日"
                ]
            );
            let c = clocks(db, &cal, &case, "2026-09-28").await;
            assert_eq!(due_of(&c, "promised"), Some(d("2026-10-20")));
            assert_eq!(due_of(&c, "step:review"), Some(d("2026-10-12")));
            assert!(c.iter().any(|x| x.0 == "acceptance" && x.1 == "stopped"));

            // 特别程序 from Monday 12 October to Thursday 15: three working days do not count.
            let expert = ActionInput {
                suspension: Some(NewSuspension {
                    kind: "专家评审".into(),
                    reason: "需组织专家论证".into(),
                    legal_basis: "行政许可法第四十五条".into(),
                    expected_days: 10,
                }),
                ..ActionInput::default()
            };
            act(
                Action::Suspend,
                staff("reviewer1", Role::Reviewer),
                expert,
                "2026-10-12",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let c = clocks(db, &cal, &case, "2026-10-13").await;
            assert!(
                c.iter()
                    .filter(|x| x.0 == "legal" || x.0 == "promised")
                    .all(|x| x.1 == "paused" && x.2.is_none()),
                "{c:?}"
            );
            act(
                Action::Resume,
                staff("reviewer1", Role::Reviewer),
                ActionInput::default(),
                "2026-10-15",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let c = clocks(db, &cal, &case, "2026-10-15").await;
            assert_eq!(due_of(&c, "legal"), Some(d("2026-11-04")), "{}", t.label);
            assert_eq!(due_of(&c, "promised"), Some(d("2026-10-23")));
            assert_eq!(due_of(&c, "step:review"), Some(d("2026-10-15")));

            // 延期 by the head: ten working days, once.
            act(
                Action::Extend,
                staff("approver1", Role::Head),
                reason("需补充现场核查"),
                "2026-10-16",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let app = applications::find(db, &case).await.unwrap().unwrap();
            let views = applications::deadlines(db, &cal, app.id, d("2026-10-16"))
                .await
                .unwrap();
            let legal = views.iter().find(|x| x.kind == "legal").unwrap();
            assert_eq!(legal.due_date, Some(d("2026-11-18")), "{}", t.label);
            assert!(
                legal
                    .explanation
                    .contains(&"专家评审期间暂停计时 3 个工作日".to_string()),
                "{:?}",
                legal.explanation
            );
            assert!(legal
                .explanation
                .contains(&"经批准延期 10 个工作日：需补充现场核查".to_string()));
            let again = act(
                Action::Extend,
                staff("approver1", Role::Head),
                reason("再延"),
                "2026-10-16",
                v,
            )
            .await;
            assert!(matches!(again, Err(ServiceError::Conflict(_))), "{again:?}");

            // 并联审批: 公安 is silent past its five days and is deemed to consent.
            act(
                Action::StartParallel,
                staff("reviewer1", Role::Reviewer),
                ActionInput::default(),
                "2026-10-16",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let c = clocks(db, &cal, &case, "2026-10-16").await;
            assert_eq!(due_of(&c, "branch:gaj"), Some(d("2026-10-23")));
            let deemed = ActionInput {
                branch: Some("gaj".into()),
                ..ActionInput::default()
            };
            act(
                Action::DeemConsent,
                Caller::system(),
                deemed,
                "2026-10-26",
                v,
            )
            .await
            .unwrap();
            v += 1;

            // 审查 done, 批准 next; then 准予 stops the decision clocks and starts delivery.
            act(
                Action::CompleteStep,
                staff("reviewer1", Role::Reviewer),
                ActionInput::default(),
                "2026-10-19",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let c = clocks(db, &cal, &case, "2026-10-19").await;
            assert_eq!(due_of(&c, "step:approve"), Some(d("2026-10-22")));
            act(
                Action::Grant,
                staff("approver1", Role::Approver),
                ActionInput::default(),
                "2026-10-22",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let c = clocks(db, &cal, &case, "2026-10-22").await;
            assert_eq!(due_of(&c, "delivery"), Some(d("2026-11-05")));
            assert!(
                c.iter()
                    .filter(|x| x.0 != "delivery")
                    .all(|x| x.1 == "stopped"),
                "{c:?}"
            );
            let late = act(
                Action::Withdraw,
                applicant(),
                ActionInput::default(),
                "2026-10-22",
                v,
            )
            .await;
            assert!(
                matches!(late, Err(ServiceError::Conflict(_))),
                "no withdrawal after the decision"
            );
            act(
                Action::Conclude,
                staff("clerk1", Role::Clerk),
                ActionInput::default(),
                "2026-10-23",
                v,
            )
            .await
            .unwrap();
            v += 1;
            let done = act(
                Action::Deliver,
                staff("clerk1", Role::Clerk),
                ActionInput {
                    delivery: Some(DeliveryMethod::Counter),
                    ..ActionInput::default()
                },
                "2026-10-26",
                v,
            )
            .await
            .unwrap();
            assert_eq!(done.state, State::Delivered.code());
            let c = clocks(db, &cal, &case, "2026-10-26").await;
            assert!(c.iter().all(|x| x.1 == "stopped"), "{c:?}");

            // Every transition on record (the submission and one per version after it), and the
            // staff ones in an intact audit chain.
            let app = applications::find(db, &case).await.unwrap().unwrap();
            let events = crate::backend::entities::application_event::Entity::find()
                .filter(
                    crate::backend::entities::application_event::Column::ApplicationId.eq(app.id),
                )
                .all(db)
                .await
                .unwrap();
            assert_eq!(events.len() as i32, done.version, "{}", t.label);
            assert!(matches!(
                audit::verify(db).await.unwrap(),
                ChainCheck::Intact { .. }
            ));
            t.finish().await;
        }
    }

    #[tokio::test]
    async fn roles_and_reasons_are_checked_before_anything_is_written() {
        let cal = WorkCalendar::official();
        for t in TestDb::both().await {
            let db = &t.db;
            let case = submitted(db, &cal, "2026-09-21").await;
            let d0 = d("2026-09-22");
            let by_citizen = applications::act(
                db,
                &cal,
                &case,
                Action::Accept,
                &applicant(),
                1,
                &ActionInput::default(),
                d0,
                t0(),
            )
            .await;
            assert!(
                matches!(by_citizen, Err(ServiceError::Forbidden(_))),
                "{by_citizen:?}"
            );
            let by_clerk = applications::act(
                db,
                &cal,
                &case,
                Action::Grant,
                &staff("clerk1", Role::Clerk),
                1,
                &ActionInput::default(),
                d0,
                t0(),
            )
            .await;
            assert!(
                matches!(by_clerk, Err(ServiceError::Conflict(_))),
                "grant is not possible before acceptance"
            );
            let no_reason = applications::act(
                db,
                &cal,
                &case,
                Action::RefuseAcceptance,
                &staff("clerk1", Role::Clerk),
                1,
                &ActionInput::default(),
                d0,
                t0(),
            )
            .await;
            assert!(
                matches!(no_reason, Err(ServiceError::Invalid(_))),
                "{no_reason:?}"
            );
            let app = applications::find(db, &case).await.unwrap().unwrap();
            assert_eq!(
                (app.state.as_str(), app.version),
                ("submitted", 1),
                "{}",
                t.label
            );
            t.finish().await;
        }
    }

    #[tokio::test]
    async fn two_clerks_accepting_at_once_one_wins_the_other_is_told() {
        let cal = WorkCalendar::official();
        for t in TestDb::both().await {
            let db = &t.db;
            let case = submitted(db, &cal, "2026-09-21").await;
            let clerk_a = staff("clerk1", Role::Clerk);
            let clerk_b = staff("clerk2", Role::Clerk);
            let input = ActionInput::default();
            let (a, b) = tokio::join!(
                applications::act(
                    db,
                    &cal,
                    &case,
                    Action::Accept,
                    &clerk_a,
                    1,
                    &input,
                    d("2026-09-22"),
                    t0()
                ),
                applications::act(
                    db,
                    &cal,
                    &case,
                    Action::Accept,
                    &clerk_b,
                    1,
                    &input,
                    d("2026-09-22"),
                    t0()
                ),
            );
            let outcomes = [a.is_ok(), b.is_ok()];
            assert_eq!(
                outcomes.iter().filter(|ok| **ok).count(),
                1,
                "{}: {outcomes:?}",
                t.label
            );
            let loser = if a.is_ok() { b } else { a };
            assert!(matches!(loser, Err(ServiceError::Conflict(_))), "{loser:?}");
            // Exactly one set of decision clocks.
            let c = clocks(db, &cal, &case, "2026-09-22").await;
            assert_eq!(
                c.iter().filter(|x| x.0 == "legal").count(),
                1,
                "{}",
                t.label
            );
            t.finish().await;
        }
    }

    #[tokio::test]
    async fn an_unanswered_application_is_deemed_accepted_by_the_system_only() {
        let cal = WorkCalendar::official();
        for t in TestDb::both().await {
            let db = &t.db;
            let case = submitted(db, &cal, "2026-09-21").await;
            let clerk = applications::act(
                db,
                &cal,
                &case,
                Action::DeemAccept,
                &staff("clerk1", Role::Clerk),
                1,
                &ActionInput::default(),
                d("2026-09-30"),
                t0(),
            )
            .await;
            assert!(matches!(clerk, Err(ServiceError::Forbidden(_))));
            let app = applications::act(
                db,
                &cal,
                &case,
                Action::DeemAccept,
                &Caller::system(),
                1,
                &ActionInput::default(),
                d("2026-09-30"),
                t0(),
            )
            .await
            .unwrap();
            assert_eq!(app.state, "under_review");
            let c = clocks(db, &cal, &case, "2026-09-30").await;
            // The legal clock runs from the day of deemed acceptance.
            assert_eq!(
                due_of(&c, "legal"),
                Some(cal.add_working_days(d("2026-09-30"), 20)),
                "{}",
                t.label
            );
            t.finish().await;
        }
    }
}

mod scheduler_runs {
    use super::*;
    use crate::backend::applications::{self, ActionInput, Caller};
    use crate::backend::entities::{application, card, clock, outbox};
    use crate::domain::casework::Desk;

    fn zjj() -> Desk {
        Desk {
            department: Some("zjj".into()),
            at_hall: false,
        }
    }
    use crate::backend::{processes, scheduler};
    use crate::domain::calendar::WorkCalendar;
    use crate::domain::process::{Branch, ItemKind, ProcessDefinition, Step};
    use crate::domain::workflow::{Action, Actor};
    use chrono::NaiveDate;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn definition() -> ProcessDefinition {
        ProcessDefinition {
            item_code: "990100-XK-0002".into(),
            kind: ItemKind::Joint,
            lead_department: "zjj".into(),
            legal_limit: 45,
            promised_limit: 30,
            acceptance_limit: 5,
            extension_limit: 15,
            delivery_limit: 10,
            steps: vec![Step {
                code: "review".into(),
                name: "审查".into(),
                role: Role::Reviewer,
                limit: 20,
            }],
            branches: vec![Branch {
                department: "zrzy".into(),
                limit: 10,
            }],
        }
    }

    async fn submit(db: &DatabaseConnection, cal: &WorkCalendar, today: &str) -> String {
        processes::save(db, &definition(), "admin1", t0())
            .await
            .unwrap();
        let applicant = Caller {
            user_id: None,
            name: "company1".into(),
            actors: vec![Actor::Applicant],
            desk: Desk::default(),
            address: None,
        };
        applications::submit(
            db,
            cal,
            "990100",
            "990100-XK-0002",
            &applicant,
            "示范市青禾科技有限公司",
            serde_json::json!({}),
            d(today),
            t0(),
        )
        .await
        .unwrap()
        .case_no
    }

    #[tokio::test]
    async fn the_scheduler_deems_acceptance_after_five_silent_working_days_once() {
        let cal = WorkCalendar::official();
        for t in TestDb::both().await {
            let case = submit(&t.db, &cal, "2026-09-21").await; // acceptance due 29 September
            let early = scheduler::run_once(&t.db, &cal, d("2026-09-25"), t0())
                .await
                .unwrap();
            assert_eq!(early.deemed, 0, "{}", t.label);
            let yellow = scheduler::run_once(&t.db, &cal, d("2026-09-28"), t0())
                .await
                .unwrap();
            assert_eq!((yellow.yellow_cards, yellow.deemed), (1, 0), "{}", t.label);
            let late = scheduler::run_once(&t.db, &cal, d("2026-09-30"), t0())
                .await
                .unwrap();
            assert_eq!((late.red_cards, late.deemed), (1, 1), "{}", t.label);
            let again = scheduler::run_once(&t.db, &cal, d("2026-09-30"), t0())
                .await
                .unwrap();
            assert_eq!(again, scheduler::PassReport::default(), "{}", t.label);
            let app = applications::find(&t.db, &case).await.unwrap().unwrap();
            assert_eq!(app.state, "under_review", "{}", t.label);
            let rows =
                t.db.query_all_raw(Statement::from_string(
                    t.db.get_database_backend(),
                    "SELECT actor FROM audit_log WHERE action = 'case.deem_accept'",
                ))
                .await
                .unwrap();
            assert_eq!(rows.len(), 1, "{}", t.label);
            t.finish().await;
        }
    }

    #[tokio::test]
    async fn an_assisting_department_silent_past_its_limit_is_deemed_to_consent() {
        let cal = WorkCalendar::official();
        for t in TestDb::both().await {
            let case = submit(&t.db, &cal, "2026-11-02").await;
            let clerk = Caller {
                user_id: None,
                name: "clerk1".into(),
                actors: vec![Actor::Staff(Role::Clerk)],
                desk: zjj(),
                address: None,
            };
            let reviewer = Caller {
                user_id: None,
                name: "reviewer1".into(),
                actors: vec![Actor::Staff(Role::Reviewer)],
                desk: zjj(),
                address: None,
            };
            let none = ActionInput::default();
            applications::act(
                &t.db,
                &cal,
                &case,
                Action::Accept,
                &clerk,
                1,
                &none,
                d("2026-11-02"),
                t0(),
            )
            .await
            .unwrap();
            applications::act(
                &t.db,
                &cal,
                &case,
                Action::StartParallel,
                &reviewer,
                2,
                &none,
                d("2026-11-03"),
                t0(),
            )
            .await
            .unwrap();
            // 10 working days from 3 November: due 17 November; deemed on the 18th.
            let report = scheduler::run_once(&t.db, &cal, d("2026-11-18"), t0())
                .await
                .unwrap();
            assert_eq!(report.deemed, 1, "{}", t.label);
            let app = applications::find(&t.db, &case).await.unwrap().unwrap();
            let views = applications::deadlines(&t.db, &cal, app.id, d("2026-11-18"))
                .await
                .unwrap();
            let branch = views.iter().find(|v| v.kind == "branch:zrzy").unwrap();
            assert_eq!(
                (branch.status.as_str(), branch.due_date),
                ("stopped", Some(d("2026-11-17")))
            );
            let events =
                t.db.query_all_raw(Statement::from_string(
                    t.db.get_database_backend(),
                    "SELECT actor FROM application_events WHERE action = 'deem_consent'",
                ))
                .await
                .unwrap();
            assert_eq!(events.len(), 1, "{}", t.label);
            t.finish().await;
        }
    }

    /// Inserts `n` cases whose legal clock ended on 29 September 2026 and is due for a check.
    async fn overdue_clocks(db: &DatabaseConnection, n: usize) {
        for chunk in 0..n.div_ceil(1000) {
            let apps: Vec<application::ActiveModel> = (chunk * 1000..((chunk + 1) * 1000).min(n))
                .map(|i| application::ActiveModel {
                    case_no: Set(format!("99010020260901{i:06}")),
                    item_code: Set("990100-XK-0002".into()),
                    applicant_user_id: Set(None),
                    applicant_name: Set("测试".into()),
                    state: Set("under_review".into()),
                    current_step: Set(None),
                    version: Set(1),
                    definition: Set("{}".into()),
                    form: Set("{}".into()),
                    created_at: Set(t0()),
                    updated_at: Set(t0()),
                    ..Default::default()
                })
                .collect();
            application::Entity::insert_many(apps)
                .exec_without_returning(db)
                .await
                .unwrap();
        }
        let ids: Vec<i32> = application::Entity::find()
            .all(db)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        for chunk in ids.chunks(1000) {
            let clocks: Vec<clock::ActiveModel> = chunk
                .iter()
                .map(|id| clock::ActiveModel {
                    application_id: Set(*id),
                    kind: Set("legal".into()),
                    start_date: Set(d("2026-09-01")),
                    limit_days: Set(20),
                    day_count: Set("working".into()),
                    extensions: Set("[]".into()),
                    pausable: Set(true),
                    status: Set("running".into()),
                    due_date: Set(Some(d("2026-09-29"))),
                    next_check: Set(Some(d("2026-09-28"))),
                    card: Set("green".into()),
                    stopped_on: Set(None),
                    ..Default::default()
                })
                .collect();
            clock::Entity::insert_many(clocks)
                .exec_without_returning(db)
                .await
                .unwrap();
        }
    }

    #[tokio::test]
    async fn two_scheduler_instances_on_postgresql_issue_each_card_and_reminder_once() {
        let cal = WorkCalendar::official();
        let t = TestDb::postgres().await;
        overdue_clocks(&t.db, 10_000).await;
        // A second server instance: its own connection pool to the same database.
        let other = crate::backend::db::connect(&t.url).await.unwrap();
        let today = d("2026-10-15");
        let (a, b) = tokio::join!(
            scheduler::run_once(&t.db, &cal, today, t0()),
            scheduler::run_once(&other, &cal, today, t0()),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.red_cards + b.red_cards, 10_000, "{a:?} {b:?}");
        assert_eq!(
            a.clocks + b.clocks,
            10_000,
            "each clock handled by one instance: {a:?} {b:?}"
        );
        assert_eq!(card::Entity::find().count(&t.db).await.unwrap(), 10_000);
        assert_eq!(outbox::Entity::find().count(&t.db).await.unwrap(), 10_000);
        let pending = clock::Entity::find()
            .filter(clock::Column::NextCheck.is_not_null())
            .count(&t.db)
            .await
            .unwrap();
        assert_eq!(pending, 0);
        // A later pass finds nothing left to do.
        let again = scheduler::run_once(&other, &cal, today, t0())
            .await
            .unwrap();
        assert_eq!(again, scheduler::PassReport::default());
        other.close().await.ok();
        t.finish().await;
    }

    #[tokio::test]
    async fn the_sqlite_instance_issues_each_card_once() {
        let cal = WorkCalendar::official();
        let t = TestDb::sqlite().await;
        overdue_clocks(&t.db, 1_200).await;
        let report = scheduler::run_once(&t.db, &cal, d("2026-10-15"), t0())
            .await
            .unwrap();
        assert_eq!((report.clocks, report.red_cards), (1_200, 1_200));
        assert_eq!(outbox::Entity::find().count(&t.db).await.unwrap(), 1_200);
        let again = scheduler::run_once(&t.db, &cal, d("2026-10-16"), t0())
            .await
            .unwrap();
        // Nothing but the supervision figures: the day that has ended, and the one before again.
        assert_eq!(
            again,
            scheduler::PassReport {
                figure_days: 2,
                ..Default::default()
            }
        );
        t.finish().await;
    }
}
