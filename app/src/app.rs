//! The document shell, the root component and the route table.

use crate::api::auth::{get_current_user, CurrentUser, Login, LoginSecondFactor, Logout};
use crate::api::citizen::Register;
use crate::api::error::AppError;
use crate::api::site::get_site_info;
use crate::domain::channel::Channel;
use crate::domain::role::StaffSection;
use crate::domain::site::SiteInfo;
use crate::domain::talk::TalkChannel;
use crate::features::admin::{
    AdminItemsPage, ApplyFormEditorPage, ItemEditorPage, ItemVersionPage, SecurityPage,
};
use crate::features::{
    apply::{ApplyFormPage, ApplyReviewPage},
    auth::{LoginPage, LoginVerifyPage},
    channel::ChannelPage,
    counter_rate::{CounterRatePage, KioskRateLookup},
    forms::FormsPage,
    guide::{GuideDetailPage, GuideListPage},
    home::HomePage,
    intake::{IntakeFormPage, IntakePickPage},
    kiosk,
    my::{MessagesPage, MyCasePage, MyPage},
    not_found::NotFound,
    register::RegisterPage,
    staff::StaffPage,
    staff_case::StaffCasePage,
    staff_desk::QueueDesk,
    staff_talks::{StaffTalkPage, StaffTalksPage},
    status::StatusPage,
    supervision,
    talk_view::TalkPage,
    talk_write::TalkChannelPage,
    verify::VerifyPage,
};
use crate::i18n::I18nContextProvider;
use crate::layouts::{citizen::CitizenLayout, kiosk::KioskLayout};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The whole HTML document. Rendered on the server only; `App` inside it is what hydrates.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The signed-in person, refetched whenever someone logs in or out.
pub type UserResource = Resource<Result<Option<CurrentUser>, AppError>>;
/// The portal's names and numbers.
pub type SiteResource = Resource<Result<SiteInfo, AppError>>;

