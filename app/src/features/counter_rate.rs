//! `/kiosk/rate/{case_no}?code=…` (窗口服务评价): the counter tablet, in the kiosk shell, right after
//! a walk-in intake. Five large buttons, an optional comment, once per case. The link carries the
//! case's query code (the clerk's case page opens it), so no login is kept on a shared tablet.

use crate::api::casework::get_counter_rating;
use crate::domain::case_read::RATING_LEVELS;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

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
        |(no, code)| get_counter_rating(no, code),
    );
    view! {
        <Title text=t_string!(i18n, rt_title).to_string()/>
        <h1 class="kiosk-heading">{t!(i18n, rt_title)}</h1>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || {
                let (no, code, done, error) = asked.get();
                Suspend::new(async move {
                    match page.await {
                        Ok(p) if done || p.rated => view! {
                            <section class="rate-done" role="status">
                                <p class="kiosk-big-text">{t!(i18n, rt_thanks)}</p>
                                <p class="kiosk-hint">{t!(i18n, rt_done_text)}</p>
                            </section>
                        }.into_any(),
                        Ok(p) => view! {
                            <p class="kiosk-hint">{p.item_name.clone()}" · "<span class="mono">{p.case_no.clone()}</span></p>
                            <p class="kiosk-hint">{t!(i18n, rt_intro)}</p>
                            {error.map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
                            <form class="rate-form" method="post" action=format!("/kiosk/rate/{no}")>
                                <input type="hidden" name="code" value=code/>
                                <label class="field">
                                    <span>{t!(i18n, rt_comment)}</span>
                                    <textarea name="comment" rows="2" maxlength="500"></textarea>
                                </label>
                                <div class="rate-buttons">
                                    {RATING_LEVELS.iter().map(|(level, name)| view! {
                                        <button type="submit" name="level" value=level.to_string()
                                            class=format!("kiosk-big-button rate-{level}")>{*name}</button>
                                    }).collect_view()}
                                </div>
                            </form>
                        }.into_any(),
                        Err(_) => view! { <p class="form-error" role="alert">{t!(i18n, rt_not_found)}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
}
