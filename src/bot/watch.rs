//! Watching the content directory: an edited page reaches clients without a
//! restart or a `/reload`.
//!
//! File events arrive in bursts (an editor writes a temp file, renames it,
//! touches the folder), so they are debounced: after the first event the
//! watcher waits until the directory has been quiet for [`QUIET`], then asks
//! the engine to refresh once. The engine decides whether anything that
//! matters changed (its content fingerprint) and swaps the new index in
//! atomically, so questions in flight finish on the generation they started
//! with. A failed rebuild is logged and the old index keeps answering.

use super::handler::Bot;
use notify::{RecursiveMode, Watcher};
use std::sync::Arc;
use std::time::Duration;

/// How long the content directory must be quiet before a rebuild.
pub const QUIET: Duration = Duration::from_millis(300);

/// Keeps the watch alive; dropping it stops watching.
pub struct WatchGuard {
    _watcher: notify::RecommendedWatcher,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for WatchGuard {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts watching the engine's content directory. `None` (with a warning)
/// when the platform or the directory does not allow it: the bot still
/// answers, and `/reload` still works.
pub fn spawn(bot: Arc<Bot>) -> Option<WatchGuard> {
    let dir = bot.engine.config().paths.content.clone();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Access events (a file opened or read) change nothing.
        if event
            .as_ref()
            .is_ok_and(|e| !matches!(e.kind, notify::EventKind::Access(_)))
        {
            let _ = tx.send(());
        }
    })
    .and_then(|mut w| w.watch(&dir, RecursiveMode::Recursive).map(|()| w));
    let watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            tracing::warn!(dir = %dir.display(), "not watching the content directory ({e}); use /reload after edits");
            return None;
        }
    };
    let task = tokio::spawn(async move {
        while rx.recv().await.is_some() {
            loop {
                match tokio::time::timeout(QUIET, rx.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_quiet) => break,
                }
            }
            match bot.refresh().await {
                Ok(Some(report)) => tracing::info!("content changed; {}", report.lines().last().unwrap_or_default()),
                Ok(None) => {}
                Err(e) => tracing::warn!("content changed but the rebuild failed; still answering from the previous index: {e}"),
            }
        }
    });
    Some(WatchGuard {
        _watcher: watcher,
        task,
    })
}
