//! `ecars backup DIR` and `ecars restore DIR`. A backup is a folder: the SQLite database as one
//! consistent file (`VACUUM INTO`, taken while the portal serves), every stored document, and a
//! manifest saying what it holds. On PostgreSQL the database is `pg_dump`'s job (README): the
//! backup then holds the documents only, to take after the dump. Documents are never deleted
//! (`documents`), so those listed after the snapshot include every one it names.
//!
//! Every document is checked against the SHA-256 its row keeps, when saved and when put back: a
//! backup never holds, and a restore never stores, bytes other than those uploaded.

use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QuerySelect, Statement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::fs;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};

use crate::db::entities::document;
use crate::documents::store::DocumentStore;

/// What a backup holds and when it was made, as `sauvegarde.json`.
pub const MANIFEST: &str = "sauvegarde.json";
const DATABASE_FILE: &str = "ecars.db";
const DOCUMENTS: &str = "documents";
/// The manifest's layout; a later portal reads the ones before it.
const FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub created_at: DateTime<Utc>,
    pub portal_version: String,
    /// Whether the database is in the backup (SQLite), or was left to `pg_dump` (PostgreSQL).
    pub database_included: bool,
    pub documents: usize,
    pub document_bytes: u64,
}

/// What a restore put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub database: bool,
    /// Documents written to the store, and those it already held (left as they were).
    pub documents_written: usize,
    pub documents_present: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} is not empty: a backup goes to a new folder and never replaces another")]
    NotEmpty(PathBuf),
    #[error("{path}: {source}")]
    File { path: PathBuf, source: io::Error },
    #[error("database: {0}")]
    Database(#[from] DbErr),
    #[error("{0} is not an e-CARS backup (no readable {MANIFEST})")]
    NotABackup(PathBuf),
    #[error("this backup's format ({0}) is newer than this portal's: restore it with a newer e-CARS")]
    NewerFormat(u32),
    #[error(
        "this backup holds no database (it was made on PostgreSQL, whose database pg_dump saves): \
         restore the dump with pg_restore into the PostgreSQL database, then run this again with it"
    )]
    NoDatabase,
    #[error(
        "this backup holds a SQLite database, and DATABASE_URL names PostgreSQL: set DATABASE_URL to a SQLite file"
    )]
    NotSqlite,
    #[error(
        "the database {0} already holds data: add --overwrite to replace it with the backup (stop the portal first)"
    )]
    TargetNotEmpty(String),
    #[error("{count} document(s) missing or altered, first {first}: nothing was replaced by them")]
    Documents { count: usize, first: String },
}

fn file_error(path: &Path) -> impl FnOnce(io::Error) -> BackupError + '_ {
    move |source| BackupError::File { path: path.to_owned(), source }
}

/// Saves the database (SQLite) and the documents into `dir`, new or empty.
pub async fn backup(db: &DatabaseConnection, store: &DocumentStore, dir: &Path) -> Result<Manifest, BackupError> {
    prepare_empty(dir).await?;
    // The backup holds every account's password hash and every document: the owner's only,
    // whatever the umask of the shell it is run from (the folder first, so nothing is ever open).
    keep_private(dir, PRIVATE_FOLDER).await?;
    let documents_dir = dir.join(DOCUMENTS);
    fs::create_dir_all(&documents_dir).await.map_err(file_error(&documents_dir))?;
    keep_private(&documents_dir, PRIVATE_FOLDER).await?;
    let database_included = db.get_database_backend() == DbBackend::Sqlite;
    if database_included {
        let file = dir.join(DATABASE_FILE);
        // One consistent copy, while the portal goes on writing (SQLite's online backup).
        let path = file.to_string_lossy().replace('\'', "''");
        db.execute_unprepared(&format!("VACUUM INTO '{path}'")).await?;
        keep_private(&file, PRIVATE_FILE).await?;
        sync_file(&file).await?;
    }
    let mut missing = Vec::new();
    let mut document_bytes = 0;
    let listed = stored_documents(db).await?;
    for (name, sha256) in &listed {
        let copied = async {
            let reader = store.open_stored(name).await?;
            write_checked(reader, &documents_dir.join(name), sha256).await
        };
        match copied.await {
            Ok(size) => document_bytes += size,
            Err(error) => missing.push(format!("{name} ({error})")),
        }
    }
    sync_file(&documents_dir).await?;
    refuse_if_any(missing)?;
    let manifest = Manifest {
        format: FORMAT,
        created_at: Utc::now(),
        portal_version: env!("CARGO_PKG_VERSION").to_owned(),
        database_included,
        documents: listed.len(),
        document_bytes,
    };
    let manifest_file = dir.join(MANIFEST);
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|error| BackupError::File { path: manifest_file.clone(), source: io::Error::other(error) })?;
    // Written last: a folder without it is an unfinished backup, which restore refuses.
    fs::write(&manifest_file, text).await.map_err(file_error(&manifest_file))?;
    keep_private(&manifest_file, PRIVATE_FILE).await?;
    sync_file(&manifest_file).await?;
    sync_file(dir).await?;
    Ok(manifest)
}

