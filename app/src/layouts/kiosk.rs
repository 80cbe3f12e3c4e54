//! The township kiosk shell: a touch screen without a keyboard (portrait 1080×1920 or landscape
//! 1920×1080), large targets (≥ 64 px), a permanent way back to the start screen, reading aloud,
//! and a fresh start for the next person: after the configured quiet spell (90 s by default) a
//! countdown, then everything the last person did is forgotten.

use super::icons::PortalMark;
use super::prefs::{CareMode, CareToggle, LanguageSwitch};
use crate::app::SiteResource;
use crate::features::kiosk::ReadAloud;
use crate::i18n::*;
use crate::layouts::citizen::site_field;
use leptos::prelude::*;
use leptos_router::components::Outlet;

/// Seconds the countdown shows before the kiosk starts over.
pub const COUNTDOWN_SECONDS: u32 = 15;

#[component]
pub fn KioskLayout() -> impl IntoView {
    let i18n = use_i18n();
    let care = CareMode::provide();
    let site = expect_context::<SiteResource>();
    // Seconds left before the restart, while the countdown shows.
    let countdown = RwSignal::new(None::<u32>);
    watch_for_the_next_person(site, countdown);
    view! {
        {care.body("shell-kiosk")}
        <div class="kiosk">
            <header class="kiosk-top">
                <a class="kiosk-brand" href="/kiosk">
                    <PortalMark size=64/>
                    <span>
                        <strong><Transition>{site_field(site, |s| s.portal_name.clone())}</Transition></strong>
                        <small>{t!(i18n, kiosk_title)}</small>
                    </span>
                </a>
                <div class="kiosk-prefs">
                    <LanguageSwitch/>
                    <CareToggle/>
                </div>
            </header>
            <main id="main" class="kiosk-main">
                <Outlet/>
            </main>
            <footer class="kiosk-bottom">
                <p>
                    {t!(i18n, kiosk_help)}
                    " "
                    <strong><Transition>{site_field(site, |s| s.hotline.clone())}</Transition></strong>
                </p>
                <div class="kiosk-bottom-buttons">
                    <ReadAloud/>
                    <a class="kiosk-home-button" href="/kiosk">{t!(i18n, back_home)}</a>
                </div>
            </footer>
        </div>
        {move || countdown.get().map(|left| view! {
            // A touch anywhere on it cancels the countdown (the click, not the touch's start,
            // takes it away, so nothing beneath receives the touch).
            <div class="kiosk-countdown" role="alertdialog" aria-modal="true"
                aria-labelledby="kiosk-countdown-title" aria-describedby="kiosk-countdown-text"
                on:click=move |_| countdown.set(None)>
                <div class="kiosk-countdown-box">
                    <h2 id="kiosk-countdown-title">{t!(i18n, kk_idle_title)}</h2>
                    <p class="kiosk-countdown-number" aria-live="assertive">{left}</p>
                    <p id="kiosk-countdown-text">{t!(i18n, kk_idle_text)}</p>
                    <button type="button" class="kiosk-big-button kiosk-primary">
                        {t!(i18n, kk_idle_continue)}
                    </button>
                </div>
            </div>
        })}
    }
    .into_any()
}

/// In the browser: moves between screens replace history, and the idle watch starts once the
/// configured time is known. On the clean start screen nothing needs forgetting, so no countdown.
fn watch_for_the_next_person(site: SiteResource, countdown: RwSignal<Option<u32>>) {
    #[cfg(feature = "hydrate")]
    {
        use crate::features::kiosk::browser;
        use leptos_router::hooks::{use_location, use_navigate};
        use leptos_router::NavigateOptions;
        // Once per page load: a browser that leaves the kiosk and comes back keeps one watch.
        if !browser::first_kiosk_mount() {
            return;
        }
        let navigate = use_navigate();
        browser::replace_history_on_kiosk_moves(move |href: &str| {
            navigate(
                href,
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            )
        });
        let path = use_location().pathname;
        Effect::new(move |started: Option<bool>| {
            if started == Some(true) {
                return true;
            }
            let Some(Ok(info)) = site.get() else {
                return false;
            };
            let quiet = info.kiosk_idle_seconds;
            browser::watch_activity(move |idle| {
                // After the shell was left (a desktop visitor), its signals are gone: stand down.
                let here = path.try_get_untracked().unwrap_or_default();
                let left = if idle < quiet
                    || !here.starts_with("/kiosk")
                    || (here == "/kiosk" && !browser::traces_left())
                {
                    None
                } else if idle >= quiet + COUNTDOWN_SECONDS {
                    browser::restart_kiosk();
                    return;
                } else {
                    Some(quiet + COUNTDOWN_SECONDS - idle)
                };
                if countdown.try_get_untracked().is_some_and(|now| now != left) {
                    countdown.try_set(left);
                }
            });
            true
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (site, countdown);
}
