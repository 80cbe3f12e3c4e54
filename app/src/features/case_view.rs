//! One case as the applicant and the public lookup show it: state, deadlines with their
//! explanation, the timeline by department (never a staff name), and the materials.

use crate::domain::case_read::{CaseView, DeadlineInfo};
use crate::domain::time::china;
use crate::features::words::{action_text, date_text, deadline_text, state_text, time_text};
use crate::i18n::*;
use leptos::prelude::*;

/// A moment for staff pages: 2026-12-01 09:30, Beijing time.
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&china())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// A moment for a citizen's page, written as their language writes it (staff pages use
/// `local_time`).
pub fn shown_time(
    at: chrono::DateTime<chrono::Utc>,
) -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || time_text(i18n.get_locale(), at)
}

/// A state badge coloured by how the case stands, named in the page's language.
#[component]
pub fn StateBadge(state: String, name: String) -> impl IntoView {
    let tone = match state.as_str() {
        "awaiting_supplement" => "state-action",
        "granted" | "concluded" | "delivered" => "state-done",
        "not_accepted" | "denied" | "withdrawn" => "state-closed",
        _ => "state-running",
    };
    let i18n = use_i18n();
    view! { <span class=format!("state-badge {tone}")>{move || state_text(i18n, &state, &name)}</span> }
}

#[component]
pub fn CaseDetails(case: CaseView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="case-facts">
            <div><dt>{t!(i18n, cs_case_no)}</dt><dd class="mono">{case.case_no.clone()}</dd></div>
            <div><dt>{t!(i18n, cs_item)}</dt><dd>{case.item_name.clone()}</dd></div>
            <div><dt>{t!(i18n, cs_department)}</dt><dd>{case.department.clone()}</dd></div>
            <div><dt>{t!(i18n, cs_state)}</dt><dd><StateBadge state=case.state.clone() name=case.state_name.clone()/></dd></div>
            <div><dt>{t!(i18n, cs_submitted)}</dt><dd>{shown_time(case.submitted_at)}</dd></div>
        </dl>
        {(!case.deadlines.is_empty()).then(|| view! {
            <section class="case-section">
                <h2>{t!(i18n, cs_deadlines)}</h2>
                <ul class="deadline-list">
                    {case.deadlines.iter().map(|d| view! { <Deadline d=d.clone()/> }).collect_view()}
                </ul>
            </section>
        })}
        <section class="case-section">
            <h2>{t!(i18n, cs_timeline)}</h2>
            <ol class="timeline">
                {case.timeline.iter().rev().map(|e| view! {
                    <li>
                        <time>{shown_time(e.at)}</time>
                        <p class="timeline-what">{
                            let (action, what) = (e.action.clone(), e.what.clone());
                            move || action_text(i18n, &action, &what)
                        }<span class="timeline-by">{e.by.clone()}</span></p>
                        {(!e.note.is_empty()).then(|| view! { <p class="timeline-note">{e.note.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {(!case.documents.is_empty()).then(|| view! {
            <section class="case-section">
                <h2>{t!(i18n, cs_documents)}</h2>
                <ul class="doc-list">
                    {case.documents.iter().map(|k| view! {
                        <li><a href=format!("/my/{}/documents/{}.pdf", case.case_no, k.code()) target="_blank" rel="noopener">{k.name_zh()}" (PDF)"</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        {(!case.materials.is_empty()).then(|| view! {
            <section class="case-section">
                <h2>{t!(i18n, cs_materials)}</h2>
                <ul class="review-materials">
                    {case.materials.iter().map(|m| {
                        let round = m.round;
                        view! {
                            <li>
                                <span>{m.name.clone()}</span>
                                <span class="hint">
                                    {m.file_name.clone()}
                                    {(round > 1).then(|| view! { " · "{t!(i18n, cs_supplement_round)} })}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
    .into_any()
}

#[component]
fn Deadline(d: DeadlineInfo) -> impl IntoView {
    let i18n = use_i18n();
    let due = match (d.due, d.status.as_str()) {
        (_, "paused") => None,
        (Some(date), _) => Some(date),
        (None, _) => None,
    };
    let stopped = d.status == "stopped";
    view! {
        <li class="deadline" class:deadline-stopped=stopped>
            <p class="deadline-head">
                <span class="deadline-label">{
                    let (kind, label) = (d.kind.clone(), d.label.clone());
                    move || deadline_text(i18n, &kind, &label)
                }</span>
                {match due {
                    Some(date) => view! { <span class="deadline-date">{move || date_text(i18n.get_locale(), date)}</span> }.into_any(),
                    None => view! { <span class="deadline-date">{t!(i18n, cs_paused)}</span> }.into_any(),
                }}
                {stopped.then(|| view! { <span class="hint">{t!(i18n, cs_clock_done)}</span> })}
            </p>
            {(!d.explanation.is_empty()).then(|| view! {
                <ul class="deadline-why">{d.explanation.iter().map(|l| view! { <li>{l.clone()}</li> }).collect_view()}</ul>
            })}
        </li>
    }
}
