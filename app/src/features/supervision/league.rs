//! 季度考核: the departments of a quarter ranked by score with their grades, the rules that made
//! them (editable by a supervisor), and the export.

use super::dashboard::grade_badge;
use super::{failed, loading, one_decimal, pct, use_flash, ExportLinks, Flash, SupervisionTabs};
use crate::api::supervision::get_league;
use crate::domain::role::StaffSection;
use crate::domain::supervision::League;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LeaguePage() -> impl IntoView {
    let query = use_query_map();
    let quarter = Memo::new(move |_| query.read().get("quarter").filter(|q| !q.is_empty()));
    let flash = use_flash();
    let league = Resource::new(move || (quarter.get(), flash.get()), |(q, _)| get_league(q));
    view! {
        <StaffFrame section=StaffSection::Supervision title="季度考核".to_string()>
            <Transition fallback=loading>
                {move || {
                    let (done, error) = flash.get();
                    Suspend::new(async move {
                        match league.await {
                            Ok(l) => view! { <LeagueScreen league=l done=done error=error/> }.into_any(),
                            Err(e) => failed(e),
                        }
                    })
                }}
            </Transition>
        </StaffFrame>
    }
}

#[component]
fn LeagueScreen(league: League, done: Option<String>, error: Option<String>) -> impl IntoView {
    let l = league;
    let r = l.rules;
    let quarters = l
        .quarters
        .iter()
        .map(|q| {
            view! { <a class="sv-preset" href=format!("/supervision/league?quarter={q}") aria-current=(*q == l.quarter).then_some("true")>{q.clone()}</a> }
        })
        .collect_view();
    let rows = l
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let f = row.figures;
            view! {
                <tr>
                    <td>{(i + 1).to_string()}</td>
                    <th scope="row">{row.name.clone()}</th>
                    <td>{f.decided}</td>
                    <td>{pct(f.on_time_rate())}</td>
                    <td>{pct(f.early_rate())}</td>
                    <td>{pct(f.satisfaction())}</td>
                    <td>{f.late()}</td>
                    <td>{row.overdue}</td>
                    <td class="sv-score">{one_decimal(row.score)}</td>
                    <td>{grade_badge(row.grade)}</td>
                </tr>
            }
        })
        .collect_view();
    let export = |ext: &str| format!("/supervision/export/league.{ext}?quarter={}", l.quarter);
    let number = |name: &'static str, label: &'static str, value: f64| {
        view! {
            <label class="sv-rule">
                <span>{label}</span>
                <input type="number" name=name value=format!("{value}") min="0" max="1000" step="any" required/>
            </label>
        }
    };
    view! {
        <div class="sv-page">
            <header class="sv-head">
                <div>
                    <h1>{format!("{} 季度考核", l.quarter)}</h1>
                    <p class="muted">{format!("{} 至 {}；当前超期为实时数", l.period.from, l.period.to)}</p>
                </div>
                <div class="sv-presets" role="group" aria-label="季度">{quarters}</div>
            </header>
            <SupervisionTabs current="/supervision/league"/>
            <Flash done=done error=error/>
            <section class="sc-card">
                <header class="sv-table-head">
                    <h2>"部门排名"</h2>
                    <ExportLinks xlsx=export("xlsx") csv=export("csv")/>
                </header>
                <div class="table-scroll">
                    <table class="queue-table sv-table">
                        <thead><tr>
                            <th scope="col">"名次"</th><th scope="col">"部门"</th><th scope="col">"办结"</th>
                            <th scope="col">"按时办结率"</th><th scope="col">"提前办结率"</th><th scope="col">"满意率"</th>
                            <th scope="col">"超期办结"</th><th scope="col">"当前超期"</th><th scope="col">"综合得分"</th><th scope="col">"等次"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </section>
            <section class="sc-card">
                <h2>"考核规则"</h2>
                <p class="muted">
                    "综合得分 = 100 ×（按时办结率 × 权重 + 提前办结率 × 权重 + 满意率 × 权重）÷ 有数据指标的权重之和。"
                    "没有评价的部门只按办结时效计分。"
                </p>
                <form class="sv-rules" method="post" action="/supervision/rules">
                    <fieldset>
                        <legend>"权重"</legend>
                        {number("weight_on_time", "按时办结率", r.weight_on_time)}
                        {number("weight_early", "提前办结率", r.weight_early)}
                        {number("weight_satisfaction", "满意率", r.weight_satisfaction)}
                    </fieldset>
                    <fieldset>
                        <legend>"等次分数线"</legend>
                        {number("excellent", "优秀 ≥", r.excellent)}
                        {number("good", "良好 ≥", r.good)}
                        {number("pass", "合格 ≥", r.pass)}
                    </fieldset>
                    <button type="submit" class="button button-primary">"保存规则"</button>
                </form>
            </section>
        </div>
    }
}
