//! `/supervision`: the region's figures of a period at a glance — headline tiles, the weekly trend,
//! the departments' on-time rates, ratings by level — and the department table; every number
//! links to the cases behind it.

use super::charts::{DepartmentBars, RatingBars, TrendChart};
use super::{
    failed, loading, one_decimal, pct, use_period, ExportLinks, PeriodPicker, SupervisionTabs,
};
use crate::api::supervision::{get_summary, PeriodAsked};
use crate::domain::role::StaffSection;
use crate::domain::supervision::{FigureRow, Grade, Measure, Summary};
use crate::features::staff::StaffFrame;
use leptos::prelude::*;

#[component]
pub fn SupervisionPage() -> impl IntoView {
    let asked = use_period();
    let summary = Resource::new(move || asked.get(), get_summary);
    view! {
        <StaffFrame section=StaffSection::Supervision title="电子监察".to_string()>
            <Transition fallback=loading>
                {move || {
                    let asked = asked.get();
                    Suspend::new(async move {
                        match summary.await {
                            Ok(s) => view! { <Dashboard summary=s asked=asked/> }.into_any(),
                            Err(e) => failed(e),
                        }
                    })
                }}
            </Transition>
        </StaffFrame>
    }
}

fn drill(measure: Measure, query: &str, department: &str) -> String {
    let mut href = format!("/supervision/cases?measure={}&{query}", measure.code());
    if !department.is_empty() {
        href.push_str(&format!("&department={department}"));
    }
    href
}

#[component]
fn Tile(
    label: &'static str,
    value: String,
    #[prop(optional)] note: Option<String>,
    #[prop(optional)] href: Option<String>,
    #[prop(optional)] tone: &'static str,
) -> impl IntoView {
    let class = format!("sv-tile {tone}");
    let body = view! {
        <span class="sv-tile-label">{label}</span>
        <span class="sv-tile-value">{value}</span>
        {note.map(|n| view! { <span class="sv-tile-note">{n}</span> })}
    };
    match href {
        Some(href) => view! { <a class=class href=href>{body}</a> }.into_any(),
        None => view! { <div class=class>{body}</div> }.into_any(),
    }
}

