//! The staff back office shell: a dark top bar with the signed-in person and a side menu drawn from
//! the roles. Dense and keyboard-friendly: clerks work through queues all day.

use super::icons::PortalMark;
use super::prefs::{CareMode, CareToggle};
use crate::api::staff::StaffDesk;
use crate::app::AuthActions;
use crate::domain::role::{Role, StaffSection};
use crate::i18n::*;
use leptos::prelude::*;

/// The translated name of a staff section.
pub fn section_name(i18n: I18n, section: StaffSection) -> String {
    match section {
        StaffSection::Desk => t_string!(i18n, staff_sec_desk),
        StaffSection::Intake => t_string!(i18n, staff_sec_intake),
        StaffSection::Review => t_string!(i18n, staff_sec_review),
        StaffSection::Approve => t_string!(i18n, staff_sec_approve),
        StaffSection::Extensions => t_string!(i18n, staff_sec_extensions),
        StaffSection::Talks => t_string!(i18n, staff_sec_talks),
        StaffSection::Oversight => t_string!(i18n, staff_sec_oversight),
        StaffSection::Supervision => t_string!(i18n, staff_sec_supervision),
        StaffSection::Admin => t_string!(i18n, staff_sec_admin),
        StaffSection::Security => t_string!(i18n, staff_sec_security),
        StaffSection::Audit => t_string!(i18n, staff_sec_audit),
    }
    .to_string()
}

#[component]
pub fn StaffLayout(desk: StaffDesk, current: StaffSection, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let care = CareMode::provide();
    let actions = expect_context::<AuthActions>();
    let home = Role::home_path(&desk.user.roles);
    let roles = desk
        .user
        .roles
        .iter()
        .map(|r| r.name_zh())
        .collect::<Vec<_>>()
        .join("、");
    view! {
        {care.body("shell-staff")}
        <a class="skip-link" href="#staff-main">{t!(i18n, skip_to_content)}</a>
        <header class="staff-top">
            <a class="staff-brand" href=home>
                <PortalMark size=32/>
                <span>"政务服务工作平台"</span>
            </a>
            <div class="staff-user">
                <span class="staff-user-name">{desk.user.display_name.clone()}</span>
                <span class="staff-user-meta">
                    {desk.user.department.clone().unwrap_or_default()}
                    " · "
                    {roles}
                </span>
                <CareToggle/>
                <ActionForm action=actions.logout attr:class="inline-form">
                    <button type="submit" class="staff-logout">{t!(i18n, logout)}</button>
                </ActionForm>
            </div>
        </header>
        <div class="staff-body">
            <nav class="staff-nav" aria-label=move || t_string!(i18n, staff_sections)>
                <ul>
                    {desk
                        .sections
                        .iter()
                        .map(|section| {
                            let section = *section;
                            view! {
                                <li>
                                    <a
                                        href=section.path()
                                        aria-current=(section == current).then_some("page")
                                    >
                                        {section_name(i18n, section)}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <p class="staff-idle-note">{t!(i18n, staff_idle_note)}</p>
            </nav>
            <main id="staff-main" class="staff-main">
                {children()}
            </main>
        </div>
    }
    .into_any()
}
