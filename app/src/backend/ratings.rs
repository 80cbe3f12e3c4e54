//! 好差评 (DESIGN.md §4.7): ratings of cases, counter service and the three conversation channels,
//! from the web, the counter tablet and the kiosk. A bad rating (不满意, 非常不满意) opens a
//! rectification in the same transaction, with a callback clock (1 working day) and a fix clock
//! (5 working days); the department records the callback and the fix and the rater is told. A
//! supervisor may rule a rating malicious: it stays on record but leaves the scores.

use super::audit::{self, AuditEntry};
use super::auth::Account;
use super::entities::{conversation, message, rating, rectification, user};
use super::error::{ServiceError, ServiceResult};
use super::notify::{enqueue, Notice};
use super::supervision::{Scope, MAX_PAGE};
use crate::backend::db::begin_write;
use crate::domain::calendar::WorkCalendar;
use crate::domain::case_read::RATING_LEVELS;
use crate::domain::supervision::{
    is_bad_rating, Cell, Figures, Period, RatingPage, RatingRow, RectificationState,
    RectificationView, ScoreRow, Table, CALLBACK_WORKING_DAYS, FIX_WORKING_DAYS,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// The longest comment of a rating.
pub const COMMENT_MAX: usize = 500;

/// A rating about to be recorded.
pub struct NewRating {
    /// case | counter | consultation | petition | letter
    pub target_kind: String,
    pub target_id: String,
    pub user_id: Option<i32>,
    pub department_code: String,
    pub item_code: String,
    pub level: i32,
    pub comment: String,
    /// web | counter | kiosk
    pub channel: String,
}

/// Checks and records a rating inside the caller's transaction; a bad one opens its
/// rectification. A second rating of the same thing is refused.
pub async fn record(
    txn: &impl ConnectionTrait,
    cal: &WorkCalendar,
    new: NewRating,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<rating::Model> {
    if !RATING_LEVELS.iter().any(|(l, _)| *l == new.level) {
        return Err(ServiceError::Invalid("请选择一个评价等级".into()));
    }
    let comment = new.comment.trim();
    if comment.chars().count() > COMMENT_MAX {
        return Err(ServiceError::Invalid(format!(
            "评价内容不能超过 {COMMENT_MAX} 个字"
        )));
    }
    if crate::domain::application_form::looks_like_markup(comment) {
        return Err(ServiceError::Invalid("评价内容中请不要输入网页代码".into()));
    }
    if !["web", "counter", "kiosk"].contains(&new.channel.as_str()) {
        return Err(ServiceError::Invalid("评价渠道不正确".into()));
    }
    let row = rating::ActiveModel {
        target_kind: Set(new.target_kind),
        target_id: Set(new.target_id),
        user_id: Set(new.user_id),
        department_code: Set(new.department_code.clone()),
        item_code: Set(new.item_code),
        level: Set(new.level),
        comment: Set(comment.to_string()),
        channel: Set(new.channel),
        created_at: Set(now),
        rated_on: Set(Some(today)),
        ..Default::default()
    }
    .insert(txn)
    .await
    .map_err(|e| {
        if super::error::is_unique_violation(&e) {
            ServiceError::Conflict("已经评价过了，每项服务只能评价一次".into())
        } else {
            e.into()
        }
    })?;
    if is_bad_rating(row.level) {
        rectification::ActiveModel {
            rating_id: Set(row.id),
            department_code: Set(new.department_code),
            state: Set(RectificationState::Open.code().into()),
            opened_on: Set(today),
            callback_due: Set(cal.add_working_days(today, CALLBACK_WORKING_DAYS)),
            fix_due: Set(cal.add_working_days(today, FIX_WORKING_DAYS)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(row)
}

/// What a department records on a rectification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RectificationStep {
    /// 回访: the rater was called; what they said.
    Callback,
    /// 整改: what was put right, and the reply the rater gets.
    Fix,
}

/// Records a callback or a fix, by staff of the rating's department.
#[allow(clippy::too_many_arguments)]
pub async fn rectify(
    db: &DatabaseConnection,
    account: &Account,
    id: i32,
    step: RectificationStep,
    note: &str,
    reply: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let scope = Scope::of(account)?;
    let (note, reply) = (note.trim(), reply.trim());
    for (text, max) in [(note, 2000), (reply, 2000)] {
        if text.chars().count() > max {
            return Err(ServiceError::Invalid(format!("内容不能超过 {max} 个字")));
        }
        if crate::domain::application_form::looks_like_markup(text) {
            return Err(ServiceError::Invalid("请不要输入网页代码".into()));
        }
    }
    if note.is_empty() {
        return Err(ServiceError::Invalid(
            match step {
                RectificationStep::Callback => "请填写回访情况",
                RectificationStep::Fix => "请填写整改措施",
            }
            .into(),
        ));
    }
    if step == RectificationStep::Fix && reply.is_empty() {
        return Err(ServiceError::Invalid("请填写给评价人的答复".into()));
    }
    let txn = begin_write(db).await?;
    super::supervision::lock_for_update(&txn, "rectifications", id).await?;
    let row = rectification::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Only the rated department answers; a supervisor watches but does not answer for it.
    if scope.is_supervisor() || scope.department(None).as_deref() != Some(&row.department_code) {
        return Err(ServiceError::NotFound);
    }
    let from = RectificationState::from_code(&row.state).unwrap_or(RectificationState::Open);
    let (to, expected) = match step {
        RectificationStep::Callback => (RectificationState::CalledBack, RectificationState::Open),
        RectificationStep::Fix => (
            RectificationState::Rectified,
            RectificationState::CalledBack,
        ),
    };
    if from != expected {
        return Err(ServiceError::Conflict(
            match from {
                RectificationState::Open => "请先记录回访情况",
                RectificationState::CalledBack => "已记录回访，请填写整改情况",
                _ => "该整改已结束",
            }
            .into(),
        ));
    }
    let mut update = rectification::Entity::update_many()
        .col_expr(rectification::Column::State, Expr::value(to.code()))
        .col_expr(
            rectification::Column::HandledBy,
            Expr::value(account.username.clone()),
        )
        .col_expr(rectification::Column::UpdatedAt, Expr::value(now));
    update = match step {
        RectificationStep::Callback => update
            .col_expr(rectification::Column::CalledBackOn, Expr::value(today))
            .col_expr(rectification::Column::CallbackNote, Expr::value(note)),
        RectificationStep::Fix => update
            .col_expr(rectification::Column::FixedOn, Expr::value(today))
            .col_expr(rectification::Column::FixNote, Expr::value(note))
            .col_expr(rectification::Column::Reply, Expr::value(reply)),
    };
    // Guarded by the state read above, so two clerks cannot both record the same step.
    let done = update
        .filter(rectification::Column::Id.eq(id))
        .filter(rectification::Column::State.eq(from.code()))
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::Conflict("该整改已被他人处理，请刷新".into()));
    }
    let rated = rating::Entity::find_by_id(row.rating_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if step == RectificationStep::Fix {
        tell_rater(&txn, &rated, row.id, reply, now).await?;
    }
    audit::append(
        &txn,
        AuditEntry::of(
            account,
            match step {
                RectificationStep::Callback => "rating.callback",
                RectificationStep::Fix => "rating.rectified",
            },
            format!("rating:{}", rated.id),
            format!("{} {}", rated.target_kind, rated.target_id),
            now,
        ),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The rater learns what was done: a message and an email to the account, or an email to the
/// address a conversation was written from.
async fn tell_rater(
    txn: &impl ConnectionTrait,
    rated: &rating::Model,
    rectification_id: i32,
    reply: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let title = "您的评价已整改答复";
    let body = format!(
        "您对 {} 的评价，我们已回访并整改。答复如下：\n{reply}",
        rated.target_id
    );
    let link = match rated.target_kind.as_str() {
        "case" | "counter" => format!("/my/{}", rated.target_id),
        _ => format!("/talk/{}", rated.target_id),
    };
    let mut email = None;
    if let Some(user_id) = rated.user_id {
        message::ActiveModel {
            user_id: Set(user_id),
            title: Set(title.into()),
            body: Set(body.clone()),
            case_no: Set(None),
            link: Set(Some(link.clone())),
            created_at: Set(now),
            read_at: Set(None),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        email = user::Entity::find_by_id(user_id)
            .one(txn)
            .await?
            .and_then(|u| u.email);
    } else if !matches!(rated.target_kind.as_str(), "case" | "counter") {
        email = conversation::Entity::find()
            .filter(conversation::Column::RefNo.eq(rated.target_id.clone()))
            .one(txn)
            .await?
            .and_then(|c| c.email);
    }
    if let Some(email) = email.filter(|e| !e.is_empty()) {
        let notice = Notice {
            subject: format!("【网上办事大厅】{title}"),
            body,
            link,
        };
        let payload =
            serde_json::to_string(&notice).map_err(|e| ServiceError::Internal(e.to_string()))?;
        enqueue(
            txn,
            format!("rectification:{rectification_id}:reply:email"),
            "email",
            email,
            payload,
            now,
        )
        .await?;
    }
    Ok(())
}

/// A supervisor rules a rating malicious (恶意差评), with a reason: it stays on record, leaves the
/// scores (its day's figures are recomputed), and its rectification is dismissed.
pub async fn rule_malicious(
    db: &DatabaseConnection,
    account: &Account,
    rating_id: i32,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    super::supervision::require_supervisor(account)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(ServiceError::Invalid("请写明认定为恶意评价的理由".into()));
    }
    if reason.chars().count() > 1000 {
        return Err(ServiceError::Invalid("理由不能超过 1000 个字".into()));
    }
    if crate::domain::application_form::looks_like_markup(reason) {
        return Err(ServiceError::Invalid("请不要输入网页代码".into()));
    }
    let txn = begin_write(db).await?;
    let rated = rating::Entity::find_by_id(rating_id)
        .one(&txn)
        .await?
        .ok_or(ServiceError::NotFound)?;
    // Only a bad rating can be malicious; praise is not ruled out of the scores.
    if !is_bad_rating(rated.level) {
        return Err(ServiceError::Refused(
            "只有差评（不满意、非常不满意）可以认定为恶意评价".into(),
        ));
    }
    let done = rating::Entity::update_many()
        .col_expr(rating::Column::MaliciousReason, Expr::value(reason))
        .col_expr(
            rating::Column::MaliciousBy,
            Expr::value(account.username.clone()),
        )
        .col_expr(rating::Column::MaliciousAt, Expr::value(now))
        .filter(rating::Column::Id.eq(rating_id))
        .filter(rating::Column::MaliciousAt.is_null())
        .exec(&txn)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::Conflict("该评价已认定为恶意评价".into()));
    }
    rectification::Entity::update_many()
        .col_expr(
            rectification::Column::State,
            Expr::value(RectificationState::Dismissed.code()),
        )
        .col_expr(rectification::Column::UpdatedAt, Expr::value(now))
        .filter(rectification::Column::RatingId.eq(rating_id))
        .filter(rectification::Column::State.is_in([
            RectificationState::Open.code(),
            RectificationState::CalledBack.code(),
        ]))
        .exec(&txn)
        .await?;
    audit::append(
        &txn,
        AuditEntry::of(
            account,
            "rating.malicious",
            format!("rating:{rating_id}"),
            reason.chars().take(200).collect(),
            now,
        ),
    )
    .await?;
    // The rating's day leaves the scores in the same transaction as the ruling.
    if let Some(day) = rated.rated_on {
        super::supervision::refresh_days_in(&txn, day, day).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Rectifications still running, and how many of them missed a clock, for one department or all.
pub async fn open_rectifications(
    db: &impl ConnectionTrait,
    department: Option<&str>,
    today: NaiveDate,
) -> ServiceResult<(i64, i64)> {
    let mut open = rectification::Entity::find().filter(rectification::Column::State.is_in([
        RectificationState::Open.code(),
        RectificationState::CalledBack.code(),
    ]));
    if let Some(code) = department {
        open = open.filter(rectification::Column::DepartmentCode.eq(code));
    }
    let total = open.clone().count(db).await? as i64;
    let overdue = open
        .filter(
            sea_orm::Condition::any()
                .add(
                    sea_orm::Condition::all()
                        .add(rectification::Column::State.eq(RectificationState::Open.code()))
                        .add(rectification::Column::CallbackDue.lt(today)),
                )
                .add(
                    sea_orm::Condition::all()
                        .add(rectification::Column::State.eq(RectificationState::CalledBack.code()))
                        .add(rectification::Column::FixDue.lt(today)),
                ),
        )
        .count(db)
        .await? as i64;
    Ok((total, overdue))
}

/// The view of a rectification row on `today`.
pub fn view_of(row: &rectification::Model, today: NaiveDate) -> RectificationView {
    let state = RectificationState::from_code(&row.state).unwrap_or(RectificationState::Open);
    RectificationView {
        id: row.id,
        state,
        callback_due: row.callback_due,
        fix_due: row.fix_due,
        called_back_on: row.called_back_on,
        callback_note: row.callback_note.clone(),
        fixed_on: row.fixed_on,
        fix_note: row.fix_note.clone(),
        reply: row.reply.clone(),
        overdue: RectificationView::is_overdue(state, row.callback_due, row.fix_due, today),
    }
}

/// The ratings list: a supervisor sees every department's (or the one asked for), a department its
/// own; `filter` is `all`, `bad`, `open` (rectification running) or `malicious`.
#[allow(clippy::too_many_arguments)]
pub async fn rating_page(
    db: &impl ConnectionTrait,
    account: &Account,
    period: Period,
    filter: &str,
    department: Option<&str>,
    page: u64,
    per_page: u64,
    today: NaiveDate,
) -> ServiceResult<RatingPage> {
    let scope = Scope::of(account)?;
    let department = scope.department(department);
    let (page, per_page) = (page.clamp(1, MAX_PAGE), per_page.clamp(1, 200));
    let filter = match filter {
        "bad" | "open" | "malicious" => filter,
        _ => "all",
    };
    let mut query =
        rating::Entity::find().filter(rating::Column::RatedOn.between(period.from, period.to));
    if let Some(code) = &department {
        query = query.filter(rating::Column::DepartmentCode.eq(code.clone()));
    }
    query = match filter {
        "bad" => query.filter(rating::Column::Level.lte(2)),
        "malicious" => query.filter(rating::Column::MaliciousAt.is_not_null()),
        "open" => query.filter(rating::Column::Id.in_subquery(running_rectifications())),
        _ => query,
    };
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_desc(rating::Column::RatedOn)
        .order_by_desc(rating::Column::Id)
        .paginate(db, per_page)
        .fetch_page(page - 1)
        .await?;
    let fixes = rectification::Entity::find()
        .filter(rectification::Column::RatingId.is_in(rows.iter().map(|r| r.id)))
        .all(db)
        .await?;
    let names = super::departments::names(db).await?;
    let items = super::my_cases::item_names(db, rows.iter().map(|r| r.item_code.clone())).await?;
    let rows = rows
        .iter()
        .map(|r| {
            let fix = fixes.iter().find(|f| f.rating_id == r.id);
            rating_row(r, &names, &items, fix, today)
        })
        .collect();
    let (by_department, by_item) = scores(db, period, department.as_deref(), &names).await?;
    Ok(RatingPage {
        period,
        filter: filter.into(),
        department,
        total,
        page,
        per_page,
        rows,
        by_department,
        by_item,
        supervisor: scope.is_supervisor(),
        departments: if scope.is_supervisor() {
            super::departments::choices(db).await?
        } else {
            Vec::new()
        },
    })
}

type Names = std::collections::HashMap<String, String>;

/// A rating as lists and exports show it.
fn rating_row(
    r: &rating::Model,
    departments: &Names,
    items: &Names,
    fix: Option<&rectification::Model>,
    today: NaiveDate,
) -> RatingRow {
    RatingRow {
        id: r.id,
        rated_on: r.rated_on,
        target_kind: target_kind_name(&r.target_kind).into(),
        target: r.target_id.clone(),
        link: match r.target_kind.as_str() {
            "case" | "counter" => format!("/staff/cases/{}", r.target_id),
            _ => format!("/staff/talks/{}", r.target_id),
        },
        department: departments
            .get(&r.department_code)
            .cloned()
            .unwrap_or_default(),
        item: items.get(&r.item_code).cloned().unwrap_or_default(),
        level: r.level,
        comment: r.comment.clone(),
        channel: r.channel.clone(),
        malicious: r.malicious_reason.clone(),
        rectification: fix.map(|f| view_of(f, today)),
    }
}

fn target_kind_name(kind: &str) -> &'static str {
    match kind {
        "case" => "办件",
        "counter" => "窗口服务",
        "consultation" => "网上咨询",
        "petition" => "网上信访",
        "letter" => "领导信箱",
        _ => "其他",
    }
}

/// Scores per department (from the daily figures) and per item (the 20 most rated).
async fn scores(
    db: &impl ConnectionTrait,
    period: Period,
    department: Option<&str>,
    names: &std::collections::HashMap<String, String>,
) -> ServiceResult<(Vec<ScoreRow>, Vec<ScoreRow>)> {
    let mut per_dept: std::collections::BTreeMap<String, Figures> = Default::default();
    for ((_, dept), f) in super::supervision::by_day(db, period).await? {
        if department.is_none_or(|d| d == dept) && f.ratings() > 0 {
            per_dept.entry(dept).or_default().add(&f);
        }
    }
    let score = |code: String, name: String, f: &Figures| ScoreRow {
        code,
        name,
        ratings: f.ratings(),
        good: f.ratings_good(),
        bad: f.ratings_bad(),
        average: f.average_rating(),
        satisfaction: f.satisfaction(),
    };
    let mut by_department: Vec<ScoreRow> = per_dept
        .iter()
        .map(|(code, f)| {
            score(
                code.clone(),
                names.get(code).cloned().unwrap_or_default(),
                f,
            )
        })
        .collect();
    by_department.sort_by(|a, b| {
        b.average
            .unwrap_or(0.0)
            .total_cmp(&a.average.unwrap_or(0.0))
    });
    let mut query = rating::Entity::find()
        .select_only()
        .column(rating::Column::ItemCode)
        .column(rating::Column::Level)
        .column_as(rating::Column::Id.count(), "n")
        .filter(rating::Column::RatedOn.between(period.from, period.to))
        .filter(rating::Column::MaliciousAt.is_null())
        .filter(rating::Column::ItemCode.ne(""))
        .group_by(rating::Column::ItemCode)
        .group_by(rating::Column::Level);
    if let Some(code) = department {
        query = query.filter(rating::Column::DepartmentCode.eq(code));
    }
    let mut per_item: std::collections::BTreeMap<String, Figures> = Default::default();
    for (item, level, n) in query.into_tuple::<(String, i32, i64)>().all(db).await? {
        if (1..=5).contains(&level) {
            per_item.entry(item).or_default().levels[level as usize - 1] += n;
        }
    }
    let items = super::my_cases::item_names(db, per_item.keys().cloned()).await?;
    let mut by_item: Vec<ScoreRow> = per_item
        .iter()
        .map(|(code, f)| {
            score(
                code.clone(),
                items.get(code).cloned().unwrap_or_default(),
                f,
            )
        })
        .collect();
    by_item.sort_by(|a, b| b.ratings.cmp(&a.ratings).then_with(|| a.name.cmp(&b.name)));
    by_item.truncate(20);
    Ok((by_department, by_item))
}

/// The most rows an export writes; a longer list says so in its last row.
pub const EXPORT_ROWS: u64 = 100_000;

/// The ratings of a period as a table, for export: the same filter and department as the page,
/// newest first, in one query.
pub async fn rating_table(
    db: &impl ConnectionTrait,
    account: &Account,
    period: Period,
    filter: &str,
    department: Option<&str>,
) -> ServiceResult<Table> {
    let scope = Scope::of(account)?;
    let mut query = rating::Entity::find();
    if filter != "open" {
        query = query.filter(rating::Column::RatedOn.between(period.from, period.to));
    }
    if let Some(code) = scope.department(department) {
        query = query.filter(rating::Column::DepartmentCode.eq(code));
    }
    query = match filter {
        "bad" => query.filter(rating::Column::Level.lte(2)),
        "malicious" => query.filter(rating::Column::MaliciousAt.is_not_null()),
        "open" => query.filter(rating::Column::Id.in_subquery(running_rectifications())),
        _ => query,
    };
    let rows = query
        .order_by_desc(rating::Column::RatedOn)
        .order_by_desc(rating::Column::Id)
        .limit(EXPORT_ROWS + 1)
        .all(db)
        .await?;
    let truncated = rows.len() as u64 > EXPORT_ROWS;
    let rows = &rows[..rows.len().min(EXPORT_ROWS as usize)];
    let names = super::departments::names(db).await?;
    let items = super::my_cases::item_names(db, rows.iter().map(|r| r.item_code.clone())).await?;
    let mut fixes = std::collections::HashMap::new();
    for chunk in rows.chunks(10_000) {
        for f in rectification::Entity::find()
            .filter(rectification::Column::RatingId.is_in(chunk.iter().map(|r| r.id)))
            .all(db)
            .await?
        {
            fixes.insert(f.rating_id, f);
        }
    }
    let mut cells: Vec<Vec<Cell>> = rows
        .iter()
        .map(|r| {
            let r = rating_row(r, &names, &items, fixes.get(&r.id), period.to);
            vec![
                Cell::Text(r.rated_on.map(|d| d.to_string()).unwrap_or_default()),
                Cell::Text(r.target_kind),
                Cell::Text(r.target),
                Cell::Text(r.department),
                Cell::Text(r.item),
                Cell::Text(crate::domain::case_read::rating_name(r.level).into()),
                Cell::Text(r.comment),
                Cell::Text(crate::domain::supervision::channel_name(&r.channel).into()),
                Cell::Text(
                    r.rectification
                        .map(|f| f.state.name_zh())
                        .unwrap_or_default()
                        .into(),
                ),
                Cell::Text(r.malicious.unwrap_or_default()),
            ]
        })
        .collect();
    if truncated {
        cells.push(vec![Cell::Text(format!(
            "（仅导出最新的 {EXPORT_ROWS} 条，请缩小统计区间）"
        ))]);
    }
    Ok(Table {
        title: "好差评".into(),
        headers: [
            "日期",
            "类别",
            "编号",
            "部门",
            "事项",
            "评价",
            "意见",
            "渠道",
            "整改",
            "恶意评价认定",
        ]
        .map(String::from)
        .to_vec(),
        rows: cells,
    })
}

/// The ids of ratings whose rectification is still running.
fn running_rectifications() -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(rectification::Column::RatingId)
        .from(rectification::Entity)
        .and_where(rectification::Column::State.is_in([
            RectificationState::Open.code(),
            RectificationState::CalledBack.code(),
        ]))
        .to_owned()
}
