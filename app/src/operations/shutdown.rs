//! Stopping an instance cleanly (SIGTERM): the server finishes the requests in flight, then the
//! workers (mail, reminders, digest, security journal) are told through [`Stopping`]. Each finishes
//! what it is doing (a mail being sent is recorded as sent, a reminder run completes) and ends, so
//! that nothing is left half-done for another instance to redo.

use std::future::Future;
use std::time::Duration;

/// Told once, when the instance stops.
pub use tokio_util::sync::CancellationToken as Stopping;

/// Runs `task` at once and then every `period` until `stopping`; a run under way is never cut.
pub async fn every<F: Future<Output = ()>>(period: Duration, stopping: Stopping, mut task: impl FnMut() -> F) {
    let mut ticks = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = stopping.cancelled() => return,
            _ = ticks.tick() => task().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_run_under_way_when_told_to_stop_is_finished_and_no_other_starts() {
        let stopping = Stopping::new();
        let runs = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let finished = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let worker = tokio::spawn(every(Duration::from_secs(60), stopping.clone(), {
            let (runs, finished) = (runs.clone(), finished.clone());
            move || {
                let (runs, finished) = (runs.clone(), finished.clone());
                async move {
                    runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    finished.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            }
        }));
        tokio::time::sleep(Duration::from_secs(61)).await;
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2, "at once, then after a period");
        stopping.cancel();
        worker.await.unwrap();
        assert_eq!(finished.load(std::sync::atomic::Ordering::SeqCst), 2, "the second run was finished");
        tokio::time::sleep(Duration::from_secs(600)).await;
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2, "none after the stop");
    }
}
