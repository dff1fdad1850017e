//! Where document bytes live: the local data directory. A document is written to a temporary file,
//! flushed to disk, then moved into place under a generated name; only then is its database row
//! committed. Nothing here deletes a stored document.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};

use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::fs;
use tokio::io::AsyncWriteExt;

/// Files in progress: removed at start, since an upload cut off by a stop never finished.
const TEMPORARY: &str = "tmp";
const STORED: &str = "files";

#[derive(Clone, Debug)]
pub struct LocalStore {
    root: PathBuf,
}

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
    stored_name: String,
    hasher: Sha256,
    size_bytes: u64,
}

impl LocalStore {
    /// Opens (creates) the store under `root` and removes what unfinished uploads left behind;
    /// returns how many temporary files were removed.
    pub async fn open(root: impl Into<PathBuf>) -> io::Result<(Self, usize)> {
        let root = root.into();
        fs::create_dir_all(root.join(STORED)).await?;
        fs::create_dir_all(root.join(TEMPORARY)).await?;
        let mut removed = 0;
        let mut temporaries = fs::read_dir(root.join(TEMPORARY)).await?;
        while let Some(entry) = temporaries.next_entry().await? {
            fs::remove_file(entry.path()).await?;
            removed += 1;
        }
        Ok((LocalStore { root }, removed))
    }

    pub async fn begin(&self) -> io::Result<Upload> {
        let mut random = [0u8; 16];
        rand::rng().fill_bytes(&mut random);
        let stored_name = hex::encode(random);
        let temporary = self.root.join(TEMPORARY).join(format!("{stored_name}.part"));
        let file = fs::OpenOptions::new().write(true).create_new(true).open(&temporary).await?;
        Ok(Upload {
            file,
            temporary,
            stored: self.root.join(STORED).join(&stored_name),
            stored_name,
            hasher: Sha256::new(),
            size_bytes: 0,
        })
    }

    pub async fn open_stored(&self, stored_name: &str) -> io::Result<fs::File> {
        fs::File::open(self.path_of(stored_name)?).await
    }

    /// Stored files that no database row knows of (reported at start, never removed).
    pub async fn unknown_files(&self, known: &HashSet<String>) -> io::Result<Vec<String>> {
        let mut unknown = Vec::new();
        let mut stored = fs::read_dir(self.root.join(STORED)).await?;
        while let Some(entry) = stored.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !known.contains(&name) {
                unknown.push(name);
            }
        }
        unknown.sort();
        Ok(unknown)
    }

    /// Only names this store generated: never a path a request could choose.
    fn path_of(&self, stored_name: &str) -> io::Result<PathBuf> {
        if stored_name.len() == 32 && stored_name.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            Ok(self.root.join(STORED).join(stored_name))
        } else {
            Err(io::Error::new(io::ErrorKind::InvalidInput, "not a stored document name"))
        }
    }
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

    /// Flushes the file to disk and moves it into place (then flushes the folder, so the move
    /// itself survives a power cut).
    pub async fn finish(mut self) -> io::Result<StoredFile> {
        self.file.flush().await?;
        self.file.sync_all().await?;
        fs::rename(&self.temporary, &self.stored).await?;
        sync_folder(self.stored.parent().expect("stored files are in a folder")).await?;
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
        let (store, removed) = LocalStore::open(&root).await.unwrap();
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
        let (store, _) = LocalStore::open(&root).await.unwrap();
        let mut cut_off = store.begin().await.unwrap();
        cut_off.write(b"moitie").await.unwrap();
        drop(cut_off);
        let kept = store.begin().await.unwrap().finish().await.unwrap();
        let refused = store.begin().await.unwrap();
        refused.abandon().await.unwrap();

        let (store, removed) = LocalStore::open(&root).await.unwrap();
        assert_eq!(removed, 1, "the cut-off upload");
        assert_eq!(store.unknown_files(&HashSet::new()).await.unwrap(), [kept.stored_name.clone()]);
        assert!(store.unknown_files(&HashSet::from([kept.stored_name])).await.unwrap().is_empty());
        let _ = std::fs::remove_dir_all(root);
    }
}
