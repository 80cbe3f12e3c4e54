//! `/admin/items/new` and `/admin/items/{code}`: the guide editor (every element of the guide,
//! materials and stages as rows), the item's form files, 停止办理 / 恢复办理, and the version
//! history; `/admin/items/{code}/v/{n}` shows one earlier version.

use super::Flash;
use crate::api::catalogue::{
    admin_item, admin_item_version, ItemEditor, RetireForm, SaveItem, SetItemRetired, UPLOAD_KINDS,
};
use crate::domain::catalogue::{
    lines, Guide, ItemType, MaterialSource, MaterialSpec, Medium, ProcedureStage, Scope, Topic,
};
use crate::domain::catalogue_read::{FormFile, GuideDetail};
use crate::domain::process::ItemKind;
use crate::domain::role::StaffSection;
use crate::domain::time::china;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

/// Empty rows offered under the existing ones; more appear after saving.
const SPARE_MATERIALS: usize = 3;
const SPARE_STAGES: usize = 2;

#[component]
pub fn ItemEditorPage() -> impl IntoView {
    let params = use_params_map();
    let code = move || params.read().get("code").filter(|c| c != "new");
    let editor = Resource::new(code, admin_item);
    let title = if code().is_some() {
        "编辑事项"
    } else {
        "新建事项"
    };
    view! {
        <StaffFrame section=StaffSection::Admin title=title.to_string()>
            <p class="breadcrumb"><a href="/admin">"系统管理"</a>" › "<a href="/admin/items">"事项目录管理"</a></p>
            <Flash/>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || Suspend::new(async move {
                    match editor.await {
                        Ok(e) => view! { <Editor editor=e/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </StaffFrame>
    }
    .into_any()
}

fn blank_guide() -> Guide {
    Guide {
        code: String::new(),
        name: String::new(),
        keywords: Vec::new(),
        item_type: ItemType::Licensing,
        department: String::new(),
        legal_basis: String::new(),
        conditions: String::new(),
        materials: Vec::new(),
        procedure: ["申请", "受理", "审查", "决定", "送达"]
            .into_iter()
            .map(|n| ProcedureStage {
                name: n.into(),
                description: String::new(),
            })
            .collect(),
        legal_limit: 20,
        promised_limit: 10,
        fee: None,
        location: String::new(),
        hours: "周一至周五 上午9:00-12:00，下午13:30-17:00（法定节假日除外）".into(),
        consult_phone: String::new(),
        complaint_phone: "12345".into(),
        handling: ItemKind::Promised,
        result_name: String::new(),
        result_sample: None,
        visits: 1,
        online: true,
        audiences: Vec::new(),
        topics: Vec::new(),
        scope: Scope::Local,
    }
}

#[component]
fn Editor(editor: ItemEditor) -> impl IntoView {
    let save = ServerAction::<SaveItem>::new();
    let navigate = use_navigate();
    let is_new = editor.detail.is_none();
    let detail = editor.detail.clone();
    let g = detail
        .as_ref()
        .map(|d| d.guide.clone())
        .unwrap_or_else(blank_guide);
    let forms: Vec<FormFile> = detail.as_ref().map(|d| d.forms.clone()).unwrap_or_default();
    let version = detail.as_ref().map(|d| d.version);
    // The version the next save starts from: after a save, the one just written.
    let expected = move || {
        save.value()
            .get()
            .and_then(Result::ok)
            .map(|s| s.version)
            .or(version)
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    Effect::new(move |_| {
        if let Some(Ok(saved)) = save.value().get() {
            if is_new {
                navigate(&format!("/admin/items/{}", saved.code), Default::default());
            }
        }
    });
    let outcome = move || {
        save.value().get().map(|r| match r {
            Ok(s) if s.changed.is_empty() => view! { <p class="flash" role="status">"内容没有变化，未生成新版本。"</p> }.into_any(),
            Ok(s) => view! {
                <p class="flash flash-ok" role="status">{format!("已保存为第 {} 版（{}）。", s.version, s.changed.join("、"))}</p>
            }
            .into_any(),
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    let audience = match (
        g.audiences
            .contains(&crate::domain::catalogue::Audience::Person),
        g.audiences
            .contains(&crate::domain::catalogue::Audience::Company),
    ) {
        (true, true) => "both",
        (false, true) => "company",
        (true, false) => "person",
        (false, false) => "",
    };
    let mut materials = g.materials.clone();
    materials.extend((0..SPARE_MATERIALS).map(|_| MaterialSpec::empty()));
    let mut stages = g.procedure.clone();
    stages.extend((0..SPARE_STAGES).map(|_| ProcedureStage {
        name: String::new(),
        description: String::new(),
    }));
    let heading = if is_new {
        "新建事项".to_string()
    } else {
        format!("编辑：{}", g.name)
    };
    let status = detail.as_ref().map(|d| {
        format!(
            "第 {} 版，{} 更新{}",
            d.version,
            d.updated_at
                .with_timezone(&china())
                .format("%Y-%m-%d %H:%M"),
            if d.retired { "；已停止办理" } else { "" }
        )
    });
    let select = |name: &'static str, options: Vec<(&'static str, &'static str)>, current: &str| {
        let current = current.to_string();
        view! {
            <select name=name>
                {options.into_iter().map(|(value, label)| view! { <option value=value selected=current == value>{label}</option> }).collect_view()}
            </select>
        }
    };
    let departments = editor.departments.clone();
    let department = g.department.clone();
    view! {
        <div class="admin-head">
            <h1 class="staff-heading">{heading}</h1>
            {(!is_new).then(|| view! { <a class="button" href=format!("/guide/{}", g.code) target="_blank">"查看公开页面"</a> })}
        </div>
        {status.map(|s| view! { <p class="result-summary">{s}</p> })}
        <ActionForm action=save attr:class="guide-editor">
            <input type="hidden" name="form[expected_version]" prop:value=expected/>
            <fieldset>
                <legend>"基本信息"</legend>
                <div class="editor-grid">
                    <label class="field"><span>"事项编码"</span>
                        <input name="form[code]" value=g.code.clone() required maxlength="64" readonly=!is_new placeholder="如 990100-XK-0101"/>
                    </label>
                    <label class="field editor-wide"><span>"事项名称"</span>
                        <input name="form[name]" value=g.name.clone() required maxlength="100"/>
                    </label>
                    <label class="field"><span>"事项类型"</span>
                        {select("form[item_type]", ItemType::ALL.iter().map(|t| (t.code(), t.name_zh())).collect(), g.item_type.code())}
                    </label>
                    <label class="field"><span>"实施主体"</span>
                        <select name="form[department]" required>
                            <option value="">"请选择部门"</option>
                            {departments.into_iter().map(|d| {
                                let selected = d.code == department;
                                view! { <option value=d.code.clone() selected=selected>{d.name.clone()}</option> }
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field editor-wide"><span>"搜索关键词（用逗号或顿号分隔）"</span>
                        <input name="form[keywords]" value=g.keywords.join("、") maxlength="230"/>
                    </label>
                    <label class="field"><span>"服务对象"</span>
                        {select("form[audience]", vec![("", "请选择"), ("person", "自然人"), ("company", "法人"), ("both", "自然人和法人")], audience)}
                    </label>
                    <label class="field"><span>"通办范围"</span>
                        {select("form[scope]", Scope::ALL.iter().map(|s| (s.code(), s.name_zh())).collect(), g.scope.code())}
                    </label>
                </div>
                <div class="editor-topics" role="group" aria-label="主题">
                    <span class="field-label">"主题"</span>
                    {Topic::ALL.iter().enumerate().map(|(i, t)| view! {
                        <label class="check">
                            <input type="checkbox" name=format!("form[topics][{i}]") value=t.code() checked=g.topics.contains(t)/>
                            {t.name_zh()}
                        </label>
                    }).collect_view()}
                </div>
            </fieldset>
            <fieldset>
                <legend>"时限、方式与收费"</legend>
                <div class="editor-grid">
                    <label class="field"><span>"办件类型"</span>
                        {select("form[handling]", vec![("immediate", "即办件"), ("promised", "承诺件"), ("joint", "联办件")], g.handling.code())}
                    </label>
                    <label class="field"><span>"法定办结时限（工作日）"</span>
                        <input name="form[legal_limit]" type="number" min="0" max="250" value=g.legal_limit.to_string() required/>
                    </label>
                    <label class="field"><span>"承诺办结时限（工作日，即办件为 0）"</span>
                        <input name="form[promised_limit]" type="number" min="0" max="250" value=g.promised_limit.to_string() required/>
                    </label>
                    <label class="field"><span>"到现场次数"</span>
                        <input name="form[visits]" type="number" min="0" max="5" value=g.visits.to_string() required/>
                    </label>
                    <label class="field"><span>"是否网办"</span>
                        {select("form[online]", vec![("true", "是"), ("false", "否")], if g.online { "true" } else { "false" })}
                    </label>
                    <label class="field editor-wide"><span>"收费标准（不收费请留空）"</span>
                        <input name="form[fee_standard]" value=g.fee.as_ref().map(|f| f.standard.clone()).unwrap_or_default() maxlength="200"/>
                    </label>
                    <label class="field editor-wide"><span>"收费依据"</span>
                        <input name="form[fee_basis]" value=g.fee.as_ref().map(|f| f.basis.clone()).unwrap_or_default() maxlength="200"/>
                    </label>
                </div>
            </fieldset>
            <fieldset>
                <legend>"依据与条件"</legend>
                <label class="field"><span>"设定依据（每行一条）"</span>
                    <textarea name="form[legal_basis]" rows="4" maxlength="4000" required>{g.legal_basis.clone()}</textarea>
                </label>
                <label class="field"><span>"受理条件（每行一条）"</span>
                    <textarea name="form[conditions]" rows="4" maxlength="4000" required>{g.conditions.clone()}</textarea>
                </label>
            </fieldset>
            <fieldset>
                <legend>"申请材料"</legend>
                <p class="hint">"名称留空的行不保存。表格文件在下方“表格文件”中上传后会自动关联到材料。"</p>
                <div class="table-wrap">
                    <table class="admin-table material-rows">
                        <thead><tr><th>"编码"</th><th>"材料名称"</th><th>"来源"</th><th>"原件"</th><th>"复印件"</th><th>"形式"</th><th>"必要性"</th><th>"填报须知"</th></tr></thead>
                        <tbody>
                            {materials.into_iter().enumerate().map(|(i, m)| {
                                let n = |f: &str| format!("form[materials][{i}][{f}]");
                                view! {
                                    <tr>
                                        <td><input name=n("code") value=m.code.clone() size="4" maxlength="32" aria-label="材料编码"/>
                                            <input type="hidden" name=n("blank_form") value=m.blank_form.clone().unwrap_or_default()/>
                                            <input type="hidden" name=n("sample") value=m.sample.clone().unwrap_or_default()/></td>
                                        <td><input name=n("name") value=m.name.clone() maxlength="100" aria-label="材料名称"/></td>
                                        <td>{select_owned(n("source"), MaterialSource::ALL.iter().map(|s| (s.code(), s.name_zh())).collect(), m.source.code())}</td>
                                        <td><input name=n("originals") type="number" min="0" max="20" value=m.originals.to_string() aria-label="原件份数"/></td>
                                        <td><input name=n("copies") type="number" min="0" max="20" value=m.copies.to_string() aria-label="复印件份数"/></td>
                                        <td>{select_owned(n("medium"), Medium::ALL.iter().map(|s| (s.code(), s.name_zh())).collect(), m.medium.code())}</td>
                                        <td>{select_owned(n("required"), vec![("true", "必要"), ("false", "非必要")], if m.required { "true" } else { "false" })}</td>
                                        <td><input name=n("note") value=m.note.clone() maxlength="200" aria-label="填报须知"/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </fieldset>
            <fieldset>
                <legend>"办理流程"</legend>
                {stages.into_iter().enumerate().map(|(i, s)| view! {
                    <div class="stage-row">
                        <input name=format!("form[procedure][{i}][name]") value=s.name.clone() maxlength="30" aria-label="环节名称" placeholder="环节"/>
                        <input name=format!("form[procedure][{i}][description]") value=s.description.clone() maxlength="200" aria-label="环节说明" placeholder="说明"/>
                    </div>
                }).collect_view()}
            </fieldset>
            <fieldset>
                <legend>"地点、电话与结果"</legend>
                <div class="editor-grid">
                    <label class="field editor-wide"><span>"办理地点"</span><input name="form[location]" value=g.location.clone() maxlength="200" required/></label>
                    <label class="field editor-wide"><span>"办理时间"</span><input name="form[hours]" value=g.hours.clone() maxlength="200" required/></label>
                    <label class="field"><span>"咨询电话"</span><input name="form[consult_phone]" value=g.consult_phone.clone() maxlength="40" required/></label>
                    <label class="field"><span>"监督投诉电话"</span><input name="form[complaint_phone]" value=g.complaint_phone.clone() maxlength="40" required/></label>
                    <label class="field editor-wide"><span>"结果名称"</span><input name="form[result_name]" value=g.result_name.clone() maxlength="100" required/></label>
                </div>
                <input type="hidden" name="form[result_sample]" value=g.result_sample.clone().unwrap_or_default()/>
            </fieldset>
            <label class="field"><span>"修改说明（记入版本记录）"</span><input name="form[note]" maxlength="200" placeholder="如：依据新修订的条例调整承诺时限"/></label>
            {outcome}
            <div class="editor-actions">
                <button type="submit" class="button button-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "正在保存…" } else { "保存" }}
                </button>
            </div>
        </ActionForm>
        {detail.map(|d| view! { <ItemTools detail=d forms=forms.clone() history=editor.history.clone()/> })}
    }
    .into_any()
}

fn select_owned(
    name: String,
    options: Vec<(&'static str, &'static str)>,
    current: &str,
) -> impl IntoView {
    let current = current.to_string();
    view! {
        <select name=name>
            {options.into_iter().map(|(value, label)| view! { <option value=value selected=current == value>{label}</option> }).collect_view()}
        </select>
    }
}

/// Forms, retiring and history of an existing item.
#[component]
fn ItemTools(
    detail: GuideDetail,
    forms: Vec<FormFile>,
    history: Vec<crate::domain::catalogue_read::VersionInfo>,
) -> impl IntoView {
    let retire = ServerAction::<SetItemRetired>::new();
    let retire_form = ServerAction::<RetireForm>::new();
    let code = detail.guide.code.clone();
    let upload_code = code.clone();
    let retire_code = code.clone();
    let retired = detail.retired;
    let materials = detail.guide.materials.clone();
    let form_editor = format!("/admin/items/{code}/form");
    view! {
        <section class="admin-panel">
            <h2>"网上申请表"</h2>
            <p class="hint">"申请页面的字段、校验规则、说明和必交材料由申请表定义决定。"</p>
            <a class="button" href=form_editor>"编辑申请表定义"</a>
        </section>
        <section class="admin-panel">
            <h2>"表格文件"</h2>
            {if forms.is_empty() {
                view! { <p>"尚未上传表格。"</p> }.into_any()
            } else {
                view! {
                    <ul class="admin-forms">
                        {forms.into_iter().map(|f| view! {
                            <li class:retired=f.retired>
                                <span class="form-kind">{f.kind.name_zh()}</span>
                                <a href=f.url()>{f.title.clone()}</a>
                                <span class="form-size">{format!("{} · 下载 {} 次", f.size_label(), f.downloads)}</span>
                                {if f.retired {
                                    view! { <span class="tag">"已停用"</span> }.into_any()
                                } else {
                                    view! {
                                        <ActionForm action=retire_form attr:class="inline-form">
                                            <input type="hidden" name="code" value=f.code.clone()/>
                                            <button type="submit" class="link-button">"停用"</button>
                                        </ActionForm>
                                    }
                                    .into_any()
                                }}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <form action="/admin/forms/upload" method="post" enctype="multipart/form-data" class="upload-form">
                <input type="hidden" name="item_code" value=upload_code/>
                <label class="field-inline"><span>"类型"</span>
                    <select name="kind">{UPLOAD_KINDS.iter().map(|k| view! { <option value=k.code()>{k.name_zh()}</option> }).collect_view()}</select>
                </label>
                <label class="field-inline"><span>"对应材料"</span>
                    <select name="material_code">
                        <option value="">"不关联（结果样本选此项）"</option>
                        {materials.into_iter().map(|m| view! { <option value=m.code.clone()>{format!("{} {}", m.code, m.name)}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field-inline"><span>"表格名称"</span><input name="title" maxlength="100" required/></label>
                <label class="field-inline"><span>"文件（PDF、Word、Excel，10 MB 以内）"</span><input type="file" name="file" required accept=".pdf,.doc,.docx,.xlsx"/></label>
                <button type="submit" class="button button-primary">"上传"</button>
            </form>
        </section>
        <section class="admin-panel">
            <h2>{if retired { "恢复办理" } else { "停止办理" }}</h2>
            <ActionForm action=retire attr:class="upload-form">
                <input type="hidden" name="code" value=retire_code/>
                <input type="hidden" name="retired" value=(!retired).to_string()/>
                {(!retired).then(|| view! {
                    <label class="field-inline"><span>"停止办理的原因"</span><input name="reason" maxlength="200" required/></label>
                })}
                {retired.then(|| view! { <input type="hidden" name="reason" value=""/> })}
                <button type="submit" class="button">{if retired { "恢复办理" } else { "停止办理" }}</button>
                {move || retire.value().get().map(|r| match r {
                    Ok(()) => view! { <p class="flash flash-ok" role="status">"已更新，刷新页面可见最新状态。"</p> }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </ActionForm>
        </section>
        <section class="admin-panel">
            <h2>"版本记录"</h2>
            <div class="table-wrap">
                <table class="admin-table">
                    <thead><tr><th>"版本"</th><th>"时间"</th><th>"修改人"</th><th>"修改内容"</th><th>"说明"</th></tr></thead>
                    <tbody>
                        {history.into_iter().map(|v| view! {
                            <tr>
                                <td><a href=format!("/admin/items/{}/v/{}", code, v.version)>{format!("第 {} 版", v.version)}</a></td>
                                <td>{v.changed_at.with_timezone(&china()).format("%Y-%m-%d %H:%M").to_string()}</td>
                                <td>{v.changed_by.clone()}</td>
                                <td>{v.changed.join("、")}</td>
                                <td>{v.note.clone()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

/// One earlier version, read-only.
#[component]
pub fn ItemVersionPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        let p = params.read();
        (
            p.get("code").unwrap_or_default(),
            p.get("version")
                .and_then(|v| v.parse::<i32>().ok())
                .unwrap_or(0),
        )
    };
    let version = Resource::new(key, |(code, v)| admin_item_version(code, v));
    view! {
        <StaffFrame section=StaffSection::Admin title="历史版本".to_string()>
            <Transition fallback=|| view! { <p class="loading">"正在加载…"</p> }>
                {move || {
                    let (code, v) = key();
                    Suspend::new(async move {
                    match version.await {
                        Ok(g) => view! {
                            <p class="breadcrumb"><a href="/admin/items">"事项目录管理"</a>" › "<a href=format!("/admin/items/{code}")>{g.name.clone()}</a></p>
                            <h1 class="staff-heading">{format!("{}（第 {v} 版）", g.name)}</h1>
                            <dl class="facts version-facts">
                                <div><dt>"事项编码"</dt><dd>{g.code.clone()}</dd></div>
                                <div><dt>"事项类型"</dt><dd>{g.item_type.name_zh()}</dd></div>
                                <div><dt>"实施主体"</dt><dd>{g.department.clone()}</dd></div>
                                <div><dt>"法定 / 承诺时限"</dt><dd>{format!("{} / {} 个工作日", g.legal_limit, g.promised_limit)}</dd></div>
                                <div><dt>"收费"</dt><dd>{g.fee.as_ref().map(|f| format!("{}（{}）", f.standard, f.basis)).unwrap_or_else(|| "不收费".into())}</dd></div>
                                <div><dt>"受理条件"</dt><dd>{lines(&g.conditions).map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</dd></div>
                                <div><dt>"申请材料"</dt><dd><ol>{g.materials.iter().map(|m| view! { <li>{m.name.clone()}</li> }).collect_view()}</ol></dd></div>
                                <div><dt>"办理流程"</dt><dd>{g.procedure.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(" → ")}</dd></div>
                                <div><dt>"办理地点"</dt><dd>{g.location.clone()}</dd></div>
                                <div><dt>"办理时间"</dt><dd>{g.hours.clone()}</dd></div>
                                <div><dt>"电话"</dt><dd>{format!("咨询 {}；投诉 {}", g.consult_phone, g.complaint_phone)}</dd></div>
                                <div><dt>"结果名称"</dt><dd>{g.result_name.clone()}</dd></div>
                                <div><dt>"到现场 / 网办"</dt><dd>{format!("{} 次 / {}", g.visits, if g.online { "是" } else { "否" })}</dd></div>
                                <div><dt>"设定依据"</dt><dd>{lines(&g.legal_basis).map(|l| view! { <p>{l.to_string()}</p> }).collect_view()}</dd></div>
                            </dl>
                        }
                        .into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}}
            </Transition>
        </StaffFrame>
    }
    .into_any()
}
