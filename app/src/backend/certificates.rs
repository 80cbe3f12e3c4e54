//! 电子证照 (certificates): issued when a granted case is concluded, their content signed with the
//! portal's Ed25519 key, so that `/verify/{code}` checks the signature instead of trusting the
//! database alone: a row edited by hand, or signed by another key, shows as invalid.

use super::audit::{self, AuditEntry};
use super::entities::{application, certificate};
use super::error::{ServiceError, ServiceResult};
use super::state::Environment;
use crate::domain::casework::{CertificateContent, Verification};
use base64::Engine as _;
use chrono::{DateTime, NaiveDate, Utc};
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use sha2::{Digest, Sha256};
use std::path::Path;

/// The portal's signing key.
pub struct Signer {
    pair: Ed25519KeyPair,
    /// The first 16 hex digits of the public key's SHA-256: which key signed a certificate.
    pub key_id: String,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("key_id", &self.key_id)
            .finish()
    }
}

impl Signer {
    /// A key from its PKCS#8 document.
    pub fn from_pkcs8(bytes: &[u8]) -> ServiceResult<Signer> {
        let pair = Ed25519KeyPair::from_pkcs8(bytes).map_err(|_| {
            ServiceError::Invalid("证照签名密钥文件不是有效的 Ed25519 PKCS#8 密钥".into())
        })?;
        let key_id = hex::encode(&Sha256::digest(pair.public_key().as_ref())[..8]);
        Ok(Signer { pair, key_id })
    }

    /// A new random key (development, tests).
    pub fn generate() -> ServiceResult<(Signer, Vec<u8>)> {
        let rng = ring::rand::SystemRandom::new();
        let doc = Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| ServiceError::Internal("key generation failed".into()))?;
        let bytes = doc.as_ref().to_vec();
        Ok((Signer::from_pkcs8(&bytes)?, bytes))
    }

    /// The key at `path`. In development a missing key is generated there (readable by the owner
    /// only); in production a missing key is an error, because certificates signed by a key that
    /// is then lost can no longer be verified.
    pub fn load_or_create(path: &Path, environment: Environment) -> ServiceResult<Signer> {
        match std::fs::read(path) {
            Ok(bytes) => Signer::from_pkcs8(&bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if environment == Environment::Production {
                    return Err(ServiceError::Invalid(format!(
                        "找不到证照签名密钥 {}：生产环境须配置 YIZHAN_SIGNING_KEY",
                        path.display()
                    )));
                }
                let (signer, bytes) = Signer::generate()?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| ServiceError::Internal(format!("key dir: {e}")))?;
                }
                match publish_private(path, &bytes) {
                    Ok(()) => {
                        tracing::info!(key_id = %signer.key_id, "generated a development signing key");
                        Ok(signer)
                    }
                    // Another instance sharing the data directory got there first: use its key,
                    // so that every instance signs with the same one.
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::load_or_create(path, environment)
                    }
                    Err(e) => Err(ServiceError::Internal(format!("key file: {e}"))),
                }
            }
            Err(e) => Err(ServiceError::Internal(format!(
                "signing key {}: {e}",
                path.display()
            ))),
        }
    }

    pub fn public_key(&self) -> Vec<u8> {
        self.pair.public_key().as_ref().to_vec()
    }

    /// Base64 of the signature of `content`.
    pub fn sign(&self, content: &str) -> String {
        base64::engine::general_purpose::STANDARD.encode(self.pair.sign(content.as_bytes()))
    }

    /// Whether `signature` (base64) is this key's signature of `content`.
    pub fn verifies(&self, content: &str, signature: &str) -> bool {
        let Ok(sig) = base64::engine::general_purpose::STANDARD.decode(signature) else {
            return false;
        };
        UnparsedPublicKey::new(&ED25519, self.public_key())
            .verify(content.as_bytes(), &sig)
            .is_ok()
    }
}

/// Puts the key at `path` whole or not at all: it is written to a file of this process's own and
/// then linked into place, which fails with `AlreadyExists` when another process was first — so a
/// reader never sees half a key.
fn publish_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let own = path.with_extension(format!("new-{:016x}", rand::random::<u64>()));
    write_private(&own, bytes)?;
    let linked = std::fs::hard_link(&own, path);
    let _ = std::fs::remove_file(&own);
    linked
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// 证照编号: 20 random characters of an alphabet without look-alikes, unguessable so that the
/// verification page cannot be walked.
fn new_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// What a certificate says, besides its code.
pub struct NewCertificate {
    pub item_name: String,
    pub title: String,
    pub holder: String,
    pub holder_id: String,
    pub department: String,
    pub issued_on: NaiveDate,
}

/// Issues the certificate of a concluded case inside the caller's transaction.
pub async fn issue(
    txn: &impl ConnectionTrait,
    signer: &Signer,
    app: &application::Model,
    new: NewCertificate,
    now: DateTime<Utc>,
) -> ServiceResult<certificate::Model> {
    let content = CertificateContent {
        code: new_code(),
        case_no: app.case_no.clone(),
        item_code: app.item_code.clone(),
        item_name: new.item_name,
        title: new.title,
        holder: new.holder,
        holder_id: crate::domain::casework::mask_id(&new.holder_id),
        department: new.department,
        issued_on: new.issued_on,
    };
    let text =
        serde_json::to_string(&content).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(certificate::ActiveModel {
        code: Set(content.code.clone()),
        application_id: Set(app.id),
        case_no: Set(app.case_no.clone()),
        signature: Set(signer.sign(&text)),
        content: Set(text),
        key_id: Set(signer.key_id.clone()),
        issued_at: Set(now),
        revoked_at: Set(None),
        revoked_reason: Set(String::new()),
        ..Default::default()
    }
    .insert(txn)
    .await?)
}

