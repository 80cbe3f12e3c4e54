//! `make bench`, documents: every written document of a case — the receipt, each notice and the
//! signed certificate — rendered as the counter prints it, with its size. DESIGN.md §6: a receipt
//! or notice in at most 50 ms and 150 KB. The case is taken through the whole back office first
//! (walk-in intake, 补正, acceptance, 专家评审, 延期, review, grant, conclusion); a second case is
//! refused, for the 不予受理 notice.

use app::backend::applications::{ActionInput, Caller, NewSuspension};
use app::backend::casework::{self, WalkIn};
use app::backend::certificates::Signer;
use app::backend::documents::{self, Links};
use app::backend::files::LocalFiles;
use app::backend::state::Environment;
use app::backend::throttle::Client;
use app::backend::two_factor::Policy;
use app::backend::{auth, calendar, demo, demo_catalogue, uploads};
use app::domain::casework::{MissingMaterial, NoticeKind};
use app::domain::site::SiteInfo;
use app::domain::workflow::Action;
mod common;
use common::{ms, percentile};
use std::time::Instant;

const ITEM: &str = "990100-XK-0013";
const PASSWORD: &str = "Bench@2026x";
const RUNS: usize = 50;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (conn, dir) = common::fresh_database("documents").await?;
    let now = chrono::Utc::now();
    let today = app::domain::time::local_date(now);
    let files = LocalFiles::new(dir.join("files"));
    demo::seed(&conn, Environment::Development, PASSWORD, now).await?;
    demo_catalogue::seed(&conn, &files, now).await?;
    let cal = calendar::load(&conn).await?;
    let signer = Signer::generate()?.0;
    let staff = |name: &'static str| {
        let conn = conn.clone();
        async move {
            let s = auth::login(
                &conn,
                name,
                PASSWORD,
                &Client::default(),
                Policy::WhenEnrolled,
                now,
            )
            .await
            .expect("login")
            .signed_in()
            .expect("the demo's staff sign in with a password");
            Caller::of(&s.account)
        }
    };
    let (clerk, reviewer, approver) = (
        staff("clerk1").await,
        staff("reviewer1").await,
        staff("approver1").await,
    );

    let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
    let walk_in = |materials: Vec<(String, i64)>| {
        WalkIn::from_values(
            ITEM,
            [
                ("name", "张晓明"),
                ("id_number", "990102198005121236"),
                ("mobile", "13800000001"),
                ("request", "在人民路开设便利店，申请食品经营许可。"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            materials,
        )
    };
    let mut scanned = Vec::new();
    for code in ["m1", "m2"] {
        let up = uploads::store(
            &conn,
            &files,
            clerk.user_id.unwrap(),
            "scan.pdf",
            pdf.clone(),
            now,
        )
        .await?;
        scanned.push((code.to_string(), up.id));
    }
    let case = casework::intake(
        &conn,
        &cal,
        "990100",
        &clerk,
        &walk_in(scanned.clone()),
        "bench-docs-1",
        today,
        now,
    )
    .await?;
    let refused = casework::intake(
        &conn,
        &cal,
        "990100",
        &clerk,
        &walk_in(scanned),
        "bench-docs-2",
        today,
        now,
    )
    .await?;
    let act = |who: Caller, no: String, action: Action, input: ActionInput| {
        let (conn, cal, signer) = (conn.clone(), cal.clone(), &signer);
        async move {
            let v = app::backend::applications::find(&conn, &no)
                .await
                .unwrap()
                .unwrap()
                .version;
            casework::act(
                &conn, &cal, signer, &who, &no, action, v, &input, today, now,
            )
            .await
            .expect("action")
        }
    };
    let no = case.case_no.clone();
    let text = |t: &str| Some(t.to_string());
    act(
        clerk.clone(),
        refused.case_no.clone(),
        Action::RefuseAcceptance,
        ActionInput {
            reason: text("申请事项不属于本机关职权范围"),
            ..ActionInput::default()
        },
    )
    .await;
    let missing = vec![MissingMaterial {
        code: "m3".into(),
        name: "与食品经营相适应的主要设备设施、经营布局、操作流程等文件".into(),
    }];
    act(
        clerk.clone(),
        no.clone(),
        Action::RequestSupplement,
        ActionInput {
            missing,
            reason: text("布局图须标明面积"),
            ..ActionInput::default()
        },
    )
    .await;
    let citizen = staff("citizen1").await;
    let v = app::backend::applications::find(&conn, &no)
        .await?
        .unwrap()
        .version;
    app::backend::applications::act(
        &conn,
        &cal,
        &no,
        Action::Resubmit,
        &citizen,
        v,
        &ActionInput::default(),
        today,
        now,
    )
    .await?;
    act(
        clerk.clone(),
        no.clone(),
        Action::Accept,
        ActionInput::default(),
    )
    .await;
    let suspension = NewSuspension {
        kind: "专家评审".into(),
        reason: "中央厨房工艺需专家评审".into(),
        legal_basis: "《中华人民共和国行政许可法》第四十五条".into(),
        expected_days: 5,
    };
    act(
        reviewer.clone(),
        no.clone(),
        Action::Suspend,
        ActionInput {
            suspension: Some(suspension),
            reason: text("中央厨房工艺需专家评审"),
            ..ActionInput::default()
        },
    )
    .await;
    act(
        reviewer.clone(),
        no.clone(),
        Action::Resume,
        ActionInput::default(),
    )
    .await;
    act(
        approver.clone(),
        no.clone(),
        Action::Extend,
        ActionInput {
            reason: text("需补充现场核查"),
            extension_days: Some(10),
            ..ActionInput::default()
        },
    )
    .await;
    act(
        reviewer.clone(),
        no.clone(),
        Action::CompleteStep,
        ActionInput::default(),
    )
    .await;
    act(
        approver.clone(),
        no.clone(),
        Action::Grant,
        ActionInput {
            legal_basis: text("《食品经营许可和备案管理办法》第二十一条"),
            ..ActionInput::default()
        },
    )
    .await;
    act(
        approver.clone(),
        no.clone(),
        Action::Conclude,
        ActionInput::default(),
    )
    .await;

    let site = SiteInfo::default();
    let links = Links {
        site: &site,
        public_url: "https://zwfw.example.gov.cn",
    };
    println!("\n| document (one A4 page, subset Chinese font) | runs | p50 | p99 | size |");
    println!("|---|---|---|---|---|");
    for kind in NoticeKind::ALL {
        if kind == NoticeKind::Refusal {
            continue;
        }
        let app = app::backend::applications::find(&conn, &no).await?.unwrap();
        measure(kind, &conn, &cal, &signer, &app, &links, today).await?;
    }
    let app = app::backend::applications::find(&conn, &refused.case_no)
        .await?
        .unwrap();
    measure(
        NoticeKind::Refusal,
        &conn,
        &cal,
        &signer,
        &app,
        &links,
        today,
    )
    .await?;
    Ok(())
}

async fn measure(
    kind: NoticeKind,
    conn: &sea_orm::DatabaseConnection,
    cal: &app::domain::calendar::WorkCalendar,
    signer: &Signer,
    app: &app::backend::entities::application::Model,
    links: &Links<'_>,
    today: chrono::NaiveDate,
) -> Result<(), Box<dyn std::error::Error>> {
    // The first render loads the font; the table is about the counter's steady state.
    documents::render(conn, cal, signer, app, kind, links, today).await?;
    let mut samples = Vec::new();
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let pdf = documents::render(conn, cal, signer, app, kind, links, today).await?;
        samples.push(start.elapsed());
        size = size.max(pdf.len());
    }
    samples.sort();
    println!(
        "| {} | {} | {} | {} | {:.1} KB |",
        kind.name_zh(),
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        size as f64 / 1024.0
    );
    Ok(())
}
