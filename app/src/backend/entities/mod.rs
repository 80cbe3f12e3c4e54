//! sea-orm row types, one module per table. Rows only: inserts go through the repositories in
//! `backend`, and nothing here is sent to a browser.

pub mod audit_log;
pub mod calendar_year;
pub mod department;
pub mod session;
pub mod user;
pub mod user_role;
