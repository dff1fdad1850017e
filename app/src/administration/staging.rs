//! Files sent to an import, kept between the preview and "Confirmer l'import" (or "Annuler"):
//! each import in `<data dir>/imports/<token>/` with its files, the départements chosen and the
//! administrator who sent them. Imports left for a day are removed at the next upload.

use std::io::{self, BufRead};
use std::path::PathBuf;
use std::time::Duration;

use crate::AppError;

const DEPARTEMENTS: &str = "departements";
const OWNER: &str = "owner";
/// An import not confirmed within this time is forgotten.
const KEPT: Duration = Duration::from_secs(24 * 3600);

#[derive(Debug, Clone)]
pub struct Staging {
    root: PathBuf,
}

/// One import's files.
#[derive(Debug)]
pub struct StagedImport {
    pub token: String,
    dir: PathBuf,
}

impl Staging {
    pub fn new(root: PathBuf) -> Self {
        Staging { root }
    }

    /// A new FINESS import of `owner` for `departements`.
    pub async fn create(&self, owner: i32, departements: &[String]) -> io::Result<StagedImport> {
        self.create_with(owner, &[(DEPARTEMENTS, &departements.join(","))]).await
    }

    /// A new import of `owner` with its `notes` (what the form said besides the files); imports
    /// older than a day are removed first.
    pub async fn create_with(&self, owner: i32, notes: &[(&str, &str)]) -> io::Result<StagedImport> {
        self.remove_stale().await;
        let token = crate::accounts::secrets::new_token();
        let dir = self.root.join(&token);
        tokio::fs::create_dir_all(&dir).await?;
        for (name, value) in notes {
            tokio::fs::write(dir.join(format!("{name}.note")), value).await?;
        }
        tokio::fs::write(dir.join(OWNER), owner.to_string()).await?;
        Ok(StagedImport { token, dir })
    }

    /// The import `token` of `owner`; any other is "not found".
    pub fn open(&self, owner: i32, token: &str) -> Result<StagedImport, AppError> {
        let well_formed = token.len() == 64 && token.bytes().all(|byte| byte.is_ascii_hexdigit());
        if !well_formed {
            return Err(AppError::NotFound);
        }
        let dir = self.root.join(token);
        let owned = std::fs::read_to_string(dir.join(OWNER)).ok().and_then(|text| text.trim().parse::<i32>().ok());
        if owned != Some(owner) {
            return Err(AppError::NotFound);
        }
        Ok(StagedImport { token: token.to_owned(), dir })
    }

    async fn remove_stale(&self) {
        let Ok(mut entries) = tokio::fs::read_dir(&self.root).await else { return };
        while let Ok(Some(entry)) = entries.next_entry().await {
            let old =
                entry.metadata().await.ok().and_then(|meta| meta.modified().ok()).and_then(|at| at.elapsed().ok());
            if old.is_some_and(|age| age > KEPT) {
                let _ = tokio::fs::remove_dir_all(entry.path()).await;
            }
        }
    }
}

/// The refusals of a file form that [`receive_note_and_file`] reads.
pub trait FileFormRefusal: Copy + Send + Sync {
    const TOO_BIG: Self;
    const UNREADABLE: Self;
    const NO_FILE: Self;
}

/// What a form of one short field and one file (`fichier`) is made of, for [`receive_note_and_file`].
pub struct NoteAndFile<'a, R> {
    /// The field's name in the form; its checked value is kept as the import's note of that name.
    pub field: &'a str,
    /// The field's value checked (it comes before the file), or its refusal.
    pub parse: &'a (dyn Fn(&str) -> Result<String, R> + Sync),
    /// The refusal when the field is missing or longer than `max_field_bytes`.
    pub missing: R,
    pub max_field_bytes: usize,
    pub max_file_bytes: usize,
}

/// Reads a file form of one short field and one file: the file is streamed to a new import of
/// `owner`, whose notes are the field's checked value and the file's name (note `fichier`).
pub async fn receive_note_and_file<R: FileFormRefusal>(
    staging: &Staging,
    owner: i32,
    mut multipart: axum::extract::Multipart,
    form: NoteAndFile<'_, R>,
) -> Result<StagedImport, R> {
    let part_refusal = |error: PartError| match error {
        PartError::TooBig => R::TOO_BIG,
        PartError::Unreadable => R::UNREADABLE,
    };
    let mut note: Option<String> = None;
    let mut staged: Option<StagedImport> = None;
    let outcome = async {
        while let Some(mut field) = multipart.next_field().await.map_err(|_| R::UNREADABLE)? {
            let name = field.name().unwrap_or_default();
            if name == form.field {
                let typed = read_small_part(&mut field, form.max_field_bytes).await.map_err(|error| match error {
                    PartError::TooBig => form.missing,
                    PartError::Unreadable => R::UNREADABLE,
                })?;
                note = Some((form.parse)(&typed)?);
            } else if name == FILE_FIELD {
                let file_name: String = field.file_name().unwrap_or_default().chars().take(200).collect();
                // An empty file input still sends a part, without a file name.
                if file_name.is_empty() {
                    continue;
                }
                let value = note.as_deref().ok_or(form.missing)?;
                let notes = [(form.field, value), (FILE_FIELD, file_name.as_str())];
                let import = staging.create_with(owner, &notes).await.map_err(|_| R::UNREADABLE)?;
                let received = import.receive(1, &mut field, form.max_file_bytes).await;
                staged = Some(import);
                received.map_err(part_refusal)?;
            }
        }
        note.as_ref().map(|_| ()).ok_or(form.missing)
    }
    .await;
    finish_upload(outcome, staged, R::NO_FILE).await
}

