//! 演示数据 (demo data): departments and one account per role, so a newcomer can click through every
//! door. Refused in production. Safe to run twice.

use super::departments::{self, NewDepartment};
use super::error::{ServiceError, ServiceResult};
use super::state::Environment;
use super::talks;
use super::two_factor;
use super::users::{self, Identity, NewUser};
use crate::domain::account::AccountKind;
use crate::domain::role::Role;
use crate::domain::talk::TalkChannel;
use crate::domain::username::Username;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

/// The departments of a typical municipal service hall: (code, name, short name, phone).
const DEPARTMENTS: &[(&str, &str, &str, &str)] = &[
    (
        "zwfw",
        "示范市政务服务管理办公室",
        "政务服务办",
        "0000-12345",
    ),
    ("gaj", "示范市公安局", "公安局", "0000-6110110"),
    ("scjg", "示范市市场监督管理局", "市场监管局", "0000-12315"),
    ("rsj", "示范市人力资源和社会保障局", "人社局", "0000-12333"),
    ("mzj", "示范市民政局", "民政局", "0000-2345678"),
    (
        "zrzy",
        "示范市自然资源和规划局",
        "自然资源局",
        "0000-3456789",
    ),
    ("zjj", "示范市住房和城乡建设局", "住建局", "0000-4567890"),
    ("wjw", "示范市卫生健康委员会", "卫健委", "0000-12320"),
    ("jyj", "示范市教育局", "教育局", "0000-5678901"),
    ("jtj", "示范市交通运输局", "交通运输局", "0000-12328"),
    ("swj", "国家税务总局示范市税务局", "税务局", "0000-12366"),
    ("nyj", "示范市农业农村局", "农业农村局", "0000-6789012"),
    ("ybj", "示范市医疗保障局", "医保局", "0000-7890123"),
    (
        "gjj",
        "示范市住房公积金管理中心",
        "公积金中心",
        "0000-12329",
    ),
    ("sthj", "示范市生态环境局", "生态环境局", "0000-12369"),
    (
        "wlj",
        "示范市文化广电旅游体育局",
        "文广旅体局",
        "0000-12318",
    ),
    // 信访工作机构: petitions are registered here (`talks::PETITION_DEPARTMENT`).
    ("xfj", "示范市信访局", "信访局", "0000-8123456"),
    // The mayor's office: keeps the leaders' mailboxes.
    ("zfb", "示范市人民政府办公室", "市政府办", "0000-8234567"),
];

/// 领导信箱: (code, name, leader, office department).
const MAILBOXES: &[(&str, &str, &str, &str)] = &[
    ("mayor", "市长信箱", "示范市市长", "zfb"),
    ("vice-mayor", "常务副市长信箱", "示范市常务副市长", "zfb"),
    ("dongcheng", "东城区区长信箱", "示范市东城区区长", "zfb"),
    ("xixian", "西县县长信箱", "示范市西县县长", "zfb"),
];

/// Reply templates the demo departments start with: (department, channel, title, body).
const TEMPLATES: &[(&str, TalkChannel, &str, &str)] = &[
    (
        "scjg",
        TalkChannel::Consultation,
        "营业执照办理指引",
        "您好！办理营业执照可登录本网上办事大厅，在“网上申请”中选择相应事项在线提交，也可到市民服务中心市场监管窗口办理。所需材料以办事指南为准。感谢您的咨询！",
    ),
    (
        "zwfw",
        TalkChannel::Consultation,
        "已转交承办部门",
        "您好！您咨询的问题已转交承办部门，将由其在规定时限内答复。感谢您的咨询！",
    ),
    (
        "xfj",
        TalkChannel::Petition,
        "受理后转办告知",
        "您反映的问题已受理，并转交有权处理的部门办理，办理结果将以书面形式答复您。",
    ),
];

/// (username, display name, kind, department code, roles)
type DemoAccount = (
    &'static str,
    &'static str,
    AccountKind,
    Option<&'static str>,
    &'static [Role],
);

