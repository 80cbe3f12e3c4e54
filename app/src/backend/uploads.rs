//! 上传材料 (material uploads): a file is accepted only when its content is a PDF, JPEG, PNG or OFD
//! document of at most [`MAX_BYTES`], whatever its name says; the bytes go to the content-addressed
//! store and a row records who uploaded what. Only the uploader may attach or read an upload.

use super::entities::upload;
use super::error::{ServiceError, ServiceResult};
use super::files::FileStore;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

/// The largest material file: a scanned multi-page document at a readable resolution.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

/// What an upload was recognised as: (MIME type, extension).
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        return Some(("application/pdf", "pdf"));
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(("image/jpeg", "jpg"));
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(("image/png", "png"));
    }
    // OFD (GB/T 33190): a ZIP package whose entry point is OFD.xml.
    if bytes.starts_with(b"PK\x03\x04") && contains(bytes, b"OFD.xml") {
        return Some(("application/ofd", "ofd"));
    }
    None
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The message for a file that is too large, with its size.
pub fn too_large(size: usize) -> String {
    format!(
        "文件太大（{:.1} MB），每个文件不能超过 {} MB。可以降低扫描分辨率或分页上传",
        size as f64 / 1_048_576.0,
        MAX_BYTES / 1_048_576
    )
}

/// The file name as shown back to its owner: no path, no control characters, at most 100 characters.
pub fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '<' | '>' | '"'))
        .take(100)
        .collect();
    if cleaned.trim().is_empty() {
        "未命名文件".into()
    } else {
        cleaned
    }
}

/// Checks and stores one file of `owner`.
pub async fn store(
    db: &impl ConnectionTrait,
    files: &dyn FileStore,
    owner: i32,
    file_name: &str,
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> ServiceResult<upload::Model> {
    if bytes.is_empty() {
        return Err(ServiceError::Invalid("文件是空的，请重新选择".into()));
    }
    if bytes.len() > MAX_BYTES {
        return Err(ServiceError::Invalid(too_large(bytes.len())));
    }
    let Some((content_type, _)) = sniff(&bytes) else {
        return Err(ServiceError::Invalid(
            "文件内容不是 PDF、JPG、PNG 或 OFD 格式（只改文件名的扩展名不行），请上传扫描件或照片"
                .into(),
        ));
    };
    let size = bytes.len() as i64;
    let sha256 = files
        .put(bytes)
        .await
        .map_err(|e| ServiceError::Internal(format!("file store: {e}")))?;
    Ok(upload::ActiveModel {
        owner_user_id: Set(owner),
        sha256: Set(sha256),
        size: Set(size),
        content_type: Set(content_type.to_string()),
        file_name: Set(clean_name(file_name)),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?)
}

/// An upload of `owner`; someone else's upload is "not found", like one that does not exist.
pub async fn find_owned(
    db: &impl ConnectionTrait,
    owner: i32,
    id: i64,
) -> ServiceResult<Option<upload::Model>> {
    Ok(upload::Entity::find_by_id(id)
        .filter(upload::Column::OwnerUserId.eq(owner))
        .one(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn materials_are_recognised_by_content() {
        assert_eq!(sniff(b"%PDF-1.4 ..."), Some(("application/pdf", "pdf")));
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Some(("image/jpeg", "jpg"))
        );
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(("image/png", "png")));
        let mut ofd = b"PK\x03\x04\x14\x00\x00\x00".to_vec();
        ofd.extend_from_slice(b"....OFD.xml....");
        assert_eq!(sniff(&ofd), Some(("application/ofd", "ofd")));
        assert_eq!(sniff(b"PK\x03\x04 a plain zip"), None);
        assert_eq!(sniff(b"MZ\x90\x00 an exe named scan.pdf"), None);
        assert_eq!(sniff(b"<html><script>"), None);
    }

    #[test]
    fn names_lose_paths_and_markup() {
        assert_eq!(clean_name("C:\\Users\\张三\\身份证.pdf"), "身份证.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("<script>.pdf"), "script.pdf");
        assert_eq!(clean_name(""), "未命名文件");
    }
}
