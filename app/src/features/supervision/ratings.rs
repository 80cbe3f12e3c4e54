//! 好差评: scores per department and per item, every rating with its rectification. A supervisor
//! may rule a rating malicious (`/supervision/ratings`); the department records the callback and the
//! fix (`/staff/oversight`).

use super::{
    failed, loading, one_decimal, pct, use_flash, use_period, DepartmentFilter, ExportLinks, Flash,
    PeriodPicker, SupervisionTabs,
};
use crate::api::supervision::{get_ratings, PeriodAsked};
use crate::domain::case_read::rating_name;
use crate::domain::role::StaffSection;
use crate::domain::supervision::{
    is_bad_rating, RatingPage, RatingRow, RectificationState, ScoreRow,
};
use crate::features::staff::StaffFrame;
use crate::features::staff_desk::pager;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The rating filters of the page's query string.
pub(super) fn use_rating_query() -> Memo<(Option<String>, Option<String>, Option<u64>)> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        (
            q.get("filter").filter(|s| !s.is_empty()),
            q.get("department").filter(|s| !s.is_empty()),
            q.get("page").and_then(|p| p.parse::<u64>().ok()),
        )
    })
}

#[component]
pub fn RatingsPage() -> impl IntoView {
    let period = use_period();
    let asked = use_rating_query();
    let flash = use_flash();
    let page = Resource::new(
        move || (period.get(), asked.get(), flash.get()),
        |(p, (filter, department, page), _)| get_ratings(p, filter, department, page),
    );
    view! {
        <StaffFrame section=StaffSection::Supervision title="好差评".to_string()>
            <Transition fallback=loading>
                {move || {
                    let (done, error) = flash.get();
                    let period = period.get();
                    Suspend::new(async move {
                        match page.await {
                            Ok(p) => view! {
                                <div class="sv-page">
                                    <header class="sv-head">
                                        <h1>"好差评"</h1>
                                        <PeriodPicker path="/supervision/ratings" asked=period.clone()
                                            from=p.period.from.to_string() to=p.period.to.to_string()/>
                                    </header>
                                    <SupervisionTabs current="/supervision/ratings"/>
                                    <Flash done=done error=error/>
                                    <div class="sv-scores">
                                        <ScoreTable title="各部门评价" rows=p.by_department.clone()/>
                                        <ScoreTable title="评价最多的事项" rows=p.by_item.clone()/>
                                    </div>
                                    <RatingList page=p path="/supervision/ratings" period=period/>
                                </div>
                            }.into_any(),
                            Err(e) => failed(e),
                        }
                    })
                }}
            </Transition>
        </StaffFrame>
    }
}

#[component]
fn ScoreTable(title: &'static str, rows: Vec<ScoreRow>) -> impl IntoView {
    let empty = rows.is_empty();
    view! {
        <section class="sc-card">
            <h2>{title}</h2>
            <div class="table-scroll">
            <table class="queue-table sv-table">
                <thead><tr>
                    <th scope="col">"名称"</th><th scope="col">"评价数"</th><th scope="col">"差评"</th>
                    <th scope="col">"平均分（5 分制）"</th><th scope="col">"满意率"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.name}</th>
                            <td>{r.ratings}</td>
                            <td class={if r.bad > 0 { "sv-bad-cell" } else { "" }}>{r.bad}</td>
                            <td>{one_decimal(r.average)}</td>
                            <td>{pct(r.satisfaction)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
            {empty.then(|| view! { <p class="muted">"本期没有评价。"</p> })}
        </section>
    }
}

/// The list of ratings with filters, paging and the forms the viewer may use.
#[component]
pub(super) fn RatingList(
    page: RatingPage,
    path: &'static str,
    period: PeriodAsked,
) -> impl IntoView {
    let pq = period.query();
    let dept = page.department.clone();
    let base = if path.contains('?') {
        format!("{path}&")
    } else {
        format!("{path}?")
    };
    let link = |filter: &str, n: u64| {
        let mut h = format!("{base}filter={filter}&{pq}");
        if page.supervisor {
            if let Some(d) = &dept {
                h.push_str(&format!("&department={d}"));
            }
        }
        if n > 1 {
            h.push_str(&format!("&page={n}"));
        }
        h
    };
    let tabs = [("all", "全部"), ("bad", "差评"), ("open", "整改中"), ("malicious", "恶意评价")]
        .into_iter()
        .map(|(code, name)| {
            view! { <li><a class="queue-tab" href=link(code, 1) aria-current=(page.filter == code).then_some("page")>{name}</a></li> }
        })
        .collect_view();
    let pages = page.total.div_ceil(page.per_page).max(1);
    let prev = (page.page > 1).then(|| link(&page.filter, page.page - 1));
    let next = (page.page < pages).then(|| link(&page.filter, page.page + 1));
    let back = link(&page.filter, page.page);
    // The export carries the list's own filters.
    let export = |ext: &str| {
        let mut h = format!(
            "/supervision/export/ratings.{ext}?filter={}&{pq}",
            page.filter
        );
        if let Some(d) = &dept {
            h.push_str(&format!("&department={d}"));
        }
        h
    };
    let supervisor = page.supervisor;
    let rows = page
        .rows
        .iter()
        .map(|r| view! { <RatingItem rating=r.clone() supervisor=supervisor back=back.clone()/> })
        .collect_view();
    let empty = page.rows.is_empty();
    let mut keep = vec![("filter", page.filter.clone())];
    for (k, v) in [
        ("preset", &period.preset),
        ("from", &period.from),
        ("to", &period.to),
    ] {
        if let Some(v) = v {
            keep.push((k, v.clone()));
        }
    }
    view! {
        <div class="sv-toolbar">
            <nav aria-label="筛选"><ul class="queue-tabs">{tabs}</ul></nav>
            <DepartmentFilter path=path departments=page.departments.clone() current=dept.clone() keep=keep/>
            <p class="muted">{format!("共 {} 条", page.total)}</p>
            <ExportLinks xlsx=export("xlsx") csv=export("csv")/>
        </div>
        <ul class="sv-ratings">{rows}</ul>
        {empty.then(|| view! { <p class="muted">"没有符合条件的评价。"</p> })}
        {pager(prev, next, page.page, pages)}
    }
}

