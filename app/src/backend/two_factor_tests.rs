//! The second factor of staff logins on both engines: enrolment at the first login, codes that work
//! once, recovery codes, challenges that expire or run out, lockout, and a reset by the security
//! administrator.

use super::account_security;
use super::audit::{self, ChainCheck};
use super::auth::{self, LoggedIn, Login};
use super::demo;
use super::entities::user;
use super::error::ServiceError;
use super::state::Environment;
use super::testing::{self, TestDb};
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

/// A session of an account without an authenticator, signed in with the development policy.
async fn signed_in(db: &DatabaseConnection, username: &str, at: DateTime<Utc>) -> LoggedIn {
    testing::sign_in(db, username, PASSWORD, at).await
}

/// The demo security administrator, who has an authenticator with the demo key.
async fn secadmin(db: &DatabaseConnection, at: DateTime<Utc>) -> LoggedIn {
    let login = auth::login(
        db,
        "secadmin1",
        PASSWORD,
        &Client::default(),
        Policy::WhenEnrolled,
        at,
    )
    .await
    .unwrap();
    let code = app_code(demo::DEMO_TOTP_SECRET, at);
    code_step(db, &challenge_of(login), &code, at)
        .await
        .unwrap()
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
async fn wrong_codes_lock_the_account_and_a_security_administrator_resets_a_lost_authenticator() {
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

        // A lost phone: only a security administrator resets, not their own, and it is audited.
        let secadmin = secadmin(db, after).await;
        let clerk = signed_in(db, "clerk1", after).await;
        let bystander = signed_in(db, "citizen1", after).await;
        assert!(matches!(
            account_security::reset_second_factor(db, &clerk.account, "reviewer1", after).await,
            Err(ServiceError::Forbidden(_))
        ));
        assert!(matches!(
            account_security::reset_second_factor(db, &secadmin.account, "secadmin1", after).await,
            Err(ServiceError::Refused(_))
        ));
        assert!(matches!(
            account_security::reset_second_factor(db, &secadmin.account, "nobody", after).await,
            Err(ServiceError::NotFound)
        ));
        let listed = account_security::overview(db, &secadmin.account, after)
            .await
            .unwrap();
        let row = listed.iter().find(|a| a.username == "reviewer1").unwrap();
        assert!(
            row.enrolled_at.is_some() && row.recovery_codes_left == 10,
            "{row:?}"
        );
        assert!(
            !listed.iter().any(|a| a.username == "citizen1"),
            "citizens are listed only when locked"
        );
        let reviewer_session = challenge_of(
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
        let reviewer = code_step(
            db,
            &reviewer_session,
            &app_code(&secret, after + Duration::seconds(30)),
            after + Duration::seconds(30),
        )
        .await
        .unwrap();
        account_security::reset_second_factor(db, &secadmin.account, "reviewer1", after)
            .await
            .unwrap();
        // The reset ends the person's sessions (whoever has the phone may have one).
        assert!(auth::resume(db, &reviewer.token, after)
            .await
            .unwrap()
            .is_none());
        assert!(auth::resume(db, &bystander.token, after)
            .await
            .unwrap()
            .is_some());
        let id = reviewer.account.id;
        assert_eq!(two_factor::recovery_codes_left(db, id).await.unwrap(), 0);
        assert!(audit_actions(db, "reviewer1")
            .await
            .contains(&"security.two_factor_reset".to_string()));
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

#[tokio::test]
async fn a_security_administrator_unlocks_a_locked_account_and_it_is_audited() {
    for t in TestDb::both().await {
        let db = &t.db;
        demo::seed(db, Environment::Development, PASSWORD, t0())
            .await
            .unwrap();
        for _ in 0..auth::MAX_FAILED_LOGINS {
            let _ = auth::login(
                db,
                "citizen1",
                "Wrong#1234",
                &Client::default(),
                Policy::WhenEnrolled,
                t0(),
            )
            .await;
        }
        let locked = auth::login(
            db,
            "citizen1",
            PASSWORD,
            &Client::default(),
            Policy::WhenEnrolled,
            t0(),
        )
        .await;
        assert!(
            matches!(locked, Err(ServiceError::Locked(_))),
            "{}",
            t.label
        );
        let secadmin = secadmin(db, t0()).await;
        let listed = account_security::overview(db, &secadmin.account, t0())
            .await
            .unwrap();
        assert!(listed
            .iter()
            .any(|a| a.username == "citizen1" && a.locked_until.is_some()));
        let admin = signed_in(db, "admin1", t0()).await;
        assert!(matches!(
            account_security::unlock(db, &admin.account, "citizen1", t0()).await,
            Err(ServiceError::Forbidden(_))
        ));
        account_security::unlock(db, &secadmin.account, "citizen1", t0())
            .await
            .unwrap();
        assert!(signed_in(db, "citizen1", t0()).await.account.username == "citizen1");
        assert!(audit_actions(db, "citizen1")
            .await
            .contains(&"security.unlock".to_string()));
        t.finish().await;
    }
}
