//! 后台办件 (the back office): the queues of a department, search, claiming and assigning, the case
//! as staff see it (every opening recorded in the audit log, with where from), actions with the
//! certificate issued at conclusion, and 窗口收件 for a person at the counter.

use super::application_forms;
use super::applications::{self, ActionInput, Caller, NewCase, NewMaterial};
use super::audit::{self, AuditEntry};
use super::catalogue::items;
use super::certificates::{self, NewCertificate, Signer};
use super::drafts;
use super::entities::{
    application, application_event, application_material, clock, department, user,
};
use super::error::{ServiceError, ServiceResult};
use super::processes;
use crate::backend::db::begin_write;
use crate::domain::application_form::Values;
use crate::domain::calendar::WorkCalendar;
use crate::domain::card::{self, Card, YELLOW_WITHIN_WORKING_DAYS};
use crate::domain::case_read::{deadline_label, DeadlineInfo, MaterialInfo};
use crate::domain::casework::{
    self, BranchView, EventData, FormEntry, HistoryEntry, MissingMaterial, NoticeKind,
    OfferedAction, Queue, QueuePage, QueueRow, Sort, StaffCaseView, StaffDeadline, StaffMaterial,
};
use crate::domain::identity::{CreditCode, IdNumber, MobileNumber};
use crate::domain::role::Role;
use crate::domain::workflow::{self, Action, Actor, State};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::HashMap;

/// Rows on one page of a queue.
pub const PER_PAGE: u64 = 20;

/// Staff who handle or supervise cases only; anyone else — administrators included — is refused
/// before anything is read.
fn require_case_reader(caller: &Caller) -> ServiceResult<()> {
    if caller.reads_cases() {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(
            "办件仅限业务人员和监察员查看".into(),
        ))
    }
}

/// The cases a staff member may see: the hall sees every case; a department sees its own, and the
/// cases it assists on.
fn scope(caller: &Caller) -> Condition {
    if caller.desk.at_hall {
        return Condition::all();
    }
    let Some(dept) = caller.desk.department.clone() else {
        // No department, no cases.
        return Condition::all().add(Expr::cust("1 = 0"));
    };
    Condition::any()
        .add(application::Column::DepartmentCode.eq(dept.clone()))
        .add(assisting(&dept, false))
}

/// Cases with a branch of `dept` (running only, or ever).
fn assisting(dept: &str, running_only: bool) -> Expr {
    let mut clocks = clocks_of_case();
    clocks.and_where(clock::Column::Kind.eq(format!("branch:{dept}")));
    if running_only {
        clocks.and_where(clock::Column::Status.eq("running"));
    }
    Expr::exists(clocks.to_owned())
}

/// `SELECT 1 FROM clocks WHERE clocks.application_id = applications.id`, to narrow down.
fn clocks_of_case() -> SelectStatement {
    Query::select()
        .expr(Expr::val(1))
        .from(clock::Entity)
        .and_where(
            Expr::col((clock::Entity, clock::Column::ApplicationId))
                .equals((application::Entity, application::Column::Id)),
        )
        .to_owned()
}

/// Cases with an event of `action` in their history.
fn has_event(action: Action) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(application_event::Entity)
            .and_where(
                Expr::col((
                    application_event::Entity,
                    application_event::Column::ApplicationId,
                ))
                .equals((application::Entity, application::Column::Id)),
            )
            .and_where(application_event::Column::Action.eq(action.code()))
            .to_owned(),
    )
}

