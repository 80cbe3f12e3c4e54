//! The citizen's online journey on SQLite and PostgreSQL: registration, throttling, sessions,
//! drafts with bad input, materials, idempotent submission, supplement and resubmission, the owner's
//! view and the public lookup, withdrawal, rating, and the notifications each step writes.

use super::accounts;
use super::applications::{self, ActionInput, Caller, NewMaterial};
use super::auth::{self, LogoutScope};
use super::drafts::{self, DraftInput, PostedFile};
use super::entities::{application, application_material, message, outbox, session};
use super::error::ServiceError;
use super::files::LocalFiles;
use super::my_cases;
use super::testing::{self, TestDb};
use super::throttle::Client;
use super::two_factor;
use super::{demo, demo_catalogue, uploads};
use crate::backend::state::Environment;
use crate::domain::application_form::Values;
use crate::domain::calendar::WorkCalendar;
use crate::domain::case_read::NextStep;
use crate::domain::casework::{Desk, MissingMaterial};
use crate::domain::registration::RegistrationForm;
use crate::domain::role::Role;
use crate::domain::workflow::{Action, Actor};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

const PASSWORD: &str = "Yizhan@2026";
/// 机动车驾驶证补领: one required material (the ID card).
const ITEM: &str = "990100-XK-0007";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 21, 2, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 21).unwrap()
}

fn files() -> LocalFiles {
    LocalFiles::new(std::env::temp_dir().join(format!("yizhan-online-{}", std::process::id())))
}

async fn seeded(db: &DatabaseConnection) {
    demo::seed(db, Environment::Development, PASSWORD, t0())
        .await
        .unwrap();
    demo_catalogue::seed(db, &files(), t0()).await.unwrap();
}

async fn citizen(db: &DatabaseConnection, username: &str) -> Caller {
    let s = testing::sign_in(db, username, PASSWORD, t0()).await;
    Caller {
        user_id: Some(s.account.id),
        name: s.account.username,
        actors: vec![Actor::Applicant],
        desk: Desk::default(),
        address: None,
    }
}

fn clerk() -> Caller {
    Caller {
        user_id: Some(4),
        name: "clerk1".into(),
        actors: vec![Actor::Staff(Role::Clerk)],
        desk: Desk {
            department: Some("zwfw".into()),
            at_hall: true,
        },
        address: None,
    }
}

fn values(pairs: &[(&str, &str)]) -> Values {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn good_values() -> Values {
    values(&[
        ("name", "张晓明"),
        ("id_number", "990102198005121236"),
        ("mobile", "13800000001"),
        ("request", "驾驶证遗失，申请补领。"),
    ])
}

/// A complete draft of `who` for ITEM, its ID card attached.
async fn ready_draft(db: &DatabaseConnection, who: &Caller) {
    let view = drafts::save(
        db,
        &files(),
        who.user_id.unwrap(),
        ITEM,
        DraftInput {
            values: good_values(),
            files: vec![PostedFile {
                material_code: "m1".into(),
                file_name: "身份证.pdf".into(),
                bytes: PDF.to_vec(),
            }],
            check_all: true,
            ..DraftInput::default()
        },
        t0(),
    )
    .await
    .unwrap();
    assert!(view.ready(), "{:?}", view.problems);
}

async fn submit(db: &DatabaseConnection, who: &Caller, key: &str) -> drafts::Submitted {
    drafts::submit(
        db,
        &WorkCalendar::official(),
        "990100",
        who,
        ITEM,
        key,
        today(),
        t0(),
    )
    .await
    .unwrap()
}

fn person_form(username: &str, id_number: &str) -> RegistrationForm {
    RegistrationForm {
        kind: "person".into(),
        username: username.into(),
        password: "Lanhua#2026".into(),
        password_again: "Lanhua#2026".into(),
        name: "陈新民".into(),
        id_number: id_number.into(),
        mobile: "13900000009".into(),
        email: "chen@example.com".into(),
        agree: Some("1".into()),
        ..RegistrationForm::default()
    }
}

#[tokio::test]
async fn people_and_companies_register_and_an_id_number_has_one_account() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let reg = person_form("chenxm", "990102199001013574").check().unwrap();
        let s = accounts::register(db, reg, &Client::default(), t0())
            .await
            .unwrap();
        assert_eq!(s.account.display_name, "陈新民", "{}", t.label);
        assert_eq!(s.account.roles, vec![Role::Citizen]);
        let profile = accounts::profile(db, s.account.id).await.unwrap();
        assert_eq!(profile.id_number.as_deref(), Some("990102199001013574"));
        // The demo citizen1 already holds this ID number.
        let again = person_form("someone", "990102198005121236")
            .check()
            .unwrap();
        match accounts::register(db, again, &Client::default(), t0()).await {
            Err(ServiceError::Fields(p)) => assert!(p["id_number"].contains("已注册"), "{p:?}"),
            other => panic!("{}: {other:?}", t.label),
        }
        let company = RegistrationForm {
            kind: "company".into(),
            username: "qinghe2".into(),
            company_name: "示范市青禾二号有限公司".into(),
            credit_code: "91350100M000100Y43".into(),
            id_number: "990102195503082424".into(),
            ..person_form("", "")
        }
        .check()
        .unwrap();
        let c = accounts::register(db, company, &Client::default(), t0())
            .await
            .unwrap();
        assert_eq!(c.account.roles, vec![Role::Company]);
        let profile = accounts::profile(db, c.account.id).await.unwrap();
        assert_eq!(profile.credit_code.as_deref(), Some("91350100M000100Y43"));
        assert_eq!(profile.name, "陈新民");
        // The new account logs in with its password.
        testing::sign_in(db, "chenxm", "Lanhua#2026", t0()).await;
        t.finish().await;
    }
}

