//! Pure rules of the portal: roles, channels, settings shared by server and browser.
//! No I/O, no clock reads, no sea-orm: this module builds for wasm.

pub mod account;
pub mod application_form;
pub mod calendar;
pub mod card;
pub mod case_read;
pub mod casework;
pub mod catalogue;
pub mod catalogue_read;
pub mod channel;
pub mod clock;
pub mod id_card;
pub mod identity;
pub mod password;
pub mod process;
pub mod registration;
pub mod role;
pub mod search;
pub mod site;
pub mod supervision;
pub mod talk;
pub mod time;
pub mod username;
pub mod workflow;
