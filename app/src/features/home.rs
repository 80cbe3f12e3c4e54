//! 首页 (home): search first, then the seven channels, services by life event, and the portal's
//! commitments. Everything here is plain links and a GET form: it works without JavaScript.

use crate::domain::catalogue::Topic;
use crate::domain::channel::Channel;
use crate::features::guide::labels;
use crate::i18n::*;
use crate::layouts::citizen::{ChannelTile, SearchForm};
use leptos::prelude::*;
use leptos_meta::Title;

/// Searches people make most, shown under the search box.
const POPULAR_SEARCHES: &[&str] = &[
    "身份证",
    "营业执照",
    "社保卡",
    "公积金提取",
    "不动产登记",
    "出生医学证明",
];

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let topic_links = move |topics: &'static [Topic], audience: &'static str| {
        topics
            .iter()
            .map(|topic| {
                let topic = *topic;
                let key = topic.code();
                // The first character of the name, in a coloured disc: legible at any size and
                // needs no emoji font on the kiosk's Linux.
                let initial = move || labels::topic(i18n, topic).chars().next().map(String::from).unwrap_or_default();
                view! {
                    <li>
                        <a href=format!("/guide?audience={audience}&topic={key}")>
                            <span class=format!("topic-glyph topic-{key}") aria-hidden="true">{initial}</span>
                            <span>{move || labels::topic(i18n, topic)}</span>
                        </a>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Title text=""/>
        <section class="hero">
            <div class="wrap hero-inner">
                <h1>{t!(i18n, hero_title)}</h1>
                <p class="hero-subtitle">{t!(i18n, hero_subtitle)}</p>
                <SearchForm class="hero-search" input_id="hero-search" long_hint=true/>
                <ul class="hero-popular">
                    {POPULAR_SEARCHES
                        .iter()
                        .map(|q| view! { <li><a href=format!("/guide?q={}", crate::layouts::prefs::encode_component(q))>{*q}</a></li> })
                        .collect_view()}
                </ul>
            </div>
        </section>
        <section class="wrap home-channels" aria-labelledby="channels-title">
            <h2 id="channels-title" class="visually-hidden">{t!(i18n, nav_label)}</h2>
            <div class="channel-grid">
                {Channel::ALL.into_iter().map(|c| view! { <ChannelTile channel=c/> }).collect_view()}
            </div>
        </section>
        <section class="wrap home-topics">
            <div class="topic-panel">
                <h2>{t!(i18n, personal_services)}</h2>
                <ul class="topic-list">{topic_links(Topic::PERSONAL, "person")}</ul>
            </div>
            <div class="topic-panel topic-panel-company">
                <h2>{t!(i18n, company_services)}</h2>
                <ul class="topic-list">{topic_links(Topic::COMPANY, "company")}</ul>
            </div>
        </section>
        <section class="promises">
            <div class="wrap">
                <h2>{t!(i18n, promises_title)}</h2>
                <ul class="promise-list">
                    <li><strong>{t!(i18n, promise_once)}</strong><span>{t!(i18n, promise_once_desc)}</span></li>
                    <li><strong>{t!(i18n, promise_deadline)}</strong><span>{t!(i18n, promise_deadline_desc)}</span></li>
                    <li><strong>{t!(i18n, promise_rating)}</strong><span>{t!(i18n, promise_rating_desc)}</span></li>
                    <li><strong>{t!(i18n, promise_reach)}</strong><span>{t!(i18n, promise_reach_desc)}</span></li>
                </ul>
            </div>
        </section>
    }
    .into_any()
}
