//! 窗口收件 (walk-in intake): the clerk picks the item, looks the person up by ID number (an
//! account fills in the form and becomes the case's owner), types the form, scans the paper
//! materials and submits. Every post saves the clerk's draft of the item, so nothing typed or
//! scanned is lost on a mistake; each problem is shown at its field.

use crate::api::casework::{
    get_intake_form, get_intake_items, IntakeItem, IntakeView, LookupResult,
};
use crate::api::error::AppError;
use crate::domain::role::StaffSection;
use crate::features::apply::{Field, MaterialSlot};
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// `/staff/intake`: choose the item.
#[component]
pub fn IntakePickPage() -> impl IntoView {
    // Made here, outside the frame's async children: see `staff_desk::QueueDesk`.
    let query = use_query_map();
    let q = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let items = Resource::new(move || q.get(), |q| get_intake_items(Some(q)));
    view! {
        <StaffFrame section=StaffSection::Intake title="窗口收件".to_string()>
            <IntakePick q=q items=items/>
        </StaffFrame>
    }
}

#[component]
fn IntakePick(
    q: Memo<String>,
    items: Resource<Result<Vec<IntakeItem>, AppError>>,
) -> impl IntoView {
    view! {
        <div class="intake">
            <h1>"窗口收件"</h1>
            <p class="hint">"第一步：选择办理事项。可输入事项名称、拼音或首字母（例如 spjy）。"</p>
            <form class="queue-search" method="get" action="/staff/intake" role="search">
                <label class="sr-only" for="intake-q">"搜索事项"</label>
                <input id="intake-q" name="q" type="search" maxlength="50" autocomplete="off" autofocus=true
                    prop:value=move || q.get() placeholder="事项名称、拼音或首字母"/>
                <button type="submit" class="button">"查找"</button>
            </form>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(items) if items.is_empty() => view! { <p class="empty-note">"没有找到事项，请换个说法。"</p> }.into_any(),
                        Ok(items) => view! {
                            <ul class="intake-items">
                                {items.into_iter().map(|i| view! {
                                    <li>
                                        <a href=format!("/staff/intake/{}", i.code) class="queue-link">
                                            <strong>{i.name}</strong>
                                            <span class="muted">{format!(" {} · {}", i.department, i.code)}</span>
                                            {(!i.online).then(|| view! { <span class="tag">"仅窗口办理"</span> })}
                                        </a>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}

/// `/staff/intake/{code}`: the form for the person at the counter.
#[component]
pub fn IntakeFormPage() -> impl IntoView {
    // Made here, outside the frame's async children: see `staff_desk::QueueDesk`.
    let params = use_params_map();
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            params.read().get("code").unwrap_or_default(),
            q.get("lookup"),
            q.get("saved").is_some(),
            q.get("incomplete").is_some(),
            q.get("error"),
        )
    });
    let form = Resource::new(
        move || asked.get(),
        |(code, lookup, ..)| get_intake_form(code, lookup),
    );
    view! {
        <StaffFrame section=StaffSection::Intake title="窗口收件".to_string()>
            <IntakeLoader asked=asked form=form/>
        </StaffFrame>
    }
}

type Asked = (String, Option<String>, bool, bool, Option<String>);

#[component]
fn IntakeLoader(asked: Memo<Asked>, form: Resource<Result<IntakeView, AppError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
            {move || {
                let (_, _, saved, incomplete, error) = asked.get();
                Suspend::new(async move {
                    match form.await {
                        Ok(view) => view! { <IntakeScreen view=view saved=saved incomplete=incomplete error=error/> }.into_any(),
                        Err(e) => view! {
                            <div class="notice-page">
                                <p class="form-error" role="alert">{e.to_string()}</p>
                                <a class="button" href="/staff/intake">"重新选择事项"</a>
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

#[component]
fn IntakeScreen(
    view: IntakeView,
    saved: bool,
    incomplete: bool,
    error: Option<String>,
) -> impl IntoView {
    let action = format!("/staff/intake/{}", view.item_code);
    let lookup_value = view
        .values
        .get("id_number")
        .or_else(|| view.values.get("credit_code"))
        .cloned()
        .unwrap_or_default();
    let lookup_note = view.lookup.clone().map(|l| match l {
        LookupResult::Found(name) => view! {
            <p class="flash flash-ok" role="status">{format!("已找到网上账号：{name}。申请表已按账号资料填好，办件将出现在其“我的办件”中。")}</p>
        }.into_any(),
        LookupResult::NotFound => view! {
            <p class="flash" role="status">"没有找到该证件号码的网上账号：请填写姓名和手机号码，办理结果将以短信通知。"</p>
        }.into_any(),
    });
    let problem_count = view.problems.len();
    view! {
        <div class="intake">
            <p class="muted"><a href="/staff/intake">"窗口收件"</a>" › "{view.item_name.clone()}</p>
            <h1>{view.item_name.clone()}</h1>
            <p class="muted">{view.department.clone()}" · "{view.item_code.clone()}</p>
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {(saved && problem_count == 0).then(|| view! { <p class="flash flash-ok" role="status">"已保存。"</p> })}
            {(incomplete || problem_count > 0).then(|| view! {
                <p class="form-error" role="alert">{format!("有 {problem_count} 处需要修改，已在下方标出；已填写和已扫描的内容都已保存。")}</p>
            })}
            <form class="lookup-form" method="get" action=format!("/staff/intake/{}", view.item_code)>
                <label class="field" for="lookup-id">
                    <span>"申请人证件号码（身份证号或统一社会信用代码）"</span>
                    <input id="lookup-id" name="lookup" maxlength="18" autocomplete="off" value=lookup_value autofocus=true/>
                </label>
                <button type="submit" class="button">"查询账号"</button>
            </form>
            {lookup_note}
            <form class="apply-form" method="post" action=action enctype="multipart/form-data" novalidate="">
                <input type="hidden" name="key" value=view.submit_key.clone()/>
                <fieldset class="apply-section">
                    <legend>"申请表"</legend>
                    {view.fields.iter().map(|f| {
                        let value = view.values.get(&f.key).cloned().unwrap_or_default();
                        let problem = view.problems.get(&f.key).cloned();
                        view! { <Field def=f.clone() value=value problem=problem/> }
                    }).collect_view()}
                </fieldset>
                <fieldset class="apply-section">
                    <legend>"扫描或上传纸质材料"</legend>
                    <p class="hint">"缺少的材料可先收件，再在办件页“一次性告知补正”。每个文件不超过 10 MB，PDF、JPG、PNG 或 OFD。"</p>
                    {view.slots.iter().map(|s| {
                        let problem = view.problems.get(&s.code).cloned();
                        view! { <MaterialSlot material=s.clone() problem=problem/> }
                    }).collect_view()}
                </fieldset>
                <div class="apply-actions">
                    <button type="submit" name="intent" value="save" class="button">"保存"</button>
                    <button type="submit" name="intent" value="submit" class="button button-primary">"收件并生成回执"</button>
                </div>
            </form>
        </div>
    }
    .into_any()
}
