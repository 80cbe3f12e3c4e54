//! 咨询、信访与领导信箱 for staff: the queues of the three channels (same look as the case queues:
//! tabs with counts, deadline badges, search, paging) at `/staff/talks`, and one conversation at
//! `/staff/talks/{ref_no}` with the writer's contact, the history, and one form per action this
//! person may take now (transfer, accept, refuse, extend, reply with templates, office check,
//! publication with redaction). Forms are plain posts carrying the version the page was drawn from.

use super::case_view::local_time;
use super::staff_desk::{badge, pager};
use crate::api::error::AppError;
use crate::api::talks::{get_talk, get_talk_queue};
use crate::domain::role::StaffSection;
use crate::domain::talk::{TalkAction, TalkChannel, TalkQueuePage, TalkView};
use crate::features::staff::StaffFrame;
use crate::features::talk_view::TalkHistory;
use crate::layouts::prefs::encode_component;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StaffTalksPage() -> impl IntoView {
    // Made at page level, outside the frame's async children (see `staff_desk::QueueDesk`).
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("channel"),
            q.get("queue"),
            q.get("q").map(|s| s.chars().take(40).collect::<String>()),
            q.get("page").and_then(|p| p.parse::<u64>().ok()),
        )
    });
    let page = Resource::new(
        move || asked.get(),
        |(channel, queue, q, page)| get_talk_queue(channel, queue, q, page),
    );
    view! {
        <StaffFrame section=StaffSection::Talks title="咨询、信访与领导信箱".to_string()>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <TalkQueueScreen page=p/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </StaffFrame>
    }
}

fn link(channel: TalkChannel, queue: &str, q: &str, page: u64) -> String {
    let mut href = format!("/staff/talks?channel={}&queue={queue}", channel.code());
    if !q.is_empty() {
        href.push_str(&format!("&q={}", encode_component(q)));
    }
    if page > 1 {
        href.push_str(&format!("&page={page}"));
    }
    href
}

