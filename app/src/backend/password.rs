//! Argon2id password hashing, off the async threads: one hash costs tens of milliseconds of CPU.

use super::error::{ServiceError, ServiceResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub async fn hash_password(password: String) -> ServiceResult<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("argon2 hash: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hash task: {e}")))?
}

/// Checks a password against a stored hash. A malformed stored hash counts as a mismatch.
pub async fn verify_password(password: String, stored: String) -> ServiceResult<bool> {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("verify task: {e}")))
}

/// A valid Argon2id hash of a random password, verified against when the username does not exist,
/// so that the answer takes as long as for a real account and does not reveal which names exist.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1U9gXx2p5m3xXuVbQH2cJ7mS8n3Nn2Ks0bAHdQ9Xr0s";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let hash = hash_password("Yizhan@2026".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$"));
        assert!(verify_password("Yizhan@2026".into(), hash.clone())
            .await
            .unwrap());
        assert!(!verify_password("yizhan@2026".into(), hash).await.unwrap());
    }

    #[tokio::test]
    async fn the_dummy_hash_is_a_real_argon2id_hash_that_matches_nothing_typed() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password("Yizhan@2026".into(), DUMMY_HASH.into())
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_a_mismatch_not_a_crash() {
        assert!(!verify_password("x".into(), "not-a-hash".into())
            .await
            .unwrap());
    }
}
