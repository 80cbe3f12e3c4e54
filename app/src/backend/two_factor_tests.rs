//! The second factor of staff logins on both engines: enrolment at the first login, codes that work
//! once, recovery codes, challenges that expire or run out, lockout, and a reset by the security
//! administrator.

use super::audit::{self, ChainCheck};
use super::auth::{self, LoggedIn, Login};
use super::demo;
use super::entities::user;
use super::error::ServiceError;
use super::state::Environment;
use super::testing::TestDb;
use super::throttle::Client;
use super::two_factor::{self, Policy};
use chrono::{DateTime, Duration, TimeZone, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement,
};

const PASSWORD: &str = "Yizhan@2026";

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 9, 28, 1, 30, 0).unwrap()
}

/// The code an authenticator app holding `secret` shows at `at`.
fn app_code(secret: &str, at: DateTime<Utc>) -> String {
    let raw = data_encoding::BASE32_NOPAD
        .decode(secret.as_bytes())
        .unwrap();
    format!("{:06}", two_factor::code_at(&raw, two_factor::step_of(at)))
}

/// A code that is not the one shown at `at`.
fn wrong_code(secret: &str, at: DateTime<Utc>) -> String {
    let right: u32 = app_code(secret, at).parse().unwrap();
    format!("{:06}", (right + 1) % 1_000_000)
}

async fn password_step(db: &DatabaseConnection, username: &str, at: DateTime<Utc>) -> Login {
    auth::login(
        db,
        username,
        PASSWORD,
        &Client::default(),
        Policy::StaffRequired,
        at,
    )
    .await
    .unwrap()
}

fn challenge_of(login: Login) -> String {
    match login {
        Login::SecondFactor { challenge } => challenge.0,
        Login::SignedIn(_) => panic!("a staff login must ask for a second factor"),
    }
}

async fn code_step(
    db: &DatabaseConnection,
    challenge: &str,
    code: &str,
    at: DateTime<Utc>,
) -> Result<LoggedIn, ServiceError> {
    auth::second_factor(db, challenge, code, &Client::default(), at).await
}

async fn stored_secret(db: &DatabaseConnection, username: &str) -> Option<String> {
    user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .totp_secret
}

async fn audit_actions(db: &DatabaseConnection, username: &str) -> Vec<String> {
    db.query_all_raw(Statement::from_string(
        db.get_database_backend(),
        format!("SELECT action FROM audit_log WHERE target = 'user:{username}' ORDER BY id"),
    ))
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("", "action").unwrap())
    .collect()
}

fn is_refused(r: &Result<LoggedIn, ServiceError>) -> bool {
    matches!(r, Err(ServiceError::Refused(_)))
}

#[tokio::test]
async fn staff_enrol_an_authenticator_at_their_first_login_and_each_code_works_once() {
    for t in TestDb::both().await {
        let db = &t.db;
        demo::seed(db, Environment::Development, PASSWORD, t0())
            .await
            .unwrap();
        // Citizens sign in with their password alone, whatever the policy.
        assert!(password_step(db, "citizen1", t0())
            .await
            .signed_in()
            .is_some());
        // A staff member's right password opens a challenge, not a session.
        let challenge = challenge_of(password_step(db, "clerk1", t0()).await);
        let prompt = two_factor::prompt(db, &challenge, "一站", t0())
            .await
            .unwrap();
        assert_eq!(prompt.display_name, "王窗口");
        let enrolment = prompt.enrolment.expect("clerk1 has no authenticator yet");
        assert_eq!(enrolment.recovery_codes.len(), two_factor::RECOVERY_CODES);
        let secret = enrolment.secret.replace(' ', "");
        // A wrong first code enrols nothing.
        assert!(is_refused(
            &code_step(db, &challenge, &wrong_code(&secret, t0()), t0()).await
        ));
        assert_eq!(stored_secret(db, "clerk1").await, None, "{}", t.label);
        // The app's code enrols and signs in; the challenge is used up.
        let at = t0() + Duration::seconds(20);
        let session = code_step(db, &challenge, &app_code(&secret, at), at)
            .await
            .unwrap();
        assert!(auth::resume(db, &session.token, at)
            .await
            .unwrap()
            .is_some());
        assert_eq!(
            stored_secret(db, "clerk1").await.as_deref(),
            Some(secret.as_str())
        );
        assert!(is_refused(
            &code_step(db, &challenge, &app_code(&secret, at), at).await
        ));

        // The next login asks for the code, and a code already used is refused within its window.
        let at = t0() + Duration::seconds(25);
        let challenge = challenge_of(password_step(db, "clerk1", at).await);
        let prompt = two_factor::prompt(db, &challenge, "一站", at)
            .await
            .unwrap();
        assert!(prompt.enrolment.is_none());
        assert!(is_refused(
            &code_step(db, &challenge, &app_code(&secret, at), at).await
        ));
        let later = t0() + Duration::seconds(65);
        code_step(db, &challenge, &app_code(&secret, later), later)
            .await
            .unwrap();

        // A recovery code stands in for the phone once.
        let at = t0() + Duration::minutes(5);
        let spare = &enrolment.recovery_codes[3];
        let challenge = challenge_of(password_step(db, "clerk1", at).await);
        code_step(db, &challenge, &spare.to_uppercase(), at)
            .await
            .unwrap();
        let challenge = challenge_of(password_step(db, "clerk1", at).await);
        assert!(
            is_refused(&code_step(db, &challenge, spare, at).await),
            "{}",
            t.label
        );
        assert_eq!(
            two_factor::recovery_codes_left(db, session.account.id)
                .await
                .unwrap(),
            9
        );

        // A challenge lasts ten minutes.
        let challenge = challenge_of(password_step(db, "clerk1", at).await);
        let too_late = at + Duration::minutes(11);
        assert!(is_refused(
            &code_step(db, &challenge, &app_code(&secret, too_late), too_late).await
        ));

        let actions = audit_actions(db, "clerk1").await;
        for expected in [
            "auth.password_ok",
            "auth.two_factor_enrolled",
            "auth.second_factor_failed",
            "auth.recovery_code_used",
            "auth.login",
        ] {
            assert!(
                actions.iter().any(|a| a == expected),
                "{expected} in {actions:?}"
            );
        }
        assert!(matches!(
            audit::verify(db).await.unwrap(),
            ChainCheck::Intact { .. }
        ));
        t.finish().await;
    }
}

