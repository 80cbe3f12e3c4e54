//! Pages, one module per channel or area. Pages call server functions from `api` and draw with the
//! shells in `layouts`.

pub mod admin;
pub mod apply;
pub mod auth;
pub mod case_view;
pub mod channel;
pub mod counter_rate;
pub mod forms;
pub mod guide;
pub mod home;
pub mod intake;
pub mod kiosk;
pub mod my;
pub mod not_found;
pub mod register;
pub mod staff;
pub mod staff_case;
pub mod staff_desk;
#[cfg(feature = "hydrate")]
mod staff_keys;
pub mod staff_talks;
pub mod status;
pub mod supervision;
pub mod talk_public;
pub mod talk_view;
pub mod talk_write;
pub mod verify;
pub mod words;
