//! The citizen portal shell: top bar with language and elderly-mode switches, masthead with the
//! portal name and search, the seven channels, and the footer with contacts and filing numbers.

use super::icons::{ChannelIcon, PortalMark};
use super::prefs::{CareMode, CareToggle, LanguageSwitch};
use crate::app::{AuthActions, SiteResource, UserResource};
use crate::domain::channel::Channel;
use crate::domain::site::SiteInfo;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// The translated name of a channel.
pub fn channel_name(i18n: I18n, channel: Channel) -> String {
    match channel {
        Channel::Guide => t_string!(i18n, ch_guide),
        Channel::Forms => t_string!(i18n, ch_forms),
        Channel::Consult => t_string!(i18n, ch_consult),
        Channel::Apply => t_string!(i18n, ch_apply),
        Channel::Status => t_string!(i18n, ch_status),
        Channel::Petition => t_string!(i18n, ch_petition),
        Channel::Mailbox => t_string!(i18n, ch_mailbox),
    }
    .to_string()
}

/// Reads one field of the site information, empty until it has loaded.
pub fn site_field(
    site: SiteResource,
    field: fn(&SiteInfo) -> String,
) -> impl Fn() -> String + Copy {
    move || {
        site.get()
            .and_then(Result::ok)
            .map(|s| field(&s))
            .unwrap_or_default()
    }
}

#[component]
pub fn CitizenLayout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let care = CareMode::provide();
    view! {
        {care.body("shell-citizen")}
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <SiteHeader/>
        <main id="main" class="site-main">
            {children()}
        </main>
        <SiteFooter/>
    }
    .into_any()
}

#[component]
fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    let site = expect_context::<SiteResource>();
    let portal_name = site_field(site, |s| s.portal_name.clone());
    let location = use_location();
    view! {
        <header class="site-header">
            <div class="topbar">
                <div class="wrap topbar-inner">
                    <span class="topbar-region">
                        <Transition>{move || site_field(site, |s| s.region_name.clone())()}</Transition>
                    </span>
                    <nav class="topbar-links" aria-label=move || t_string!(i18n, language)>
                        <LanguageSwitch/>
                        <CareToggle/>
                        <a class="topbar-kiosk" href="/kiosk">{t!(i18n, kiosk_entry)}</a>
                        <a href="/staff">{t!(i18n, staff_entry)}</a>
                        <UserArea/>
                    </nav>
                </div>
            </div>
            <div class="masthead">
                <div class="wrap masthead-inner">
                    <a class="brand" href="/">
                        <PortalMark/>
                        <span class="brand-text">
                            <strong class="brand-name">
                                <Transition>{portal_name}</Transition>
                            </strong>
                            <span class="brand-tagline">{t!(i18n, portal_tagline)}</span>
                        </span>
                    </a>
                    <SearchForm class="search" input_id="site-search" long_hint=false/>
                </div>
            </div>
            <nav class="channels" aria-label=move || t_string!(i18n, nav_label)>
                <div class="wrap channels-inner">
                    <A href="/" exact=true>{t!(i18n, nav_home)}</A>
                    {Channel::ALL
                        .into_iter()
                        .map(|channel| {
                            let current = move || location.pathname.get().starts_with(channel.path());
                            view! {
                                <a
                                    href=channel.path()
                                    aria-current=move || current().then_some("page")
                                >
                                    {move || channel_name(i18n, channel)}
                                </a>
                            }
                        })
                        .collect_view()}
                </div>
            </nav>
        </header>
    }
    .into_any()
}

/// The catalogue search: a plain GET form to `/guide`, so it works before and without JavaScript.
#[component]
pub fn SearchForm(
    class: &'static str,
    input_id: &'static str,
    /// The long hint with examples (home page) or the short one (header).
    long_hint: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint = move || {
        if long_hint {
            t_string!(i18n, search_placeholder)
        } else {
            t_string!(i18n, search_label)
        }
    };
    view! {
        <form class=class action="/guide" method="get" role="search">
            <label class="visually-hidden" for=input_id>{t!(i18n, search_label)}</label>
            <input id=input_id type="search" name="q" maxlength="50" placeholder=hint/>
            <button type="submit">{t!(i18n, search_button)}</button>
        </form>
    }
    .into_any()
}

/// 登录 link, or the signed-in name with 我的办事 and 退出.
#[component]
pub fn UserArea() -> impl IntoView {
    let i18n = use_i18n();
    let user = expect_context::<UserResource>();
    let actions = expect_context::<AuthActions>();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => {
                        view! {
                            <a class="user-home" href=u.home_path()>
                                {u.display_name.clone()}
                            </a>
                            <ActionForm action=actions.logout attr:class="inline-form">
                                <button type="submit" class="link-button">{t!(i18n, logout)}</button>
                            </ActionForm>
                        }
                            .into_any()
                    }
                    _ => view! {
                        <a href="/register">{t!(i18n, register)}</a>
                        <a class="login-link" href="/login">{t!(i18n, login)}</a>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SiteFooter() -> impl IntoView {
    let i18n = use_i18n();
    let site = expect_context::<SiteResource>();
    view! {
        <footer class="site-footer">
            <Transition>
                {move || {
                    site.get()
                        .and_then(Result::ok)
                        .map(|s| {
                            view! {
                                <div class="wrap footer-inner">
                                    <div class="footer-brand">
                                        <PortalMark size=36/>
                                        <strong>{s.portal_name.clone()}</strong>
                                    </div>
                                    <dl class="footer-facts">
                                        <div><dt>{t!(i18n, footer_host)}</dt><dd>{s.host_unit.clone()}</dd></div>
                                        <div><dt>{t!(i18n, footer_address)}</dt><dd>{s.address.clone()}</dd></div>
                                        <div><dt>{t!(i18n, footer_hotline)}</dt><dd><a href=format!("tel:{}", s.hotline)>{s.hotline.clone()}</a></dd></div>
                                        <div><dt>{t!(i18n, footer_complaint)}</dt><dd><a href=format!("tel:{}", s.complaint_phone)>{s.complaint_phone.clone()}</a></dd></div>
                                    </dl>
                                    <p class="footer-records">
                                        <span>{s.icp_record.clone()}</span>
                                        <span>{s.police_record.clone()}</span>
                                        <span>{t!(i18n, footer_site_code)}{"："}{s.site_code.clone()}</span>
                                    </p>
                                </div>
                            }
                        })
                }}
            </Transition>
        </footer>
    }
    .into_any()
}

/// A channel's tile for the home page and the kiosk.
#[component]
pub fn ChannelTile(channel: Channel) -> impl IntoView {
    let i18n = use_i18n();
    let desc = move || match channel {
        Channel::Guide => t_string!(i18n, ch_guide_desc),
        Channel::Forms => t_string!(i18n, ch_forms_desc),
        Channel::Consult => t_string!(i18n, ch_consult_desc),
        Channel::Apply => t_string!(i18n, ch_apply_desc),
        Channel::Status => t_string!(i18n, ch_status_desc),
        Channel::Petition => t_string!(i18n, ch_petition_desc),
        Channel::Mailbox => t_string!(i18n, ch_mailbox_desc),
    };
    view! {
        <a class="channel-tile" href=channel.path()>
            <span class="channel-tile-icon"><ChannelIcon channel=channel/></span>
            <span class="channel-tile-name">{move || channel_name(i18n, channel)}</span>
            <span class="channel-tile-desc">{desc}</span>
        </a>
    }
    .into_any()
}
