//! The per-scope set of traded tickers: kept up to date by the order and fill writers,
//! and used to turn a free-text search into a short list of tickers.

use std::collections::BTreeSet;

use sqlx::sqlite::SqliteConnection;

use crate::db::Store;
use crate::error::{StoreError, StoreResult, db_err};
use crate::filter::like_pattern;

/// Records `tickers` for the scope (inside the caller's write transaction).
pub(crate) async fn remember<'a>(
    conn: &mut SqliteConnection,
    scope_id: i64,
    tickers: impl IntoIterator<Item = &'a str>,
) -> StoreResult<()> {
    let distinct: BTreeSet<&str> = tickers.into_iter().collect();
    sqlx::query(
        "INSERT OR IGNORE INTO tickers (scope_id, ticker) SELECT ?, value FROM json_each(?)",
    )
    .bind(scope_id)
    .bind(json_list(distinct)?)
    .execute(conn)
    .await
    .map_err(db_err("tickers", "recording tickers"))?;
    Ok(())
}

/// A JSON array of strings, for `json_each(?)` (one bound parameter for any number of
/// values).
pub(crate) fn json_list<'a>(items: impl IntoIterator<Item = &'a str>) -> StoreResult<String> {
    let items: Vec<&str> = items.into_iter().collect();
    serde_json::to_string(&items).map_err(|e| StoreError::Encode {
        what: "ticker list",
        reason: e.to_string(),
    })
}

impl Store {
    /// Traded tickers of the scope whose ticker, or cached market title or YES label,
    /// contains `text` (ASCII case-insensitive, taken literally).
    pub(crate) async fn tickers_matching(
        &self,
        scope_id: i64,
        text: &str,
    ) -> StoreResult<Vec<String>> {
        let pattern = like_pattern(text);
        sqlx::query_scalar(
            "SELECT ticker FROM tickers WHERE scope_id = ?1 AND (ticker LIKE ?2 ESCAPE '\\' \
             OR ticker IN (SELECT ticker FROM markets WHERE scope_id = ?1 \
                           AND (title LIKE ?2 ESCAPE '\\' OR yes_sub_title LIKE ?2 ESCAPE '\\'))) \
             ORDER BY ticker",
        )
        .bind(scope_id)
        .bind(pattern)
        .fetch_all(&self.reader)
        .await
        .map_err(db_err("tickers", "searching tickers"))
    }
}
