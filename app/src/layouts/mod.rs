//! The three shells: citizen portal, staff back office and township kiosk, and the preferences
//! (language, elderly mode) they share.

pub mod citizen;
pub mod icons;
pub mod kiosk;
pub mod prefs;
pub mod staff;
