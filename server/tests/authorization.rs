//! 授权矩阵 (authorisation matrix): every role against every kind of record, through every door
//! that reads or changes one — REST endpoints, browser form posts, server functions and pages — on
//! the router answered in-process (`oneshot`) over a fresh SQLite database with the demo accounts
//! and the demo catalogue. Depends on the `yizhan` router and `app`'s backend (for seeding, the
//! demo's authenticator key and one card row); nothing else.
//!
//! What it proves (DESIGN.md §6): every record is checked against its owner on the server — no
//! reading another person's application, draft, upload, question, petition or letter by changing an
//! id — and the staff roles are kept apart: a department sees its own cases, the hall's window
//! takes in for all, the supervisor watches, and the system, security and audit administrators
//! each do their own work and nothing else (`Role::AuditAdmin`: "reads the audit log, and nothing
//! else").
//!
//! The columns are the callers: a visitor, the record's owner (citizen1), another citizen, the
//! hall's window clerk, the reviewer and the approver of the department leading the case (市场监管局),
//! window staff of three other departments (公安局, 信访局, 市政府办), the supervisor, and the system,
//! security and audit administrators. The rows are the doors, each built from a record made first
//! through the real API.
//!
//! Every cell can fail both ways. An allowed caller must get the record: a 2xx showing its number or
//! its marker text, the PDF, the redirect saying `done=`. Where the record is shared by later rows
//! and must not change, the row is a *probe*: the request leaves out one required input, so an
//! allowed caller gets past every permission check and is stopped only by the message about that
//! input (which comes after all of them in the code) — nothing is written. Where a change is the
//! point (accept, withdraw, claim, reply…), each cell gets a fresh record of its own. A refused
//! caller must get 401, 403 or 404 (lists, pages and form posts may instead answer without the
//! record), and no refused answer may carry the record's private data (身份证号, query code, the
//! text written). Every disagreement is collected, and the run prints the whole grid, so one run
//! shows every hole.

mod common;

use app::backend::entities::{application, card, clock};
use app::backend::files::LocalFiles;
use app::backend::state::{AppState, Environment};
use app::backend::testing::TestDb;
use app::domain::site::SiteInfo;
use app::layouts::prefs::{decode_component, encode_component};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::Router;
use common::item_form::item_form;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;

const PASSWORD: &str = "Yizhan@2026";
const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";

/// 食品经营许可: led by 市场监管局 (scjg), where reviewer1 and approver1 work; the hall (zwfw) takes
/// it in; 公安局's clerk2 has nothing to do with it. Two steps (审查 by a reviewer, 批准 by an
/// approver), so a case can be carried to 办结 and its certificate.
const CASE_ITEM: &str = "990100-XK-0013";
/// A 公安局 item the owner keeps a draft of (a different item: a REST submission of `CASE_ITEM`
/// goes through that item's draft and would consume it).
const DRAFT_ITEM: &str = "990100-XK-0006";
/// The item the catalogue rows edit (as http.rs's catalogue test does).
const EDITED_ITEM: &str = "990100-QR-0001";
/// An item no other row touches, for the retirement row.
const RETIRED_ITEM: &str = "990100-XK-0060";

/// citizen1 as the demo seeds them (`app::backend::demo`).
const OWNER_NAME: &str = "张晓明";
const OWNER_ID: &str = "990102198005121236";
const OWNER_MOBILE: &str = "13800000001";
const OWNER_EMAIL: &str = "citizen1@example.com";

/// Texts found nowhere else on the site: a refused answer that contains one has leaked the record.
const REQUEST_MARK: &str = "矩阵用例甲：社区便利店申请食品经营许可";
const DRAFT_MARK: &str = "矩阵用例乙：尚未提交的驾驶证换证说明";
const C_SUBJECT: &str = "矩阵用例丙：便利店的食品经营许可要多久";
const C_BODY: &str = "矩阵用例丙：请问社区便利店办理食品经营许可需要多少个工作日？";
const G_SUBJECT: &str = "矩阵用例丁：不知道该找哪个部门";
const G_BODY: &str = "矩阵用例丁：想在小区开一家早餐店，请问先去哪个窗口？";
const P_SUBJECT: &str = "矩阵用例戊：楼下餐馆油烟扰民";
const P_BODY: &str = "矩阵用例戊：楼下餐馆每天油烟直排，多次反映无果，请求处理。";
const L_SUBJECT: &str = "矩阵用例己：建议延长市民中心周末开放时间";
const L_BODY: &str = "矩阵用例己：上班族只能周末办事，建议周六全天开放。";

// ---------- who ----------

/// A column of the matrix: who knocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    /// No session at all.
    Anonymous,
    /// citizen1: every citizen record below is theirs.
    Owner,
    /// citizen2: a citizen like the owner, with no claim on the owner's records.
    OtherCitizen,
    /// clerk1, 政务服务办 (the service hall): takes in and accepts for every department.
    HallClerk,
    /// reviewer1, 市场监管局: the case's lead department, its review step.
    LeadReviewer,
    /// approver1, 市场监管局: approver and department head.
    LeadApprover,
    /// clerk2, 公安局: a window clerk of a department with no part in these records.
    OtherDeptClerk,
    /// petition1, 信访局: clerk and head of the office that registers petitions.
    PetitionOffice,
    /// office1, 市政府办: keeps the mayor's mailbox.
    MayorsOffice,
    /// supervisor1: 电子监察, every department.
    Supervisor,
    /// admin1: 系统管理员 — catalogue, forms, processes; no cases, no conversations.
    SystemAdmin,
    /// secadmin1: 安全管理员 — accounts, locks, authenticators (the demo account with TOTP).
    SecurityAdmin,
    /// auditor1: 审计管理员 — the audit log, and nothing else.
    AuditAdmin,
}

use Who::*;

impl Who {
    const ALL: [Who; 13] = [
        Anonymous,
        Owner,
        OtherCitizen,
        HallClerk,
        LeadReviewer,
        LeadApprover,
        OtherDeptClerk,
        PetitionOffice,
        MayorsOffice,
        Supervisor,
        SystemAdmin,
        SecurityAdmin,
        AuditAdmin,
    ];

    fn username(self) -> Option<&'static str> {
        match self {
            Anonymous => None,
            Owner => Some("citizen1"),
            OtherCitizen => Some("citizen2"),
            HallClerk => Some("clerk1"),
            LeadReviewer => Some("reviewer1"),
            LeadApprover => Some("approver1"),
            OtherDeptClerk => Some("clerk2"),
            PetitionOffice => Some("petition1"),
            MayorsOffice => Some("office1"),
            Supervisor => Some("supervisor1"),
            SystemAdmin => Some("admin1"),
            SecurityAdmin => Some("secadmin1"),
            AuditAdmin => Some("auditor1"),
        }
    }

    /// The column heading of the printed grid (at most 6 characters).
    fn short(self) -> &'static str {
        match self {
            Anonymous => "anon",
            Owner => "owner",
            OtherCitizen => "cit2",
            HallClerk => "hall",
            LeadReviewer => "rev",
            LeadApprover => "appr",
            OtherDeptClerk => "gaj",
            PetitionOffice => "xfj",
            MayorsOffice => "zfb",
            Supervisor => "sup",
            SystemAdmin => "admin",
            SecurityAdmin => "sec",
            AuditAdmin => "audit",
        }
    }

    fn label(self) -> String {
        match self.username() {
            Some(u) => format!("{:?} ({u})", self),
            None => "Anonymous".to_string(),
        }
    }
}

const NOBODY: &[Who] = &[];
const EVERYONE: &[Who] = &Who::ALL;
/// Who may read a case: its applicant; the hall (综合窗口 takes in for every department); the
/// staff of the department leading it; the supervisor (电子监察 drills down to cases). The three
/// administrators are staff too, and sit in the hall's department (zwfw), but handle no cases:
/// DESIGN.md §6 separates their roles, so none of them is here.
const CASE_READERS: &[Who] = &[Owner, HallClerk, LeadReviewer, LeadApprover, Supervisor];
const CASE_STAFF: &[Who] = &[HallClerk, LeadReviewer, LeadApprover, Supervisor];
/// Who may read the owner's question about `CASE_ITEM`: the writer, the department it was routed
/// to (市场监管局), and the supervisor.
const QUESTION_READERS: &[Who] = &[Owner, LeadReviewer, LeadApprover, Supervisor];

