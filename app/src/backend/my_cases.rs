//! 结果反馈: a case as its applicant sees it (`/my`), and the public lookup by case number and
//! query code (`/status`). Another person's case is "not found", exactly like a case that does not
//! exist, and a wrong number and a wrong code get the same answer.

use super::applications::{self, Caller, DeadlineView};
use super::catalogue::items;
use super::drafts;
use super::entities::{
    application, application_event, application_material, rating, service_item, user,
};
use super::error::{ServiceError, ServiceResult};
use super::ratings::NewRating;
use super::throttle::{self, Client};
use crate::backend::db::begin_write;
use crate::domain::calendar::WorkCalendar;
use crate::domain::case_read::{
    deadline_label, CaseSummary, CaseView, DeadlineInfo, DraftSummary, MaterialInfo, NextStep,
    TimelineEntry,
};
use crate::domain::casework::{EventData, MissingMaterial};
use crate::domain::identity::IdNumber;
use crate::domain::time::local_date;
use crate::domain::workflow::{self, Action, Actor, State};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
};
use std::collections::HashMap;

pub(crate) async fn item_names(
    db: &impl ConnectionTrait,
    codes: impl Iterator<Item = String>,
) -> ServiceResult<HashMap<String, String>> {
    let codes: Vec<String> = codes.collect();
    Ok(service_item::Entity::find()
        .filter(service_item::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|i| (i.code, i.name))
        .collect())
}

fn state_name(code: &str) -> String {
    State::from_code(code).map_or_else(|| code.to_string(), |s| s.name_zh().to_string())
}

