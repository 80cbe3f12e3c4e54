//! 好差评 on a shared device, in the kiosk shell, without logging in: `/kiosk/rate` asks for the
//! number on the receipt and its query code; `/kiosk/rate/{number}?code=…` shows five large
//! buttons. The counter tablet opens the second page right after a walk-in intake (the clerk's
//! case page links it) to rate the window service; at a township kiosk the same page rates a
//! concluded case or an answered question, petition or letter. Once per thing rated.

use crate::api::casework::get_kiosk_rating;
use crate::domain::case_read::RATING_LEVELS;
use crate::domain::supervision::KioskTarget;
use crate::features::kiosk::keys::{into_active_field, Keypad, KeypadField};
use crate::features::words::rating_text;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;

/// `/kiosk/rate`: the number and the query code, typed on the kiosk's keypad (the reference
/// prefixes of questions, petitions and letters have keys of their own). Without JavaScript the
/// form asks `/kiosk/rate/find`, which sends the browser on to the rating page.
#[component]
pub fn KioskRateLookup() -> impl IntoView {
    const NUMBER: &str = "rate-number";
    const CODE: &str = "rate-code";
    let i18n = use_i18n();
    let query = use_query_map();
    let wrong = move || query.read().get("error").is_some();
    let number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let active = RwSignal::new(NUMBER);
    let on_key = into_active_field(active, (NUMBER, number, 20), (code, 8));
    let navigate = use_navigate();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (no, qc) = (number.get_untracked(), code.get_untracked());
        if !no.is_empty() && !qc.is_empty() {
            navigate(
                &format!("/kiosk/rate/{no}?code={qc}"),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    };
    view! {
        <Title text=t_string!(i18n, kiosk_rate).to_string()/>
        <h1 class="kiosk-heading">{t!(i18n, kiosk_rate)}</h1>
        <p class="kiosk-hint">{t!(i18n, rt_lookup_intro)}</p>
        <form class="kiosk-panel kiosk-lookup" method="get" action="/kiosk/rate/find" on:submit=submit>
            {move || wrong().then(|| view! { <p class="form-error" role="alert">{t!(i18n, rt_wrong)}</p> })}
            <KeypadField id=NUMBER name="number" label=t!(i18n, rt_number) value=number max=20 active/>
            <KeypadField id=CODE name="code" label=t!(i18n, rt_code) value=code max=8 active/>
            <Keypad on_key extra=&["ZX", "XF", "XX"]/>
            <div class="kiosk-actions">
                <button type="submit" class="kiosk-big-button kiosk-primary">{t!(i18n, rt_find)}</button>
            </div>
        </form>
    }
    .into_any()
}

#[component]
pub fn CounterRatePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            params.read().get("case_no").unwrap_or_default(),
            q.get("code").unwrap_or_default(),
            q.get("done").is_some(),
            q.get("error"),
        )
    });
    let page = Resource::new(
        move || {
            let (no, code, ..) = asked.get();
            (no, code)
        },
        |(no, code)| get_kiosk_rating(no, code),
    );
    view! {
        <Title text=t_string!(i18n, rt_title).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || {
                let (no, code, done, error) = asked.get();
                Suspend::new(async move {
                    match page.await {
                        Ok(p) => {
                            let title = match p.target {
                                KioskTarget::Counter => t_string!(i18n, rt_title),
                                KioskTarget::Case => t_string!(i18n, rt_title_case),
                                KioskTarget::Talk => t_string!(i18n, rt_title_talk),
                            };
                            let intro = if p.target == KioskTarget::Counter {
                                t_string!(i18n, rt_intro)
                            } else {
                                t_string!(i18n, rt_intro_result)
                            };
                            let body = if done || p.rated {
                                view! {
                                    <section class="rate-done" role="status">
                                        <p class="kiosk-big-text">{t!(i18n, rt_thanks)}</p>
                                        <p class="kiosk-hint">{t!(i18n, rt_done_text)}</p>
                                    </section>
                                }
                                .into_any()
                            } else if !p.ready {
                                view! { <p class="kiosk-big-text" role="status">{t!(i18n, rt_not_ready)}</p> }.into_any()
                            } else {
                                view! {
                                    <p class="kiosk-hint">{intro}</p>
                                    {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                                    <form class="rate-form" method="post" action=format!("/kiosk/rate/{no}")>
                                        <input type="hidden" name="code" value=code/>
                                        // The counter tablet has the system's keyboard; a kiosk has none.
                                        {(p.target == KioskTarget::Counter).then(|| view! {
                                            <label class="field">
                                                <span>{t!(i18n, rt_comment)}</span>
                                                <textarea name="comment" rows="2" maxlength="500"></textarea>
                                            </label>
                                        })}
                                        <div class="rate-buttons">
                                            {RATING_LEVELS.iter().map(|(level, _)| {
                                                let level = *level;
                                                view! {
                                                    <button type="submit" name="level" value=level.to_string()
                                                        class=format!("kiosk-big-button rate-{level}")>{move || rating_text(i18n, level)}</button>
                                                }
                                            }).collect_view()}
                                        </div>
                                    </form>
                                }
                                .into_any()
                            };
                            view! {
                                <h1 class="kiosk-heading">{title}</h1>
                                <p class="kiosk-hint">{p.title.clone()}" · "<span class="mono">{p.number.clone()}</span></p>
                                {body}
                            }
                            .into_any()
                        }
                        Err(_) => view! {
                            <h1 class="kiosk-heading">{t!(i18n, kiosk_rate)}</h1>
                            <p class="form-error" role="alert">{t!(i18n, rt_wrong)}</p>
                            <a class="kiosk-big-button" href="/kiosk/rate">{t!(i18n, rt_find)}</a>
                        }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}