// ---------- the records ----------

#[derive(Clone, Debug, Default)]
struct Case {
    case_no: String,
    query_code: String,
    version: i64,
}

#[derive(Clone, Debug, Default)]
struct Talk {
    ref_no: String,
    query_code: String,
    version: i64,
}

/// Everything the rows are built from, made through the real API before the matrix runs.
struct Records {
    /// citizen1's uploaded scan (an 上传文件 record), attached to every case below.
    file_id: i64,
    /// Case A: submitted by citizen1, waiting for the hall to accept it; has a yellow card. Rows
    /// on it never change it (reads and probes).
    case: Case,
    /// Case A's first material, as staff open it.
    material_id: i64,
    /// Case B: carried through 受理, 审查, 准予 and 办结 — it has a signed certificate.
    concluded: Case,
    certificate: String,
    /// citizen1's question about `CASE_ITEM` (routed to 市场监管局).
    consultation: Talk,
    /// citizen1's general question (no item: the service hall dispatches it).
    general: Talk,
    /// citizen1's petition (registered with 信访局).
    petition: Talk,
    /// citizen1's letter to the mayor, with one attachment (kept by 市政府办).
    letter: Talk,
    letter_file: i64,
    /// The fresh record of the cell being tried, for rows that change their record.
    fresh: Fresh,
}

#[derive(Default)]
struct Fresh {
    case: Case,
    card: i32,
    talk: Talk,
}

/// What a row that changes its record needs afresh before each cell: one cell's success must not
/// turn the next cell's request into a different question (a stale version, an already-claimed
/// case), and a hole in one cell must not spill into the next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Make {
    /// A case of citizen1's, just submitted.
    Case,
    /// The same, with a yellow card on its acceptance clock.
    CaseWithCard,
    /// An anonymous question about `CASE_ITEM`, waiting for 市场监管局's answer.
    Question,
}

// ---------- the rows ----------

/// How a door answers, and so what counts as "let in" and what as "refused".
#[derive(Clone, Copy, Debug)]
enum Look {
    /// JSON or a server function's answer: let in = 2xx showing `shows`; refused = 401/403/404.
    Json,
    /// A list, or a lookup that answers "nothing" (`null`, an empty list) rather than "no": let in
    /// = 2xx showing `shows`; refused = 401/403/404, or a 2xx without it.
    Listed,
    /// A file: let in = 200 with a content type containing this; refused = 401/403/404.
    File(&'static str),
    /// A probe: let in = exactly this status with `shows` (the message about the input left out,
    /// which the code checks only after every permission); refused = 401/403/404.
    Probe(u16),
    /// A page: let in = 200 showing `shows`. Pages draw a refusal as a notice in a 200 page
    /// ("无权访问", "没有找到") or redirect to the login, so refused = 401/403/404, a redirect to
    /// `/login`, or a 200 without `shows` — the private data check below does the real work.
    Page,
    /// A browser form post: let in = a redirect whose (decoded) Location contains `shows`;
    /// refused = 401/403/404 or a redirect elsewhere (`?error=…`, the login).
    Form,
    /// Like `Json`, but a refusal may also read as invalid input (422): naming another person's
    /// upload is "找不到这个已上传的文件", exactly as for one that does not exist.
    JsonOr422,
    /// Public by design: let in = 2xx showing `shows` and none of the private data.
    Public,
}

/// A row of the matrix.
struct Door {
    /// Record type, door, method and path — what a failure message names.
    what: &'static str,
    request: fn(&Records) -> Request<Body>,
    /// Who must be let in; everyone else must be refused.
    allowed: &'static [Who],
    look: Look,
    /// What a let-in answer shows ("" for nothing in particular).
    shows: fn(&Records) -> String,
    /// What a refused answer must never carry.
    private: fn(&Records) -> Vec<String>,
    make: Option<Make>,
}

fn door(
    what: &'static str,
    allowed: &'static [Who],
    look: Look,
    request: fn(&Records) -> Request<Body>,
) -> Door {
    Door {
        what,
        request,
        allowed,
        look,
        shows: |_: &Records| String::new(),
        private: nothing,
        make: None,
    }
}

impl Door {
    fn shows(mut self, shows: fn(&Records) -> String) -> Door {
        self.shows = shows;
        self
    }

    fn private(mut self, private: fn(&Records) -> Vec<String>) -> Door {
        self.private = private;
        self
    }