#[tokio::test]
async fn failed_logins_are_throttled_per_device_not_per_hall() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let guesser = Client {
            device: Some("a".repeat(32)),
            address: Some("10.0.0.1".into()),
            ..Client::default()
        };
        let neighbour = Client {
            device: Some("b".repeat(32)),
            address: Some("10.0.0.1".into()),
            ..Client::default()
        };
        // Ten wrong guesses spread over accounts (no single account gets locked)…
        for i in 0..10 {
            let who = ["citizen1", "citizen2", "company1"][i % 3];
            let r = auth::login(
                db,
                who,
                "Wrong#1234",
                &guesser,
                two_factor::Policy::WhenEnrolled,
                t0(),
            )
            .await;
            assert!(
                matches!(
                    r,
                    Err(ServiceError::BadCredentials | ServiceError::Locked(_))
                ),
                "{r:?}"
            );
        }
        // …and this device is refused even with a right password, for the rest of the window.
        let r = auth::login(
            db,
            "citizen2",
            PASSWORD,
            &guesser,
            two_factor::Policy::WhenEnrolled,
            t0(),
        )
        .await;
        assert!(
            matches!(r, Err(ServiceError::Throttled(15))),
            "{}: {r:?}",
            t.label
        );
        // The next person at the same hall (same address) logs in.
        auth::login(
            db,
            "citizen2",
            PASSWORD,
            &neighbour,
            two_factor::Policy::WhenEnrolled,
            t0(),
        )
        .await
        .unwrap()
        .signed_in()
        .unwrap();
        // After the window the device may try again.
        auth::login(
            db,
            "citizen2",
            PASSWORD,
            &guesser,
            two_factor::Policy::WhenEnrolled,
            t0() + Duration::minutes(16),
        )
        .await
        .unwrap()
        .signed_in()
        .unwrap();
        t.finish().await;
    }
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session_of_the_account() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let phone = testing::sign_in(db, "citizen1", PASSWORD, t0()).await;
        let _pc = testing::sign_in(db, "citizen1", PASSWORD, t0()).await;
        let other = testing::sign_in(db, "citizen2", PASSWORD, t0()).await;
        auth::logout(db, &phone.token, LogoutScope::Everywhere, t0())
            .await
            .unwrap();
        let left = session::Entity::find().all(db).await.unwrap();
        assert_eq!(left.len(), 1, "{}", t.label);
        assert!(auth::resume(db, &other.token, t0())
            .await
            .unwrap()
            .is_some());
        // Idle sessions end after 30 minutes.
        assert!(auth::resume(db, &other.token, t0() + Duration::minutes(31))
            .await
            .unwrap()
            .is_none());
        t.finish().await;
    }
}