pub(super) fn grade_badge(grade: Option<Grade>) -> AnyView {
    match grade {
        Some(g) => {
            view! { <span class=format!("sv-grade sv-grade-{}", g.code())>{g.name_zh()}</span> }
                .into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

#[component]
fn Dashboard(summary: Summary, asked: PeriodAsked) -> impl IntoView {
    let s = summary;
    let q = asked.query();
    let f = s.region.figures;
    let overdue_tone = if s.region.overdue > 0 {
        "sv-alert"
    } else {
        "sv-calm"
    };
    let cards_tone = if s.red_cards > 0 {
        "sv-alert"
    } else if s.yellow_cards > 0 {
        "sv-warn"
    } else {
        "sv-calm"
    };
    let rate_tone = |r: Option<f64>, good: f64| match r {
        Some(r) if r >= good => "sv-calm",
        Some(_) => "sv-warn",
        None => "",
    };
    let through = s
        .figures_through
        .map(|d| format!("截至 {d} 的数据已汇总，此后为实时数据"))
        .unwrap_or_else(|| "实时数据".into());
    let export = |ext: &str| format!("/supervision/export/summary.{ext}?{q}");
    let rows = std::iter::once(s.region.clone())
        .chain(s.departments.iter().cloned())
        .map(|r| view! { <DepartmentRow row=r query=q.clone()/> })
        .collect_view();
    view! {
        <div class="sv-page">
            <header class="sv-head">
                <div>
                    <h1>"电子监察"</h1>
                    <p class="muted">{format!("统计区间 {} 至 {} · {through}", s.period.from, s.period.to)}</p>
                </div>
                <PeriodPicker path="/supervision" asked=asked.clone() from=s.period.from.to_string() to=s.period.to.to_string()/>
            </header>
            <SupervisionTabs current="/supervision"/>
            <section class="sv-tiles" aria-label="主要指标">
                <Tile label="收件" value=f.received.to_string() href=drill(Measure::Received, &q, "")/>
                <Tile label="受理" value=f.accepted.to_string() href=drill(Measure::Accepted, &q, "")/>
                <Tile label="办结" value=f.decided.to_string() href=drill(Measure::Decided, &q, "")
                    note=format!("超期办结 {}", f.late())/>
                <Tile label="按时办结率" value=pct(f.on_time_rate()) tone=rate_tone(f.on_time_rate(), 0.95)
                    href=drill(Measure::Late, &q, "") note="点击查看超期办结".to_string()/>
                <Tile label="提前办结率" value=pct(f.early_rate()) href=drill(Measure::Early, &q, "")/>
                <Tile label="平均办理工作日" value=one_decimal(f.average_days())/>
                <Tile label="当前超期" value=s.region.overdue.to_string() tone=overdue_tone href=drill(Measure::Overdue, &q, "")/>
                <Tile label="未销号预警" value=(s.yellow_cards + s.red_cards).to_string() tone=cards_tone
                    href="/supervision/cards".to_string()
                    note=format!("红牌 {} · 黄牌 {}", s.red_cards, s.yellow_cards)/>
                <Tile label="满意率" value=pct(f.satisfaction()) tone=rate_tone(f.satisfaction(), 0.9)
                    href=format!("/supervision/ratings?{q}")
                    note=format!("评价 {} · 差评 {}", f.ratings(), f.ratings_bad())/>
                <Tile label="差评整改" value=s.rectifications_open.to_string()
                    tone={if s.rectifications_overdue > 0 { "sv-alert" } else { "" }}
                    href=format!("/supervision/ratings?filter=open&{q}")
                    note=format!("逾期未回访或未整改 {}", s.rectifications_overdue)/>
            </section>
            <div class="sv-charts">
                <section class="sc-card sv-chart-card sv-wide">
                    <h2>"按周趋势"</h2>
                    <TrendChart weeks=s.weeks.clone()/>
                </section>
                <section class="sc-card sv-chart-card">
                    <h2>"各部门按时办结率"</h2>
                    <DepartmentBars rows=s.departments.clone()/>
                </section>
                <section class="sc-card sv-chart-card">
                    <h2>"好差评分布"</h2>
                    <RatingBars levels=f.levels/>
                </section>
            </div>
            <section class="sc-card">
                <header class="sv-table-head">
                    <h2>"部门办件情况"</h2>
                    <ExportLinks xlsx=export("xlsx") csv=export("csv")/>
                </header>
                <div class="table-scroll">
                    <table class="queue-table sv-table">
                        <thead>
                            <tr>
                                <th scope="col">"部门"</th>
                                <th scope="col">"收件"</th>
                                <th scope="col">"受理"</th>
                                <th scope="col">"办结"</th>
                                <th scope="col">"按时办结率"</th>
                                <th scope="col">"提前办结率"</th>
                                <th scope="col">"平均工作日"</th>
                                <th scope="col">"超期办结"</th>
                                <th scope="col">"当前超期"</th>
                                <th scope="col">"未销号牌"</th>
                                <th scope="col">"满意率"</th>
                                <th scope="col">"得分"</th>
                                <th scope="col">"等次"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <p class="muted sv-footnote">
                    "按时办结率 = 在法定期限内作出决定的件数 ÷ 办结件数；提前办结率 = 在承诺期限前办结的件数 ÷ 办结件数；"
                    "平均工作日不含特别程序时间；满意率 = 基本满意及以上 ÷ 评价数（不含认定的恶意评价）。"
                </p>
            </section>
        </div>
    }
}

#[component]
fn DepartmentRow(row: FigureRow, query: String) -> impl IntoView {
    let f = row.figures;
    let code = row.code.clone();
    let link = move |m: Measure, n: i64| {
        if n == 0 {
            view! { <span class="muted">"0"</span> }.into_any()
        } else {
            view! { <a href=drill(m, &query, &code)>{n.to_string()}</a> }.into_any()
        }
    };
    let region = row.code.is_empty();
    let bad = |n: i64| if n > 0 { "sv-bad-cell" } else { "" };
    view! {
        <tr class={if region { "sv-region" } else { "" }}>
            <th scope="row">{row.name.clone()}</th>
            <td>{link(Measure::Received, f.received)}</td>
            <td>{link(Measure::Accepted, f.accepted)}</td>
            <td>{link(Measure::Decided, f.decided)}</td>
            <td>{pct(f.on_time_rate())}</td>
            <td>{pct(f.early_rate())}</td>
            <td>{one_decimal(f.average_days())}</td>
            <td class=bad(f.late())>{link(Measure::Late, f.late())}</td>
            <td class=bad(row.overdue)>{link(Measure::Overdue, row.overdue)}</td>
            <td>{row.open_cards.to_string()}</td>
            <td>{pct(f.satisfaction())}</td>
            <td>{one_decimal(row.score)}</td>
            <td>{grade_badge(row.grade)}</td>
        </tr>
    }
}
