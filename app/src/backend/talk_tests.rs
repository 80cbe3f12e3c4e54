//! The three conversation channels end to end, on SQLite and PostgreSQL: a question routed by the
//! hall, answered, published only with consent and redacted; a petition's calendar-day clocks,
//! transfer history, one extension by a head, the written opinion, and the 30-day windows for
//! review and re-review; a letter to the mayor assigned, drafted, returned, checked and published,
//! with the mailbox figures; cards; and hostile input kept and refused with a message.

use super::applications::Caller;
use super::auth;
use super::catalogue::tests::pdf_text;
use super::entities::{audit_log, conversation_draft, message, outbox};
use super::error::ServiceError;
use super::files::LocalFiles;
use super::state::Environment;
use super::talks::lists::{self as talk_lists, PublicFilter};
use super::talks::{self, SentFile, TalkInput, Viewer};
use super::testing::{self, TestDb};
use super::throttle::Client;
use super::{demo, demo_catalogue};
use crate::domain::calendar::WorkCalendar;
use crate::domain::site::SiteInfo;
use crate::domain::talk::{Compose, TalkAction, TalkChannel, TalkQueue, TalkState};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

const PASSWORD: &str = "Yizhan@2026";
/// 食品经营许可, handled by 市场监管局 (scjg).
const ITEM: &str = "990100-XK-0013";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day(s).and_hms_opt(2, 0, 0).unwrap())
}

fn files() -> LocalFiles {
    LocalFiles::new(std::env::temp_dir().join(format!("yizhan-talks-{}", std::process::id())))
}

fn device(n: u32) -> Client {
    Client {
        device: Some(format!("{n:032x}")),
        address: Some("10.0.0.9".into()),
        ..Client::default()
    }
}

async fn seeded(db: &DatabaseConnection) {
    demo::seed(db, Environment::Development, PASSWORD, at("2026-09-01"))
        .await
        .unwrap();
    demo_catalogue::seed(db, &files(), at("2026-09-01"))
        .await
        .unwrap();
}

async fn account(db: &DatabaseConnection, username: &str) -> auth::Account {
    testing::sign_in(db, username, PASSWORD, at("2026-09-01"))
        .await
        .account
}

async fn staff(db: &DatabaseConnection, username: &str) -> Viewer {
    Viewer::Staff(Caller::of(&account(db, username).await))
}

struct Desk<'a> {
    db: &'a DatabaseConnection,
    cal: WorkCalendar,
}

impl Desk<'_> {
    async fn send(
        &self,
        channel: TalkChannel,
        compose: Compose,
        who: Option<&auth::Account>,
        client: &Client,
        on: &str,
    ) -> Result<talks::Sent, ServiceError> {
        talks::send(
            self.db,
            &files(),
            &self.cal,
            channel,
            compose,
            Vec::new(),
            who,
            client,
            day(on),
            at(on),
        )
        .await
    }

    async fn act(
        &self,
        ref_no: &str,
        action: TalkAction,
        who: &Viewer,
        input: TalkInput,
        on: &str,
    ) -> Result<TalkState, ServiceError> {
        let version = super::entities::conversation::Entity::find()
            .filter(super::entities::conversation::Column::RefNo.eq(ref_no))
            .one(self.db)
            .await
            .unwrap()
            .unwrap()
            .version;
        talks::act(
            self.db,
            &self.cal,
            ref_no,
            action,
            who,
            version,
            input,
            day(on),
            at(on),
        )
        .await
        .map(|row| TalkState::from_code(&row.state).unwrap())
    }

    async fn view(&self, ref_no: &str, who: &Viewer, on: &str) -> crate::domain::talk::TalkView {
        talks::view(self.db, ref_no, who, day(on), at(on))
            .await
            .unwrap()
    }
}

fn text(s: &str) -> TalkInput {
    TalkInput {
        text: s.into(),
        ..TalkInput::default()
    }
}

fn question(subject: &str, body: &str) -> Compose {
    Compose {
        subject: subject.into(),
        body: body.into(),
        anonymous: true,
        ..Compose::default()
    }
}

