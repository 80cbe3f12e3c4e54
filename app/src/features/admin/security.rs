//! `/admin/security` 账号安全: for the security administrator, every staff account's second
//! factor (authenticator, recovery codes left) and every locked account, with 解锁 and 重置验证器.
//! Plain forms, so they work before hydration; the server checks the role and audits each one.

use crate::api::security::{get_account_security, ActOnAccount, SecurityAction};
use crate::domain::account::AccountSecurity;
use crate::domain::role::StaffSection;
use crate::features::case_view::local_time;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;

#[component]
pub fn SecurityPage() -> impl IntoView {
    let act = ServerAction::<ActOnAccount>::new();
    let accounts = Resource::new(move || act.version().get(), |_| get_account_security());
    view! {
        <StaffFrame section=StaffSection::Security title="账号安全".to_string()>
            <div class="sv-page">
                <header class="sv-head">
                    <div>
                        <h1>"账号安全"</h1>
                        <p class="muted">"工作人员登录需要密码和验证器两种认证。手机丢失时重置验证器，本人下次登录时重新绑定；连续输错 5 次密码或验证码的账号锁定 15 分钟，核实身份后可提前解锁。每项操作都记入审计日志。"</p>
                    </div>
                </header>
                {move || act.value().get().and_then(|r| r.err()).map(|e| view! {
                    <p class="form-error" role="alert">{e.to_string()}</p>
                })}
                <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                    {move || Suspend::new(async move {
                        match accounts.await {
                            Ok(rows) => view! { <AccountTable rows=rows act=act/> }.into_any(),
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </div>
        </StaffFrame>
    }
}

#[component]
fn AccountTable(rows: Vec<AccountSecurity>, act: ServerAction<ActOnAccount>) -> impl IntoView {
    let button = move |username: String, action: SecurityAction, label: &'static str| {
        let code = match action {
            SecurityAction::Unlock => "unlock",
            SecurityAction::ResetSecondFactor => "reset_second_factor",
        };
        view! {
            <ActionForm action=act attr:class="inline-form">
                <input type="hidden" name="username" value=username/>
                <input type="hidden" name="action" value=code/>
                <button type="submit" class="button button-small">{label}</button>
            </ActionForm>
        }
    };
    let body = rows
        .into_iter()
        .map(|r| {
            let roles = r.roles.iter().map(|role| role.name_zh()).collect::<Vec<_>>().join("、");
            let factor = match r.enrolled_at {
                Some(at) => format!("已绑定（{}），恢复码剩 {} 个", local_time(at), r.recovery_codes_left),
                None => "未绑定".to_string(),
            };
            let lock = match r.locked_until {
                Some(until) => format!("锁定至 {}", local_time(until)),
                None if r.failed_logins > 0 => format!("正常（已连续输错 {} 次）", r.failed_logins),
                None => "正常".to_string(),
            };
            let locked = r.locked_until.is_some();
            let enrolled = r.enrolled_at.is_some();
            view! {
                <tr class:row-alert=locked>
                    <td class="mono">{r.username.clone()}</td>
                    <td>{r.display_name}</td>
                    <td>{r.department.unwrap_or_default()}</td>
                    <td>{roles}</td>
                    <td>{factor}</td>
                    <td>{lock}</td>
                    <td class="actions">
                        {locked.then(|| button(r.username.clone(), SecurityAction::Unlock, "解锁"))}
                        {enrolled.then(|| button(r.username.clone(), SecurityAction::ResetSecondFactor, "重置验证器"))}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="queue-table sv-table">
                <thead><tr>
                    <th scope="col">"账号"</th><th scope="col">"姓名"</th><th scope="col">"部门"</th>
                    <th scope="col">"角色"</th><th scope="col">"验证器"</th><th scope="col">"状态"</th>
                    <th scope="col">"操作"</th>
                </tr></thead>
                <tbody>{body}</tbody>
            </table>
        </div>
    }
}
