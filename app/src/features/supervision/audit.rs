//! `/admin/audit`: the audit log for audit administrators and supervisors, filtered by person,
//! action, target and days, with the hash-chain check of `yizhan verify-audit` on top.

use super::{failed, loading};
use crate::api::supervision::{get_audit, AuditAsked};
use crate::domain::role::StaffSection;
use crate::domain::supervision::AuditPage;
use crate::features::staff::StaffFrame;
use crate::features::staff_desk::pager;
use crate::layouts::prefs::encode_component;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        let text = |k: &str| q.get(k).filter(|v| !v.is_empty());
        AuditAsked {
            actor: text("actor"),
            action: text("action"),
            target: text("target"),
            from: text("from"),
            to: text("to"),
            page: q.get("page").and_then(|p| p.parse().ok()),
            verify: q.get("verify").is_some(),
        }
    });
    let page = Resource::new(move || asked.get(), get_audit);
    view! {
        <StaffFrame section=StaffSection::Audit title="审计日志".to_string()>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => view! { <AuditScreen page=p/> }.into_any(),
                        Err(e) => failed(e),
                    }
                })}
            </Transition>
        </StaffFrame>
    }
}

#[component]
fn AuditScreen(page: AuditPage) -> impl IntoView {
    let p = page;
    let query = {
        let mut parts = Vec::new();
        for (k, v) in [
            ("actor", &p.actor),
            ("action", &p.action),
            ("target", &p.target),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", encode_component(v)));
            }
        }
        if let Some(d) = p.from {
            parts.push(format!("from={d}"));
        }
        if let Some(d) = p.to {
            parts.push(format!("to={d}"));
        }
        parts.join("&")
    };
    let link = |n: u64| format!("/admin/audit?{query}&page={n}");
    let mut kept: Vec<(&'static str, String)> = [
        ("actor", &p.actor),
        ("action", &p.action),
        ("target", &p.target),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| (k, v.clone()))
    .collect();
    kept.extend(p.from.map(|d| ("from", d.to_string())));
    kept.extend(p.to.map(|d| ("to", d.to_string())));
    let pages = p.total.div_ceil(p.per_page).max(1);
    let prev = (p.page > 1).then(|| link(p.page - 1));
    let next = (p.page < pages).then(|| link(p.page + 1));
    let chain = match &p.chain {
        None => view! {
            <form class="sv-chain" method="get" action="/admin/audit">
                <input type="hidden" name="verify" value="1"/>
                // The list's filters stay as they are.
                {kept.clone().into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
                "哈希链校验逐条重算全部审计记录的哈希，与命令 yizhan verify-audit 相同。"
                <button type="submit" class="button button-primary">"校验哈希链"</button>
            </form>
        }
        .into_any(),
        Some(Ok(n)) => view! {
            <p class="sv-chain sv-chain-ok" role="status">
                <strong>"哈希链校验通过"</strong>{format!("：全部 {n} 条记录首尾相接，内容未被修改、删除或插入。")}
            </p>
        }
        .into_any(),
        Some(Err(why)) => view! {
            <p class="sv-chain sv-chain-broken" role="alert">
                <strong>"哈希链校验未通过"</strong>{format!("：{why}。请立即报告安全管理员。")}
            </p>
        }
        .into_any(),
    };
    let rows = p
        .rows
        .iter()
        .map(|r| {
            view! {
                <tr>
                    <td class="mono">{r.seq}</td>
                    <td class="mono">{r.at.clone()}</td>
                    <td>{r.actor.clone()}</td>
                    <td class="mono">{r.action.clone()}</td>
                    <td class="mono">{r.target.clone()}</td>
                    <td class="sv-detail">{r.detail.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = p.rows.is_empty();
    view! {
        <div class="sv-page">
            <header class="sv-head">
                <div>
                    <h1>"审计日志"</h1>
                    <p class="muted">{format!("共 {} 条符合条件的记录", p.total)}</p>
                </div>
            </header>
            {chain}
            <form class="sv-audit-filter" method="get" action="/admin/audit" role="search">
                <label>"账号"<input type="text" name="actor" value=p.actor.clone() maxlength="100" placeholder="如 clerk1"/></label>
                <label>"操作"<input type="text" name="action" value=p.action.clone() maxlength="100" placeholder="如 case. 或 auth.login"/></label>
                <label>"对象"<input type="text" name="target" value=p.target.clone() maxlength="100" placeholder="办件编号、账号等"/></label>
                <label>"自"<input type="date" name="from" value=p.from.map(|d| d.to_string()).unwrap_or_default()/></label>
                <label>"至"<input type="date" name="to" value=p.to.map(|d| d.to_string()).unwrap_or_default()/></label>
                <button type="submit" class="button button-primary">"筛选"</button>
                <a class="button" href="/admin/audit">"清除"</a>
            </form>
            <div class="table-scroll">
                <table class="queue-table sv-table">
                    <thead><tr>
                        <th scope="col">"序号"</th><th scope="col">"时间"</th><th scope="col">"账号"</th>
                        <th scope="col">"操作"</th><th scope="col">"对象"</th><th scope="col">"详情"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {empty.then(|| view! { <p class="muted">"没有符合条件的记录。"</p> })}
            {pager(prev, next, p.page, pages)}
        </div>
    }
}
