//! 预警纠错: the card list with its life cycle. A supervisor (`/supervision/cards`) closes or
//! escalates; the department (`/staff/oversight`) explains. Forms are plain posts.

use super::{failed, loading, use_flash, DepartmentFilter, ExportLinks, Flash, SupervisionTabs};
use crate::api::supervision::get_cards;
use crate::domain::role::StaffSection;
use crate::domain::supervision::{CardAction, CardPage, CardRow, CardStatus};
use crate::features::staff::StaffFrame;
use crate::features::staff_desk::pager;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Status, colour, department and page of a card list.
pub(super) type CardQuery = (Option<String>, Option<String>, Option<String>, Option<u64>);

/// The card filters of the page's query string.
pub(super) fn use_card_query() -> Memo<CardQuery> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        (
            q.get("status").filter(|s| !s.is_empty()),
            q.get("color").filter(|s| !s.is_empty()),
            q.get("department").filter(|s| !s.is_empty()),
            q.get("page").and_then(|p| p.parse::<u64>().ok()),
        )
    })
}

#[component]
pub fn CardsPage() -> impl IntoView {
    let asked = use_card_query();
    let flash = use_flash();
    let page = Resource::new(
        move || (asked.get(), flash.get()),
        |((status, color, department, page), _)| get_cards(status, color, department, page),
    );
    view! {
        <StaffFrame section=StaffSection::Supervision title="预警纠错".to_string()>
            <Transition fallback=loading>
                {move || {
                    let (done, error) = flash.get();
                    Suspend::new(async move {
                        match page.await {
                            Ok(p) => view! {
                                <div class="sv-page">
                                    <header class="sv-head"><h1>"预警纠错"</h1></header>
                                    <SupervisionTabs current="/supervision/cards"/>
                                    <Flash done=done error=error/>
                                    <CardList page=p path="/supervision/cards"/>
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

fn href(
    path: &str,
    status: Option<CardStatus>,
    color: Option<&str>,
    dept: Option<&str>,
    page: u64,
) -> String {
    let mut parts = Vec::new();
    if let Some(s) = status {
        parts.push(format!("status={}", s.code()));
    }
    if let Some(c) = color {
        parts.push(format!("color={c}"));
    }
    if let Some(d) = dept {
        parts.push(format!("department={d}"));
    }
    if page > 1 {
        parts.push(format!("page={page}"));
    }
    if parts.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", parts.join("&"))
    }
}

/// The list with its tabs, filters, export and one form per possible step of each card.
#[component]
pub(super) fn CardList(page: CardPage, path: &'static str) -> impl IntoView {
    let (status, color, dept) = (page.status, page.color.clone(), page.department.clone());
    let open: u64 = page
        .counts
        .iter()
        .filter(|(s, _)| *s != CardStatus::Closed)
        .map(|(_, n)| n)
        .sum();
    let color_ref = color.as_deref();
    let dept_ref = dept.as_deref();
    let mut tabs = vec![view! {
        <li><a class="queue-tab" href=href(path, None, color_ref, dept_ref, 1) aria-current=status.is_none().then_some("page")>
            "未销号"<span class="queue-count">{open.to_string()}</span></a></li>
    }
    .into_any()];
    for (s, n) in &page.counts {
        let urgent = *s == CardStatus::Escalated && *n > 0;
        tabs.push(
            view! {
                <li><a class={if urgent { "queue-tab urgent" } else { "queue-tab" }} href=href(path, Some(*s), color_ref, dept_ref, 1)
                    aria-current=(status == Some(*s)).then_some("page")>
                    {s.name_zh()}<span class="queue-count">{n.to_string()}</span></a></li>
            }
            .into_any(),
        );
    }
    let colors = [(None, "全部"), (Some("red"), "红牌"), (Some("yellow"), "黄牌")]
        .into_iter()
        .map(|(c, name)| {
            view! {
                <a class="sv-preset" href=href(path, status, c, dept_ref, 1) aria-current=(c == color_ref).then_some("true")>{name}</a>
            }
        })
        .collect_view();
    let pages = page.total.div_ceil(page.per_page).max(1);
    let prev = (page.page > 1).then(|| href(path, status, color_ref, dept_ref, page.page - 1));
    let next = (page.page < pages).then(|| href(path, status, color_ref, dept_ref, page.page + 1));
    let back = href(path, status, color_ref, dept_ref, page.page);
    let supervisor = page.supervisor;
    let rows = page
        .rows
        .iter()
        .map(|c| {
            let history = page
                .history
                .iter()
                .find(|((s, id), _)| *s == c.source && *id == c.id)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
            view! { <CardItem card=c.clone() history=history supervisor=supervisor back=back.clone()/> }
        })
        .collect_view();
    let empty = page.rows.is_empty();
    // The export carries the list's own filters.
    let export = |ext: &str| {
        let listed = href("", status, color_ref, dept_ref, 1);
        format!("/supervision/export/cards.{ext}{listed}")
    };
    let mut keep = Vec::new();
    if let Some(s) = status {
        keep.push(("status", s.code().to_string()));
    }
    if let Some(c) = &color {
        keep.push(("color", c.clone()));
    }
    view! {
        <div class="sv-toolbar">
            <nav aria-label="状态"><ul class="queue-tabs">{tabs}</ul></nav>
            <div class="sv-presets" role="group" aria-label="牌色">{colors}</div>
            <DepartmentFilter path=path departments=page.departments.clone() current=dept.clone() keep=keep/>
            <ExportLinks xlsx=export("xlsx") csv=export("csv")/>
        </div>
        <ul class="sv-cards">{rows}</ul>
        {empty.then(|| view! { <p class="muted">"没有符合条件的预警。"</p> })}
        {pager(prev, next, page.page, pages)}
    }
}

#[component]
fn CardItem(
    card: CardRow,
    history: Vec<crate::domain::supervision::CardEventView>,
    supervisor: bool,
    back: String,
) -> impl IntoView {
    let c = card;
    let red = c.color == "red";
    let action_url = format!("/supervision/cards/{}/{}", c.source, c.id);
    let can = |a: CardAction| a.by_supervisor() == supervisor && a.apply(c.status).is_ok();
    // One text box per card: the department's explanation, or the supervisor's opinion with a
    // button per step it allows (the server says when an escalation lacks its instruction).
    let steps: Vec<CardAction> = [CardAction::Explain, CardAction::Close, CardAction::Escalate]
        .into_iter()
        .filter(|a| can(*a))
        .collect();
    let field = format!("t-{}-{}", c.source, c.id);
    let (label, placeholder) = if supervisor {
        (
            "审核或督办意见",
            "审核意见（销号可不填）；升级督办时写明要求部门采取的措施和时限",
        )
    } else {
        (
            "情况说明",
            "说明超时或临近超时的原因、已采取的措施和预计办结时间",
        )
    };
    let forms = (!steps.is_empty()).then(|| {
        view! {
            <form class="sv-card-form" method="post" action=action_url.clone()>
                <input type="hidden" name="back" value=back.clone()/>
                <label class="visually-hidden" for=field.clone()>{label}</label>
                <textarea id=field name="text" rows="2" maxlength="2000" placeholder=placeholder
                    required=!supervisor></textarea>
                <div class="sv-card-buttons">
                    {steps
                        .into_iter()
                        .map(|a| view! {
                            <button type="submit" name="action" value=a.code()
                                class=if a == CardAction::Escalate { "button button-danger" } else { "button button-primary" }>
                                {a.name_zh()}
                            </button>
                        })
                        .collect_view()}
                </div>
            </form>
        }
    });
    let history = (!history.is_empty()).then(|| {
        view! {
            <details class="sv-history">
                <summary>{format!("处理记录（{} 条）", history.len())}</summary>
                <ol>
                    {history
                        .into_iter()
                        .map(|e| view! { <li><span class="muted">{e.at}" "{e.actor}</span>" "<strong>{e.action}</strong>" "{e.text}</li> })
                        .collect_view()}
                </ol>
            </details>
        }
    });
    view! {
        <li class={if red { "sv-card sv-card-red" } else { "sv-card sv-card-yellow" }}>
            <div class="sv-card-head">
                <span class={if red { "badge badge-red" } else { "badge badge-yellow" }}>{if red { "红牌" } else { "黄牌" }}</span>
                <span>{c.target_kind.clone()}</span>
                <a class="mono" href=c.link.clone()>{c.target.clone()}</a>
                <span>{c.clock.clone()}</span>
                <span>{c.department.clone()}</span>
                <span class="muted">{format!("到期 {} · 发牌 {}", c.due_date, c.issued_on)}</span>
                <span class=format!("sv-status sv-status-{}", c.status.code())>{c.status.name_zh()}</span>
            </div>
            {c.explanation.clone().map(|e| view! { <p class="sv-explanation"><strong>"部门说明："</strong>{e}</p> })}
            {history}
            {forms}
        </li>
    }
}
