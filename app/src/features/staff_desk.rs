//! 工作台: the queues of the staff member's department — to accept, awaiting supplement, under
//! review, special procedure, awaiting decision, to conclude, assisting, due soon, overdue — with
//! counts, deadline badges, search by case number, name, ID number or mobile, sorting, "mine".
//! Keyboard first: `/` searches, `j`/`k` move through the rows, Enter opens, digits switch queues.

use crate::api::casework::get_queue;
use crate::api::error::AppError;
use crate::domain::card::Card;
use crate::domain::casework::{Queue, QueuePage, Sort};
use crate::domain::role::StaffSection;
use crate::features::case_view::local_time;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// The text and class of a deadline badge.
pub fn badge(card: Card, due: Option<chrono::NaiveDate>) -> impl IntoView {
    let (class, word) = match card {
        Card::Green => ("badge badge-green", "正常"),
        Card::Yellow => ("badge badge-yellow", "即将到期"),
        Card::Red => ("badge badge-red", "已超期"),
    };
    let due = due.map(|d| d.format("%Y-%m-%d").to_string());
    view! {
        <span class=class>
            <span class="badge-word">{word}</span>
            {due.map(|d| view! { <span class="badge-date">{d}</span> })}
        </span>
    }
}

/// The paging line under a staff list: previous and next links where there are such pages.
pub fn pager(prev: Option<String>, next: Option<String>, page: u64, pages: u64) -> impl IntoView {
    view! {
        <nav class="pager" aria-label="翻页">
            {prev.map(|h| view! { <a class="button" href=h>"上一页"</a> })}
            <span class="muted">{format!("第 {page} / {pages} 页")}</span>
            {next.map(|h| view! { <a class="button" href=h>"下一页"</a> })}
        </nav>
    }
}

/// A queue page; `section` chooses the queue shown first.
#[component]
pub fn QueueDesk(section: StaffSection) -> impl IntoView {
    let title = match section {
        StaffSection::Review => "审查审核",
        StaffSection::Approve => "批准决定",
        StaffSection::Extensions => "延期审批",
        _ => "工作台",
    };
    // The page's resource is made here, outside the frame's async children, so that it belongs to
    // the page's reactive owner (and reaches the server context) however the frame resolves.
    let query = use_query_map();
    let path = use_location().pathname.get_untracked();
    let default_queue = match section {
        StaffSection::Review => Some(Queue::UnderReview),
        StaffSection::Extensions => Some(Queue::ExtensionRequested),
        StaffSection::Approve => Some(Queue::AwaitingDecision),
        _ => None,
    };
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("queue")
                .or_else(|| default_queue.map(|d| d.code().to_string())),
            q.get("sort"),
            q.get("q").map(|s| s.chars().take(40).collect::<String>()),
            q.get("mine").is_some_and(|m| m == "true"),
            q.get("page").and_then(|p| p.parse::<u64>().ok()),
        )
    });
    let page = Resource::new(
        move || asked.get(),
        |(queue, sort, q, mine, page)| get_queue(queue, sort, q, Some(mine), page),
    );
    #[cfg(feature = "hydrate")]
    super::staff_keys::queue_keys();
    view! {
        <StaffFrame section=section title=title.to_string()>
            <QueueView page=page path=path.clone()/>
        </StaffFrame>
    }
}

