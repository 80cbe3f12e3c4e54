//! 办件 (applications): submission and every workflow action, one transaction each. The action is
//! checked against the transition table, the update is refused if someone else changed the case
//! first (optimistic concurrency), the clocks move as the table's row says, and the event history
//! and the audit log grow in the same transaction.

use super::audit::{self, AuditEntry};
use super::entities::{
    application, application_event, application_material, clock, suspension, upload,
};
use super::error::{ServiceError, ServiceResult};
use super::notify;
use super::processes;
use crate::backend::db::begin_write;
use crate::domain::calendar::WorkCalendar;
use crate::domain::card::{self, Card, YELLOW_WITHIN_WORKING_DAYS};
use crate::domain::casework::{self, DeliveryMethod, Desk, EventData, MissingMaterial, Opinion};
use crate::domain::clock::{Clock, DayCount, Deadline, Explanation, Extension, Pause};
use crate::domain::process::ProcessDefinition;
use crate::domain::role::Role;
use crate::domain::workflow::{self, Action, Actor, ClockEffect, State, WorkflowError};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, QueryOrder, Set, Statement,
};

/// Who is acting: an account (applicant or staff) or the scheduler.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: Option<i32>,
    pub name: String,
    pub actors: Vec<Actor>,
    /// Where a staff member sits (empty for applicants and the scheduler).
    pub desk: Desk,
    /// The network address the request came from, for the audit log.
    pub address: Option<String>,
}

impl Caller {
    /// The scheduler, acting on the law's behalf (视为受理, 超时默许).
    pub fn system() -> Caller {
        Caller {
            user_id: None,
            name: "system".into(),
            actors: vec![Actor::System],
            desk: Desk::default(),
            address: None,
        }
    }

    /// The same caller, noted as acting from `address`.
    pub fn at(self, address: Option<String>) -> Caller {
        Caller { address, ..self }
    }

    pub fn is_staff(&self) -> bool {
        self.actors.iter().any(|a| matches!(a, Actor::Staff(_)))
    }

    /// Whether the caller holds a role that works on cases (not only an administrator's).
    pub fn handles_cases(&self) -> bool {
        self.roles().into_iter().any(Role::handles_cases)
    }

    /// Whether the caller may read cases and letters (see [`Role::reads_cases`]).
    pub fn reads_cases(&self) -> bool {
        self.roles().into_iter().any(Role::reads_cases)
    }

    /// The staff roles the caller holds.
    pub fn roles(&self) -> Vec<Role> {
        self.actors
            .iter()
            .filter_map(|a| match a {
                Actor::Staff(r) => Some(*r),
                _ => None,
            })
            .collect()
    }
}

/// 特别程序 as the handler describes it.
#[derive(Debug, Clone, Default)]
pub struct NewSuspension {
    /// 听证, 检验, 检测, 鉴定, 专家评审 …
    pub kind: String,
    pub reason: String,
    pub legal_basis: String,
    pub expected_days: u32,
}

/// What some actions need besides the action itself.
#[derive(Debug, Clone, Default)]
pub struct ActionInput {
    /// Reason or opinion: required for refusals, supplements, extensions and denials.
    pub reason: Option<String>,
    pub suspension: Option<NewSuspension>,
    /// 延期 length in working days (at most the definition's extension limit).
    pub extension_days: Option<u32>,
    /// The assisting department answering (协办意见) or deemed to consent.
    pub branch: Option<String>,
    /// Materials handed in with the action (补正 materials with a resubmission).
    pub materials: Vec<NewMaterial>,
    /// 补正: the guide's materials that are missing or wrong, all listed in one notice.
    pub missing: Vec<MissingMaterial>,
    /// 法律依据 of a decision or a refusal.
    pub legal_basis: Option<String>,
    /// 协办意见.
    pub opinion: Option<Opinion>,
    /// 送达方式 and, for mail, the tracking number.
    pub delivery: Option<DeliveryMethod>,
    pub tracking_no: Option<String>,
}

/// A material attached to a case: one of the guide's materials, as an upload of the applicant.
#[derive(Debug, Clone)]
pub struct NewMaterial {
    pub code: String,
    pub name: String,
    pub upload: upload::Model,
}

/// One clock of a case as shown to people: what it is, when it ends and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineView {
    pub kind: String,
    pub status: String,
    pub due_date: Option<NaiveDate>,
    pub card: Card,
    pub explanation: Vec<String>,
}

