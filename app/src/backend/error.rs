//! Service errors: what a use case can fail with. Database causes stay inside (logged by the API
//! layer, never shown); the rest map one-to-one onto wire codes in `crate::api::error`.

use chrono::{DateTime, Utc};
use sea_orm::DbErr;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("database: {0}")]
    Database(#[from] DbErr),
    /// Input a person can correct; the message is already in Chinese.
    #[error("{0}")]
    Invalid(String),
    /// A unique value is taken (for example a username).
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("account locked until {0}")]
    Locked(DateTime<Utc>),
    #[error("not found")]
    NotFound,
    /// The caller's roles may not do this; the message says what.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("refused: {0}")]
    Refused(String),
    /// Too many failures from this device or address; minutes until the window ends.
    #[error("throttled for {0} minutes")]
    Throttled(i64),
    /// Field by field, what to correct (field name → Chinese message).
    #[error("invalid fields: {0:?}")]
    Fields(std::collections::BTreeMap<String, String>),
    #[error("internal: {0}")]
    Internal(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// True when the database refused a row because a unique constraint is taken: the two engines word
/// it differently.
pub fn is_unique_violation(err: &DbErr) -> bool {
    let text = err.to_string();
    text.contains("UNIQUE constraint failed") || text.contains("duplicate key value")
}