#[tokio::test]
async fn a_question_is_routed_answered_and_published_only_with_consent_and_redacted() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let desk = Desk {
            db,
            cal: WorkCalendar::official(),
        };
        let (clerk1, reviewer1, clerk2) = (
            staff(db, "clerk1").await,
            staff(db, "reviewer1").await,
            staff(db, "clerk2").await,
        );
        // An anonymous question about an item goes straight to its department, 3 working days.
        let mut about_item = question(
            "食品经营许可要多久",
            "我想开一家面馆，电话13812345678，身份证990102198005121236，请问食品经营许可多久能办好？",
        );
        about_item.item_code = Some(ITEM.into());
        let q1 = desk
            .send(
                TalkChannel::Consultation,
                about_item.clone(),
                None,
                &device(1),
                "2026-09-21",
            )
            .await
            .unwrap();
        assert!(q1.ref_no.starts_with("ZX20260921"), "{}", q1.ref_no);
        assert_eq!(q1.state, TalkState::Waiting);
        assert_eq!(q1.due, Some(day("2026-09-24")), "3 working days");
        // The same text again (a double tap) finds the same question.
        let again = desk
            .send(
                TalkChannel::Consultation,
                about_item,
                None,
                &device(1),
                "2026-09-21",
            )
            .await
            .unwrap();
        assert_eq!(again.ref_no, q1.ref_no);
        let writer = Viewer::Code(q1.query_code.clone());

        // A general question waits at the service hall, which routes it.
        let q2 = desk
            .send(
                TalkChannel::Consultation,
                question("办事大厅几点开门", "周六开门吗？"),
                None,
                &device(2),
                "2026-09-21",
            )
            .await
            .unwrap();
        // A signed-in asker who stays anonymous leaves nothing of the account on the question.
        let citizen1 = account(db, "citizen1").await;
        let q3 = desk
            .send(
                TalkChannel::Consultation,
                question("匿名问题", "不想留姓名"),
                Some(&citizen1),
                &device(9),
                "2026-09-21",
            )
            .await
            .unwrap();
        let seen_q3 = desk.view(&q3.ref_no, &clerk1, "2026-09-21").await;
        assert_eq!(
            (
                seen_q3.writer.as_str(),
                seen_q3.mobile,
                seen_q3.email,
                seen_q3.id_number
            ),
            ("匿名", None, None, None)
        );
        let hall = talk_lists::queue(
            db,
            &caller(&clerk1),
            TalkChannel::Consultation,
            TalkQueue::Open,
            "",
            1,
        )
        .await
        .unwrap();
        assert!(hall.rows.iter().any(|r| r.ref_no == q2.ref_no));
        let scjg = talk_lists::queue(
            db,
            &caller(&reviewer1),
            TalkChannel::Consultation,
            TalkQueue::Open,
            "",
            1,
        )
        .await
        .unwrap();
        assert!(scjg.rows.iter().any(|r| r.ref_no == q1.ref_no));
        assert!(!scjg.rows.iter().any(|r| r.ref_no == q2.ref_no));
        let transferred = desk
            .act(
                &q2.ref_no,
                TalkAction::Transfer,
                &clerk1,
                TalkInput {
                    department: Some("scjg".into()),
                    text: "请答复".into(),
                    ..TalkInput::default()
                },
                "2026-09-22",
            )
            .await
            .unwrap();
        assert_eq!(transferred, TalkState::Waiting);
        let history = desk.view(&q2.ref_no, &reviewer1, "2026-09-22").await.events;
        assert!(
            history
                .iter()
                .any(|e| e.action == "转办" && e.detail.contains("示范市市场监督管理局")),
            "{history:?}"
        );

        // Neither the hall, once a question is routed, nor another department may see or answer it.
        let hall_late = desk
            .act(
                &q1.ref_no,
                TalkAction::Reply,
                &clerk1,
                text("答"),
                "2026-09-22",
            )
            .await;
        assert!(
            matches!(hall_late, Err(ServiceError::NotFound)),
            "{hall_late:?}"
        );
        let refused = desk
            .act(
                &q1.ref_no,
                TalkAction::Reply,
                &clerk2,
                text("答"),
                "2026-09-22",
            )
            .await;
        assert!(
            matches!(refused, Err(ServiceError::NotFound)),
            "{refused:?}"
        );

        // The department answers (and keeps the answer as a template).
        let answered = desk
            .act(
                &q1.ref_no,
                TalkAction::Reply,
                &reviewer1,
                TalkInput {
                    text:
                        "您好！食品经营许可自受理之日起 20 个工作日内作出决定，承诺 10 个工作日。"
                            .into(),
                    save_template: Some("食品经营许可时限".into()),
                    ..TalkInput::default()
                },
                "2026-09-23",
            )
            .await
            .unwrap();
        assert_eq!(answered, TalkState::Answered);
        let seen = desk.view(&q1.ref_no, &reviewer1, "2026-09-23").await;
        assert!(seen.templates.iter().any(|(t, _)| t == "食品经营许可时限"));
        // A page drawn before the answer is refused: nothing is overwritten.
        let stale = talks::act(
            db,
            &desk.cal,
            &q1.ref_no,
            TalkAction::Publish,
            &reviewer1,
            1,
            TalkInput::default(),
            day("2026-09-23"),
            at("2026-09-23"),
        )
        .await;
        assert!(matches!(stale, Err(ServiceError::Conflict(_))), "{stale:?}");

        // Publication needs the asker's consent first.
        let publish = TalkInput {
            public_subject: Some(seen.public_subject.clone().unwrap()),
            public_body: Some(seen.public_body.clone().unwrap()),
            public_reply: Some(seen.public_reply.clone().unwrap()),
            ..TalkInput::default()
        };
        let without = desk
            .act(
                &q1.ref_no,
                TalkAction::Publish,
                &reviewer1,
                publish.clone(),
                "2026-09-23",
            )
            .await;
        assert!(
            matches!(&without, Err(ServiceError::Refused(m)) if m.contains("未同意公开")),
            "{without:?}"
        );
        // The asker (with the query code only) agrees; a wrong code finds nothing.
        let wrong = desk
            .act(
                &q1.ref_no,
                TalkAction::Consent,
                &Viewer::Code("00000000".into()),
                TalkInput::default(),
                "2026-09-23",
            )
            .await;
        assert!(matches!(wrong, Err(ServiceError::NotFound)));
        desk.act(
            &q1.ref_no,
            TalkAction::Consent,
            &writer,
            TalkInput::default(),
            "2026-09-23",
        )
        .await
        .unwrap();
        let to_publish = talk_lists::queue(
            db,
            &caller(&reviewer1),
            TalkChannel::Consultation,
            TalkQueue::ToPublish,
            "",
            1,
        )
        .await
        .unwrap();
        assert_eq!(to_publish.rows.len(), 1);
        // The suggested public text has the numbers masked.
        let suggested = desk.view(&q1.ref_no, &reviewer1, "2026-09-23").await;
        let body = suggested.public_body.clone().unwrap();
        assert!(
            body.contains("138****5678") && !body.contains("13812345678"),
            "{body}"
        );
        assert!(!body.contains("990102198005121236"), "{body}");
        let publish = TalkInput {
            public_body: Some(body.replace("面馆", "餐馆")),
            ..publish
        };
        desk.act(
            &q1.ref_no,
            TalkAction::Publish,
            &reviewer1,
            publish,
            "2026-09-24",
        )
        .await
        .unwrap();
        let public = talk_lists::public(
            db,
            TalkChannel::Consultation,
            &PublicFilter {
                q: "餐馆".into(),
                ..PublicFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(public.total, 1);
        assert!(!public.rows[0].body.contains("13812345678"));
        assert!(public.rows[0].reply.contains("20 个工作日"));
        let on_guide = talk_lists::public(
            db,
            TalkChannel::Consultation,
            &PublicFilter {
                item_code: Some(ITEM.into()),
                ..PublicFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(on_guide.total, 1);
        // The asker rates once; then takes consent back, which takes the page down.
        let rate = TalkInput {
            level: Some(5),
            ..TalkInput::default()
        };
        desk.act(
            &q1.ref_no,
            TalkAction::Rate,
            &writer,
            rate.clone(),
            "2026-09-24",
        )
        .await
        .unwrap();
        let twice = desk
            .act(&q1.ref_no, TalkAction::Rate, &writer, rate, "2026-09-24")
            .await;
        assert!(matches!(twice, Err(ServiceError::Refused(_))));
        desk.act(
            &q1.ref_no,
            TalkAction::WithdrawConsent,
            &writer,
            TalkInput::default(),
            "2026-09-25",
        )
        .await
        .unwrap();
        let gone = talk_lists::public(db, TalkChannel::Consultation, &PublicFilter::default())
            .await
            .unwrap();
        assert_eq!(gone.total, 0);

        // Cards: the two unanswered questions (q2 at 市场监管局, q3 at the hall, both due 09-24)
        // turn yellow on their last day, red after.
        let q2_due = desk.view(&q2.ref_no, &reviewer1, "2026-09-22").await.due;
        assert_eq!(q2_due, Some(day("2026-09-24")));
        let (y, r) = talks::check_clocks(db, &desk.cal, day("2026-09-24"), at("2026-09-24"))
            .await
            .unwrap();
        assert_eq!((y, r), (2, 0));
        let (y, r) = talks::check_clocks(db, &desk.cal, day("2026-09-25"), at("2026-09-25"))
            .await
            .unwrap();
        assert_eq!((y, r), (0, 2));
        let (y, r) = talks::check_clocks(db, &desk.cal, day("2026-09-28"), at("2026-09-28"))
            .await
            .unwrap();
        assert_eq!((y, r), (0, 0), "a card is issued once");
        let overdue = talk_lists::queue(
            db,
            &caller(&reviewer1),
            TalkChannel::Consultation,
            TalkQueue::Overdue,
            "",
            1,
        )
        .await
        .unwrap();
        assert_eq!(overdue.total, 1);
        // Every staff action and opening is audited.
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::Action.starts_with("talk."))
            .count(db)
            .await
            .unwrap();
        assert!(audited >= 6, "{audited}");
        t.finish().await;
    }
}

fn caller(v: &Viewer) -> Caller {
    match v {
        Viewer::Staff(c) => c.clone(),
        _ => panic!("not staff"),
    }
}

#[tokio::test]
async fn a_petition_counts_calendar_days_keeps_its_transfers_and_closes_its_review_windows() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let desk = Desk {
            db,
            cal: WorkCalendar::official(),
        };
        let citizen1 = account(db, "citizen1").await;
        let (petition1, reviewer1, approver1) = (
            staff(db, "petition1").await,
            staff(db, "reviewer1").await,
            staff(db, "approver1").await,
        );
        let mut compose = Compose {
            subject: "小区门口餐馆油烟扰民".into(),
            body: "楼下餐馆油烟直排，多次反映无果。".into(),
            ..Compose::default()
        };
        // No category: refused, and the text is kept for the writer.
        let missing = desk
            .send(
                TalkChannel::Petition,
                compose.clone(),
                Some(&citizen1),
                &device(3),
                "2026-09-21",
            )
            .await;
        assert!(
            matches!(&missing, Err(ServiceError::Fields(p)) if p.contains_key("category")),
            "{missing:?}"
        );
        let kept = talks::kept(
            db,
            &format!("petition:user:{}", citizen1.id),
            at("2026-09-21"),
        )
        .await
        .unwrap()
        .unwrap();
        assert_eq!(kept.compose.body, compose.body);
        // Name, ID number and mobile come from the real-name account.
        assert_eq!(kept.compose.id_number, "990102198005121236");
        compose.category = Some("complaint".into());
        let p = desk
            .send(
                TalkChannel::Petition,
                compose,
                Some(&citizen1),
                &device(3),
                "2026-09-21",
            )
            .await
            .unwrap();
        assert!(p.ref_no.starts_with("XF"));
        // 15 calendar days, 国庆 or not.
        assert_eq!(p.due, Some(day("2026-10-06")));
        let writer = Viewer::Account(citizen1.id);
        assert_eq!(
            desk.act(
                &p.ref_no,
                TalkAction::Accept,
                &petition1,
                TalkInput::default(),
                "2026-09-25"
            )
            .await
            .unwrap(),
            TalkState::Handling
        );
        assert_eq!(
            desk.view(&p.ref_no, &petition1, "2026-09-25").await.due,
            Some(day("2026-11-24"))
        );
        let to_itself = desk
            .act(
                &p.ref_no,
                TalkAction::Transfer,
                &petition1,
                TalkInput {
                    department: Some("xfj".into()),
                    ..TalkInput::default()
                },
                "2026-09-26",
            )
            .await;
        assert!(
            matches!(to_itself, Err(ServiceError::Invalid(_))),
            "{to_itself:?}"
        );
        // 转办 to the department responsible; the petition office no longer handles it.
        desk.act(
            &p.ref_no,
            TalkAction::Transfer,
            &petition1,
            TalkInput {
                department: Some("scjg".into()),
                ..TalkInput::default()
            },
            "2026-09-26",
        )
        .await
        .unwrap();
        let after = desk
            .act(
                &p.ref_no,
                TalkAction::Reply,
                &petition1,
                text("答"),
                "2026-09-26",
            )
            .await;
        assert!(matches!(after, Err(ServiceError::NotFound)), "{after:?}");
        let events = desk.view(&p.ref_no, &reviewer1, "2026-09-26").await.events;
        let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["提交", "受理", "转办"]);
        assert_eq!(events[1].department.as_deref(), Some("示范市信访局"));
        assert_eq!(
            events[2].department.as_deref(),
            Some("示范市市场监督管理局")
        );
        // The writer sees departments, not staff names.
        let mine = desk.view(&p.ref_no, &writer, "2026-09-26").await;
        assert!(mine.events.iter().skip(1).all(|e| e.actor.is_empty()));
        assert!(
            mine.id_number.is_none(),
            "staff-only fields stay with staff"
        );
        // Extension: a head, with a reason, once, 30 days.
        let not_head = desk
            .act(
                &p.ref_no,
                TalkAction::Extend,
                &reviewer1,
                text("情况复杂"),
                "2026-10-09",
            )
            .await;
        assert!(
            matches!(&not_head, Err(ServiceError::Forbidden(m)) if m.contains("负责人")),
            "{not_head:?}"
        );
        let no_reason = desk
            .act(
                &p.ref_no,
                TalkAction::Extend,
                &approver1,
                text(""),
                "2026-10-09",
            )
            .await;
        assert!(matches!(no_reason, Err(ServiceError::Invalid(_))));
        desk.act(
            &p.ref_no,
            TalkAction::Extend,
            &approver1,
            text("需现场核查多家商户"),
            "2026-10-09",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.view(&p.ref_no, &reviewer1, "2026-10-09").await.due,
            Some(day("2026-12-24"))
        );
        let second = desk
            .act(
                &p.ref_no,
                TalkAction::Extend,
                &approver1,
                text("再延"),
                "2026-10-09",
            )
            .await;
        assert!(
            matches!(&second, Err(ServiceError::Refused(m)) if m.contains("一次")),
            "{second:?}"
        );
        // The written opinion, as a PDF.
        desk.act(
            &p.ref_no,
            TalkAction::Reply,
            &reviewer1,
            text("经现场核查，该餐馆已责令加装油烟净化设施，并将持续监督。"),
            "2026-10-09",
        )
        .await
        .unwrap();
        let pdf = talk_lists::opinion_pdf(db, &SiteInfo::default(), &p.ref_no, &writer)
            .await
            .unwrap();
        let words = pdf_text(&pdf);
        assert!(words.contains("信访事项处理意见书"), "{words}");
        assert!(words.contains("油烟净化设施"), "{words}");
        assert!(words.contains("30 日内"), "{words}");
        // Review: refused on day 31 with the dates, accepted on day 30.
        let late = desk
            .act(
                &p.ref_no,
                TalkAction::RequestReview,
                &writer,
                text("不服"),
                "2026-11-09",
            )
            .await;
        assert!(
            matches!(&late, Err(ServiceError::Refused(m)) if m.contains("30 日内") && m.contains("2026年11月08日")),
            "{late:?}"
        );
        assert_eq!(
            desk.act(
                &p.ref_no,
                TalkAction::RequestReview,
                &writer,
                text("油烟仍未解决"),
                "2026-11-08"
            )
            .await
            .unwrap(),
            TalkState::ReviewRequested
        );
        assert_eq!(
            desk.view(&p.ref_no, &writer, "2026-11-08").await.due,
            Some(day("2026-12-08"))
        );
        desk.act(
            &p.ref_no,
            TalkAction::Reply,
            &reviewer1,
            text("复查认为原处理意见正确。"),
            "2026-11-20",
        )
        .await
        .unwrap();
        let pdf = talk_lists::opinion_pdf(db, &SiteInfo::default(), &p.ref_no, &writer)
            .await
            .unwrap();
        assert!(pdf_text(&pdf).contains("信访事项复查意见书"));
        // Re-review within 30 days of the review opinion, then the end of the road.
        desk.act(
            &p.ref_no,
            TalkAction::RequestReReview,
            &writer,
            text("仍不服"),
            "2026-12-20",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.act(
                &p.ref_no,
                TalkAction::Reply,
                &reviewer1,
                text("复核维持。"),
                "2026-12-28"
            )
            .await
            .unwrap(),
            TalkState::ReReviewed
        );
        let offers = desk.view(&p.ref_no, &writer, "2026-12-28").await.offers;
        assert!(
            offers.iter().all(|o| o.action == TalkAction::Rate),
            "{offers:?}"
        );
        // Never published.
        let consent = desk
            .act(
                &p.ref_no,
                TalkAction::Consent,
                &writer,
                TalkInput::default(),
                "2026-12-28",
            )
            .await;
        assert!(matches!(consent, Err(ServiceError::Refused(_))));
        assert!(
            talk_lists::public(db, TalkChannel::Petition, &PublicFilter::default())
                .await
                .is_err()
        );
        // The petitioner was told at each step, in the message centre and by email.
        let told = message::Entity::find()
            .filter(message::Column::UserId.eq(citizen1.id))
            .filter(message::Column::Link.eq(format!("/talk/{}", p.ref_no)))
            .count(db)
            .await
            .unwrap();
        assert!(told >= 6, "{told}");
        let mails = outbox::Entity::find()
            .filter(outbox::Column::DedupeKey.starts_with(format!("talk:{}:", p.ref_no)))
            .count(db)
            .await
            .unwrap();
        assert_eq!(mails, told);
        t.finish().await;
    }
}

