//! 工作台 (staff desk) and the staff sections. The server decides who may open what
//! (`api::staff::get_staff_desk`); a visitor is sent to log in, a citizen is told they may not.

use crate::api::error::AppError;
use crate::api::staff::get_staff_desk;
use crate::domain::role::StaffSection;
use crate::i18n::*;
use crate::layouts::prefs::encode_component;
use crate::layouts::staff::{section_name, StaffLayout};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn StaffPage(section: StaffSection) -> impl IntoView {
    let i18n = use_i18n();
    let desk = Resource::new(|| (), move |_| get_staff_desk(section));
    view! {
        // Staff pages have no language switch, so their texts are read once; a closure here could
        // run after a redirect has ended the render and its reactive owner.
        <Title text=section_name(i18n, section)/>
        <Transition>
            {move || Suspend::new(async move {
                match desk.await {
                    Ok(desk) => {
                        let sections = desk.sections.clone();
                        let name = desk.user.display_name.clone();
                        view! {
                            <StaffLayout desk=desk current=section>
                                <h1 class="staff-heading">{section_name(i18n, section)}</h1>
                                {if section == StaffSection::Desk {
                                    view! {
                                        <p class="staff-welcome">{t!(i18n, welcome)}{"，"}{name.clone()}</p>
                                        <ul class="staff-cards">
                                            {sections
                                                .into_iter()
                                                .filter(|s| *s != StaffSection::Desk)
                                                .map(|s| view! {
                                                    <li>
                                                        <a href=s.path()>
                                                            <strong>{section_name(i18n, s)}</strong>
                                                            <span>{t!(i18n, staff_section_coming)}</span>
                                                        </a>
                                                    </li>
                                                })
                                                .collect_view()}
                                        </ul>
                                    }
                                    .into_any()
                                } else {
                                    view! { <p class="staff-empty">{t!(i18n, staff_section_coming)}</p> }.into_any()
                                }}
                            </StaffLayout>
                        }
                        .into_any()
                    }
                    Err(AppError::Unauthenticated) => {
                        let target = format!("/login?next={}", encode_component(section.path()));
                        view! { <Redirect path=target/> }.into_any()
                    }
                    Err(AppError::Forbidden) => view! {
                        <section class="wrap notice-page staff-forbidden">
                            <h1>{t!(i18n, forbidden_title)}</h1>
                            <p>{t!(i18n, forbidden_text)}</p>
                            <a class="button" href="/">{t!(i18n, back_home)}</a>
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! {
                        <section class="wrap notice-page">
                            <p class="form-error" role="alert">{e.to_string()}</p>
                        </section>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
