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
use leptos_router::hooks::use_location;

/// A staff page inside the staff shell, opened only for the roles of `section`; `children` is
/// rendered once the server has said yes.
#[component]
pub fn StaffFrame(section: StaffSection, title: String, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let desk = Resource::new(|| (), move |_| get_staff_desk(section));
    let path = use_location().pathname.get_untracked();
    let children = StoredValue::new(children);
    view! {
        // Staff pages have no language switch, so their texts are read once; a closure here could
        // run after a redirect has ended the render and its reactive owner.
        <Title text=title/>
        <Transition>
            {move || {
                let path = path.clone();
                Suspend::new(async move {
                    match desk.await {
                        Ok(desk) => view! {
                            <StaffLayout desk=desk current=section>
                                {children.with_value(|c| c())}
                            </StaffLayout>
                        }
                        .into_any(),
                        Err(AppError::Unauthenticated) => {
                            let target = format!("/login?next={}", encode_component(&path));
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
                })
            }}
        </Transition>
    }
    .into_any()
}

#[component]
pub fn StaffPage(section: StaffSection) -> impl IntoView {
    let i18n = use_i18n();
    let desk = Resource::new(|| (), move |_| get_staff_desk(section));
    let cards = move || {
        Suspend::new(async move {
            let Ok(desk) = desk.await else {
                return ().into_any();
            };
            let cards = desk
                .sections
                .into_iter()
                .filter(|s| *s != StaffSection::Desk)
                .map(|s| {
                    view! {
                        <li>
                            <a href=s.path()>
                                <strong>{section_name(i18n, s)}</strong>
                                <span>{t!(i18n, staff_section_coming)}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <p class="staff-welcome">{t!(i18n, welcome)}{"，"}{desk.user.display_name}</p>
                <ul class="staff-cards">{cards}</ul>
            }
            .into_any()
        })
    };
    view! {
        <StaffFrame section=section title=section_name(i18n, section)>
            <h1 class="staff-heading">{section_name(i18n, section)}</h1>
            {match section {
                StaffSection::Desk => view! {
                    <Transition>{cards}</Transition>
                }
                .into_any(),
                StaffSection::Admin => view! {
                    <ul class="staff-cards">
                        <li>
                            <a href="/admin/items">
                                <strong>"事项目录管理"</strong>
                                <span>"办事指南的新建、修改、停止办理与版本记录，表格上传，目录导入导出。"</span>
                            </a>
                        </li>
                    </ul>
                }
                .into_any(),
                _ => view! { <p class="staff-empty">{t!(i18n, staff_section_coming)}</p> }.into_any(),
            }}
        </StaffFrame>
    }
    .into_any()
}