#[component]
fn RatingItem(rating: RatingRow, supervisor: bool, back: String) -> impl IntoView {
    let r = rating;
    let bad = is_bad_rating(r.level);
    let fix = r.rectification.clone();
    let id = r.id;
    let malicious_form = (supervisor && r.malicious.is_none() && bad).then(|| {
        view! {
            <details class="sv-malicious">
                <summary>"认定为恶意评价"</summary>
                <form method="post" action=format!("/supervision/ratings/{id}/malicious")>
                    <input type="hidden" name="back" value=back.clone()/>
                    <label for=format!("m-{id}")>"认定理由（必填，评价仍保留，只是不计入得分）"</label>
                    <textarea id=format!("m-{id}") name="reason" rows="2" maxlength="1000" required></textarea>
                    <button type="submit" class="button button-danger">"认定"</button>
                </form>
            </details>
        }
    });
    let fix_view = fix.map(|f| {
        let step_form = (!supervisor)
            .then(|| match f.state {
                RectificationState::Open => Some(view! {
                    <form class="sv-card-form" method="post" action=format!("/supervision/rectifications/{}", f.id)>
                        <input type="hidden" name="step" value="callback"/>
                        <input type="hidden" name="back" value=back.clone()/>
                        <label for=format!("cb-{}", f.id)>"回访情况"</label>
                        <textarea id=format!("cb-{}", f.id) name="note" rows="2" maxlength="2000" required
                            placeholder="回访时间、方式和评价人反映的问题"></textarea>
                        <button type="submit" class="button button-primary">"记录回访"</button>
                    </form>
                }.into_any()),
                RectificationState::CalledBack => Some(view! {
                    <form class="sv-card-form" method="post" action=format!("/supervision/rectifications/{}", f.id)>
                        <input type="hidden" name="step" value="fix"/>
                        <input type="hidden" name="back" value=back.clone()/>
                        <label for=format!("fx-{}", f.id)>"整改措施"</label>
                        <textarea id=format!("fx-{}", f.id) name="note" rows="2" maxlength="2000" required></textarea>
                        <label for=format!("rp-{}", f.id)>"给评价人的答复"</label>
                        <textarea id=format!("rp-{}", f.id) name="reply" rows="2" maxlength="2000" required></textarea>
                        <button type="submit" class="button button-primary">"提交整改并答复"</button>
                    </form>
                }.into_any()),
                _ => None,
            })
            .flatten();
        view! {
            <div class={if f.overdue { "sv-fix sv-fix-overdue" } else { "sv-fix" }}>
                <p>
                    <strong>{format!("整改：{}", f.state.name_zh())}</strong>
                    " "<span class="muted">{format!("回访期限 {} · 整改期限 {}", f.callback_due, f.fix_due)}</span>
                    {f.overdue.then(|| view! { " "<span class="badge badge-red">"已逾期"</span> })}
                </p>
                {f.callback_note.clone().map(|n| view! { <p>{format!("回访（{}）：{n}", f.called_back_on.map(|d| d.to_string()).unwrap_or_default())}</p> })}
                {f.fix_note.clone().map(|n| view! { <p>{format!("整改（{}）：{n}", f.fixed_on.map(|d| d.to_string()).unwrap_or_default())}</p> })}
                {f.reply.clone().map(|n| view! { <p>{format!("答复评价人：{n}")}</p> })}
                {step_form}
            </div>
        }
    });
    view! {
        <li class={if bad { "sv-rating sv-rating-bad" } else { "sv-rating" }}>
            <div class="sv-card-head">
                <span class={if bad { "badge badge-red" } else { "badge badge-green" }}>{rating_name(r.level)}</span>
                <span>{r.target_kind.clone()}</span>
                <a class="mono" href=r.link.clone()>{r.target.clone()}</a>
                <span>{r.department.clone()}</span>
                <span>{r.item.clone()}</span>
                <span class="muted">{format!("{} · {}", r.rated_on.map(|d| d.to_string()).unwrap_or_default(), crate::domain::supervision::channel_name(&r.channel))}</span>
            </div>
            {(!r.comment.is_empty()).then(|| view! { <p class="sv-comment">{r.comment.clone()}</p> })}
            {r.malicious.clone().map(|m| view! { <p class="sv-malicious-note"><strong>"已认定为恶意评价，不计入得分："</strong>{m}</p> })}
            {fix_view}
            {malicious_form}
        </li>
    }
}
