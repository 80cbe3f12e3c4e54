//! 系统管理 pages for the system administrator: the service catalogue (items, guides, versions,
//! forms, import and export). Staff pages speak Chinese only (the staff shell has no language
//! switch); every action is checked again on the server and audited there.

mod apply_form;
mod editor;
mod items;
mod security;

pub use apply_form::ApplyFormEditorPage;
pub use editor::{ItemEditorPage, ItemVersionPage};
pub use items::AdminItemsPage;
pub use security::SecurityPage;

use crate::api::catalogue::take_flash;
use leptos::prelude::*;

/// The outcome of the last import or upload, shown once.
#[component]
pub fn Flash() -> impl IntoView {
    let flash = Resource::new(|| (), |_| take_flash());
    view! {
        <Transition>
            {move || Suspend::new(async move {
                match flash.await {
                    Ok(Some((true, text))) => view! { <p class="flash flash-ok" role="status">{text}</p> }.into_any(),
                    Ok(Some((false, text))) => view! { <p class="form-error" role="alert">{text}</p> }.into_any(),
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}
