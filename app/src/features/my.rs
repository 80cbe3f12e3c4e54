//! 我的办事: the signed-in citizen's own space. Sends visitors to the login page first.

use crate::app::UserResource;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn MyPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = expect_context::<UserResource>();
    view! {
        // Read once: this page may redirect, which ends the render and its reactive owner.
        <Title text=t_string!(i18n, my_title).to_string()/>
        <Transition>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => view! {
                        <section class="wrap notice-page">
                            <h1>{t!(i18n, my_title)}</h1>
                            <p class="welcome">{t!(i18n, welcome)}{"，"}{u.display_name.clone()}</p>
                            <p>{t!(i18n, my_coming)}</p>
                        </section>
                    }
                    .into_any(),
                    _ => view! { <Redirect path="/login?next=/my"/> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