    fn fresh(mut self, make: Make) -> Door {
        self.make = Some(make);
        self
    }
}

fn nothing(_: &Records) -> Vec<String> {
    Vec::new()
}

fn case_no(r: &Records) -> String {
    r.case.case_no.clone()
}

/// Case A as a row of a list: lists echo the search, so the number alone would be found in any
/// answer, even an empty list.
fn listed_case(r: &Records) -> String {
    format!("\"case_no\":\"{}\"", r.case.case_no)
}

/// A conversation as a row of a list (see [`listed_case`]).
fn listed_ref(ref_no: &str) -> String {
    format!("\"ref_no\":\"{ref_no}\"")
}

/// Case A's private data: the applicant's 身份证号, the query code, the text of the request.
fn case_private(r: &Records) -> Vec<String> {
    vec![
        OWNER_ID.to_string(),
        r.case.query_code.clone(),
        REQUEST_MARK.to_string(),
    ]
}

fn concluded_private(r: &Records) -> Vec<String> {
    vec![OWNER_ID.to_string(), r.concluded.query_code.clone()]
}

fn consultation_private(r: &Records) -> Vec<String> {
    vec![
        C_SUBJECT.into(),
        C_BODY.into(),
        r.consultation.query_code.clone(),
    ]
}

fn general_private(r: &Records) -> Vec<String> {
    vec![
        G_SUBJECT.into(),
        G_BODY.into(),
        r.general.query_code.clone(),
    ]
}

fn petition_private(r: &Records) -> Vec<String> {
    vec![
        P_SUBJECT.into(),
        P_BODY.into(),
        r.petition.query_code.clone(),
        OWNER_ID.into(),
    ]
}

fn letter_private(r: &Records) -> Vec<String> {
    vec![L_SUBJECT.into(), L_BODY.into(), r.letter.query_code.clone()]
}

/// A query code that is certainly not the right one (the right one with its first digit changed).
fn wrong_code(code: &str) -> String {
    let mut chars: Vec<char> = code.chars().collect();
    if let Some(first) = chars.first_mut() {
        *first = if *first == '0' { '1' } else { '0' };
    }
    chars.into_iter().collect()
}

/// The rows. Order matters only where a row changes a shared record on purpose: such a row comes
/// after every row that reads that record's version (noted where it happens).
fn doors() -> Vec<Door> {
    vec![
        // ---------- 办件 (applications): case A ----------
        door(
            "application: list (GET /api/v1/applications?queue=all&q=A)",
            CASE_READERS,
            Look::Listed,
            |r: &Records| {
                api_get(&format!(
                    "/api/v1/applications?queue=all&q={}",
                    r.case.case_no
                ))
            },
        )
        .shows(listed_case)
        .private(case_private),
        door(
            "application: staff queue (POST /sf/staff_queue queue=all q=A)",
            CASE_STAFF,
            Look::Listed,
            |r: &Records| sf("staff_queue", &[("queue", "all"), ("q", &r.case.case_no)]),
        )
        .shows(listed_case)
        .private(case_private),
        door(
            "application: one (GET /api/v1/applications/{case_no})",
            CASE_READERS,
            Look::Json,
            |r: &Records| api_get(&format!("/api/v1/applications/{}", r.case.case_no)),
        )
        .shows(case_no)
        .private(case_private),
        door(
            "application: staff view (POST /sf/staff_case)",
            CASE_STAFF,
            Look::Json,
            |r: &Records| sf("staff_case", &[("case_no", &r.case.case_no)]),
        )
        .shows(|_: &Records| OWNER_ID.to_string())
        .private(case_private),
        door(
            "application: owner's view (POST /sf/my_case)",
            &[Owner],
            Look::Listed,
            |r: &Records| sf("my_case", &[("case_no", &r.case.case_no)]),
        )
        .shows(|r: &Records| r.case.query_code.clone())
        .private(case_private),
        door(
            "application: the applicant's space (POST /sf/my_space)",
            &[Owner],
            Look::Listed,
            |_: &Records| sf("my_space", &[]),
        )
        .shows(case_no)
        .private(case_private),
        door(
            "application: staff case page (GET /staff/cases/{case_no})",
            CASE_STAFF,
            Look::Page,
            |r: &Records| page(&format!("/staff/cases/{}", r.case.case_no)),
        )
        .shows(|_: &Records| OWNER_ID.to_string())
        .private(case_private),
        door(
            "application: applicant's case page (GET /my/{case_no})",
            &[Owner],
            Look::Page,
            |r: &Records| page(&format!("/my/{}", r.case.case_no)),
        )
        .shows(|r: &Records| r.case.query_code.clone())
        .private(case_private),
        door(
            "application: receipt PDF (GET /api/v1/applications/{case_no}/documents/receipt.pdf)",
            CASE_READERS,
            Look::File("application/pdf"),
            |r: &Records| {
                api_get(&format!(
                    "/api/v1/applications/{}/documents/receipt.pdf",
                    r.case.case_no
                ))
            },
        )
        .private(case_private),
        door(
            "application: receipt PDF (GET /my/{case_no}/receipt.pdf)",
            &[Owner],
            Look::File("application/pdf"),
            |r: &Records| api_get(&format!("/my/{}/receipt.pdf", r.case.case_no)),
        )
        .private(case_private),
        door(
            "uploaded file: a case's material (GET /staff/files/{material_id})",
            CASE_STAFF,
            Look::File("application/pdf"),
            |r: &Records| api_get(&format!("/staff/files/{}", r.material_id)),
        )
        .private(case_private),
        // Probe: 不予受理 without the reason the law requires. Only the hall's clerk gets past the
        // role (CLERK), department (in_charge: a counter action) and step checks to the message.
        door(
            "application: refuse-acceptance probe (POST /api/v1/applications/{case_no}/actions)",
            &[HallClerk],
            Look::Probe(422),
            |r: &Records| {
                api_post(
                    &format!("/api/v1/applications/{}/actions", r.case.case_no),
                    json!({"action": "refuse_acceptance", "version": r.case.version}),
                )
            },
        )
        .shows(|_: &Records| "须写明理由".to_string())
        .private(case_private),
        door(
            "application: refuse-acceptance probe (POST /staff/cases/{case_no}/act, form)",
            &[HallClerk],
            Look::Form,
            |r: &Records| {
                multipart(
                    &format!("/staff/cases/{}/act", r.case.case_no),
                    &[
                        ("action", "refuse_acceptance"),
                        ("version", &r.case.version.to_string()),
                    ],
                    &[],
                )
            },
        )
        .shows(|_: &Records| "须写明理由".to_string())
        .private(case_private),
        door(
            "application: accept (POST /api/v1/applications/{case_no}/actions, fresh case)",
            &[HallClerk],
            Look::Json,
            |r: &Records| {
                api_post(
                    &format!("/api/v1/applications/{}/actions", r.fresh.case.case_no),
                    json!({"action": "accept", "version": r.fresh.case.version}),
                )
            },
        )
        .shows(|_: &Records| "under_review".to_string())
        .fresh(Make::Case),
        door(
            "application: accept (POST /staff/cases/{case_no}/act, form, fresh case)",
            &[HallClerk],
            Look::Form,
            |r: &Records| {
                multipart(
                    &format!("/staff/cases/{}/act", r.fresh.case.case_no),
                    &[
                        ("action", "accept"),
                        ("version", &r.fresh.case.version.to_string()),
                    ],
                    &[],
                )
            },
        )
        .shows(|_: &Records| "done=accept".to_string())
        .fresh(Make::Case),
        door(
            "application: withdraw (POST /api/v1/applications/{case_no}/actions, fresh case)",
            &[Owner],
            Look::Json,
            |r: &Records| {
                api_post(
                    &format!("/api/v1/applications/{}/actions", r.fresh.case.case_no),
                    json!({"action": "withdraw", "version": r.fresh.case.version}),
                )
            },
        )
        .shows(|_: &Records| "withdrawn".to_string())
        .fresh(Make::Case),
        door(
            "application: withdraw (POST /sf/withdraw, fresh case)",
            &[Owner],
            Look::Json,
            |r: &Records| {
                sf(
                    "withdraw",
                    &[
                        ("case_no", &r.fresh.case.case_no),
                        ("version", &r.fresh.case.version.to_string()),
                    ],
                )
            },
        )
        .fresh(Make::Case),
        // 认领: the staff who handle the case. A supervisor watches cases and does not take them;
        // the administrators handle none (`Role::handles_cases`).
        door(
            "application: claim (POST /staff/cases/{case_no}/claim, fresh case)",
            &[HallClerk, LeadReviewer, LeadApprover],
            Look::Form,
            |r: &Records| form(&format!("/staff/cases/{}/claim", r.fresh.case.case_no), &[]),
        )
        .shows(|_: &Records| "done=claim".to_string())
        .fresh(Make::Case),
        // 分派: a head of the lead department, to one of its own staff. petition1 is a head too,
        // of another department.
        door(
            "application: assign (POST /staff/cases/{case_no}/assign, fresh case)",
            &[LeadApprover],
            Look::Form,
            |r: &Records| {
                form(
                    &format!("/staff/cases/{}/assign", r.fresh.case.case_no),
                    &[("username", "reviewer1")],
                )
            },
        )
        .shows(|_: &Records| "done=assign".to_string())
        .fresh(Make::Case),
        // Probe: the owner may rate only a concluded case; the refusal comes after the ownership
        // check, so only the owner reaches it.
        door(
            "application: rating probe before 办结 (POST /api/v1/ratings)",
            &[Owner],
            Look::Probe(422),
            |r: &Records| api_post("/api/v1/ratings", json!({"case_no": r.case.case_no, "level": 5})),
        )
        .shows(|_: &Records| "办结后才能评价".to_string())
        .private(case_private),
        // 结果反馈 without login: a wrong code opens nothing, for anyone — the owner included.
        door(
            "status lookup: wrong query code (GET /api/v1/status/{case_no}?query_code=)",
            NOBODY,
            Look::Json,
            |r: &Records| {
                api_get(&format!(
                    "/api/v1/status/{}?query_code={}",
                    r.case.case_no,
                    wrong_code(&r.case.query_code)
                ))
            },
        )
        .private(case_private),
        door(
            "status lookup: wrong query code (POST /sf/status)",
            NOBODY,
            Look::Listed,
            |r: &Records| {
                sf(
                    "status",
                    &[
                        ("case_no", &r.case.case_no),
                        ("query_code", &wrong_code(&r.case.query_code)),
                    ],
                )
            },
        )
        .shows(case_no)
        .private(case_private),
        // The right pair opens the public view for anyone, without the code or the 身份证号.
        door(
            "status lookup: right query code (GET /api/v1/status/{case_no}?query_code=)",
            EVERYONE,
            Look::Public,
            |r: &Records| {
                api_get(&format!(
                    "/api/v1/status/{}?query_code={}",
                    r.case.case_no, r.case.query_code
                ))
            },
        )
        .shows(|_: &Records| "食品经营许可".to_string())
        .private(case_private),
        // Another person's upload id in an application: only its owner may attach it. (The owner's
        // cell submits a real case; the key is fixed, and no one else's cell records it.)
        door(
            "uploaded file: attached to an application (POST /api/v1/applications, citizen1's file_id)",
            &[Owner],
            Look::JsonOr422,
            |r: &Records| {
                let mut req = api_post("/api/v1/applications", application(r.file_id));
                req.headers_mut().insert(
                    "idempotency-key",
                    HeaderValue::from_static("authz-upload-door-0001"),
                );
                req
            },
        )
        .shows(|_: &Records| "case_no".to_string()),
        door(
            "draft: apply form with the saved draft (POST /sf/apply_form)",
            &[Owner],
            Look::Listed,
            |_: &Records| sf("apply_form", &[("item_code", DRAFT_ITEM)]),
        )
        .shows(|_: &Records| DRAFT_MARK.to_string())
        .private(|_: &Records| vec![DRAFT_MARK.to_string()]),
        // The apply page draws the saved text back into its textarea.
        door(
            "draft: apply page (GET /apply/{item_code})",
            &[Owner],
            Look::Page,
            |_: &Records| page(&format!("/apply/{DRAFT_ITEM}")),
        )
        .shows(|_: &Records| DRAFT_MARK.to_string())
        .private(|_: &Records| vec![DRAFT_MARK.to_string()]),
        // 窗口收件 looks a person up by 身份证号 and fills the form from their account. The counter
        // must take the item in: `casework::intake` refuses a counter whose department does not
        // (`in_charge`), so the form for that item should not hand out the person's contact either.
        door(
            "applicant's profile: intake lookup by 身份证号 (POST /sf/intake_form)",
            &[HallClerk],
            Look::Json,
            |_: &Records| sf("intake_form", &[("item_code", CASE_ITEM), ("lookup", OWNER_ID)]),
        )
        .shows(|_: &Records| OWNER_EMAIL.to_string())
        .private(|_: &Records| vec![OWNER_EMAIL.to_string(), OWNER_MOBILE.to_string()]),
        // ---------- 办结的办件与电子证照: case B ----------
        door(
            "certificate: PDF (GET /api/v1/applications/{case_no}/documents/certificate.pdf)",
            CASE_READERS,
            Look::File("application/pdf"),
            |r: &Records| {
                api_get(&format!(
                    "/api/v1/applications/{}/documents/certificate.pdf",
                    r.concluded.case_no
                ))
            },
        )
        .private(concluded_private),
        // 证照核验 is public; the holder's number is masked in what it shows.
        door(
            "certificate: check (GET /api/v1/certificates/{code})",
            EVERYONE,
            Look::Public,
            |r: &Records| api_get(&format!("/api/v1/certificates/{}", r.certificate)),
        )
        .shows(|_: &Records| "\"valid\"".to_string())
        .private(|_: &Records| vec![OWNER_ID.to_string()]),
        // Probe: an impossible level is refused after the ownership and 办结 checks.
        door(
            "application: rating probe after 办结 (POST /sf/rate level=9)",
            &[Owner],
            Look::Probe(422),
            |r: &Records| {
                sf(
                    "rate",
                    &[
                        ("case_no", &r.concluded.case_no),
                        ("level", "9"),
                        ("comment", ""),
                    ],
                )
            },
        )
        .shows(|_: &Records| "请选择一个评价等级".to_string())
        .private(concluded_private),
        door(
            "application: rating (POST /api/v1/ratings, concluded case)",
            &[Owner],
            Look::Json,
            |r: &Records| {
                api_post(
                    "/api/v1/ratings",
                    json!({"case_no": r.concluded.case_no, "level": 5}),
                )
            },
        )
        .private(concluded_private),
        // Probe: 注销 without a reason. Only an approver of the issuing department gets past
        // `casework::revoke_certificate`'s checks to `certificates::revoke`'s message.
        door(
            "certificate: revoke probe (POST /staff/cases/{case_no}/revoke, no reason)",
            &[LeadApprover],
            Look::Form,
            |r: &Records| {
                form(
                    &format!("/staff/cases/{}/revoke", r.concluded.case_no),
                    &[("code", &r.certificate), ("reason", "")],
                )
            },
        )
        .shows(|_: &Records| "请写明注销理由".to_string())
        .private(concluded_private),
        // ---------- 网上咨询: the owner's question to 市场监管局 ----------
        door(
            "consultation: one (GET /api/v1/consultations/{ref_no})",
            QUESTION_READERS,
            Look::Json,
            |r: &Records| api_get(&format!("/api/v1/consultations/{}", r.consultation.ref_no)),
        )
        .shows(|_: &Records| C_SUBJECT.to_string())
        .private(consultation_private),
        door(
            "consultation: one (POST /sf/talk_view)",
            QUESTION_READERS,
            Look::Json,
            |r: &Records| sf("talk_view", &[("ref_no", &r.consultation.ref_no)]),
        )
        .shows(|_: &Records| C_SUBJECT.to_string())
        .private(consultation_private),
        door(
            "consultation: writer's page (GET /talk/{ref_no})",
            QUESTION_READERS,
            Look::Page,
            |r: &Records| page(&format!("/talk/{}", r.consultation.ref_no)),
        )
        .shows(|_: &Records| C_SUBJECT.to_string())
        .private(consultation_private),
        door(
            "consultation: staff page (GET /staff/talks/{ref_no})",
            // The writer is shown 无权访问 for the staff page, but the page's data is loaded as
            // its viewer, and for the writer that is their own question.
            &[Owner, LeadReviewer, LeadApprover, Supervisor],
            Look::Page,
            |r: &Records| page(&format!("/staff/talks/{}", r.consultation.ref_no)),
        )
        .shows(|_: &Records| C_SUBJECT.to_string())
        .private(consultation_private),
        // Probe: an empty answer. Only the handling department gets past may-see, version and
        // who-may (Handler) to the missing text.
        door(
            "consultation: reply probe (POST /api/v1/consultations/{ref_no}/actions, empty text)",
            &[LeadReviewer, LeadApprover],
            Look::Probe(422),
            |r: &Records| {
                api_post(
                    &format!("/api/v1/consultations/{}/actions", r.consultation.ref_no),
                    json!({"action": "reply", "version": r.consultation.version, "text": ""}),
                )
            },
        )
        .shows(|_: &Records| "请填写答复内容".to_string())
        .private(consultation_private),
        // Probe: the writer rating before an answer. Only the writer gets past who-may (Writer).
        door(
            "consultation: writer's rating probe (POST /api/v1/consultations/{ref_no}/actions)",
            &[Owner],
            Look::Probe(422),
            |r: &Records| {
                api_post(
                    &format!("/api/v1/consultations/{}/actions", r.consultation.ref_no),
                    json!({"action": "rate", "version": r.consultation.version}),
                )
            },
        )
        .shows(|_: &Records| "收到答复后才能评价".to_string())
        .private(consultation_private),
        door(
            "consultation: reply (POST /api/v1/consultations/{ref_no}/actions, fresh question)",
            &[LeadReviewer, LeadApprover],
            Look::Json,
            |r: &Records| {
                api_post(
                    &format!("/api/v1/consultations/{}/actions", r.fresh.talk.ref_no),
                    json!({"action": "reply", "version": r.fresh.talk.version,
                           "text": "您好，请携带营业执照和经营场所证明到市场监管窗口办理。"}),
                )
            },
        )
        .shows(|_: &Records| "answered".to_string())
        .fresh(Make::Question),
        // Changes the question's version: the last row on it.
        door(
            "consultation: writer consents to publication (POST /talk/{ref_no}/act, form)",
            &[Owner],
            Look::Form,
            |r: &Records| {
                form(
                    &format!("/talk/{}/act", r.consultation.ref_no),
                    &[
                        ("action", "consent"),
                        ("version", &r.consultation.version.to_string()),
                    ],
                )
            },
        )
        .shows(|_: &Records| "done=consent".to_string())
        .private(consultation_private),
        // ---------- 网上咨询: the owner's general question, dispatched by the service hall ----------
        door(
            "consultation (not routed): one (GET /api/v1/consultations/{ref_no})",
            &[Owner, HallClerk, Supervisor],
            Look::Json,
            |r: &Records| api_get(&format!("/api/v1/consultations/{}", r.general.ref_no)),
        )
        .shows(|_: &Records| G_SUBJECT.to_string())
        .private(general_private),
        door(
            "consultation (not routed): staff queue (GET /api/v1/consultations?queue=open&q=)",
            &[HallClerk, Supervisor],
            Look::Listed,
            |r: &Records| {
                api_get(&format!(
                    "/api/v1/consultations?queue=open&q={}",
                    r.general.ref_no
                ))
            },
        )
        .shows(|r: &Records| listed_ref(&r.general.ref_no))
        .private(general_private),
        door(
            "consultation (not routed): staff queue (POST /sf/talk_queue)",
            &[HallClerk, Supervisor],
            Look::Listed,
            |r: &Records| {
                sf(
                    "talk_queue",
                    &[
                        ("channel", "consultation"),
                        ("queue", "open"),
                        ("q", &r.general.ref_no),
                    ],
                )
            },
        )
        .shows(|r: &Records| listed_ref(&r.general.ref_no))
        .private(general_private),
        // Probe: an empty answer to the general question. The hall dispatches and answers what
        // is not routed yet (its window clerks); a supervisor watches and does not answer.
        door(
            "consultation (not routed): reply probe (POST /api/v1/consultations/{ref_no}/actions, empty text)",
            &[HallClerk],
            Look::Probe(422),
            |r: &Records| {
                api_post(
                    &format!("/api/v1/consultations/{}/actions", r.general.ref_no),
                    json!({"action": "reply", "version": r.general.version, "text": ""}),
                )
            },
        )
        .shows(|_: &Records| "请填写答复内容".to_string())
        .private(general_private),
        // ---------- 网上信访 ----------
        door(
            "petition: one (GET /api/v1/petitions/{ref_no})",
            &[Owner, PetitionOffice, Supervisor],
            Look::Json,
            |r: &Records| api_get(&format!("/api/v1/petitions/{}", r.petition.ref_no)),
        )
        .shows(|_: &Records| P_SUBJECT.to_string())
        .private(petition_private),
        // Petitions are never public: the writer sees their own, 信访局 its queue.
        door(
            "petition: list (GET /api/v1/petitions?queue=open&q=)",
            &[Owner, PetitionOffice],
            Look::Listed,
            |r: &Records| {
                api_get(&format!(
                    "/api/v1/petitions?queue=open&q={}",
                    r.petition.ref_no
                ))
            },
        )
        .shows(|r: &Records| listed_ref(&r.petition.ref_no))
        .private(petition_private),
        door(
            "petition: refuse probe (POST /api/v1/petitions/{ref_no}/actions, no reason)",
            &[PetitionOffice],
            Look::Probe(422),
            |r: &Records| {
                api_post(
                    &format!("/api/v1/petitions/{}/actions", r.petition.ref_no),
                    json!({"action": "refuse", "version": r.petition.version}),
                )
            },
        )
        .shows(|_: &Records| "请写明不予受理的理由".to_string())
        .private(petition_private),
        // Probe: consent is the writer's (who-may = Writer), and a petition is never published.
        door(
            "petition: writer's consent probe (POST /api/v1/petitions/{ref_no}/actions)",
            &[Owner],
            Look::Probe(422),
            |r: &Records| {
                api_post(
                    &format!("/api/v1/petitions/{}/actions", r.petition.ref_no),
                    json!({"action": "consent", "version": r.petition.version}),
                )
            },
        )
        .shows(|_: &Records| "依法不公开".to_string())
        .private(petition_private),
        door(
            "petition: writer's own list (POST /sf/my_talks)",
            &[Owner],
            Look::Listed,
            |_: &Records| sf("my_talks", &[]),
        )
        .shows(|r: &Records| r.petition.ref_no.clone())
        .private(petition_private),
        // ---------- 领导信箱 ----------
        door(
            "letter: one (GET /api/v1/mailbox-letters/{ref_no})",
            &[Owner, MayorsOffice, Supervisor],
            Look::Json,
            |r: &Records| api_get(&format!("/api/v1/mailbox-letters/{}", r.letter.ref_no)),
        )
        .shows(|_: &Records| L_SUBJECT.to_string())
        .private(letter_private),
        door(
            "uploaded file: letter attachment (GET /talk/{ref_no}/files/{upload_id})",
            &[Owner, MayorsOffice, Supervisor],
            Look::File("application/pdf"),
            |r: &Records| api_get(&format!("/talk/{}/files/{}", r.letter.ref_no, r.letter_file)),
        )
        .private(letter_private),
        // Probe: 交办 without naming the department. Only the mailbox's office gets past who-may
        // (Office) to the missing choice.
        door(
            "letter: transfer probe (POST /api/v1/mailbox-letters/{ref_no}/actions, no department)",
            &[MayorsOffice],
            Look::Probe(422),
            |r: &Records| {
                api_post(
                    &format!("/api/v1/mailbox-letters/{}/actions", r.letter.ref_no),
                    json!({"action": "transfer", "version": r.letter.version}),
                )
            },
        )
        .shows(|_: &Records| "请选择要转交的部门".to_string())
        .private(letter_private),
        // ---------- 电子监察 ----------
        door(
            "supervision: summary (GET /api/v1/supervision/summary)",
            &[Supervisor],
            Look::Json,
            |_: &Records| api_get("/api/v1/supervision/summary?preset=12m"),
        )
        .shows(|_: &Records| "departments".to_string()),
        // A struct argument is posted as `asked[preset]` (serde_qs), like save_item's `form[...]`.
        door(
            "supervision: summary (POST /sf/supervision_summary)",
            &[Supervisor],
            Look::Json,
            |_: &Records| sf("supervision_summary", &[("asked[preset]", "12m")]),
        )
        .shows(|_: &Records| "departments".to_string()),
        door(
            "supervision: summary export (GET /api/v1/supervision/export.xlsx?table=summary)",
            &[Supervisor],
            Look::File("spreadsheetml"),
            |_: &Records| api_get("/api/v1/supervision/export.xlsx?table=summary&preset=12m"),
        ),
        // Cards: the supervisor sees every department's, a department's staff their own (case A
        // is 市场监管局's); the administrators see none.
        door(
            "supervision: cards (GET /api/v1/supervision/cards)",
            &[LeadReviewer, LeadApprover, Supervisor],
            Look::Listed,
            |_: &Records| api_get("/api/v1/supervision/cards"),
        )
        .shows(case_no),
        door(
            "supervision: cards export (GET /supervision/export/cards.csv)",
            &[LeadReviewer, LeadApprover, Supervisor],
            Look::Listed,
            |_: &Records| api_get("/supervision/export/cards.csv"),
        )
        .shows(case_no),
        door(
            "supervision: dashboard page (GET /supervision)",
            &[Supervisor],
            Look::Page,
            |_: &Records| page("/supervision?preset=12m"),
        )
        .shows(|_: &Records| "部门办件情况".to_string()),
        door(
            "card: department explains (POST /supervision/cards/case/{id}, fresh card)",
            &[LeadReviewer, LeadApprover],
            Look::Form,
            |r: &Records| {
                form(
                    &format!("/supervision/cards/case/{}", r.fresh.card),
                    &[
                        ("action", "explain"),
                        ("text", "材料核查耗时，已安排专人跟进"),
                        ("back", "/staff/oversight"),
                    ],
                )
            },
        )
        .shows(|_: &Records| "done=".to_string())
        .fresh(Make::CaseWithCard),
        door(
            "card: supervisor escalates (POST /supervision/cards/case/{id}, fresh card)",
            &[Supervisor],
            Look::Form,
            |r: &Records| {
                form(
                    &format!("/supervision/cards/case/{}", r.fresh.card),
                    &[
                        ("action", "escalate"),
                        ("text", "请三个工作日内办结"),
                        ("back", "/supervision/cards"),
                    ],
                )
            },
        )
        .shows(|_: &Records| "done=".to_string())
        .fresh(Make::CaseWithCard),
        // ---------- 审计日志 ----------
        // Case A's opening by staff (setup reads it as the hall's clerk) is in the log with the
        // target `case:{case_no}`; the page echoes the filter without the `case:` prefix, so only
        // a row can show it.
        door(
            "audit: log with the chain check (POST /sf/audit_log)",
            &[Supervisor, AuditAdmin],
            Look::Json,
            |r: &Records| {
                sf(
                    "audit_log",
                    &[("asked[target]", &r.case.case_no), ("asked[verify]", "true")],
                )
            },
        )
        .shows(|r: &Records| format!("case:{}", r.case.case_no)),
        door(
            "audit: log page with the chain check (GET /admin/audit?verify=1)",
            &[Supervisor, AuditAdmin],
            Look::Page,
            |_: &Records| page("/admin/audit?verify=1"),
        )
        .shows(|_: &Records| "哈希链校验通过".to_string()),
        // ---------- 事项目录 (catalogue administration) ----------
        door(
            "catalogue: export (GET /api/v1/catalogue/export.json)",
            &[SystemAdmin],
            Look::Json,
            |_: &Records| api_get("/api/v1/catalogue/export.json"),
        )
        .shows(|_: &Records| "yizhan-catalogue/1".to_string()),
        door(
            "catalogue: item editor data (POST /sf/admin_item)",
            &[SystemAdmin],
            Look::Json,
            |_: &Records| sf("admin_item", &[("code", EDITED_ITEM)]),
        )
        .shows(|_: &Records| EDITED_ITEM.to_string()),
        door(
            "catalogue: application form definition (POST /sf/admin_apply_form)",
            &[SystemAdmin],
            Look::Json,
            |_: &Records| sf("admin_apply_form", &[("code", CASE_ITEM)]),
        )
        .shows(|_: &Records| CASE_ITEM.to_string()),
        // Changes the item (version 1 → 2): the one admin cell runs after every refused one.
        door(
            "catalogue: save an item (POST /sf/save_item)",
            &[SystemAdmin],
            Look::Json,
            |_: &Records| save_item_request(),
        )
        .shows(|_: &Records| "\"version\":2".to_string()),
        door(
            "catalogue: retire an item (POST /sf/set_item_retired)",
            &[SystemAdmin],
            Look::Json,
            |_: &Records| {
                sf(
                    "set_item_retired",
                    &[
                        ("code", RETIRED_ITEM),
                        ("retired", "true"),
                        ("reason", "矩阵用例：停止办理"),
                    ],
                )
            },
        ),
        // An empty file: the administrator gets past `require_admin` to the flash saying to choose
        // a file; nothing is imported.
        door(
            "catalogue: import (POST /admin/catalogue/import, empty file)",
            &[SystemAdmin],
            Look::Form,
            |_: &Records| {
                multipart(
                    "/admin/catalogue/import",
                    &[],
                    &[("file", "catalogue.json", &b""[..])],
                )
            },
        )
        .shows(|_: &Records| "/admin/items".to_string()),
        door(
            "catalogue: upload a form file (POST /admin/forms/upload, no item code)",
            &[SystemAdmin],
            Look::Form,
            |_: &Records| multipart("/admin/forms/upload", &[("title", "矩阵用例")], &[]),
        )
        .shows(|_: &Records| "/admin/items".to_string()),
        // The editor page carries its hidden `form[expected_version]` input in the SSR HTML.
        door(
            "catalogue: item editor page (GET /admin/items/{code})",
            &[SystemAdmin],
            Look::Page,
            |_: &Records| page(&format!("/admin/items/{EDITED_ITEM}")),
        )
        .shows(|_: &Records| "form[expected_version]".to_string()),
        // ---------- 账号安全 (/admin/security) ----------
        // There is no user administration over HTTP (accounts are made by `yizhan create-user`);
        // the security administrator's functions are the account doors the web has.
        door(
            "accounts: security overview (POST /sf/account_security)",
            &[SecurityAdmin],
            Look::Json,
            |_: &Records| sf("account_security", &[]),
        )
        .shows(|_: &Records| "\"clerk2\"".to_string()),
        // The wire format is the page's own (features/admin/security.rs posts hidden inputs
        // `username` and `action=unlock|reset_second_factor`).
        // company1 is no column of the matrix, so ending its sessions disturbs nothing.
        door(
            "accounts: unlock (POST /sf/account_security_act)",
            &[SecurityAdmin],
            Look::Json,
            |_: &Records| {
                sf(
                    "account_security_act",
                    &[("username", "company1"), ("action", "unlock")],
                )
            },
        ),
        door(
            "accounts: reset an authenticator (POST /sf/account_security_act)",
            &[SecurityAdmin],
            Look::Json,
            |_: &Records| {
                sf(
                    "account_security_act",
                    &[("username", "company1"), ("action", "reset_second_factor")],
                )
            },
        ),
        // secadmin1 is enrolled (the demo's two-factor account), so its row reads "已绑定（…），恢复码剩 N 个".
        // N may be 0 (the demo enrols without recovery codes); the text is there either way.
        door(
            "accounts: security page (GET /admin/security)",
            &[SecurityAdmin],
            Look::Page,
            |_: &Records| page("/admin/security"),
        )
        .shows(|_: &Records| "恢复码剩".to_string()),
    ]
}

/// The catalogue editor's post of `EDITED_ITEM`.
fn save_item_request() -> Request<Body> {
    sf(
        "save_item",
        &item_form(
            "1",
            EDITED_ITEM,
            "居民身份证换领（矩阵用例）",
            "矩阵用例修改",
        ),
    )
}

/// An application of `CASE_ITEM` by citizen1, every required material being the one scan.
fn application(file_id: i64) -> Value {
    let materials: Vec<Value> = ["m1", "m2", "m3", "m4"]
        .iter()
        .map(|m| json!({"material_code": m, "file_id": file_id}))
        .collect();
    json!({
        "item_code": CASE_ITEM,
        "form": {"name": OWNER_NAME, "id_number": OWNER_ID, "mobile": OWNER_MOBILE,
                 "request": REQUEST_MARK},
        "materials": materials,
    })
}

// ---------- the test ----------

#[tokio::test]
async fn every_role_reaches_each_record_only_where_the_matrix_allows() {
    let world = World::new().await;
    let mut records = records(&world).await;
    let doors = doors();
    let (mismatches, grid) = run(&world, &mut records, &doors).await;
    let cells = doors.len() * Who::ALL.len();
    // The whole grid, for reading with --nocapture: A = let in as it should be, . = refused as it
    // should be, X = disagrees (listed below).
    println!("{}", grid.join("\n"));
    world.db.finish().await;
    assert!(
        mismatches.is_empty(),
        "{} of {cells} cells disagree with the authorisation matrix:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

/// Tries every door as every caller — refused callers first, so a record an allowed caller is meant
/// to change is still as it was for them — and returns the disagreements and the printed grid.
async fn run(world: &World, records: &mut Records, doors: &[Door]) -> (Vec<String>, Vec<String>) {
    let mut mismatches = Vec::new();
    let heading: String = EVERYONE
        .iter()
        .map(|w| format!("{:^6}", w.short()))
        .collect();
    let mut grid = vec![heading];
    let mut made = 0;
    for door in doors {
        let mut marks = vec![' '; EVERYONE.len()];
        let refused = EVERYONE.iter().filter(|w| !door.allowed.contains(w));
        let allowed = EVERYONE.iter().filter(|w| door.allowed.contains(w));
        for &who in refused.chain(allowed) {
            if let Some(make) = door.make {
                made += 1;
                fresh(world, records, make, made).await;
            }
            let answer = world.send_as(who, (door.request)(records)).await;
            let expected = door.allowed.contains(&who);
            let problem = judge(door, records, expected, &answer);
            let column = EVERYONE.iter().position(|w| *w == who).unwrap_or(0);
            marks[column] = match (&problem, expected) {
                (Some(_), _) => 'X',
                (None, true) => 'A',
                (None, false) => '.',
            };
            if let Some(p) = problem {
                mismatches.push(format!("{} — {}: {p}", door.what, who.label()));
            }
        }
        let row: String = marks.iter().map(|m| format!("{m:^6}")).collect();
        grid.push(format!("{row} {}", door.what));
    }
    (mismatches, grid)
}

/// What is wrong with one cell, if anything.
fn judge(door: &Door, records: &Records, expected: bool, answer: &Answer) -> Option<String> {
    let shows = (door.shows)(records);
    let private = (door.private)(records);
    if expected {
        if door.look.lets_in(answer, &shows, &private) {
            return None;
        }
        let showing = if shows.is_empty() {
            String::new()
        } else {
            format!(" showing “{shows}”")
        };
        return Some(format!(
            "should be let in ({:?}{showing}), got {}",
            door.look,
            answer.brief()
        ));
    }
    if !door.look.refuses(answer, &shows) {
        return Some(format!("should be refused, got {}", answer.brief()));
    }
    // A refusal must not carry the record, in its body or in the address it redirects to.
    let seen = format!("{}\n{}", answer.body, answer.location());
    let leaked: Vec<&String> = private
        .iter()
        .filter(|p| !p.is_empty() && seen.contains(p.as_str()))
        .collect();
    if leaked.is_empty() {
        None
    } else {
        Some(format!(
            "refused, but the answer carries {leaked:?}: {}",
            answer.brief()
        ))
    }
}

impl Look {
    fn lets_in(self, a: &Answer, shows: &str, private: &[String]) -> bool {
        let has = |text: &str| text.is_empty() || a.body.contains(text);
        match self {
            Look::Json | Look::Listed | Look::JsonOr422 => a.status.is_success() && has(shows),
            Look::File(kind) => a.status == StatusCode::OK && a.content_type().contains(kind),
            Look::Probe(status) => a.status.as_u16() == status && has(shows),
            Look::Page => a.status == StatusCode::OK && has(shows),
            Look::Form => a.status.is_redirection() && a.location().contains(shows),
            Look::Public => {
                a.status.is_success()
                    && has(shows)
                    && private
                        .iter()
                        .all(|p| p.is_empty() || !a.body.contains(p.as_str()))
            }
        }
    }

    fn refuses(self, a: &Answer, shows: &str) -> bool {
        if a.denied() {
            return true;
        }
        let shows_it = !shows.is_empty() && a.body.contains(shows);
        match self {
            Look::Listed => a.status.is_success() && !shows_it,
            Look::Page => {
                (a.status.is_redirection() && a.location().starts_with("/login"))
                    || (a.status == StatusCode::OK && !shows_it)
            }
            Look::Form => a.status.is_redirection() && !a.location().contains(shows),
            Look::JsonOr422 => a.status == StatusCode::UNPROCESSABLE_ENTITY,
            Look::Json | Look::File(_) | Look::Probe(_) | Look::Public => false,
        }
    }
}

// ---------- the world: router, database, one session per account ----------

struct World {
    router: Router,
    db: TestDb,
    cookies: Vec<(Who, String)>,
}

/// A file store directory of this test process.
fn files_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("yizhan-authz-files-{}", std::process::id()))
}

impl World {
    /// The router over a fresh database with the demo accounts and catalogue (as http.rs's
    /// `catalogue_app`), and every account of the matrix signed in.
    async fn new() -> World {
        let db = TestDb::sqlite().await;
        let now = chrono::Utc::now();
        app::backend::demo::seed(&db.db, Environment::Development, PASSWORD, now)
            .await
            .unwrap();
        let files = LocalFiles::new(files_dir());
        app::backend::demo_catalogue::seed(&db.db, &files, now)
            .await
            .unwrap();
        let router = yizhan::http::router(AppState {
            db: db.db.clone(),
            site: Arc::new(SiteInfo::default()),
            environment: Environment::Development,
            region_code: "990100".into(),
            public_url: "http://portal.test".into(),
            files: Arc::new(LocalFiles::new(files_dir())),
            signer: Arc::new(app::backend::certificates::Signer::generate().unwrap().0),
            leptos_options: LeptosOptions::builder().output_name("yizhan").build(),
            guide_edits: Default::default(),
        });
        let mut cookies = Vec::new();
        for who in Who::ALL {
            if let Some(username) = who.username() {
                cookies.push((who, sign_in(&router, username).await));
            }
        }
        World {
            router,
            db,
            cookies,
        }
    }

