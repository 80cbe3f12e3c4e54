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

pub mod i18n;

pub use app::{shell, App};