#[component]
fn TalkQueueScreen(page: TalkQueuePage) -> impl IntoView {
    let (channel, queue, q) = (page.channel, page.queue, page.search.clone());
    let pages = page.total.div_ceil(page.per_page).max(1);
    let channel_tabs = page
        .channel_counts
        .iter()
        .map(|(c, n)| {
            let current = *c == channel;
            view! {
                <li>
                    <a href=link(*c, "open", "", 1) class="queue-tab" aria-current=current.then_some("page")>
                        {c.name_zh()}<span class="queue-count">{n.to_string()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let tabs = page
        .counts
        .iter()
        .map(|(tab, n)| {
            let current = *tab == queue;
            let urgent = matches!(tab.code(), "overdue" | "due_soon") && *n > 0;
            view! {
                <li>
                    <a href=link(channel, tab.code(), &q, 1) class="queue-tab" class:urgent=urgent
                        aria-current=current.then_some("page")>
                        {tab.name_zh()}<span class="queue-count">{n.to_string()}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let rows = page
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td><a class="queue-link mono" href=format!("/staff/talks/{}", r.ref_no)>{r.ref_no.clone()}</a></td>
                    <td class="talk-subject-cell">{r.subject.clone()}</td>
                    <td>{r.writer.clone()}</td>
                    <td>{r.state.name_zh()}</td>
                    <td>{if r.due.is_some() { badge(r.card, r.due).into_any() } else { "—".into_any() }}</td>
                    <td>{r.department.clone().unwrap_or_else(|| "待分派".into())}</td>
                    <td class="muted">{local_time(r.created_at)}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = page.rows.is_empty();
    let prev = (page.page > 1).then(|| link(channel, queue.code(), &q, page.page - 1));
    let next = (page.page < pages).then(|| link(channel, queue.code(), &q, page.page + 1));
    view! {
        <div class="desk">
            <nav aria-label="栏目"><ul class="queue-tabs channel-tabs">{channel_tabs}</ul></nav>
            <form class="queue-search" method="get" action="/staff/talks" role="search">
                <input type="hidden" name="channel" value=channel.code()/>
                <input type="hidden" name="queue" value=queue.code()/>
                <label class="sr-only" for="talk-search">"搜索"</label>
                <input id="talk-search" name="q" type="search" value=q.clone() maxlength="40" autocomplete="off"
                    placeholder="编号、标题、来信人、手机号或身份证号"/>
                <button type="submit" class="button">"查询"</button>
            </form>
            <nav aria-label="工作队列"><ul class="queue-tabs">{tabs}</ul></nav>
            <h2 class="queue-title">{channel.name_zh()}" · "{queue.name_zh()}<span class="muted">{format!("（共 {} 件）", page.total)}</span></h2>
            {if empty {
                view! { <p class="empty-note">"这个队列里没有待办的件。"</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="queue-table">
                            <thead><tr>
                                <th scope="col">"编号"</th><th scope="col">"标题"</th><th scope="col">"来信人"</th>
                                <th scope="col">"状态"</th><th scope="col">"期限"</th><th scope="col">"办理部门"</th>
                                <th scope="col">"提交时间"</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            {pager(prev, next, page.page, pages)}
        </div>
    }
    .into_any()
}

#[component]
pub fn StaffTalkPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let ref_no = Memo::new(move |_| params.read().get("ref_no").unwrap_or_default());
    let flash = Memo::new(move |_| {
        let q = query.read();
        (q.get("done"), q.get("error"))
    });
    let talk = Resource::new(
        move || (ref_no.get(), flash.get()),
        |(no, _)| get_talk(no, None),
    );
    view! {
        <StaffFrame section=StaffSection::Talks title="来信详情".to_string()>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || {
                    let (done, error) = flash.get();
                    Suspend::new(async move {
                        match talk.await {
                            Ok(t) => view! { <StaffTalkScreen talk=t done=done error=error/> }.into_any(),
                            Err(e) => view! {
                                <div class="notice-page">
                                    <p class="form-error" role="alert">{match e {
                                        AppError::NotFound => "没有找到该件，或不由您所在的部门办理。".to_string(),
                                        other => other.to_string(),
                                    }}</p>
                                    <a class="button" href="/staff/talks">"返回列表"</a>
                                </div>
                            }.into_any(),
                        }
                    })
                }}
            </Transition>
        </StaffFrame>
    }
}

#[component]
fn StaffTalkScreen(talk: TalkView, done: Option<String>, error: Option<String>) -> impl IntoView {
    let t = talk;
    let url = format!("/talk/{}/act", t.ref_no);
    let back = format!("/staff/talks?channel={}", t.channel.code());
    let mut staff_actions: Vec<_> = t
        .offers
        .iter()
        .filter(|o| {
            !matches!(
                o.action,
                TalkAction::Consent | TalkAction::WithdrawConsent | TalkAction::Rate
            )
        })
        .cloned()
        .collect();
    // The main work first (it opens by itself), routing and the rest after.
    staff_actions.sort_by_key(|o| {
        [
            TalkAction::Reply,
            TalkAction::Approve,
            TalkAction::Accept,
            TalkAction::Publish,
            TalkAction::Transfer,
            TalkAction::Return,
            TalkAction::Refuse,
            TalkAction::Extend,
            TalkAction::Unpublish,
        ]
        .iter()
        .position(|a| *a == o.action)
    });
    let panels = staff_actions
        .iter()
        .enumerate()
        .map(|(i, o)| view! { <TalkActionPanel index=i + 1 action=o.action name=o.name.clone() talk=t.clone() url=url.clone()/> })
        .collect_view();
    let none = staff_actions.is_empty();
    let contact = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    let done_text = done.map(|d| {
        TalkAction::from_code(&d)
            .map(|a| format!("已完成“{}”。", a.name_zh(t.channel, t.state)))
            .unwrap_or_default()
    });
    view! {
        <div class="staff-case">
            <header class="case-head">
                <div>
                    <p class="muted"><a href=back>{t.channel.name_zh()}</a>" › 详情"</p>
                    <h1>{t.subject.clone()}</h1>
                    <p class="case-meta">
                        <span class="mono">{t.ref_no.clone()}</span>
                        <span class="talk-state">{t.state.name_zh()}</span>
                        <span>{t.department.clone().unwrap_or_else(|| "待分派".into())}</span>
                        {t.due.map(|d| view! { <span>{t.clock.clone().unwrap_or_default()}" "{badge(t.card, Some(d))}</span> })}
                        {t.extended.then(|| view! { <span>"已延期"</span> })}
                        <span>"提交于 "{local_time(t.created_at)}</span>
                    </p>
                </div>
            </header>
            {done_text.map(|d| view! { <p class="flash flash-ok" role="status">{d}</p> })}
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="case-columns">
                <div class="case-main">
                    <section class="sc-card">
                        <h2>"来信人"</h2>
                        <dl class="kv">
                            <dt>"姓名"</dt><dd>{t.writer.clone()}{t.anonymous.then_some("（匿名咨询）")}</dd>
                            {t.id_number.clone().map(|id| view! { <dt>"身份证号"</dt><dd class="mono">{id}</dd> })}
                            <dt>"手机号码"</dt><dd class="mono">{contact(&t.mobile)}</dd>
                            <dt>"电子邮箱"</dt><dd>{contact(&t.email)}</dd>
                            {t.item.clone().map(|i| view! { <dt>"咨询事项"</dt><dd>{i}</dd> })}
                            {t.mailbox.clone().map(|m| view! { <dt>"信箱"</dt><dd>{m}</dd> })}
                            {t.category.clone().map(|c| view! { <dt>"类别"</dt><dd>{c}</dd> })}
                            <dt>"公开意愿"</dt><dd>{if t.published { "已公开" } else if t.consent_publish { "同意公开（尚未公开）" } else { "不同意公开" }}</dd>
                        </dl>
                        <p class="hint">"本页含个人信息，查看已记入审计日志。"</p>
                    </section>
                    <section class="sc-card">
                        <h2>"内容"</h2>
                        <p class="pre talk-body">{t.body.clone()}</p>
                        {(!t.attachments.is_empty()).then(|| view! {
                            <ul class="kept-files">
                                {t.attachments.iter().map(|a| view! {
                                    <li><a href=format!("/talk/{}/files/{}", t.ref_no, a.upload_id) target="_blank" rel="noopener">{a.file_name.clone()}</a>
                                        <span class="muted">" "{crate::features::apply::size_text(a.size)}</span></li>
                                }).collect_view()}
                            </ul>
                        })}
                    </section>
                    {t.draft_reply.clone().map(|d| view! {
                        <section class="sc-card">
                            <h2>"拟答复（待领导办公室审核）"</h2>
                            <p class="pre">{d}</p>
                        </section>
                    })}
                    {t.reply.clone().map(|r| view! {
                        <section class="sc-card">
                            <h2>"答复"</h2>
                            <p class="pre">{r}</p>
                            {t.answered_on.map(|d| view! { <p class="muted">"答复日期 "{d.format("%Y-%m-%d").to_string()}</p> })}
                            {t.has_opinion_pdf.then(|| view! {
                                <a class="button" href=format!("/talk/{}/opinion.pdf", t.ref_no) target="_blank" rel="noopener">"书面意见书（PDF）"</a>
                            })}
                            {t.rating.map(|l| view! { <p>"来信人评价："{crate::domain::case_read::rating_name(l)}</p> })}
                        </section>
                    })}
                    <section class="sc-card">
                        <h2>"办理过程"</h2>
                        <TalkHistory events=t.events.clone()/>
                    </section>
                </div>
                <aside class="case-side">
                    <section class="sc-card case-actions">
                        <h2>"办理"</h2>
                        {if none {
                            view! { <p class="muted">"当前没有您可以办理的操作。"</p> }.into_any()
                        } else {
                            view! { <div>{panels}</div> }.into_any()
                        }}
                    </section>
                </aside>
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn TalkActionPanel(
    index: usize,
    action: TalkAction,
    name: String,
    talk: TalkView,
    url: String,
) -> impl IntoView {
    let id = move |n: &str| format!("t{index}-{n}");
    // What this person wrote for this action before it was refused comes back in the box.
    let typed = talk
        .typed
        .clone()
        .filter(|(a, _)| *a == action)
        .map(|(_, t)| t);
    let typed_or_empty = typed.clone().unwrap_or_default();
    let text = move |label: &'static str, required: bool, value: String| {
        let (fid, label_for) = (id("text"), id("text"));
        view! {
            <label class="field" for=label_for>
                <span>{label}{required.then_some(" *")}</span>
                <textarea id=fid name="text" rows="6" required=required maxlength=crate::domain::talk::REPLY_MAX.to_string()>{value}</textarea>
            </label>
        }
    };
    let fields = match action {
        TalkAction::Transfer => {
            let current = talk.department.clone().unwrap_or_default();
            view! {
                <label class="field" for=id("dept")>
                    <span>{if talk.channel == TalkChannel::Letter { "交办给 *" } else { "转交给 *" }}</span>
                    <select id=id("dept") name="department" required=true>
                        <option value="">"请选择部门"</option>
                        {talk.departments.iter().filter(|(_, n)| *n != current).map(|(c, n)| view! {
                            <option value=c.clone()>{n.clone()}</option>
                        }).collect_view()}
                    </select>
                </label>
                {text("说明（随件转交，来信人看不到）", false, typed_or_empty.clone())}
            }
            .into_any()
        }
        TalkAction::Refuse => text("不予受理的理由和依据（写入告知书）", true, typed_or_empty.clone()).into_any(),
        TalkAction::Extend => view! {
            <p class="hint">"办理期限延长 30 日，只能延长一次；理由将告知信访人。"</p>
            {text("延期理由", true, typed_or_empty.clone())}
        }
        .into_any(),
        TalkAction::Return => text("退回意见", true, typed_or_empty.clone()).into_any(),
        TalkAction::Reply => {
            let reply_id = id("text");
            let templates = talk.templates.clone();
            view! {
                {(!templates.is_empty()).then(|| view! { <TemplatePicker templates=templates target=reply_id.clone()/> })}
                {text("答复内容", true, typed.clone().or(talk.draft_reply.clone()).unwrap_or_default())}
                <label class="field" for=id("tpl")>
                    <span>"同时存为本部门答复模板（填写模板名称）"</span>
                    <input id=id("tpl") name="save_template" maxlength="100"/>
                </label>
            }
            .into_any()
        }
        TalkAction::Approve => view! {
            <p class="hint">"审核通过后，答复即送达来信人。"</p>
        }
        .into_any(),
        TalkAction::Publish => view! {
            <p class="hint">"已自动隐去 18 位身份证号和 11 位手机号；请再检查姓名、住址、其他号码等个人信息。"</p>
            <label class="field" for=id("ps")><span>"公开标题 *"</span>
                <input id=id("ps") name="public_subject" maxlength="100" required=true value=talk.public_subject.clone().unwrap_or_default()/></label>
            <label class="field" for=id("pb")><span>"公开内容 *"</span>
                <textarea id=id("pb") name="public_body" rows="6" required=true>{talk.public_body.clone().unwrap_or_default()}</textarea></label>
            <label class="field" for=id("pr")><span>"公开答复 *"</span>
                <textarea id=id("pr") name="public_reply" rows="6" required=true>{talk.public_reply.clone().unwrap_or_default()}</textarea></label>
        }
        .into_any(),
        _ => ().into_any(),
    };
    let key = (index < 10).then(|| index.to_string());
    view! {
        <details class="action-panel" data-key=key.clone() open=index == 1>
            <summary>{key.clone().map(|k| view! { <kbd>{k}</kbd>" " })}{name.clone()}</summary>
            <form method="post" action=url class="action-form">
                <input type="hidden" name="action" value=action.code()/>
                <input type="hidden" name="version" value=talk.version.to_string()/>
                {fields}
                <button type="submit" class="button button-primary">{format!("确认{name}")}</button>
            </form>
        </details>
    }
    .into_any()
}

/// The department's reply templates: each shown in full; with JavaScript, one click puts it in
/// the reply box (without, it can be copied).
#[component]
fn TemplatePicker(templates: Vec<(String, String)>, target: String) -> impl IntoView {
    view! {
        <details class="templates">
            <summary>{format!("答复模板（{} 个）", templates.len())}</summary>
            <ul>
                {templates.into_iter().map(|(title, body)| {
                    let target = target.clone();
                    let fill = body.clone();
                    view! {
                        <li>
                            <strong>{title}</strong>
                            <p class="pre muted">{body}</p>
                            <button type="button" class="button template-use" on:click=move |_| {
                                #[cfg(feature = "hydrate")]
                                {
                                    use wasm_bindgen::JsCast;
                                    if let Some(area) = leptos::prelude::document()
                                        .get_element_by_id(&target)
                                        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                                    {
                                        area.set_value(&fill);
                                        let _ = area.focus();
                                    }
                                }
                                #[cfg(not(feature = "hydrate"))]
                                let _ = (&target, &fill);
                            }>"使用此模板"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}