fn workflow_error(e: WorkflowError) -> ServiceError {
    match e {
        WorkflowError::NotYourAction(_) => ServiceError::Forbidden(e.to_string()),
        WorkflowError::NotInThisState(..) => ServiceError::Conflict(e.to_string()),
    }
}

fn definition_of(app: &application::Model) -> ServiceResult<ProcessDefinition> {
    serde_json::from_str(&app.definition)
        .map_err(|e| ServiceError::Internal(format!("case {} definition: {e}", app.case_no)))
}

fn state_of(app: &application::Model) -> ServiceResult<State> {
    State::from_code(&app.state)
        .ok_or_else(|| ServiceError::Internal(format!("case {} state {}", app.case_no, app.state)))
}

/// 办件编号: region code (6) + yyyymmdd + a per-day sequence (6).
async fn next_case_no(
    txn: &DatabaseTransaction,
    region_code: &str,
    today: NaiveDate,
) -> ServiceResult<String> {
    let day = today.format("%Y%m%d").to_string();
    let seq = next_sequence(txn, &day).await?;
    Ok(format!("{region_code}{day}{seq:06}"))
}

/// The next number of a sequence (a day's case numbers; a channel's day of conversations), at
/// most 8 characters of key.
pub(crate) async fn next_sequence(txn: &DatabaseTransaction, key: &str) -> ServiceResult<i32> {
    let backend = txn.get_database_backend();
    // One statement that creates or bumps the day's row and returns the new value: atomic on both
    // engines (SQLite 3.35+ and PostgreSQL support RETURNING).
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DbBackend::Postgres => {
                    "INSERT INTO case_sequences (day, last) VALUES ($1, 1) \
                     ON CONFLICT (day) DO UPDATE SET last = case_sequences.last + 1 RETURNING last"
                }
                _ => {
                    "INSERT INTO case_sequences (day, last) VALUES (?, 1) \
                     ON CONFLICT (day) DO UPDATE SET last = case_sequences.last + 1 RETURNING last"
                }
            },
            [key.into()],
        ))
        .await?
        .ok_or_else(|| ServiceError::Internal("case sequence returned nothing".into()))?;
    Ok(row.try_get("", "last")?)
}

/// 提交: creates the case from the item's current process definition and starts its acceptance clock.
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    region_code: &str,
    item_code: &str,
    caller: &Caller,
    applicant_name: &str,
    form: serde_json::Value,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    let def = processes::find(db, item_code).await?.ok_or_else(|| {
        ServiceError::Invalid(format!("事项 {item_code} 尚未配置办理流程，暂不能申请"))
    })?;
    let txn = begin_write(db).await?;
    let app = create_case(
        &txn,
        cal,
        region_code,
        &def,
        caller,
        NewCase {
            item_code,
            applicant_name,
            applicant_user_id: caller.user_id,
            applicant_id_number: None,
            applicant_mobile: None,
            channel: "online",
            form,
            materials: &[],
        },
        today,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(app)
}

/// What a new case is made of.
pub struct NewCase<'a> {
    pub item_code: &'a str,
    pub applicant_name: &'a str,
    /// The applicant's account: the caller online; at the counter, the account found by ID number
    /// (or none, for a person without one).
    pub applicant_user_id: Option<i32>,
    /// 窗口收件 without an account: 身份证号 and mobile, to find and notify the person.
    pub applicant_id_number: Option<String>,
    pub applicant_mobile: Option<String>,
    /// online | counter
    pub channel: &'static str,
    pub form: serde_json::Value,
    pub materials: &'a [NewMaterial],
}

/// 查询密码: eight random digits, easy to type on a kiosk keypad; lookups are throttled.
pub(crate) fn new_query_code() -> String {
    use rand::Rng;
    let n: u32 = rand::rngs::OsRng.gen_range(0..100_000_000);
    format!("{n:08}")
}

