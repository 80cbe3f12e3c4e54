//! 办件详情 for staff: the applicant, the form, the materials with a preview, the clocks with their
//! explanation, parallel branches, the history, the documents, and the actions this person may take
//! now (drawn from the transition table, re-checked by the server). Each action is a plain form
//! post carrying the version the page was drawn from: a case changed meanwhile is refused (409).

use super::case_view::{local_time, StateBadge};
use super::staff_desk::badge;
use crate::api::casework::get_staff_case;
use crate::api::error::AppError;
use crate::domain::casework::{
    DeliveryMethod, NoticeKind, OfferedAction, Opinion, StaffCaseView, SUSPENSION_KINDS,
};
use crate::domain::role::StaffSection;
use crate::domain::workflow::Action;
use crate::features::apply::size_text;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn StaffCasePage() -> impl IntoView {
    // Made here, outside the frame's async children: see `staff_desk::QueueDesk`.
    let params = use_params_map();
    let query = use_query_map();
    let case_no = Memo::new(move |_| params.read().get("case_no").unwrap_or_default());
    let flash = Memo::new(move |_| {
        let q = query.read();
        (q.get("done"), q.get("error"))
    });
    let case = Resource::new(
        move || (case_no.get(), flash.get()),
        |(no, _)| get_staff_case(no),
    );
    #[cfg(feature = "hydrate")]
    super::staff_keys::case_keys();
    view! {
        <StaffFrame section=StaffSection::Desk title="办件详情".to_string()>
            <CaseLoader case=case flash=flash/>
        </StaffFrame>
    }
}

type Flash = (Option<String>, Option<String>);