#[tokio::test]
async fn a_draft_keeps_everything_typed_and_says_what_is_wrong_at_each_field() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let me = citizen(db, "citizen1").await;
        let uid = me.user_id.unwrap();
        // A fresh form is prefilled from the profile.
        let fresh = drafts::open(db, uid, ITEM).await.unwrap();
        assert_eq!(
            fresh.values["id_number"], "990102198005121236",
            "{}",
            t.label
        );
        assert!(fresh.saved_at.is_none());
        ready_draft(db, &me).await;

        let long = "长".repeat(10_000);
        let mut big = PDF.to_vec();
        big.resize(50 * 1024 * 1024, b' ');
        let view = drafts::save(
            db,
            &files(),
            uid,
            ITEM,
            DraftInput {
                values: values(&[
                    ("name", ""),
                    ("id_number", "990102198005121236"),
                    ("mobile", "13800000001"),
                    ("address", "<script>alert(1)</script>"),
                    ("request", &long),
                ]),
                files: vec![PostedFile {
                    material_code: "m1".into(),
                    file_name: "身份证.pdf".into(),
                    bytes: b"MZ\x90\x00 not a pdf at all".to_vec(),
                }],
                check_all: true,
                ..DraftInput::default()
            },
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(view.problems["name"], "请填写申请人姓名");
        assert!(view.problems["address"].contains("网页代码"));
        assert!(view.problems["request"].contains("不能超过 2000 个字"));
        assert!(
            view.problems["m1"].contains("不是 PDF"),
            "{:?}",
            view.problems
        );
        // The earlier, good file stays attached; everything typed is kept as typed.
        assert_eq!(
            view.slots[0].attached.as_ref().unwrap().file_name,
            "身份证.pdf"
        );
        let reopened = drafts::open(db, uid, ITEM).await.unwrap();
        assert_eq!(reopened.values["request"].chars().count(), 10_000);
        assert_eq!(reopened.values["address"], "<script>alert(1)</script>");
        assert_eq!(reopened.problems, view.problems);
        // A 50 MB file is refused with its size.
        let e = uploads::store(db, &files(), uid, "大文件.pdf", big, t0())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("50.0 MB"), "{e}");
        // Submitting now is refused field by field; nothing is created.
        let r = drafts::submit(
            db,
            &WorkCalendar::official(),
            "990100",
            &me,
            ITEM,
            "key-bad-draft-1",
            today(),
            t0(),
        )
        .await;
        match r {
            Err(ServiceError::Fields(p)) => {
                assert!(p.contains_key("name") && p.contains_key("request"))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(application::Entity::find().count(db).await.unwrap(), 0);
        t.finish().await;
    }
}

#[tokio::test]
async fn the_same_idempotency_key_gives_one_application() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let me = citizen(db, "citizen1").await;
        ready_draft(db, &me).await;
        // A double click: two requests with one key at the same time.
        let (a, b) = tokio::join!(submit(db, &me, "double-click-0001"), async {
            submit(db, &me, "double-click-0001").await
        });
        assert_eq!(a.case_no, b.case_no, "{}", t.label);
        assert_eq!(a.query_code, b.query_code);
        assert!(a.created != b.created, "exactly one made the case");
        assert_eq!(a.query_code.len(), 8);
        // A retry later: the same answer, still one row.
        let c = submit(db, &me, "double-click-0001").await;
        assert_eq!((c.case_no.as_str(), c.created), (a.case_no.as_str(), false));
        assert_eq!(application::Entity::find().count(db).await.unwrap(), 1);
        let materials = application_material::Entity::find().all(db).await.unwrap();
        assert_eq!(materials.len(), 1);
        assert_eq!(materials[0].round, 1);
        // The draft is gone once submitted.
        assert!(drafts::open(db, me.user_id.unwrap(), ITEM)
            .await
            .unwrap()
            .saved_at
            .is_none());
        t.finish().await;
    }
}

