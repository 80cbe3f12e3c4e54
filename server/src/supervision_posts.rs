//! 电子监察 over HTTP: the form posts of the supervision and department pages (a card's life cycle,
//! ruling a rating malicious, a rectification's callback and fix, the grade rules), the exports
//! (xlsx and CSV) and the REST endpoints of DESIGN.md §5 (`/api/v1/supervision/...`). A browser
//! gets a redirect back to the page it came from with what happened.

use crate::api_v1::{content_disposition, require_account, ApiError, ApiResult};
use crate::apply_posts::login_redirect;
use app::api::supervision::PeriodAsked;
use app::backend::auth::Account;
use app::backend::ratings::{self, RectificationStep};
use app::backend::state::AppState;
use app::backend::supervision::{self, ExportRequest, Scope};
use app::domain::supervision::{CardAction, CardStatus, GradeRules};
use app::domain::time::local_date;
use app::layouts::prefs::encode_component;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/supervision/cards/{source}/{id}", post(card))
        .route("/supervision/ratings/{id}/malicious", post(malicious))
        .route("/supervision/rectifications/{id}", post(rectify))
        .route("/supervision/rules", post(rules))
        .route("/supervision/export/{file}", get(export))
        .route("/api/v1/supervision/summary", get(api_summary))
        .route("/api/v1/supervision/cards", get(api_cards))
        .route("/api/v1/supervision/export.xlsx", get(api_export))
}

/// Where a form post returns: the page it names if that is a supervision or department page,
/// else the dashboard.
fn back_path(back: &str) -> String {
    let ok = ["/supervision", "/staff/oversight"]
        .iter()
        .any(|p| back.starts_with(p))
        && !back.contains("//")
        && !back.contains('\\')
        && !back.chars().any(char::is_control);
    if ok {
        back.to_string()
    } else {
        "/supervision".into()
    }
}

fn back_to(back: &str, key: &str, text: &str) -> Response {
    let back = back_path(back);
    let (path, query) = back.split_once('?').unwrap_or((&back, ""));
    // The page's own filters stay; an earlier message does not.
    let mut parts: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("done=") && !p.starts_with("error="))
        .map(str::to_string)
        .collect();
    parts.push(format!("{key}={}", encode_component(text)));
    Redirect::to(&format!("{path}?{}", parts.join("&"))).into_response()
}

async fn signed_in(state: &AppState, headers: &HeaderMap, back: &str) -> Result<Account, Response> {
    require_account(state, headers)
        .await
        .map_err(|_| login_redirect(&back_path(back)))
}

fn outcome(back: &str, done: &str, result: Result<(), ApiError>) -> Response {
    match result {
        Ok(()) => back_to(back, "done", done),
        Err(e) => back_to(back, "error", &e.message()),
    }
}

#[derive(Deserialize)]
struct CardForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    back: String,
}

async fn card(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((source, id)): Path<(String, String)>,
    axum::extract::Form(form): axum::extract::Form<CardForm>,
) -> Response {
    let account = match signed_in(&state, &headers, &form.back).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i32>() else {
        return back_to(&form.back, "error", "没有找到该预警");
    };
    let Some(action) = CardAction::from_code(&form.action) else {
        return back_to(&form.back, "error", "请选择要做的处理");
    };
    let result = supervision::act_on_card(
        &state.db,
        &account,
        &source,
        id,
        action,
        &form.text,
        chrono::Utc::now(),
    )
    .await
    .map(|_| ())
    .map_err(ApiError::from);
    outcome(&form.back, action.done_zh(), result)
}

#[derive(Deserialize)]
struct MaliciousForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    back: String,
}

async fn malicious(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Form(form): axum::extract::Form<MaliciousForm>,
) -> Response {
    let account = match signed_in(&state, &headers, &form.back).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i32>() else {
        return back_to(&form.back, "error", "没有找到该评价");
    };
    let result = ratings::rule_malicious(&state.db, &account, id, &form.reason, chrono::Utc::now())
        .await
        .map_err(ApiError::from);
    outcome(&form.back, "已认定为恶意评价", result)
}

#[derive(Deserialize)]
struct RectifyForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reply: String,
    #[serde(default)]
    back: String,
}

async fn rectify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    axum::extract::Form(form): axum::extract::Form<RectifyForm>,
) -> Response {
    let account = match signed_in(&state, &headers, &form.back).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i32>() else {
        return back_to(&form.back, "error", "没有找到该整改");
    };
    let step = match form.step.as_str() {
        "callback" => RectificationStep::Callback,
        "fix" => RectificationStep::Fix,
        _ => return back_to(&form.back, "error", "请选择回访或整改"),
    };
    let now = chrono::Utc::now();
    let result = ratings::rectify(
        &state.db,
        &account,
        id,
        step,
        &form.note,
        &form.reply,
        local_date(now),
        now,
    )
    .await
    .map_err(ApiError::from);
    let done = match step {
        RectificationStep::Callback => "已记录回访",
        RectificationStep::Fix => "已记录整改并答复评价人",
    };
    outcome(&form.back, done, result)
}

