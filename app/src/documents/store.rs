//! Where document bytes live: the local data directory, or an S3-compatible object store when
//! several app instances share the documents. Either way a document is first written to a
//! temporary file of the data directory (the size limit and the content checks run on it), then
//! flushed and moved into place (local) or sent in parts (object store) under a generated name;
//! only then is its database row committed. Nothing here deletes a stored document.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use futures_util::{StreamExt, TryStreamExt};
use object_store::{path::Path as ObjectPath, ObjectStore, WriteMultipart};
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::fs;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

/// Files in progress: removed at start, since an upload cut off by a stop never finished.
const TEMPORARY: &str = "tmp";
const STORED: &str = "files";

/// Parts sent to the object store at once: the memory an upload holds is about this many parts.
const PARTS_IN_FLIGHT: usize = 2;

#[derive(Clone)]
pub struct DocumentStore {
    /// Temporary files always, and the stored files too without an object store.
    root: PathBuf,
    remote: Option<Arc<dyn ObjectStore>>,
}

/// An S3-compatible object store (AWS, MinIO, Garage, Ceph...) holding the stored files.
#[derive(Clone, Debug)]
pub struct S3Settings {
    /// `s3://bucket` or `s3://bucket/prefix`.
    pub url: String,
    /// For a store other than AWS, e.g. `http://127.0.0.1:9000` (plain HTTP allowed then).
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

impl S3Settings {
    pub fn connect(&self) -> Result<Arc<dyn ObjectStore>, String> {
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_url(&self.url)
            .with_region(&self.region)
            .with_access_key_id(&self.access_key_id)
            .with_secret_access_key(&self.secret_access_key)
            // A store that does not answer fails the start (or the upload) within half a minute.
            .with_retry(object_store::RetryConfig {
                max_retries: 3,
                retry_timeout: std::time::Duration::from_secs(30),
                ..Default::default()
            });
        if let Some(endpoint) = &self.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"))
                .with_virtual_hosted_style_request(false);
        }
        let store = builder.build().map_err(|error| error.to_string())?;
        Ok(Arc::new(store))
    }
}

/// The object store holding the stored files, when there is one.
pub type RemoteStore = Arc<dyn ObjectStore>;

/// A stored document being read (download, zip).
pub type StoredReader = Pin<Box<dyn AsyncRead + Send>>;

/// A document written to its final place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub stored_name: String,
    pub sha256: String,
    pub size_bytes: u64,
}

/// An upload being written; dropped without [`Upload::finish`], it leaves a temporary file that
/// the next start removes.
pub struct Upload {
    file: fs::File,
    temporary: PathBuf,
    stored: PathBuf,
    remote: Option<Arc<dyn ObjectStore>>,
    stored_name: String,
    hasher: Sha256,
    size_bytes: u64,
}

impl DocumentStore {
    /// Opens (creates) the store under `root`, keeping the stored files there or, with `remote`,
    /// in that object store; removes what unfinished uploads left behind and returns how many
    /// temporary files were removed.
    pub async fn open(root: impl Into<PathBuf>, remote: Option<Arc<dyn ObjectStore>>) -> io::Result<(Self, usize)> {
        let root = root.into();
        fs::create_dir_all(root.join(STORED)).await?;
        fs::create_dir_all(root.join(TEMPORARY)).await?;
        let mut removed = 0;
        let mut temporaries = fs::read_dir(root.join(TEMPORARY)).await?;
        while let Some(entry) = temporaries.next_entry().await? {
            fs::remove_file(entry.path()).await?;
            removed += 1;
        }
        Ok((DocumentStore { root, remote }, removed))
    }

    /// The store as a command running beside the portal sees it (a backup): nothing is created
    /// or removed, the temporary files being the running portal's uploads.
    pub fn beside_portal(root: impl Into<PathBuf>, remote: Option<Arc<dyn ObjectStore>>) -> Self {
        DocumentStore { root: root.into(), remote }
    }

    /// Where stored files are, for the start's log.
    pub fn describe(&self) -> String {
        match &self.remote {
            Some(remote) => remote.to_string(),
            None => self.root.join(STORED).display().to_string(),
        }
    }

    pub async fn begin(&self) -> io::Result<Upload> {
        let mut random = [0u8; 16];
        rand::rng().fill_bytes(&mut random);
        self.begin_as(hex::encode(random)).await
    }

    /// An upload under a name this store gave earlier: a document put back from a backup.
    pub async fn begin_restoring(&self, stored_name: &str) -> io::Result<Upload> {
        self.begin_as(checked(stored_name)?.to_owned()).await
    }

