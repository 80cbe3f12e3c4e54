//! Server functions: thin. Each takes the request context, calls one backend use case and returns a
//! DTO or an `AppError` code. Compiled for both sides; the bodies run on the server only.

pub mod admin_forms;
pub mod auth;
pub mod casework;
pub mod catalogue;
pub mod citizen;
pub mod error;
pub mod security;
pub mod site;
pub mod staff;
pub mod supervision;
pub mod talks;

#[cfg(feature = "ssr")]
pub mod context;
