//! 双因素认证 (the second factor of staff, 等保 level 3): time-based one-time passwords (RFC 6238:
//! HMAC-SHA1, six digits, 30-second steps) from any authenticator app, single-use recovery codes
//! for a lost phone, and the short-lived challenge between the right password and the code.

use super::entities::{login_challenge, recovery_code, user};
use super::error::{ServiceError, ServiceResult};
use crate::domain::role::Role;
use chrono::{DateTime, Duration, Utc};
use rand::{Rng, RngCore};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

/// Name of the cookie that carries the challenge from the password to the code.
pub const CHALLENGE_COOKIE: &str = "yz_login";
/// How long a challenge waits for its code: long enough to install an app and scan the code.
pub const CHALLENGE_MINUTES: i64 = 10;
/// Wrong codes one challenge accepts before the password must be given again.
pub const CHALLENGE_ATTEMPTS: i32 = 5;
/// Recovery codes given at enrolment, each good once.
pub const RECOVERY_CODES: usize = 10;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 1_000_000;
/// Steps either side of now that are accepted, for a phone's clock a little off.
const DRIFT_STEPS: i64 = 1;
/// Recovery codes avoid letters read alike (0/o, 1/l/i).
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// Who must give a second factor after the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// Every staff account (production): one without an authenticator enrols at its next login.
    StaffRequired,
    /// Staff who have enrolled (development, so that the demo accounts sign in with a password).
    WhenEnrolled,
}

impl Policy {
    pub fn for_environment(environment: super::state::Environment) -> Self {
        match environment {
            super::state::Environment::Production => Policy::StaffRequired,
            super::state::Environment::Development => Policy::WhenEnrolled,
        }
    }

    /// Whether this account must give a code after its password.
    pub fn applies(self, row: &user::Model, roles: &[Role]) -> bool {
        row.totp_secret.is_some()
            || (self == Policy::StaffRequired && roles.iter().any(|r| r.is_staff()))
    }
}

/// The six-digit code of `secret` for the 30-second `step` (RFC 6238 with SHA-1).
pub fn code_at(secret: &[u8], step: i64) -> u32 {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = ring::hmac::sign(&key, &(step as u64).to_be_bytes());
    let h = tag.as_ref();
    let offset = (h[h.len() - 1] & 0x0f) as usize;
    let value = u32::from_be_bytes([
        h[offset] & 0x7f,
        h[offset + 1],
        h[offset + 2],
        h[offset + 3],
    ]);
    value % DIGITS
}

pub fn step_of(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECONDS)
}

/// The step a typed code belongs to, if it is right for now (± one step) and newer than the last
/// code this account used: a code seen over a shoulder cannot be used a second time.
pub fn matching_step(
    secret_base32: &str,
    typed: &str,
    last_step: Option<i64>,
    now: DateTime<Utc>,
) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let typed: u32 = typed.parse().ok()?;
    let secret = decode_secret(secret_base32)?;
    let now_step = step_of(now);
    (now_step - DRIFT_STEPS..=now_step + DRIFT_STEPS)
        .filter(|step| last_step.is_none_or(|last| *step > last))
        .find(|step| code_at(&secret, *step) == typed)
}

fn decode_secret(base32: &str) -> Option<Vec<u8>> {
    data_encoding::BASE32_NOPAD.decode(base32.as_bytes()).ok()
}

/// A new random 160-bit secret, in base32 as authenticator apps take it.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    data_encoding::BASE32_NOPAD.encode(&bytes)
}

/// What the enrolment page shows: the secret to type in, or the `otpauth:` address as a QR code,
/// and the recovery codes to write down.
#[derive(Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// In groups of four, easier to type.
    pub secret: String,
    /// The QR code as one SVG path of unit squares, and its width in modules.
    pub qr_path: String,
    pub qr_size: usize,
    pub recovery_codes: Vec<String>,
}

impl std::fmt::Debug for Enrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Enrolment(<redacted>)")
    }
}

/// The `otpauth:` address of Key Uri Format, understood by every authenticator app.
pub fn otpauth_uri(issuer: &str, username: &str, secret: &str) -> String {
    let issuer = crate::layouts::prefs::encode_component(issuer);
    let username = crate::layouts::prefs::encode_component(username);
    format!(
        "otpauth://totp/{issuer}:{username}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
    )
}

