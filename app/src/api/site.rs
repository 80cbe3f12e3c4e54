//! 网站信息: the portal's names and numbers for header and footer.

use super::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/sf", endpoint = "site_info")]
pub async fn get_site_info() -> Result<crate::domain::site::SiteInfo, AppError> {
    let state = super::context::state()?;
    Ok((*state.site).clone())
}
