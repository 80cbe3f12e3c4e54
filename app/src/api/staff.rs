//! The staff desk: who is signed in and which sections they may open. Checked on the server; the
//! menu in the page is drawn from the same list.

use super::auth::CurrentUser;
use super::error::AppError;
use crate::domain::role::StaffSection;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffDesk {
    pub user: CurrentUser,
    pub sections: Vec<StaffSection>,
}

/// The desk for a staff member; `section` is the one being opened, refused if the roles do not allow it.
#[server(prefix = "/sf", endpoint = "staff_desk")]
pub async fn get_staff_desk(section: StaffSection) -> Result<StaffDesk, AppError> {
    let account = super::context::require_role(section.allowed()).await?;
    let sections = StaffSection::visible_to(&account.roles);
    Ok(StaffDesk {
        user: account.into(),
        sections,
    })
}
