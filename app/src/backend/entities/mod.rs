//! sea-orm row types, one module per table. Rows only: inserts go through the repositories in
//! `backend`, and nothing here is sent to a browser.

pub mod application;
pub mod application_event;
pub mod audit_log;
pub mod calendar_year;
pub mod card;
pub mod clock;
pub mod department;
pub mod form;
pub mod item_topic;
pub mod outbox;
pub mod process_definition;
pub mod service_item;
pub mod service_item_version;
pub mod session;
pub mod suspension;
pub mod user;
pub mod user_role;
