//! `/admin/items/{code}/form`: the application form of an item, as data. The administrator edits
//! the JSON definition (fields with types, rules, help text, options, prefill; which materials are
//! required); the server checks it against the guide and keeps the version, and the citizen's page
//! is drawn from it at once.

use crate::api::admin_forms::{admin_apply_form, FormDefinitionText, SaveApplyForm};
use crate::domain::application_form::{FieldKind, FormDefinition};
use crate::domain::role::StaffSection;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ApplyFormEditorPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let save = ServerAction::<SaveApplyForm>::new();
    let form = Resource::new(
        move || (code(), save.version().get()),
        |(c, _)| admin_apply_form(c),
    );
    view! {
        <StaffFrame section=StaffSection::Admin title="申请表定义".to_string()>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(f) => view! { <Editor form=f save=save/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </StaffFrame>
    }
    .into_any()
}

const KINDS: [FieldKind; 11] = [
    FieldKind::Text,
    FieldKind::Textarea,
    FieldKind::Number,
    FieldKind::Date,
    FieldKind::Select,
    FieldKind::Radio,
    FieldKind::Checkbox,
    FieldKind::IdNumber,
    FieldKind::CreditCode,
    FieldKind::Mobile,
    FieldKind::Email,
];

#[component]
fn Editor(form: FormDefinitionText, save: ServerAction<SaveApplyForm>) -> impl IntoView {
    let preview: Option<FormDefinition> = serde_json::from_str(&form.json).ok();
    let result = move || {
        save.value().get().map(|r| match r {
            Ok(v) => view! { <p class="flash flash-ok" role="status">{format!("已保存为第 {v} 版，申请页面已按新定义显示。")}</p> }.into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let version_text = if form.version == 0 {
        "当前使用按办事指南生成的默认申请表（尚未保存过定义）".to_string()
    } else {
        format!("当前为第 {} 版", form.version)
    };
    view! {
        <p class="breadcrumb">
            <a href="/admin">"系统管理"</a>" › "<a href="/admin/items">"事项目录管理"</a>" › "
            <a href=format!("/admin/items/{}", form.item_code)>{form.item_name.clone()}</a>
        </p>
        <p class="hint">{version_text}" · "<a href=format!("/apply/{}", form.item_code)>"查看申请页面"</a></p>
        {result}
        <div class="form-editor">
            <ActionForm action=save attr:class="form-editor-form">
                <input type="hidden" name="code" value=form.item_code.clone()/>
                <input type="hidden" name="version" value=form.version.to_string()/>
                <label class="field" for="definition-json">"申请表定义（JSON）"</label>
                <textarea id="definition-json" name="json" class="json-editor" rows="28" spellcheck="false">{form.json.clone()}</textarea>
                <button type="submit" class="button button-primary">"检查并保存"</button>
            </ActionForm>
            <aside class="form-editor-help">
                <h2>"字段写法"</h2>
                <p class="hint">"每个字段："<code>"key"</code>"（小写字母开头）、"<code>"label"</code>"、"<code>"kind"</code>"，可选 "
                    <code>"required"</code>"、"<code>"help"</code>"、"<code>"options"</code>"、"<code>"max_len"</code>"、"<code>"min"</code>"、"<code>"max"</code>"、"<code>"prefill"</code>"。"</p>
                <table class="admin-table">
                    <thead><tr><th>"kind"</th><th>"类型"</th></tr></thead>
                    <tbody>
                        {KINDS.iter().map(|k| {
                            let code = serde_json::to_string(k).unwrap_or_default().trim_matches('"').to_string();
                            view! { <tr><td><code>{code}</code></td><td>{k.name_zh()}</td></tr> }
                        }).collect_view()}
                    </tbody>
                </table>
                <p class="hint">"prefill 可取：name、id_number、mobile、email、company_name、credit_code、agent_name（从申请人账号预填）。"</p>
                <h2>"本事项的材料"</h2>
                <table class="admin-table">
                    <thead><tr><th>"code"</th><th>"材料"</th></tr></thead>
                    <tbody>
                        {form.materials.iter().map(|(c, n)| view! { <tr><td><code>{c.clone()}</code></td><td>{n.clone()}</td></tr> }).collect_view()}
                    </tbody>
                </table>
                {preview.map(|p| view! {
                    <h2>"当前字段"</h2>
                    <ol class="form-editor-preview">
                        {p.fields.iter().map(|f| view! {
                            <li>{f.label.clone()}" · "{f.kind.name_zh()}{f.required.then_some("（必填）")}</li>
                        }).collect_view()}
                    </ol>
                })}
            </aside>
        </div>
    }
    .into_any()
}
