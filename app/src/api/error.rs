//! The one error type that crosses the wire: a code and its Chinese wording. Causes from the
//! database or the machine are logged on the server and never sent.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    /// 未登录 or the session ended.
    #[error("请先登录")]
    Unauthenticated,
    /// Logged in, but the role may not do this.
    #[error("您的账号无权进行此操作")]
    Forbidden,
    /// Not allowed for a reason the person should read (another department's case, the wrong
    /// step); the message says which.
    #[error("{0}")]
    NotAllowed(String),
    #[error("用户名或密码错误")]
    BadCredentials,
    /// Locked after repeated failures; carries the local time it unlocks, already formatted.
    #[error("密码错误次数过多，账号已锁定，请于 {0} 后再试")]
    Locked(String),
    /// Input a person can correct; the message says how.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    #[error("未找到相关记录")]
    NotFound,
    /// Too many failed attempts from this device or address.
    #[error("尝试次数过多，请 {0} 分钟后再试")]
    Throttled(i64),
    /// What to correct, field by field (field name → message); shown next to each field.
    #[error("请按提示修改标出的内容")]
    Fields(std::collections::BTreeMap<String, String>),
    #[error("系统繁忙，请稍后再试。您已保存的内容不会丢失")]
    Internal,
    /// The request did not reach the function (network, encoding): worded for the citizen.
    #[error("网络连接异常，请检查网络后重试")]
    Transport(String),
}

impl AppError {
    /// The stable code for the REST API and logs.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden | AppError::NotAllowed(_) => "forbidden",
            AppError::BadCredentials => "bad_credentials",
            AppError::Locked(_) => "locked",
            AppError::Invalid(_) => "invalid",
            AppError::Conflict(_) => "conflict",
            AppError::NotFound => "not_found",
            AppError::Throttled(_) => "throttled",
            AppError::Fields(_) => "invalid_fields",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }
}

impl AppError {
    /// The HTTP status that fits the error, for JSON callers.
    pub fn http_status(&self) -> u16 {
        match self {
            AppError::Unauthenticated | AppError::BadCredentials => 401,
            AppError::Forbidden | AppError::NotAllowed(_) => 403,
            AppError::Locked(_) => 423,
            AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::NotFound => 404,
            AppError::Throttled(_) => 429,
            AppError::Fields(_) => 422,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<crate::backend::error::ServiceError> for AppError {
    fn from(err: crate::backend::error::ServiceError) -> Self {
        use crate::backend::error::ServiceError as S;
        match err {
            S::Invalid(msg) => AppError::Invalid(msg),
            S::Conflict(msg) => AppError::Conflict(msg),
            S::BadCredentials => AppError::BadCredentials,
            S::Locked(until) => AppError::Locked(
                until
                    .with_timezone(&crate::domain::time::china())
                    .format("%H:%M")
                    .to_string(),
            ),
            S::NotFound => AppError::NotFound,
            S::Forbidden(msg) => AppError::NotAllowed(msg),
            S::Refused(msg) => AppError::Invalid(msg),
            S::Throttled(minutes) => AppError::Throttled(minutes),
            S::Fields(problems) => AppError::Fields(problems),
            S::Database(e) => {
                tracing::error!(error = %e, "database error");
                AppError::Internal
            }
            S::Internal(e) => {
                tracing::error!(error = %e, "internal error");
                AppError::Internal
            }
        }
    }
}
