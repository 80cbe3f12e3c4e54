//! The back office end to end, on SQLite and PostgreSQL: a walk-in application taken at the hall,
//! the one-time 补正 notice, the applicant's supplement, acceptance, parallel approval with one
//! department answering and one silent (deemed consent), 特别程序, 延期, the decision, the signed
//! certificate and its verification, delivery; department and step checks (403), stale versions
//! (409, nothing overwritten), queues and search, the audit of every staff view, and every notice
//! as a PDF whose text says what it must.

use super::applications::{self, ActionInput, Caller, NewMaterial, NewSuspension};
use super::casework::{self, QueueQuery, WalkIn};
use super::catalogue::tests::pdf_text;
use super::certificates::{self, Signer};
use super::documents::{self, Links};
use super::entities::{application, audit_log, certificate, clock};
use super::error::ServiceError;
use super::files::LocalFiles;
use super::state::Environment;
use super::testing::{self, TestDb};
use super::{demo, demo_catalogue, processes, scheduler, uploads};
use crate::domain::calendar::WorkCalendar;
use crate::domain::card::Card;
use crate::domain::casework::{
    DeliveryMethod, Desk, MissingMaterial, NoticeKind, Opinion, Queue, Sort, Verification,
};
use crate::domain::process::Branch;
use crate::domain::role::Role;
use crate::domain::site::SiteInfo;
use crate::domain::workflow::{Action, Actor, State};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

const PASSWORD: &str = "Yizhan@2026";
/// 食品经营许可 (市场监管局): 审查 by a reviewer, 批准 by an approver; four required materials.
const ITEM: &str = "990100-XK-0013";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const CITIZEN1_ID: &str = "990102198005121236";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    let d = day(s);
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap())
}

fn files() -> LocalFiles {
    LocalFiles::new(std::env::temp_dir().join(format!("yizhan-casework-{}", std::process::id())))
}

async fn seeded(db: &DatabaseConnection) {
    demo::seed(db, Environment::Development, PASSWORD, at("2026-09-01"))
        .await
        .unwrap();
    demo_catalogue::seed(db, &files(), at("2026-09-01"))
        .await
        .unwrap();
    // 并联审批 with 公安局 and 住建局 for this item, two working days each.
    let mut def = processes::find(db, ITEM).await.unwrap().unwrap();
    def.branches = vec![
        Branch {
            department: "gaj".into(),
            limit: 2,
        },
        Branch {
            department: "zjj".into(),
            limit: 2,
        },
    ];
    processes::save(db, &def, "admin1", at("2026-09-01"))
        .await
        .unwrap();
}

async fn staff(db: &DatabaseConnection, username: &str) -> Caller {
    let s = testing::sign_in(db, username, PASSWORD, at("2026-09-01")).await;
    Caller::of(&s.account)
}

/// A reviewer of 公安局, answering for its branch.
fn police_reviewer() -> Caller {
    Caller {
        user_id: None,
        name: "gaj-reviewer".into(),
        actors: vec![Actor::Staff(Role::Reviewer)],
        desk: Desk {
            department: Some("gaj".into()),
            at_hall: false,
        },
        address: None,
    }
}

fn site() -> SiteInfo {
    SiteInfo::default()
}

async fn version(db: &DatabaseConnection, case_no: &str) -> i32 {
    applications::find(db, case_no)
        .await
        .unwrap()
        .unwrap()
        .version
}

struct Desk2<'a> {
    db: &'a DatabaseConnection,
    cal: WorkCalendar,
    signer: Signer,
}

impl Desk2<'_> {
    async fn act(
        &self,
        who: &Caller,
        case_no: &str,
        action: Action,
        input: ActionInput,
        on: &str,
    ) -> Result<application::Model, ServiceError> {
        let v = version(self.db, case_no).await;
        casework::act(
            self.db,
            &self.cal,
            &self.signer,
            who,
            case_no,
            action,
            v,
            &input,
            day(on),
            at(on),
        )
        .await
    }

    async fn pdf(&self, case_no: &str, kind: NoticeKind, on: &str) -> String {
        let app = applications::find(self.db, case_no).await.unwrap().unwrap();
        let site = site();
        let bytes = documents::render(
            self.db,
            &self.cal,
            &self.signer,
            &app,
            kind,
            &Links {
                site: &site,
                public_url: "https://ban.example.gov.cn",
            },
            day(on),
        )
        .await
        .unwrap();
        assert!(
            bytes.len() <= 150 * 1024,
            "{kind:?} is {} bytes",
            bytes.len()
        );
        // To look at them: YIZHAN_DUMP_PDF=dir cargo test … casework, then pdftoppm.
        if let Ok(dir) = std::env::var("YIZHAN_DUMP_PDF") {
            std::fs::write(format!("{dir}/{}.pdf", kind.code()), &bytes).unwrap();
        }
        pdf_text(&bytes)
    }

    async fn count(&self, who: &Caller, queue: Queue, search: &str, on: &str) -> u64 {
        let page = casework::queue(
            self.db,
            &self.cal,
            who,
            &QueueQuery {
                queue,
                sort: Sort::Due,
                search: search.into(),
                mine: false,
                page: 1,
            },
            day(on),
        )
        .await
        .unwrap();
        assert_eq!(
            page.counts.iter().find(|(q, _)| *q == queue).unwrap().1,
            page.total
        );
        page.total
    }
}