#[tokio::test]
async fn draft_submit_supplement_resubmit_with_notifications_and_owner_checks() {
    for t in TestDb::both().await {
        let db = &t.db;
        let cal = WorkCalendar::official();
        seeded(db).await;
        let me = citizen(db, "citizen1").await;
        let stranger = citizen(db, "citizen2").await;
        ready_draft(db, &me).await;
        let case = submit(db, &me, "journey-key-0001").await;

        // The clerk asks for a clearer scan.
        let app = applications::find(db, &case.case_no)
            .await
            .unwrap()
            .unwrap();
        applications::act(
            db,
            &cal,
            &case.case_no,
            Action::RequestSupplement,
            &clerk(),
            app.version,
            &ActionInput {
                reason: Some("身份证复印件不清晰，请重新上传正反面扫描件".into()),
                ..ActionInput::default()
            },
            today(),
            t0(),
        )
        .await
        .unwrap();
        let view = my_cases::view_for_owner(db, &cal, me.user_id.unwrap(), &case.case_no, today())
            .await
            .unwrap();
        assert_eq!(view.state, "awaiting_supplement", "{}", t.label);
        assert_eq!(
            view.next,
            NextStep::Supplement {
                notice: "身份证复印件不清晰，请重新上传正反面扫描件".into(),
                materials: vec![MissingMaterial {
                    code: "m1".into(),
                    name: "机动车驾驶人身份证明".into()
                }],
            }
        );
        assert!(
            view.timeline.iter().all(|e| e.by != "clerk1"),
            "no staff names"
        );
        assert!(
            view.timeline.iter().any(|e| e.by == "示范市公安局"),
            "{:?}",
            view.timeline
        );

        // Nobody else sees or touches it, through any door.
        let sid = stranger.user_id.unwrap();
        assert!(matches!(
            my_cases::view_for_owner(db, &cal, sid, &case.case_no, today()).await,
            Err(ServiceError::NotFound)
        ));
        let r = applications::act(
            db,
            &cal,
            &case.case_no,
            Action::Withdraw,
            &stranger,
            view.version,
            &ActionInput::default(),
            today(),
            t0(),
        )
        .await;
        assert!(matches!(r, Err(ServiceError::NotFound)), "{r:?}");
        assert!(my_cases::list(db, sid).await.unwrap().is_empty());

        // The applicant uploads the new scan and resubmits.
        let scan = uploads::store(
            db,
            &files(),
            me.user_id.unwrap(),
            "正反面.pdf",
            PDF.to_vec(),
            t0(),
        )
        .await
        .unwrap();
        applications::act(
            db,
            &cal,
            &case.case_no,
            Action::Resubmit,
            &me,
            view.version,
            &ActionInput {
                materials: vec![NewMaterial {
                    code: "m1".into(),
                    name: "居民身份证".into(),
                    upload: scan,
                }],
                ..ActionInput::default()
            },
            today(),
            t0(),
        )
        .await
        .unwrap();
        let view = my_cases::view_for_owner(db, &cal, me.user_id.unwrap(), &case.case_no, today())
            .await
            .unwrap();
        assert_eq!(view.state, "submitted");
        assert_eq!(
            view.materials.iter().map(|m| m.round).collect::<Vec<_>>(),
            [1, 2]
        );
        assert!(view.can_withdraw);

        // Each step told the applicant: in the app and through the outbox, once per channel.
        let inbox = message::Entity::find()
            .filter(message::Column::UserId.eq(me.user_id.unwrap()))
            .all(db)
            .await
            .unwrap();
        let titles: Vec<&str> = inbox.iter().map(|m| m.title.as_str()).collect();
        assert_eq!(titles, ["申请已提交", "请补正材料", "补正材料已提交"]);
        let mails = outbox::Entity::find()
            .filter(outbox::Column::Kind.eq("email"))
            .all(db)
            .await
            .unwrap();
        assert_eq!(mails.len(), 3);
        assert!(mails.iter().all(|m| m.recipient == "citizen1@example.com"));
        assert!(mails[1].payload.contains(&case.case_no) && mails[1].payload.contains("补正"));
        assert_eq!(
            outbox::Entity::find()
                .filter(outbox::Column::Kind.eq("sms"))
                .count(db)
                .await
                .unwrap(),
            3
        );

        // Withdrawn before a decision; then nothing more can be done.
        applications::act(
            db,
            &cal,
            &case.case_no,
            Action::Withdraw,
            &me,
            view.version,
            &ActionInput::default(),
            today(),
            t0(),
        )
        .await
        .unwrap();
        let view = my_cases::view_for_owner(db, &cal, me.user_id.unwrap(), &case.case_no, today())
            .await
            .unwrap();
        assert_eq!(
            (view.state.as_str(), view.can_withdraw),
            ("withdrawn", false)
        );
        let r = my_cases::rate(db, &me, &case.case_no, 5, "", "web", t0()).await;
        assert!(matches!(r, Err(ServiceError::Refused(_))), "{r:?}");
        t.finish().await;
    }
}

