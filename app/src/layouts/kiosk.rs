//! The township kiosk shell: portrait 1080×1920 touch screen, no keyboard, large targets (≥ 64 px),
//! a permanent way back to the start screen.

use super::icons::PortalMark;
use super::prefs::{CareMode, CareToggle, LanguageSwitch};
use crate::app::SiteResource;
use crate::i18n::*;
use crate::layouts::citizen::site_field;
use leptos::prelude::*;
use leptos_router::components::Outlet;

#[component]
pub fn KioskLayout() -> impl IntoView {
    let i18n = use_i18n();
    let care = CareMode::provide();
    let site = expect_context::<SiteResource>();
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
                <a class="kiosk-home-button" href="/kiosk">{t!(i18n, back_home)}</a>
            </footer>
        </div>
    }
    .into_any()
}
