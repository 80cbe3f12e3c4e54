//! 文件存储 (file store): bytes addressed by their SHA-256, outside the web root. Local disk by
//! default (`{data dir}/files/ab/abcdef…`); the trait lets object storage take its place.

use sha2::{Digest, Sha256};
use std::future::Future;
use std::io;
use std::path::PathBuf;
use std::pin::Pin;

/// A boxed future, as the storage and sender traits return (they are used as trait objects).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait FileStore: Send + Sync {
    /// Stores the bytes (once: the same content twice is one file) and returns their SHA-256.
    fn put(&self, bytes: Vec<u8>) -> BoxFuture<'_, io::Result<String>>;
    /// The bytes stored under `sha256`, or `None`.
    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Option<Vec<u8>>>>;
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Files in a directory on local disk.
pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    pub fn new(root: impl Into<PathBuf>) -> LocalFiles {
        LocalFiles { root: root.into() }
    }

    /// Only a well-formed digest becomes a path: nothing a caller passes can climb out of the root.
    fn path(&self, sha256: &str) -> Option<PathBuf> {
        let ok = sha256.len() == 64 && sha256.bytes().all(|b| b.is_ascii_hexdigit());
        ok.then(|| self.root.join(&sha256[..2]).join(sha256))
    }
}

impl FileStore for LocalFiles {
    fn put(&self, bytes: Vec<u8>) -> BoxFuture<'_, io::Result<String>> {
        Box::pin(async move {
            let sha = sha256_hex(&bytes);
            let path = self
                .path(&sha)
                .ok_or_else(|| io::Error::other("bad digest"))?;
            if tokio::fs::try_exists(&path).await? {
                return Ok(sha);
            }
            let dir = path.parent().ok_or_else(|| io::Error::other("no parent"))?;
            tokio::fs::create_dir_all(dir).await?;
            // Written under a temporary name, flushed, then renamed: a crash never leaves a
            // half-written file under the real name. The name is this write's own, because the
            // same bytes may be uploaded twice at once (by one server or by several sharing the
            // directory), and one rename must not take the other's file away.
            let tmp = dir.join(format!(".{sha}.{:016x}.tmp", rand::random::<u64>()));
            let mut file = tokio::fs::File::create(&tmp).await?;
            tokio::io::AsyncWriteExt::write_all(&mut file, &bytes).await?;
            file.sync_all().await?;
            drop(file);
            tokio::fs::rename(&tmp, &path).await?;
            Ok(sha)
        })
    }

    fn get<'a>(&'a self, sha256: &'a str) -> BoxFuture<'a, io::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let Some(path) = self.path(sha256) else {
                return Ok(None);
            };
            match tokio::fs::read(&path).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_by_digest_and_bad_digests_find_nothing() {
        let dir = std::env::temp_dir().join(format!("yizhan-files-{}", std::process::id()));
        let store = LocalFiles::new(&dir);
        let sha = store.put(b"%PDF-1.7 test".to_vec()).await.unwrap();
        assert_eq!(sha, sha256_hex(b"%PDF-1.7 test"));
        assert_eq!(store.put(b"%PDF-1.7 test".to_vec()).await.unwrap(), sha);
        assert_eq!(store.get(&sha).await.unwrap().unwrap(), b"%PDF-1.7 test");
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);
        assert_eq!(store.get(&"0".repeat(64)).await.unwrap(), None);
        std::fs::remove_dir_all(dir).ok();
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_same_bytes_uploaded_many_times_at_once_are_all_stored() {
        let dir = std::env::temp_dir().join(format!("yizhan-files-same-{}", std::process::id()));
        let store = std::sync::Arc::new(LocalFiles::new(&dir));
        let puts: Vec<_> = (0..32)
            .map(|_| {
                let store = store.clone();
                tokio::spawn(async move { store.put(b"%PDF-1.7 same scan".to_vec()).await })
            })
            .collect();
        for put in puts {
            assert_eq!(
                put.await.unwrap().expect("every upload is stored"),
                sha256_hex(b"%PDF-1.7 same scan")
            );
        }
        let sha = sha256_hex(b"%PDF-1.7 same scan");
        assert_eq!(
            store.get(&sha).await.unwrap().unwrap(),
            b"%PDF-1.7 same scan"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
