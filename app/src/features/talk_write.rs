//! `/consult`, `/petition` and `/mailbox`: the writing form of each conversation channel, with the
//! rules that apply, the writer's own list, a lookup by number and query code, and (for questions
//! and letters) the published answers. Plain multipart forms: they work without JavaScript, and a
//! refused send comes back with everything typed and each problem at its field.

use super::apply::Field;
use super::case_view::shown_time;
use super::talk_public::{public_resource, PublicList};
use crate::api::talks::{get_write_page, WritePage};
use crate::domain::application_form::{FieldDef, FieldKind};
use crate::domain::channel::Channel;
use crate::domain::talk::{MailboxView, TalkChannel, TalkRow, PETITION_CATEGORIES};
use crate::i18n::*;
use crate::layouts::citizen::channel_name;
use crate::layouts::icons::ChannelIcon;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn portal_channel(channel: TalkChannel) -> Channel {
    match channel {
        TalkChannel::Consultation => Channel::Consult,
        TalkChannel::Petition => Channel::Petition,
        TalkChannel::Letter => Channel::Mailbox,
    }
}

fn post_path(channel: TalkChannel) -> &'static str {
    match channel {
        TalkChannel::Consultation => "/consult/send",
        TalkChannel::Petition => "/petition/send",
        TalkChannel::Letter => "/mailbox/send",
    }
}

fn def(key: &str, label: String, kind: FieldKind, required: bool, help: String) -> FieldDef {
    FieldDef {
        key: key.into(),
        label,
        kind,
        required,
        help,
        options: Vec::new(),
        max_len: None,
        min: None,
        max: None,
        prefill: None,
    }
}