    fn cookie(&self, who: Who) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, c)| c.as_str())
    }

    /// Sends `req` with `who`'s session (and no device cookie: the server gives each request a new
    /// device, so no throttle counts across cells).
    async fn send_as(&self, who: Who, mut req: Request<Body>) -> Answer {
        if let Some(cookie) = self.cookie(who) {
            req.headers_mut()
                .insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        }
        send(&self.router, req).await
    }
}

/// Signs in over REST. secadmin1 has an authenticator (in development only enrolled staff are
/// asked for a second factor), so its code goes in the same request.
/// The REST login takes `code` for an enrolled account in development too.
async fn sign_in(router: &Router, username: &str) -> String {
    let mut body = json!({"username": username, "password": PASSWORD});
    if username == app::backend::demo::DEMO_TWO_FACTOR_USER {
        body["code"] = json!(totp_now(app::backend::demo::DEMO_TOTP_SECRET));
    }
    let answer = send(router, api_post("/api/v1/session", body)).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{username} signs in: {}",
        answer.body
    );
    session_cookie(&answer.headers).unwrap_or_else(|| panic!("{username}: no session cookie"))
}

fn totp_now(secret: &str) -> String {
    let raw = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .unwrap();
    let step = app::backend::two_factor::step_of(chrono::Utc::now());
    format!("{:06}", app::backend::two_factor::code_at(&raw, step))
}