/// Cases with a running clock due between `from` and `to` (inclusive).
fn due_between(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Expr {
    let mut clocks = clocks_of_case();
    clocks.and_where(clock::Column::Status.eq("running"));
    if let Some(from) = from {
        clocks.and_where(clock::Column::DueDate.gte(from));
    }
    if let Some(to) = to {
        clocks.and_where(clock::Column::DueDate.lte(to));
    }
    Expr::exists(clocks.to_owned())
}

fn in_states(states: &[State]) -> Condition {
    Condition::all().add(application::Column::State.is_in(states.iter().map(|s| s.code())))
}

/// The open states (not yet over), for the clock queues and `All` with no state.
const OPEN: [State; 7] = [
    State::Submitted,
    State::AwaitingSupplement,
    State::UnderReview,
    State::Suspended,
    State::Granted,
    State::Denied,
    State::Concluded,
];

fn queue_condition(
    queue: Queue,
    caller: &Caller,
    cal: &WorkCalendar,
    today: NaiveDate,
) -> Condition {
    let approver = Role::Approver.code();
    match queue {
        Queue::UnderReview => in_states(queue.states()).add(
            Condition::any()
                .add(application::Column::CurrentRole.ne(approver))
                .add(application::Column::CurrentRole.is_null()),
        ),
        Queue::AwaitingDecision => {
            in_states(queue.states()).add(application::Column::CurrentRole.eq(approver))
        }
        // Asked for and not yet granted (an extension is granted once).
        Queue::ExtensionRequested => in_states(queue.states())
            .add(has_event(Action::RequestExtension))
            .add(has_event(Action::Extend).not()),
        Queue::Assisting => match &caller.desk.department {
            Some(dept) => in_states(queue.states()).add(assisting(dept, true)),
            None => Condition::all().add(Expr::cust("1 = 0")),
        },
        // Due today or on the next working day: the yellow window.
        Queue::DueSoon => {
            let until = cal.add_working_days(today, YELLOW_WITHIN_WORKING_DAYS);
            in_states(&OPEN).add(due_between(Some(today), Some(until)))
        }
        Queue::Overdue => in_states(&OPEN).add(due_between(None, today.pred_opt())),
        Queue::All => Condition::all(),
        _ => in_states(queue.states()),
    }
}

/// What a search box finds: a case number, or an applicant by name, 身份证号 or mobile (also the
/// identity of the applicant's account).
fn search_condition(text: &str) -> Option<Condition> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let text: String = text.chars().take(40).collect();
    let accounts = application::Column::ApplicantUserId.in_subquery(
        Query::select()
            .column(user::Column::Id)
            .from(user::Entity)
            .cond_where(
                Condition::any()
                    .add(user::Column::IdNumber.eq(text.to_uppercase()))
                    .add(user::Column::CreditCode.eq(text.to_uppercase()))
                    .add(user::Column::Mobile.eq(text.clone()))
                    .add(user::Column::DisplayName.eq(text.clone())),
            )
            .to_owned(),
    );
    Some(
        Condition::any()
            .add(application::Column::CaseNo.eq(text.clone()))
            .add(application::Column::ApplicantName.eq(text.clone()))
            .add(application::Column::ApplicantIdNumber.eq(text.to_uppercase()))
            .add(application::Column::ApplicantMobile.eq(text.clone()))
            .add(accounts),
    )
}

/// What the queue page asks for.
#[derive(Debug, Clone)]
pub struct QueueQuery {
    pub queue: Queue,
    pub sort: Sort,
    pub search: String,
    /// Only the cases claimed by or assigned to the caller.
    pub mine: bool,
    pub page: u64,
}

fn base(caller: &Caller, search: &str, mine: bool) -> Select<application::Entity> {
    let mut select = application::Entity::find()
        .filter(scope(caller))
        .filter(application::Column::State.ne(State::Draft.code()));
    if let Some(found) = search_condition(search) {
        select = select.filter(found);
    }
    if mine {
        select = select.filter(application::Column::AssigneeId.eq(caller.user_id.unwrap_or(-1)));
    }
    select
}

/// One queue's page, with the counts of all queues (with the same search and "mine" filters).
pub async fn queue(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    caller: &Caller,
    q: &QueueQuery,
    today: NaiveDate,
) -> ServiceResult<QueuePage> {
    require_case_reader(caller)?;
    let mut counts = Vec::new();
    for queue in Queue::ALL {
        let n = base(caller, &q.search, q.mine)
            .filter(queue_condition(queue, caller, cal, today))
            .count(db)
            .await?;
        counts.push((queue, n));
    }
    let select =
        base(caller, &q.search, q.mine).filter(queue_condition(q.queue, caller, cal, today));
    let total = select.clone().count(db).await?;
    let select = match q.sort {
        Sort::Due => select
            .order_by(
                Expr::cust(
                    "COALESCE((SELECT MIN(c.due_date) FROM clocks c \
                     WHERE c.application_id = applications.id AND c.status = 'running'), '9999-12-31')",
                ),
                Order::Asc,
            )
            .order_by_asc(application::Column::Id),
        Sort::Submitted => select.order_by_asc(application::Column::Id),
        Sort::Newest => select.order_by_desc(application::Column::Id),
    };
    let page = q.page.clamp(1, super::db::MAX_PAGE);
    let rows = select
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
        .all(db)
        .await?;
    let rows = queue_rows(db, cal, rows, today).await?;
    Ok(QueuePage {
        queue: q.queue,
        sort: q.sort,
        search: q.search.clone(),
        mine: q.mine,
        counts,
        rows,
        total,
        page,
        per_page: PER_PAGE,
    })
}

async fn user_names(
    db: &impl ConnectionTrait,
    ids: impl Iterator<Item = i32>,
) -> ServiceResult<HashMap<i32, String>> {
    let ids: Vec<i32> = ids.collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect())
}

