//! yizhan (一站): the one-stop online administrative services portal.
//!
//! Layers, dependencies pointing one way: `domain` (pure rules) ← `backend` (database, use cases;
//! server only) ← `api` (thin server functions) ← `features` (pages per channel) and `layouts`
//! (citizen, staff and kiosk shells). `server/` wires it together.

// Leptos view types nest deeply; the default limit is too small for a full page shell.
#![recursion_limit = "256"]

pub mod api;
mod app;
pub mod domain;
pub mod features;
pub mod layouts;

#[cfg(feature = "ssr")]
pub mod backend;

// Generates `crate::i18n` from `locales/*.json`, checked at compile time. The macro is marked
// deprecated in favour of a build script, which would add a build dependency for the same result.
#[allow(deprecated)]
mod i18n_gen {
    leptos_i18n::load_locales!();
}
pub use i18n_gen::i18n;

pub use app::{shell, App};