/// A fresh idempotency key, as the intake page carries.
fn key() -> String {
    format!("intake-{}", rand::random::<u64>())
}

/// The case's clocks as (kind, status), in the order they started, without repeats.
async fn clocks(db: &DatabaseConnection, case_no: &str, on: &str) -> Vec<(String, String)> {
    let app = applications::find(db, case_no).await.unwrap().unwrap();
    let mut seen: Vec<(String, String)> = Vec::new();
    for d in applications::deadlines(db, &WorkCalendar::official(), app.id, day(on))
        .await
        .unwrap()
    {
        // A later clock of the same kind (a new acceptance clock after 补正) replaces the earlier.
        seen.retain(|(k, _)| *k != d.kind);
        seen.push((d.kind, d.status));
    }
    seen
}

fn clock_status<'a>(clocks: &'a [(String, String)], kind: &str) -> &'a str {
    clocks
        .iter()
        .find(|(k, _)| k == kind)
        .map(|(_, s)| s.as_str())
        .unwrap_or("none")
}

fn reason(text: &str) -> ActionInput {
    ActionInput {
        reason: Some(text.into()),
        ..ActionInput::default()
    }
}

fn walk_in(materials: Vec<(String, i64)>) -> WalkIn {
    let form = [
        ("name", "张晓明"),
        ("id_number", CITIZEN1_ID),
        ("mobile", "13800000001"),
        ("request", "在人民路开设便利店，申请食品经营许可。"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    WalkIn::from_values(ITEM, form, materials)
}

#[tokio::test]
async fn a_walk_in_case_goes_from_the_counter_to_a_verified_certificate() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let desk = Desk2 {
            db,
            cal: WorkCalendar::official(),
            signer: Signer::generate().unwrap().0,
        };
        let clerk1 = staff(db, "clerk1").await;
        let clerk2 = staff(db, "clerk2").await;
        let reviewer1 = staff(db, "reviewer1").await;
        let approver1 = staff(db, "approver1").await;
        let citizen1 = staff(db, "citizen1").await;

        // 窗口收件: bad input first — nothing is created, each problem at its field.
        let bad = WalkIn {
            id_number: "990102198005121235".into(),
            name: String::new(),
            mobile: "12".into(),
            ..walk_in(vec![])
        };
        let err = casework::intake(
            db,
            &desk.cal,
            "990100",
            &clerk1,
            &bad,
            &key(),
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await
        .unwrap_err();
        let ServiceError::Fields(problems) = err else {
            panic!("{}: {err:?}", t.label)
        };
        assert!(problems.contains_key("id_number"), "{problems:?}");
        assert!(problems.contains_key("name"), "{problems:?}");
        assert_eq!(application::Entity::find().count(db).await.unwrap(), 0);

        // The clerk scans two of the four materials; citizen1's account becomes the owner.
        let mut scanned = Vec::new();
        for code in ["m1", "m2"] {
            let up = uploads::store(
                db,
                &files(),
                clerk1.user_id.unwrap(),
                &format!("{code}.pdf"),
                PDF.to_vec(),
                at("2026-09-21"),
            )
            .await
            .unwrap();
            scanned.push((code.to_string(), up.id));
        }
        let case = casework::intake(
            db,
            &desk.cal,
            "990100",
            &clerk1,
            &walk_in(scanned),
            &key(),
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await
        .unwrap();
        let no = case.case_no.clone();
        assert_eq!(case.applicant_user_id, citizen1.user_id, "{}", t.label);
        assert_eq!(case.channel, "counter");
        assert_eq!(case.department_code, "scjg");
        assert!(desk
            .pdf(&no, NoticeKind::Receipt, "2026-09-21")
            .await
            .contains(&case.query_code));

        // Queues and search at the hall; another department's clerk sees nothing and may not act.
        assert_eq!(
            desk.count(&clerk1, Queue::ToAccept, "", "2026-09-21").await,
            1
        );
        assert_eq!(
            desk.count(&clerk1, Queue::ToAccept, CITIZEN1_ID, "2026-09-21")
                .await,
            1
        );
        assert_eq!(
            desk.count(&clerk1, Queue::All, "13800000001", "2026-09-21")
                .await,
            1
        );
        assert_eq!(desk.count(&clerk1, Queue::All, &no, "2026-09-21").await, 1);
        assert_eq!(
            desk.count(&clerk1, Queue::All, "13800000002", "2026-09-21")
                .await,
            0
        );
        assert_eq!(desk.count(&clerk2, Queue::All, "", "2026-09-21").await, 0);
        let refused = desk
            .act(
                &clerk2,
                &no,
                Action::Accept,
                ActionInput::default(),
                "2026-09-21",
            )
            .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden(_))),
            "{}: {refused:?}",
            t.label
        );
        let refused = casework::view(
            db,
            &desk.cal,
            &clerk2,
            &no,
            "10.0.0.9",
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await;
        assert!(
            matches!(refused, Err(ServiceError::Forbidden(_))),
            "{refused:?}"
        );

        // The staff view offers exactly the clerk's actions, and is audited with the address.
        let view = casework::view(
            db,
            &desk.cal,
            &clerk1,
            &no,
            "10.0.0.8",
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await
        .unwrap();
        let offered: Vec<Action> = view.actions.iter().map(|a| a.action).collect();
        assert_eq!(
            offered,
            vec![
                Action::RequestSupplement,
                Action::Accept,
                Action::RefuseAcceptance
            ]
        );
        assert_eq!(view.applicant_id_number.as_deref(), Some(CITIZEN1_ID));
        assert!(view.required_materials.len() >= 4);
        assert_eq!(view.materials.len(), 2);
        let views = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("case.view"))
            .all(db)
            .await
            .unwrap();
        assert_eq!(views.len(), 1, "{}", t.label);
        assert!(views[0].detail.contains("10.0.0.8") && views[0].actor == "clerk1");

        // 一次性告知: nothing ticked and nothing written is refused; then both missing materials.
        let empty = desk
            .act(
                &clerk1,
                &no,
                Action::RequestSupplement,
                ActionInput::default(),
                "2026-09-21",
            )
            .await;
        assert!(matches!(empty, Err(ServiceError::Invalid(_))), "{empty:?}");
        let missing = vec![
            MissingMaterial { code: "m3".into(), name: "与食品经营相适应的主要设备设施、经营布局、操作流程等文件".into() },
            MissingMaterial { code: "m4".into(), name: "食品安全自查、从业人员健康管理、进货查验记录、食品安全事故处置等保证食品安全的规章制度目录".into() },
        ];
        desk.act(
            &clerk1,
            &no,
            Action::RequestSupplement,
            ActionInput {
                missing: missing.clone(),
                reason: Some("布局图须标明面积".into()),
                ..ActionInput::default()
            },
            "2026-09-21",
        )
        .await
        .unwrap();
        let text = desk.pdf(&no, NoticeKind::Supplement, "2026-09-21").await;
        assert!(
            text.contains("补正材料告知书") && text.contains("一次性告知"),
            "{text}"
        );
        assert!(
            text.contains("主要设备设施") && text.contains("规章制度目录"),
            "{text}"
        );
        assert!(text.contains("布局图须标明面积"), "{text}");

        // citizen1 hands in the two materials online and resubmits (round 2).
        let mut handed = Vec::new();
        for m in &missing {
            let upload = uploads::store(
                db,
                &files(),
                citizen1.user_id.unwrap(),
                &format!("{}.pdf", m.code),
                PDF.to_vec(),
                at("2026-09-22"),
            )
            .await
            .unwrap();
            handed.push(NewMaterial {
                code: m.code.clone(),
                name: m.name.clone(),
                upload,
            });
        }
        let v = version(db, &no).await;
        applications::act(
            db,
            &desk.cal,
            &no,
            Action::Resubmit,
            &citizen1,
            v,
            &ActionInput {
                materials: handed,
                ..ActionInput::default()
            },
            day("2026-09-22"),
            at("2026-09-22"),
        )
        .await
        .unwrap();

        // A stale version is refused and changes nothing.
        let stale = casework::act(
            db,
            &desk.cal,
            &desk.signer,
            &clerk1,
            &no,
            Action::Accept,
            v,
            &ActionInput::default(),
            day("2026-09-22"),
            at("2026-09-22"),
        )
        .await;
        let Err(ServiceError::Conflict(message)) = stale else {
            panic!("{stale:?}")
        };
        assert!(message.contains("已被他人处理"), "{message}");
        let now = applications::find(db, &no).await.unwrap().unwrap();
        assert_eq!(
            (now.state.as_str(), now.version),
            (State::Submitted.code(), v + 1)
        );

        desk.act(
            &clerk1,
            &no,
            Action::Accept,
            ActionInput::default(),
            "2026-09-22",
        )
        .await
        .unwrap();
        // 受理: the acceptance clock stops; the legal, promised and first step clocks start.
        let c = clocks(db, &no, "2026-09-22").await;
        assert_eq!(clock_status(&c, "acceptance"), "stopped", "{c:?}");
        for kind in ["legal", "promised", "step:review"] {
            assert_eq!(clock_status(&c, kind), "running", "{kind}: {c:?}");
        }
        let text = desk.pdf(&no, NoticeKind::Acceptance, "2026-09-22").await;
        assert!(
            text.contains("受理通知书") && text.contains("决定予以受理"),
            "{text}"
        );
        assert_eq!(
            desk.count(&reviewer1, Queue::UnderReview, "", "2026-09-22")
                .await,
            1
        );
        assert_eq!(
            desk.count(&reviewer1, Queue::AwaitingDecision, "", "2026-09-22")
                .await,
            0
        );

        // Roles and steps: the approver may not decide during 审查, the reviewer may not decide.
        let early = desk
            .act(
                &approver1,
                &no,
                Action::Grant,
                ActionInput::default(),
                "2026-09-23",
            )
            .await;
        assert!(
            matches!(early, Err(ServiceError::Forbidden(_))),
            "{early:?}"
        );
        let not_theirs = desk
            .act(
                &reviewer1,
                &no,
                Action::Grant,
                ActionInput::default(),
                "2026-09-23",
            )
            .await;
        assert!(
            matches!(not_theirs, Err(ServiceError::Forbidden(_))),
            "{not_theirs:?}"
        );

        // 并联审批: 公安局 answers with conditions; 住建局 stays silent past its limit.
        desk.act(
            &reviewer1,
            &no,
            Action::StartParallel,
            ActionInput::default(),
            "2026-09-23",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.count(&police_reviewer(), Queue::Assisting, "", "2026-09-23")
                .await,
            1
        );
        let wrong_branch = desk
            .act(
                &police_reviewer(),
                &no,
                Action::AnswerBranch,
                ActionInput {
                    branch: Some("zjj".into()),
                    opinion: Some(Opinion::Agree),
                    ..ActionInput::default()
                },
                "2026-09-24",
            )
            .await;
        assert!(
            matches!(wrong_branch, Err(ServiceError::Forbidden(_))),
            "{wrong_branch:?}"
        );
        let no_reason = desk
            .act(
                &police_reviewer(),
                &no,
                Action::AnswerBranch,
                ActionInput {
                    branch: Some("gaj".into()),
                    opinion: Some(Opinion::AgreeWithConditions),
                    ..ActionInput::default()
                },
                "2026-09-24",
            )
            .await;
        assert!(
            matches!(no_reason, Err(ServiceError::Invalid(_))),
            "{no_reason:?}"
        );
        desk.act(
            &police_reviewer(),
            &no,
            Action::AnswerBranch,
            ActionInput {
                branch: Some("gaj".into()),
                opinion: Some(Opinion::AgreeWithConditions),
                reason: Some("消防通道须保持畅通".into()),
                ..ActionInput::default()
            },
            "2026-09-24",
        )
        .await
        .unwrap();
        // 住建局's branch is due 2026-09-28 (9-25…27 are holidays); the scheduler deems consent after.
        let report = scheduler::run_once(db, &desk.cal, day("2026-09-29"), at("2026-09-29"))
            .await
            .unwrap();
        assert_eq!(report.deemed, 1, "{}: {report:?}", t.label);
        let view = casework::view(
            db,
            &desk.cal,
            &reviewer1,
            &no,
            "10.0.0.7",
            day("2026-09-29"),
            at("2026-09-29"),
        )
        .await
        .unwrap();
        let opinions: Vec<(String, Option<String>)> = view
            .branches
            .iter()
            .map(|b| (b.department.clone(), b.opinion.clone()))
            .collect();
        assert_eq!(
            opinions,
            vec![
                ("gaj".into(), Some("有条件同意：消防通道须保持畅通".into())),
                ("zjj".into(), Some("超时默许（视为同意）".into())),
            ],
            "{}",
            t.label
        );
        assert!(view
            .history
            .iter()
            .any(|h| h.action == "超时默许" && h.by == "system"));

        // 审查 done; 专家评审 pauses the clocks; 延期 by the head; each with its notice.
        desk.act(
            &reviewer1,
            &no,
            Action::CompleteStep,
            reason("材料齐全，现场核查符合要求"),
            "2026-09-29",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.count(&approver1, Queue::AwaitingDecision, "", "2026-09-29")
                .await,
            1
        );
        let suspension = NewSuspension {
            kind: "专家评审".into(),
            reason: "经营布局涉及中央厨房工艺".into(),
            legal_basis: "《中华人民共和国行政许可法》第四十五条".into(),
            expected_days: 5,
        };
        desk.act(
            &reviewer1,
            &no,
            Action::Suspend,
            ActionInput {
                suspension: Some(suspension),
                reason: Some("经营布局涉及中央厨房工艺".into()),
                ..ActionInput::default()
            },
            "2026-09-29",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.count(&reviewer1, Queue::Suspended, "", "2026-09-30")
                .await,
            1
        );
        // 特别程序: the decision clocks pause; the branches were already answered.
        let c = clocks(db, &no, "2026-09-30").await;
        for kind in ["legal", "promised", "step:approve"] {
            assert_eq!(clock_status(&c, kind), "paused", "{kind}: {c:?}");
        }
        let text = desk.pdf(&no, NoticeKind::Suspension, "2026-09-30").await;
        assert!(
            text.contains("专家评审") && text.contains("不计算在行政许可期限内"),
            "{text}"
        );
        desk.act(
            &reviewer1,
            &no,
            Action::Resume,
            ActionInput::default(),
            "2026-10-09",
        )
        .await
        .unwrap();
        desk.act(
            &approver1,
            &no,
            Action::Extend,
            ActionInput {
                reason: Some("需补充现场核查".into()),
                extension_days: Some(10),
                ..ActionInput::default()
            },
            "2026-10-09",
        )
        .await
        .unwrap();
        let text = desk.pdf(&no, NoticeKind::Extension, "2026-10-09").await;
        assert!(
            text.contains("延期告知书") && text.contains("延长10个工作日"),
            "{text}"
        );

        // 不予许可 needs its legal basis; 准予许可 by the approver.
        let no_basis = desk
            .act(
                &approver1,
                &no,
                Action::Deny,
                reason("不符合条件"),
                "2026-10-12",
            )
            .await;
        assert!(
            matches!(no_basis, Err(ServiceError::Invalid(_))),
            "{no_basis:?}"
        );
        desk.act(
            &approver1,
            &no,
            Action::Grant,
            ActionInput {
                legal_basis: Some("《食品经营许可和备案管理办法》第二十一条".into()),
                ..ActionInput::default()
            },
            "2026-10-12",
        )
        .await
        .unwrap();
        // 准予: the decision clocks stop and the delivery clock (10 working days) starts.
        let c = clocks(db, &no, "2026-10-12").await;
        for kind in ["legal", "promised", "step:approve"] {
            assert_eq!(clock_status(&c, kind), "stopped", "{kind}: {c:?}");
        }
        assert_eq!(clock_status(&c, "delivery"), "running", "{c:?}");
        // The supervision milestones: received 21 September, accepted the 22nd, decided 12
        // October by the legal deadline; 6 working days used — 23, 24, 28 September, 9, 10 (a
        // make-up Saturday) and 12 October; 中秋 and the 专家评审 pause do not count.
        let app = applications::find(db, &no).await.unwrap().unwrap();
        assert_eq!(
            (app.received_on, app.accepted_on, app.decided_on),
            (
                Some(day("2026-09-21")),
                Some(day("2026-09-22")),
                Some(day("2026-10-12"))
            )
        );
        assert_eq!((app.on_time, app.used_days), (Some(true), Some(6)));
        // 提前办结 means before the item's promised deadline (with the same pause).
        let promised = clock::Entity::find()
            .filter(clock::Column::ApplicationId.eq(app.id))
            .filter(clock::Column::Kind.eq("promised"))
            .one(db)
            .await
            .unwrap()
            .and_then(|c| c.due_date)
            .unwrap();
        assert_eq!(app.early, Some(day("2026-10-12") < promised), "{promised}");
        let text = desk.pdf(&no, NoticeKind::Decision, "2026-10-12").await;
        assert!(
            text.contains("准予行政许可") && text.contains("第二十一条"),
            "{text}"
        );

        // 办结 at the counter issues the signed certificate.
        desk.act(
            &clerk1,
            &no,
            Action::Conclude,
            ActionInput::default(),
            "2026-10-13",
        )
        .await
        .unwrap();
        let cert = certificates::of_case(db, &no).await.unwrap().unwrap();
        let Verification::Valid(content) = certificates::verify(db, &desk.signer, &cert.code)
            .await
            .unwrap()
        else {
            panic!("{}: not valid", t.label)
        };
        assert_eq!(
            (content.holder.as_str(), content.holder_id.as_str()),
            ("张晓明", "990102********1236")
        );
        assert_eq!(content.title, "食品经营许可证");
        let text = desk.pdf(&no, NoticeKind::Certificate, "2026-10-13").await;
        assert!(
            text.contains("食品经营许可证") && text.contains(&cert.code) && text.contains("张晓明"),
            "{text}"
        );
        let view = casework::view(
            db,
            &desk.cal,
            &clerk1,
            &no,
            "10.0.0.8",
            day("2026-10-13"),
            at("2026-10-13"),
        )
        .await
        .unwrap();
        assert_eq!(view.certificate_code.as_deref(), Some(cert.code.as_str()));
        assert_eq!(
            view.notices,
            vec![
                NoticeKind::Receipt,
                NoticeKind::Supplement,
                NoticeKind::Acceptance,
                NoticeKind::Suspension,
                NoticeKind::Extension,
                NoticeKind::Decision,
                NoticeKind::Certificate
            ]
        );

        // 送达: mail needs a tracking number.
        let untracked = desk
            .act(
                &clerk1,
                &no,
                Action::Deliver,
                ActionInput {
                    delivery: Some(DeliveryMethod::Mail),
                    ..ActionInput::default()
                },
                "2026-10-14",
            )
            .await;
        assert!(
            matches!(untracked, Err(ServiceError::Invalid(_))),
            "{untracked:?}"
        );
        let done = desk
            .act(
                &clerk1,
                &no,
                Action::Deliver,
                ActionInput {
                    delivery: Some(DeliveryMethod::Mail),
                    tracking_no: Some("EMS1234567890".into()),
                    ..ActionInput::default()
                },
                "2026-10-14",
            )
            .await
            .unwrap();
        assert_eq!(done.state, State::Delivered.code());
        let c = clocks(db, &no, "2026-10-14").await;
        assert!(c.iter().all(|(_, s)| s == "stopped"), "{c:?}");

        // The audit chain holds every staff action and view.
        assert!(
            matches!(
                super::audit::verify(db).await.unwrap(),
                super::audit::ChainCheck::Intact { .. }
            ),
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn a_certificate_is_valid_only_unaltered_under_the_portal_key_and_until_revoked() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let cal = WorkCalendar::official();
        let signer = Signer::generate().unwrap().0;
        let clerk1 = staff(db, "clerk1").await;
        let reviewer1 = staff(db, "reviewer1").await;
        let approver1 = staff(db, "approver1").await;
        let mut scanned = Vec::new();
        for code in ["m1", "m2", "m3", "m4"] {
            let up = uploads::store(
                db,
                &files(),
                clerk1.user_id.unwrap(),
                "scan.pdf",
                PDF.to_vec(),
                at("2026-11-02"),
            )
            .await
            .unwrap();
            scanned.push((code.to_string(), up.id));
        }
        let no = casework::intake(
            db,
            &cal,
            "990100",
            &clerk1,
            &walk_in(scanned),
            &key(),
            day("2026-11-02"),
            at("2026-11-02"),
        )
        .await
        .unwrap()
        .case_no;
        let desk = Desk2 { db, cal, signer };
        desk.act(
            &clerk1,
            &no,
            Action::Accept,
            ActionInput::default(),
            "2026-11-02",
        )
        .await
        .unwrap();
        desk.act(
            &reviewer1,
            &no,
            Action::CompleteStep,
            ActionInput::default(),
            "2026-11-03",
        )
        .await
        .unwrap();
        desk.act(
            &approver1,
            &no,
            Action::Grant,
            ActionInput::default(),
            "2026-11-04",
        )
        .await
        .unwrap();
        desk.act(
            &approver1,
            &no,
            Action::Conclude,
            ActionInput::default(),
            "2026-11-04",
        )
        .await
        .unwrap();
        let cert = certificates::of_case(db, &no).await.unwrap().unwrap();

        assert!(matches!(
            certificates::verify(db, &desk.signer, &cert.code)
                .await
                .unwrap(),
            Verification::Valid(_)
        ));
        // Another key (a forger's, or a lost one): invalid.
        let other = Signer::generate().unwrap().0;
        assert_eq!(
            certificates::verify(db, &other, &cert.code).await.unwrap(),
            Verification::Invalid,
            "{}",
            t.label
        );
        // An unknown code: invalid.
        assert_eq!(
            certificates::verify(db, &desk.signer, "ABCDEFGHJKLMNPQRSTUV")
                .await
                .unwrap(),
            Verification::Invalid
        );
        // The content edited in the database: invalid.
        certificate::Entity::update_many()
            .col_expr(
                certificate::Column::Content,
                Expr::value(cert.content.replace("张晓明", "张晓亮")),
            )
            .filter(certificate::Column::Id.eq(cert.id))
            .exec(db)
            .await
            .unwrap();
        assert_eq!(
            certificates::verify(db, &desk.signer, &cert.code)
                .await
                .unwrap(),
            Verification::Invalid,
            "{}",
            t.label
        );
        certificate::Entity::update_many()
            .col_expr(
                certificate::Column::Content,
                Expr::value(cert.content.clone()),
            )
            .filter(certificate::Column::Id.eq(cert.id))
            .exec(db)
            .await
            .unwrap();

        // Revocation: only the issuing department's approver, with a reason; then "revoked".
        let by_clerk =
            casework::revoke_certificate(db, &clerk1, &cert.code, "许可被撤销", at("2026-11-20"))
                .await;
        assert!(
            matches!(by_clerk, Err(ServiceError::Forbidden(_))),
            "{by_clerk:?}"
        );
        let no_reason =
            casework::revoke_certificate(db, &approver1, &cert.code, " ", at("2026-11-20")).await;
        assert!(
            matches!(no_reason, Err(ServiceError::Invalid(_))),
            "{no_reason:?}"
        );
        casework::revoke_certificate(
            db,
            &approver1,
            &cert.code,
            "经营者申请注销",
            at("2026-11-20"),
        )
        .await
        .unwrap();
        let Verification::Revoked { reason, .. } =
            certificates::verify(db, &desk.signer, &cert.code)
                .await
                .unwrap()
        else {
            panic!("{}: not revoked", t.label)
        };
        assert_eq!(reason, "经营者申请注销");

        // Claiming: the first reviewer wins; another gets a clear conflict.
        casework::claim(db, &reviewer1, &no, at("2026-11-20"))
            .await
            .unwrap();
        let other_reviewer = Caller {
            user_id: Some(9999),
            ..reviewer1.clone()
        };
        let taken = casework::claim(db, &other_reviewer, &no, at("2026-11-20")).await;
        assert!(matches!(taken, Err(ServiceError::Conflict(_))), "{taken:?}");
        t.finish().await;
    }
}

#[tokio::test]
async fn overdue_and_due_soon_queues_follow_the_calendar() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let desk = Desk2 {
            db,
            cal: WorkCalendar::official(),
            signer: Signer::generate().unwrap().0,
        };
        let clerk1 = staff(db, "clerk1").await;
        let up = uploads::store(
            db,
            &files(),
            clerk1.user_id.unwrap(),
            "scan.pdf",
            PDF.to_vec(),
            at("2026-11-02"),
        )
        .await
        .unwrap();
        // Submitted Monday 11-02: acceptance due five working days later, Monday 11-09.
        casework::intake(
            db,
            &desk.cal,
            "990100",
            &clerk1,
            &walk_in(vec![("m1".into(), up.id)]),
            &key(),
            day("2026-11-02"),
            at("2026-11-02"),
        )
        .await
        .unwrap();
        let page = casework::queue(
            db,
            &desk.cal,
            &clerk1,
            &QueueQuery {
                queue: Queue::ToAccept,
                sort: Sort::Due,
                search: String::new(),
                mine: false,
                page: 1,
            },
            day("2026-11-06"),
        )
        .await
        .unwrap();
        assert_eq!(page.rows[0].due, Some(day("2026-11-09")), "{}", t.label);
        assert_eq!(page.rows[0].card, Card::Yellow);
        assert_eq!(
            desk.count(&clerk1, Queue::DueSoon, "", "2026-11-04").await,
            0,
            "{}",
            t.label
        );
        assert_eq!(
            desk.count(&clerk1, Queue::DueSoon, "", "2026-11-06").await,
            1,
            "{}",
            t.label
        );
        assert_eq!(
            desk.count(&clerk1, Queue::Overdue, "", "2026-11-09").await,
            0,
            "{}",
            t.label
        );
        assert_eq!(
            desk.count(&clerk1, Queue::Overdue, "", "2026-11-10").await,
            1,
            "{}",
            t.label
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn the_intake_page_draft_becomes_one_case_however_often_it_is_sent() {
    use super::drafts::{self, DraftInput, PostedFile};
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let cal = WorkCalendar::official();
        let clerk1 = staff(db, "clerk1").await;
        let me = clerk1.user_id.unwrap();
        // A fresh intake form is empty: the clerk's own name and number never fill it in.
        let fresh = drafts::open(db, me, ITEM).await.unwrap();
        assert!(
            fresh.values.values().all(|v| v.is_empty()),
            "{}: {:?}",
            t.label,
            fresh.values
        );
        // Saved with one scanned material, for a person without an account.
        let values = [
            ("name", "王大爷"),
            ("id_number", "990102195001011239"),
            ("mobile", "13900000088"),
            ("request", "开设早餐店"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        drafts::save(
            db,
            &files(),
            me,
            ITEM,
            DraftInput {
                values,
                files: vec![PostedFile {
                    material_code: "m1".into(),
                    file_name: "申请书.pdf".into(),
                    bytes: PDF.to_vec(),
                }],
                ..DraftInput::default()
            },
            at("2026-11-02"),
        )
        .await
        .unwrap();
        let k = key();
        let first = casework::intake_draft(
            db,
            &cal,
            "990100",
            &clerk1,
            ITEM,
            &k,
            day("2026-11-02"),
            at("2026-11-02"),
        )
        .await
        .unwrap();
        let again = casework::intake_draft(
            db,
            &cal,
            "990100",
            &clerk1,
            ITEM,
            &k,
            day("2026-11-02"),
            at("2026-11-02"),
        )
        .await
        .unwrap();
        assert_eq!(first.case_no, again.case_no, "{}", t.label);
        assert_eq!(application::Entity::find().count(db).await.unwrap(), 1);
        assert_eq!(first.applicant_user_id, None);
        assert_eq!(first.applicant_name, "王大爷");
        assert_eq!(first.applicant_mobile.as_deref(), Some("13900000088"));
        assert!(
            drafts::open(db, me, ITEM).await.unwrap().saved_at.is_none(),
            "draft cleared"
        );
        // Found by the walk-in's ID number and mobile.
        let desk = Desk2 {
            db,
            cal,
            signer: Signer::generate().unwrap().0,
        };
        assert_eq!(
            desk.count(&clerk1, Queue::ToAccept, "990102195001011239", "2026-11-02")
                .await,
            1
        );
        assert_eq!(
            desk.count(&clerk1, Queue::ToAccept, "王大爷", "2026-11-02")
                .await,
            1
        );
        t.finish().await;
    }
}

#[tokio::test]
async fn extensions_are_asked_for_then_approved_and_heads_assign_within_their_department() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let desk = Desk2 {
            db,
            cal: WorkCalendar::official(),
            signer: Signer::generate().unwrap().0,
        };
        let clerk1 = staff(db, "clerk1").await;
        let reviewer1 = staff(db, "reviewer1").await.at(Some("10.1.2.3".into()));
        let approver1 = staff(db, "approver1").await;
        let up = uploads::store(
            db,
            &files(),
            clerk1.user_id.unwrap(),
            "scan.pdf",
            PDF.to_vec(),
            at("2026-11-02"),
        )
        .await
        .unwrap();
        let no = casework::intake(
            db,
            &desk.cal,
            "990100",
            &clerk1,
            &walk_in(vec![("m1".into(), up.id)]),
            &key(),
            day("2026-11-02"),
            at("2026-11-02"),
        )
        .await
        .unwrap()
        .case_no;
        desk.act(
            &clerk1,
            &no,
            Action::Accept,
            ActionInput::default(),
            "2026-11-02",
        )
        .await
        .unwrap();

        // 申请延期 needs a reason; then it waits in the head's queue, and leaves it once granted.
        let bare = desk
            .act(
                &reviewer1,
                &no,
                Action::RequestExtension,
                ActionInput::default(),
                "2026-11-03",
            )
            .await;
        assert!(matches!(bare, Err(ServiceError::Invalid(_))), "{bare:?}");
        desk.act(
            &reviewer1,
            &no,
            Action::RequestExtension,
            ActionInput {
                reason: Some("需现场核查".into()),
                extension_days: Some(10),
                ..ActionInput::default()
            },
            "2026-11-03",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.count(&approver1, Queue::ExtensionRequested, "", "2026-11-03")
                .await,
            1,
            "{}",
            t.label
        );
        let view = casework::view(
            db,
            &desk.cal,
            &approver1,
            &no,
            "10.0.0.1",
            day("2026-11-03"),
            at("2026-11-03"),
        )
        .await
        .unwrap();
        assert!(view.actions.iter().any(|a| a.action == Action::Extend));
        desk.act(
            &approver1,
            &no,
            Action::Extend,
            ActionInput {
                reason: Some("需现场核查".into()),
                extension_days: Some(10),
                ..ActionInput::default()
            },
            "2026-11-03",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.count(&approver1, Queue::ExtensionRequested, "", "2026-11-03")
                .await,
            0
        );
        let view = casework::view(
            db,
            &desk.cal,
            &reviewer1,
            &no,
            "10.0.0.1",
            day("2026-11-03"),
            at("2026-11-03"),
        )
        .await
        .unwrap();
        assert!(
            !view
                .actions
                .iter()
                .any(|a| matches!(a.action, Action::RequestExtension | Action::Extend)),
            "one extension only"
        );
        // The request stays inside the department: the applicant's timeline does not show it.
        let citizen1 = staff(db, "citizen1").await;
        let own = super::my_cases::view_for_owner(
            db,
            &desk.cal,
            citizen1.user_id.unwrap(),
            &no,
            day("2026-11-03"),
        )
        .await
        .unwrap();
        assert!(own.timeline.iter().all(|e| e.what != "申请延期"));
        assert!(own.timeline.iter().any(|e| e.what == "批准延期"));
        // The action's audit entry says where it came from.
        let asked = audit_log::Entity::find()
            .filter(audit_log::Column::Action.eq("case.request_extension"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(asked.detail.ends_with("from 10.1.2.3"), "{}", asked.detail);

        // 分派: the head, to someone of the department; not a clerk, not to another department.
        let by_clerk = casework::assign(db, &clerk1, &no, "reviewer1", at("2026-11-03")).await;
        assert!(
            matches!(by_clerk, Err(ServiceError::Forbidden(_))),
            "{by_clerk:?}"
        );
        let elsewhere = casework::assign(db, &approver1, &no, "clerk2", at("2026-11-03")).await;
        assert!(
            matches!(elsewhere, Err(ServiceError::Invalid(_))),
            "{elsewhere:?}"
        );
        casework::assign(db, &approver1, &no, "reviewer1", at("2026-11-03"))
            .await
            .unwrap();
        let page = casework::queue(
            db,
            &desk.cal,
            &reviewer1,
            &QueueQuery {
                queue: Queue::All,
                sort: Sort::Due,
                search: String::new(),
                mine: true,
                page: 1,
            },
            day("2026-11-03"),
        )
        .await
        .unwrap();
        assert_eq!(page.total, 1, "{}", t.label);
        assert_eq!(page.rows[0].assignee.as_deref(), Some("赵承办"));
        t.finish().await;
    }
}
