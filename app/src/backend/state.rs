//! What every request handler and server function may reach: the database, the site's settings.

use super::certificates::Signer;
use super::files::FileStore;
use crate::domain::site::SiteInfo;
use leptos::config::LeptosOptions;
use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// Counts the edits of what guide pages show (an item saved or retired, a form uploaded or
    /// imported): a guide page kept ready (the server's page cache) from before an edit is not
    /// served again.
    pub guide_edits: Arc<AtomicU64>,
}

impl AppState {
    /// Says that what the guide pages show has changed.
    pub fn guides_changed(&self) {
        self.guide_edits.fetch_add(1, Ordering::Release);
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