#[derive(Deserialize)]
struct RulesForm {
    #[serde(default)]
    weight_on_time: String,
    #[serde(default)]
    weight_early: String,
    #[serde(default)]
    weight_satisfaction: String,
    #[serde(default)]
    excellent: String,
    #[serde(default)]
    good: String,
    #[serde(default)]
    pass: String,
}

async fn rules(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Form(form): axum::extract::Form<RulesForm>,
) -> Response {
    let back = "/supervision/league";
    let account = match signed_in(&state, &headers, back).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let number = |s: &str| s.trim().parse::<f64>().ok();
    let parsed = [
        &form.weight_on_time,
        &form.weight_early,
        &form.weight_satisfaction,
        &form.excellent,
        &form.good,
        &form.pass,
    ]
    .map(|s| number(s));
    let [Some(on_time), Some(early), Some(satisfaction), Some(excellent), Some(good), Some(pass)] =
        parsed
    else {
        return back_to(back, "error", "权重和分数线请填写数字");
    };
    let new = GradeRules {
        weight_on_time: on_time,
        weight_early: early,
        weight_satisfaction: satisfaction,
        excellent,
        good,
        pass,
    };
    let result = supervision::save_rules(&state.db, &account, new, chrono::Utc::now())
        .await
        .map_err(ApiError::from);
    outcome(back, "考核规则已保存", result)
}

/// What an export or a REST read asks for.
#[derive(Debug, Default, Deserialize)]
struct ExportQuery {
    #[serde(default)]
    table: Option<String>,
    #[serde(default)]
    preset: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    quarter: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    color: Option<String>,
    /// A rating list's filter: all, bad, open, malicious.
    #[serde(default)]
    filter: Option<String>,
    #[serde(default)]
    page: Option<u64>,
}

impl ExportQuery {
    fn period(&self, today: chrono::NaiveDate) -> ApiResult<app::domain::supervision::Period> {
        PeriodAsked {
            preset: self.preset.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
        }
        .resolve(today)
        .map_err(|m| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", &m))
    }
}

/// `/supervision/export/{table}.xlsx` or `.csv`, for the pages' export buttons.
async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let (table, ext) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let account = require_account(&state, &headers).await?;
    let q = ExportQuery {
        table: Some(table.to_string()),
        ..q
    };
    file_response(&state, &account, &q, ext).await
}

async fn file_response(
    state: &AppState,
    account: &Account,
    q: &ExportQuery,
    ext: &str,
) -> ApiResult<Response> {
    let today = local_date(chrono::Utc::now());
    let code = q.table.as_deref().unwrap_or("summary");
    let table = supervision::table_of(
        &state.db,
        account,
        &ExportRequest {
            table: code,
            period: Some(q.period(today)?),
            quarter: q.quarter.as_deref(),
            department: q.department.as_deref().filter(|d| !d.is_empty()),
            status: q.status.as_deref().and_then(CardStatus::from_code),
            color: q.color.as_deref(),
            filter: q.filter.as_deref(),
        },
        today,
    )
    .await?;
    let name = format!(
        "{}-{today}",
        table.title.split(' ').next().unwrap_or("table")
    );
    let (body, content_type) = match ext {
        "csv" => (table.to_csv().into_bytes(), "text/csv; charset=utf-8"),
        "xlsx" => (
            supervision::export_xlsx(&table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        _ => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "只能导出 xlsx 或 csv",
            ))
        }
    };
    let mut response = body.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_DISPOSITION,
        content_disposition(
            "attachment",
            &format!("{name}.{ext}"),
            &format!("{code}.{ext}"),
        ),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

async fn api_summary(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let account = require_account(&state, &headers).await?;
    supervision::require_supervisor(&account)?;
    let today = local_date(chrono::Utc::now());
    let summary = supervision::summary(
        &state.db,
        &Scope::of(&account)?,
        q.period(today)?,
        q.preset.as_deref().unwrap_or(""),
        today,
    )
    .await?;
    Ok(Json(summary).into_response())
}

async fn api_cards(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let account = require_account(&state, &headers).await?;
    let page = supervision::card_page(
        &state.db,
        &account,
        q.status.as_deref().and_then(CardStatus::from_code),
        q.color.as_deref(),
        q.department.as_deref(),
        q.page.unwrap_or(1),
        100,
    )
    .await?;
    Ok(Json(page).into_response())
}

async fn api_export(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let account = require_account(&state, &headers).await?;
    file_response(&state, &account, &q, "xlsx").await
}
