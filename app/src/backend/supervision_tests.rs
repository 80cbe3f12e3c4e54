//! 电子监察 and 好差评 on SQLite and PostgreSQL, from a small data set whose figures are worked out by
//! hand below: the dashboard (live and from the daily table alike), the cases behind a number,
//! scores and grades under the default and saved rules, a bad rating's rectification and its clocks,
//! a malicious rating leaving the score only, the card life cycle, and the xlsx export read back.

use super::auth;
use super::entities::{application, clock, message, outbox, rating, rectification};
use super::error::ServiceError;
use super::ratings::{self, NewRating, RectificationStep};
use super::state::Environment;
use super::supervision::{self, ExportRequest, Scope};
use super::testing::{self, TestDb};
use super::{calendar, demo, scheduler};
use crate::backend::db::begin_write;
use crate::domain::supervision::{
    CardAction, CardStatus, Cell, Figures, Grade, GradeRules, Measure, Period, RectificationState,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    Set,
};

const PASSWORD: &str = "Yizhan@2026";
/// 市场监管局 (reviewer1; approver1 is its head) and 公安局 (clerk2).
const A: &str = "scjg";
const B: &str = "gaj";
const TODAY: &str = "2026-11-18";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day(s).and_hms_opt(2, 0, 0).unwrap())
}

fn period() -> Period {
    Period {
        from: day("2026-11-02"),
        to: day(TODAY),
    }
}

async fn account(db: &DatabaseConnection, username: &str) -> auth::Account {
    testing::sign_in(db, username, PASSWORD, at("2026-11-01"))
        .await
        .account
}