#[component]
pub fn TalkChannelPage(channel: TalkChannel) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let asked_item = query.read_untracked().get("item");
    let page = Resource::new(|| (), move |_| get_write_page(channel, asked_item.clone()));
    let portal = portal_channel(channel);
    let intro = move || match channel {
        TalkChannel::Consultation => t_string!(i18n, tk_consult_intro),
        TalkChannel::Petition => t_string!(i18n, tk_petition_intro),
        TalkChannel::Letter => t_string!(i18n, tk_mailbox_intro),
    };
    let public = channel.publishable().then(|| public_resource(channel));
    let error = query.read_untracked().get("error");
    let kept = query.read_untracked().get("kept").is_some();
    view! {
        <Title text=channel_name(i18n, portal)/>
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{move || channel_name(i18n, portal)}</span>
                </nav>
                <h1><ChannelIcon channel=portal size=36/>{move || channel_name(i18n, portal)}</h1>
                <p class="banner-text">{intro}</p>
            </div>
        </div>
        <div class="wrap talk-page">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || {
                    let error = error.clone();
                    Suspend::new(async move {
                        match page.await {
                            Ok(p) => view! { <WriteScreen channel=channel page=p error=error kept=kept/> }.into_any(),
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
            {public.map(|(asked, list)| view! { <PublicList channel=channel list=list asked=Some(asked)/> })}
        </div>
    }
    .into_any()
}

#[component]
fn WriteScreen(
    channel: TalkChannel,
    page: WritePage,
    error: Option<String>,
    kept: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let asked_item = query.read_untracked().get("item");
    let asked_mailbox = query.read_untracked().get("to");
    let rules = move || match channel {
        TalkChannel::Consultation => vec![
            t_string!(i18n, tk_rule_consult_1),
            t_string!(i18n, tk_rule_consult_2),
            t_string!(i18n, tk_rule_consult_3),
        ],
        TalkChannel::Petition => vec![
            t_string!(i18n, tk_rule_petition_1),
            t_string!(i18n, tk_rule_petition_2),
            t_string!(i18n, tk_rule_petition_3),
            t_string!(i18n, tk_rule_petition_4),
        ],
        TalkChannel::Letter => vec![
            t_string!(i18n, tk_rule_mailbox_1),
            t_string!(i18n, tk_rule_mailbox_2),
            t_string!(i18n, tk_rule_mailbox_3),
        ],
    };
    let needs_login = channel.needs_account() && !page.signed_in;
    let mine = page.mine.clone();
    let boxes = page.mailboxes.clone();
    let form = if page.staff {
        view! { <p class="notice">{t!(i18n, tk_staff_account)}</p> }.into_any()
    } else if needs_login {
        let next = match channel {
            TalkChannel::Petition => "/petition",
            _ => "/mailbox",
        };
        view! {
            <div class="notice talk-login">
                <p>{t!(i18n, tk_login_needed)}</p>
                <a class="button button-primary" href=format!("/login?next={next}")>{t!(i18n, login)}</a>
                " "
                <a class="button" href="/register">{t!(i18n, register)}</a>
            </div>
        }
        .into_any()
    } else {
        view! { <WriteForm channel=channel page=page asked_item=asked_item asked_mailbox=asked_mailbox kept=kept/> }.into_any()
    };
    view! {
        {(!boxes.is_empty()).then(|| view! { <MailboxFigures boxes=boxes/> })}
        <div class="talk-grid">
            <section class="talk-write" id="write" aria-labelledby="write-title">
                <h2 id="write-title">{move || match channel {
                    TalkChannel::Consultation => t_string!(i18n, tk_write_consult),
                    TalkChannel::Petition => t_string!(i18n, tk_write_petition),
                    TalkChannel::Letter => t_string!(i18n, tk_write_letter),
                }}</h2>
                {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                {form}
            </section>
            <aside class="talk-side">
                <section class="talk-rules">
                    <h2>{t!(i18n, tk_rules)}</h2>
                    <ul>{move || rules().into_iter().map(|r| view! { <li>{r}</li> }).collect_view()}</ul>
                </section>
                <section class="talk-lookup">
                    <h2>{t!(i18n, tk_lookup)}</h2>
                    <form action="/talk/find" method="get">
                        <label class="field">
                            <span>{t!(i18n, tk_ref_no)}</span>
                            <input name="ref" autocomplete="off" maxlength="20" required placeholder=format!("{}2026120100001", channel.prefix())/>
                        </label>
                        <label class="field">
                            <span>{t!(i18n, tk_query_code)}</span>
                            <input name="code" inputmode="numeric" autocomplete="off" maxlength="16" required/>
                        </label>
                        <button type="submit" class="button">{t!(i18n, st_submit)}</button>
                    </form>
                </section>
                {(!mine.is_empty()).then(|| view! { <MyTalks rows=mine/> })}
            </aside>
        </div>
    }
    .into_any()
}

/// The leaders' mailboxes with their figures: received, answered, answered on time.
#[component]
fn MailboxFigures(boxes: Vec<MailboxView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="mailboxes" aria-labelledby="mailboxes-title">
            <h2 id="mailboxes-title">{t!(i18n, tk_mailboxes)}</h2>
            <ul class="mailbox-cards">
                {boxes.into_iter().map(|m| {
                    let rate = m.on_time_percent().map(|p| format!("{p}%")).unwrap_or_else(|| "—".into());
                    view! {
                        <li class="mailbox-card">
                            <h3>{m.name.clone()}</h3>
                            <p class="muted">{m.leader.clone()}</p>
                            <dl class="mailbox-figures">
                                <div><dt>{t!(i18n, tk_mb_received)}</dt><dd>{m.received}</dd></div>
                                <div><dt>{t!(i18n, tk_mb_answered)}</dt><dd>{m.answered}</dd></div>
                                <div><dt>{t!(i18n, tk_mb_on_time)}</dt><dd>{rate}</dd></div>
                            </dl>
                            <p class="mailbox-links">
                                <a class="button button-primary" href=format!("/mailbox?to={}#write", m.code)>{t!(i18n, tk_mb_write)}</a>
                                <a class="button" href=format!("/mailbox?mailbox={}#public-title", m.code)>{t!(i18n, tk_mb_read)}</a>
                            </p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn MyTalks(rows: Vec<TalkRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="talk-mine">
            <h2>{t!(i18n, tk_mine)}</h2>
            <ul class="talk-mine-list">
                {rows.into_iter().map(|r| view! {
                    <li>
                        <a href=format!("/talk/{}", r.ref_no)>{r.subject.clone()}</a>
                        <span class="muted">
                            <span class="mono">{r.ref_no.clone()}</span>" · "{shown_time(r.created_at)}
                        </span>
                        <span class="talk-state">{r.state.name_zh()}</span>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn WriteForm(
    channel: TalkChannel,
    page: WritePage,
    asked_item: Option<String>,
    asked_mailbox: Option<String>,
    kept: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let c = page.compose.clone();
    let problems = if kept {
        page.problems.clone()
    } else {
        Default::default()
    };
    let problem = move |key: &str| problems.get(key).cloned();
    let form_problem = problem("form");
    let attachments_problem = problem("attachments");
    let chosen_item = c.item_code.clone().or(asked_item).unwrap_or_default();
    let chosen_mailbox = c.mailbox_code.clone().or(asked_mailbox).unwrap_or_default();
    let item = page.item.clone();
    let mailboxes = page.mailboxes.clone();
    let kept_files = page.attachments.clone();
    let chooser = match channel {
        TalkChannel::Consultation => {
            let p = problem("item_code");
            let has_p = p.is_some();
            view! {
                <div class="apply-field" class:has-problem=has_p>
                    <label for="f-item_code" class="field-label">{t!(i18n, tk_item)}</label>
                    {p.map(|p| view! { <p class="field-problem" id="e-item_code">{p}</p> })}
                    <select id="f-item_code" aria-invalid=has_p.then_some("true") aria-describedby=has_p.then_some("e-item_code") name="f.item_code">
                        <option value="">{t!(i18n, tk_item_general)}</option>
                        {item.map(|(code, name)| {
                            let selected = code == chosen_item;
                            view! { <option value=code selected=selected>{name}</option> }
                        })}
                    </select>
                    <p class="hint">{t!(i18n, tk_item_hint)}" "<a href="/guide">{t!(i18n, ch_guide)}</a></p>
                </div>
            }
            .into_any()
        }
        TalkChannel::Petition => {
            let p = problem("category");
            let has_p = p.is_some();
            let chosen = c.category.clone().unwrap_or_default();
            view! {
                <div class="apply-field" class:has-problem=has_p>
                    <label for="f-category" class="field-label">{t!(i18n, tk_category)}<span class="required-mark" aria-hidden="true">" *"</span></label>
                    {p.map(|p| view! { <p class="field-problem" id="e-category">{p}</p> })}
                    <select id="f-category" aria-invalid=has_p.then_some("true") aria-describedby=has_p.then_some("e-category") name="f.category" required=true>
                        <option value="">{t!(i18n, ap_choose)}</option>
                        {PETITION_CATEGORIES.iter().map(|(code, name)| view! {
                            <option value=*code selected=*code == chosen>{*name}</option>
                        }).collect_view()}
                    </select>
                </div>
            }
            .into_any()
        }
        TalkChannel::Letter => {
            let p = problem("mailbox_code");
            let has_p = p.is_some();
            view! {
                <fieldset class="apply-field mailbox-choice" class:has-problem=has_p aria-describedby=has_p.then_some("e-mailbox_code")>
                    <legend class="field-label">{t!(i18n, tk_mailbox)}<span class="required-mark" aria-hidden="true">" *"</span></legend>
                    {p.map(|p| view! { <p class="field-problem" id="e-mailbox_code">{p}</p> })}
                    {mailboxes.into_iter().map(|m| {
                        let checked = m.code == chosen_mailbox;
                        view! {
                            <label class="check mailbox-option">
                                <input type="radio" name="f.mailbox_code" value=m.code.clone() checked=checked required=true/>
                                <span><strong>{m.name.clone()}</strong><span class="muted">" "{m.leader.clone()}</span></span>
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            }
            .into_any()
        }
    };
    let values = c.clone();
    let fields = move || {
        let mut defs: Vec<(FieldDef, String)> = vec![
            (
                def(
                    "subject",
                    t_string!(i18n, tk_subject).into(),
                    FieldKind::Text,
                    true,
                    String::new(),
                ),
                values.subject.clone(),
            ),
            (
                def(
                    "body",
                    t_string!(i18n, tk_body).into(),
                    FieldKind::Textarea,
                    true,
                    t_string!(i18n, tk_body_hint).into(),
                ),
                values.body.clone(),
            ),
        ];
        let optional_name = channel == TalkChannel::Consultation;
        defs.push((
            def(
                "name",
                t_string!(i18n, tk_name).into(),
                FieldKind::Text,
                !optional_name,
                if optional_name {
                    t_string!(i18n, tk_name_hint).into()
                } else {
                    String::new()
                },
            ),
            values.name.clone(),
        ));
        if channel == TalkChannel::Petition {
            defs.push((
                def(
                    "id_number",
                    t_string!(i18n, tk_id_number).into(),
                    FieldKind::IdNumber,
                    true,
                    String::new(),
                ),
                values.id_number.clone(),
            ));
        }
        defs.push((
            def(
                "mobile",
                t_string!(i18n, tk_mobile).into(),
                FieldKind::Mobile,
                channel == TalkChannel::Petition,
                t_string!(i18n, tk_contact_hint).into(),
            ),
            values.mobile.clone(),
        ));
        defs.push((
            def(
                "email",
                t_string!(i18n, tk_email).into(),
                FieldKind::Email,
                false,
                String::new(),
            ),
            values.email.clone(),
        ));
        defs.into_iter()
            .map(|(d, v)| {
                let p = problem(&d.key);
                view! { <Field def=d value=v problem=p/> }
            })
            .collect_view()
    };
    let anonymous = c.anonymous;
    let consent = c.consent_publish;
    view! {
        <form class="apply-form talk-form" method="post" action=post_path(channel) enctype="multipart/form-data">
            {form_problem.map(|p| view! { <p class="form-error" role="alert">{p}</p> })}
            {kept.then(|| view! { <p class="notice" role="status">{t!(i18n, tk_kept)}</p> })}
            {chooser}
            {fields}
            {(channel == TalkChannel::Consultation).then(|| view! {
                <label class="check"><input type="checkbox" name="f.anonymous" value="1" checked=anonymous/>{t!(i18n, tk_anonymous)}</label>
            })}
            {channel.allows_attachments().then(|| {
                let kept_files = kept_files.clone();
                let p = attachments_problem.clone();
                let has_p = p.is_some();
                view! {
                    <div class="apply-field" class:has-problem=has_p>
                        <label for="f-attachments" class="field-label">{t!(i18n, tk_attachments)}</label>
                        {p.map(|p| view! { <p class="field-problem" id="e-attachments">{p}</p> })}
                        {(!kept_files.is_empty()).then(|| view! {
                            <ul class="kept-files">
                                {kept_files.into_iter().map(|f| view! {
                                    <li><span class="attached-ok" aria-hidden="true">"✓ "</span>{f.file_name.clone()}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        <input id="f-attachments" type="file" name="attachments" multiple=true
                            accept=".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd"/>
                        <p class="hint">{t!(i18n, tk_attachments_hint)}</p>
                    </div>
                }
            })}
            {channel.publishable().then(|| view! {
                <label class="check"><input type="checkbox" name="f.consent_publish" value="1" checked=consent/>{t!(i18n, tk_consent)}</label>
            })}
            {(channel == TalkChannel::Petition).then(|| view! { <p class="hint">{t!(i18n, tk_never_published)}</p> })}
            <div class="apply-actions">
                <button type="submit" class="button button-primary">{t!(i18n, tk_send)}</button>
            </div>
        </form>
    }
    .into_any()
}
