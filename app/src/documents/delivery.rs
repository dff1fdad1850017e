//! Sending documents to browsers that may stop reading halfway (a closed laptop, a stalled
//! proxy, or someone doing it on purpose): a download whose client reads nothing for
//! [`WRITE_TIMEOUT`] is abandoned, which frees whatever was producing it, and archives ("Récupérer
//! tous les documents"), each written by a blocking task, are limited in number per user and
//! overall, beyond which the answer is 429.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::AppError;

/// How long a client may read nothing before its download is abandoned.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(60);
const CHUNK_BYTES: usize = 64 * 1024;

/// The response body of `reader`, read ahead by at most two chunks: a client that takes no chunk
/// for `write_timeout` gets its connection cut (the body ends in an error, never in a truncated
/// file that looks whole), and `reader` is dropped.
pub fn paced_body(reader: impl AsyncRead + Send + Unpin + 'static, write_timeout: Duration) -> Body {
    let (sender, receiver) = tokio::sync::mpsc::channel::<io::Result<Bytes>>(2);
    let abandoned = Arc::new(AtomicBool::new(false));
    let flag = abandoned.clone();
    tokio::spawn(async move {
        let mut reader = reader;
        loop {
            let mut chunk = vec![0; CHUNK_BYTES];
            let item = match reader.read(&mut chunk).await {
                Ok(0) => return,
                Ok(read) => {
                    chunk.truncate(read);
                    Ok(Bytes::from(chunk))
                }
                Err(error) => Err(error),
            };
            let failed = item.is_err();
            match tokio::time::timeout(write_timeout, sender.send(item)).await {
                Ok(Ok(())) if !failed => {}
                // Failed, or the client went away: nothing more to send.
                Ok(_) => return,
                Err(_) => {
                    tracing::warn!("download abandoned: the client read nothing for {}s", write_timeout.as_secs());
                    flag.store(true, Ordering::SeqCst);
                    return;
                }
            }
        }
    });
    let stream =
        futures_util::stream::unfold((receiver, abandoned, false), |(mut receiver, abandoned, ended)| async move {
            if ended {
                return None;
            }
            match receiver.recv().await {
                Some(item) => Some((item, (receiver, abandoned, false))),
                None if abandoned.load(Ordering::SeqCst) => Some((
                    Err(io::Error::new(io::ErrorKind::TimedOut, "client stopped reading")),
                    (receiver, abandoned, true),
                )),
                None => None,
            }
        });
    // Fused: a compressing layer polls once more after the end.
    Body::from_stream(futures_util::StreamExt::fuse(stream))
}

/// Heavy work being done, per user and overall: archives of documents, or exports and charts of
/// the follow-up (each kind its own slots).
#[derive(Clone)]
pub struct ArchiveSlots {
    overall: Arc<Semaphore>,
    per_user: Arc<Mutex<HashMap<i32, usize>>>,
    user_limit: usize,
    /// What a request beyond the limits is answered (a 429).
    busy: AppError,
}

impl Default for ArchiveSlots {
    /// Two archives at a time per user, sixteen overall.
    fn default() -> Self {
        ArchiveSlots::new(16, 2)
    }
}

/// One archive being written; its slot is given back when it is dropped.
pub struct ArchiveSlot {
    _overall: OwnedSemaphorePermit,
    user_id: i32,
    per_user: Arc<Mutex<HashMap<i32, usize>>>,
}

impl ArchiveSlots {
    pub fn new(overall: usize, user_limit: usize) -> Self {
        ArchiveSlots {
            overall: Arc::new(Semaphore::new(overall)),
            per_user: Default::default(),
            user_limit,
            busy: AppError::ArchivesBusy,
        }
    }

    /// The follow-up's exports and charts, which read a whole region: two at a time per user,
    /// four overall (the instance's two cores).
    pub fn for_exports() -> Self {
        ArchiveSlots { busy: AppError::ExportsBusy, ..ArchiveSlots::new(4, 2) }
    }

    /// A slot for `user_id`, or the refusal at once (never waiting).
    pub fn take(&self, user_id: i32) -> Result<ArchiveSlot, AppError> {
        let mut per_user = self.per_user.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let used = per_user.get(&user_id).copied().unwrap_or(0);
        if used >= self.user_limit {
            return Err(self.busy.clone());
        }
        let overall = self.overall.clone().try_acquire_owned().map_err(|_| self.busy.clone())?;
        per_user.insert(user_id, used + 1);
        Ok(ArchiveSlot { _overall: overall, user_id, per_user: self.per_user.clone() })
    }
}

impl Drop for ArchiveSlot {
    fn drop(&mut self) {
        let mut per_user = self.per_user.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(used) = per_user.get_mut(&self.user_id) {
            *used = used.saturating_sub(1);
            if *used == 0 {
                per_user.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[test]
    fn archives_are_limited_per_user_and_overall() {
        let slots = ArchiveSlots::new(3, 2);
        let first = slots.take(1).unwrap();
        let _second = slots.take(1).unwrap();
        assert_eq!(slots.take(1).err(), Some(AppError::ArchivesBusy), "a third for the same user");
        let _other = slots.take(2).unwrap();
        assert_eq!(slots.take(3).err(), Some(AppError::ArchivesBusy), "none left overall");
        drop(first);
        assert!(slots.take(1).is_ok(), "a finished archive gives its slot back");
    }

    #[test]
    fn exports_and_charts_are_limited_apart_with_their_own_refusal() {
        let slots = ArchiveSlots::for_exports();
        let _first = slots.take(1).unwrap();
        let _second = slots.take(1).unwrap();
        assert_eq!(slots.take(1).err(), Some(AppError::ExportsBusy));
        let _others = [slots.take(2).unwrap(), slots.take(3).unwrap()];
        assert_eq!(slots.take(4).err(), Some(AppError::ExportsBusy), "four at a time overall");
        assert_eq!(AppError::ExportsBusy.status_code(), 429);
    }

    #[tokio::test]
    async fn a_body_read_to_the_end_is_the_whole_file() {
        let content: Vec<u8> = (0..200_000u32).map(|n| n as u8).collect();
        let mut body = paced_body(std::io::Cursor::new(content.clone()), WRITE_TIMEOUT).into_data_stream();
        let mut read = Vec::new();
        while let Some(chunk) = body.next().await {
            read.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(read, content);
        assert!(body.next().await.is_none(), "asked again after the end (gzip does), still the end");
    }

    #[tokio::test(start_paused = true)]
    async fn a_client_that_stops_reading_gets_an_error_and_frees_the_reader() {
        let (mut writer, reader) = tokio::io::duplex(1024);
        let mut body = paced_body(reader, Duration::from_secs(60)).into_data_stream();
        use tokio::io::AsyncWriteExt;
        writer.write_all(&[1; 1024]).await.unwrap();
        assert!(body.next().await.unwrap().is_ok());
        // The client reads nothing more while the producer keeps writing.
        let producer = tokio::spawn(async move {
            loop {
                if writer.write_all(&[2; 1024]).await.is_err() {
                    return "the reader was dropped";
                }
            }
        });
        tokio::time::sleep(Duration::from_secs(61)).await;
        assert_eq!(producer.await.unwrap(), "the reader was dropped");
        let mut rest = Vec::new();
        while let Some(item) = body.next().await {
            rest.push(item.is_ok());
        }
        assert_eq!(rest.last(), Some(&false), "the body ends in an error, not as a whole file");
    }
}