/// One case with its milestones: (received, accepted, decided, on time, early, days used).
struct Case {
    no: &'static str,
    dept: &'static str,
    received: &'static str,
    accepted: Option<&'static str>,
    decided: Option<(&'static str, bool, bool, i32)>,
}

/// The data set. 市场监管局: four received in the period (A5 came on 30 October), four accepted,
/// four decided — three on time, two early, 5 + 10 + 9 + 4 = 28 working days. 公安局: three received,
/// two accepted, one decided on time, not early, in 5 days; B2 is past its legal deadline now.
const CASES: [Case; 8] = [
    Case {
        no: "A1",
        dept: A,
        received: "2026-11-02",
        accepted: Some("2026-11-03"),
        decided: Some(("2026-11-10", true, true, 5)),
    },
    Case {
        no: "A2",
        dept: A,
        received: "2026-11-03",
        accepted: Some("2026-11-04"),
        decided: Some(("2026-11-17", false, false, 10)),
    },
    Case {
        no: "A3",
        dept: A,
        received: "2026-11-05",
        accepted: Some("2026-11-05"),
        decided: Some((TODAY, true, false, 9)),
    },
    Case {
        no: "A4",
        dept: A,
        received: TODAY,
        accepted: None,
        decided: None,
    },
    Case {
        no: "A5",
        dept: A,
        received: "2026-10-30",
        accepted: Some("2026-11-02"),
        decided: Some(("2026-11-06", true, true, 4)),
    },
    Case {
        no: "B1",
        dept: B,
        received: "2026-11-04",
        accepted: Some("2026-11-05"),
        decided: Some(("2026-11-12", true, false, 5)),
    },
    Case {
        no: "B2",
        dept: B,
        received: "2026-11-10",
        accepted: Some("2026-11-11"),
        decided: None,
    },
    Case {
        no: "B3",
        dept: B,
        received: "2026-11-16",
        accepted: None,
        decided: None,
    },
];

async fn load(db: &DatabaseConnection, citizen: i32) {
    for c in &CASES {
        let decided = c.decided;
        let row = application::ActiveModel {
            case_no: Set(format!("SV{}", c.no)),
            item_code: Set("990100-XK-0013".into()),
            applicant_user_id: Set(Some(citizen)),
            applicant_name: Set("张晓明".into()),
            state: Set(if decided.is_some() {
                "granted"
            } else if c.accepted.is_some() {
                "under_review"
            } else {
                "submitted"
            }
            .into()),
            version: Set(1),
            definition: Set("{}".into()),
            form: Set("{}".into()),
            created_at: Set(at(c.received)),
            updated_at: Set(at(c.received)),
            query_code: Set("123456".into()),
            department_code: Set(c.dept.into()),
            channel: Set("online".into()),
            received_on: Set(Some(day(c.received))),
            accepted_on: Set(c.accepted.map(day)),
            decided_on: Set(decided.map(|d| day(d.0))),
            on_time: Set(decided.map(|d| d.1)),
            early: Set(decided.map(|d| d.2)),
            used_days: Set(decided.map(|d| d.3)),
            ..Default::default()
        }
        .insert(db)
        .await
        .unwrap();
        // B2's legal clock ran out on 16 November; B3's acceptance clock runs to 20 November.
        let running = match c.no {
            "B2" => Some(("legal", "2026-11-11", "2026-11-16", "2026-11-17")),
            "B3" => Some(("acceptance", "2026-11-16", "2026-11-20", "2026-11-19")),
            _ => None,
        };
        if let Some((kind, start, due, check)) = running {
            clock::ActiveModel {
                application_id: Set(row.id),
                kind: Set(kind.into()),
                start_date: Set(day(start)),
                limit_days: Set(5),
                day_count: Set("working".into()),
                extensions: Set("[]".into()),
                pausable: Set(kind == "legal"),
                status: Set("running".into()),
                due_date: Set(Some(day(due))),
                next_check: Set(Some(day(check))),
                card: Set("green".into()),
                stopped_on: Set(None),
                ..Default::default()
            }
            .insert(db)
            .await
            .unwrap();
        }
    }
}

async fn rate(
    db: &DatabaseConnection,
    kind: &str,
    target: &str,
    dept: &str,
    level: i32,
    user: Option<i32>,
    on: &str,
) -> Result<rating::Model, ServiceError> {
    let cal = calendar::load(db).await.unwrap();
    let txn = begin_write(db).await.unwrap();
    let row = ratings::record(
        &txn,
        &cal,
        NewRating {
            target_kind: kind.into(),
            target_id: target.into(),
            user_id: user,
            department_code: dept.into(),
            item_code: "990100-XK-0013".into(),
            level,
            comment: "评价".into(),
            channel: if kind == "counter" { "counter" } else { "web" }.into(),
        },
        day(on),
        at(on),
    )
    .await?;
    txn.commit().await.unwrap();
    Ok(row)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[tokio::test]
async fn figures_grades_ratings_and_cards_match_the_hand_worked_data_set() {
    for t in TestDb::both().await {
        let db = &t.db;
        demo::seed(db, Environment::Development, PASSWORD, at("2026-11-01"))
            .await
            .unwrap();
        let citizen = account(db, "citizen1").await;
        let supervisor = account(db, "supervisor1").await;
        let head_a = account(db, "approver1").await;
        let clerk_b = account(db, "clerk2").await;
        load(db, citizen.id).await;
        // Ratings. 市场监管局: 非常满意 (A1), 非常不满意 (A2, bad), 满意 (A5), 基本满意 (A1 at the
        // counter). 公安局: 不满意 (B1, bad), 非常满意 (a question it answered).
        rate(db, "case", "SVA1", A, 5, Some(citizen.id), "2026-11-11")
            .await
            .unwrap();
        let bad_a = rate(db, "case", "SVA2", A, 1, Some(citizen.id), "2026-11-17")
            .await
            .unwrap();
        rate(db, "case", "SVA5", A, 4, Some(citizen.id), "2026-11-07")
            .await
            .unwrap();
        rate(db, "counter", "SVA1", A, 3, None, "2026-11-02")
            .await
            .unwrap();
        let bad_b = rate(db, "case", "SVB1", B, 2, Some(citizen.id), "2026-11-13")
            .await
            .unwrap();
        rate(
            db,
            "consultation",
            "ZX2026111300001",
            B,
            5,
            None,
            "2026-11-14",
        )
        .await
        .unwrap();
        // A second rating of the same case is refused; so is a level out of range.
        assert!(matches!(
            rate(db, "case", "SVA1", A, 4, Some(citizen.id), "2026-11-12").await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            rate(db, "case", "SVA3", A, 6, Some(citizen.id), "2026-11-12").await,
            Err(ServiceError::Invalid(_))
        ));

        // All live first (nothing aggregated yet), then from the daily table: the same figures.
        let region = Scope::Region;
        let live = supervision::summary(db, &region, period(), "", day(TODAY))
            .await
            .unwrap();
        assert_eq!(live.figures_through, None, "{}", t.label);
        let report = scheduler::run_once(
            db,
            &calendar::load(db).await.unwrap(),
            day(TODAY),
            at(TODAY),
        )
        .await
        .unwrap();
        assert!(report.figure_days > 0, "{}: {report:?}", t.label);
        assert_eq!(report.red_cards, 1, "{}: B2's legal clock", t.label);
        let s = supervision::summary(db, &region, period(), "", day(TODAY))
            .await
            .unwrap();
        assert_eq!(s.figures_through, Some(day("2026-11-17")), "{}", t.label);
        assert_eq!(s.region.figures, live.region.figures, "{}", t.label);

        let dept = |code: &str| {
            s.departments
                .iter()
                .find(|d| d.code == code)
                .unwrap()
                .clone()
        };
        let a = dept(A);
        assert_eq!(
            a.figures,
            Figures {
                received: 4,
                accepted: 4,
                decided: 4,
                on_time: 3,
                early: 2,
                used_days: 28,
                used_days_cases: 4,
                levels: [1, 0, 1, 1, 1],
            },
            "{}",
            t.label
        );
        assert!(close(a.figures.on_time_rate(), 0.75));
        assert!(close(a.figures.early_rate(), 0.5));
        assert!(close(a.figures.average_days(), 7.0));
        assert!(close(a.figures.satisfaction(), 0.75));
        // 100 × (0.75 × 50 + 0.5 × 20 + 0.75 × 30) / 100 = 70 → 合格.
        assert!(close(a.score, 70.0), "{}: {:?}", t.label, a.score);
        assert_eq!(a.grade, Some(Grade::Pass));
        let b = dept(B);
        assert_eq!(
            (
                b.figures.received,
                b.figures.accepted,
                b.figures.decided,
                b.figures.on_time
            ),
            (3, 2, 1, 1),
            "{}",
            t.label
        );
        assert_eq!(b.overdue, 1, "{}: B2", t.label);
        // 100 × (1 × 50 + 0 × 20 + 0.5 × 30) / 100 = 65.
        assert!(close(b.score, 65.0), "{}: {:?}", t.label, b.score);
        // The region: 7 received, 5 decided, 4 on time (80%), 2 early (40%), 33 / 5 = 6.6 days.
        let f = s.region.figures;
        assert_eq!((f.received, f.decided, f.on_time, f.early), (7, 5, 4, 2));
        assert!(close(f.average_days(), 6.6));
        assert_eq!((s.region.overdue, s.red_cards, s.yellow_cards), (1, 1, 0));
        assert_eq!(s.weeks.iter().map(|w| w.received).sum::<i64>(), 7);
        assert_eq!(s.weeks.iter().map(|w| w.late).sum::<i64>(), 1);
        // Two bad ratings, two rectifications running; 公安局's callback was due Monday 16th.
        assert_eq!((s.rectifications_open, s.rectifications_overdue), (2, 1));
        // The departments by score: 市场监管局 (70) before 公安局 (65).
        assert_eq!(s.departments[0].code, A);

        // The cases behind the numbers.
        let drill = |m: Measure, d: Option<&'static str>| {
            let supervisor = &supervisor;
            async move {
                supervision::drill_page(db, supervisor, m, period(), d, 1, 50, day(TODAY))
                    .await
                    .unwrap()
                    .rows
                    .into_iter()
                    .map(|r| r.case_no)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(drill(Measure::Late, None).await, vec!["SVA2"]);
        assert_eq!(drill(Measure::Overdue, None).await, vec!["SVB2"]);
        assert_eq!(drill(Measure::Received, Some(B)).await.len(), 3);
        assert_eq!(drill(Measure::Early, Some(A)).await.len(), 2);
        // A department sees only its own cases, whatever it asks for.
        let own = supervision::drill_page(
            db,
            &clerk_b,
            Measure::Received,
            period(),
            Some(A),
            1,
            50,
            day(TODAY),
        )
        .await
        .unwrap();
        assert!(
            own.rows.iter().all(|r| r.case_no.starts_with("SVB")),
            "{}",
            t.label
        );

        // The bad rating's rectification: callback within 1 working day (Wed 18), fix within 5
        // (Tue 24 November).
        let fix = rectification::Entity::find()
            .filter(rectification::Column::RatingId.eq(bad_a.id))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (fix.callback_due, fix.fix_due, fix.state.as_str()),
            (day("2026-11-18"), day("2026-11-24"), "open")
        );
        assert_eq!(
            ratings::open_rectifications(db, Some(A), day("2026-11-19"))
                .await
                .unwrap(),
            (1, 1),
            "{}: the callback day has passed",
            t.label
        );
        let step = |who: &auth::Account, s: RectificationStep, note: &str, reply: &str| {
            let who = who.clone();
            let (note, reply) = (note.to_string(), reply.to_string());
            async move {
                ratings::rectify(db, &who, fix.id, s, &note, &reply, day(TODAY), at(TODAY)).await
            }
        };
        // Not the fix before the callback; not by another department or the supervisor.
        assert!(matches!(
            step(&head_a, RectificationStep::Fix, "改", "答复").await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            step(&clerk_b, RectificationStep::Callback, "回访", "").await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            step(&supervisor, RectificationStep::Callback, "回访", "").await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            step(&head_a, RectificationStep::Callback, "  ", "").await,
            Err(ServiceError::Invalid(_))
        ));
        step(
            &head_a,
            RectificationStep::Callback,
            "电话回访，申请人反映等待时间长",
            "",
        )
        .await
        .unwrap();
        assert!(matches!(
            step(&head_a, RectificationStep::Fix, "增设窗口", "").await,
            Err(ServiceError::Invalid(_))
        ));
        step(
            &head_a,
            RectificationStep::Fix,
            "增设窗口",
            "已增设综合窗口，感谢您的意见",
        )
        .await
        .unwrap();
        let fix = rectification::Entity::find_by_id(fix.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(fix.state, RectificationState::Rectified.code());
        assert_eq!(fix.called_back_on, Some(day(TODAY)));
        // The rater is told: a message and an email.
        let told = message::Entity::find()
            .filter(message::Column::UserId.eq(citizen.id))
            .filter(message::Column::Title.eq("您的评价已整改答复"))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(told.body.contains("已增设综合窗口"), "{}", told.body);
        assert_eq!(
            outbox::Entity::find()
                .filter(
                    outbox::Column::DedupeKey.eq(format!("rectification:{}:reply:email", fix.id))
                )
                .count(db)
                .await
                .unwrap(),
            1
        );

        // Ruled malicious (only by a supervisor, with a reason): out of the score, still on record.
        assert!(matches!(
            ratings::rule_malicious(db, &head_a, bad_b.id, "恶意", at(TODAY)).await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            ratings::rule_malicious(db, &supervisor, bad_b.id, " ", at(TODAY)).await,
            Err(ServiceError::Invalid(_))
        ));
        let praise = rating::Entity::find()
            .filter(rating::Column::Level.eq(5))
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(
            ratings::rule_malicious(db, &supervisor, praise.id, "不喜欢", at(TODAY)).await,
            Err(ServiceError::Refused(_))
        ));
        ratings::rule_malicious(db, &supervisor, bad_b.id, "与办件无关的辱骂内容", at(TODAY))
            .await
            .unwrap();
        let s = supervision::summary(db, &region, period(), "", day(TODAY))
            .await
            .unwrap();
        let b = s.departments.iter().find(|d| d.code == B).unwrap();
        assert_eq!(b.figures.levels, [0, 0, 0, 0, 1], "{}", t.label);
        // 100 × (1 × 50 + 0 + 1 × 30) / 100 = 80 → 良好.
        assert!(close(b.score, 80.0), "{}: {:?}", t.label, b.score);
        assert_eq!(b.grade, Some(Grade::Good));
        let kept = rating::Entity::find_by_id(bad_b.id)
            .one(db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            kept.malicious_reason.as_deref(),
            Some("与办件无关的辱骂内容")
        );
        let page = ratings::rating_page(
            db,
            &supervisor,
            period(),
            "malicious",
            None,
            1,
            30,
            day(TODAY),
        )
        .await
        .unwrap();
        assert_eq!(page.total, 1);
        assert_eq!(
            page.rows[0].rectification.as_ref().map(|r| r.state),
            Some(RectificationState::Dismissed)
        );
        assert!(matches!(
            ratings::rule_malicious(db, &supervisor, bad_b.id, "再次", at(TODAY)).await,
            Err(ServiceError::Conflict(_))
        ));

        // Saved rules grade differently: on time alone, 优秀 from 90.
        let rules = GradeRules {
            weight_on_time: 100.0,
            weight_early: 0.0,
            weight_satisfaction: 0.0,
            ..GradeRules::default()
        };
        assert!(matches!(
            supervision::save_rules(db, &head_a, rules, at(TODAY)).await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            supervision::save_rules(
                db,
                &supervisor,
                GradeRules {
                    good: 99.0,
                    ..rules
                },
                at(TODAY)
            )
            .await,
            Err(ServiceError::Invalid(_))
        ));
        supervision::save_rules(db, &supervisor, rules, at(TODAY))
            .await
            .unwrap();
        let league = supervision::league(db, &supervisor, Some("2026Q4"), day(TODAY))
            .await
            .unwrap();
        let grade = |code: &str| league.rows.iter().find(|r| r.code == code).unwrap().grade;
        assert_eq!(
            (grade(A), grade(B)),
            (Some(Grade::Pass), Some(Grade::Excellent)),
            "{}",
            t.label
        );
        assert_eq!(league.rows[0].code, B);

        // The card life cycle of B2's red card.
        let cards = supervision::card_page(db, &supervisor, None, None, None, 1, 30)
            .await
            .unwrap();
        assert_eq!(cards.total, 1, "{}", t.label);
        let card = cards.rows[0].clone();
        assert_eq!(
            (card.color.as_str(), card.status, card.target.as_str()),
            ("red", CardStatus::Issued, "SVB2")
        );
        let none = supervision::card_page(db, &head_a, None, None, None, 1, 30)
            .await
            .unwrap();
        assert_eq!(none.total, 0, "{}: not 市场监管局's card", t.label);
        let act = |who: &auth::Account, a: CardAction, text: &str| {
            let (who, text, source) = (who.clone(), text.to_string(), card.source.clone());
            async move {
                supervision::act_on_card(db, &who, &source, card.id, a, &text, at(TODAY)).await
            }
        };
        assert!(matches!(
            act(&head_a, CardAction::Explain, "不是我们的").await,
            Err(ServiceError::NotFound)
        ));
        assert!(matches!(
            act(&supervisor, CardAction::Explain, "代为说明").await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            act(&supervisor, CardAction::Close, "").await,
            Err(ServiceError::Conflict(_))
        ));
        assert!(matches!(
            act(&clerk_b, CardAction::Explain, "").await,
            Err(ServiceError::Invalid(_))
        ));
        assert_eq!(
            act(&clerk_b, CardAction::Explain, "等待消防检查结果")
                .await
                .unwrap(),
            CardStatus::Explained
        );
        assert_eq!(
            act(&supervisor, CardAction::Escalate, "三日内办结")
                .await
                .unwrap(),
            CardStatus::Escalated
        );
        assert_eq!(
            act(&clerk_b, CardAction::Explain, "已安排加急检查")
                .await
                .unwrap(),
            CardStatus::Explained
        );
        assert_eq!(
            act(&supervisor, CardAction::Close, "").await.unwrap(),
            CardStatus::Closed
        );
        assert!(matches!(
            act(&clerk_b, CardAction::Explain, "再说明").await,
            Err(ServiceError::Conflict(_))
        ));
        let closed =
            supervision::card_page(db, &supervisor, Some(CardStatus::Closed), None, None, 1, 30)
                .await
                .unwrap();
        let history = &closed.history[0].1;
        assert_eq!(history.len(), 4, "{}: {history:?}", t.label);
        assert_eq!(
            closed.rows[0].explanation.as_deref(),
            Some("已安排加急检查")
        );
        let s = supervision::summary(db, &region, period(), "", day(TODAY))
            .await
            .unwrap();
        assert_eq!((s.red_cards, s.region.open_cards), (0, 0), "{}", t.label);
        assert_eq!(
            super::entities::audit_log::Entity::find()
                .filter(super::entities::audit_log::Column::Action.starts_with("card."))
                .count(db)
                .await
                .unwrap(),
            4
        );

        // The export: an xlsx workbook that reads back as the table on the page.
        let table = supervision::table_of(
            db,
            &supervisor,
            &ExportRequest {
                table: "summary",
                period: Some(period()),
                ..ExportRequest::default()
            },
            day(TODAY),
        )
        .await
        .unwrap();
        let bytes = supervision::export_xlsx(&table).unwrap();
        let sheet = read_sheet(&bytes);
        assert_eq!(sheet[0][0], "部门");
        assert_eq!(sheet[0].len(), table.headers.len());
        assert_eq!(sheet.len(), table.rows.len() + 1);
        // The region's row: 7 received, 80% on time, 6.6 days.
        assert_eq!(sheet[1][0], "全市");
        assert_eq!(sheet[1][1], "7");
        assert_eq!(sheet[1][4], "0.8");
        assert_eq!(sheet[1][6], "6.6");
        for (row, cells) in sheet.iter().skip(1).zip(&table.rows) {
            for (read, cell) in row.iter().zip(cells) {
                match cell {
                    Cell::Text(text) => assert_eq!(read, text),
                    Cell::Int(n) => assert_eq!(read, &n.to_string()),
                    Cell::Rate(Some(x)) | Cell::Number(Some(x)) => {
                        assert!(
                            (read.parse::<f64>().unwrap() - x).abs() < 1e-9,
                            "{read} vs {x}"
                        )
                    }
                    Cell::Rate(None) | Cell::Number(None) => assert_eq!(read, "—"),
                }
            }
        }
        let csv = table.to_csv();
        assert!(csv.lines().nth(1).unwrap().starts_with("全市,7,"), "{csv}");
        // A department cannot export the region.
        assert!(supervision::table_of(
            db,
            &clerk_b,
            &ExportRequest {
                table: "league",
                period: Some(period()),
                ..ExportRequest::default()
            },
            day(TODAY),
        )
        .await
        .is_err());
        t.finish().await;
    }
}

/// The first sheet of a workbook as text, numbers in their shortest form.
fn read_sheet(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::{Data, Reader, Xlsx};
    let mut book = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Float(f) => format!("{}", (f * 1e9).round() / 1e9),
                    Data::Int(i) => i.to_string(),
                    Data::String(s) => s.clone(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn demo_cases_fill_the_dashboard_once() {
    for t in TestDb::both().await {
        let db = &t.db;
        demo::seed(db, Environment::Development, PASSWORD, at("2026-11-01"))
            .await
            .unwrap();
        super::demo_catalogue::seed(
            db,
            &super::files::LocalFiles::new(std::env::temp_dir().join("yizhan-sv-demo")),
            at("2026-11-01"),
        )
        .await
        .unwrap();
        let cal = calendar::load(db).await.unwrap();
        let r = super::demo_cases::load(db, &cal, "990100", 600, day(TODAY), at(TODAY))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.applications, 600, "{}", t.label);
        assert!(
            r.decided > 300 && r.late > 0 && r.overdue > 0 && r.bad_ratings > 0,
            "{}: {r:?}",
            t.label
        );
        // The whole year, as the dashboard counts it, is what was loaded.
        let year = Period {
            from: day("2025-11-18"),
            to: day(TODAY),
        };
        let s = supervision::summary(db, &Scope::Region, year, "12m", day(TODAY))
            .await
            .unwrap();
        let f = s.region.figures;
        assert_eq!(f.received as u64, r.applications, "{}", t.label);
        assert_eq!(f.decided as u64, r.decided, "{}", t.label);
        assert_eq!(f.late() as u64, r.late, "{}", t.label);
        assert_eq!(f.ratings() as u64, r.ratings, "{}", t.label);
        assert_eq!(s.region.overdue as u64, r.overdue, "{}", t.label);
        assert_eq!(s.figures_through, Some(day("2026-11-17")));
        assert!(s.departments.len() > 3, "{}", t.label);
        // Loaded once; real cases are still numbered and inserted after it (PostgreSQL sequences).
        assert_eq!(
            super::demo_cases::load(db, &cal, "990100", 10, day(TODAY), at(TODAY))
                .await
                .unwrap(),
            None
        );
        rate(db, "case", "after-demo", A, 5, None, TODAY)
            .await
            .unwrap();
        t.finish().await;
    }
}