#[component]
fn CaseLoader(
    case: Resource<Result<StaffCaseView, AppError>>,
    flash: Memo<Flash>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || {
                let (done, error) = flash.get();
                Suspend::new(async move {
                    match case.await {
                        Ok(case) => view! { <CaseScreen case=case done=done error=error/> }.into_any(),
                        Err(e) => view! {
                            <div class="notice-page">
                                <p class="form-error" role="alert">{e.to_string()}</p>
                                <a class="button" href="/staff">"返回工作台"</a>
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

/// What a finished action is called in the confirmation line.
fn done_text(code: &str) -> String {
    match code {
        "intake" => {
            "已收件，申请回执已生成。请打印回执交给申请人，并请申请人在评价器上评价。".into()
        }
        "claim" => "已认领该办件。".into(),
        "assign" => "已分派。".into(),
        "revoke" => "证照已注销，核验页将显示“已注销”。".into(),
        other => Action::from_code(other)
            .map(|a| format!("已完成“{}”。", a.name_zh()))
            .unwrap_or_default(),
    }
}

#[component]
fn CaseScreen(case: StaffCaseView, done: Option<String>, error: Option<String>) -> impl IntoView {
    let act_url = format!("/staff/cases/{}/act", case.case_no);
    let claim_url = format!("/staff/cases/{}/claim", case.case_no);
    let assign_url = format!("/staff/cases/{}/assign", case.case_no);
    let revoke_url = format!("/staff/cases/{}/revoke", case.case_no);
    let docs: Vec<(String, String)> = case
        .notices
        .iter()
        .map(|k| {
            (
                k.name_zh().to_string(),
                format!("/staff/cases/{}/documents/{}.pdf", case.case_no, k.code()),
            )
        })
        .collect();
    let rate_link = (case.channel == "counter")
        .then(|| format!("/kiosk/rate/{}?code={}", case.case_no, case.query_code));
    let verify = case
        .certificate_code
        .clone()
        .map(|c| format!("/verify/{c}"));
    let actions = case
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            view! { <ActionPanel index=i + 1 offered=a.clone() case=case.clone() url=act_url.clone()/> }
        })
        .collect_view();
    let no_actions = case.actions.is_empty();
    let id_number = case
        .applicant_id_number
        .clone()
        .unwrap_or_else(|| "—".into());
    let mobile = case.applicant_mobile.clone().unwrap_or_else(|| "—".into());
    view! {
        <div class="staff-case">
            <header class="case-head">
                <div>
                    <p class="muted"><a href="/staff">"工作台"</a>" › 办件详情"</p>
                    <h1>{case.item_name.clone()}</h1>
                    <p class="case-meta">
                        <span class="mono">{case.case_no.clone()}</span>
                        <StateBadge state=case.state.clone() name=case.state_name.clone()/>
                        <span>{case.department.clone()}</span>
                        {case.current_step.clone().map(|s| view! { <span>"当前环节："{s}</span> })}
                        <span>{if case.channel == "counter" { "窗口收件" } else { "网上申请" }}</span>
                        <span>"提交于 "{local_time(case.submitted_at)}</span>
                    </p>
                </div>
                <div class="case-claim">
                    <span class="muted">"认领人："{case.assignee.clone().unwrap_or_else(|| "未认领".into())}</span>
                    <form method="post" action=claim_url>
                        <button type="submit" class="button">"认领"</button>
                    </form>
                    {case.can_assign.then(|| view! {
                        <form method="post" action=assign_url class="assign-form">
                            <label class="sr-only" for="assign-to">"分派给（用户名）"</label>
                            <input id="assign-to" name="username" maxlength="64" placeholder="分派给（用户名）" required=true/>
                            <button type="submit" class="button">"分派"</button>
                        </form>
                    })}
                </div>
            </header>
            {done.map(|d| view! { <p class="flash flash-ok" role="status">{done_text(&d)}</p> })}
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="case-columns">
                <div class="case-main">
                    <section class="sc-card">
                        <h2>"申请人"</h2>
                        <dl class="kv">
                            <dt>"姓名 / 名称"</dt><dd>{case.applicant_name.clone()}</dd>
                            <dt>"证件号码"</dt><dd class="mono">{id_number}</dd>
                            <dt>"手机号码"</dt><dd class="mono">{mobile}</dd>
                            <dt>"网上账号"</dt><dd>{if case.has_account { "有（可在网上查看和补正）" } else { "无（通过短信和窗口联系）" }}</dd>
                        </dl>
                        <p class="hint">"本页含个人信息，查看已记入审计日志。"</p>
                    </section>
                    <section class="sc-card">
                        <h2>"申请表"</h2>
                        <dl class="kv">
                            {case.form.iter().map(|f| view! { <dt>{f.label.clone()}</dt><dd class="pre">{f.value.clone()}</dd> }).collect_view()}
                        </dl>
                    </section>
                    <section class="sc-card" id="materials" tabindex="-1">
                        <h2>"申请材料"</h2>
                        <MaterialList case=case.clone()/>
                    </section>
                    <section class="sc-card">
                        <h2>"办理过程"</h2>
                        <ol class="history">
                            {case.history.iter().map(|h| view! {
                                <li>
                                    <p class="history-head">
                                        <time class="muted">{local_time(h.at)}</time>
                                        <strong>{h.action.clone()}</strong>
                                        <span>{h.by.clone()}</span>
                                        <span class="muted">{format!("{} → {}", h.from_state, h.to_state)}</span>
                                    </p>
                                    {(!h.detail.is_empty()).then(|| view! { <p class="history-detail pre">{h.detail.clone()}</p> })}
                                </li>
                            }).collect_view()}
                        </ol>
                    </section>
                </div>
                <aside class="case-side">
                    <section class="sc-card case-actions">
                        <h2>"办理"</h2>
                        {if no_actions {
                            view! { <p class="muted">"当前没有您可以办理的操作。"</p> }.into_any()
                        } else {
                            view! { <div>{actions}</div> }.into_any()
                        }}
                    </section>
                    <section class="sc-card">
                        <h2>"办理时限"</h2>
                        <ul class="deadline-list">
                            {case.deadlines.iter().map(|d| {
                                let status = match d.info.status.as_str() {
                                    "stopped" => "已停止",
                                    "paused" => "已暂停（特别程序）",
                                    _ => "计时中",
                                };
                                let running = d.info.status == "running";
                                view! {
                                    <li>
                                        <div class="deadline-row">
                                            <strong>{d.name.clone()}</strong>
                                            {if running {
                                                badge(d.card, d.info.due).into_any()
                                            } else {
                                                view! { <span class="muted">{status}</span> }.into_any()
                                            }}
                                        </div>
                                        <details class="explain">
                                            <summary>"期限如何计算"</summary>
                                            <ul>{d.info.explanation.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ul>
                                        </details>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                    {(!case.branches.is_empty()).then(|| view! {
                        <section class="sc-card">
                            <h2>"并联审批"</h2>
                            <ul class="branch-list">
                                {case.branches.iter().map(|b| view! {
                                    <li>
                                        <strong>{b.department_name.clone()}</strong>
                                        <span>{b.opinion.clone().unwrap_or_else(|| "等待协办意见".into())}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                    <section class="sc-card">
                        <h2>"文书"</h2>
                        <ul class="doc-list">
                            {docs.into_iter().map(|(name, href)| view! {
                                <li><a href=href target="_blank" rel="noopener">{name}" (PDF)"</a></li>
                            }).collect_view()}
                        </ul>
                        {verify.map(|href| view! {
                            <p>"电子证照："<a href=href.clone() class="mono">{href.clone()}</a>
                                {case.certificate_revoked.then_some("（已注销）")}</p>
                        })}
                        {case.can_revoke.then(|| view! {
                            <details class="action-panel">
                                <summary>"注销证照"</summary>
                                <form method="post" action=revoke_url class="action-form">
                                    <input type="hidden" name="code" value=case.certificate_code.clone().unwrap_or_default()/>
                                    <label class="field" for="revoke-reason">
                                        <span>"注销理由 *"</span>
                                        <textarea id="revoke-reason" name="reason" rows="2" maxlength="500" required=true></textarea>
                                    </label>
                                    <button type="submit" class="button">"确认注销"</button>
                                </form>
                            </details>
                        })}
                        {rate_link.map(|href| view! {
                            <p class="hint">"窗口服务评价：请申请人在评价器上打开 "<a href=href.clone() target="_blank" rel="noopener">"评价页"</a>"。"</p>
                        })}
                    </section>
                </aside>
            </div>
            <aside class="shortcuts" aria-label="快捷键">
                <h2>"快捷键"</h2>
                <ul>
                    <li><kbd>"1"</kbd>"–"<kbd>"9"</kbd>" 打开对应的办理操作"</li>
                    <li><kbd>"m"</kbd>" 申请材料"</li>
                    <li><kbd>"q"</kbd>" 返回工作台"</li>
                    <li><kbd>"Tab"</kbd>" 逐项移动，"<kbd>"Enter"</kbd>" 提交"</li>
                </ul>
            </aside>
        </div>
    }
    .into_any()
}

#[component]
fn MaterialList(case: StaffCaseView) -> impl IntoView {
    if case.materials.is_empty() {
        return view! { <p class="muted">"没有提交材料。"</p> }.into_any();
    }
    view! {
        <ul class="material-list">
            {case.materials.iter().map(|m| {
                let href = format!("/staff/files/{}", m.id);
                let preview = if m.content_type.starts_with("image/") {
                    view! { <img class="material-preview" src=href.clone() alt=m.info.name.clone() loading="lazy"/> }.into_any()
                } else if m.content_type == "application/pdf" {
                    view! { <iframe class="material-preview" src=href.clone() title=m.info.name.clone()></iframe> }.into_any()
                } else {
                    ().into_any()
                };
                let round = if m.info.round > 1 { format!("第 {} 次补正", m.info.round - 1) } else { "随申请提交".into() };
                view! {
                    <li>
                        <details>
                            <summary>
                                <strong>{m.info.name.clone()}</strong>
                                <span class="muted">{format!(" {}（{}，{}）", m.info.file_name, size_text(m.info.size), round)}</span>
                            </summary>
                            <p><a href=href.clone() target="_blank" rel="noopener">"在新窗口打开"</a></p>
                            {preview}
                        </details>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// One action as a form: the fields it needs, the page's version, a submit button.
#[component]
fn ActionPanel(
    index: usize,
    offered: OfferedAction,
    case: StaffCaseView,
    url: String,
) -> impl IntoView {
    let action = offered.action;
    let id = |name: &str| format!("a{index}-{name}");
    let text = |name: &'static str, label: &'static str, required: bool| {
        let (fid, label_for) = (id(name), id(name));
        view! {
            <label class="field" for=label_for>
                <span>{label}{required.then_some(" *")}</span>
                <textarea id=fid name=name rows="3" maxlength="2000" required=required></textarea>
            </label>
        }
    };
    let line = |name: &'static str, label: &'static str, required: bool| {
        let (fid, label_for) = (id(name), id(name));
        view! {
            <label class="field" for=label_for>
                <span>{label}{required.then_some(" *")}</span>
                <input id=fid name=name maxlength="500" required=required/>
            </label>
        }
    };
    let fields = match action {
        Action::RequestSupplement => view! {
            <fieldset class="choices">
                <legend>"勾选需要补正的材料（一次性告知全部）"</legend>
                {case.required_materials.iter().map(|m| view! {
                    <label class="check"><input type="checkbox" name="missing" value=m.code.clone()/>{m.name.clone()}</label>
                }).collect_view()}
            </fieldset>
            {text("reason", "需要补正的具体内容", false)}
        }.into_any(),
        Action::RefuseAcceptance => view! {
            {text("reason", "不予受理的理由", true)}
            {line("legal_basis", "法律依据", false)}
        }.into_any(),
        Action::CompleteStep => text("reason", "审查意见", false).into_any(),
        Action::AnswerBranch => view! {
            <input type="hidden" name="branch" value=offered.branch.clone().unwrap_or_default()/>
            <fieldset class="choices">
                <legend>"协办意见 *"</legend>
                {Opinion::ALL.iter().map(|o| view! {
                    <label class="check"><input type="radio" name="opinion" value=o.code() required=true/>{o.name_zh()}</label>
                }).collect_view()}
            </fieldset>
            {text("reason", "意见说明（有条件同意或不同意时必填）", false)}
        }.into_any(),
        Action::Suspend => view! {
            <label class="field" for=id("kind")>
                <span>"特别程序种类 *"</span>
                <select id=id("kind") name="suspension_kind" required=true>
                    {SUSPENSION_KINDS.iter().map(|k| view! { <option value=*k>{*k}</option> }).collect_view()}
                </select>
            </label>
            {text("reason", "理由", true)}
            {line("legal_basis", "依据", false)}
            <label class="field" for=id("days")>
                <span>"预计时长（工作日）*"</span>
                <input id=id("days") name="expected_days" type="number" min="1" max="365" value="5" required=true/>
            </label>
        }.into_any(),
        Action::RequestExtension => view! {
            <label class="field" for=id("days")>
                <span>"申请延长工作日数 *"</span>
                <input id=id("days") name="extension_days" type="number" min="1" max="15" value="10" required=true/>
            </label>
            {text("reason", "延期理由（报部门负责人批准）", true)}
        }.into_any(),
        Action::Extend => view! {
            <label class="field" for=id("days")>
                <span>"延长工作日数 *"</span>
                <input id=id("days") name="extension_days" type="number" min="1" max="15" value="10" required=true/>
            </label>
            {text("reason", "延期理由（将告知申请人）", true)}
        }.into_any(),
        Action::Grant => view! {
            {line("legal_basis", "法律依据", false)}
            {text("reason", "决定意见", false)}
        }.into_any(),
        Action::Deny => view! {
            {text("reason", "不予许可的理由", true)}
            {line("legal_basis", "法律依据", true)}
        }.into_any(),
        Action::Deliver => view! {
            <fieldset class="choices">
                <legend>"送达方式 *"</legend>
                {DeliveryMethod::ALL.iter().map(|m| view! {
                    <label class="check"><input type="radio" name="delivery" value=m.code() required=true/>{m.name_zh()}</label>
                }).collect_view()}
            </fieldset>
            {line("tracking_no", "邮寄运单号（邮寄时必填）", false)}
        }.into_any(),
        Action::Conclude if case.state == "granted" => view! {
            <p class="hint">"办结后系统签发电子证照（带电子印章和核验二维码），申请人可在网上查看。"</p>
        }.into_any(),
        _ => ().into_any(),
    };
    let title = match &offered.branch {
        Some(b) => format!("{}（{b}）", offered.name),
        None => offered.name.clone(),
    };
    let key = (index < 10).then(|| index.to_string());
    let notice = NoticeKind::of_action(action).map(|k| k.name_zh());
    view! {
        <details class="action-panel" data-key=key.clone()>
            <summary>
                {key.clone().map(|k| view! { <kbd>{k}</kbd>" " })}
                {title.clone()}
            </summary>
            <form method="post" action=url enctype="multipart/form-data" class="action-form">
                <input type="hidden" name="action" value=action.code()/>
                <input type="hidden" name="version" value=case.version.to_string()/>
                {fields}
                {notice.map(|n| view! { <p class="hint">"将生成《"{n}"》，申请人可在网上查看下载。"</p> })}
                <button type="submit" class="button button-primary">{format!("确认{title}")}</button>
            </form>
        </details>
    }
    .into_any()
}
