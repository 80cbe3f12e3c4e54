//! The published questions and letters with their answers (公开答复): searchable on `/consult` and
//! `/mailbox`, and the questions about one item on its guide page. Only the text staff approved
//! for publication is shown (personal details taken out); everything is shown as text.

use crate::api::error::AppError;
use crate::api::talks::get_public;
use crate::domain::talk::{PublicPage, PublicTalk, TalkChannel};
use crate::features::words::date_text;
use crate::i18n::*;
use crate::layouts::prefs::encode_component;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// The list's search, mailbox and page, from the address.
type Asked = (String, Option<String>, u64);

/// The public list of `/consult` or `/mailbox`, following the address's `q`, `mailbox`, `page`.
/// Made at page level (not inside an async child) so that it is part of the page's hydration.
pub fn public_resource(
    channel: TalkChannel,
) -> (Memo<Asked>, Resource<Result<PublicPage, AppError>>) {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        let q = query.read();
        (
            q.get("q")
                .map(|s| s.chars().take(40).collect::<String>())
                .unwrap_or_default(),
            q.get("mailbox"),
            q.get("page")
                .and_then(|p| p.parse::<u64>().ok())
                .unwrap_or(1),
        )
    });
    let list = Resource::new(
        move || asked.get(),
        move |(q, mailbox, page)| get_public(channel, Some(q), None, mailbox, Some(page)),
    );
    (asked, list)
}

/// The questions answered about one item, for its guide page.
pub fn item_resource(item: Memo<String>) -> Resource<Result<PublicPage, AppError>> {
    Resource::new(
        move || item.get(),
        |code| get_public(TalkChannel::Consultation, None, Some(code), None, Some(1)),
    )
}

/// The published list; `asked` is `None` on a guide page (no search, first page only).
#[component]
pub fn PublicList(
    channel: TalkChannel,
    list: Resource<Result<PublicPage, AppError>>,
    asked: Option<Memo<Asked>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let path = use_location().pathname.get_untracked();
    let on_guide = asked.is_none();
    let asked = asked.unwrap_or_else(|| Memo::new(|_| (String::new(), None, 1)));
    let title = move || match channel {
        TalkChannel::Letter => t_string!(i18n, tk_public_letters),
        _ => t_string!(i18n, tk_public_questions),
    };
    view! {
        <section class="talk-public" aria-labelledby="public-title">
            <h2 id="public-title">{title}</h2>
            {(!on_guide).then(|| view! {
                <form class="talk-search" method="get" action=path.clone() role="search">
                    <label class="sr-only" for="public-q">{t!(i18n, tk_search_label)}</label>
                    <input id="public-q" name="q" type="search" maxlength="40" prop:value=move || asked.get().0
                        placeholder=move || t_string!(i18n, tk_search_placeholder)/>
                    <button type="submit" class="button">{t!(i18n, search_button)}</button>
                </form>
            })}
            <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
                {move || {
                    let path = path.clone();
                    Suspend::new(async move {
                        match list.await {
                            Ok(page) if page.rows.is_empty() => view! {
                                <p class="empty-result">{if on_guide { t!(i18n, tk_public_none_item).into_any() } else { t!(i18n, tk_public_none).into_any() }}</p>
                            }.into_any(),
                            Ok(page) => {
                                let pages = page.total.div_ceil(page.per_page).max(1);
                                let (q, mailbox, _) = asked.get_untracked();
                                let link = move |n: u64| {
                                    let mut href = format!("{path}?page={n}");
                                    if !q.is_empty() {
                                        href.push_str(&format!("&q={}", encode_component(&q)));
                                    }
                                    if let Some(m) = &mailbox {
                                        href.push_str(&format!("&mailbox={}", encode_component(m)));
                                    }
                                    href
                                };
                                let prev = (page.page > 1).then(|| link(page.page - 1));
                                let next = (page.page < pages).then(|| link(page.page + 1));
                                view! {
                                    <p class="muted">{move || t_string!(i18n, tk_public_count).replace("{n}", &page.total.to_string())}</p>
                                    <ol class="qa-list">
                                        {page.rows.into_iter().map(|t| view! { <QaCard talk=t/> }).collect_view()}
                                    </ol>
                                    {(!on_guide && pages > 1).then(|| view! {
                                        <nav class="pager" aria-label=move || t_string!(i18n, pager_label)>
                                            {prev.map(|h| view! { <a class="button" href=h>{t!(i18n, tk_prev)}</a> })}
                                            <span class="muted">{format!("{} / {pages}", page.page)}</span>
                                            {next.map(|h| view! { <a class="button" href=h>{t!(i18n, tk_next)}</a> })}
                                        </nav>
                                    })}
                                }.into_any()
                            }
                            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn QaCard(talk: PublicTalk) -> impl IntoView {
    let i18n = use_i18n();
    let about = talk.item.clone().or(talk.mailbox.clone());
    view! {
        <li class="qa-card">
            <h3 class="qa-subject">{talk.subject.clone()}</h3>
            <p class="qa-meta muted">
                {about.map(|a| view! { <span class="tag">{a}</span>" " })}
                <span class="mono">{talk.ref_no.clone()}</span>
                " · "{move || date_text(i18n.get_locale(), talk.asked_on)}
            </p>
            <div class="qa-body">
                <span class="qa-mark qa-q" aria-hidden="true">{t!(i18n, qa_q)}</span>
                <p class="pre">{talk.body.clone()}</p>
            </div>
            <div class="qa-reply">
                <span class="qa-mark qa-a" aria-hidden="true">{t!(i18n, qa_a)}</span>
                <div>
                    <p class="pre">{talk.reply.clone()}</p>
                    <p class="qa-meta muted">
                        {talk.department.clone()}
                        {talk.answered_on.map(|d| view! { " · "{t!(i18n, tk_answered_on)}" "{move || date_text(i18n.get_locale(), d)} })}
                    </p>
                </div>
            </div>
        </li>
    }
}