async fn queue_rows(
    db: &impl ConnectionTrait,
    cal: &WorkCalendar,
    rows: Vec<application::Model>,
    today: NaiveDate,
) -> ServiceResult<Vec<QueueRow>> {
    let names = super::my_cases::item_names(db, rows.iter().map(|r| r.item_code.clone())).await?;
    let assignees = user_names(db, rows.iter().filter_map(|r| r.assignee_id)).await?;
    let clocks = clock::Entity::find()
        .filter(clock::Column::ApplicationId.is_in(rows.iter().map(|r| r.id)))
        .filter(clock::Column::Status.eq("running"))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let due = clocks
                .iter()
                .filter(|c| c.application_id == r.id)
                .filter_map(|c| c.due_date)
                .min();
            QueueRow {
                item_name: names.get(&r.item_code).cloned().unwrap_or_default(),
                state_name: State::from_code(&r.state)
                    .map_or_else(|| r.state.clone(), |s| s.name_zh().to_string()),
                due,
                card: due.map_or(Card::Green, |d| {
                    card::evaluate(cal, d, today, YELLOW_WITHIN_WORKING_DAYS)
                }),
                assignee: r.assignee_id.and_then(|id| assignees.get(&id).cloned()),
                case_no: r.case_no,
                applicant_name: r.applicant_name,
                state: r.state,
                submitted_at: r.created_at,
                channel: r.channel,
            }
        })
        .collect())
}

/// The case, if the caller's department may see it (otherwise 403: staff are told, not misled).
async fn visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    case_no: &str,
) -> ServiceResult<application::Model> {
    require_case_reader(caller)?;
    let app = applications::find(db, case_no)
        .await?
        .filter(|a| a.state != State::Draft.code())
        .ok_or(ServiceError::NotFound)?;
    if caller.desk.at_hall || caller.desk.department.as_deref() == Some(&app.department_code) {
        return Ok(app);
    }
    if let Some(dept) = &caller.desk.department {
        let branch = clock::Entity::find()
            .filter(clock::Column::ApplicationId.eq(app.id))
            .filter(clock::Column::Kind.eq(format!("branch:{dept}")))
            .one(db)
            .await?;
        if branch.is_some() {
            return Ok(app);
        }
    }
    Err(ServiceError::Forbidden(
        "该办件不属于您所在的部门，无权查看".into(),
    ))
}

/// 认领: the caller takes an unclaimed case of their department.
pub async fn claim(
    db: &DatabaseConnection,
    caller: &Caller,
    case_no: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !caller.handles_cases() {
        return Err(ServiceError::Forbidden("只有业务人员可以认领办件".into()));
    }
    let app = visible(db, caller, case_no).await?;
    let me = caller
        .user_id
        .ok_or(ServiceError::Forbidden("仅限工作人员".into()))?;
    let txn = begin_write(db).await?;
    let done = application::Entity::update_many()
        .col_expr(application::Column::AssigneeId, Expr::value(Some(me)))
        .filter(application::Column::Id.eq(app.id))
        .filter(
            Condition::any()
                .add(application::Column::AssigneeId.is_null())
                .add(application::Column::AssigneeId.eq(me)),
        )
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        txn.rollback().await?;
        return Err(ServiceError::Conflict(
            "该办件已由他人认领，请刷新后查看".into(),
        ));
    }
    audit_case(&txn, caller, "case.claim", &app.case_no, String::new(), now).await?;
    txn.commit().await?;
    Ok(())
}

