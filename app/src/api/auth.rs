//! 登录 / 退出 and "who am I", for every page's header and for the guarded shells.

use super::error::AppError;
use crate::domain::role::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in person as pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub username: String,
    pub display_name: String,
    pub department: Option<String>,
    pub roles: Vec<Role>,
}

impl CurrentUser {
    pub fn is_staff(&self) -> bool {
        self.roles.iter().any(|r| r.is_staff())
    }

    /// Where this person lands after logging in.
    pub fn home_path(&self) -> &'static str {
        if self.is_staff() {
            "/staff"
        } else {
            "/my"
        }
    }
}

#[cfg(feature = "ssr")]
impl From<crate::backend::auth::Account> for CurrentUser {
    fn from(a: crate::backend::auth::Account) -> Self {
        CurrentUser {
            username: a.username,
            display_name: a.display_name,
            department: a.department_name,
            roles: a.roles,
        }
    }
}

#[server(prefix = "/sf", endpoint = "current_user")]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    let account = super::context::current_account()
        .await
        .map_err(super::context::fail)?;
    Ok(account.map(Into::into))
}

/// A `next` target is followed only when it is a path on this site: no open redirects.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    local.then(|| next.to_string())
}

#[server(prefix = "/sf", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use super::context;
    let next = safe_next(next.as_deref());
    let attempt = async {
        if username.len() > 256 || password.len() > 1024 {
            return Err(AppError::BadCredentials);
        }
        let state = context::state()?;
        let logged_in = crate::backend::auth::login(
            &state.db,
            &username,
            &password,
            &context::client(),
            chrono::Utc::now(),
        )
        .await?;
        context::set_session_cookie(&logged_in.token, state.environment);
        Ok(CurrentUser::from(logged_in.account))
    };
    match attempt.await {
        Ok(user) => {
            let target = next.unwrap_or_else(|| user.home_path().to_string());
            leptos_axum::redirect(&target);
            Ok(user)
        }
        Err(err) => {
            // Without JavaScript the form posted the whole page: send it back to the login page
            // with the reason, which the page shows.
            if context::is_plain_form_post() {
                let next = next
                    .map(|n| format!("&next={}", crate::layouts::prefs::encode_component(&n)))
                    .unwrap_or_default();
                leptos_axum::redirect(&format!("/login?error={}{next}", err.code()));
            }
            Err(context::fail(err))
        }
    }
}

#[server(prefix = "/sf", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::context;
    let state = context::state().map_err(context::fail)?;
    if let Some(token) = context::request_cookie(crate::backend::sessions::COOKIE_NAME) {
        crate::backend::auth::logout(
            &state.db,
            &token,
            crate::backend::auth::LogoutScope::ThisDevice,
            chrono::Utc::now(),
        )
        .await
        .map_err(|e| context::fail(e.into()))?;
    }
    context::clear_session_cookie();
    leptos_axum::redirect("/");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/staff")), Some("/staff".into()));
        assert_eq!(safe_next(Some("//evil.example/x")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
