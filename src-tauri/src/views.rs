//! Open market views: each one a task pulling the core's coalesced [`MarketView`] and
//! sending the UI's updates on the view's channel, numbered 1, 2, 3, … Closing the view,
//! its window, or a failed send (window gone) releases it, and with the last view of a
//! market, the market's subscription.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use desk_core::ipc_view::market_update;
use desk_core::{AppError, ErrorCode, MarketView};
use ipc::commands::market::{MarketUpdate, ViewId};
use tauri::async_runtime::JoinHandle;
use tauri::ipc::Channel;

struct Open {
    window: String,
    latest: Arc<Mutex<Option<MarketUpdate>>>,
    task: JoinHandle<()>,
}

/// The open views.
#[derive(Default)]
pub struct Views {
    next: AtomicU64,
    open: Arc<Mutex<HashMap<ViewId, Open>>>,
}

impl std::fmt::Debug for Views {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let open: Vec<u64> = lock(&self.open).keys().map(|v| v.0).collect();
        f.debug_struct("Views").field("open", &open).finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Views {
    /// Starts streaming `view` to `channel` for window `window`.
    pub fn open(
        &self,
        window: &str,
        mut view: MarketView,
        channel: Channel<MarketUpdate>,
    ) -> ViewId {
        let id = ViewId(self.next.fetch_add(1, Ordering::Relaxed) + 1);
        let latest = Arc::new(Mutex::new(None));
        let open = self.open.clone();
        let mut map = lock(&self.open);
        let task = {
            let latest = latest.clone();
            tauri::async_runtime::spawn(async move {
                while let Some(update) = view.next().await {
                    let update = market_update(id, update.seq, &update);
                    *lock(&latest) = Some(update.clone());
                    if let Err(e) = channel.send(update) {
                        tracing::debug!(view = id.0, error = %e, "view channel closed");
                        break;
                    }
                }
                lock(&open).remove(&id);
            })
        };
        map.insert(
            id,
            Open {
                window: window.to_owned(),
                latest,
                task,
            },
        );
        id
    }

    /// Closes a view (closing a closed one does nothing).
    pub fn close(&self, id: ViewId) {
        if let Some(view) = lock(&self.open).remove(&id) {
            view.task.abort();
        }
    }

    /// Closes every view of window `window`.
    pub fn close_window(&self, window: &str) {
        lock(&self.open).retain(|_, v| {
            let keep = v.window != window;
            if !keep {
                v.task.abort();
            }
            keep
        });
    }

    /// Closes every view (the session is switching).
    pub fn close_all(&self) {
        for (_, v) in lock(&self.open).drain() {
            v.task.abort();
        }
    }

    /// How many views are open.
    pub fn len(&self) -> usize {
        lock(&self.open).len()
    }

    /// True when no view is open.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The view's latest update (with the latest seq sent).
    ///
    /// # Errors
    /// `not_found` for a view that is not open; `invalid_request` before its first update.
    pub fn snapshot(&self, id: ViewId) -> Result<MarketUpdate, AppError> {
        let map = lock(&self.open);
        let view = map.get(&id).ok_or_else(|| {
            AppError::new(ErrorCode::NotFound, format!("View {} is not open.", id.0))
        })?;
        lock(&view.latest).clone().ok_or_else(|| {
            AppError::new(
                ErrorCode::InvalidRequest,
                "The view has not received its first update yet.",
            )
        })
    }
}
