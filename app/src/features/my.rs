//! 我的办事: the signed-in applicant's cases and drafts (`/my`), one case with what to do now
//! (`/my/{case_no}`), and the message centre (`/messages`). Visitors are sent to log in first.

use super::case_view::{shown_time, CaseDetails, StateBadge};
use crate::api::citizen::{
    get_messages, get_my_case, get_my_space, LogoutEverywhere, Rate, Withdraw,
};
use crate::domain::case_read::{CaseView, NextStep, RATING_LEVELS};
use crate::features::words::{rating_text, talk_channel_text, talk_state_text};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn MyPage() -> impl IntoView {
    let i18n = use_i18n();
    let space = Resource::new(|| (), |_| get_my_space());
    let logout_all = ServerAction::<LogoutEverywhere>::new();
    view! {
        // Read once: this page may redirect, which ends the render and its reactive owner.
        <Title text=t_string!(i18n, my_title).to_string()/>
        <Transition fallback=move || view! { <p class="wrap loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match space.await {
                    Ok(Some(s)) => {
                        let unread = s.unread;
                        view! {
                            <div class="page-banner">
                                <div class="wrap">
                                    <h1>{t!(i18n, my_title)}</h1>
                                    <p class="banner-text welcome">{t!(i18n, welcome)}{"，"}{s.display_name.clone()}</p>
                                    <div class="my-links">
                                        <a class="button" href="/messages">
                                            {t!(i18n, my_messages)}
                                            {(unread > 0).then(|| view! { <span class="count-badge">{unread}</span> })}
                                        </a>
                                        <a class="button" href="/guide">{t!(i18n, my_new_application)}</a>
                                    </div>
                                </div>
                            </div>
                            <div class="wrap my-page">
                                <section class="case-section">
                                    <h2>{t!(i18n, my_cases)}</h2>
                                    {if s.cases.is_empty() {
                                        view! { <p class="empty-result">{t!(i18n, my_no_cases)}</p> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="case-list">
                                                {s.cases.into_iter().map(|c| view! {
                                                    <li class="case-card" class:needs-action=c.needs_action>
                                                        <a href=format!("/my/{}", c.case_no)>
                                                            <span class="case-card-name">{c.item_name.clone()}</span>
                                                            <span class="case-card-meta">
                                                                <span class="mono">{c.case_no.clone()}</span>
                                                                " · "{shown_time(c.submitted_at)}
                                                            </span>
                                                        </a>
                                                        <StateBadge state=c.state.clone() name=c.state_name.clone()/>
                                                        {c.needs_action.then(|| view! { <span class="tag tag-required">{t!(i18n, my_needs_action)}</span> })}
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </section>
                                {(!s.talks.is_empty()).then(|| view! {
                                    <section class="case-section">
                                        <h2>{t!(i18n, my_talks)}</h2>
                                        <ul class="case-list">
                                            {s.talks.into_iter().map(|t| {
                                                let (channel, state) = (t.channel, t.state);
                                                view! {
                                                <li class="case-card">
                                                    <a href=format!("/talk/{}", t.ref_no)>
                                                        <span class="case-card-name">{t.subject.clone()}</span>
                                                        <span class="case-card-meta">
                                                            {move || talk_channel_text(i18n, channel).0}" · "<span class="mono">{t.ref_no.clone()}</span>
                                                            " · "{shown_time(t.created_at)}
                                                        </span>
                                                    </a>
                                                    <span class="tag">{move || talk_state_text(i18n, state)}</span>
                                                </li>
                                                }
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                {(!s.drafts.is_empty()).then(|| view! {
                                    <section class="case-section">
                                        <h2>{t!(i18n, my_drafts)}</h2>
                                        <ul class="case-list">
                                            {s.drafts.into_iter().map(|d| view! {
                                                <li class="case-card">
                                                    <a href=format!("/apply/{}", d.item_code)>
                                                        <span class="case-card-name">{d.item_name.clone()}</span>
                                                        <span class="case-card-meta">{t!(i18n, my_draft_saved)}" "{shown_time(d.saved_at)}</span>
                                                    </a>
                                                    <span class="tag">{t!(i18n, my_continue)}</span>
                                                </li>
                                            }).collect_view()}
                                        </ul>
                                    </section>
                                })}
                                <section class="case-section my-security">
                                    <h2>{t!(i18n, my_security)}</h2>
                                    <p class="hint">{t!(i18n, my_logout_all_hint)}</p>
                                    <ActionForm action=logout_all>
                                        <button type="submit" class="button">{t!(i18n, my_logout_all)}</button>
                                    </ActionForm>
                                </section>
                            </div>
                        }.into_any()
                    }
                    Ok(None) => view! { <Redirect path="/login?next=/my"/> }.into_any(),
                    Err(e) => view! {
                        <section class="wrap notice-page"><p class="form-error" role="alert">{e.to_string()}</p></section>
                    }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
pub fn MyCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let case_no = move || params.read().get("case_no").unwrap_or_default();
    let withdraw = ServerAction::<Withdraw>::new();
    let rate = ServerAction::<Rate>::new();
    let case = Resource::new(
        move || (case_no(), withdraw.version().get(), rate.version().get()),
        |(c, _, _)| get_my_case(c),
    );
    view! {
        <Title text=t_string!(i18n, my_case_title).to_string()/>
        <Transition fallback=move || view! { <p class="wrap loading">{t!(i18n, loading)}</p> }>
            // Reactive values are read before the await: after it the page's owner may be gone.
            {move || {
                let no = case_no();
                let q = query.read();
                let submitted = q.get("submitted").is_some();
                let error = q.get("error");
                let resubmitted = q.get("resubmitted").is_some();
                drop(q);
                Suspend::new(async move {
                    match case.await {
                        Ok(Some(c)) => view! {
                            <CaseScreen case=c submitted=submitted resubmitted=resubmitted error=error withdraw=withdraw rate=rate/>
                        }.into_any(),
                        Ok(None) => view! { <crate::features::not_found::NotFound/> }.into_any(),
                        Err(crate::api::error::AppError::Unauthenticated) => {
                            view! { <Redirect path=format!("/login?next=/my/{no}")/> }.into_any()
                        }
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

#[component]
fn CaseScreen(
    case: CaseView,
    submitted: bool,
    resubmitted: bool,
    error: Option<String>,
    withdraw: ServerAction<Withdraw>,
    rate: ServerAction<Rate>,
) -> impl IntoView {
    let i18n = use_i18n();
    let receipt = format!("/my/{}/receipt.pdf", case.case_no);
    let action_error = move || {
        withdraw
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| rate.value().get().and_then(|r| r.err()))
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let error = error.map(|code| match code.as_str() {
        "conflict" => t_string!(i18n, my_error_conflict).to_string(),
        c if c.len() <= 40 && c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_') => {
            t_string!(i18n, my_error_generic).to_string()
        }
        // A message the supplement post wrote (already Chinese).
        other => other.to_string(),
    });
    view! {
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/my">{t!(i18n, my_title)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span class="mono">{case.case_no.clone()}</span>
                </nav>
                <h1>{case.item_name.clone()}</h1>
            </div>
        </div>
        <div class="wrap case-page">
            {submitted.then(|| view! {
                <div class="submitted-box" role="status">
                    <h2>{t!(i18n, my_submitted)}</h2>
                    <p>{t!(i18n, my_keep_codes)}</p>
                    <dl class="codes">
                        <div><dt>{t!(i18n, cs_case_no)}</dt><dd class="mono" data-testid="case-no">{case.case_no.clone()}</dd></div>
                        <div><dt>{t!(i18n, cs_query_code)}</dt><dd class="mono" data-testid="query-code">{case.query_code.clone().unwrap_or_default()}</dd></div>
                    </dl>
                </div>
            })}
            {resubmitted.then(|| view! { <p class="flash flash-ok" role="status">{t!(i18n, my_resubmitted)}</p> })}
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            {action_error}
            <NextStepBox case=case.clone() rate=rate/>
            <div class="case-tools">
                <a class="button" href=receipt download="">{t!(i18n, my_receipt)}</a>
                {(!submitted).then(|| view! {
                    <p class="hint">{t!(i18n, cs_query_code)}{"："}<span class="mono">{case.query_code.clone().unwrap_or_default()}</span></p>
                })}
            </div>
            <CaseDetails case=case.clone()/>
            {case.can_withdraw.then(|| view! {
                <section class="case-section">
                    <h2>{t!(i18n, my_withdraw)}</h2>
                    <p class="hint">{t!(i18n, my_withdraw_hint)}</p>
                    <ActionForm action=withdraw>
                        <input type="hidden" name="case_no" value=case.case_no.clone()/>
                        <input type="hidden" name="version" value=case.version.to_string()/>
                        <button type="submit" class="button button-danger">{t!(i18n, my_withdraw)}</button>
                    </ActionForm>
                </section>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn NextStepBox(case: CaseView, rate: ServerAction<Rate>) -> impl IntoView {
    let i18n = use_i18n();
    match case.next.clone() {
        NextStep::Supplement { notice, materials } => {
            let action = format!("/my/{}/supplement", case.case_no);
            let codes: Vec<(String, String)> =
                materials.into_iter().map(|m| (m.code, m.name)).collect();
            view! {
                <section class="next-step next-step-action">
                    <h2>{t!(i18n, my_supplement)}</h2>
                    <p class="supplement-notice">{notice}</p>
                    <form method="post" action=action enctype="multipart/form-data" class="supplement-form">
                        <input type="hidden" name="version" value=case.version.to_string()/>
                        {codes.into_iter().map(|(code, name)| {
                            let id = format!("s-{code}");
                            view! {
                                <div class="material-slot">
                                    <label for=id.clone() class="field-label">{name}</label>
                                    <input id=id type="file" name=format!("file.{code}") accept=".pdf,.jpg,.jpeg,.png,.ofd"/>
                                </div>
                            }
                        }).collect_view()}
                        <p class="hint">{t!(i18n, ap_file_rules)}</p>
                        <button type="submit" class="button button-primary">{t!(i18n, my_resubmit)}</button>
                    </form>
                </section>
            }
            .into_any()
        }
        NextStep::Rate => view! {
            <section class="next-step next-step-action">
                <h2>{t!(i18n, my_rate)}</h2>
                <ActionForm action=rate attr:class="rating-form">
                    <input type="hidden" name="case_no" value=case.case_no.clone()/>
                    <fieldset class="rating-levels">
                        <legend>{t!(i18n, my_rate_question)}</legend>
                        {RATING_LEVELS.iter().map(|(level, _)| {
                            let level = *level;
                            view! {
                                <label class="check"><input type="radio" name="level" value=level.to_string() required/>{move || rating_text(i18n, level)}</label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <label class="field">
                        <span>{t!(i18n, my_rate_comment)}</span>
                        <textarea name="comment" rows="3" maxlength="500"></textarea>
                    </label>
                    <button type="submit" class="button button-primary">{t!(i18n, my_rate_submit)}</button>
                </ActionForm>
            </section>
        }
        .into_any(),
        NextStep::Wait => view! {
            <section class="next-step"><p>{t!(i18n, my_next_wait)}</p></section>
        }
        .into_any(),
        NextStep::Done => view! {
            <section class="next-step">
                <p>{t!(i18n, my_next_done)}</p>
                {case.rating.map(|level| view! { <p>{t!(i18n, my_rated)}" "{move || rating_text(i18n, level)}</p> })}
            </section>
        }
        .into_any(),
    }
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    let i18n = use_i18n();
    let messages = Resource::new(|| (), |_| get_messages());
    view! {
        <Title text=t_string!(i18n, my_messages).to_string()/>
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/my">{t!(i18n, my_title)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{t!(i18n, my_messages)}</span>
                </nav>
                <h1>{t!(i18n, my_messages)}</h1>
            </div>
        </div>
        <div class="wrap my-page">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match messages.await {
                        Ok(Some(list)) if list.is_empty() => view! { <p class="empty-result">{t!(i18n, my_no_messages)}</p> }.into_any(),
                        Ok(Some(list)) => view! {
                            <ul class="message-list">
                                {list.into_iter().map(|m| view! {
                                    <li class="message" class:unread=m.unread>
                                        <p class="message-head">
                                            <strong>{m.title.clone()}</strong>
                                            <time>{shown_time(m.at)}</time>
                                        </p>
                                        <p>{m.body.clone()}</p>
                                        {m.case_no.clone().map(|c| view! { <a href=format!("/my/{c}")>{t!(i18n, my_view_case)}</a> })}
                                        {m.link.clone().map(|l| view! { <a href=l>{t!(i18n, my_view_talk)}</a> })}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Ok(None) => view! { <Redirect path="/login?next=/messages"/> }.into_any(),
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
    .into_any()
}