/// The `yz_session=…` pair a response set, if any (beside the device cookie).
fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_string())
        .find(|pair| pair.starts_with("yz_session=") && pair.len() > "yz_session=".len())
}

// ---------- making the records ----------

/// Makes every record through the real API, as its owner and the staff would.
async fn records(world: &World) -> Records {
    // 上传文件: citizen1's scan.
    let answer = world
        .send_as(
            Owner,
            multipart("/api/v1/files", &[], &[("file", "身份证.pdf", PDF)]),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "upload: {}",
        answer.body
    );
    let file_id = json_of(&answer.body)["id"].as_i64().expect("an upload id");

    // Case A, with a yellow card of its own (the scheduler would issue one near its deadline; the
    // row is written directly so the card exists now, on a case of a known department).
    let case = submit(world, file_id, "authz-case-a-0001").await;
    insert_card(&world.db.db, &case.case_no).await;
    // The hall's clerk opens it (this reading is also what the audit rows look for).
    let answer = world
        .send_as(
            HallClerk,
            api_get(&format!("/api/v1/applications/{}", case.case_no)),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "staff view: {}", answer.body);
    let material_id = json_of(&answer.body)["materials"][0]["id"]
        .as_i64()
        .expect("case A's first material");

    // Case B: 受理 (hall), 审查 (reviewer), 准予 (approver), 办结 (hall) — which signs its certificate.
    let mut concluded = submit(world, file_id, "authz-case-b-0001").await;
    for (who, action) in [
        (HallClerk, "accept"),
        (LeadReviewer, "complete_step"),
        (LeadApprover, "grant"),
        (HallClerk, "conclude"),
    ] {
        let answer = world
            .send_as(
                who,
                api_post(
                    &format!("/api/v1/applications/{}/actions", concluded.case_no),
                    json!({"action": action, "version": concluded.version}),
                ),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{action}: {}", answer.body);
        concluded.version = json_of(&answer.body)["version"]
            .as_i64()
            .expect("the new version");
    }
    let answer = world
        .send_as(
            HallClerk,
            api_get(&format!("/api/v1/applications/{}", concluded.case_no)),
        )
        .await;
    let certificate = text(&json_of(&answer.body)["certificate_code"]);

    // 草稿: saved, not submitted (a script's save gets JSON back).
    let mut req = multipart(
        &format!("/apply/{DRAFT_ITEM}"),
        &[("f.request", DRAFT_MARK)],
        &[],
    );
    req.headers_mut()
        .insert(header::ACCEPT, HeaderValue::from_static(JSON));
    let answer = world.send_as(Owner, req).await;
    assert_eq!(answer.status, StatusCode::OK, "draft: {}", answer.body);

    // The conversations, signed in as their writer.
    let consultation = send_talk(
        world,
        Owner,
        "/api/v1/consultations",
        json!({"subject": C_SUBJECT, "body": C_BODY, "name": OWNER_NAME, "item_code": CASE_ITEM}),
    )
    .await;
    let general = send_talk(
        world,
        Owner,
        "/api/v1/consultations",
        json!({"subject": G_SUBJECT, "body": G_BODY, "name": OWNER_NAME}),
    )
    .await;
    let petition = send_talk(
        world,
        Owner,
        "/api/v1/petitions",
        json!({"subject": P_SUBJECT, "body": P_BODY, "category": "complaint"}),
    )
    .await;
    // The letter goes through the page's form, the way that takes attachments.
    let answer = world
        .send_as(
            Owner,
            multipart(
                "/mailbox/send",
                &[
                    ("f.mailbox_code", "mayor"),
                    ("f.subject", L_SUBJECT),
                    ("f.body", L_BODY),
                ],
                &[("attachments", "扫描件.pdf", PDF)],
            ),
        )
        .await;
    let sent_to = answer.location();
    assert!(
        sent_to.starts_with("/talk/XX"),
        "letter sent: {}",
        answer.brief()
    );
    let ref_no = sent_to
        .trim_start_matches("/talk/")
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let query_code = sent_to
        .split("code=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or_default()
        .to_string();
    let answer = world
        .send_as(Owner, api_get(&format!("/api/v1/mailbox-letters/{ref_no}")))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "letter: {}", answer.body);
    let view = json_of(&answer.body);
    let letter_file = view["attachments"][0]["upload_id"]
        .as_i64()
        .expect("the letter's attachment");
    let letter = Talk {
        ref_no,
        query_code,
        version: view["version"].as_i64().expect("a version"),
    };

    Records {
        file_id,
        case,
        material_id,
        concluded,
        certificate,
        consultation,
        general,
        petition,
        letter,
        letter_file,
        fresh: Fresh::default(),
    }
}

/// Makes the fresh record of the next cell.
async fn fresh(world: &World, records: &mut Records, make: Make, n: usize) {
    match make {
        Make::Case | Make::CaseWithCard => {
            let case = submit(world, records.file_id, &format!("authz-fresh-{n:05}")).await;
            if make == Make::CaseWithCard {
                records.fresh.card = insert_card(&world.db.db, &case.case_no).await;
            }
            records.fresh.case = case;
        }
        Make::Question => {
            // Anonymous: a signed-in writer may send only ten an hour, and this row needs more.
            records.fresh.talk = send_talk(
                world,
                Anonymous,
                "/api/v1/consultations",
                json!({"subject": format!("矩阵用例：第 {n} 个匿名咨询"),
                       "body": "请问食品经营许可需要准备哪些材料？",
                       "anonymous": true, "item_code": CASE_ITEM}),
            )
            .await;
        }
    }
}

/// citizen1 submits `CASE_ITEM` over REST with an Idempotency-Key.
async fn submit(world: &World, file_id: i64, key: &str) -> Case {
    let mut req = api_post("/api/v1/applications", application(file_id));
    req.headers_mut()
        .insert("idempotency-key", HeaderValue::from_str(key).unwrap());
    let answer = world.send_as(Owner, req).await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "citizen1 applies ({key}): {}",
        answer.body
    );
    let view = json_of(&answer.body);
    Case {
        case_no: text(&view["case_no"]),
        query_code: text(&view["query_code"]),
        version: view["version"].as_i64().expect("a version"),
    }
}