/// The file part of a file form, and the note its name is kept under.
pub const FILE_FIELD: &str = "fichier";

/// How a file form's reading ended: the import staged, `no_file` when no file came, or the
/// refusal met on the way (what was staged is then removed).
pub async fn finish_upload<R>(
    outcome: Result<(), R>,
    staged: Option<StagedImport>,
    no_file: R,
) -> Result<StagedImport, R> {
    match (outcome, staged) {
        (Ok(()), Some(staged)) => Ok(staged),
        (Ok(()), None) => Err(no_file),
        (Err(refusal), staged) => {
            if let Some(staged) = staged {
                let _ = staged.remove().await;
            }
            Err(refusal)
        }
    }
}

/// Where a file form sends the browser: on to `page`'s preview of the import staged, or back to
/// `page` with the refusal's code.
pub fn redirect_after_upload(page: &str, received: Result<StagedImport, &str>) -> axum::response::Response {
    use super::{PREVIEW_PARAM, REFUSAL_PARAM};
    use axum::response::IntoResponse;
    let target = match received {
        Ok(staged) => format!("{page}?{PREVIEW_PARAM}={}", staged.token),
        Err(code) => format!("{page}?{REFUSAL_PARAM}={code}"),
    };
    axum::response::Redirect::to(&target).into_response()
}

/// A staged import's file or note that cannot be read any more: logged, an internal error.
pub fn unreadable(error: io::Error) -> AppError {
    tracing::error!(%error, "staged import unreadable");
    AppError::Internal
}

/// Why a part of a multipart form could not be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartError {
    TooBig,
    Unreadable,
}

/// A short text field of a multipart form, at most `max` bytes.
pub async fn read_small_part(field: &mut axum::extract::multipart::Field<'_>, max: usize) -> Result<String, PartError> {
    let mut typed = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|_| PartError::Unreadable)? {
        typed.extend_from_slice(&chunk);
        if typed.len() > max {
            return Err(PartError::TooBig);
        }
    }
    Ok(String::from_utf8_lossy(&typed).into_owned())
}

impl StagedImport {
    /// Streams the file part `field` into this import's `index`-th file, at most `max` bytes.
    pub async fn receive(
        &self,
        index: usize,
        field: &mut axum::extract::multipart::Field<'_>,
        max: usize,
    ) -> Result<(), PartError> {
        use tokio::io::AsyncWriteExt;
        let mut written = self.file(index).await.map_err(|_| PartError::Unreadable)?;
        let mut size = 0;
        while let Some(chunk) = field.chunk().await.map_err(|_| PartError::Unreadable)? {
            size += chunk.len();
            if size > max {
                return Err(PartError::TooBig);
            }
            written.write_all(&chunk).await.map_err(|_| PartError::Unreadable)?;
        }
        written.flush().await.map_err(|_| PartError::Unreadable)
    }

    /// The `index`-th file sent (from 1), to be written.
    pub async fn file(&self, index: usize) -> io::Result<tokio::fs::File> {
        tokio::fs::File::create(self.dir.join(format!("{index}.csv"))).await
    }

    pub fn departements(&self) -> io::Result<Vec<String>> {
        let text = self.note(DEPARTEMENTS)?;
        Ok(text.split(',').filter(|code| !code.is_empty()).map(str::to_owned).collect())
    }

    /// A note given at creation.
    pub fn note(&self, name: &str) -> io::Result<String> {
        std::fs::read_to_string(self.dir.join(format!("{name}.note")))
    }

    /// The whole `index`-th file (a referential: 10 MB at most).
    pub async fn bytes(&self, index: usize) -> io::Result<Vec<u8>> {
        tokio::fs::read(self.dir.join(format!("{index}.csv"))).await
    }

    /// The files, by their index, read line by line.
    pub fn readers(&self) -> io::Result<Vec<(usize, Box<dyn BufRead + Send>)>> {
        let mut files: Vec<(usize, PathBuf)> = std::fs::read_dir(&self.dir)?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let index = entry.file_name().to_str()?.strip_suffix(".csv")?.parse().ok()?;
                Some((index, entry.path()))
            })
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|(index, path)| {
                Ok((index, Box::new(io::BufReader::new(std::fs::File::open(path)?)) as Box<dyn BufRead + Send>))
            })
            .collect()
    }

    pub async fn remove(self) -> io::Result<()> {
        tokio::fs::remove_dir_all(&self.dir).await
    }
}
