//! The kiosk's 办事指南: the catalogue browsed a screen at a time or searched by pinyin initials
//! typed on the on-screen keyboard (`/kiosk/guide`), and one item's guide in large type with
//! printing (`/kiosk/guide/{code}`). Nothing on these screens is smaller than a fingertip.

use super::keys::{keep_typed, press, Key, LetterKeyboard};
use super::PrintButton;
use crate::api::catalogue::{get_guide, search_catalogue};
use crate::domain::catalogue::lines;
use crate::domain::catalogue_read::GuideDetail;
use crate::domain::search::SearchInput;
use crate::features::guide::{labels, KeyFacts};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Items per screen: six rows fit a portrait screen above the keyboard.
const PER_SCREEN: u32 = 6;
/// Pinyin initials of the longest item names.
const MAX_LETTERS: usize = 12;

#[component]
pub fn KioskGuidePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    // Back from an item keeps the letters typed (`?q=`); the page then starts from them.
    let letters = RwSignal::new(keep_typed(
        &query.read_untracked().get("q").unwrap_or_default(),
        |c| c.is_ascii_alphabetic(),
        MAX_LETTERS,
    ));
    let page = RwSignal::new(1u32);
    let on_key = Callback::new(move |key: Key| {
        press(letters, key, MAX_LETTERS);
        page.set(1);
    });
    let results = Resource::new(
        move || (letters.get(), page.get()),
        |(q, page)| {
            search_catalogue(SearchInput {
                q: (!q.is_empty()).then(|| q.to_lowercase()),
                page: Some(page),
                per_page: Some(PER_SCREEN),
                ..Default::default()
            })
        },
    );
    view! {
        <Title text=t_string!(i18n, kiosk_guide).to_string()/>
        <h1 class="kiosk-heading">{t!(i18n, kiosk_guide)}</h1>
        <div class="kiosk-split">
            <section class="kiosk-panel kiosk-typing" aria-labelledby="kiosk-letters-label">
                <label id="kiosk-letters-label" class="kiosk-field-label" for="kiosk-letters">{t!(i18n, kk_initials)}</label>
                <input id="kiosk-letters" class="kiosk-field" type="text" inputmode="none" autocomplete="off"
                    maxlength=MAX_LETTERS.to_string()
                    aria-describedby="kiosk-letters-hint"
                    prop:value=move || letters.get()
                    on:input=move |ev| {
                        letters.set(keep_typed(&event_target_value(&ev), |c| c.is_ascii_alphabetic(), MAX_LETTERS));
                        page.set(1);
                    }/>
                <p id="kiosk-letters-hint" class="kiosk-note">{t!(i18n, kk_initials_hint)}</p>
                <LetterKeyboard on_key/>
            </section>
            <section class="kiosk-panel kiosk-results" aria-live="polite" aria-labelledby="kiosk-results-title">
                <h2 id="kiosk-results-title" class="kiosk-panel-title">
                    {move || if letters.get().is_empty() { t_string!(i18n, kk_all_items) } else { t_string!(i18n, kk_found) }}
                </h2>
                <Transition fallback=move || view! { <p class="kiosk-note">{t!(i18n, loading)}</p> }>
                    {move || Suspend::new(async move {
                        match results.await {
                            Ok(found) if found.items.is_empty() => view! {
                                <p class="kiosk-note">{t!(i18n, kk_none_found)}</p>
                            }.into_any(),
                            Ok(found) => {
                                let pages = found.pages();
                                let q = letters.get_untracked();
                                view! {
                                    <p class="kiosk-note">{move || t_string!(i18n, kk_count).replace("{n}", &found.total.to_string())}</p>
                                    <ul class="kiosk-item-list">
                                        {found.items.iter().map(|item| view! {
                                            <li>
                                                <a class="kiosk-item" href=format!("/kiosk/guide/{}?q={}", item.code, q)>
                                                    <strong>{item.name.clone()}</strong>
                                                    <span>{item.department_name.clone()}</span>
                                                </a>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                    <div class="kiosk-pager">
                                        <button type="button" class="kiosk-key kiosk-key-wide" disabled=move || { page.get() <= 1 }
                                            on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>
                                            {t!(i18n, kk_prev)}
                                        </button>
                                        <span>{move || format!("{} / {}", page.get(), pages.max(1))}</span>
                                        <button type="button" class="kiosk-key kiosk-key-wide" disabled=move || { page.get() >= pages }
                                            on:click=move |_| page.update(|p| *p += 1)>
                                            {t!(i18n, kk_next)}
                                        </button>
                                    </div>
                                }.into_any()
                            }
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
    .into_any()
}

#[component]
pub fn KioskItemPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let query = use_query_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let guide = Resource::new(code, get_guide);
    let back = move || {
        let q = keep_typed(
            &query.read().get("q").unwrap_or_default(),
            |c| c.is_ascii_alphabetic(),
            MAX_LETTERS,
        );
        if q.is_empty() {
            "/kiosk/guide".to_string()
        } else {
            format!("/kiosk/guide?q={q}")
        }
    };
    view! {
        <Transition fallback=move || view! { <p class="kiosk-note">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match guide.await {
                    Ok(Some(detail)) if !detail.retired => view! { <KioskGuide detail/> }.into_any(),
                    Ok(_) => view! {
                        <Title text=t_string!(i18n, not_found_title).to_string()/>
                        <h1 class="kiosk-heading">{t!(i18n, not_found_title)}</h1>
                    }.into_any(),
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
        <div class="kiosk-actions">
            <a class="kiosk-big-button" href=back>{t!(i18n, kk_back_to_list)}</a>
            <PrintButton/>
        </div>
    }
    .into_any()
}

/// One guide as a printable sheet: the key facts, conditions, materials, steps, where and when.
#[component]
fn KioskGuide(detail: GuideDetail) -> impl IntoView {
    let i18n = use_i18n();
    let g = detail.guide.clone();
    view! {
        <Title text=g.name.clone()/>
        <article class="kiosk-sheet">
            <h1 class="kiosk-sheet-title">{g.name.clone()}</h1>
            <p class="kiosk-sheet-sub">{detail.department.name.clone()}" · "{t!(i18n, g_code)}" "{g.code.clone()}</p>
            <KeyFacts guide=g.clone()/>
            <section>
                <h2>{t!(i18n, g_conditions)}</h2>
                <ul>{lines(&g.conditions).map(|l| view! { <li>{l.to_string()}</li> }).collect_view()}</ul>
            </section>
            <section>
                <h2>{t!(i18n, g_materials)}</h2>
                <ol>
                    {g.materials.iter().map(|m| {
                        let (source, originals, copies) = (m.source, m.originals, m.copies);
                        let required = m.required;
                        view! {
                            <li>
                                <strong>{m.name.clone()}</strong>
                                <span class="kiosk-sheet-note">
                                    {move || labels::source(i18n, source)}" · "
                                    {move || t_string!(i18n, kk_originals).replace("{n}", &originals.to_string())}" · "
                                    {move || t_string!(i18n, kk_copies).replace("{n}", &copies.to_string())}" · "
                                    {move || if required { t_string!(i18n, m_required) } else { t_string!(i18n, m_optional) }}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
            <section>
                <h2>{t!(i18n, g_procedure)}</h2>
                <ol>
                    {g.procedure.iter().map(|s| view! {
                        <li><strong>{s.name.clone()}</strong>" "{s.description.clone()}</li>
                    }).collect_view()}
                </ol>
            </section>
            <section>
                <h2>{t!(i18n, g_where)}</h2>
                <dl class="kiosk-facts">
                    <div><dt>{t!(i18n, g_location)}</dt><dd>{g.location.clone()}</dd></div>
                    <div><dt>{t!(i18n, g_hours)}</dt><dd>{g.hours.clone()}</dd></div>
                    <div><dt>{t!(i18n, g_consult_phone)}</dt><dd>{g.consult_phone.clone()}</dd></div>
                </dl>
            </section>
        </article>
    }
    .into_any()
}