/// 刷身份证查询: the card's number finds the holder's case with its query code, and only theirs.
#[tokio::test]
async fn a_kiosk_finds_a_case_by_the_id_card_and_the_query_code() {
    use crate::domain::id_card::{parse_reader_answer, SIMULATED_CARD};
    use crate::domain::identity::IdNumber;
    for t in TestDb::both().await {
        let db = &t.db;
        let cal = WorkCalendar::official();
        seeded(db).await;
        // The simulated card is citizen2's.
        let card = parse_reader_answer(SIMULATED_CARD).unwrap();
        let theirs = citizen(db, "citizen2").await;
        ready_draft(db, &theirs).await;
        let case = submit(db, &theirs, "card-lookup-0001").await;
        let other = citizen(db, "citizen1").await;
        ready_draft(db, &other).await;
        let others = submit(db, &other, "card-lookup-0002").await;
        let kiosk = Client {
            device: Some("k".repeat(32)),
            address: Some("10.0.0.9".into()),
            ..Client::default()
        };
        let found = my_cases::lookup_by_card(
            db,
            &cal,
            &card.id_number,
            &case.query_code,
            &kiosk,
            today(),
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(found.case_no, case.case_no, "{}", t.label);
        assert!(found.materials.is_empty() && found.query_code.is_none());
        // Another person's query code with this card, and this code with another card: not found.
        let r = my_cases::lookup_by_card(
            db,
            &cal,
            &card.id_number,
            &others.query_code,
            &kiosk,
            today(),
            t0(),
        )
        .await;
        assert!(matches!(r, Err(ServiceError::NotFound)), "{r:?}");
        let citizen1 = IdNumber::parse("990102198005121236").unwrap();
        let r =
            my_cases::lookup_by_card(db, &cal, &citizen1, &case.query_code, &kiosk, today(), t0())
                .await;
        assert!(matches!(r, Err(ServiceError::NotFound)), "{r:?}");
        t.finish().await;
    }
}

#[tokio::test]
async fn the_public_lookup_needs_both_and_tells_nothing_on_a_miss() {
    for t in TestDb::both().await {
        let db = &t.db;
        let cal = WorkCalendar::official();
        seeded(db).await;
        let me = citizen(db, "citizen1").await;
        ready_draft(db, &me).await;
        let case = submit(db, &me, "lookup-key-00001").await;
        let visitor = Client {
            device: Some("c".repeat(32)),
            address: Some("10.0.0.2".into()),
            ..Client::default()
        };
        let found = my_cases::lookup(
            db,
            &cal,
            &case.case_no,
            &case.query_code,
            &visitor,
            today(),
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(found.item_name, "机动车驾驶证补领", "{}", t.label);
        assert_eq!(found.query_code, None);
        assert_eq!(found.deadlines[0].label, "受理期限");
        let wrong_code =
            my_cases::lookup(db, &cal, &case.case_no, "00000000", &visitor, today(), t0()).await;
        let wrong_no = my_cases::lookup(
            db,
            &cal,
            "99010020260921999999",
            &case.query_code,
            &visitor,
            today(),
            t0(),
        )
        .await;
        assert_eq!(
            format!("{:?}", wrong_code.unwrap_err()),
            format!("{:?}", wrong_no.unwrap_err())
        );
        // Guessing is cut off after ten misses, even for the right pair.
        for _ in 0..8 {
            let _ = my_cases::lookup(db, &cal, &case.case_no, "12345678", &visitor, today(), t0())
                .await;
        }
        let r = my_cases::lookup(
            db,
            &cal,
            &case.case_no,
            &case.query_code,
            &visitor,
            today(),
            t0(),
        )
        .await;
        assert!(matches!(r, Err(ServiceError::Throttled(_))), "{r:?}");
        t.finish().await;
    }
}

#[tokio::test]
async fn a_concluded_case_is_rated_once_by_its_applicant() {
    for t in TestDb::both().await {
        let db = &t.db;
        let cal = WorkCalendar::official();
        seeded(db).await;
        let me = citizen(db, "citizen1").await;
        ready_draft(db, &me).await;
        let case = submit(db, &me, "rating-key-00001").await;
        // Straight to 办结 for this test.
        application::Entity::update_many()
            .col_expr(
                application::Column::State,
                sea_orm::sea_query::Expr::value("concluded"),
            )
            .filter(application::Column::CaseNo.eq(case.case_no.as_str()))
            .exec(db)
            .await
            .unwrap();
        let view = my_cases::view_for_owner(db, &cal, me.user_id.unwrap(), &case.case_no, today())
            .await
            .unwrap();
        assert_eq!(view.next, NextStep::Rate, "{}", t.label);
        let stranger = citizen(db, "citizen2").await;
        assert!(matches!(
            my_cases::rate(db, &stranger, &case.case_no, 1, "", "web", t0()).await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            my_cases::rate(db, &me, &case.case_no, 7, "", "web", t0()).await,
            Err(ServiceError::Invalid(_))
        ));
        my_cases::rate(db, &me, &case.case_no, 5, "窗口服务很好", "web", t0())
            .await
            .unwrap();
        assert!(matches!(
            my_cases::rate(db, &me, &case.case_no, 1, "", "web", t0()).await,
            Err(ServiceError::Conflict(_))
        ));
        let view = my_cases::view_for_owner(db, &cal, me.user_id.unwrap(), &case.case_no, today())
            .await
            .unwrap();
        assert_eq!((view.rating, view.next), (Some(5), NextStep::Done));
        t.finish().await;
    }
}

#[tokio::test]
async fn mail_waits_while_smtp_is_down_and_goes_out_once_when_it_is_back() {
    use super::mailer::{self, LoggingSms, Mailer};
    use super::testing::{free_port, SmtpSink};
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let me = citizen(db, "citizen1").await;
        ready_draft(db, &me).await;
        let case = submit(db, &me, "mail-key-000001").await;
        let port = free_port();
        let mailer = Mailer::new(
            Some(&format!("smtp://127.0.0.1:{port}")),
            "一站 <noreply@portal.example>",
            "https://portal.example/",
        )
        .unwrap();
        // Nobody listens yet: the text message goes (logged), the email waits.
        let pass = mailer::run_once(db, &mailer, &LoggingSms, 50, t0())
            .await
            .unwrap();
        assert_eq!((pass.sent, pass.failed), (1, 1), "{}", t.label);
        assert_eq!(mailer::pending(db).await.unwrap(), 1);
        let sink = SmtpSink::start(port);
        // Not before its retry time…
        let pass = mailer::run_once(db, &mailer, &LoggingSms, 50, t0())
            .await
            .unwrap();
        assert_eq!(pass, mailer::Pass::default());
        // …then it goes out, once.
        let later = t0() + Duration::minutes(3);
        let pass = mailer::run_once(db, &mailer, &LoggingSms, 50, later)
            .await
            .unwrap();
        assert_eq!((pass.sent, pass.failed), (1, 0));
        let pass = mailer::run_once(db, &mailer, &LoggingSms, 50, later + Duration::hours(2))
            .await
            .unwrap();
        assert_eq!(pass, mailer::Pass::default());
        assert_eq!(mailer::pending(db).await.unwrap(), 0);
        let mails = sink.mails();
        assert_eq!(mails.len(), 1, "{mails:?}");
        assert_eq!(mails[0]["to"][0], "citizen1@example.com");
        let subject = mails[0]["subject"].as_str().unwrap();
        assert!(
            subject.contains("申请已提交") && subject.contains(&case.case_no),
            "{subject}"
        );
        let body = mails[0]["body"].as_str().unwrap();
        assert!(
            body.contains(&format!("https://portal.example/my/{}", case.case_no)),
            "{body}"
        );
        drop(sink);
        t.finish().await;
    }
}

#[tokio::test]
async fn the_receipt_carries_the_case_number_query_code_and_a_qr_code() {
    let t = TestDb::sqlite().await;
    let db = &t.db;
    let cal = WorkCalendar::official();
    seeded(db).await;
    let me = citizen(db, "citizen1").await;
    ready_draft(db, &me).await;
    let case = submit(db, &me, "receipt-key-0001").await;
    let app = my_cases::owned(db, me.user_id.unwrap(), &case.case_no)
        .await
        .unwrap();
    let site = crate::domain::site::SiteInfo::default();
    let pdf = my_cases::receipt_pdf(db, &cal, &app, &site, "https://portal.example", today())
        .await
        .unwrap();
    assert!(pdf.len() < 150 * 1024, "{} bytes", pdf.len());
    let text = super::catalogue::tests::pdf_text(&pdf);
    for expected in [
        case.case_no.as_str(),
        case.query_code.as_str(),
        "网上申请回执",
        "机动车驾驶证补领",
        "2026年9月29日前作出是否受理的决定",
        "身份证.pdf",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    if let Ok(dir) = std::env::var("YIZHAN_PDF_OUT") {
        std::fs::write(format!("{dir}/receipt.pdf"), &pdf).unwrap();
    }
    t.finish().await;
}

#[tokio::test]
async fn an_administrator_defines_the_form_and_the_page_follows_it() {
    use super::application_forms;
    use crate::domain::application_form::{FieldDef, FieldKind, FormDefinition, MaterialRule};
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let form = application_forms::for_item(db, ITEM).await.unwrap();
        assert_eq!(form.version, 0, "{}", t.label);
        let mut def = form.definition.clone();
        def.fields.push(FieldDef {
            key: "lost_on".into(),
            label: "遗失日期".into(),
            kind: FieldKind::Date,
            required: true,
            help: "驾驶证遗失的大致日期".into(),
            options: vec![],
            max_len: None,
            min: None,
            max: None,
            prefill: None,
        });
        // A rule for a material the guide does not have is refused, with the reason.
        let mut wrong = def.clone();
        wrong.materials.push(MaterialRule {
            code: "m9".into(),
            required: true,
        });
        let e = application_forms::save(db, ITEM, &wrong, 0, "admin1", t0())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("m9"), "{e}");
        let v = application_forms::save(db, ITEM, &def, 0, "admin1", t0())
            .await
            .unwrap();
        assert_eq!(v, 1);
        // A second editor who started from version 0 is told, not overwritten.
        let stale = application_forms::save(db, ITEM, &def, 0, "admin2", t0()).await;
        assert!(matches!(stale, Err(ServiceError::Conflict(_))), "{stale:?}");
        // The citizen's draft now asks for the new field.
        let me = citizen(db, "citizen1").await;
        let view = drafts::save(
            db,
            &files(),
            me.user_id.unwrap(),
            ITEM,
            DraftInput {
                values: good_values(),
                check_all: true,
                ..DraftInput::default()
            },
            t0(),
        )
        .await
        .unwrap();
        assert_eq!(view.problems["lost_on"], "请填写遗失日期");
        let saved: FormDefinition = application_forms::for_item(db, ITEM)
            .await
            .unwrap()
            .definition;
        assert_eq!(saved, def);
        t.finish().await;
    }
}
