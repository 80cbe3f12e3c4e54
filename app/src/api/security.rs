//! 账号安全: the security administrator's view of staff accounts (authenticator, recovery codes,
//! locks) and the two things they may do about them. The backend checks the role again.

use super::error::AppError;
use crate::domain::account::AccountSecurity;
use leptos::prelude::*;

#[server(prefix = "/sf", endpoint = "account_security")]
pub async fn get_account_security() -> Result<Vec<AccountSecurity>, AppError> {
    use super::context;
    let run = async {
        let actor = context::require_role(&[crate::domain::role::Role::SecurityAdmin]).await?;
        let state = context::state()?;
        Ok(
            crate::backend::account_security::overview(&state.db, &actor, chrono::Utc::now())
                .await?,
        )
    };
    run.await
}

/// What the two buttons of a row do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecurityAction {
    Unlock,
    ResetSecondFactor,
}

#[server(prefix = "/sf", endpoint = "account_security_act")]
pub async fn act_on_account(username: String, action: SecurityAction) -> Result<(), AppError> {
    use super::context;
    use crate::backend::account_security;
    let run = async {
        let actor = context::require_role(&[crate::domain::role::Role::SecurityAdmin]).await?;
        let state = context::state()?;
        let now = chrono::Utc::now();
        match action {
            SecurityAction::Unlock => {
                account_security::unlock(&state.db, &actor, &username, now).await?
            }
            SecurityAction::ResetSecondFactor => {
                account_security::reset_second_factor(&state.db, &actor, &username, now).await?
            }
        }
        if context::is_plain_form_post() {
            leptos_axum::redirect("/admin/security");
        }
        Ok(())
    };
    run.await
}