/// The applications of an account, newest first.
pub async fn list(db: &DatabaseConnection, user_id: i32) -> ServiceResult<Vec<CaseSummary>> {
    let rows = application::Entity::find()
        .filter(application::Column::ApplicantUserId.eq(user_id))
        .order_by_desc(application::Column::CreatedAt)
        .all(db)
        .await?;
    let rated: Vec<String> = rating::Entity::find()
        .filter(rating::Column::TargetKind.eq("case"))
        .filter(rating::Column::TargetId.is_in(rows.iter().map(|r| r.case_no.clone())))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.target_id)
        .collect();
    let names = item_names(db, rows.iter().map(|r| r.item_code.clone())).await?;
    Ok(rows
        .into_iter()
        .map(|r| CaseSummary {
            needs_action: r.state == State::AwaitingSupplement.code()
                || (concluded(&r.state) && !rated.contains(&r.case_no)),
            item_name: names.get(&r.item_code).cloned().unwrap_or_default(),
            state_name: state_name(&r.state),
            case_no: r.case_no,
            item_code: r.item_code,
            state: r.state,
            submitted_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

/// The drafts of an account, newest first.
pub async fn drafts(db: &DatabaseConnection, user_id: i32) -> ServiceResult<Vec<DraftSummary>> {
    let drafts = drafts::of_user(db, user_id).await?;
    let names = item_names(db, drafts.iter().map(|(code, _)| code.clone())).await?;
    Ok(drafts
        .into_iter()
        .map(|(item_code, saved_at)| DraftSummary {
            item_name: names.get(&item_code).cloned().unwrap_or_default(),
            item_code,
            saved_at,
        })
        .collect())
}

/// Whether a case's result is out (办结 or 已送达): it may be rated then.
pub(crate) fn concluded(state: &str) -> bool {
    state == State::Concluded.code() || state == State::Delivered.code()
}

/// The case of `user_id`, or `NotFound` (also when it belongs to someone else).
pub async fn owned(
    db: &impl ConnectionTrait,
    user_id: i32,
    case_no: &str,
) -> ServiceResult<application::Model> {
    applications::find(db, case_no)
        .await?
        .filter(|a| a.applicant_user_id == Some(user_id))
        .ok_or(ServiceError::NotFound)
}

/// The owner's view of a case.
pub async fn view_for_owner(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    user_id: i32,
    case_no: &str,
    today: NaiveDate,
) -> ServiceResult<CaseView> {
    let app = owned(db, user_id, case_no).await?;
    let mut view = view(db, cal, app.clone(), today).await?;
    view.query_code = Some(app.query_code);
    let events = application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(app.id))
        .order_by_asc(application_event::Column::Id)
        .all(db)
        .await?;
    // The receipt has its own button on the page.
    view.documents = super::casework::notices_of(&events)
        .into_iter()
        .filter(|k| *k != crate::domain::casework::NoticeKind::Receipt)
        .collect();
    Ok(view)
}

/// Equal-time comparison, so the answer's timing does not tell how much of a code was right.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The public lookup. Too many misses from one device or address are refused for a while; a miss
/// says nothing about whether the number exists.
pub async fn lookup(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    case_no: &str,
    query_code: &str,
    client: &Client,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<CaseView> {
    let (case_no, query_code) = (case_no.trim(), query_code.trim());
    let keys = lookup_keys(client);
    throttle::check(db, &keys, now).await?;
    let found = if case_no.len() <= 20 && query_code.len() <= 16 {
        applications::find(db, case_no)
            .await?
            .filter(|a| !a.query_code.is_empty() && same(&a.query_code, query_code))
    } else {
        None
    };
    public_view(db, cal, found, &keys, today, now).await
}

/// The kiosk's lookup with an ID card on the reader: the query code of one of the card holder's
/// cases, filed online from their account or at a window in their name. The same throttle as the
/// lookup by number, and the same answer for every miss.
pub async fn lookup_by_card(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    id_number: &IdNumber,
    query_code: &str,
    client: &Client,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<CaseView> {
    let query_code = query_code.trim();
    let keys = lookup_keys(client);
    throttle::check(db, &keys, now).await?;
    let found = if query_code.is_empty() || query_code.len() > 16 {
        None
    } else {
        let accounts = user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::IdNumber.eq(id_number.as_str()));
        application::Entity::find()
            .filter(application::Column::QueryCode.eq(query_code))
            .filter(
                Condition::any()
                    .add(application::Column::ApplicantIdNumber.eq(id_number.as_str()))
                    .add(application::Column::ApplicantUserId.in_subquery(accounts.into_query())),
            )
            .order_by_desc(application::Column::Id)
            .one(db)
            .await?
    };
    public_view(db, cal, found, &keys, today, now).await
}

fn lookup_keys(client: &Client) -> Vec<(String, throttle::Limit)> {
    client.keys(
        "lookup",
        throttle::LOOKUP_PER_DEVICE,
        throttle::LOOKUP_PER_ADDRESS,
    )
}

async fn public_view(
    db: &DatabaseConnection,
    cal: &WorkCalendar,
    found: Option<application::Model>,
    keys: &[(String, throttle::Limit)],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<CaseView> {
    match found {
        // The public view: no file names (they may name the person), no query code.
        Some(app) => view(db, cal, app, today).await.map(|mut v| {
            v.materials.clear();
            v
        }),
        None => {
            throttle::fail(db, keys, now).await?;
            Err(ServiceError::NotFound)
        }
    }
}

async fn view(
    db: &impl ConnectionTrait,
    cal: &WorkCalendar,
    app: application::Model,
    today: NaiveDate,
) -> ServiceResult<CaseView> {
    let (item_name, department) = items::names(db, &app.item_code).await?.unwrap_or_default();
    let events = application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(app.id))
        .order_by_asc(application_event::Column::Id)
        .all(db)
        .await?;
    let timeline: Vec<TimelineEntry> = events
        .iter()
        .filter_map(|e| {
            // A handler's request to the head stays inside the department.
            let action = Action::from_code(&e.action).filter(|a| *a != Action::RequestExtension)?;
            let by = if e.actor_user_id.is_some() && e.actor_user_id == app.applicant_user_id {
                "申请人".to_string()
            } else if e.actor_user_id.is_none() {
                "系统（依法自动处理）".to_string()
            } else {
                department.clone()
            };
            // Opinions inside the department (steps, branches) stay inside.
            let public_note = matches!(
                action,
                Action::RequestSupplement
                    | Action::RefuseAcceptance
                    | Action::Suspend
                    | Action::Extend
                    | Action::Deny
            );
            Some(TimelineEntry {
                at: e.at,
                action: action.code().to_string(),
                what: action.name_zh().to_string(),
                by,
                note: if public_note {
                    e.detail.clone()
                } else {
                    String::new()
                },
            })
        })
        .collect();
    let deadlines = applications::deadlines(db, cal, app.id, today)
        .await?
        .into_iter()
        .filter_map(|d: DeadlineView| {
            Some(DeadlineInfo {
                label: deadline_label(&d.kind)?.to_string(),
                kind: d.kind,
                due: d.due_date,
                status: d.status,
                explanation: d.explanation,
            })
        })
        .collect();
    let materials: Vec<MaterialInfo> = application_material::Entity::find()
        .filter(application_material::Column::ApplicationId.eq(app.id))
        .order_by_asc(application_material::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| MaterialInfo {
            code: m.material_code,
            name: m.material_name,
            file_name: m.file_name,
            size: m.size,
            round: m.round,
        })
        .collect();
    let rating = rating::Entity::find()
        .filter(rating::Column::TargetKind.eq("case"))
        .filter(rating::Column::TargetId.eq(app.case_no.as_str()))
        .one(db)
        .await?
        .map(|r| r.level);
    let state = State::from_code(&app.state);
    let next = match state {
        Some(State::AwaitingSupplement) => {
            let event = events
                .iter()
                .rev()
                .find(|e| e.action == Action::RequestSupplement.code());
            let mut listed: Vec<MissingMaterial> = event
                .and_then(|e| e.data.as_deref())
                .and_then(|d| serde_json::from_str::<EventData>(d).ok())
                .map(|d| d.missing)
                .unwrap_or_default();
            for m in &materials {
                if !listed.iter().any(|x| x.code == m.code) {
                    listed.push(MissingMaterial {
                        code: m.code.clone(),
                        name: m.name.clone(),
                    });
                }
            }
            NextStep::Supplement {
                notice: event.map(|e| e.detail.clone()).unwrap_or_default(),
                materials: listed,
            }
        }
        Some(State::Concluded | State::Delivered) if rating.is_none() => NextStep::Rate,
        Some(State::NotAccepted | State::Withdrawn | State::Concluded | State::Delivered) => {
            NextStep::Done
        }
        _ => NextStep::Wait,
    };
    let can_withdraw =
        state.is_some_and(|s| workflow::check(s, Action::Withdraw, &[Actor::Applicant]).is_ok());
    Ok(CaseView {
        case_no: app.case_no,
        item_code: app.item_code,
        item_name,
        department,
        state_name: state_name(&app.state),
        state: app.state,
        version: app.version,
        applicant_name: app.applicant_name,
        submitted_at: app.created_at,
        timeline,
        deadlines,
        materials,
        next,
        can_withdraw,
        rating,
        query_code: None,
        documents: Vec::new(),
    })
}

/// 好差评 of a concluded case by its applicant: once, five levels, an optional comment.
pub async fn rate(
    db: &DatabaseConnection,
    caller: &Caller,
    case_no: &str,
    level: i32,
    comment: &str,
    channel: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let user_id = caller.user_id.ok_or(ServiceError::NotFound)?;
    let app = owned(db, user_id, case_no).await?;
    if !concluded(&app.state) {
        return Err(ServiceError::Refused("办件办结后才能评价".into()));
    }
    save_rating(db, &app, "case", level, comment, channel, now).await
}

/// 窗口服务评价: the person at the counter rates the clerk's service on the counter tablet, once
/// per case, right after the intake. The tablet page carries the case's query code (shown to it
/// by the clerk's screen); a wrong code counts as a failed lookup.
#[allow(clippy::too_many_arguments)]
pub async fn rate_counter(
    db: &DatabaseConnection,
    case_no: &str,
    query_code: &str,
    level: i32,
    comment: &str,
    client: &Client,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let app = counter_case(db, case_no, query_code, client, now).await?;
    save_rating(db, &app, "counter", level, comment, "counter", now).await
}

/// The counter case a tablet page is for: a case taken in at the counter, with its query code.
pub async fn counter_case(
    db: &DatabaseConnection,
    case_no: &str,
    query_code: &str,
    client: &Client,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    let app = case_by_code(db, case_no, query_code, client, now).await?;
    if app.channel == "counter" {
        Ok(app)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// A case by its number and query code, throttled like the public status lookup: a wrong pair
/// counts against the device and the address.
pub async fn case_by_code(
    db: &DatabaseConnection,
    case_no: &str,
    query_code: &str,
    client: &Client,
    now: DateTime<Utc>,
) -> ServiceResult<application::Model> {
    let keys = client.keys(
        "lookup",
        throttle::LOOKUP_PER_DEVICE,
        throttle::LOOKUP_PER_ADDRESS,
    );
    throttle::check(db, &keys, now).await?;
    let found = if case_no.len() <= 20 && query_code.len() <= 16 {
        applications::find(db, case_no.trim())
            .await?
            .filter(|a| same(&a.query_code, query_code.trim()))
    } else {
        None
    };
    match found {
        Some(app) => Ok(app),
        None => {
            throttle::fail(db, &keys, now).await?;
            Err(ServiceError::NotFound)
        }
    }
}

/// Whether the counter service of a case has been rated.
pub async fn counter_rated(db: &impl ConnectionTrait, case_no: &str) -> ServiceResult<bool> {
    Ok(rating::Entity::find()
        .filter(rating::Column::TargetKind.eq("counter"))
        .filter(rating::Column::TargetId.eq(case_no))
        .one(db)
        .await?
        .is_some())
}

pub(crate) async fn save_rating(
    db: &DatabaseConnection,
    app: &application::Model,
    target_kind: &str,
    level: i32,
    comment: &str,
    channel: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let cal = super::calendar::load(db).await?;
    let txn = begin_write(db).await?;
    super::ratings::record(
        &txn,
        &cal,
        NewRating {
            target_kind: target_kind.into(),
            target_id: app.case_no.clone(),
            user_id: app.applicant_user_id,
            department_code: app.department_code.clone(),
            item_code: app.item_code.clone(),
            level,
            comment: comment.into(),
            channel: channel.into(),
        },
        local_date(now),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// 申请回执 of a case, as a PDF. The caller has checked that the asker may see the case.
pub async fn receipt_pdf(
    db: &impl ConnectionTrait,
    cal: &WorkCalendar,
    app: &application::Model,
    site: &crate::domain::site::SiteInfo,
    public_url: &str,
    today: NaiveDate,
) -> ServiceResult<Vec<u8>> {
    use super::pdf::receipt::{render, Receipt};
    let detail = items::detail(db, &app.item_code).await?;
    let acceptance_due = applications::deadlines(db, cal, app.id, today)
        .await?
        .into_iter()
        .find(|d| d.kind == "acceptance")
        .and_then(|d| d.due_date)
        .map(|d| format!("{}前作出是否受理的决定", d.format("%Y年%-m月%-d日")))
        .unwrap_or_default();
    let materials = application_material::Entity::find()
        .filter(application_material::Column::ApplicationId.eq(app.id))
        .filter(application_material::Column::Round.eq(1))
        .order_by_asc(application_material::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.material_name, m.file_name))
        .collect();
    let receipt = Receipt {
        case_no: app.case_no.clone(),
        query_code: app.query_code.clone(),
        item_name: detail
            .as_ref()
            .map(|d| d.guide.name.clone())
            .unwrap_or_default(),
        department: detail.map(|d| d.department.name).unwrap_or_default(),
        applicant: app.applicant_name.clone(),
        submitted_at: app
            .created_at
            .with_timezone(&crate::domain::time::china())
            .format("%Y年%-m月%-d日 %H:%M")
            .to_string(),
        acceptance_due,
        materials,
        status_url: format!(
            "{}/status?case_no={}&query_code={}",
            public_url.trim_end_matches('/'),
            app.case_no,
            app.query_code
        ),
        portal_name: site.portal_name.clone(),
        hotline: site.hotline.clone(),
    };
    // PDF layout is CPU work: off the request threads, as the guide PDF does.
    tokio::task::spawn_blocking(move || render(&receipt))
        .await
        .map_err(|e| ServiceError::Internal(format!("receipt task: {e}")))?
}
