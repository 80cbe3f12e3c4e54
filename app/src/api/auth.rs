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
    /// Where this person lands after logging in.
    pub fn home_path(&self) -> &'static str {
        crate::domain::role::Role::home_path(&self.roles)
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
    let account = super::context::current_account().await?;
    Ok(account.map(Into::into))
}

/// A `next` target is followed only when it is a path on this site: no open redirects.
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\');
    local.then(|| next.to_string())
}

/// Where the login form leads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginStep {
    SignedIn(CurrentUser),
    /// A staff account: the authenticator's code comes next, at `/login/verify`.
    SecondFactor,
}

/// Where a login goes next: `next` when it is local, else the person's home.
#[cfg(feature = "ssr")]
fn login_target(next: Option<&str>, user: &CurrentUser) -> String {
    safe_next(next).unwrap_or_else(|| user.home_path().to_string())
}

#[cfg(feature = "ssr")]
fn with_next(path: &str, next: Option<&str>) -> String {
    match safe_next(next) {
        Some(n) => format!(
            "{path}{}next={}",
            if path.contains('?') { '&' } else { '?' },
            crate::layouts::prefs::encode_component(&n)
        ),
        None => path.to_string(),
    }
}

/// A login ends whatever session this browser had before (session rotation): the new one gets a
/// new token, and an old token, however it leaked, signs nobody in.
#[cfg(feature = "ssr")]
async fn end_previous_session(db: &sea_orm::DatabaseConnection) -> Result<(), AppError> {
    if let Some(token) = super::context::request_cookie(crate::backend::sessions::COOKIE_NAME) {
        crate::backend::sessions::end(db, &token).await?;
    }
    Ok(())
}

#[server(prefix = "/sf", endpoint = "login")]
pub async fn login(
    username: String,
    password: String,
    next: Option<String>,
) -> Result<LoginStep, AppError> {
    use super::context;
    use crate::backend::auth::Login;
    use crate::backend::two_factor;
    let attempt = async {
        if username.len() > 256 || password.len() > 1024 {
            return Err(AppError::BadCredentials);
        }
        let state = context::state()?;
        let login = crate::backend::auth::login(
            &state.db,
            &username,
            &password,
            &context::client(),
            two_factor::Policy::for_environment(state.environment),
            chrono::Utc::now(),
        )
        .await?;
        end_previous_session(&state.db).await?;
        Ok(match login {
            Login::SignedIn(logged_in) => {
                context::set_session_cookie(&logged_in.token, state.environment);
                LoginStep::SignedIn(CurrentUser::from(logged_in.account))
            }
            Login::SecondFactor { challenge } => {
                context::append_set_cookie(&context::challenge_cookie_header(
                    &challenge.0,
                    state.environment,
                ));
                LoginStep::SecondFactor
            }
        })
    };
    match attempt.await {
        Ok(step) => {
            let target = match &step {
                LoginStep::SignedIn(user) => login_target(next.as_deref(), user),
                LoginStep::SecondFactor => with_next("/login/verify", next.as_deref()),
            };
            leptos_axum::redirect(&target);
            Ok(step)
        }
        Err(err) => {
            // Without JavaScript the form posted the whole page: send it back to the login page
            // with the reason, which the page shows.
            if context::is_plain_form_post() {
                let back = format!("/login?error={}", err.code());
                leptos_axum::redirect(&with_next(&back, next.as_deref()));
            }
            Err(err)
        }
    }
}

/// The enrolment of an authenticator, as the second step of a first staff login shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentView {
    /// The secret in groups of four, for typing into the app by hand.
    pub secret: String,
    /// The `otpauth:` QR code as an SVG path of unit squares, and its width.
    pub qr_path: String,
    pub qr_size: usize,
    pub recovery_codes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorPrompt {
    pub display_name: String,
    pub enrolment: Option<EnrolmentView>,
}

/// What the second step asks of the person whose password was right in this browser.
#[server(prefix = "/sf", endpoint = "second_factor_prompt")]
pub async fn get_second_factor_prompt() -> Result<SecondFactorPrompt, AppError> {
    use super::context;
    let state = context::state()?;
    // The page holds a secret: no cache keeps it.
    context::no_store();
    let token =
        context::request_cookie(crate::backend::two_factor::CHALLENGE_COOKIE).unwrap_or_default();
    // A short ASCII issuer keeps the QR code coarse enough for an old phone's camera (the
    // portal's Chinese name, percent-encoded, would triple its length).
    let issuer = format!("yizhan-{}", state.region_code);
    let prompt =
        crate::backend::two_factor::prompt(&state.db, &token, &issuer, chrono::Utc::now()).await?;
    Ok(SecondFactorPrompt {
        display_name: prompt.display_name,
        enrolment: prompt.enrolment.map(|e| EnrolmentView {
            secret: e.secret,
            qr_path: e.qr_path,
            qr_size: e.qr_size,
            recovery_codes: e.recovery_codes,
        }),
    })
}

#[server(prefix = "/sf", endpoint = "login_second_factor")]
pub async fn login_second_factor(
    code: String,
    next: Option<String>,
) -> Result<CurrentUser, AppError> {
    use super::context;
    let attempt = async {
        if code.len() > 64 {
            return Err(AppError::Invalid("动态验证码是 6 位数字".into()));
        }
        let state = context::state()?;
        let token = context::request_cookie(crate::backend::two_factor::CHALLENGE_COOKIE)
            .unwrap_or_default();
        let logged_in = crate::backend::auth::second_factor(
            &state.db,
            &token,
            &code,
            &context::client(),
            chrono::Utc::now(),
        )
        .await?;
        end_previous_session(&state.db).await?;
        context::set_session_cookie(&logged_in.token, state.environment);
        context::append_set_cookie(&context::clear_challenge_cookie_header());
        Ok(CurrentUser::from(logged_in.account))
    };
    match attempt.await {
        Ok(user) => {
            leptos_axum::redirect(&login_target(next.as_deref(), &user));
            Ok(user)
        }
        Err(err) => {
            if context::is_plain_form_post() {
                let back = format!("/login/verify?error={}", err.code());
                leptos_axum::redirect(&with_next(&back, next.as_deref()));
            }
            Err(err)
        }
    }
}

#[server(prefix = "/sf", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::context;
    let state = context::state()?;
    if let Some(token) = context::request_cookie(crate::backend::sessions::COOKIE_NAME) {
        crate::backend::auth::logout(
            &state.db,
            &token,
            crate::backend::auth::LogoutScope::ThisDevice,
            chrono::Utc::now(),
        )
        .await?;
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
