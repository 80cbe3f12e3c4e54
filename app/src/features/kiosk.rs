//! 自助终端 (kiosk) start screen and its tiles: four large touch targets, nothing to type.

use crate::domain::channel::Channel;
use crate::i18n::*;
use crate::layouts::icons::ChannelIcon;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The kiosk's functions, by their path segment under `/kiosk`.
const TILES: [(&str, Channel); 4] = [
    ("guide", Channel::Guide),
    ("status", Channel::Status),
    ("rate", Channel::Consult),
    ("print", Channel::Forms),
];

fn tile_name(i18n: I18n, key: &str) -> String {
    match key {
        "guide" => t_string!(i18n, kiosk_guide),
        "status" => t_string!(i18n, kiosk_status),
        "rate" => t_string!(i18n, kiosk_rate),
        _ => t_string!(i18n, kiosk_print),
    }
    .to_string()
}

#[component]
pub fn KioskHome() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, kiosk_title).to_string()/>
        <h1 class="kiosk-heading">{t!(i18n, kiosk_title)}</h1>
        <p class="kiosk-hint">{t!(i18n, kiosk_hint)}</p>
        <div class="kiosk-tiles">
            {TILES
                .into_iter()
                .map(|(key, icon)| view! {
                    <a class=format!("kiosk-tile kiosk-tile-{key}") href=format!("/kiosk/{key}")>
                        <ChannelIcon channel=icon size=96/>
                        <span>{move || tile_name(i18n, key)}</span>
                    </a>
                })
                .collect_view()}
        </div>
    }
    .into_any()
}

#[component]
pub fn KioskTile() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let key = move || params.read().get("tile").unwrap_or_default();
    let known = move || TILES.iter().any(|(k, _)| *k == key());
    view! {
        <Title text=tile_name(i18n, &params.read_untracked().get("tile").unwrap_or_default())/>
        {move || {
            if known() {
                view! {
                    <h1 class="kiosk-heading">{tile_name(i18n, &key())}</h1>
                    <p class="kiosk-hint">{t!(i18n, kiosk_coming)}</p>
                }
                    .into_any()
            } else {
                view! { <h1 class="kiosk-heading">{t!(i18n, not_found_title)}</h1> }.into_any()
            }
        }}
        <a class="kiosk-big-button" href="/kiosk">{t!(i18n, back_home)}</a>
    }
    .into_any()
}