pub async fn find(
    db: &impl ConnectionTrait,
    code: &str,
) -> ServiceResult<Option<certificate::Model>> {
    if code.len() > 32 {
        return Ok(None);
    }
    Ok(certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code))
        .one(db)
        .await?)
}

pub async fn of_case(
    db: &impl ConnectionTrait,
    case_no: &str,
) -> ServiceResult<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::CaseNo.eq(case_no))
        .one(db)
        .await?)
}

/// Checks a certificate: its row, its signature by this portal's key over the stored content, and
/// that the content names the code asked for.
pub async fn verify(
    db: &impl ConnectionTrait,
    signer: &Signer,
    code: &str,
) -> ServiceResult<Verification> {
    let Some(row) = find(db, code.trim()).await? else {
        return Ok(Verification::Invalid);
    };
    Ok(check(signer, &row))
}

/// The verdict on one row.
pub fn check(signer: &Signer, row: &certificate::Model) -> Verification {
    if !signer.verifies(&row.content, &row.signature) {
        return Verification::Invalid;
    }
    let Ok(content) = serde_json::from_str::<CertificateContent>(&row.content) else {
        return Verification::Invalid;
    };
    if content.code != row.code || content.case_no != row.case_no {
        return Verification::Invalid;
    }
    match row.revoked_at {
        Some(at) => Verification::Revoked {
            content,
            at,
            reason: row.revoked_reason.clone(),
        },
        None => Verification::Valid(content),
    }
}

/// 注销: a certificate is revoked (for example after the permit is withdrawn), with a reason; the
/// verification page then says so.
pub async fn revoke(
    db: &DatabaseConnection,
    by: (i32, &str),
    code: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(ServiceError::Invalid(
            "请写明注销理由（不超过 500 字）".into(),
        ));
    }
    let row = find(db, code).await?.ok_or(ServiceError::NotFound)?;
    if row.revoked_at.is_some() {
        return Err(ServiceError::Conflict("该证照已注销".into()));
    }
    let txn = sea_orm::TransactionTrait::begin(db).await?;
    let mut active: certificate::ActiveModel = row.clone().into();
    active.revoked_at = Set(Some(now));
    active.revoked_reason = Set(reason.to_string());
    active.update(&txn).await?;
    audit::append(
        &txn,
        AuditEntry {
            at: now,
            actor_user_id: Some(by.0),
            actor: by.1.to_string(),
            action: "certificate.revoke".into(),
            target: format!("certificate:{}", row.code),
            detail: format!("case {}", row.case_no),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_development_key_is_made_once_and_production_needs_one() {
        let dir = std::env::temp_dir().join(format!("yizhan-key-{}", std::process::id()));
        let path = dir.join("keys/certificate-ed25519.p8");
        let _ = std::fs::remove_dir_all(&dir);
        let missing = Signer::load_or_create(&path, Environment::Production);
        assert!(
            matches!(missing, Err(ServiceError::Invalid(m)) if m.contains("YIZHAN_SIGNING_KEY"))
        );
        let made = Signer::load_or_create(&path, Environment::Development).unwrap();
        let again = Signer::load_or_create(&path, Environment::Production).unwrap();
        assert_eq!(made.key_id, again.key_id, "the key file is reused");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "readable by the owner only");
        }
        std::fs::write(&path, b"not a key").unwrap();
        assert!(Signer::load_or_create(&path, Environment::Development).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn instances_starting_together_on_one_data_directory_share_one_key() {
        let dir = std::env::temp_dir().join(format!("yizhan-keys-{}", std::process::id()));
        let path = dir.join("keys/certificate-ed25519.p8");
        let _ = std::fs::remove_dir_all(&dir);
        let ids: Vec<String> = std::thread::scope(|s| {
            let starts: Vec<_> = (0..8)
                .map(|_| s.spawn(|| Signer::load_or_create(&path, Environment::Development)))
                .collect();
            starts
                .into_iter()
                .map(|t| t.join().unwrap().expect("every instance starts").key_id)
                .collect()
        });
        assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
        let left: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no half-made key files are left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_signature_covers_every_byte_of_the_content() {
        let (signer, _) = Signer::generate().unwrap();
        let sig = signer.sign("{\"holder\":\"张晓明\"}");
        assert!(signer.verifies("{\"holder\":\"张晓明\"}", &sig));
        assert!(!signer.verifies("{\"holder\":\"张晓亮\"}", &sig));
        assert!(!signer.verifies("{\"holder\":\"张晓明\"}", "not base64!"));
        let (other, _) = Signer::generate().unwrap();
        assert!(!other.verifies("{\"holder\":\"张晓明\"}", &sig));
    }
}
