//! `/supervision/cases`: the cases behind one number of the dashboard, with the deadline a late or
//! overdue case missed.

use super::{failed, loading, use_period, SupervisionTabs};
use crate::api::supervision::{get_drill, PeriodAsked};
use crate::domain::role::StaffSection;
use crate::domain::supervision::{DrillPage as Drill, Measure};
use crate::features::staff::StaffFrame;
use crate::features::staff_desk::pager;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DrillPage() -> impl IntoView {
    let asked = use_period();
    let query = use_query_map();
    let more = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("measure"),
            q.get("department").filter(|d| !d.is_empty()),
            q.get("page").and_then(|p| p.parse::<u64>().ok()),
        )
    });
    let page = Resource::new(
        move || (asked.get(), more.get()),
        |(asked, (measure, department, page))| get_drill(asked, measure, department, page),
    );
    view! {
        <StaffFrame section=StaffSection::Supervision title="办件明细".to_string()>
            <Transition fallback=loading>
                {move || {
                    let asked = asked.get();
                    Suspend::new(async move {
                        match page.await {
                            Ok(p) => view! { <DrillScreen page=p asked=asked/> }.into_any(),
                            Err(e) => failed(e),
                        }
                    })
                }}
            </Transition>
        </StaffFrame>
    }
}

#[component]
fn DrillScreen(page: Drill, asked: PeriodAsked) -> impl IntoView {
    let q = asked.query();
    let dept_code = page
        .department
        .as_ref()
        .map(|(c, _)| c.clone())
        .unwrap_or_default();
    let link = |measure: Measure, n: u64| {
        let mut href = format!("/supervision/cases?measure={}&{q}", measure.code());
        if !dept_code.is_empty() {
            href.push_str(&format!("&department={dept_code}"));
        }
        if n > 1 {
            href.push_str(&format!("&page={n}"));
        }
        href
    };
    let tabs = Measure::ALL
        .into_iter()
        .map(|m| {
            view! {
                <li><a class="queue-tab" href=link(m, 1) aria-current=(m == page.measure).then_some("page")>{m.name_zh()}</a></li>
            }
        })
        .collect_view();
    let pages = page.total.div_ceil(page.per_page).max(1);
    let prev = (page.page > 1).then(|| link(page.measure, page.page - 1));
    let next = (page.page < pages).then(|| link(page.measure, page.page + 1));
    let late = matches!(page.measure, Measure::Late | Measure::Overdue);
    let rows = page
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td><a class="queue-link mono" href=format!("/staff/cases/{}", r.case_no)>{r.case_no.clone()}</a></td>
                    <td>{r.item_name.clone()}</td>
                    <td>{r.department.clone()}</td>
                    <td>{r.applicant.clone()}</td>
                    <td>{r.state.clone()}</td>
                    <td class="nowrap">{r.received_on.map(|d| d.to_string()).unwrap_or_default()}</td>
                    <td class="nowrap">{r.decided_on.map(|d| d.to_string()).unwrap_or_default()}</td>
                    <td>{r.used_days.map(|d| d.to_string()).unwrap_or_default()}</td>
                    <td class={if late { "sv-bad-cell nowrap" } else { "nowrap" }}>{r.due.map(|d| d.to_string()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let title = match &page.department {
        Some((_, name)) => format!("{name} · {}", page.measure.name_zh()),
        None => format!("全市 · {}", page.measure.name_zh()),
    };
    let empty = page.rows.is_empty();
    view! {
        <div class="sv-page">
            <header class="sv-head">
                <div>
                    <p class="muted"><a href=format!("/supervision?{q}")>"电子监察"</a>" › 办件明细"</p>
                    <h1>{title}</h1>
                    <p class="muted">{format!("{} 至 {} · 共 {} 件", page.period.from, page.period.to, page.total)}</p>
                </div>
            </header>
            <SupervisionTabs current="/supervision"/>
            <nav aria-label="指标"><ul class="queue-tabs">{tabs}</ul></nav>
            <div class="table-scroll">
                <table class="queue-table">
                    <thead>
                        <tr>
                            <th scope="col">"办件编号"</th>
                            <th scope="col">"事项"</th>
                            <th scope="col">"部门"</th>
                            <th scope="col">"申请人"</th>
                            <th scope="col">"状态"</th>
                            <th scope="col">"收件日"</th>
                            <th scope="col">"决定日"</th>
                            <th scope="col">"用时（工作日）"</th>
                            <th scope="col">{if late { "超过的期限" } else { "法定期限" }}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {empty.then(|| view! { <p class="muted">"没有符合条件的办件。"</p> })}
            {pager(prev, next, page.page, pages)}
        </div>
    }
}
