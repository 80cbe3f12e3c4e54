//! sea-orm row types, one module per table. Rows only: inserts go through the repositories in
//! `backend`, and nothing here is sent to a browser.

pub mod application;
pub mod application_event;
pub mod application_form;
pub mod application_material;
pub mod audit_log;
pub mod calendar_year;
pub mod card;
pub mod certificate;
pub mod clock;
pub mod conversation;
pub mod conversation_card;
pub mod conversation_draft;
pub mod conversation_event;
pub mod department;
pub mod draft;
pub mod form;
pub mod idempotency_key;
pub mod item_topic;
pub mod mailbox;
pub mod message;
pub mod outbox;
pub mod process_definition;
pub mod rating;
pub mod reply_template;
pub mod service_item;
pub mod service_item_version;
pub mod session;
pub mod suspension;
pub mod throttle;
pub mod upload;
pub mod user;
pub mod user_role;
