//! 电子监察 pages for supervisors (`/supervision/...`): the dashboard, the cases behind a number,
//! cards, ratings, the quarterly league table; the department's own page (`/staff/oversight`)
//! where it explains its cards and rectifies bad ratings; the audit-log viewer (`/admin/audit`).
//! Everything is drawn on the server (charts are SVG), so the pages work without JavaScript.

mod audit;
mod cards;
mod charts;
mod dashboard;
mod drill;
mod league;
mod oversight;
mod ratings;

pub use audit::AuditLogPage;
pub use cards::CardsPage;
pub use dashboard::SupervisionPage;
pub use drill::DrillPage;
pub use league::LeaguePage;
pub use oversight::OversightPage;
pub use ratings::RatingsPage;

use crate::api::supervision::PeriodAsked;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The supervisor's pages, as tabs under the title.
const TABS: [(&str, &str); 5] = [
    ("/supervision", "总览"),
    ("/supervision/cards", "预警纠错"),
    ("/supervision/ratings", "好差评"),
    ("/supervision/league", "季度考核"),
    ("/admin/audit", "审计日志"),
];

#[component]
fn SupervisionTabs(current: &'static str) -> impl IntoView {
    view! {
        <nav class="sv-tabs" aria-label="电子监察">
            <ul>
                {TABS
                    .iter()
                    .map(|(href, name)| {
                        view! {
                            <li>
                                <a href=*href aria-current=(*href == current).then_some("page")>{*name}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The period of the page's query string, read at page level.
fn use_period() -> Memo<PeriodAsked> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        PeriodAsked {
            preset: q.get("preset"),
            from: q.get("from").filter(|s| !s.is_empty()),
            to: q.get("to").filter(|s| !s.is_empty()),
        }
    })
}

/// The `done` and `error` messages a form post came back with.
fn use_flash() -> Memo<(Option<String>, Option<String>)> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        (q.get("done"), q.get("error"))
    })
}

#[component]
fn Flash(done: Option<String>, error: Option<String>) -> impl IntoView {
    view! {
        {done.map(|d| view! { <p class="flash flash-ok" role="status">{d}</p> })}
        {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
    }
}

/// The period picker: presets as links, and two days for any other period.
#[component]
fn PeriodPicker(path: &'static str, asked: PeriodAsked, from: String, to: String) -> impl IntoView {
    let custom = asked.from.is_some() && asked.to.is_some();
    let preset = asked.preset.clone().unwrap_or_else(|| "year".into());
    let presets = [("month", "本月"), ("quarter", "本季度"), ("year", "本年"), ("12m", "近12个月")]
        .into_iter()
        .map(|(code, name)| {
            let current = !custom && preset == code;
            view! {
                <a class="sv-preset" href=format!("{path}?preset={code}") aria-current=current.then_some("true")>{name}</a>
            }
        })
        .collect_view();
    view! {
        <div class="sv-period">
            <div class="sv-presets" role="group" aria-label="统计区间">{presets}</div>
            <form class="sv-range" method="get" action=path>
                <label>"自"<input type="date" name="from" value=from required/></label>
                <label>"至"<input type="date" name="to" value=to required/></label>
                <button type="submit" class="button">"查询"</button>
            </form>
        </div>
    }
}

/// A supervisor's choice of department (all, or one), keeping the page's other filters.
#[component]
fn DepartmentFilter(
    path: &'static str,
    departments: Vec<(String, String)>,
    current: Option<String>,
    keep: Vec<(&'static str, String)>,
) -> impl IntoView {
    (!departments.is_empty()).then(|| {
        let options = departments
            .into_iter()
            .map(|(code, name)| {
                let selected = current.as_deref() == Some(code.as_str());
                view! { <option value=code selected=selected>{name}</option> }
            })
            .collect_view();
        view! {
            <form class="sv-dept-filter" method="get" action=path>
                {keep
                    .into_iter()
                    .map(|(name, value)| view! { <input type="hidden" name=name value=value/> })
                    .collect_view()}
                <label for="sv-department">"部门"</label>
                <select id="sv-department" name="department">
                    <option value="" selected=current.is_none()>"全部部门"</option>
                    {options}
                </select>
                <button type="submit" class="button">"筛选"</button>
            </form>
        }
    })
}

/// The two export buttons of a table, with the addresses of its xlsx and csv files.
#[component]
fn ExportLinks(xlsx: String, csv: String) -> impl IntoView {
    view! {
        <p class="sv-exports">
            <a class="button" href=xlsx download>"导出 Excel"</a>
            <a class="button" href=csv download>"导出 CSV"</a>
        </p>
    }
}

/// A share as a percentage with one decimal, or a dash.
fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn one_decimal(x: Option<f64>) -> String {
    x.map_or_else(|| "—".into(), |v| format!("{v:.1}"))
}

/// A loading placeholder and an error line shared by the pages.
fn loading() -> impl IntoView {
    view! { <p class="loading">"正在加载…"</p> }
}

fn failed(e: crate::api::error::AppError) -> AnyView {
    view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any()
}