/// The demo accounts of DESIGN.md §5, plus the two other administrators the security bar separates.
pub const ACCOUNTS: &[DemoAccount] = &[
    (
        "citizen1",
        "张晓明",
        AccountKind::Person,
        None,
        &[Role::Citizen],
    ),
    (
        "citizen2",
        "李秀英",
        AccountKind::Person,
        None,
        &[Role::Citizen],
    ),
    (
        "company1",
        "示范市青禾科技有限公司",
        AccountKind::Company,
        None,
        &[Role::Company],
    ),
    (
        "clerk1",
        "王窗口",
        AccountKind::Staff,
        Some("zwfw"),
        &[Role::Clerk],
    ),
    (
        "clerk2",
        "陈窗口",
        AccountKind::Staff,
        Some("gaj"),
        &[Role::Clerk],
    ),
    (
        "reviewer1",
        "赵承办",
        AccountKind::Staff,
        Some("scjg"),
        &[Role::Reviewer],
    ),
    (
        "approver1",
        "钱批准",
        AccountKind::Staff,
        Some("scjg"),
        &[Role::Approver, Role::Head],
    ),
    (
        "supervisor1",
        "孙监察",
        AccountKind::Staff,
        Some("zwfw"),
        &[Role::Supervisor],
    ),
    (
        "admin1",
        "周管理",
        AccountKind::Staff,
        Some("zwfw"),
        &[Role::Admin],
    ),
    (
        "secadmin1",
        "吴安全",
        AccountKind::Staff,
        Some("zwfw"),
        &[Role::SecurityAdmin],
    ),
    (
        "petition1",
        "冯信访",
        AccountKind::Staff,
        Some("xfj"),
        &[Role::Clerk, Role::Head],
    ),
    (
        "office1",
        "卫秘书",
        AccountKind::Staff,
        Some("zfb"),
        &[Role::Clerk],
    ),
    (
        "auditor1",
        "郑审计",
        AccountKind::Staff,
        Some("zwfw"),
        &[Role::AuditAdmin],
    ),
];

/// Made-up identities of the demo citizens and company (region code 990102 of the fictional 示范市,
/// valid check characters): 身份证号 (of the person or the 经办人), mobile, email, credit code.
fn demo_identity(
    username: &str,
) -> Option<(
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
)> {
    match username {
        "citizen1" => Some((
            "990102198005121236",
            "13800000001",
            "citizen1@example.com",
            None,
        )),
        "citizen2" => Some((
            "990102195503082424",
            "13800000002",
            "citizen2@example.com",
            None,
        )),
        "company1" => Some((
            "990102199001013574",
            "13800000003",
            "company1@example.com",
            Some("91990100MA0000001G"),
        )),
        _ => None,
    }
}

/// Loads the demo departments and accounts; accounts that exist are left as they are.
/// Returns the usernames with their roles, for printing.
/// The demo account that already has an authenticator, so that the demo (where other staff sign
/// in with a password) shows the second step; its key is public, like the demo password.
pub const DEMO_TWO_FACTOR_USER: &str = "secadmin1";
pub const DEMO_TOTP_SECRET: &str = "YIZHANDEMOSECADMINTWOFACTORAAAAA";

pub async fn seed(
    db: &DatabaseConnection,
    environment: Environment,
    password: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Vec<(String, String)>> {
    if environment == Environment::Production {
        return Err(ServiceError::Refused(
            "生产环境（YIZHAN_ENV=production）不允许加载演示数据".into(),
        ));
    }
    for (i, (code, name, short_name, phone)) in DEPARTMENTS.iter().enumerate() {
        departments::ensure(
            db,
            &NewDepartment {
                code,
                name,
                short_name,
                phone,
                address: "示范市人民大道1号 市民服务中心",
                sort_order: i as i32,
            },
            now,
        )
        .await?;
    }
    // The 政务服务办 runs the service hall: its window clerks take in for every department.
    departments::set_hall(db, "zwfw").await?;
    for (i, (code, name, leader, office)) in MAILBOXES.iter().enumerate() {
        talks::ensure_mailbox(db, code, name, leader, office, i as i32).await?;
    }
    for (department, channel, title, body) in TEMPLATES {
        talks::add_template(db, department, *channel, title, body, "seed", now).await?;
    }
    let mut printed = Vec::new();
    for (username, display_name, kind, department, roles) in ACCOUNTS {
        let username = Username::parse(username)
            .map_err(|e| ServiceError::Internal(format!("demo username: {e}")))?;
        if users::find_by_username(db, &username).await?.is_none() {
            let created = users::create(
                db,
                NewUser {
                    username: username.clone(),
                    display_name: display_name.to_string(),
                    kind: *kind,
                    department_code: department.map(str::to_string),
                    roles: roles.to_vec(),
                    password: password.to_string(),
                    email: demo_identity(username.as_str()).map(|d| d.2.to_string()),
                    mobile: demo_identity(username.as_str()).map(|d| d.1.to_string()),
                    identity: demo_identity(username.as_str())
                        .map(|(id, _, _, credit)| Identity {
                            id_number: credit.is_none().then(|| id.to_string()),
                            credit_code: credit.map(str::to_string),
                            agent_name: credit.map(|_| "赵经办".to_string()),
                            agent_id_number: credit.map(|_| id.to_string()),
                        })
                        .unwrap_or_default(),
                },
                "seed",
                now,
            )
            .await?;
            if username.as_str() == DEMO_TWO_FACTOR_USER {
                two_factor::enrol(db, created.id, DEMO_TOTP_SECRET, 0, now).await?;
            }
        }
        let role_names: Vec<&str> = roles.iter().map(|r| r.name_zh()).collect();
        printed.push((username.to_string(), role_names.join("、")));
    }
    Ok(printed)
}