/// The two account actions every shell needs.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub login: ServerAction<Login>,
    /// The second step of a staff login (`/login/verify`).
    pub second_factor: ServerAction<LoginSecondFactor>,
    pub logout: ServerAction<Logout>,
    pub register: ServerAction<Register>,
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let login = ServerAction::<Login>::new();
    let second_factor = ServerAction::<LoginSecondFactor>::new();
    let logout = ServerAction::<Logout>::new();
    let register = ServerAction::<Register>::new();
    let user: UserResource = Resource::new(
        move || {
            (
                login.version().get(),
                second_factor.version().get(),
                logout.version().get(),
                register.version().get(),
            )
        },
        |_| get_current_user(),
    );
    let site: SiteResource = Resource::new(|| (), |_| get_site_info());
    provide_context(AuthActions {
        login,
        second_factor,
        logout,
        register,
    });
    provide_context(user);
    provide_context(site);
    // Effects run only in the browser, after hydration: the mark tells tests (and anyone debugging
    // a township PC) that the page is interactive.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    // Page titles are plain strings, read once: leptos_meta renders the <title> after the page's
    // reactive owner may be gone on a busy server, so a closure there could touch a disposed
    // signal (caught by the fifty-visitors HTTP test). A language switch changes the title on the
    // next page load.
    //
    // Every page is rendered completely before it is sent (SsrMode::Async), so it reads fully
    // without JavaScript, as an old township PC or a screen reader may need.
    view! {
        <Stylesheet id="leptos" href="/pkg/yizhan.css"/>
        <Title formatter=|title: String| {
            if title.is_empty() { "一站式网上办事大厅".to_string() } else { format!("{title} - 一站式网上办事大厅") }
        }/>
        // The portal speaks Simplified Chinese unless the visitor picks another language; the
        // browser's Accept-Language is not consulted, so a clerk's English-language PC still
        // shows Chinese.
        <I18nContextProvider>
            <Router>
                <Routes fallback=|| view! { <CitizenLayout><NotFound/></CitizenLayout> }>
                    <ParentRoute path=path!("") view=CitizenLayoutOutlet ssr=SsrMode::Async>
                        <Route path=path!("") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("guide") view=GuideListPage ssr=SsrMode::Async/>
                        <Route path=path!("guide/:code") view=GuideDetailPage ssr=SsrMode::Async/>
                        <Route path=path!("forms") view=FormsPage ssr=SsrMode::Async/>
                        <Route path=path!("consult") view=|| view! { <TalkChannelPage channel=TalkChannel::Consultation/> } ssr=SsrMode::Async/>
                        <Route path=path!("apply") view=|| view! { <ChannelPage channel=Channel::Apply/> } ssr=SsrMode::Async/>
                        <Route path=path!("apply/:code") view=ApplyFormPage ssr=SsrMode::Async/>
                        <Route path=path!("apply/:code/review") view=ApplyReviewPage ssr=SsrMode::Async/>
                        <Route path=path!("status") view=StatusPage ssr=SsrMode::Async/>
                        <Route path=path!("petition") view=|| view! { <TalkChannelPage channel=TalkChannel::Petition/> } ssr=SsrMode::Async/>
                        <Route path=path!("mailbox") view=|| view! { <TalkChannelPage channel=TalkChannel::Letter/> } ssr=SsrMode::Async/>
                        <Route path=path!("talk/:ref_no") view=TalkPage ssr=SsrMode::Async/>
                        <Route path=path!("login") view=LoginPage ssr=SsrMode::Async/>
                        <Route path=path!("login/verify") view=LoginVerifyPage ssr=SsrMode::Async/>
                        <Route path=path!("register") view=RegisterPage ssr=SsrMode::Async/>
                        <Route path=path!("my") view=MyPage ssr=SsrMode::Async/>
                        <Route path=path!("my/:case_no") view=MyCasePage ssr=SsrMode::Async/>
                        <Route path=path!("messages") view=MessagesPage ssr=SsrMode::Async/>
                        <Route path=path!("verify") view=VerifyPage ssr=SsrMode::Async/>
                        <Route path=path!("verify/:code") view=VerifyPage ssr=SsrMode::Async/>
                    </ParentRoute>
                    <Route path=path!("staff") view=|| view! { <QueueDesk section=StaffSection::Desk/> } ssr=SsrMode::Async/>
                    <Route path=path!("staff/cases/:case_no") view=StaffCasePage ssr=SsrMode::Async/>
                    <Route path=path!("staff/intake") view=IntakePickPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/intake/:code") view=IntakeFormPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/review") view=|| view! { <QueueDesk section=StaffSection::Review/> } ssr=SsrMode::Async/>
                    <Route path=path!("staff/approve") view=|| view! { <QueueDesk section=StaffSection::Approve/> } ssr=SsrMode::Async/>
                    <Route path=path!("staff/talks") view=StaffTalksPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/talks/:ref_no") view=StaffTalkPage ssr=SsrMode::Async/>
                    <Route path=path!("staff/extensions") view=|| view! { <QueueDesk section=StaffSection::Extensions/> } ssr=SsrMode::Async/>
                    <Route path=path!("staff/oversight") view=supervision::OversightPage ssr=SsrMode::Async/>
                    <Route path=path!("supervision") view=supervision::SupervisionPage ssr=SsrMode::Async/>
                    <Route path=path!("supervision/cases") view=supervision::DrillPage ssr=SsrMode::Async/>
                    <Route path=path!("supervision/cards") view=supervision::CardsPage ssr=SsrMode::Async/>
                    <Route path=path!("supervision/ratings") view=supervision::RatingsPage ssr=SsrMode::Async/>
                    <Route path=path!("supervision/league") view=supervision::LeaguePage ssr=SsrMode::Async/>
                    <Route path=path!("admin") view=|| view! { <StaffPage section=StaffSection::Admin/> } ssr=SsrMode::Async/>
                    <Route path=path!("admin/items") view=AdminItemsPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/items/:code") view=ItemEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/items/:code/v/:version") view=ItemVersionPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/items/:code/form") view=ApplyFormEditorPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/security") view=SecurityPage ssr=SsrMode::Async/>
                    <Route path=path!("admin/audit") view=supervision::AuditLogPage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("kiosk") view=KioskLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=kiosk::KioskHome ssr=SsrMode::Async/>
                        <Route path=path!("rate") view=KioskRateLookup ssr=SsrMode::Async/>
                        <Route path=path!("guide") view=kiosk::KioskGuidePage ssr=SsrMode::Async/>
                        <Route path=path!("guide/:code") view=kiosk::KioskItemPage ssr=SsrMode::Async/>
                        <Route path=path!("status") view=kiosk::KioskStatusPage ssr=SsrMode::Async/>
                        <Route path=path!("print") view=kiosk::KioskPrintPage ssr=SsrMode::Async/>
                        <Route path=path!("rate/:case_no") view=CounterRatePage ssr=SsrMode::Async/>
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
    .into_any()
}

/// The citizen shell around the nested route's page.
#[component]
fn CitizenLayoutOutlet() -> impl IntoView {
    view! {
        <CitizenLayout>
            <leptos_router::components::Outlet/>
        </CitizenLayout>
    }
    .into_any()
}