/// 分派: a department head gives a case of the department to one of its staff.
pub async fn assign(
    db: &DatabaseConnection,
    caller: &Caller,
    case_no: &str,
    username: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if !caller.roles().contains(&Role::Head) {
        return Err(ServiceError::Forbidden("只有部门负责人可以分派办件".into()));
    }
    let app = visible(db, caller, case_no).await?;
    if caller.desk.department.as_deref() != Some(&app.department_code) {
        return Err(ServiceError::Forbidden("只能分派本部门主办的办件".into()));
    }
    let staff = user::Entity::find()
        .filter(user::Column::Username.eq(username.trim()))
        .one(db)
        .await?
        .filter(|u| u.is_active && u.kind == "staff")
        .ok_or_else(|| ServiceError::Invalid("找不到该工作人员".into()))?;
    let dept = match staff.department_id {
        Some(id) => department::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    if dept.map(|d| d.code) != caller.desk.department {
        return Err(ServiceError::Invalid("只能分派给本部门的工作人员".into()));
    }
    let txn = begin_write(db).await?;
    application::Entity::update_many()
        .col_expr(application::Column::AssigneeId, Expr::value(Some(staff.id)))
        .filter(application::Column::Id.eq(app.id))
        .exec(&txn)
        .await?;
    audit_case(
        &txn,
        caller,
        "case.assign",
        &app.case_no,
        format!("to {}", staff.username),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn audit_case(
    db: &sea_orm::DatabaseTransaction,
    caller: &Caller,
    action: &str,
    case_no: &str,
    detail: String,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    audit::append(
        db,
        AuditEntry {
            at: now,
            actor_user_id: caller.user_id,
            actor: caller.name.clone(),
            action: action.to_string(),
            target: format!("case:{case_no}"),
            detail,
        },
    )
    .await
}

/// The actions the caller may take now, drawn from the transition table and checked against the
/// department and the current step exactly as `applications::prepare` will check them.
fn offered(
    caller: &Caller,
    app: &application::Model,
    def: &crate::domain::process::ProcessDefinition,
    open_branches: &[String],
    extended: bool,
) -> Vec<OfferedAction> {
    let Some(state) = State::from_code(&app.state) else {
        return Vec::new();
    };
    let roles = caller.roles();
    let mut out = Vec::new();
    for t in workflow::TRANSITIONS.iter().filter(|t| t.from == state) {
        if !t
            .actors
            .iter()
            .any(|a| matches!(a, Actor::Staff(_)) && caller.actors.contains(a))
        {
            continue;
        }
        if !casework::step_allows(def, app.current_step.as_deref(), t.action, &roles) {
            continue;
        }
        match t.action {
            Action::AnswerBranch => {
                for b in open_branches {
                    if casework::in_charge(t.action, &def.lead_department, Some(b), &caller.desk) {
                        out.push(OfferedAction {
                            action: t.action,
                            name: t.action.name_zh().to_string(),
                            branch: Some(b.clone()),
                        });
                    }
                }
            }
            // Branches are opened once, when the item has assisting departments.
            Action::StartParallel if def.branches.is_empty() || !open_branches.is_empty() => {}
            // The law allows one extension.
            Action::RequestExtension | Action::Extend if extended => {}
            Action::Submit | Action::Resubmit => {}
            action => {
                if casework::in_charge(action, &def.lead_department, None, &caller.desk) {
                    out.push(OfferedAction {
                        action,
                        name: action.name_zh().to_string(),
                        branch: None,
                    });
                }
            }
        }
    }
    out
}

/// The case as staff see it. Every opening is written to the audit log with the address it came
/// from, because the page shows the applicant's personal data.
pub async fn view(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    caller: &Caller,
    case_no: &str,
    from: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<StaffCaseView> {
    let app = visible(db, caller, case_no).await?;
    let txn = begin_write(db).await?;
    audit_case(
        &txn,
        caller,
        "case.view",
        &app.case_no,
        format!("from {from}"),
        now,
    )
    .await?;
    txn.commit().await?;
    let def: crate::domain::process::ProcessDefinition = serde_json::from_str(&app.definition)
        .map_err(|e| ServiceError::Internal(format!("case {} definition: {e}", app.case_no)))?;
    let form_def = application_forms::for_item_any(db, &app.item_code)
        .await
        .ok();
    let detail = form_def.as_ref().map(|f| &f.detail);
    let values: HashMap<String, String> = serde_json::from_str(&app.form).unwrap_or_default();
    let form = match &form_def {
        Some(f) => f
            .definition
            .fields
            .iter()
            .filter_map(|field| {
                values.get(&field.key).map(|v| FormEntry {
                    label: field.label.clone(),
                    value: v.clone(),
                })
            })
            .collect(),
        None => values
            .iter()
            .map(|(k, v)| FormEntry {
                label: k.clone(),
                value: v.clone(),
            })
            .collect(),
    };
    let materials = application_material::Entity::find()
        .filter(application_material::Column::ApplicationId.eq(app.id))
        .order_by_asc(application_material::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| StaffMaterial {
            id: m.id,
            content_type: m.content_type.clone(),
            info: MaterialInfo {
                code: m.material_code,
                name: m.material_name,
                file_name: m.file_name,
                size: m.size,
                round: m.round,
            },
        })
        .collect();
    let required_materials = detail
        .map(|d| {
            d.guide
                .materials
                .iter()
                .map(|m| MissingMaterial {
                    code: m.code.clone(),
                    name: m.name.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let events = application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(app.id))
        .order_by_asc(application_event::Column::Id)
        .all(db)
        .await?;
    let history = events
        .iter()
        .map(|e| HistoryEntry {
            at: e.at,
            action: Action::from_code(&e.action)
                .map_or_else(|| e.action.clone(), |a| a.name_zh().to_string()),
            by: e.actor.clone(),
            from_state: state_name(&e.from_state),
            to_state: state_name(&e.to_state),
            detail: e.detail.clone(),
        })
        .collect();
    let dept_names: HashMap<String, String> = department::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.short_name))
        .collect();
    let step_names: HashMap<&str, &str> = def
        .steps
        .iter()
        .map(|s| (s.code.as_str(), s.name.as_str()))
        .collect();
    let views = applications::deadlines(db, cal, app.id, today).await?;
    let deadlines = views
        .iter()
        .map(|d| {
            let name = match d.kind.split_once(':') {
                Some(("step", code)) => {
                    format!("环节时限：{}", step_names.get(code).unwrap_or(&code))
                }
                Some(("branch", code)) => format!(
                    "协办时限：{}",
                    dept_names.get(code).map_or(code, String::as_str)
                ),
                _ => deadline_label(&d.kind).unwrap_or("时限").to_string(),
            };
            StaffDeadline {
                name,
                card: d.card,
                info: DeadlineInfo {
                    kind: d.kind.clone(),
                    label: d.kind.clone(),
                    due: d.due_date,
                    status: d.status.clone(),
                    explanation: d.explanation.clone(),
                },
            }
        })
        .collect();
    // Branches: opened (a clock exists), answered or deemed (stopped, with the event's opinion).
    let mut branches = Vec::new();
    let mut open_branches = Vec::new();
    for d in views.iter().filter(|d| d.kind.starts_with("branch:")) {
        let code = d.kind.trim_start_matches("branch:").to_string();
        let answer = events.iter().rev().find(|e| {
            (e.action == Action::AnswerBranch.code() || e.action == Action::DeemConsent.code())
                && e.data
                    .as_deref()
                    .and_then(|d| serde_json::from_str::<EventData>(d).ok())
                    .is_some_and(|d| d.branch.as_deref() == Some(&code))
        });
        if d.status != "stopped" {
            open_branches.push(code.clone());
        }
        branches.push(BranchView {
            department_name: dept_names
                .get(&code)
                .cloned()
                .unwrap_or_else(|| code.clone()),
            department: code,
            status: d.status.clone(),
            opinion: answer.map(|e| {
                if e.action == Action::DeemConsent.code() {
                    "超时默许（视为同意）".to_string()
                } else {
                    e.detail.clone()
                }
            }),
        });
    }
    let notices = notices_of(&events);
    let certificate = certificates::of_case(db, &app.case_no).await?;
    let own = caller.desk.department.as_deref() == Some(app.department_code.as_str());
    let can_assign = own && caller.roles().contains(&Role::Head);
    let can_revoke = own
        && caller.roles().contains(&Role::Approver)
        && certificate.as_ref().is_some_and(|c| c.revoked_at.is_none());
    let assignee = match app.assignee_id {
        Some(id) => user_names(db, std::iter::once(id)).await?.remove(&id),
        None => None,
    };
    let (id_number, mobile) = applicant_identity(db, &app).await?;
    // The step means something only while the case is being reviewed.
    let current_step = matches!(
        State::from_code(&app.state),
        Some(State::UnderReview | State::Suspended)
    )
    .then(|| app.current_step.as_deref())
    .flatten()
    .and_then(|c| step_names.get(c).map(|n| n.to_string()));
    Ok(StaffCaseView {
        actions: offered(
            caller,
            &app,
            &def,
            &open_branches,
            events.iter().any(|e| e.action == Action::Extend.code()),
        ),
        item_name: detail.map(|d| d.guide.name.clone()).unwrap_or_default(),
        department: dept_names
            .get(&app.department_code)
            .cloned()
            .unwrap_or_default(),
        state_name: state_name(&app.state),
        has_account: app.applicant_user_id.is_some(),
        applicant_id_number: id_number,
        applicant_mobile: mobile,
        case_no: app.case_no,
        item_code: app.item_code,
        state: app.state,
        version: app.version,
        // The step means something only while the case is being reviewed.
        current_step,
        channel: app.channel,
        applicant_name: app.applicant_name,
        submitted_at: app.created_at,
        assignee,
        form,
        materials,
        required_materials,
        history,
        deadlines,
        branches,
        notices,
        certificate_revoked: certificate.as_ref().is_some_and(|c| c.revoked_at.is_some()),
        certificate_code: certificate.map(|c| c.code),
        can_assign,
        can_revoke,
        query_code: app.query_code,
    })
}

fn state_name(code: &str) -> String {
    State::from_code(code).map_or_else(|| code.to_string(), |s| s.name_zh().to_string())
}

/// The notices a case has, in the order they were made (each kind once: the latest counts).
pub fn notices_of(events: &[application_event::Model]) -> Vec<NoticeKind> {
    let mut kinds = Vec::new();
    for e in events {
        if let Some(kind) = Action::from_code(&e.action).and_then(NoticeKind::of_action) {
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
        }
    }
    if events
        .iter()
        .any(|e| e.action == Action::Conclude.code() && e.from_state == State::Granted.code())
    {
        kinds.push(NoticeKind::Certificate);
    }
    kinds
}

/// 身份证号 and mobile of the applicant: from the account, or as taken at the counter.
pub async fn applicant_identity(
    db: &impl ConnectionTrait,
    app: &application::Model,
) -> ServiceResult<(Option<String>, Option<String>)> {
    if let Some(id) = app.applicant_user_id {
        if let Some(u) = user::Entity::find_by_id(id).one(db).await? {
            return Ok((u.id_number.or(u.credit_code), u.mobile));
        }
    }
    Ok((
        app.applicant_id_number.clone(),
        app.applicant_mobile.clone(),
    ))
}

/// Takes an action as staff. Concluding a granted case issues its signed certificate in the same
/// transaction.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    signer: &Signer,
    caller: &Caller,
    case_no: &str,
    action: Action,
    expected_version: i32,
    input: &ActionInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    require_case_reader(caller)?;
    // Reading another department's case is refused the same way as acting on it.
    visible(db, caller, case_no).await?;
    let prepared =
        applications::prepare(db, case_no, action, caller, expected_version, input).await?;
    let certificate =
        if action == Action::Conclude && prepared.case().state == State::Granted.code() {
            let app = prepared.case();
            let detail = items::detail(db, &app.item_code).await?;
            let (id_number, _) = applicant_identity(db, app).await?;
            Some(NewCertificate {
                item_name: detail
                    .as_ref()
                    .map(|d| d.guide.name.clone())
                    .unwrap_or_default(),
                title: detail
                    .as_ref()
                    .map(|d| d.guide.result_name.clone())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "准予行政许可证明".into()),
                holder: app.applicant_name.clone(),
                holder_id: id_number.unwrap_or_default(),
                department: detail.map(|d| d.department.name).unwrap_or_default(),
                issued_on: today,
            })
        } else {
            None
        };
    let txn = begin_write(db).await?;
    let app = applications::apply(&txn, cal, prepared, caller, input, today, now).await?;
    if let Some(new) = certificate {
        certificates::issue(&txn, signer, &app, new, now).await?;
    }
    txn.commit().await?;
    Ok(app)
}

/// 窗口收件: who is at the counter, and what the clerk filled in and scanned for them.
#[derive(Debug, Clone, Default)]
pub struct WalkIn {
    pub item_code: String,
    /// 身份证号 (or 统一社会信用代码 of a company).
    pub id_number: String,
    pub name: String,
    pub mobile: String,
    pub form: crate::domain::application_form::Values,
    /// Materials scanned or uploaded by the clerk (uploads owned by the clerk).
    pub materials: Vec<(String, i64)>,
}

impl WalkIn {
    /// The walk-in from the clerk's filled form: the applicant's identity is in its fields.
    pub fn from_values(item_code: &str, form: Values, materials: Vec<(String, i64)>) -> WalkIn {
        let get = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| form.get(*k).filter(|v| !v.trim().is_empty()).cloned())
                .unwrap_or_default()
        };
        WalkIn {
            item_code: item_code.to_string(),
            id_number: get(&["id_number", "credit_code"]),
            name: get(&["company_name", "name"]),
            mobile: get(&["mobile"]),
            form,
            materials,
        }
    }
}

/// The person at the counter: an account with this ID number, if there is one.
pub async fn find_person(
    db: &impl ConnectionTrait,
    id_number: &str,
) -> ServiceResult<Option<user::Model>> {
    let id = id_number.trim().to_uppercase();
    if id.is_empty() || id.len() > 18 {
        return Ok(None);
    }
    Ok(user::Entity::find()
        .filter(
            Condition::any()
                .add(user::Column::IdNumber.eq(id.clone()))
                .add(user::Column::CreditCode.eq(id)),
        )
        .one(db)
        .await?)
}

/// The intake form of an item: the clerk's draft, or a fresh form. With `lookup` (an ID number),
/// the person's account fills what the clerk has not typed, and the answer says whose account
/// it is (`Some(Some(name))`) or that there is none (`Some(None)`, the number then goes into the
/// form's identity field). Only a clerk whose counter takes the item in may look people up.
pub async fn intake_form(
    db: &DatabaseConnection,
    caller: &Caller,
    item_code: &str,
    lookup: Option<&str>,
) -> ServiceResult<(drafts::DraftView, Option<Option<String>>)> {
    let clerk_id = caller
        .user_id
        .filter(|_| caller.roles().contains(&Role::Clerk))
        .ok_or(ServiceError::Forbidden("只有窗口人员可以收件".into()))?;
    let mut view = drafts::open(db, clerk_id, item_code).await?;
    if !casework::in_charge(
        Action::Submit,
        &view.form.detail.guide.department,
        None,
        &caller.desk,
    ) {
        return Err(ServiceError::Forbidden("该事项不由您所在的部门收件".into()));
    }
    let Some(id) = lookup.map(str::trim).filter(|l| !l.is_empty()) else {
        return Ok((view, None));
    };
    match find_person(db, id).await? {
        Some(person) => {
            let profile = super::accounts::profile(db, person.id).await?;
            for (k, v) in view.form.definition.prefilled(&profile) {
                let slot = view.values.entry(k).or_default();
                if slot.trim().is_empty() {
                    *slot = v;
                }
            }
            Ok((view, Some(Some(person.display_name))))
        }
        None => {
            let field = ["id_number", "credit_code"]
                .into_iter()
                .find(|key| view.form.definition.fields.iter().any(|f| f.key == *key));
            if let Some(key) = field {
                view.values.insert(key.into(), id.to_uppercase());
            }
            Ok((view, Some(None)))
        }
    }
}

/// 窗口收件: the clerk submits an application for the person at the counter. An account with the
/// ID number becomes the case's owner (they follow it online); otherwise the case keeps the name,
/// ID number and mobile. Materials may be incomplete: the clerk then gives the one-time 补正
/// notice. Problems are reported field by field and nothing is created. The same `key` again
/// (a double click, a retry) returns the first case.
#[allow(clippy::too_many_arguments)]
pub async fn intake(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    region_code: &str,
    caller: &Caller,
    walk_in: &WalkIn,
    key: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    if !caller.roles().contains(&Role::Clerk) {
        return Err(ServiceError::Forbidden("只有窗口人员可以收件".into()));
    }
    let me = caller
        .user_id
        .ok_or(ServiceError::Forbidden("仅限工作人员".into()))?;
    drafts::check_key(key)?;
    if let Some(done) = drafts::earlier(db, me, key).await? {
        return applications::find(db, &done.case_no)
            .await?
            .ok_or(ServiceError::NotFound);
    }
    let form = application_forms::for_item_any(db, &walk_in.item_code).await?;
    if form.detail.retired {
        return Err(ServiceError::Refused("该事项已停止办理".into()));
    }
    if !casework::in_charge(
        Action::Submit,
        &form.detail.guide.department,
        None,
        &caller.desk,
    ) {
        return Err(ServiceError::Forbidden("该事项不由您所在的部门收件".into()));
    }
    let mut problems = form.definition.check_values(&walk_in.form);
    let field_of = |candidates: &[&str], fallback: &str| {
        candidates
            .iter()
            .find(|k| walk_in.form.contains_key(**k))
            .map_or(fallback.to_string(), |k| k.to_string())
    };
    let id_number = walk_in.id_number.trim().to_uppercase();
    if IdNumber::parse(&id_number).is_err() && CreditCode::parse(&id_number).is_err() {
        problems
            .entry(field_of(&["id_number", "credit_code"], "id_number"))
            .or_insert_with(|| "请填写正确的身份证号或统一社会信用代码".into());
    }
    let person = find_person(db, &id_number).await?;
    let name = walk_in.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        problems
            .entry(field_of(&["company_name", "name"], "name"))
            .or_insert_with(|| "请填写申请人姓名或单位名称".into());
    }
    let mobile = walk_in.mobile.trim().to_string();
    if person.is_none() && MobileNumber::parse(&mobile).is_err() {
        problems
            .entry(field_of(&["mobile"], "mobile"))
            .or_insert_with(|| "请填写 11 位手机号码，用于通知办理结果".into());
    }
    let mut materials = Vec::new();
    for (code, upload_id) in &walk_in.materials {
        let Some(spec) = form.detail.guide.materials.iter().find(|m| &m.code == code) else {
            problems.insert(code.clone(), "不是该事项的申请材料".into());
            continue;
        };
        match super::uploads::find_owned(db, me, *upload_id).await? {
            Some(upload) => materials.push(NewMaterial {
                code: code.clone(),
                name: spec.name.clone(),
                upload,
            }),
            None => {
                problems.insert(code.clone(), "找不到上传的文件，请重新扫描".into());
            }
        }
    }
    if !problems.is_empty() {
        return Err(ServiceError::Fields(problems));
    }
    let def = processes::find(db, &walk_in.item_code)
        .await?
        .ok_or_else(|| ServiceError::Invalid("该事项尚未配置办理流程".into()))?;
    let values =
        serde_json::to_value(&walk_in.form).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let txn = begin_write(db).await?;
    // The key first, as online submission does: of two identical posts exactly one goes on.
    if !drafts::claim_key(&txn, me, key, now).await? {
        txn.rollback().await?;
        let done = drafts::earlier(db, me, key)
            .await?
            .ok_or_else(|| ServiceError::Internal("idempotency key without case".into()))?;
        return applications::find(db, &done.case_no)
            .await?
            .ok_or(ServiceError::NotFound);
    }
    let app = applications::create_case(
        &txn,
        cal,
        region_code,
        &def,
        caller,
        NewCase {
            item_code: &walk_in.item_code,
            applicant_name: &name,
            applicant_user_id: person.as_ref().map(|p| p.id),
            applicant_id_number: Some(id_number),
            applicant_mobile: (!mobile.is_empty()).then_some(mobile),
            channel: "counter",
            form: values,
            materials: &materials,
        },
        today,
        now,
    )
    .await?;
    drafts::record_key(&txn, me, key, &app.case_no).await?;
    txn.commit().await?;
    Ok(app)
}