    async fn begin_as(&self, stored_name: String) -> io::Result<Upload> {
        let temporary = self.root.join(TEMPORARY).join(format!("{stored_name}.part"));
        let file = fs::OpenOptions::new().write(true).create_new(true).open(&temporary).await?;
        Ok(Upload {
            file,
            temporary,
            stored: self.root.join(STORED).join(&stored_name),
            remote: self.remote.clone(),
            stored_name,
            hasher: Sha256::new(),
            size_bytes: 0,
        })
    }

    /// Whether a document is stored under this name.
    pub async fn contains(&self, stored_name: &str) -> io::Result<bool> {
        let name = checked(stored_name)?;
        match &self.remote {
            None => fs::try_exists(self.root.join(STORED).join(name)).await,
            Some(remote) => match remote.head(&object_path(name)).await {
                Ok(_) => Ok(true),
                Err(object_store::Error::NotFound { .. }) => Ok(false),
                Err(error) => Err(io::Error::other(error)),
            },
        }
    }

    pub async fn open_stored(&self, stored_name: &str) -> io::Result<StoredReader> {
        let name = checked(stored_name)?;
        match &self.remote {
            None => Ok(Box::pin(fs::File::open(self.root.join(STORED).join(name)).await?)),
            Some(remote) => {
                let object = remote.get(&object_path(name)).await.map_err(io::Error::other)?;
                let bytes = object.into_stream().map_err(io::Error::other);
                Ok(Box::pin(tokio_util::io::StreamReader::new(bytes)))
            }
        }
    }

    /// Whether the stored files can be reached now: their directory is there, or the object
    /// store answers (a key that does not exist is an answer).
    pub async fn reachable(&self) -> io::Result<()> {
        match &self.remote {
            None => match fs::metadata(self.root.join(STORED)).await?.is_dir() {
                true => Ok(()),
                false => Err(io::Error::new(io::ErrorKind::NotFound, "the stored files' directory is gone")),
            },
            Some(remote) => match remote.head(&ObjectPath::from(READINESS_PROBE)).await {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(error) => Err(io::Error::other(error)),
            },
        }
    }

    /// Stored files that no database row knows of (reported at start, never removed).
    pub async fn unknown_files(&self, known: &HashSet<String>) -> io::Result<Vec<String>> {
        let mut names = Vec::new();
        match &self.remote {
            None => {
                let mut stored = fs::read_dir(self.root.join(STORED)).await?;
                while let Some(entry) = stored.next_entry().await? {
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
            Some(remote) => {
                let mut listed = remote.list(Some(&ObjectPath::from(STORED)));
                while let Some(object) = listed.next().await {
                    let object = object.map_err(io::Error::other)?;
                    names.extend(object.location.filename().map(str::to_owned));
                }
            }
        }
        let mut unknown: Vec<String> = names.into_iter().filter(|name| !known.contains(name)).collect();
        unknown.sort();
        Ok(unknown)
    }
}

/// The key the readiness check asks the object store about: never written, its absence is the answer.
const READINESS_PROBE: &str = "sante";

/// Only names this store generated: never a path a request could choose.
fn checked(stored_name: &str) -> io::Result<&str> {
    if stored_name.len() == 32 && stored_name.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        Ok(stored_name)
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidInput, "not a stored document name"))
    }
}

fn object_path(stored_name: &str) -> ObjectPath {
    ObjectPath::from(format!("{STORED}/{stored_name}"))
}

