//! Multi-row `INSERT ... ON CONFLICT` statements for batch writes, chunked under SQLite's
//! bound-parameter limit.

use sqlx::query_builder::Separated;
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{FromRow, QueryBuilder, Sqlite};

use crate::error::{StoreResult, db_err};

/// SQLite's default maximum of bound parameters per statement (since 3.32) is 32,766.
const MAX_BINDS: usize = 32_000;

/// Upper bound on rows per statement: beyond this the statement text only gets longer
/// without saving round trips that matter.
const MAX_ROWS: usize = 500;

/// Rows per statement for a table with `columns` columns.
pub(crate) fn chunk_rows(columns: usize) -> usize {
    (MAX_BINDS / columns.max(1)).clamp(1, MAX_ROWS)
}

/// Runs `INSERT INTO table (columns) VALUES (...), ... <tail>` over `items` in chunks on
/// `conn` (normally inside the caller's transaction) and collects what each statement's
/// `RETURNING` clause in `tail` yields.
pub(crate) async fn insert_returning<'q, T, R>(
    conn: &mut SqliteConnection,
    table: &'static str,
    columns: &[&str],
    tail: &str,
    items: &'q [T],
    bind: impl Fn(&mut Separated<'_, 'q, Sqlite, &'static str>, &'q T),
) -> StoreResult<Vec<R>>
where
    R: for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
{
    let mut out = Vec::new();
    let head = format!("INSERT INTO {table} ({}) ", columns.join(", "));
    for chunk in items.chunks(chunk_rows(columns.len())) {
        let mut qb = QueryBuilder::<Sqlite>::new(head.as_str());
        qb.push_values(chunk, |mut b, item| bind(&mut b, item));
        qb.push(" ");
        qb.push(tail);
        let rows: Vec<R> = qb
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err(table, "writing a batch"))?;
        out.extend(rows);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_stay_under_the_parameter_limit() {
        assert_eq!(chunk_rows(28), 500);
        assert_eq!(chunk_rows(100), 320);
        assert!(chunk_rows(100) * 100 <= 32_766);
        assert_eq!(chunk_rows(0), 500);
    }
}