/// Writes a submitted case inside `txn`: its number and query code, its materials (round 1), the
/// acceptance clock, the event (which tells the applicant) and the audit entry.
#[allow(clippy::too_many_arguments)]
pub async fn create_case(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    region_code: &str,
    def: &ProcessDefinition,
    caller: &Caller,
    new: NewCase<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    let transition =
        workflow::check(State::Draft, Action::Submit, &caller.actors).map_err(workflow_error)?;
    let definition =
        serde_json::to_string(def).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let (item_code, applicant_name, form) = (new.item_code, new.applicant_name, new.form);
    let case_no = next_case_no(txn, region_code, today).await?;
    let app = application::ActiveModel {
        case_no: Set(case_no),
        item_code: Set(item_code.to_string()),
        applicant_user_id: Set(new.applicant_user_id),
        applicant_id_number: Set(new.applicant_id_number),
        applicant_mobile: Set(new.applicant_mobile),
        channel: Set(new.channel.to_string()),
        department_code: Set(def.lead_department.clone()),
        applicant_name: Set(applicant_name.chars().take(100).collect()),
        state: Set(transition.to.code().to_string()),
        current_step: Set(None),
        version: Set(1),
        definition: Set(definition),
        form: Set(form.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
        query_code: Set(new_query_code()),
        received_on: Set(Some(today)),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    add_materials(txn, app.id, new.materials, now).await?;
    apply_clock_effect(
        txn,
        cal,
        &app,
        def,
        transition.clock,
        &ActionInput::default(),
        today,
    )
    .await?;
    record(
        txn,
        &app,
        caller,
        Action::Submit,
        State::Draft,
        transition.to,
        "",
        None,
        now,
    )
    .await?;
    Ok(app)
}

/// Adds materials to a case as the next round (1 = with the application, 2… = supplements).
async fn add_materials(
    txn: &DatabaseTransaction,
    app_id: i32,
    materials: &[NewMaterial],
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    if materials.is_empty() {
        return Ok(());
    }
    let last = application_material::Entity::find()
        .filter(application_material::Column::ApplicationId.eq(app_id))
        .order_by_desc(application_material::Column::Round)
        .one(txn)
        .await?
        .map_or(0, |m| m.round);
    for m in materials {
        application_material::ActiveModel {
            application_id: Set(app_id),
            round: Set(last + 1),
            material_code: Set(m.code.clone()),
            material_name: Set(m.name.chars().take(200).collect()),
            upload_id: Set(m.upload.id),
            sha256: Set(m.upload.sha256.clone()),
            size: Set(m.upload.size),
            content_type: Set(m.upload.content_type.clone()),
            file_name: Set(m.upload.file_name.clone()),
            added_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Takes `action` on the case, if the table allows it for `caller` and nobody changed the case
/// since `expected_version` was read.
#[allow(clippy::too_many_arguments)]
pub async fn act(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    case_no: &str,
    action: Action,
    caller: &Caller,
    expected_version: i32,
    input: &ActionInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    let prepared = prepare(db, case_no, action, caller, expected_version, input).await?;
    let txn = begin_write(db).await?;
    let app = apply(&txn, cal, prepared, caller, input, today, now).await?;
    txn.commit().await?;
    Ok(app)
}

/// An action checked against the table, the caller's department and step, and the input; ready
/// to be written.
pub struct Prepared {
    app: application::Model,
    def: ProcessDefinition,
    action: Action,
    from: State,
    transition: &'static workflow::Transition,
    expected_version: i32,
}

impl Prepared {
    pub fn case(&self) -> &application::Model {
        &self.app
    }
}

/// Reads the case and checks everything that can be checked before writing. The reads happen
/// outside the write transaction, so that on SQLite the transaction's first statement is the
/// guarded update (which takes the write lock) and concurrent clerks queue instead of failing.
pub async fn prepare(
    db: &DatabaseConnection,
    case_no: &str,
    action: Action,
    caller: &Caller,
    expected_version: i32,
    input: &ActionInput,
) -> ServiceResult<Prepared> {
    let app = find(db, case_no).await?.ok_or(ServiceError::NotFound)?;
    // An applicant acts only on their own cases; another person's case does not exist for them.
    if !caller.is_staff()
        && caller.actors.contains(&Actor::Applicant)
        && app.applicant_user_id != caller.user_id
    {
        return Err(ServiceError::NotFound);
    }
    // A page drawn before someone else acted is told so, whatever it asks for now.
    if app.version != expected_version {
        return Err(stale());
    }
    let from = state_of(&app)?;
    let transition = workflow::check(from, action, &caller.actors).map_err(workflow_error)?;
    let def = definition_of(&app)?;
    if caller.is_staff() && !caller.actors.contains(&Actor::Applicant) {
        if !casework::in_charge(
            action,
            &def.lead_department,
            input.branch.as_deref(),
            &caller.desk,
        ) {
            return Err(ServiceError::Forbidden("该办件不由您所在的部门办理".into()));
        }
        if !casework::step_allows(&def, app.current_step.as_deref(), action, &caller.roles()) {
            return Err(ServiceError::Forbidden(format!(
                "当前环节不能由您“{}”",
                action.name_zh()
            )));
        }
    }
    check_input(action, input, &def)?;
    Ok(Prepared {
        app,
        def,
        action,
        from,
        transition,
        expected_version,
    })
}

/// Writes a prepared action inside `txn`: the guarded update first, then clocks, materials, the
/// event with its structured detail, the notification and the audit entry.
pub async fn apply(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    prepared: Prepared,
    caller: &Caller,
    input: &ActionInput,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    let Prepared {
        app,
        def,
        action,
        from,
        transition,
        expected_version,
    } = prepared;
    let next_step = match transition.clock {
        ClockEffect::StartDecision => def.next_step(None).map(|s| s.code.clone()),
        ClockEffect::NextStep => def
            .next_step(app.current_step.as_deref())
            .map(|s| s.code.clone()),
        _ => app.current_step.clone(),
    };
    let next_role = next_step
        .as_deref()
        .and_then(|code| def.steps.iter().find(|s| s.code == code))
        .map(|s| s.role.code().to_string());
    // The guarded update comes first: it takes the write lock (SQLite) or the row lock
    // (PostgreSQL), and matches nothing if another clerk got there first.
    let updated = application::Entity::update_many()
        .col_expr(
            application::Column::State,
            Expr::value(transition.to.code()),
        )
        .col_expr(
            application::Column::CurrentStep,
            Expr::value(next_step.clone()),
        )
        .col_expr(
            application::Column::CurrentRole,
            Expr::value(next_role.clone()),
        )
        .col_expr(
            application::Column::Version,
            Expr::value(expected_version + 1),
        )
        .col_expr(application::Column::UpdatedAt, Expr::value(now))
        .filter(application::Column::Id.eq(app.id))
        .filter(application::Column::Version.eq(expected_version))
        .exec(txn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(stale());
    }
    let app = application::Model {
        state: transition.to.code().to_string(),
        current_step: next_step,
        current_role: next_role,
        version: expected_version + 1,
        updated_at: now,
        ..app
    };
    apply_clock_effect(txn, cal, &app, &def, transition.clock, input, today).await?;
    let app = note_milestones(txn, cal, app, transition.clock, transition.to, today).await?;
    add_materials(txn, app.id, &input.materials, now).await?;
    let (detail, data) = describe(action, input);
    record(
        txn,
        &app,
        caller,
        action,
        from,
        transition.to,
        &detail,
        data,
        now,
    )
    .await?;
    Ok(app)
}

/// The text of an event (what the applicant is told) and its structured detail.
fn describe(action: Action, input: &ActionInput) -> (String, Option<String>) {
    let reason = input.reason.as_deref().map(str::trim).unwrap_or_default();
    let mut text = String::new();
    if action == Action::RequestSupplement && !input.missing.is_empty() {
        text.push_str("请补正以下材料：");
        for (i, m) in input.missing.iter().enumerate() {
            text.push_str(&format!("{}. {}；", i + 1, m.name));
        }
        if !reason.is_empty() {
            text.push_str("说明：");
        }
    }
    if let Some(opinion) = input.opinion {
        text.push_str(opinion.name_zh());
        if !reason.is_empty() {
            text.push('：');
        }
    }
    if let Some(method) = input.delivery {
        text.push_str(method.name_zh());
        if let Some(no) = input.tracking_no.as_deref().filter(|n| !n.is_empty()) {
            text.push_str(&format!("（运单号 {no}）"));
        }
    }
    text.push_str(reason);
    if let Some(basis) = input
        .legal_basis
        .as_deref()
        .filter(|b| !b.trim().is_empty())
    {
        text.push_str(&format!("（依据：{}）", basis.trim()));
    }
    let data = EventData {
        missing: input.missing.clone(),
        legal_basis: input.legal_basis.clone().filter(|b| !b.trim().is_empty()),
        opinion: input.opinion,
        branch: input.branch.clone(),
        delivery: input.delivery,
        tracking_no: input.tracking_no.clone().filter(|n| !n.is_empty()),
        suspension_kind: input.suspension.as_ref().map(|s| s.kind.clone()),
        expected_days: input.suspension.as_ref().map(|s| s.expected_days),
        extension_days: matches!(action, Action::Extend | Action::RequestExtension)
            .then_some(input.extension_days)
            .flatten(),
        certificate_code: None,
    };
    let data =
        (data != EventData::default()).then(|| serde_json::to_string(&data).unwrap_or_default());
    (text, data)
}

fn stale() -> ServiceError {
    ServiceError::Conflict("该办件已被他人处理，请刷新后查看最新状态".into())
}

/// Reasons the law requires in writing, and the limits on an extension.
fn check_input(action: Action, input: &ActionInput, def: &ProcessDefinition) -> ServiceResult<()> {
    let given = |text: &Option<String>| text.as_deref().is_some_and(|t| !t.trim().is_empty());
    for (text, max) in [
        (&input.reason, 2000),
        (&input.legal_basis, 500),
        (&input.tracking_no, 40),
    ] {
        let text = text.as_deref().unwrap_or_default();
        if text.chars().count() > max {
            return Err(ServiceError::Invalid(format!(
                "填写的内容过长（不超过 {max} 个字）"
            )));
        }
        if crate::domain::application_form::looks_like_markup(text) {
            return Err(ServiceError::Invalid("请不要输入网页代码".into()));
        }
    }
    // 补正 lists the materials, or says in words what is needed; either way nothing is left out.
    if action == Action::RequestSupplement && input.missing.is_empty() && !given(&input.reason) {
        return Err(ServiceError::Invalid(
            "请勾选需要补正的材料或写明需要补正的内容".into(),
        ));
    }
    let needs_reason = matches!(
        action,
        Action::RefuseAcceptance | Action::Deny | Action::Extend | Action::RequestExtension
    ) || (action == Action::AnswerBranch
        && input.opinion != Some(Opinion::Agree));
    if action == Action::AnswerBranch && input.opinion.is_none() {
        return Err(ServiceError::Invalid(
            "请选择协办意见：同意、有条件同意或不同意".into(),
        ));
    }
    // 行政许可法 第三十八条: a denial states its reasons and basis in writing.
    if action == Action::Deny && !given(&input.legal_basis) {
        return Err(ServiceError::Invalid("不予许可须写明法律依据".into()));
    }
    if action == Action::Deliver {
        match input.delivery {
            None => return Err(ServiceError::Invalid("请选择送达方式".into())),
            Some(DeliveryMethod::Mail) if !given(&input.tracking_no) => {
                return Err(ServiceError::Invalid("邮寄送达请填写运单号".into()))
            }
            _ => {}
        }
    }
    if needs_reason && !given(&input.reason) {
        return Err(ServiceError::Invalid(format!(
            "“{}”须写明理由",
            action.name_zh()
        )));
    }
    if action == Action::Suspend && input.suspension.is_none() {
        return Err(ServiceError::Invalid(
            "请填写特别程序的种类、理由和预计时长".into(),
        ));
    }
    if action == Action::Extend {
        let days = input.extension_days.unwrap_or(def.extension_limit);
        if days == 0 || days > def.extension_limit {
            return Err(ServiceError::Invalid(format!(
                "延期应为 1 至 {} 个工作日",
                def.extension_limit
            )));
        }
    }
    if matches!(action, Action::AnswerBranch | Action::DeemConsent) && input.branch.is_none() {
        return Err(ServiceError::Invalid("请指明协办部门".into()));
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn record(
    txn: &DatabaseTransaction,
    app: &application::Model,
    caller: &Caller,
    action: Action,
    from: State,
    to: State,
    detail: &str,
    data: Option<String>,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    application_event::ActiveModel {
        application_id: Set(app.id),
        at: Set(now),
        action: Set(action.code().to_string()),
        actor: Set(caller.name.clone()),
        actor_user_id: Set(caller.user_id),
        from_state: Set(from.code().to_string()),
        to_state: Set(to.code().to_string()),
        detail: Set(detail.to_string()),
        data: Set(data),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    notify::case_event(txn, app, action, detail, now).await?;
    if caller.is_staff() || caller.user_id.is_none() {
        audit::append(
            txn,
            AuditEntry {
                at: now,
                actor_user_id: caller.user_id,
                actor: caller.name.clone(),
                action: format!("case.{}", action.code()),
                target: format!("case:{}", app.case_no),
                detail: match &caller.address {
                    Some(address) => format!("{} -> {} from {address}", from.code(), to.code()),
                    None => format!("{} -> {}", from.code(), to.code()),
                },
            },
        )
        .await?;
    }
    Ok(())
}

pub async fn find(
    db: &impl ConnectionTrait,
    case_no: &str,
) -> ServiceResult<Option<application::Model>> {
    Ok(application::Entity::find()
        .filter(application::Column::CaseNo.eq(case_no))
        .one(db)
        .await?)
}

const RUNNING: &str = "running";
const PAUSED: &str = "paused";
const STOPPED: &str = "stopped";

fn is_decision_clock(kind: &str) -> bool {
    kind == "legal"
        || kind == "promised"
        || kind.starts_with("step:")
        || kind.starts_with("branch:")
}

async fn start_clock(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    app_id: i32,
    kind: String,
    limit: u32,
    today: NaiveDate,
) -> ServiceResult<()> {
    let row = clock::ActiveModel {
        application_id: Set(app_id),
        pausable: Set(is_decision_clock(&kind)),
        kind: Set(kind),
        start_date: Set(today),
        limit_days: Set(limit as i32),
        day_count: Set("working".into()),
        extensions: Set("[]".into()),
        status: Set(RUNNING.into()),
        due_date: Set(None),
        next_check: Set(None),
        card: Set(Card::Green.code().into()),
        stopped_on: Set(None),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    refresh(txn, cal, row, today).await
}

async fn clocks_where(
    txn: &DatabaseTransaction,
    app_id: i32,
    select: impl Fn(&clock::Model) -> bool,
) -> ServiceResult<Vec<clock::Model>> {
    Ok(clock::Entity::find()
        .filter(clock::Column::ApplicationId.eq(app_id))
        .filter(clock::Column::Status.ne(STOPPED))
        .order_by_asc(clock::Column::Id)
        .all(txn)
        .await?
        .into_iter()
        .filter(|c| select(c))
        .collect())
}

async fn stop_clocks(
    txn: &DatabaseTransaction,
    app_id: i32,
    today: NaiveDate,
    select: impl Fn(&clock::Model) -> bool,
) -> ServiceResult<()> {
    for c in clocks_where(txn, app_id, select).await? {
        let mut active: clock::ActiveModel = c.into();
        active.status = Set(STOPPED.into());
        active.next_check = Set(None);
        active.stopped_on = Set(Some(today));
        active.update(txn).await?;
    }
    Ok(())
}

async fn apply_clock_effect(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    app: &application::Model,
    def: &ProcessDefinition,
    effect: ClockEffect,
    input: &ActionInput,
    today: NaiveDate,
) -> ServiceResult<()> {
    let id = app.id;
    match effect {
        ClockEffect::None => {}
        ClockEffect::StartAcceptance => {
            start_clock(
                txn,
                cal,
                id,
                "acceptance".into(),
                def.acceptance_limit,
                today,
            )
            .await?
        }
        ClockEffect::StopAcceptance => {
            stop_clocks(txn, id, today, |c| c.kind == "acceptance").await?
        }
        ClockEffect::StartDecision => {
            stop_clocks(txn, id, today, |c| c.kind == "acceptance").await?;
            start_clock(txn, cal, id, "legal".into(), def.legal_limit, today).await?;
            start_clock(txn, cal, id, "promised".into(), def.promised_limit, today).await?;
            start_current_step(txn, cal, app, def, today).await?;
        }
        ClockEffect::NextStep => {
            stop_clocks(txn, id, today, |c| c.kind.starts_with("step:")).await?;
            start_current_step(txn, cal, app, def, today).await?;
        }
        ClockEffect::StartBranches => {
            if def.branches.is_empty() {
                return Err(ServiceError::Invalid("该事项没有配置协办部门".into()));
            }
            for branch in &def.branches {
                let kind = format!("branch:{}", branch.department);
                if clocks_where(txn, id, |c| c.kind == kind).await?.is_empty() {
                    start_clock(txn, cal, id, kind, branch.limit, today).await?;
                }
            }
        }
        ClockEffect::StopBranch => {
            let kind = format!("branch:{}", input.branch.clone().unwrap_or_default());
            let open = clocks_where(txn, id, |c| c.kind == kind).await?;
            if open.is_empty() {
                return Err(ServiceError::Invalid("该协办部门没有待办的并联审批".into()));
            }
            stop_clocks(txn, id, today, |c| c.kind == kind).await?;
        }
        ClockEffect::PauseDecision => {
            let s = input.suspension.clone().unwrap_or_default();
            suspension::ActiveModel {
                application_id: Set(id),
                kind: Set(s.kind.chars().take(32).collect()),
                reason: Set(s.reason),
                legal_basis: Set(s.legal_basis.chars().take(200).collect()),
                expected_days: Set(s.expected_days as i32),
                from_date: Set(today),
                to_date: Set(None),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            refresh_all(txn, cal, id, today, |c| c.pausable).await?;
        }
        ClockEffect::ResumeDecision => {
            suspension::Entity::update_many()
                .col_expr(suspension::Column::ToDate, Expr::value(Some(today)))
                .filter(suspension::Column::ApplicationId.eq(id))
                .filter(suspension::Column::ToDate.is_null())
                .exec(txn)
                .await?;
            refresh_all(txn, cal, id, today, |c| c.pausable).await?;
        }
        ClockEffect::ExtendLegal => {
            let legal = clocks_where(txn, id, |c| c.kind == "legal").await?;
            let Some(row) = legal.into_iter().next() else {
                return Err(ServiceError::Invalid("没有正在计时的法定时限".into()));
            };
            let mut extensions: Vec<Extension> =
                serde_json::from_str(&row.extensions).unwrap_or_default();
            // 行政许可法 第四十二条: an extension may be granted once.
            if !extensions.is_empty() {
                return Err(ServiceError::Conflict(
                    "该办件已延期一次，不能再次延期".into(),
                ));
            }
            extensions.push(Extension {
                days: input.extension_days.unwrap_or(def.extension_limit),
                reason: input.reason.clone().unwrap_or_default(),
            });
            let mut active: clock::ActiveModel = row.into();
            active.extensions = Set(serde_json::to_string(&extensions).unwrap_or_default());
            let row = active.update(txn).await?;
            refresh(txn, cal, row, today).await?;
        }
        ClockEffect::StopDecisionStartDelivery => {
            stop_clocks(txn, id, today, |c| is_decision_clock(&c.kind)).await?;
            start_clock(txn, cal, id, "delivery".into(), def.delivery_limit, today).await?;
        }
        ClockEffect::StopDecision => {
            stop_clocks(txn, id, today, |c| is_decision_clock(&c.kind)).await?
        }
        ClockEffect::StopDelivery => stop_clocks(txn, id, today, |c| c.kind == "delivery").await?,
        ClockEffect::StopAll => stop_clocks(txn, id, today, |_| true).await?,
    }
    Ok(())
}

/// Writes the milestones the supervision figures count: the day of acceptance, and at the
/// decision whether it came by the legal deadline, before the promised one, and after how many
/// counted working days.
async fn note_milestones(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    app: application::Model,
    effect: ClockEffect,
    to: State,
    today: NaiveDate,
) -> ServiceResult<application::Model> {
    let mut active: application::ActiveModel = app.clone().into();
    if effect == ClockEffect::StartDecision && app.accepted_on.is_none() {
        active.accepted_on = Set(Some(today));
    } else if matches!(to, State::Granted | State::Denied) && app.decided_on.is_none() {
        // Stopped by this very decision, so not among `clocks_where`'s running ones.
        let clocks = clock::Entity::find()
            .filter(clock::Column::ApplicationId.eq(app.id))
            .filter(clock::Column::Kind.is_in(["legal", "promised"]))
            .all(txn)
            .await?;
        let due = |kind: &str| {
            clocks
                .iter()
                .find(|c| c.kind == kind)
                .and_then(|c| c.due_date)
        };
        active.decided_on = Set(Some(today));
        active.on_time = Set(due("legal").map(|d| today <= d));
        active.early = Set(due("promised").map(|d| today < d));
        if let Some(legal) = clocks.iter().find(|c| c.kind == "legal") {
            let used = domain_clock(txn, legal).await?.used(cal, today);
            active.used_days = Set(Some(used as i32));
        }
    } else {
        return Ok(app);
    }
    Ok(active.update(txn).await?)
}

/// Starts the clock of the case's current step (`act` has already moved `current_step` on).
async fn start_current_step(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    app: &application::Model,
    def: &ProcessDefinition,
    today: NaiveDate,
) -> ServiceResult<()> {
    let step = app
        .current_step
        .as_deref()
        .and_then(|code| def.steps.iter().find(|s| s.code == code));
    if let Some(step) = step {
        let kind = format!("step:{}", step.code);
        start_clock(txn, cal, app.id, kind, step.limit, today).await?;
    }
    Ok(())
}

async fn refresh_all(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    app_id: i32,
    today: NaiveDate,
    select: impl Fn(&clock::Model) -> bool,
) -> ServiceResult<()> {
    for c in clocks_where(txn, app_id, select).await? {
        refresh(txn, cal, c, today).await?;
    }
    Ok(())
}

/// The domain clock of a row: its suspensions apply if it is a decision clock.
async fn domain_clock(db: &impl ConnectionTrait, row: &clock::Model) -> ServiceResult<Clock> {
    let suspensions = if row.pausable {
        suspensions_of(db, row.application_id).await?
    } else {
        Vec::new()
    };
    Ok(clock_of(row, &suspensions))
}

/// A case's suspensions, oldest first.
async fn suspensions_of(
    db: &impl ConnectionTrait,
    application_id: i32,
) -> ServiceResult<Vec<suspension::Model>> {
    Ok(suspension::Entity::find()
        .filter(suspension::Column::ApplicationId.eq(application_id))
        .order_by_asc(suspension::Column::FromDate)
        .all(db)
        .await?)
}

/// The clock of `row`, paused by those of its case's `suspensions` that concern it.
fn clock_of(row: &clock::Model, suspensions: &[suspension::Model]) -> Clock {
    let pauses = if row.pausable {
        suspensions
            .iter()
            // A suspension that began after this clock stopped does not concern it.
            .filter(|s| row.stopped_on.is_none_or(|stop| s.from_date <= stop))
            .map(|s| Pause {
                from: s.from_date,
                to: s.to_date,
                reason: s.kind.clone(),
            })
            .collect()
    } else {
        Vec::new()
    };
    Clock {
        start: row.start_date,
        limit: row.limit_days.max(0) as u32,
        count: if row.day_count == "calendar" {
            DayCount::Calendar
        } else {
            DayCount::Working
        },
        pauses,
        extensions: serde_json::from_str(&row.extensions).unwrap_or_default(),
    }
}

/// Recomputes a clock's due date, card and next check day, and whether it is paused.
async fn refresh(
    txn: &DatabaseTransaction,
    cal: &WorkCalendar,
    row: clock::Model,
    today: NaiveDate,
) -> ServiceResult<()> {
    let deadline = domain_clock(txn, &row).await?.deadline(cal);
    let mut active: clock::ActiveModel = row.into();
    match deadline {
        Deadline::Due { date, .. } => {
            let card = card::evaluate(cal, date, today, YELLOW_WITHIN_WORKING_DAYS);
            active.status = Set(RUNNING.into());
            active.due_date = Set(Some(date));
            active.next_check = Set(Some(next_check(cal, date, card)));
        }
        Deadline::Paused { .. } => {
            active.status = Set(PAUSED.into());
            active.due_date = Set(None);
            active.next_check = Set(None);
        }
    }
    active.update(txn).await?;
    Ok(())
}

/// The next day the scheduler must look at a running clock: when it turns yellow, then the day
/// after the deadline (red card, or the deemed effect of an acceptance or branch clock).
fn next_check(cal: &WorkCalendar, due: NaiveDate, card: Card) -> NaiveDate {
    match card {
        Card::Green => card::yellow_from(cal, due, YELLOW_WITHIN_WORKING_DAYS),
        _ => due.succ_opt().unwrap_or(due),
    }
}

/// Every clock of a case, with its deadline explained, in the order they started.
pub async fn deadlines(
    db: &impl ConnectionTrait,
    cal: &WorkCalendar,
    app_id: i32,
    today: NaiveDate,
) -> ServiceResult<Vec<DeadlineView>> {
    let rows = clock::Entity::find()
        .filter(clock::Column::ApplicationId.eq(app_id))
        .order_by_asc(clock::Column::Id)
        .all(db)
        .await?;
    // Read once for all the case's clocks.
    let suspensions = if rows.iter().any(|row| row.pausable) {
        suspensions_of(db, app_id).await?
    } else {
        Vec::new()
    };
    let mut views = Vec::new();
    for row in rows {
        let (due_date, explanation) = match clock_of(&row, &suspensions).deadline(cal) {
            Deadline::Due { date, explanation } => (Some(date), explanation),
            Deadline::Paused { explanation, .. } => (None, explanation),
        };
        let card = match (row.status.as_str(), due_date) {
            (STOPPED, _) | (_, None) => Card::Green,
            (_, Some(due)) => card::evaluate(cal, due, today, YELLOW_WITHIN_WORKING_DAYS),
        };
        views.push(DeadlineView {
            kind: row.kind,
            status: row.status,
            due_date,
            card,
            explanation: Explanation::lines_zh(&explanation),
        });
    }
    Ok(views)
}

impl Caller {
    /// A signed-in account acting: the applicant for citizen and company accounts, its staff roles
    /// otherwise.
    pub fn of(account: &super::auth::Account) -> Caller {
        let actors = account
            .roles
            .iter()
            .map(|r| {
                if r.is_staff() {
                    Actor::Staff(*r)
                } else {
                    Actor::Applicant
                }
            })
            .collect();
        Caller {
            user_id: Some(account.id),
            name: account.username.clone(),
            actors,
            desk: Desk {
                department: account.department_code.clone(),
                at_hall: account.at_hall,
            },
            address: None,
        }
    }
}
