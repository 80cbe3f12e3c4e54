//! The `yizhan` server: settings, database start-up, the HTTP router and the command-line
//! subcommands. Owns the environment; the rules live in the `app` crate.

#![recursion_limit = "256"]

pub mod admin_uploads;
pub mod api_cases;
pub mod api_talks;
pub mod api_v1;
pub mod apply_posts;
pub mod commands;
pub mod config;
pub mod http;
pub mod metrics;
pub mod openapi;
pub mod page_cache;
pub mod staff_posts;
pub mod supervision_posts;
pub mod talk_posts;