/// Sends a question, petition or letter over REST as `who`.
async fn send_talk(world: &World, who: Who, path: &str, body: Value) -> Talk {
    let answer = world.send_as(who, api_post(path, body)).await;
    assert_eq!(
        answer.status,
        StatusCode::CREATED,
        "{path}: {}",
        answer.body
    );
    let sent = json_of(&answer.body);
    Talk {
        ref_no: text(&sent["ref_no"]),
        query_code: text(&sent["query_code"]),
        // A conversation starts at version 1 (`talks::send`).
        version: 1,
    }
}

/// A yellow card on the case's first clock (its acceptance clock), issued now: one card of each
/// colour per clock, so each card needs a case of its own. Returns the card's id.
async fn insert_card(db: &DatabaseConnection, case_no: &str) -> i32 {
    let now = chrono::Utc::now();
    let case = application::Entity::find()
        .filter(application::Column::CaseNo.eq(case_no))
        .one(db)
        .await
        .unwrap()
        .expect("the case");
    let clock = clock::Entity::find()
        .filter(clock::Column::ApplicationId.eq(case.id))
        .one(db)
        .await
        .unwrap()
        .expect("its acceptance clock");
    card::ActiveModel {
        application_id: Set(case.id),
        clock_id: Set(clock.id),
        color: Set("yellow".into()),
        due_date: Set(app::domain::time::local_date(now)),
        issued_at: Set(now),
        status: Set("issued".into()),
        explanation: Set(None),
        updated_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .unwrap()
    .id
}

// ---------- requests and answers ----------

fn build(
    method: Method,
    path: &str,
    accept: &str,
    content_type: Option<&str>,
    body: Body,
) -> Request<Body> {
    // Same origin: the Host the site is served at, and no Origin (a browser's same-origin GET,
    // a script) — the CSRF layer lets both through.
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, accept);
    if let Some(content_type) = content_type {
        req = req.header(header::CONTENT_TYPE, content_type);
    }
    req.body(body).unwrap()
}

