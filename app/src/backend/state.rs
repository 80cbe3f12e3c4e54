//! What every request handler and server function may reach: the database, the site's settings.

use super::certificates::Signer;
use super::files::FileStore;
use crate::domain::site::SiteInfo;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::Arc;

/// YIZHAN_ENV: demo data and generated keys are for development only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub site: Arc<SiteInfo>,
    pub environment: Environment,
    /// 行政区划代码: the first six digits of every case number.
    pub region_code: String,
    /// The address citizens reach the portal at (links in QR codes and mail).
    pub public_url: String,
    /// Uploaded and generated files (forms, materials, documents).
    pub files: Arc<dyn FileStore>,
    /// The key certificates are signed and verified with.
    pub signer: Arc<Signer>,
    pub leptos_options: LeptosOptions,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