impl Upload {
    /// The file written so far, for checks that read it whole (the parts of an Office zip).
    pub async fn written_path(&mut self) -> io::Result<&Path> {
        // Tokio buffers writes: hand them to the system before another reader opens the file.
        self.file.flush().await?;
        Ok(&self.temporary)
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    pub async fn write(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.hasher.update(chunk);
        self.size_bytes += chunk.len() as u64;
        self.file.write_all(chunk).await
    }

    /// Locally, flushes the file to disk and moves it into place (then flushes the folder, so the
    /// move itself survives a power cut). With an object store, sends it in parts, a few at a
    /// time, and removes the temporary file once the store has confirmed the whole.
    pub async fn finish(mut self) -> io::Result<StoredFile> {
        self.file.flush().await?;
        match self.remote.take() {
            None => {
                self.file.sync_all().await?;
                fs::rename(&self.temporary, &self.stored).await?;
                if let Some(folder) = self.stored.parent() {
                    sync_folder(folder).await?;
                }
            }
            Some(remote) => {
                let parts = remote.put_multipart(&object_path(&self.stored_name)).await.map_err(io::Error::other)?;
                let mut sending = WriteMultipart::new(parts);
                let mut file = fs::File::open(&self.temporary).await?;
                let mut chunk = vec![0; 1024 * 1024];
                loop {
                    let read = file.read(&mut chunk).await?;
                    if read == 0 {
                        break;
                    }
                    sending.wait_for_capacity(PARTS_IN_FLIGHT).await.map_err(io::Error::other)?;
                    sending.write(&chunk[..read]);
                }
                sending.finish().await.map_err(io::Error::other)?;
                fs::remove_file(&self.temporary).await?;
            }
        }
        Ok(StoredFile {
            stored_name: self.stored_name,
            sha256: hex::encode(self.hasher.finalize()),
            size_bytes: self.size_bytes,
        })
    }

    /// Gives up an upload (refused content, size over the limit): its temporary file goes.
    pub async fn abandon(self) -> io::Result<()> {
        drop(self.file);
        fs::remove_file(&self.temporary).await
    }
}

async fn sync_folder(folder: &Path) -> io::Result<()> {
    #[cfg(unix)]
    fs::File::open(folder).await?.sync_all().await?;
    #[cfg(not(unix))]
    let _ = folder;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("ecars-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    #[tokio::test]
    async fn a_finished_upload_is_stored_with_its_hash_and_read_back() {
        let root = scratch("finish");
        let (store, removed) = DocumentStore::open(&root, None).await.unwrap();
        assert_eq!(removed, 0);
        let mut upload = store.begin().await.unwrap();
        upload.write(b"%PDF-1.7 ").await.unwrap();
        upload.write(b"contenu").await.unwrap();
        let stored = upload.finish().await.unwrap();
        assert_eq!(stored.size_bytes, 16);
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(b"%PDF-1.7 contenu")));
        let mut bytes = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut store.open_stored(&stored.stored_name).await.unwrap(), &mut bytes)
            .await
            .unwrap();
        assert_eq!(bytes, b"%PDF-1.7 contenu");
        assert!(store.open_stored("../../etc/passwd").await.is_err());
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn unfinished_uploads_are_removed_at_start_and_unknown_files_reported() {
        let root = scratch("restart");
        let (store, _) = DocumentStore::open(&root, None).await.unwrap();
        let mut cut_off = store.begin().await.unwrap();
        cut_off.write(b"moitie").await.unwrap();
        drop(cut_off);
        let kept = store.begin().await.unwrap().finish().await.unwrap();
        let refused = store.begin().await.unwrap();
        refused.abandon().await.unwrap();

        let (store, removed) = DocumentStore::open(&root, None).await.unwrap();
        assert_eq!(removed, 1, "the cut-off upload");
        assert_eq!(store.unknown_files(&HashSet::new()).await.unwrap(), std::slice::from_ref(&kept.stored_name));
        assert!(store.unknown_files(&HashSet::from([kept.stored_name])).await.unwrap().is_empty());
        let _ = std::fs::remove_dir_all(root);
    }

    #[tokio::test]
    async fn with_an_object_store_a_document_is_sent_in_parts_and_read_back() {
        let root = scratch("remote");
        let remote: Arc<dyn ObjectStore> = Arc::new(object_store::memory::InMemory::new());
        let (store, _) = DocumentStore::open(&root, Some(remote)).await.unwrap();
        // Over two parts of 5 MB, the smallest S3 takes.
        let content: Vec<u8> = (0..12 * 1024 * 1024).map(|index| (index % 251) as u8).collect();
        let mut upload = store.begin().await.unwrap();
        for chunk in content.chunks(64 * 1024) {
            upload.write(chunk).await.unwrap();
        }
        let stored = upload.finish().await.unwrap();
        assert_eq!(stored.sha256, hex::encode(Sha256::digest(&content)));
        assert_eq!(std::fs::read_dir(root.join(TEMPORARY)).unwrap().count(), 0, "the temporary file is gone");
        assert_eq!(std::fs::read_dir(root.join(STORED)).unwrap().count(), 0, "nothing kept locally");
        let mut bytes = Vec::new();
        store.open_stored(&stored.stored_name).await.unwrap().read_to_end(&mut bytes).await.unwrap();
        assert!(bytes == content, "the same bytes back");
        assert_eq!(store.unknown_files(&HashSet::new()).await.unwrap(), [stored.stored_name]);
        let _ = std::fs::remove_dir_all(root);
    }
}