/// 窗口收件 from the clerk's draft of the item (what the intake page saved): the form and the
/// scanned materials; the draft is cleared once the case exists.
#[allow(clippy::too_many_arguments)]
pub async fn intake_draft(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    region_code: &str,
    caller: &Caller,
    item_code: &str,
    key: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    let me = caller
        .user_id
        .ok_or(ServiceError::Forbidden("仅限工作人员".into()))?;
    if let Some(done) = drafts::earlier(db, me, key).await? {
        return applications::find(db, &done.case_no)
            .await?
            .ok_or(ServiceError::NotFound);
    }
    let view = drafts::open(db, me, item_code).await?;
    if view.saved_at.is_none() {
        return Err(ServiceError::Invalid("请先填写并保存申请表".into()));
    }
    let materials = view
        .slots
        .iter()
        .filter_map(|s| s.attached.as_ref().map(|a| (s.code.clone(), a.upload_id)))
        .collect();
    let walk_in = WalkIn::from_values(item_code, view.values, materials);
    let app = intake(db, cal, region_code, caller, &walk_in, key, today, now).await?;
    drafts::discard(db, me, item_code).await?;
    Ok(app)
}

/// 注销 a certificate: an approver of the department that issued it.
pub async fn revoke_certificate(
    db: &DatabaseConnection,
    caller: &Caller,
    code: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let cert = certificates::find(db, code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let app = visible(db, caller, &cert.case_no).await?;
    if !caller.roles().contains(&Role::Approver)
        || caller.desk.department.as_deref() != Some(&app.department_code)
    {
        return Err(ServiceError::Forbidden(
            "只有发证部门的批准人可以注销证照".into(),
        ));
    }
    certificates::revoke(
        db,
        (caller.user_id.unwrap_or_default(), &caller.name),
        code,
        reason,
        now,
    )
    .await
}

/// The guide's materials named by `codes`, for a 补正 notice; an unknown code is refused.
pub async fn missing_materials(
    db: &impl ConnectionTrait,
    item_code: &str,
    codes: &[String],
) -> ServiceResult<Vec<MissingMaterial>> {
    let detail = items::detail(db, item_code)
        .await?
        .ok_or(ServiceError::NotFound)?;
    codes
        .iter()
        .map(|code| {
            detail
                .guide
                .materials
                .iter()
                .find(|m| &m.code == code)
                .map(|m| MissingMaterial {
                    code: m.code.clone(),
                    name: m.name.clone(),
                })
                .ok_or_else(|| ServiceError::Invalid(format!("材料 {code} 不是该事项的申请材料")))
        })
        .collect()
}

/// The case, for reading its documents: its applicant, or staff of a department that may see it.
/// Anyone else gets "not found", as for a case that does not exist.
pub async fn readable(
    db: &impl ConnectionTrait,
    caller: &Caller,
    case_no: &str,
) -> ServiceResult<application::Model> {
    if caller.is_staff() {
        return visible(db, caller, case_no).await.map_err(|e| match e {
            ServiceError::Forbidden(_) => ServiceError::NotFound,
            other => other,
        });
    }
    let user_id = caller.user_id.ok_or(ServiceError::NotFound)?;
    super::my_cases::owned(db, user_id, case_no).await
}

/// A material file of a case, for staff who may see the case; each opening is audited.
pub async fn material_file(
    db: &DatabaseConnection,
    caller: &Caller,
    material_id: i32,
    from: &str,
    now: DateTime<Utc>,
) -> ServiceResult<application_material::Model> {
    let material = application_material::Entity::find_by_id(material_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let app = application::Entity::find_by_id(material.application_id)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound)?;
    visible(db, caller, &app.case_no).await?;
    // Its own transaction: a page opens several files at once, each audited in the chain.
    let txn = begin_write(db).await?;
    audit_case(
        &txn,
        caller,
        "case.material",
        &app.case_no,
        format!("{} from {from}", material.material_code),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(material)
}
