//! Argon2id password hashing, off the async threads: one hash costs tens of milliseconds of CPU
//! and 19 MB of memory for its run.

use super::error::{ServiceError, ServiceResult};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// Hashes running at once: one per core. A burst of logins waits its turn here instead of taking
/// 19 MB each (a hundred at once would take 2 GB) and the cores from everything else.
static HASHING: LazyLock<Arc<Semaphore>> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores))
});

/// Runs `work` on a blocking thread once a hashing slot is free; the slot is held until the work
/// ends, even if the caller has gone.
async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> ServiceResult<T> {
    let slot = HASHING
        .clone()
        .acquire_owned()
        .await
        .map_err(|e| ServiceError::Internal(format!("hashing slot: {e}")))?;
    tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("hash task: {e}")))
}

pub async fn hash_password(password: String) -> ServiceResult<String> {
    hashing(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("argon2 hash: {e}")))
    })
    .await?
}

/// Checks a password against a stored hash. A malformed stored hash counts as a mismatch.
pub async fn verify_password(password: String, stored: String) -> ServiceResult<bool> {
    hashing(move || {
        PasswordHash::new(&stored)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
}

/// A valid Argon2id hash of a random password, verified against when the username does not exist,
/// so that the answer takes as long as for a real account and does not reveal which names exist.
pub const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$1U9gXx2p5m3xXuVbQH2cJ7mS8n3Nn2Ks0bAHdQ9Xr0s";

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_hashes_run_at_once_than_there_are_cores() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let (running, most) = (running.clone(), most.clone());
            tasks.spawn(hashing(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(std::time::Duration::from_millis(30));
                running.fetch_sub(1, Ordering::SeqCst);
            }));
        }
        while let Some(done) = tasks.join_next().await {
            done.unwrap().unwrap();
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let most = most.load(Ordering::SeqCst);
        assert!(
            (1..=cores).contains(&most),
            "{most} at once on {cores} cores"
        );
    }

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