/// The manifest of the backup in `dir`, refused if it is not one this portal can restore.
pub async fn read_manifest(dir: &Path) -> Result<Manifest, BackupError> {
    let text = fs::read_to_string(dir.join(MANIFEST)).await.map_err(|_| BackupError::NotABackup(dir.to_owned()))?;
    let manifest: Manifest = serde_json::from_str(&text).map_err(|_| BackupError::NotABackup(dir.to_owned()))?;
    if manifest.format > FORMAT {
        return Err(BackupError::NewerFormat(manifest.format));
    }
    Ok(manifest)
}

/// Puts the backup's database in place of the one `database_url` names, which must hold no data
/// unless `overwrite`; the portal must be stopped, or it would go on with the file it had. Returns
/// whether it did: a backup made on PostgreSQL holds none (`pg_restore` puts the dump back first).
pub async fn put_back_database(database_url: &str, dir: &Path, overwrite: bool) -> Result<bool, BackupError> {
    match (read_manifest(dir).await?.database_included, database_url.starts_with("sqlite:")) {
        (true, true) => put_back_sqlite(database_url, dir, overwrite).await.map(|()| true),
        (true, false) => Err(BackupError::NotSqlite),
        (false, true) => Err(BackupError::NoDatabase),
        (false, false) => Ok(false),
    }
}

async fn put_back_sqlite(database_url: &str, dir: &Path, overwrite: bool) -> Result<(), BackupError> {
    let target = crate::db::connect(database_url).await?;
    let path = main_file(&target).await?;
    let tables = target
        .query_one_raw(Statement::from_string(DbBackend::Sqlite, "SELECT count(*) AS n FROM sqlite_master"))
        .await?
        .map(|row| row.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    target.close().await?;
    if tables > 0 && !overwrite {
        return Err(BackupError::TargetNotEmpty(path.display().to_string()));
    }
    // Copied beside it, flushed, then moved over it: a stop half-way leaves the old database whole.
    let incoming = path.with_extension("restauration");
    let source = dir.join(DATABASE_FILE);
    fs::copy(&source, &incoming).await.map_err(file_error(&source))?;
    sync_file(&incoming).await?;
    // The old database's journal would be applied to the restored one at its next opening.
    for suffix in ["-wal", "-shm"] {
        let journal = PathBuf::from(format!("{}{suffix}", path.display()));
        match fs::remove_file(&journal).await {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(file_error(&journal)(error)),
            _ => {}
        }
    }
    fs::rename(&incoming, &path).await.map_err(file_error(&path))?;
    if let Some(folder) = path.parent() {
        sync_file(folder).await?;
    }
    Ok(())
}

/// Puts back into `store` every document the database names that the store does not hold.
pub async fn put_back_documents(
    db: &DatabaseConnection,
    store: &DocumentStore,
    dir: &Path,
) -> Result<Restored, BackupError> {
    let manifest = read_manifest(dir).await?;
    let documents_dir = dir.join(DOCUMENTS);
    let mut restored = Restored { database: manifest.database_included, documents_written: 0, documents_present: 0 };
    let mut missing = Vec::new();
    for (name, sha256) in stored_documents(db).await? {
        let put_back = async {
            if store.contains(&name).await? {
                return Ok(false);
            }
            let file = documents_dir.join(&name);
            // Checked whole before anything is stored.
            if hash_copying(fs::File::open(&file).await?, None).await?.0 != sha256 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, "its content is not the one uploaded"));
            }
            let mut upload = store.begin_restoring(&name).await?;
            let mut reader = fs::File::open(&file).await?;
            let mut chunk = vec![0; 256 * 1024];
            loop {
                let read = reader.read(&mut chunk).await?;
                if read == 0 {
                    break;
                }
                upload.write(&chunk[..read]).await?;
            }
            upload.finish().await.map(|_| true)
        };
        match put_back.await {
            Ok(true) => restored.documents_written += 1,
            Ok(false) => restored.documents_present += 1,
            Err(error) => missing.push(format!("{name} ({error})")),
        }
    }
    refuse_if_any(missing)?;
    Ok(restored)
}

