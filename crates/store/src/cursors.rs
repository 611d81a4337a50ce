//! Sync cursors: where each reconciliation stream (fills, orders, settlements, ...) got
//! to, so a restart or reconnect catches up from there instead of from the beginning.

use time::OffsetDateTime;

use crate::db::Store;
use crate::error::{StoreResult, db_err};
use crate::rows::{from_ms, to_unix_ms};
use crate::scope::Scope;

/// A stored cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncCursor {
    /// The stream's position, in whatever form its owner chose (a timestamp, a cursor).
    pub value: String,
    /// When it was last set.
    pub updated_at: OffsetDateTime,
}

impl Store {
    /// The cursor of `stream` (a name chosen by the caller, e.g. `"fills"`).
    ///
    /// # Errors
    /// [`crate::StoreError::Query`] or [`crate::StoreError::Decode`].
    pub async fn cursor(&self, scope: &Scope, stream: &str) -> StoreResult<Option<SyncCursor>> {
        let Some(scope_id) = self.existing_scope_id(scope).await? else {
            return Ok(None);
        };
        let row: Option<(String, i64)> = sqlx::query_as(
            "SELECT value, updated_ms FROM sync_cursors WHERE scope_id = ? AND stream = ?",
        )
        .bind(scope_id)
        .bind(stream)
        .fetch_optional(&self.reader)
        .await
        .map_err(db_err("sync_cursors", "reading a cursor"))?;
        row.map(|(value, ms)| {
            Ok(SyncCursor {
                value,
                updated_at: from_ms("sync_cursors", "updated_ms", ms)?,
            })
        })
        .transpose()
    }

    /// Sets the cursor of `stream`. Call it only after the data it covers is stored, so
    /// a crash in between re-fetches rather than skips.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`].
    pub async fn set_cursor(
        &self,
        scope: &Scope,
        stream: &str,
        value: &str,
        at: OffsetDateTime,
    ) -> StoreResult<()> {
        let scope_id = self.scope_id(scope).await?;
        sqlx::query(
            "INSERT INTO sync_cursors (scope_id, stream, value, updated_ms) VALUES (?, ?, ?, ?) \
             ON CONFLICT (scope_id, stream) DO UPDATE SET value = excluded.value, \
             updated_ms = excluded.updated_ms",
        )
        .bind(scope_id)
        .bind(stream)
        .bind(value)
        .bind(to_unix_ms(at))
        .execute(&self.writer)
        .await
        .map_err(db_err("sync_cursors", "setting a cursor"))?;
        Ok(())
    }
}
