//! `/guide`: browse by audience, topic and department; search by Chinese, full pinyin or
//! initials. Every filter is a link and the search a GET form, so the address says it all.

use super::labels;
use crate::api::catalogue::search_catalogue;
use crate::domain::catalogue::{Audience, Topic};
use crate::domain::catalogue_read::{ItemSummary, SearchResults};
use crate::domain::search::SearchInput;
use crate::i18n::*;
use crate::layouts::prefs::encode_component;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The browsing state carried in the address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub q: String,
    pub department: Option<String>,
    pub topic: Option<String>,
    pub audience: Option<String>,
    pub page: u32,
}

impl Filters {
    /// `/guide?…` for these filters (page 1 unless `page` > 1).
    pub fn href(&self) -> String {
        let mut parts = Vec::new();
        if !self.q.is_empty() {
            parts.push(format!("q={}", encode_component(&self.q)));
        }
        for (name, value) in [
            ("audience", &self.audience),
            ("topic", &self.topic),
            ("department", &self.department),
        ] {
            if let Some(v) = value {
                parts.push(format!("{name}={}", encode_component(v)));
            }
        }
        if self.page > 1 {
            parts.push(format!("page={}", self.page));
        }
        if parts.is_empty() {
            "/guide".into()
        } else {
            format!("/guide?{}", parts.join("&"))
        }
    }

    fn with(&self, change: impl FnOnce(&mut Filters)) -> String {
        let mut next = self.clone();
        next.page = 1;
        change(&mut next);
        next.href()
    }
}