fn api_get(path: &str) -> Request<Body> {
    build(Method::GET, path, JSON, None, Body::empty())
}

/// A page as a browser asks for it.
fn page(path: &str) -> Request<Body> {
    build(Method::GET, path, "text/html", None, Body::empty())
}

fn api_post(path: &str, body: Value) -> Request<Body> {
    build(
        Method::POST,
        path,
        JSON,
        Some(JSON),
        Body::from(body.to_string()),
    )
}

fn urlencoded(args: &[(&str, &str)]) -> String {
    args.iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// A server function, `POST /sf/{name}` with its arguments form-encoded, asking for JSON: a refusal
/// then comes with its status (`context::fail`), not as a redirect for a plain form.
fn sf(name: &str, args: &[(&str, &str)]) -> Request<Body> {
    build(
        Method::POST,
        &format!("/sf/{name}"),
        JSON,
        Some(FORM),
        Body::from(urlencoded(args)),
    )
}

/// A plain HTML form post (`application/x-www-form-urlencoded`).
fn form(path: &str, args: &[(&str, &str)]) -> Request<Body> {
    build(
        Method::POST,
        path,
        "text/html",
        Some(FORM),
        Body::from(urlencoded(args)),
    )
}

/// A multipart form post as a browser sends it: text fields, then files `(field, name, bytes)`.
fn multipart(path: &str, fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Request<Body> {
    let boundary = "yizhanAuthzBoundary0123456789";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    build(
        Method::POST,
        path,
        "text/html",
        Some(&format!("multipart/form-data; boundary={boundary}")),
        Body::from(body),
    )
}

/// A response, read whole.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

async fn send(router: &Router, req: Request<Body>) -> Answer {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

impl Answer {
    /// Where a redirect goes, decoded (messages travel percent-encoded in `?error=`).
    fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(decode_component)
            .unwrap_or_default()
    }

    fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// A refusal by status: 401, 403 or 404; or any error whose body says so in the wire error's
    /// code (a form post's error page, a server function's error body).
    fn denied(&self) -> bool {
        matches!(self.status.as_u16(), 401 | 403 | 404)
            || ((self.status.is_client_error() || self.status.is_server_error())
                && [
                    "\"code\":\"unauthenticated\"",
                    "\"code\":\"forbidden\"",
                    "\"code\":\"not_found\"",
                ]
                .iter()
                .any(|code| self.body.contains(code)))
    }

    /// The answer in one line, for a failure message.
    fn brief(&self) -> String {
        let mut out = format!("{}", self.status.as_u16());
        if !self.content_type().is_empty() {
            out.push_str(&format!(" [{}]", self.content_type()));
        }
        if self.status.is_redirection() {
            out.push_str(&format!(" → {}", self.location()));
        }
        let gist = if self.content_type().starts_with("text/html") {
            page_gist(&self.body)
        } else {
            self.body
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect()
        };
        if !gist.is_empty() {
            out.push_str(&format!(": {gist}"));
        }
        out
    }
}

/// What a page says, roughly: its alert or its first heading (the head of the HTML says nothing).
fn page_gist(html: &str) -> String {
    ["role=\"alert\">", "<h1>"]
        .iter()
        .find_map(|start| {
            html.find(start).map(|i| {
                html[i + start.len()..]
                    .split('<')
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(100)
                    .collect::<String>()
            })
        })
        .unwrap_or_else(|| format!("a page of {} bytes", html.len()))
}

fn json_of(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:.300}"))
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}