#[tokio::test]
async fn wrong_codes_lock_the_account_and_a_reset_makes_it_enrol_again() {
    for t in TestDb::both().await {
        let db = &t.db;
        demo::seed(db, Environment::Development, PASSWORD, t0())
            .await
            .unwrap();
        let challenge = challenge_of(password_step(db, "reviewer1", t0()).await);
        let prompt = two_factor::prompt(db, &challenge, "一站", t0())
            .await
            .unwrap();
        let secret = prompt.enrolment.unwrap().secret.replace(' ', "");
        code_step(db, &challenge, &app_code(&secret, t0()), t0())
            .await
            .unwrap();

        // Once enrolled, even the development policy asks for the code.
        let at = t0() + Duration::minutes(1);
        let login = auth::login(
            db,
            "reviewer1",
            PASSWORD,
            &Client::default(),
            Policy::WhenEnrolled,
            at,
        )
        .await
        .unwrap();
        let challenge = challenge_of(login);
        // Guessing codes locks the account like guessing passwords: the fifth wrong one locks it.
        for _ in 0..auth::MAX_FAILED_LOGINS - 1 {
            assert!(is_refused(
                &code_step(db, &challenge, &wrong_code(&secret, at), at).await
            ));
        }
        let locked = code_step(db, &challenge, &wrong_code(&secret, at), at).await;
        assert!(
            matches!(locked, Err(ServiceError::Locked(_))),
            "{}: {locked:?}",
            t.label
        );
        // The right code does not get past the lock, and the challenge is spent.
        let r = code_step(db, &challenge, &app_code(&secret, at), at).await;
        assert!(r.is_err());
        let after = at + Duration::minutes(auth::LOCK_MINUTES + 1);
        let challenge = challenge_of(
            auth::login(
                db,
                "reviewer1",
                PASSWORD,
                &Client::default(),
                Policy::WhenEnrolled,
                after,
            )
            .await
            .unwrap(),
        );
        code_step(db, &challenge, &app_code(&secret, after), after)
            .await
            .unwrap();

        // A lost phone: the security administrator resets; the next login enrols a new secret.
        let id = user::Entity::find()
            .filter(user::Column::Username.eq("reviewer1"))
            .one(db)
            .await
            .unwrap()
            .unwrap()
            .id;
        two_factor::reset(db, id).await.unwrap();
        assert_eq!(two_factor::recovery_codes_left(db, id).await.unwrap(), 0);
        let again = after + Duration::minutes(1);
        // Without enrolment the development policy lets the password through again…
        assert!(auth::login(
            db,
            "reviewer1",
            PASSWORD,
            &Client::default(),
            Policy::WhenEnrolled,
            again
        )
        .await
        .unwrap()
        .signed_in()
        .is_some());
        // …and production asks for a new authenticator.
        let challenge = challenge_of(password_step(db, "reviewer1", again).await);
        let fresh = two_factor::prompt(db, &challenge, "一站", again)
            .await
            .unwrap();
        assert_ne!(fresh.enrolment.unwrap().secret.replace(' ', ""), secret);
        t.finish().await;
    }
}