fn refuse_if_any(missing: Vec<String>) -> Result<(), BackupError> {
    match missing.first() {
        None => Ok(()),
        Some(first) => Err(BackupError::Documents { count: missing.len(), first: first.clone() }),
    }
}

/// Every document's stored name and SHA-256.
async fn stored_documents(db: &DatabaseConnection) -> Result<Vec<(String, String)>, DbErr> {
    document::Entity::find()
        .select_only()
        .column(document::Column::StoredName)
        .column(document::Column::Sha256)
        .into_tuple()
        .all(db)
        .await
}

/// The file of the database `db` has open.
async fn main_file(db: &DatabaseConnection) -> Result<PathBuf, BackupError> {
    let row = db.query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA database_list")).await?;
    let file: String = row.map(|row| row.try_get("", "file")).transpose()?.unwrap_or_default();
    if file.is_empty() {
        return Err(BackupError::NotSqlite);
    }
    Ok(PathBuf::from(file))
}

const PRIVATE_FOLDER: u32 = 0o700;
const PRIVATE_FILE: u32 = 0o600;

/// Readable and writable by the owner only.
async fn keep_private(path: &Path, mode: u32) -> Result<(), BackupError> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).await.map_err(file_error(path))
}

/// A new folder, or an empty one.
async fn prepare_empty(dir: &Path) -> Result<(), BackupError> {
    fs::create_dir_all(dir).await.map_err(file_error(dir))?;
    let mut entries = fs::read_dir(dir).await.map_err(file_error(dir))?;
    if entries.next_entry().await.map_err(file_error(dir))?.is_some() {
        return Err(BackupError::NotEmpty(dir.to_owned()));
    }
    Ok(())
}

/// Copies `reader` to `path` (through a `.part` file), keeping it only if its SHA-256 is `sha256`.
async fn write_checked(reader: impl AsyncRead + Unpin, path: &Path, sha256: &str) -> io::Result<u64> {
    let partial = path.with_extension("part");
    let mut file =
        fs::OpenOptions::new().write(true).create(true).truncate(true).mode(PRIVATE_FILE).open(&partial).await?;
    let (hash, size) = hash_copying(reader, Some(&mut file)).await?;
    file.sync_all().await?;
    drop(file);
    if hash != sha256 {
        fs::remove_file(&partial).await?;
        return Err(io::Error::new(io::ErrorKind::InvalidData, "the store holds other bytes than those uploaded"));
    }
    fs::rename(&partial, path).await?;
    Ok(size)
}

/// Reads `reader` to its end, writing it to `copy` if given: its SHA-256 and size.
async fn hash_copying(
    mut reader: impl AsyncRead + Unpin,
    mut copy: Option<&mut fs::File>,
) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut size = 0;
    let mut chunk = vec![0; 256 * 1024];
    loop {
        let read = reader.read(&mut chunk).await?;
        if read == 0 {
            return Ok((hex::encode(hasher.finalize()), size));
        }
        hasher.update(&chunk[..read]);
        if let Some(copy) = copy.as_mut() {
            copy.write_all(&chunk[..read]).await?;
        }
        size += read as u64;
    }
}

/// Flushes a file or a folder's entries to disk.
async fn sync_file(path: &Path) -> Result<(), BackupError> {
    let flush = async {
        #[cfg(unix)]
        fs::File::open(path).await?.sync_all().await?;
        Ok(())
    };
    flush.await.map_err(file_error(path))
}
