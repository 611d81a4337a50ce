//! App settings: a small key/value table shared by every environment.

use crate::db::Store;
use crate::error::{StoreResult, db_err};

impl Store {
    /// The value of setting `key`.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`].
    pub async fn setting(&self, key: &str) -> StoreResult<Option<String>> {
        sqlx::query_scalar("SELECT value FROM settings WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.reader)
            .await
            .map_err(db_err("settings", "reading a setting"))
    }

    /// Sets `key` to `value`.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`].
    pub async fn set_setting(&self, key: &str, value: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES (?, ?) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.writer)
        .await
        .map_err(db_err("settings", "writing a setting"))?;
        Ok(())
    }

    /// Removes `key`; returns whether it was set.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`].
    pub async fn remove_setting(&self, key: &str) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM settings WHERE key = ?")
            .bind(key)
            .execute(&self.writer)
            .await
            .map_err(db_err("settings", "removing a setting"))?;
        Ok(done.rows_affected() > 0)
    }

    /// Every setting, by key.
    ///
    /// # Errors
    /// [`crate::StoreError::Query`].
    pub async fn settings(&self) -> StoreResult<Vec<(String, String)>> {
        sqlx::query_as("SELECT key, value FROM settings ORDER BY key")
            .fetch_all(&self.reader)
            .await
            .map_err(db_err("settings", "listing settings"))
    }
}