#[tokio::test]
async fn a_letter_to_the_mayor_is_assigned_answered_checked_and_published() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let desk = Desk {
            db,
            cal: WorkCalendar::official(),
        };
        let citizen2 = account(db, "citizen2").await;
        let (office1, reviewer1) = (staff(db, "office1").await, staff(db, "reviewer1").await);
        let letter = desk
            .send(
                TalkChannel::Letter,
                Compose {
                    mailbox_code: Some("mayor".into()),
                    subject: "建议延长市民服务中心周末开放时间".into(),
                    body: "上班族工作日难以请假办事，建议周六全天开放。".into(),
                    consent_publish: true,
                    ..Compose::default()
                },
                Some(&citizen2),
                &device(4),
                "2026-09-21",
            )
            .await
            .unwrap();
        assert!(letter.ref_no.starts_with("XX"));
        // 10 working days from 09-21: 国庆 moves it past the holiday.
        assert_eq!(letter.due, Some(day("2026-10-12")));
        let hidden = talks::view(
            db,
            &letter.ref_no,
            &reviewer1,
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await;
        assert!(
            matches!(hidden, Err(ServiceError::NotFound)),
            "not assigned yet"
        );
        // 交办, then the department drafts; the writer sees no answer until the office checks it.
        assert_eq!(
            desk.act(
                &letter.ref_no,
                TalkAction::Transfer,
                &office1,
                TalkInput {
                    department: Some("zwfw".into()),
                    ..TalkInput::default()
                },
                "2026-09-22",
            )
            .await
            .unwrap(),
            TalkState::Assigned
        );
        let assign_elsewhere = desk
            .act(
                &letter.ref_no,
                TalkAction::Transfer,
                &office1,
                TalkInput {
                    department: Some("scjg".into()),
                    text: "请市场监管局办理".into(),
                    ..TalkInput::default()
                },
                "2026-09-22",
            )
            .await
            .unwrap();
        assert_eq!(assign_elsewhere, TalkState::Assigned);
        assert_eq!(
            desk.act(
                &letter.ref_no,
                TalkAction::Reply,
                &reviewer1,
                text("初稿"),
                "2026-09-24"
            )
            .await
            .unwrap(),
            TalkState::Checking
        );
        let writer = Viewer::Account(citizen2.id);
        assert_eq!(
            desk.view(&letter.ref_no, &writer, "2026-09-24").await.reply,
            None
        );
        let not_office = desk
            .act(
                &letter.ref_no,
                TalkAction::Approve,
                &reviewer1,
                TalkInput::default(),
                "2026-09-24",
            )
            .await;
        assert!(
            matches!(not_office, Err(ServiceError::Forbidden(_))),
            "{not_office:?}"
        );
        assert_eq!(
            desk.act(
                &letter.ref_no,
                TalkAction::Return,
                &office1,
                text("请写明具体措施"),
                "2026-09-25"
            )
            .await
            .unwrap(),
            TalkState::Assigned
        );
        // The department revises its draft rather than starting again.
        assert_eq!(
            desk.view(&letter.ref_no, &reviewer1, "2026-09-25")
                .await
                .draft_reply
                .as_deref(),
            Some("初稿")
        );
        desk.act(
            &letter.ref_no,
            TalkAction::Reply,
            &reviewer1,
            text("感谢您的建议。自 10 月起市民服务中心周六 9:00—17:00 开放。"),
            "2026-09-28",
        )
        .await
        .unwrap();
        assert_eq!(
            desk.act(
                &letter.ref_no,
                TalkAction::Approve,
                &office1,
                TalkInput::default(),
                "2026-09-29"
            )
            .await
            .unwrap(),
            TalkState::Answered
        );
        let seen = desk.view(&letter.ref_no, &writer, "2026-09-29").await;
        assert!(seen.reply.unwrap().contains("周六"));
        // Only the office publishes.
        let staff_view = desk.view(&letter.ref_no, &office1, "2026-09-29").await;
        let publish = TalkInput {
            public_subject: staff_view.public_subject.clone(),
            public_body: staff_view.public_body.clone(),
            public_reply: staff_view.public_reply.clone(),
            ..TalkInput::default()
        };
        let by_department = desk
            .act(
                &letter.ref_no,
                TalkAction::Publish,
                &reviewer1,
                publish.clone(),
                "2026-09-29",
            )
            .await;
        assert!(
            matches!(by_department, Err(ServiceError::Forbidden(_))),
            "{by_department:?}"
        );
        desk.act(
            &letter.ref_no,
            TalkAction::Publish,
            &office1,
            publish,
            "2026-09-29",
        )
        .await
        .unwrap();
        let public = talk_lists::public(
            db,
            TalkChannel::Letter,
            &PublicFilter {
                mailbox_code: Some("mayor".into()),
                ..PublicFilter::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(public.total, 1);
        assert_eq!(public.rows[0].mailbox.as_deref(), Some("市长信箱"));
        let mayor = talk_lists::mailboxes(db)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.code == "mayor")
            .unwrap();
        assert_eq!((mayor.received, mayor.answered, mayor.on_time), (1, 1, 1));
        t.finish().await;
    }
}

