//! 自助终端 (the township kiosk): a touch screen without a keyboard, portrait 1080×1920 or landscape
//! 1920×1080. The start screen's tiles lead to the guides (searched by pinyin initials on an
//! on-screen keyboard), the case lookup (on a keypad, or with the ID card on the reader), the
//! rating, and printing. The shell (`layouts::kiosk`) starts over for the next person after a
//! quiet spell.

#[cfg(feature = "hydrate")]
pub mod browser;
mod guide;
pub mod keys;
mod status;

pub use guide::{KioskGuidePage, KioskItemPage};
pub use status::KioskStatusPage;

use crate::domain::channel::Channel;
use crate::i18n::*;
use crate::layouts::icons::ChannelIcon;
use leptos::prelude::*;
use leptos_meta::Title;

/// The start screen's tiles: path under `/kiosk`, icon.
const TILES: [(&str, Channel); 4] = [
    ("guide", Channel::Guide),
    ("status", Channel::Status),
    ("rate", Channel::Consult),
    ("print", Channel::Forms),
];

fn tile_name(i18n: I18n, key: &str) -> &'static str {
    match key {
        "guide" => t_string!(i18n, kiosk_guide),
        "status" => t_string!(i18n, kiosk_status),
        "rate" => t_string!(i18n, kiosk_rate),
        _ => t_string!(i18n, kiosk_print),
    }
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

/// 打印服务: what the kiosk prints, and where each is found.
#[component]
pub fn KioskPrintPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, kiosk_print).to_string()/>
        <h1 class="kiosk-heading">{t!(i18n, kiosk_print)}</h1>
        <p class="kiosk-hint">{t!(i18n, kk_print_intro)}</p>
        <div class="kiosk-choices">
            <a class="kiosk-choice" href="/kiosk/guide">
                <strong>{t!(i18n, kk_print_guide)}</strong>
                <span>{t!(i18n, kk_print_guide_how)}</span>
            </a>
            <a class="kiosk-choice" href="/kiosk/status">
                <strong>{t!(i18n, kk_print_status)}</strong>
                <span>{t!(i18n, kk_print_status_how)}</span>
            </a>
        </div>
    }
    .into_any()
}

/// Prints the sheet on the screen (the print stylesheet leaves out the kiosk's buttons).
#[component]
pub fn PrintButton() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="kiosk-big-button" on:click=move |_| {
            #[cfg(feature = "hydrate")]
            browser::print_page();
        }>
            {t!(i18n, kk_print)}
        </button>
    }
    .into_any()
}

/// 朗读: reads the screen's main text aloud where the browser has a voice; not shown otherwise.
#[component]
pub fn ReadAloud() -> impl IntoView {
    let i18n = use_i18n();
    let available = RwSignal::new(false);
    let speaking = RwSignal::new(false);
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        available.set(browser::speech_available());
    });
    // A new screen stops the reading of the last one.
    let path = leptos_router::hooks::use_location().pathname;
    Effect::new(move |_| {
        path.track();
        #[cfg(feature = "hydrate")]
        browser::stop_speaking();
        speaking.set(false);
    });
    let toggle = move |_| {
        #[cfg(feature = "hydrate")]
        {
            if speaking.get_untracked() {
                browser::stop_speaking();
                speaking.set(false);
            } else if let Some(main) = document().get_element_by_id("main") {
                let text = main.text_content().unwrap_or_default();
                speaking.set(true);
                browser::speak(&text, i18n.get_locale().code(), move || speaking.set(false));
            }
        }
    };
    view! {
        <Show when=move || available.get()>
            <button type="button" class="kiosk-home-button kiosk-read" aria-pressed=move || speaking.get().to_string() on:click=toggle>
                {move || if speaking.get() { t_string!(i18n, kk_read_stop) } else { t_string!(i18n, kk_read) }}
            </button>
        </Show>
    }
    .into_any()
}
