//! Background WAL checkpoints: copying the WAL back into the database file costs two
//! fsyncs, so it runs on its own connection after enough writes instead of inside
//! whichever write batch happens to cross SQLite's auto-checkpoint threshold.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use sqlx::sqlite::SqlitePool;

/// Rows written between two background checkpoints. A checkpoint copies every page the
/// WAL holds once, however often it was rewritten, so a longer interval copies hot pages
/// fewer times: fills in batches of 1,000 ran at 56-63k/s with 2,000 rows and 73k/s with
/// 10,000 (2026-12-05). SQLite's own auto-checkpoint (10,000 pages) stays the bound on the
/// WAL's size.
const ROWS_PER_CHECKPOINT: u64 = 10_000;

/// Starts at most one passive checkpoint at a time on a dedicated connection.
#[derive(Debug)]
pub(crate) struct Checkpointer {
    pool: SqlitePool,
    pending_rows: AtomicU64,
    running: AtomicBool,
}

impl Checkpointer {
    pub(crate) fn new(pool: SqlitePool) -> Arc<Self> {
        Arc::new(Self {
            pool,
            pending_rows: AtomicU64::new(0),
            running: AtomicBool::new(false),
        })
    }

    /// Counts `rows` just committed; past the threshold, starts a checkpoint in the
    /// background. Outside a tokio runtime nothing is started and SQLite's own
    /// auto-checkpoint (kept as a safety net) does the work.
    pub(crate) fn wrote(self: &Arc<Self>, rows: usize) {
        let rows = u64::try_from(rows).unwrap_or(u64::MAX);
        let pending = self
            .pending_rows
            .fetch_add(rows, Ordering::Relaxed)
            .saturating_add(rows);
        if pending < ROWS_PER_CHECKPOINT {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self
            .running
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        self.pending_rows.store(0, Ordering::Relaxed);
        let this = Arc::clone(self);
        runtime.spawn(async move {
            // PASSIVE never blocks the writer or readers; frames it cannot copy yet are
            // left for the next run.
            let done = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&this.pool)
                .await;
            if let Err(e) = done {
                tracing::debug!(error = %e, "background checkpoint skipped");
            }
            this.running.store(false, Ordering::Release);
        });
    }

    /// Closes the connection, waiting for a running checkpoint to finish.
    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}
