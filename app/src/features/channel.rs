//! The seven channel pages until each is built: they say plainly what is coming and how to get
//! served meanwhile, so nobody mistakes them for a broken page.

use crate::app::SiteResource;
use crate::domain::channel::Channel;
use crate::i18n::*;
use crate::layouts::citizen::{channel_name, site_field};
use crate::layouts::icons::ChannelIcon;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ChannelPage(channel: Channel) -> impl IntoView {
    let i18n = use_i18n();
    let site = expect_context::<SiteResource>();
    let coming = move || match channel {
        Channel::Guide => t_string!(i18n, coming_guide),
        Channel::Forms => t_string!(i18n, coming_forms),
        Channel::Consult => t_string!(i18n, coming_consult),
        Channel::Apply => t_string!(i18n, coming_apply),
        Channel::Status => t_string!(i18n, coming_status),
        Channel::Petition => t_string!(i18n, coming_petition),
        Channel::Mailbox => t_string!(i18n, coming_mailbox),
    };
    view! {
        <Title text=channel_name(i18n, channel)/>
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{move || channel_name(i18n, channel)}</span>
                </nav>
                <h1>
                    <ChannelIcon channel=channel size=36/>
                    {move || channel_name(i18n, channel)}
                </h1>
            </div>
        </div>
        <section class="wrap coming-soon">
            <h2>{t!(i18n, coming_title)}</h2>
            <p class="coming-text">{coming}</p>
            <p class="coming-meanwhile">
                {t!(i18n, coming_meanwhile)}
                " "
                <strong><Transition>{site_field(site, |s| s.hotline.clone())}</Transition></strong>
            </p>
            <a class="button" href="/">{t!(i18n, back_home)}</a>
        </section>
    }
    .into_any()
}