#[component]
pub fn GuideListPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filters = Memo::new(move |_| {
        let q = query.read();
        let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
        Filters {
            q: get("q").unwrap_or_default(),
            department: get("department"),
            topic: get("topic"),
            audience: get("audience"),
            page: get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    });
    let results = Resource::new(
        move || filters.get(),
        |f| {
            search_catalogue(SearchInput {
                q: Some(f.q),
                department: f.department,
                topic: f.topic,
                audience: f.audience,
                page: Some(f.page),
                per_page: None,
            })
        },
    );
    view! {
        <Title text=t_string!(i18n, ch_guide).to_string()/>
        <div class="page-banner">
            <div class="wrap">
                <nav class="breadcrumb" aria-label="breadcrumb">
                    <a href="/">{t!(i18n, nav_home)}</a>
                    <span aria-hidden="true">" › "</span>
                    <span>{t!(i18n, ch_guide)}</span>
                </nav>
                <h1>{t!(i18n, ch_guide)}</h1>
                <form class="guide-search" action="/guide" method="get" role="search">
                    <label class="visually-hidden" for="guide-q">{t!(i18n, search_label)}</label>
                    <input
                        id="guide-q"
                        type="search"
                        name="q"
                        maxlength="50"
                        autocomplete="off"
                        placeholder=move || t_string!(i18n, search_placeholder)
                        value=move || filters.get().q
                    />
                    {move || filters.get().audience.map(|a| view! { <input type="hidden" name="audience" value=a/> })}
                    <button type="submit" class="button button-primary">{t!(i18n, search_button)}</button>
                </form>
            </div>
        </div>
        <div class="wrap guide-layout">
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                // Reactive values are read before the await: after it the page's owner may be gone.
                {move || {
                    let f = filters.get();
                    Suspend::new(async move {
                        match results.await {
                            Ok(r) => view! { <Catalogue results=r filters=f/> }.into_any(),
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </div>
    }
    .into_any()
}

#[component]
fn Catalogue(results: SearchResults, filters: Filters) -> impl IntoView {
    let i18n = use_i18n();
    let f = filters.clone();
    let audience_links = [None, Some(Audience::Person), Some(Audience::Company)]
        .into_iter()
        .map(|a| {
            let code = a.map(|a| a.code().to_string());
            let current = filters.audience == code;
            let href = f.with(|n| {
                n.audience = code.clone();
                n.topic = None;
            });
            let label = move || match a {
                None => t_string!(i18n, filter_all),
                Some(Audience::Person) => t_string!(i18n, filter_person),
                Some(Audience::Company) => t_string!(i18n, filter_company),
            };
            view! { <a href=href class="chip" aria-current=current.then_some("true")>{label}</a> }
        })
        .collect_view();
    let topics: Vec<Topic> = match filters.audience.as_deref() {
        Some("company") => Topic::COMPANY.to_vec(),
        Some("person") => Topic::PERSONAL.to_vec(),
        _ => Topic::ALL.to_vec(),
    };
    let topic_links = topics
        .into_iter()
        .map(|t| {
            let current = filters.topic.as_deref() == Some(t.code());
            let href = f.with(|n| n.topic = if current { None } else { Some(t.code().into()) });
            view! {
                <li><a href=href aria-current=current.then_some("true")>{move || labels::topic(i18n, t)}</a></li>
            }
        })
        .collect_view();
    let department_links = results
        .departments
        .iter()
        .filter(|d| d.item_count > 0)
        .map(|d| {
            let current = filters.department.as_deref() == Some(d.code.as_str());
            let code = d.code.clone();
            let href = f.with(|n| n.department = if current { None } else { Some(code) });
            view! {
                <li>
                    <a href=href aria-current=current.then_some("true")>
                        <span>{d.short_name.clone()}</span>
                        <span class="count">{d.item_count}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let department_name = filters.department.as_ref().and_then(|code| {
        results
            .departments
            .iter()
            .find(|d| &d.code == code)
            .map(|d| d.name.clone())
    });
    let summary = {
        let total = results.total;
        let query = results.query.clone();
        move || {
            if query.is_empty() {
                t_string!(i18n, guide_count).replace("{n}", &total.to_string())
            } else {
                t_string!(i18n, guide_found)
                    .replace("{q}", &query)
                    .replace("{n}", &total.to_string())
            }
        }
    };
    let active = active_filters(i18n, &filters, department_name);
    let empty = results.items.is_empty();
    let pages = results.pages();
    let page = results.page;
    view! {
        <aside class="guide-filters" aria-label=move || t_string!(i18n, filter_title)>
            <h2 class="filter-heading">{t!(i18n, filter_audience)}</h2>
            <div class="chips">{audience_links}</div>
            <h2 class="filter-heading">{t!(i18n, filter_topic)}</h2>
            <ul class="filter-list filter-topics">{topic_links}</ul>
            <h2 class="filter-heading">{t!(i18n, filter_department)}</h2>
            <ul class="filter-list">{department_links}</ul>
        </aside>
        <section class="guide-results" aria-live="polite">
            {results.notice.clone().map(|n| view! { <p class="notice" role="status">{n}</p> })}
            <p class="result-summary">{summary}</p>
            {active}
            {if empty {
                view! {
                    <div class="empty-result">
                        <h2>{t!(i18n, guide_empty_title)}</h2>
                        <ul>
                            <li>{t!(i18n, guide_empty_tip_words)}</li>
                            <li>{t!(i18n, guide_empty_tip_pinyin)}</li>
                            <li>{t!(i18n, guide_empty_tip_browse)}</li>
                        </ul>
                        <a class="button" href="/guide">{t!(i18n, guide_browse_all)}</a>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <ol class="item-list">
                        {results.items.into_iter().map(|item| view! { <ItemCard item=item/> }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <Pager filters=filters page=page pages=pages/>
        </section>
    }
    .into_any()
}

/// The filters in force, each removable.
fn active_filters(i18n: I18n, filters: &Filters, department_name: Option<String>) -> impl IntoView {
    let mut chips = Vec::new();
    if let Some(a) = filters.audience.as_deref().and_then(Audience::from_code) {
        chips.push((
            labels::audience(i18n, a).to_string(),
            filters.with(|n| n.audience = None),
        ));
    }
    if let Some(t) = filters.topic.as_deref().and_then(Topic::from_code) {
        chips.push((
            labels::topic(i18n, t).to_string(),
            filters.with(|n| n.topic = None),
        ));
    }
    if let Some(name) = department_name {
        chips.push((name, filters.with(|n| n.department = None)));
    }
    if !filters.q.is_empty() {
        chips.push((format!("“{}”", filters.q), filters.with(|n| n.q.clear())));
    }
    (!chips.is_empty()).then(|| {
        view! {
            <ul class="active-filters">
                {chips
                    .into_iter()
                    .map(|(label, href)| view! {
                        <li>
                            <a href=href title=move || t_string!(i18n, filter_remove)>
                                {label}
                                <span aria-hidden="true">" ×"</span>
                                <span class="visually-hidden">{t!(i18n, filter_remove)}</span>
                            </a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        }
    })
}

/// One item in the list: its name, who handles it, and the facts that decide whether to go.
#[component]
pub fn ItemCard(item: ItemSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/guide/{}", item.code);
    let fully_online = item.online && item.visits == 0;
    let visits = item.visits;
    let promised = item.promised_limit;
    let item_type = item.item_type;
    let audiences = item.audiences.clone();
    view! {
        <li class="item-card">
            <h3><a href=href.clone()>{item.name.clone()}</a></h3>
            <p class="item-meta">
                <span>{item.department_name.clone()}</span>
                <span>{move || labels::item_type(i18n, item_type)}</span>
                <span>
                    {move || audiences.iter().map(|a| labels::audience(i18n, *a)).collect::<Vec<_>>().join(" / ")}
                </span>
            </p>
            <ul class="badges">
                {if fully_online {
                    view! { <li class="badge badge-online">{t!(i18n, badge_fully_online)}</li> }.into_any()
                } else {
                    view! {
                        <li class="badge">{move || t_string!(i18n, badge_visits).replace("{n}", &visits.to_string())}</li>
                    }
                    .into_any()
                }}
                {item.online.then(|| view! { <li class="badge badge-online">{t!(i18n, badge_online)}</li> })}
                <li class="badge">
                    {move || if promised == 0 {
                        t_string!(i18n, badge_on_the_spot).to_string()
                    } else {
                        t_string!(i18n, badge_promised).replace("{limit}", &labels::working_days(i18n, promised))
                    }}
                </li>
                <li class="badge">
                    {move || if item.charged { t_string!(i18n, badge_fee) } else { t_string!(i18n, badge_free) }}
                </li>
            </ul>
            <div class="item-actions">
                <a class="button" href=href>{t!(i18n, guide_read)}</a>
                {item.online.then(|| view! {
                    <a class="button button-primary" href=format!("/apply/{}", item.code)>{t!(i18n, apply_online)}</a>
                })}
            </div>
        </li>
    }
    .into_any()
}

#[component]
fn Pager(filters: Filters, page: u32, pages: u32) -> impl IntoView {
    let i18n = use_i18n();
    (pages > 1).then(|| {
        let link = |p: u32| {
            let mut f = filters.clone();
            f.page = p;
            f.href()
        };
        let prev = (page > 1).then(|| link(page - 1));
        let next = (page < pages).then(|| link(page + 1));
        view! {
            <nav class="pager" aria-label=move || t_string!(i18n, pager_label)>
                {prev.map(|href| view! { <a href=href rel="prev">{t!(i18n, pager_prev)}</a> })}
                <span>{move || t_string!(i18n, pager_position).replace("{page}", &page.to_string()).replace("{pages}", &pages.to_string())}</span>
                {next.map(|href| view! { <a href=href rel="next">{t!(i18n, pager_next)}</a> })}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::Filters;

    #[test]
    fn filter_links_carry_every_filter_encoded() {
        let f = Filters {
            q: "身份证 & <x>".into(),
            audience: Some("person".into()),
            page: 3,
            ..Default::default()
        };
        assert_eq!(
            f.href(),
            "/guide?q=%E8%BA%AB%E4%BB%BD%E8%AF%81%20%26%20%3Cx%3E&audience=person&page=3"
        );
        assert_eq!(Filters::default().href(), "/guide");
        assert_eq!(f.with(|n| n.q.clear()), "/guide?audience=person");
    }
}
