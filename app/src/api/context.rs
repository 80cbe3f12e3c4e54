//! What a server function needs from its request: the shared state, the session cookie, the
//! signed-in account, and a way to set cookies on the response.

use super::error::AppError;
use crate::backend::auth::{self, Account};
use crate::backend::sessions::COOKIE_NAME;
use crate::backend::state::{AppState, Environment};
use crate::backend::throttle::Client;
use crate::domain::role::Role;
use http::header::{HeaderValue, COOKIE, SET_COOKIE};
use leptos::prelude::*;

/// True for a plain HTML form post (no JavaScript): the answer must then be a redirect, not a
/// JSON error, or the browser would show a blank page.
pub fn is_plain_form_post() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the server function context");
        AppError::Internal
    })
}

/// A cookie's value from the request, if sent.
pub fn request_cookie(name: &str) -> Option<String> {
    let parts = use_context::<http::request::Parts>()?;
    cookie(&parts.headers, name)
}

/// A cookie's value from request headers (also for the plain axum handlers of the REST API).
pub fn cookie(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The device cookie: a random id per browser, so that failures are counted per device even where
/// a whole service hall shares one address. Set by the server's middleware.
pub const DEVICE_COOKIE: &str = "yz_device";

/// A well-formed device id (32 hex characters), as the middleware makes them.
pub fn is_device_id(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A new device id (128 random bits, hex); also a fresh Idempotency-Key for a submit button.
pub fn new_device_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Marks a request from an address exempt from throttling (`YIZHAN_THROTTLE_EXEMPT`). Put there by
/// the server's outermost layer.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleExempt;

/// Where the request came from, for throttling: its device cookie and peer address.
pub fn client_of(headers: &http::HeaderMap, extensions: &http::Extensions) -> Client {
    Client {
        device: cookie(headers, DEVICE_COOKIE).filter(|d| is_device_id(d)),
        address: extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip().to_string()),
        exempt: extensions.get::<ThrottleExempt>().is_some(),
    }
}

/// The client of the current server function call.
pub fn client() -> Client {
    use_context::<http::request::Parts>()
        .map(|parts| client_of(&parts.headers, &parts.extensions))
        .unwrap_or_default()
}

/// The signed-in account, or `None` for a visitor.
pub async fn current_account() -> Result<Option<Account>, AppError> {
    let Some(token) = request_cookie(COOKIE_NAME) else {
        return Ok(None);
    };
    let state = state()?;
    Ok(auth::resume(&state.db, &token, chrono::Utc::now()).await?)
}

/// The signed-in account if it holds one of `roles`; otherwise the matching error.
pub async fn require_role(roles: &[Role]) -> Result<Account, AppError> {
    let account = current_account().await?.ok_or(AppError::Unauthenticated)?;
    if account.roles.iter().any(|r| roles.contains(r)) {
        Ok(account)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sets the session cookie. HttpOnly so scripts cannot read it, SameSite=Lax against cross-site
/// posts, Secure in production (served behind HTTPS).
pub fn set_session_cookie(token: &str, environment: Environment) {
    set_cookie(&set_cookie_header(token, environment));
}

/// The `Set-Cookie` value of a session (also for the plain axum handlers of the REST API).
pub fn set_cookie_header(token: &str, environment: Environment) -> String {
    let secure = if environment == Environment::Production {
        "; Secure"
    } else {
        ""
    };
    format!("{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

/// The `Set-Cookie` value carrying a login's second-factor challenge: Strict, and gone after the
/// challenge's ten minutes.
pub fn challenge_cookie_header(token: &str, environment: Environment) -> String {
    use crate::backend::two_factor::{CHALLENGE_COOKIE, CHALLENGE_MINUTES};
    let secure = if environment == Environment::Production {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{CHALLENGE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        CHALLENGE_MINUTES * 60
    )
}

pub fn clear_challenge_cookie_header() -> String {
    use crate::backend::two_factor::CHALLENGE_COOKIE;
    format!("{CHALLENGE_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Marks the response as not to be kept by any cache (it shows a secret).
pub fn no_store() {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        );
    }
}

pub fn clear_session_cookie() {
    set_cookie(&clear_cookie_header());
}

/// The `Set-Cookie` value that ends the session cookie.
pub fn clear_cookie_header() -> String {
    format!("{COOKIE_NAME}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

/// Adds a `Set-Cookie` header to the response.
pub fn append_set_cookie(value: &str) {
    set_cookie(value)
}

fn set_cookie(value: &str) {
    if let (Some(response), Ok(header)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        response.append_header(SET_COOKIE, header);
    }
}
