//! `/talk/{ref_no}`: a question, petition or letter as its writer sees it — signed in, or with the
//! query code in the address (an anonymous asker, the link after sending). The answer, the
//! deadline, the history by department (no staff names), and what the writer may do now: agree to
//! publication or take it back, ask for 复查 / 复核 within 30 days, rate the answer.

use super::case_view::shown_time;
use crate::api::error::AppError;
use crate::api::talks::get_talk;
use crate::domain::case_read::RATING_LEVELS;
use crate::domain::talk::{TalkAction, TalkChannel, TalkEventView, TalkView};
use crate::features::words::{date_text, rating_text, talk_channel_text, talk_state_text};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TalkPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let ref_no = params.read_untracked().get("ref_no").unwrap_or_default();
    let code = query.read_untracked().get("code");
    let flags = query.with_untracked(|q| (q.get("sent").is_some(), q.get("done"), q.get("error")));
    let talk = Resource::new(
        move || (ref_no.clone(), code.clone()),
        |(ref_no, code)| get_talk(ref_no, code),
    );
    view! {
        <Title text=t_string!(i18n, tk_my_talk).to_string()/>
        <Transition fallback=move || view! { <p class="wrap loading">{t!(i18n, loading)}</p> }>
            {move || {
                let flags = flags.clone();
                Suspend::new(async move {
                    match talk.await {
                        Ok(t) => view! { <TalkScreen talk=t flags=flags/> }.into_any(),
                        Err(AppError::Unauthenticated) => view! {
                            <div class="wrap notice-page">
                                <p class="notice">{t!(i18n, tk_need_code)}</p>
                                <a class="button" href="/consult#write">{t!(i18n, tk_lookup)}</a>
                            </div>
                        }.into_any(),
                        Err(AppError::Throttled(minutes)) => view! {
                            <div class="wrap notice-page">
                                <p class="form-error" role="alert">{move || t_string!(i18n, st_throttled).replace("{n}", &minutes.to_string())}</p>
                            </div>
                        }.into_any(),
                        Err(_) => view! {
                            <div class="wrap notice-page">
                                <p class="form-error" role="alert">{t!(i18n, tk_not_found)}</p>
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}

type Flags = (bool, Option<String>, Option<String>);

fn code_param(code: &Option<String>) -> String {
    code.as_ref()
        .map(|c| format!("?code={}", crate::layouts::prefs::encode_component(c)))
        .unwrap_or_default()
}

#[component]
fn TalkScreen(talk: TalkView, flags: Flags) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let code = query.read_untracked().get("code");
    let (sent, done, error) = flags;
    let t = talk.clone();
    let action_path = format!("/talk/{}/act", t.ref_no);
    let may = |a: TalkAction| t.offers.iter().any(|o| o.action == a);
    let (consent, withdraw, rate, review, rereview) = (
        may(TalkAction::Consent) && !t.consent_publish,
        may(TalkAction::WithdrawConsent) && t.consent_publish,
        may(TalkAction::Rate),
        may(TalkAction::RequestReview),
        may(TalkAction::RequestReReview),
    );
    let hidden = {
        let (code, version) = (code.clone(), t.version.to_string());
        move || {
            view! {
                <input type="hidden" name="version" value=version.clone()/>
                {code.clone().map(|c| view! { <input type="hidden" name="code" value=c/> })}
            }
        }
    };
    let files_suffix = code_param(&code);
    let sent_code = code.clone();
    let (channel, state) = (t.channel, t.state);
    view! {
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{move || talk_channel_text(i18n, channel).0}</span>
                </nav>
                <h1>{t.subject.clone()}</h1>
                <p class="banner-text">
                    <span class="mono">{t.ref_no.clone()}</span>" · "{move || talk_channel_text(i18n, channel).1}" · "
                    <span class="talk-state">{move || talk_state_text(i18n, state)}</span>
                </p>
            </div>
        </div>
        <div class="wrap talk-view">
            {sent.then(|| view! {
                <div class="flash flash-ok" role="status">
                    <p><strong>{t!(i18n, tk_sent)}</strong></p>
                    <p>{t!(i18n, tk_ref_no)}"："<strong class="mono">{t.ref_no.clone()}</strong>
                        {sent_code.map(|c| view! { "　"{t!(i18n, tk_query_code)}"："<strong class="mono">{c}</strong> })}</p>
                    <p class="hint">{t!(i18n, tk_keep_codes)}</p>
                </div>
            })}
            {done.map(|_| view! { <p class="flash flash-ok" role="status">{t!(i18n, tk_done)}</p> })}
            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            <div class="talk-columns">
                <div class="talk-main">
                    <section class="sc-card">
                        <h2>{t!(i18n, tk_content)}</h2>
                        <dl class="kv">
                            {t.item.clone().map(|i| view! { <dt>{t!(i18n, tk_item)}</dt><dd>{i}</dd> })}
                            {t.mailbox.clone().map(|m| view! { <dt>{t!(i18n, tk_mailbox)}</dt><dd>{m}</dd> })}
                            {t.category.clone().map(|c| view! { <dt>{t!(i18n, tk_category)}</dt><dd>{c}</dd> })}
                            <dt>{t!(i18n, tk_sent_at)}</dt><dd>{shown_time(t.created_at)}</dd>
                        </dl>
                        <p class="pre talk-body">{t.body.clone()}</p>
                        {(!t.attachments.is_empty()).then(|| view! {
                            <ul class="kept-files">
                                {t.attachments.iter().map(|a| view! {
                                    <li><a href=format!("/talk/{}/files/{}{}", t.ref_no, a.upload_id, files_suffix) target="_blank" rel="noopener">{a.file_name.clone()}</a></li>
                                }).collect_view()}
                            </ul>
                        })}
                    </section>
                    <section class="sc-card talk-answer">
                        <h2>{t!(i18n, tk_answer)}</h2>
                        {match t.reply.clone() {
                            Some(reply) => view! {
                                <p class="pre">{reply}</p>
                                {t.answered_on.map(|d| view! { <p class="muted">{t!(i18n, tk_answered_on)}" "{move || date_text(i18n.get_locale(), d)}</p> })}
                                {t.has_opinion_pdf.then(|| view! {
                                    <a class="button" href=format!("/talk/{}/opinion.pdf{}", t.ref_no, code_param(&code)) target="_blank" rel="noopener">{t!(i18n, tk_opinion_pdf)}</a>
                                })}
                            }.into_any(),
                            None => view! {
                                <p class="muted">{t!(i18n, tk_no_answer_yet)}</p>
                                {t.due.map(|d| view! { <p>{t!(i18n, tk_due)}" "<strong>{move || date_text(i18n.get_locale(), d)}</strong>{t.clock.clone().map(|c| format!("（{c}）"))}</p> })}
                            }.into_any(),
                        }}
                    </section>
                    {(review || rereview).then(|| {
                        let action = if review { TalkAction::RequestReview } else { TalkAction::RequestReReview };
                        view! {
                            <section class="sc-card">
                                <h2>{if review { t!(i18n, tk_request_review).into_any() } else { t!(i18n, tk_request_rereview).into_any() }}</h2>
                                {t.review_until.map(|d| view! { <p class="hint">{move || t_string!(i18n, tk_review_until).replace("{date}", &date_text(i18n.get_locale(), d))}</p> })}
                                <form method="post" action=action_path.clone() class="action-form">
                                    {hidden()}
                                    <input type="hidden" name="action" value=action.code()/>
                                    <label class="field"><span>{t!(i18n, tk_review_reason)}</span>
                                        <textarea name="text" rows="4" required=true></textarea></label>
                                    <button type="submit" class="button button-primary">{if review { t!(i18n, tk_request_review).into_any() } else { t!(i18n, tk_request_rereview).into_any() }}</button>
                                </form>
                            </section>
                        }
                    })}
                    {rate.then(|| view! {
                        <section class="sc-card">
                            <h2>{t!(i18n, tk_rate)}</h2>
                            <form method="post" action=action_path.clone() class="action-form rate-form">
                                {hidden()}
                                <input type="hidden" name="action" value="rate"/>
                                <fieldset class="choice-row">
                                    <legend class="sr-only">{t!(i18n, tk_rate)}</legend>
                                    {RATING_LEVELS.iter().map(|(level, _)| {
                                        let level = *level;
                                        view! {
                                            <label class="check"><input type="radio" name="level" value=level.to_string() required=true/>{move || rating_text(i18n, level)}</label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <label class="field"><span>{t!(i18n, tk_rate_comment)}</span>
                                    <textarea name="text" rows="2" maxlength="500"></textarea></label>
                                <button type="submit" class="button button-primary">{t!(i18n, tk_rate_submit)}</button>
                            </form>
                        </section>
                    })}
                    {t.rating.map(|_| view! { <p class="muted">{t!(i18n, tk_rated)}</p> })}
                </div>
                <aside class="talk-side">
                    {(t.channel != TalkChannel::Petition).then(|| view! {
                        <section class="sc-card">
                            <h2>{t!(i18n, tk_publication)}</h2>
                            <p>{if t.published { t!(i18n, tk_is_published).into_any() } else if t.consent_publish { t!(i18n, tk_consented).into_any() } else { t!(i18n, tk_not_consented).into_any() }}</p>
                            {consent.then(|| view! {
                                <form method="post" action=action_path.clone()>{hidden()}<input type="hidden" name="action" value="consent"/>
                                    <button type="submit" class="button">{t!(i18n, tk_consent_button)}</button></form>
                            })}
                            {withdraw.then(|| view! {
                                <form method="post" action=action_path.clone()>{hidden()}<input type="hidden" name="action" value="withdraw_consent"/>
                                    <button type="submit" class="button">{t!(i18n, tk_withdraw_button)}</button></form>
                            })}
                        </section>
                    })}
                    <section class="sc-card">
                        <h2>{t!(i18n, tk_history)}</h2>
                        <TalkHistory events=t.events.clone()/>
                    </section>
                </aside>
            </div>
        </div>
    }
    .into_any()
}

/// The history of a conversation: when, what, who (staff see names; the server leaves them out
/// for the writer), which department, and the note.
#[component]
pub(crate) fn TalkHistory(events: Vec<TalkEventView>) -> impl IntoView {
    view! {
        <ol class="history">
            {events.into_iter().map(|e| view! {
                <li>
                    <p class="history-head">
                        <time class="muted">{shown_time(e.at)}</time>
                        <strong>{e.action}</strong>
                        {(!e.actor.is_empty()).then(|| view! { <span>{e.actor}</span> })}
                        {e.department.map(|d| view! { <span class="muted">{d}</span> })}
                    </p>
                    {(!e.detail.is_empty()).then(|| view! { <p class="pre history-detail">{e.detail}</p> })}
                </li>
            }).collect_view()}
        </ol>
    }
}
