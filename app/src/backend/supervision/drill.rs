//! The cases behind a number of the dashboard: the same conditions the figures count, as a list.

use super::{Scope, MAX_PAGE};
use crate::backend::auth::Account;
use crate::backend::departments;
use crate::backend::entities::{application, clock};
use crate::backend::error::ServiceResult;
use crate::backend::my_cases::item_names;
use crate::domain::supervision::{DrillPage, DrillRow, Measure, Period};
use crate::domain::workflow::State;
use chrono::NaiveDate;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Select,
};

/// The cases one figure counted.
#[allow(clippy::too_many_arguments)]
pub async fn drill_page(
    db: &impl ConnectionTrait,
    account: &Account,
    measure: Measure,
    period: Period,
    department: Option<&str>,
    page: u64,
    per_page: u64,
    today: NaiveDate,
) -> ServiceResult<DrillPage> {
    let scope = Scope::of(account)?;
    let department = scope.department(department);
    let (page, per_page) = (page.clamp(1, MAX_PAGE), per_page.clamp(1, 100));
    let mut query = select(measure, period, today);
    if let Some(code) = &department {
        query = query.filter(application::Column::DepartmentCode.eq(code.clone()));
    }
    let total = query.clone().count(db).await?;
    // Newest first by the day the figure counts.
    let by = match measure {
        Measure::Received => application::Column::ReceivedOn,
        Measure::Accepted => application::Column::AcceptedOn,
        Measure::Overdue => application::Column::AcceptedOn,
        _ => application::Column::DecidedOn,
    };
    let rows = query
        .order_by_desc(by)
        .order_by_desc(application::Column::Id)
        .paginate(db, per_page)
        .fetch_page(page - 1)
        .await?;
    let items = item_names(db, rows.iter().map(|r| r.item_code.clone())).await?;
    let names = departments::names(db).await?;
    // The deadline a late or overdue case missed.
    let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
    let clocks = clock::Entity::find()
        .filter(clock::Column::ApplicationId.is_in(ids))
        .all(db)
        .await?;
    let due = |app: &application::Model| match measure {
        Measure::Overdue => clocks
            .iter()
            .filter(|c| c.application_id == app.id && c.status == "running" && c.kind != "promised")
            .filter_map(|c| c.due_date)
            .filter(|d| *d < today)
            .min(),
        _ => clocks
            .iter()
            .find(|c| c.application_id == app.id && c.kind == "legal")
            .and_then(|c| c.due_date),
    };
    let rows = rows
        .iter()
        .map(|a| DrillRow {
            case_no: a.case_no.clone(),
            item_name: items.get(&a.item_code).cloned().unwrap_or_default(),
            department: names.get(&a.department_code).cloned().unwrap_or_default(),
            applicant: a.applicant_name.clone(),
            state: State::from_code(&a.state)
                .map_or_else(|| a.state.clone(), |s| s.name_zh().to_string()),
            received_on: a.received_on,
            decided_on: a.decided_on,
            used_days: a.used_days,
            due: due(a),
        })
        .collect();
    Ok(DrillPage {
        measure,
        period,
        department: department.map(|c| {
            let name = names.get(&c).cloned().unwrap_or_default();
            (c, name)
        }),
        total,
        page,
        per_page,
        rows,
    })
}

fn select(measure: Measure, period: Period, today: NaiveDate) -> Select<application::Entity> {
    use application::Column as C;
    let q = application::Entity::find();
    let decided = || {
        q.clone()
            .filter(C::DecidedOn.between(period.from, period.to))
    };
    match measure {
        Measure::Received => q.filter(C::ReceivedOn.between(period.from, period.to)),
        Measure::Accepted => q.filter(C::AcceptedOn.between(period.from, period.to)),
        Measure::Decided => decided(),
        Measure::OnTime => decided().filter(C::OnTime.eq(true)),
        // As the figures count it: decided and not known to be on time.
        Measure::Late => decided().filter(
            sea_orm::Condition::any()
                .add(C::OnTime.eq(false))
                .add(C::OnTime.is_null()),
        ),
        Measure::Early => decided().filter(C::Early.eq(true)),
        Measure::Overdue => q.filter(
            C::Id.in_subquery(
                Query::select()
                    .column(clock::Column::ApplicationId)
                    .from(clock::Entity)
                    .and_where(clock::Column::Status.eq("running"))
                    .and_where(clock::Column::DueDate.lt(today))
                    .and_where(clock::Column::Kind.ne("promised"))
                    .to_owned(),
            ),
        ),
    }
}