#[component]
fn QueueView(page: Resource<Result<QueuePage, AppError>>, path: String) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || {
                let path = path.clone();
                Suspend::new(async move {
                    match page.await {
                        Ok(page) => view! { <QueueScreen page=page path=path/> }.into_any(),
                        // The three administrators share the staff frame but handle no cases.
                        Err(AppError::NotAllowed(_)) => view! {
                            <p class="flash">"您的角色不经办办件，请从左侧导航进入您的工作栏目。"</p>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

fn link(path: &str, queue: Queue, sort: Sort, q: &str, mine: bool, page: u64) -> String {
    let mut href = format!("{path}?queue={}&sort={}", queue.code(), sort.code());
    if !q.is_empty() {
        href.push_str(&format!(
            "&q={}",
            crate::layouts::prefs::encode_component(q)
        ));
    }
    if mine {
        href.push_str("&mine=true");
    }
    if page > 1 {
        href.push_str(&format!("&page={page}"));
    }
    href
}

#[component]
fn QueueScreen(page: QueuePage, path: String) -> impl IntoView {
    let (queue, sort, q, mine) = (page.queue, page.sort, page.search.clone(), page.mine);
    let pages = page.total.div_ceil(page.per_page).max(1);
    let tabs = page
        .counts
        .iter()
        .enumerate()
        .map(|(i, (tab, n))| {
            let href = link(&path, *tab, sort, &q, mine, 1);
            let current = *tab == queue;
            let urgent = matches!(tab, Queue::Overdue | Queue::DueSoon) && *n > 0;
            view! {
                <li>
                    <a href=href class="queue-tab" class:urgent=urgent aria-current=current.then_some("page")
                        data-key=(i < 9).then(|| (i + 1).to_string())>
                        {tab.name_zh()}
                        <span class="queue-count">{n.to_string()}</span>
                        {(i < 9).then(|| view! { <kbd class="tab-key" aria-hidden="true">{(i + 1).to_string()}</kbd> })}
                    </a>
                </li>
            }
        })
        .collect_view();
    let rows = page
        .rows
        .iter()
        .map(|r| {
            let href = format!("/staff/cases/{}", r.case_no);
            let channel = if r.channel == "counter" {
                "窗口"
            } else {
                "网上"
            };
            view! {
                <tr>
                    <td><a class="queue-link mono" href=href>{r.case_no.clone()}</a></td>
                    <td>{r.item_name.clone()}</td>
                    <td>{r.applicant_name.clone()}</td>
                    <td>{r.state_name.clone()}</td>
                    <td>{badge(r.card, r.due)}</td>
                    <td>{r.assignee.clone().unwrap_or_else(|| "—".into())}</td>
                    <td>{channel}</td>
                    <td class="muted">{local_time(r.submitted_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = page.rows.is_empty();
    let sort_option = |s: Sort, label: &'static str| {
        view! { <option value=s.code() selected=s == sort>{label}</option> }
    };
    let prev = (page.page > 1).then(|| link(&path, queue, sort, &q, mine, page.page - 1));
    let next = (page.page < pages).then(|| link(&path, queue, sort, &q, mine, page.page + 1));
    view! {
        <div class="desk">
            <form class="queue-search" method="get" action=path.clone() role="search">
                <input type="hidden" name="queue" value=queue.code()/>
                <label class="sr-only" for="queue-search">"搜索办件"</label>
                <input id="queue-search" name="q" type="search" value=q.clone() maxlength="40" autocomplete="off"
                    placeholder="办件编号、申请人姓名、身份证号或手机号（按 / 键）"/>
                <label class="inline-field">"排序"
                    <select name="sort">
                        {sort_option(Sort::Due, "期限最近优先")}
                        {sort_option(Sort::Submitted, "提交最早优先")}
                        {sort_option(Sort::Newest, "最新提交优先")}
                    </select>
                </label>
                <label class="check"><input type="checkbox" name="mine" value="true" checked=mine/>"只看我认领的"</label>
                <button type="submit" class="button">"查询"</button>
            </form>
            <nav aria-label="工作队列"><ul class="queue-tabs">{tabs}</ul></nav>
            <h2 class="queue-title">{queue.name_zh()}<span class="muted">{format!("（共 {} 件）", page.total)}</span></h2>
            {if empty {
                view! { <p class="empty-note">"这个队列里没有办件。"</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="queue-table">
                            <thead><tr>
                                <th scope="col">"办件编号"</th><th scope="col">"事项"</th><th scope="col">"申请人"</th>
                                <th scope="col">"状态"</th><th scope="col">"期限"</th><th scope="col">"认领人"</th>
                                <th scope="col">"渠道"</th><th scope="col">"提交时间"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {pager(prev, next, page.page, pages)}
            <aside class="shortcuts" aria-label="快捷键">
                <h2>"快捷键"</h2>
                <ul>
                    <li><kbd>"/"</kbd>" 搜索"</li>
                    <li><kbd>"j"</kbd>" / "<kbd>"k"</kbd>" 下一件 / 上一件"</li>
                    <li><kbd>"Enter"</kbd>" 打开办件"</li>
                    <li><kbd>"1"</kbd>"–"<kbd>"9"</kbd>" 切换队列"</li>
                    <li><kbd>"n"</kbd>" 窗口收件"</li>
                </ul>
            </aside>
        </div>
    }
    .into_any()
}
