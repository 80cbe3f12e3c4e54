//! `/admin/items`: the whole catalogue for administrators, retired items included; import and
//! export of the catalogue as JSON.

use super::Flash;
use crate::api::catalogue::admin_items;
use crate::domain::role::StaffSection;
use crate::domain::search::SearchInput;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminItemsPage() -> impl IntoView {
    let query = use_query_map();
    let input = Memo::new(move |_| {
        let q = query.read();
        SearchInput {
            q: q.get("q"),
            department: q.get("department").filter(|d| !d.is_empty()),
            page: q.get("page").and_then(|p| p.parse().ok()),
            per_page: Some(50),
            ..Default::default()
        }
    });
    let results = Resource::new(move || input.get(), admin_items);
    view! {
        <StaffFrame section=StaffSection::Admin title="事项目录管理".to_string()>
            <div class="admin-head">
                <h1 class="staff-heading">"事项目录管理"</h1>
                <a class="button button-primary" href="/admin/items/new">"新建事项"</a>
            </div>
            <Flash/>
            <form class="admin-search" action="/admin/items" method="get">
                <label class="visually-hidden" for="admin-q">"搜索事项"</label>
                <input id="admin-q" type="search" name="q" maxlength="50" placeholder="事项名称、编码或拼音首字母"
                    value=move || input.get().q.unwrap_or_default()/>
                <button type="submit" class="button">"搜索"</button>
            </form>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || {
                    let q = input.get().q.unwrap_or_default();
                    Suspend::new(async move {
                    match results.await {
                        Ok(r) => {
                            let pages = r.pages();
                            let page = r.page;
                            view! {
                                <p class="result-summary">{format!("共 {} 个事项（含已停止办理）", r.total)}</p>
                                <div class="table-wrap">
                                    <table class="admin-table">
                                        <thead>
                                            <tr><th scope="col">"事项编码"</th><th scope="col">"事项名称"</th><th scope="col">"实施主体"</th><th scope="col">"承诺时限"</th><th scope="col">"状态"</th></tr>
                                        </thead>
                                        <tbody>
                                            {r.items.into_iter().map(|i| view! {
                                                <tr class:retired=i.retired>
                                                    <td class="mono">{i.code.clone()}</td>
                                                    <td><a href=format!("/admin/items/{}", i.code)>{i.name.clone()}</a></td>
                                                    <td>{i.department_name.clone()}</td>
                                                    <td>{if i.promised_limit == 0 { "即办".to_string() } else { format!("{} 个工作日", i.promised_limit) }}</td>
                                                    <td>{if i.retired { "已停止办理" } else { "在办" }}</td>
                                                </tr>
                                            }).collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {(pages > 1).then(|| {
                                    let link = move |p: u32| format!("/admin/items?q={}&page={p}", crate::layouts::prefs::encode_component(&q));
                                    view! {
                                        <nav class="pager" aria-label="翻页">
                                            {(page > 1).then(|| view! { <a href=link(page - 1)>"‹ 上一页"</a> })}
                                            <span>{format!("第 {page} / {pages} 页")}</span>
                                            {(page < pages).then(|| view! { <a href=link(page + 1)>"下一页 ›"</a> })}
                                        </nav>
                                    }
                                })}
                            }
                            .into_any()
                        }
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}}
            </Transition>
            <section class="admin-panel">
                <h2>"导入与导出"</h2>
                <p>"导出文件包含全部部门、事项（含已停止办理的）及表格文件。导入时逐项比对：新事项新建，有变化的事项保存为新版本；文件中任一事项有误则整个导入不生效，并指出是哪一项。"</p>
                <div class="admin-transfer">
                    <a class="button" href="/api/v1/catalogue/export.json" download="">"导出事项目录（JSON）"</a>
                    <form action="/admin/catalogue/import" method="post" enctype="multipart/form-data" class="upload-form">
                        <label class="field-inline">
                            <span>"事项目录文件"</span>
                            <input type="file" name="file" accept=".json,application/json" required/>
                        </label>
                        <button type="submit" class="button button-primary">"导入"</button>
                    </form>
                </div>
            </section>
        </StaffFrame>
    }
    .into_any()
}
