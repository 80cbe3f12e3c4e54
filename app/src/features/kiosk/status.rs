//! The kiosk's 办件查询: the case number (or the ID card on the reader) and the query code, typed on
//! the on-screen keypad; the progress in large type, to print as a status sheet, and a way to rate
//! a concluded case. The answer stays in the page: no number, code or ID number in the address.
//! Without JavaScript the form falls back to `/status`.

use super::keys::{into_active_field, Keypad, KeypadField};
use super::PrintButton;
use crate::api::citizen::{lookup_status, lookup_status_by_card};
use crate::api::error::AppError;
use crate::app::SiteResource;
use crate::domain::case_read::{CaseView, NextStep};
use crate::domain::id_card::CardHolder;
use crate::features::case_view::CaseDetails;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

const NUMBER_MAX: usize = 20;
const CODE_MAX: usize = 8;
const NUMBER_FIELD: &str = "kiosk-case-no";
const CODE_FIELD: &str = "kiosk-query-code";

/// What the person identified themselves with.
#[derive(Clone)]
struct Asked {
    card: Option<CardHolder>,
    number: String,
    code: String,
}

#[component]
pub fn KioskStatusPage() -> impl IntoView {
    let i18n = use_i18n();
    let site = expect_context::<SiteResource>();
    let number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let card = RwSignal::new(None::<CardHolder>);
    let card_error = RwSignal::new(None::<String>);
    let active = RwSignal::new(NUMBER_FIELD);
    let on_key = into_active_field(active, (NUMBER_FIELD, number, NUMBER_MAX), (code, CODE_MAX));
    let lookup = Action::new(|asked: &Asked| {
        let asked = asked.clone();
        async move {
            match asked.card {
                Some(holder) => {
                    lookup_status_by_card(holder.id_number.as_str().to_string(), asked.code).await
                }
                None => lookup_status(asked.number, asked.code).await,
            }
        }
    });
    let reader_url = move || {
        site.get()
            .and_then(Result::ok)
            .and_then(|s| s.card_reader_url)
    };
    let read_card = move |_| {
        card_error.set(None);
        let Some(_url) = reader_url() else { return };
        #[cfg(feature = "hydrate")]
        super::browser::read_card(&_url, move |result| match result {
            Ok(holder) => {
                card.set(Some(holder));
                number.set(String::new());
                active.set(CODE_FIELD);
            }
            Err(e) => card_error.set(Some(e.to_string())),
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        lookup.dispatch(Asked {
            card: card.get_untracked(),
            number: number.get_untracked(),
            code: code.get_untracked(),
        });
    };
    let again = move |_| {
        lookup.value().set(None);
        number.set(String::new());
        code.set(String::new());
        card.set(None);
        active.set(NUMBER_FIELD);
    };
    view! {
        <Title text=t_string!(i18n, kiosk_status).to_string()/>
        {move || match lookup.value().get() {
            Some(Ok(Some(case))) => view! {
                <KioskCase case code=code.get_untracked()/>
                <div class="kiosk-actions">
                    <button type="button" class="kiosk-big-button" on:click=again>{t!(i18n, kk_lookup_again)}</button>
                    <PrintButton/>
                </div>
            }.into_any(),
            answer => view! {
                <h1 class="kiosk-heading">{t!(i18n, kiosk_status)}</h1>
                <form class="kiosk-panel kiosk-lookup" action="/status" method="get" on:submit=submit>
                    {move || match card.get() {
                        Some(holder) => view! {
                            <div class="kiosk-card-read" role="status">
                                <span>{t!(i18n, kk_card_read)}</span>
                                <strong>{holder.shown()}</strong>
                                <button type="button" class="kiosk-key kiosk-key-wide" on:click=move |_| card.set(None)>{t!(i18n, kk_card_forget)}</button>
                            </div>
                        }.into_any(),
                        None => view! {
                            <KeypadField id=NUMBER_FIELD name="case_no" label=t!(i18n, cs_case_no)
                                value=number max=NUMBER_MAX active/>
                        }.into_any(),
                    }}
                    <KeypadField id=CODE_FIELD name="query_code" label=t!(i18n, cs_query_code)
                        value=code max=CODE_MAX active/>
                    <p class="kiosk-note">{t!(i18n, st_where_codes)}</p>
                    {move || card_error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                    {match answer {
                        Some(Ok(None)) => Some(view! { <p class="form-error" role="alert">{t!(i18n, st_not_found)}</p> }.into_any()),
                        Some(Err(AppError::Throttled(minutes))) => Some(view! {
                            <p class="form-error" role="alert">{move || t_string!(i18n, st_throttled).replace("{n}", &minutes.to_string())}</p>
                        }.into_any()),
                        Some(Err(e)) => Some(view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any()),
                        _ => None,
                    }}
                    <Keypad on_key/>
                    <div class="kiosk-actions">
                        // Inside a Transition: the server waits for the site settings, so the
                        // button is in the first HTML and hydration finds it there.
                        <Transition>
                            {move || reader_url().map(|_| view! {
                                <button type="button" class="kiosk-big-button kiosk-card-button" on:click=read_card>
                                    {t!(i18n, kk_read_card)}
                                </button>
                            })}
                        </Transition>
                        <button type="submit" class="kiosk-big-button kiosk-primary" disabled=move || lookup.pending().get()>
                            {t!(i18n, st_submit)}
                        </button>
                    </div>
                </form>
            }.into_any(),
        }}
    }
    .into_any()
}

/// The case as the public lookup shows it, with the way to rate it once concluded.
#[component]
fn KioskCase(case: CaseView, code: String) -> impl IntoView {
    let i18n = use_i18n();
    let rate =
        (case.next == NextStep::Rate).then(|| format!("/kiosk/rate/{}?code={code}", case.case_no));
    view! {
        <article class="kiosk-sheet">
            <h1 class="kiosk-sheet-title">{t!(i18n, kk_status_sheet)}</h1>
            <CaseDetails case/>
        </article>
        {rate.map(|href| view! { <a class="kiosk-big-button kiosk-primary" href=href>{t!(i18n, kiosk_rate)}</a> })}
    }
    .into_any()
}
