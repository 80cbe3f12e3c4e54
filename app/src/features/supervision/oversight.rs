//! `/staff/oversight` (督办整改): a department's own cards, to explain, and its bad ratings, to call
//! back and rectify within their clocks.

use super::cards::{use_card_query, CardList};
use super::ratings::{use_rating_query, RatingList};
use super::{failed, loading, use_flash, use_period, Flash};
use crate::api::supervision::{get_cards, get_ratings};
use crate::domain::role::StaffSection;
use crate::features::staff::StaffFrame;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OversightPage() -> impl IntoView {
    let query = use_query_map();
    let ratings_tab = Memo::new(move |_| query.read().get("tab").as_deref() == Some("ratings"));
    let cards_asked = use_card_query();
    let ratings_asked = use_rating_query();
    let period = use_period();
    let flash = use_flash();
    let cards = Resource::new(
        move || (ratings_tab.get(), cards_asked.get(), flash.get()),
        |(ratings, (status, color, _, page), _)| async move {
            if ratings {
                Ok(None)
            } else {
                get_cards(status, color, None, page).await.map(Some)
            }
        },
    );
    let ratings = Resource::new(
        move || {
            (
                ratings_tab.get(),
                period.get(),
                ratings_asked.get(),
                flash.get(),
            )
        },
        |(ratings, p, (filter, _, page), _)| async move {
            if ratings {
                get_ratings(p, Some(filter.unwrap_or_else(|| "open".into())), None, page)
                    .await
                    .map(Some)
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <StaffFrame section=StaffSection::Oversight title="督办整改".to_string()>
            <Transition fallback=loading>
                {move || {
                    let (done, error) = flash.get();
                    let on_ratings = ratings_tab.get();
                    let period = period.get();
                    Suspend::new(async move {
                        let body = if on_ratings {
                            match ratings.await {
                                Ok(Some(p)) => view! {
                                    <RatingList page=p path="/staff/oversight?tab=ratings" period=period/>
                                }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(e) => failed(e),
                            }
                        } else {
                            match cards.await {
                                Ok(Some(p)) => view! { <CardList page=p path="/staff/oversight"/> }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(e) => failed(e),
                            }
                        };
                        view! {
                            <div class="sv-page">
                                <header class="sv-head">
                                    <div>
                                        <h1>"督办整改"</h1>
                                        <p class="muted">"本部门的黄牌、红牌须说明情况；差评须在 1 个工作日内回访、5 个工作日内整改并答复评价人。"</p>
                                    </div>
                                </header>
                                <nav class="sv-tabs" aria-label="督办整改">
                                    <ul>
                                        <li><a href="/staff/oversight" aria-current=(!on_ratings).then_some("page")>"预警说明"</a></li>
                                        <li><a href="/staff/oversight?tab=ratings" aria-current=on_ratings.then_some("page")>"差评整改"</a></li>
                                    </ul>
                                </nav>
                                <Flash done=done error=error/>
                                {body}
                            </div>
                        }.into_any()
                    })
                }}
            </Transition>
        </StaffFrame>
    }
}
