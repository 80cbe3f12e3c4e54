//! `/apply/{item_code}` (网上申请): the item's application form drawn from its definition, the
//! material uploads, and `/apply/{item_code}/review`, the check before submitting. Plain HTML forms
//! that post to the server (`server/src/apply_posts.rs`), so they work on any browser; what was
//! typed is saved as a draft on every post, and each problem is shown next to its field.

use crate::api::citizen::{get_apply_form, ApplyPage, ApplyView, SlotView};
use crate::domain::application_form::{FieldDef, FieldKind};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Which of the two screens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Screen {
    Form,
    Review,
}

#[component]
pub fn ApplyFormPage() -> impl IntoView {
    view! { <ApplyScreen screen=Screen::Form/> }
}

#[component]
pub fn ApplyReviewPage() -> impl IntoView {
    view! { <ApplyScreen screen=Screen::Review/> }
}

#[component]
fn ApplyScreen(screen: Screen) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let form = Resource::new(code, get_apply_form);
    view! {
        <Title text=t_string!(i18n, ch_apply).to_string()/>
        <Transition fallback=move || view! { <p class="wrap loading">{t!(i18n, loading)}</p> }>
            // Reactive values are read before the await: after it the page's owner may be gone.
            {move || {
                let code = code();
                let q = query.read();
                let flags = Flags {
                    saved: q.get("saved").is_some(),
                    incomplete: q.get("incomplete").is_some(),
                    error: q.get("error"),
                };
                drop(q);
                Suspend::new(async move {
                    match form.await {
                        Ok(ApplyPage::Form(view)) => match screen {
                            Screen::Form => view! { <FormScreen view=*view flags=flags/> }.into_any(),
                            Screen::Review => view! { <ReviewScreen view=*view flags=flags/> }.into_any(),
                        },
                        Ok(ApplyPage::LogIn) => {
                            let next = format!("/login?next=/apply/{code}");
                            view! { <Redirect path=next/> }.into_any()
                        }
                        Ok(ApplyPage::StaffAccount) => view! {
                            <section class="wrap notice-page"><p class="notice">{t!(i18n, ap_staff_account)}</p></section>
                        }.into_any(),
                        Ok(ApplyPage::Closed(why)) => view! {
                            <section class="wrap notice-page">
                                <p class="notice">{why}</p>
                                <a class="button" href=format!("/guide/{code}")>{t!(i18n, ap_read_guide)}</a>
                            </section>
                        }.into_any(),
                        Err(e) => view! {
                            <section class="wrap notice-page"><p class="form-error" role="alert">{e.to_string()}</p></section>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

/// What the last post left in the address.
#[derive(Clone)]
struct Flags {
    saved: bool,
    incomplete: bool,
    error: Option<String>,
}

#[component]
fn Banner(view: ApplyView, step: u8) -> impl IntoView {
    let i18n = use_i18n();
    let guide = format!("/guide/{}", view.item_code);
    let promised = view.promised_limit.to_string();
    view! {
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <a href=guide>{view.item_name.clone()}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{t!(i18n, ch_apply)}</span>
                </nav>
                <h1>{view.item_name.clone()}</h1>
                <p class="banner-text">
                    {view.department.clone()}" · "
                    {move || if promised == "0" {
                        t_string!(i18n, ap_immediate).to_string()
                    } else {
                        t_string!(i18n, ap_promise).replace("{n}", &promised)
                    }}
                </p>
                <ol class="apply-steps">
                    <li class:current=step == 1 aria-current=(step == 1).then_some("step")>{t!(i18n, ap_step_fill)}</li>
                    <li class:current=step == 2 aria-current=(step == 2).then_some("step")>{t!(i18n, ap_step_review)}</li>
                    <li class:current=step == 3 aria-current=(step == 3).then_some("step")>{t!(i18n, ap_step_done)}</li>
                </ol>
            </div>
        </div>
    }
}

pub(crate) fn size_text(size: i64) -> String {
    if size >= 1024 * 1024 {
        format!("{:.1} MB", size as f64 / 1_048_576.0)
    } else {
        format!("{} KB", (size + 1023) / 1024)
    }
}

/// Share of the upload sent, 0–100, while a post with files is on its way.
type Progress = RwSignal<Option<u32>>;

/// With JavaScript, a post that carries files goes by XMLHttpRequest so the person sees how much of
/// the upload is done (scans are large and township lines slow); then the page loads what the
/// server saved, exactly as after a plain post. Without files, or without JavaScript, the form
/// posts as usual.
#[cfg(feature = "hydrate")]
fn post_with_progress(ev: web_sys::SubmitEvent, action: &str, progress: Progress) {
    use wasm_bindgen::{closure::Closure, JsCast};
    let Some(form) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
    else {
        return;
    };
    let has_files = form
        .query_selector_all("input[type=file]")
        .ok()
        .map(|inputs| {
            (0..inputs.length()).any(|i| {
                inputs
                    .item(i)
                    .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
                    .and_then(|input| input.files())
                    .is_some_and(|files| files.length() > 0)
            })
        })
        .unwrap_or(false);
    let Ok(data) = web_sys::FormData::new_with_form(&form) else {
        return;
    };
    if !has_files {
        return;
    }
    let intent = ev
        .submitter()
        .and_then(|s| s.get_attribute("value"))
        .unwrap_or_else(|| "save".into());
    let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
        return;
    };
    ev.prevent_default();
    let _ = data.append_with_str("intent", &intent);
    let _ = xhr.open("POST", action);
    let _ = xhr.set_request_header("Accept", "application/json");
    if let Ok(upload) = xhr.upload() {
        let on_progress =
            Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
                if e.length_computable() && e.total() > 0.0 {
                    progress.set(Some((e.loaded() / e.total() * 100.0).round() as u32));
                }
            });
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        on_progress.forget();
    }
    progress.set(Some(0));
    let back = action.to_string();
    let done_xhr = xhr.clone();
    let on_done = Closure::<dyn FnMut()>::new(move || {
        let answer = done_xhr
            .response_text()
            .ok()
            .flatten()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .unwrap_or_default();
        let next = if intent == "review" && answer["ready"] == true {
            format!("{back}/review")
        } else {
            // A new address each save (the save's time), so the browser loads the page afresh.
            let stamp: String = answer["saved_at"]
                .as_str()
                .unwrap_or("1")
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            format!("{back}?saved={stamp}#form-top")
        };
        let _ = window().location().assign(&next);
    });
    xhr.set_onloadend(Some(on_done.as_ref().unchecked_ref()));
    on_done.forget();
    let _ = xhr.send_with_opt_form_data(Some(&data));
}

#[component]
fn FormScreen(view: ApplyView, flags: Flags) -> impl IntoView {
    let i18n = use_i18n();
    let action = format!("/apply/{}", view.item_code);
    let progress: Progress = RwSignal::new(None);
    #[cfg(feature = "hydrate")]
    let on_submit = {
        let action = action.clone();
        move |ev: web_sys::SubmitEvent| post_with_progress(ev, &action, progress)
    };
    #[cfg(not(feature = "hydrate"))]
    let on_submit = |_ev: leptos::ev::SubmitEvent| {};
    let problem_count = view.problems.len();
    let saved_at = view.saved_at.map(|t| {
        t.with_timezone(&crate::domain::time::china())
            .format("%Y-%m-%d %H:%M")
            .to_string()
    });
    // Problems in the order of the page, each linking to its field.
    let mut listed: Vec<(String, String)> = Vec::new();
    for f in &view.fields {
        if let Some(p) = view.problems.get(&f.key) {
            listed.push((format!("#f-{}", f.key), format!("{}：{p}", f.label)));
        }
    }
    for s in &view.slots {
        if let Some(p) = view.problems.get(&s.code) {
            listed.push((format!("#m-{}", s.code), format!("{}：{p}", s.name)));
        }
    }
    view! {
        <Banner view=view.clone() step=1/>
        <div class="wrap apply-page" id="form-top">
            {flags.error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {(flags.saved && problem_count == 0).then(|| view! {
                <p class="flash flash-ok" role="status">{t!(i18n, ap_saved)}</p>
            })}
            {(problem_count > 0).then(|| view! {
                <div class="problem-summary" role="alert" tabindex="-1">
                    <h2>{move || t_string!(i18n, ap_problems).replace("{n}", &problem_count.to_string())}</h2>
                    {flags.incomplete.then(|| view! { <p>{t!(i18n, ap_incomplete)}</p> })}
                    <ul>
                        {listed.into_iter().map(|(href, text)| view! { <li><a href=href>{text}</a></li> }).collect_view()}
                    </ul>
                </div>
            })}
            <form class="apply-form" method="post" action=action enctype="multipart/form-data" novalidate="" on:submit=on_submit>
                <fieldset class="apply-section">
                    <legend>{t!(i18n, ap_section_info)}</legend>
                    <p class="hint">{t!(i18n, ap_required_note)}</p>
                    {view.fields.iter().map(|f| {
                        let value = view.values.get(&f.key).cloned().unwrap_or_default();
                        let problem = view.problems.get(&f.key).cloned();
                        view! { <Field def=f.clone() value=value problem=problem/> }
                    }).collect_view()}
                </fieldset>
                <fieldset class="apply-section">
                    <legend>{t!(i18n, ap_section_materials)}</legend>
                    <p class="hint">{t!(i18n, ap_file_rules)}</p>
                    {view.slots.iter().map(|s| {
                        let problem = view.problems.get(&s.code).cloned();
                        view! { <MaterialSlot material=s.clone() problem=problem/> }
                    }).collect_view()}
                </fieldset>
                {move || progress.get().map(|p| view! {
                    <div class="upload-progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow=p.to_string()>
                        <span class="upload-progress-bar" style=format!("width: {p}%")></span>
                        <span class="upload-progress-text">{move || t_string!(i18n, ap_uploading).replace("{p}", &p.to_string())}</span>
                    </div>
                })}
                <div class="apply-actions">
                    <button type="submit" name="intent" value="save" class="button" disabled=move || progress.get().is_some()>{t!(i18n, ap_save_draft)}</button>
                    <button type="submit" name="intent" value="review" class="button button-primary" disabled=move || progress.get().is_some()>{t!(i18n, ap_to_review)}</button>
                </div>
                <p class="hint apply-saved">
                    {match saved_at {
                        Some(at) => view! { <span>{move || t_string!(i18n, ap_saved_at).replace("{t}", &at)}</span> }.into_any(),
                        None => view! { <span>{t!(i18n, ap_prefilled)}</span> }.into_any(),
                    }}
                </p>
            </form>
        </div>
    }
    .into_any()
}

#[component]
pub(crate) fn Field(def: FieldDef, value: String, problem: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("f-{}", def.key);
    let name = format!("f.{}", def.key);
    let error_id = format!("e-{}", def.key);
    let help_id = format!("h-{}", def.key);
    let described = match (problem.is_some(), def.help.is_empty()) {
        (true, false) => format!("{error_id} {help_id}"),
        (true, true) => error_id.clone(),
        (false, false) => help_id.clone(),
        (false, true) => String::new(),
    };
    let described = (!described.is_empty()).then_some(described);
    let invalid = problem.is_some().then_some("true");
    let required = def.required;
    let limit = def.max_len.unwrap_or(match def.kind {
        FieldKind::Textarea => crate::domain::application_form::TEXTAREA_MAX_CHARS,
        _ => crate::domain::application_form::TEXT_MAX_CHARS,
    });
    let input = match def.kind {
        FieldKind::Textarea => view! {
            <textarea id=id.clone() name=name.clone() rows="5" aria-invalid=invalid aria-describedby=described.clone() required=required>{value.clone()}</textarea>
        }.into_any(),
        FieldKind::Select => view! {
            <select id=id.clone() name=name.clone() aria-invalid=invalid aria-describedby=described.clone() required=required>
                <option value="">{t!(i18n, ap_choose)}</option>
                {def.options.iter().map(|o| view! { <option value=o.clone() selected=*o == value>{o.clone()}</option> }).collect_view()}
            </select>
        }.into_any(),
        FieldKind::Radio => view! {
            <div class="choice-row" role="radiogroup" aria-labelledby=format!("l-{}", def.key) aria-describedby=described.clone()>
                {def.options.iter().map(|o| view! {
                    <label class="check"><input type="radio" name=name.clone() value=o.clone() checked=*o == value/>{o.clone()}</label>
                }).collect_view()}
            </div>
        }.into_any(),
        FieldKind::Checkbox => view! {
            <label class="check"><input id=id.clone() type="checkbox" name=name.clone() value="1" checked=value == "1" aria-describedby=described.clone()/>{def.label.clone()}</label>
        }.into_any(),
        kind => {
            let (input_type, mode, auto) = match kind {
                FieldKind::Number => ("text", Some("numeric"), None),
                FieldKind::Date => ("date", None, None),
                FieldKind::Mobile => ("tel", Some("numeric"), Some("tel")),
                FieldKind::Email => ("email", None, Some("email")),
                FieldKind::IdNumber | FieldKind::CreditCode => ("text", None, Some("off")),
                _ => ("text", None, None),
            };
            view! {
                <input id=id.clone() name=name.clone() type=input_type inputmode=mode autocomplete=auto value=value.clone()
                    aria-invalid=invalid aria-describedby=described.clone() required=required maxlength=(limit * 2).to_string()/>
            }.into_any()
        }
    };
    let label = (def.kind != FieldKind::Checkbox).then(|| view! {
        <label for=id.clone() id=format!("l-{}", def.key) class="field-label">
            {def.label.clone()}
            {required.then(|| view! { <span class="required-mark" aria-hidden="true">" *"</span> })}
        </label>
    });
    let has_problem = problem.is_some();
    view! {
        <div class="apply-field" class:has-problem=has_problem>
            {label}
            {problem.map(|p| view! { <p class="field-problem" id=error_id.clone()>{p}</p> })}
            {input}
            {(!def.help.is_empty()).then(|| view! { <p class="hint" id=help_id.clone()>{def.help.clone()}</p> })}
        </div>
    }
    .into_any()
}

#[component]
pub(crate) fn MaterialSlot(material: SlotView, problem: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let id = format!("m-{}", material.code);
    let error_id = format!("me-{}", material.code);
    let attached = material
        .file_name
        .clone()
        .map(|name| format!("{name}（{}）", size_text(material.size.unwrap_or(0))));
    view! {
        <div class="material-slot" class:has-problem=problem.is_some()>
            <label for=id.clone() class="field-label">
                {material.name.clone()}
                {if material.required {
                    view! { <span class="tag tag-required">{t!(i18n, ap_required)}</span> }.into_any()
                } else {
                    view! { <span class="tag">{t!(i18n, ap_optional)}</span> }.into_any()
                }}
            </label>
            {(!material.note.is_empty()).then(|| view! { <p class="hint">{material.note.clone()}</p> })}
            {problem.clone().map(|p| view! { <p class="field-problem" id=error_id.clone()>{p}</p> })}
            {match attached {
                Some(text) => view! {
                    <p class="attached">
                        <span class="attached-ok" aria-hidden="true">"✓ "</span>
                        {t!(i18n, ap_attached)}" "{text}
                        <label class="check detach"><input type="checkbox" name="detach" value=material.code.clone()/>{t!(i18n, ap_detach)}</label>
                    </p>
                }.into_any(),
                None => view! { <p class="attached attached-none">{t!(i18n, ap_not_attached)}</p> }.into_any(),
            }}
            <input id=id.clone() type="file" name=format!("file.{}", material.code)
                accept=".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd"
                aria-invalid=problem.is_some().then_some("true") aria-describedby=problem.is_some().then(|| error_id.clone())/>
        </div>
    }
    .into_any()
}

#[component]
fn ReviewScreen(view: ApplyView, flags: Flags) -> impl IntoView {
    let i18n = use_i18n();
    let back = format!("/apply/{}", view.item_code);
    let action = format!("/apply/{}/submit", view.item_code);
    if !view.ready || view.saved_at.is_none() {
        // Nothing to review yet: back to the form, which shows what is missing.
        return view! { <Redirect path=format!("{back}?incomplete=1")/> }.into_any();
    }
    view! {
        <Banner view=view.clone() step=2/>
        <div class="wrap apply-page">
            {flags.error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <p class="notice">{t!(i18n, ap_review_intro)}</p>
            <section class="apply-section review">
                <h2>{t!(i18n, ap_section_info)}</h2>
                <dl class="review-list">
                    {view.fields.iter().map(|f| {
                        let value = view.values.get(&f.key).cloned().unwrap_or_default();
                        let shown = if f.kind == FieldKind::Checkbox {
                            if value == "1" { "✓".to_string() } else { "—".to_string() }
                        } else if value.trim().is_empty() {
                            "—".to_string()
                        } else {
                            value
                        };
                        view! { <div><dt>{f.label.clone()}</dt><dd>{shown}</dd></div> }
                    }).collect_view()}
                </dl>
            </section>
            <section class="apply-section review">
                <h2>{t!(i18n, ap_section_materials)}</h2>
                <ul class="review-materials">
                    {view.slots.iter().map(|s| view! {
                        <li>
                            <span>{s.name.clone()}</span>
                            <span class="hint">
                                {match &s.file_name {
                                    Some(f) => format!("{f}（{}）", size_text(s.size.unwrap_or(0))),
                                    None => "—".to_string(),
                                }}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <form class="apply-actions" method="post" action=action>
                // One key per review page: a double click or a retried post makes one application.
                <input type="hidden" name="idempotency_key" value=view.submit_key.clone()/>
                <a class="button" href=back>{t!(i18n, ap_back_to_edit)}</a>
                <button type="submit" class="button button-primary">{t!(i18n, ap_submit)}</button>
            </form>
            <p class="hint">{t!(i18n, ap_submit_note)}</p>
        </div>
    }
    .into_any()
}