#[tokio::test]
async fn hostile_input_is_kept_refused_with_a_message_and_throttled() {
    for t in TestDb::both().await {
        let db = &t.db;
        seeded(db).await;
        let cal = WorkCalendar::official();
        let citizen1 = account(db, "citizen1").await;
        let store = files();
        let letter = |body: String| Compose {
            mailbox_code: Some("mayor".into()),
            subject: "<script>alert(1)</script>".into(),
            body,
            ..Compose::default()
        };
        let twenty: Vec<SentFile> = (0..20)
            .map(|i| SentFile {
                file_name: format!("第{i}页.pdf"),
                bytes: Ok([PDF, format!("{i}").as_bytes()].concat()),
            })
            .collect();
        let refused = talks::send(
            db,
            &store,
            &cal,
            TalkChannel::Letter,
            letter("长".repeat(100_000)),
            twenty,
            Some(&citizen1),
            &device(5),
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await;
        let Err(ServiceError::Fields(problems)) = refused else {
            panic!("{refused:?}")
        };
        assert!(problems["body"].contains("100000"), "{problems:?}");
        assert!(
            problems["attachments"].contains("最多 5 个"),
            "{problems:?}"
        );
        let key = format!("letter:user:{}", citizen1.id);
        let kept = talks::kept(db, &key, at("2026-09-21"))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            kept.compose.body.chars().count(),
            100_000,
            "nothing typed is lost"
        );
        assert_eq!(kept.attachments.len(), 5, "the first five files are kept");
        // Shortened, without files: sent with the five kept files; script text stays text.
        let sent = talks::send(
            db,
            &store,
            &cal,
            TalkChannel::Letter,
            letter("<img src=x onerror=alert(1)> 请处理".into()),
            Vec::new(),
            Some(&citizen1),
            &device(5),
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await
        .unwrap();
        let view = talks::view(
            db,
            &sent.ref_no,
            &Viewer::Account(citizen1.id),
            day("2026-09-21"),
            at("2026-09-21"),
        )
        .await
        .unwrap();
        assert_eq!(view.attachments.len(), 5);
        assert_eq!(view.subject, "<script>alert(1)</script>");
        assert!(conversation_draft::Entity::find_by_id(key)
            .one(db)
            .await
            .unwrap()
            .is_none());
        // Ten sends an hour from one device; the eleventh is refused and kept.
        for i in 0..9 {
            talks::send(
                db,
                &store,
                &cal,
                TalkChannel::Consultation,
                question(&format!("问题{i}"), "内容"),
                Vec::new(),
                None,
                &device(6),
                day("2026-09-21"),
                at("2026-09-21"),
            )
            .await
            .unwrap();
        }
        let mut tenth = None;
        for i in 9..11 {
            tenth = Some(
                talks::send(
                    db,
                    &store,
                    &cal,
                    TalkChannel::Consultation,
                    question(&format!("问题{i}"), "内容"),
                    Vec::new(),
                    None,
                    &device(6),
                    day("2026-09-21"),
                    at("2026-09-21"),
                )
                .await,
            );
        }
        let eleventh = tenth.unwrap();
        assert!(
            matches!(&eleventh, Err(ServiceError::Fields(p)) if p["form"].contains("过于频繁")),
            "{eleventh:?}"
        );
        // A browser's kept text is gone an hour later: the next person at a shared computer
        // does not find it.
        let device_key = talks::draft_key(TalkChannel::Consultation, None, &device(6)).unwrap();
        assert!(talks::kept(db, &device_key, at("2026-09-21"))
            .await
            .unwrap()
            .is_some());
        let later = at("2026-09-21") + chrono::Duration::minutes(61);
        assert!(talks::kept(db, &device_key, later).await.unwrap().is_none());
        t.finish().await;
    }
}
