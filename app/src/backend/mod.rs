//! Server-side half of the portal (feature `ssr` only): database access, use cases, audit.
//! Depends on `domain`; never on `api` or the pages. One use case = one transaction.

pub mod account_security;
pub mod accounts;
pub mod application_forms;
pub mod applications;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod calendar;
pub mod casework;
pub mod catalogue;
pub mod certificates;
pub mod db;
pub mod demo;
pub mod demo_cases;
pub mod demo_catalogue;
pub mod departments;
pub mod drafts;
pub mod entities;
pub mod error;
pub mod files;
pub mod kiosk_rating;
pub mod mailer;
pub mod messages;
pub mod my_cases;
pub mod notify;
pub mod password;
pub mod pdf;
pub mod processes;
pub mod ratings;
pub mod scheduler;
pub mod sessions;
pub mod state;
pub mod supervision;
pub mod talks;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod throttle;
pub mod two_factor;
pub mod uploads;
pub mod users;

#[cfg(test)]
mod casework_tests;
pub mod documents;
#[cfg(test)]
mod online_tests;
#[cfg(test)]
mod supervision_tests;
#[cfg(test)]
mod talk_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod two_factor_tests;