pub fn enrolment(
    issuer: &str,
    username: &str,
    secret: &str,
    recovery_codes: Vec<String>,
) -> ServiceResult<Enrolment> {
    let uri = otpauth_uri(issuer, username, secret);
    let code = qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| ServiceError::Internal(format!("qr code: {e}")))?;
    let size = code.width();
    let quiet = 4;
    let mut path = String::new();
    for row in 0..size {
        for col in 0..size {
            if code[(col, row)] == qrcode::Color::Dark {
                path.push_str(&format!("M{} {}h1v1h-1z", col + quiet, row + quiet));
            }
        }
    }
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Enrolment {
        secret: grouped,
        qr_path: path,
        qr_size: size + 2 * quiet,
        recovery_codes,
    })
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A recovery code as typed: case, spaces and dashes do not matter.
fn normalise_recovery(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// `RECOVERY_CODES` new recovery codes (`xxxx-xxxx-xxxx`, about 59 bits each), in clear.
pub fn generate_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw: String = (0..12)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            format!("{}-{}-{}", &raw[..4], &raw[4..8], &raw[8..])
        })
        .collect()
}

/// Replaces the account's recovery codes with `codes`; only their hashes are kept.
pub async fn store_recovery_codes(
    db: &impl ConnectionTrait,
    user_id: i32,
    codes: &[String],
) -> ServiceResult<()> {
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    for code in codes {
        recovery_code::ActiveModel {
            user_id: Set(user_id),
            code_hash: Set(sha256_hex(&normalise_recovery(code))),
            used_at: Set(None),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Uses up one recovery code of the account; false when it is not one of its unused codes. The
/// update is guarded by `used_at IS NULL`, so two logins racing with one code cannot both pass.
pub async fn use_recovery_code(
    db: &impl ConnectionTrait,
    user_id: i32,
    typed: &str,
    now: DateTime<Utc>,
) -> ServiceResult<bool> {
    let code = normalise_recovery(typed);
    if code.len() != 12 {
        return Ok(false);
    }
    let used = recovery_code::Entity::update_many()
        .col_expr(recovery_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::CodeHash.eq(sha256_hex(&code)))
        .filter(recovery_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    Ok(used.rows_affected == 1)
}

/// Recovery codes the account has not used yet.
pub async fn recovery_codes_left(db: &impl ConnectionTrait, user_id: i32) -> ServiceResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(recovery_code::Entity::find()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .filter(recovery_code::Column::UsedAt.is_null())
        .count(db)
        .await?)
}

/// Opens a challenge for an account whose password was right; an account without an
/// authenticator gets a fresh secret and recovery codes to enrol. Returns the token for the
/// cookie.
pub async fn open_challenge(
    db: &impl ConnectionTrait,
    row: &user::Model,
    now: DateTime<Utc>,
) -> ServiceResult<String> {
    login_challenge::Entity::delete_many()
        .filter(login_challenge::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let enrolling = row.totp_secret.is_none();
    login_challenge::ActiveModel {
        token_hash: Set(sha256_hex(&token)),
        user_id: Set(row.id),
        pending_secret: Set(enrolling.then(new_secret)),
        pending_codes: Set(enrolling.then(|| generate_recovery_codes().join("\n"))),
        attempts: Set(0),
        expires_at: Set(now + Duration::minutes(CHALLENGE_MINUTES)),
    }
    .insert(db)
    .await?;
    Ok(token)
}

fn expired() -> ServiceError {
    ServiceError::Refused("登录验证已超时，请重新输入用户名和密码".into())
}

/// The live challenge behind a cookie token.
pub async fn challenge(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> ServiceResult<login_challenge::Model> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(expired());
    }
    login_challenge::Entity::find_by_id(sha256_hex(token))
        .one(db)
        .await?
        .filter(|c| c.expires_at > now && c.attempts < CHALLENGE_ATTEMPTS)
        .ok_or_else(expired)
}

/// What the second step of a login asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub display_name: String,
    /// Set when the account has no authenticator yet.
    pub enrolment: Option<Enrolment>,
}

pub async fn prompt(
    db: &impl ConnectionTrait,
    token: &str,
    issuer: &str,
    now: DateTime<Utc>,
) -> ServiceResult<Prompt> {
    let challenge = challenge(db, token, now).await?;
    let row = user::Entity::find_by_id(challenge.user_id)
        .one(db)
        .await?
        .ok_or_else(expired)?;
    let enrolment = match challenge.pending_secret {
        Some(secret) => {
            let codes = challenge
                .pending_codes
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect();
            Some(enrolment(issuer, &row.username, &secret, codes)?)
        }
        None => None,
    };
    Ok(Prompt {
        display_name: row.display_name,
        enrolment,
    })
}

/// Counts a wrong code against the challenge; the last allowed one ends it.
pub async fn count_wrong_code(
    db: &impl ConnectionTrait,
    challenge: &login_challenge::Model,
) -> ServiceResult<()> {
    login_challenge::Entity::update_many()
        .col_expr(
            login_challenge::Column::Attempts,
            Expr::col(login_challenge::Column::Attempts).add(1),
        )
        .filter(login_challenge::Column::TokenHash.eq(challenge.token_hash.clone()))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn close_challenge(
    db: &impl ConnectionTrait,
    challenge: &login_challenge::Model,
) -> ServiceResult<()> {
    login_challenge::Entity::delete_by_id(challenge.token_hash.clone())
        .exec(db)
        .await?;
    Ok(())
}

/// Records the step of an accepted code, guarded so that two requests with the same code cannot
/// both pass: only one update finds the older step.
pub async fn take_step(db: &impl ConnectionTrait, user_id: i32, step: i64) -> ServiceResult<bool> {
    let taken = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(Some(step)))
        .filter(user::Column::Id.eq(user_id))
        .filter(
            user::Column::TotpLastStep
                .is_null()
                .or(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(taken.rows_affected == 1)
}

/// Keeps the secret a staff member has just proved they hold.
pub async fn enrol(
    db: &impl ConnectionTrait,
    user_id: i32,
    secret: &str,
    step: i64,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::TotpSecret,
            Expr::value(Some(secret.to_string())),
        )
        .col_expr(user::Column::TotpLastStep, Expr::value(Some(step)))
        .col_expr(user::Column::TotpEnrolledAt, Expr::value(Some(now)))
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Takes an account's authenticator and recovery codes away (a lost phone): it enrols again at
/// its next login.
pub async fn reset(db: &impl ConnectionTrait, user_id: i32) -> ServiceResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::TotpSecret,
            Expr::value(Option::<String>::None),
        )
        .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .col_expr(
            user::Column::TotpEnrolledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    recovery_code::Entity::delete_many()
        .filter(recovery_code::Column::UserId.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(seconds, 0).unwrap()
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890"; the last six of eight digits.
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, 287_082),
            (1_111_111_109, 81_804),
            (1_111_111_111, 50_471),
            (1_234_567_890, 5_924),
            (2_000_000_000, 279_037),
        ] {
            assert_eq!(code_at(secret, step_of(at(time))), code, "t={time}");
        }
    }

    #[test]
    fn a_code_works_in_its_window_once_and_not_after() {
        let secret = new_secret();
        let raw = decode_secret(&secret).unwrap();
        let now = at(1_800_000_000);
        let code = format!("{:06}", code_at(&raw, step_of(now)));
        let step = matching_step(&secret, &code, None, now).unwrap();
        assert_eq!(step, step_of(now));
        // 30 s later still (clock drift), not 90 s later.
        assert!(matching_step(&secret, &code, None, now + Duration::seconds(30)).is_some());
        assert!(matching_step(&secret, &code, None, now + Duration::seconds(90)).is_none());
        // Once used, the same step is refused.
        assert!(matching_step(&secret, &code, Some(step), now).is_none());
        // Typing with a space is fine; letters, five digits or nothing are not codes.
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert!(matching_step(&secret, &spaced, None, now).is_some());
        for bad in ["", "12345", "abcdef", "1234567"] {
            assert!(matching_step(&secret, bad, None, now).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_enrolment_qr_code_carries_the_otpauth_address() {
        let uri = otpauth_uri("一站", "clerk 1", "JBSWY3DPEHPK3PXP");
        assert_eq!(
            uri,
            "otpauth://totp/%E4%B8%80%E7%AB%99:clerk%201?secret=JBSWY3DPEHPK3PXP&issuer=%E4%B8%80%E7%AB%99&algorithm=SHA1&digits=6&period=30"
        );
        let e = enrolment(
            "一站",
            "clerk1",
            "JBSWY3DPEHPK3PXP",
            generate_recovery_codes(),
        )
        .unwrap();
        assert_eq!(e.secret, "JBSW Y3DP EHPK 3PXP");
        assert!(e.qr_size >= 29 && e.qr_path.starts_with('M'));
        assert_eq!(format!("{e:?}"), "Enrolment(<redacted>)");
    }

    #[test]
    fn recovery_codes_are_read_without_case_spaces_or_dashes() {
        assert_eq!(normalise_recovery(" AB2c-dE3f-gh4K "), "ab2cde3fgh4k");
        let codes = generate_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        assert!(codes
            .iter()
            .all(|c| c.len() == 14 && normalise_recovery(c).len() == 12));
    }
}
