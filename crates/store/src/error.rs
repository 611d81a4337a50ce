//! `StoreError`: every way the store can fail, each specific enough to show a person.

use std::path::PathBuf;

/// Why a store operation failed. No variant ever carries key material (the store never
/// sees any), and opening never deletes or rewrites a file it cannot use.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The file could not be opened or created (permissions, missing directory, ...).
    #[error("cannot open the database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: sqlx::Error,
    },
    /// The file is not an SQLite database, or its header or pages are damaged.
    #[error("{path} is not a readable Kalshi Desk database ({detail}); it was left untouched")]
    NotADatabase {
        /// The file.
        path: PathBuf,
        /// What was found instead.
        detail: String,
    },
    /// The database was migrated by a newer version of the app; using it could lose data.
    #[error(
        "{path} was written by a newer version of Kalshi Desk (schema version {found}, this \
         version knows up to {supported}); it was left untouched, update the app to open it"
    )]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// Highest schema version found in the file.
        found: i64,
        /// Highest schema version this build knows.
        supported: i64,
    },
    /// The schema could not be brought up to date (e.g. an applied migration was changed).
    #[error("cannot update the schema of {path}: {source}")]
    Migrate {
        /// The file.
        path: PathBuf,
        /// The migrator's reason.
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// SQLite reported damage while running a query.
    #[error("the database is damaged ({op}): {source}")]
    Corrupt {
        /// What the store was doing.
        op: &'static str,
        /// What SQLite said.
        #[source]
        source: sqlx::Error,
    },
    /// A query failed for another reason (disk full, locked for too long, ...).
    #[error("database error while {op}: {source}")]
    Query {
        /// What the store was doing.
        op: &'static str,
        /// What SQLite said.
        #[source]
        source: sqlx::Error,
    },
    /// A stored value could not be turned back into its type (e.g. an unknown enum string).
    #[error("cannot read {table}.{column}: {reason}")]
    Decode {
        /// Table of the bad value.
        table: &'static str,
        /// Column of the bad value.
        column: String,
        /// What was wrong.
        reason: String,
    },
    /// A value could not be written (e.g. out of range for an integer column).
    #[error("cannot store {what}: {reason}")]
    Encode {
        /// What was being stored.
        what: &'static str,
        /// What was wrong.
        reason: String,
    },
    /// A history page cursor that this store did not produce.
    #[error("invalid page cursor {0:?}")]
    InvalidCursor(String),
    /// A query parameter out of range (e.g. a page size of 0).
    #[error("invalid query: {0}")]
    InvalidQuery(String),
    /// Writing a CSV export failed (usually the destination's I/O error).
    #[error("CSV export failed: {0}")]
    Csv(#[from] csv::Error),
}

/// Result alias of the crate.
pub type StoreResult<T> = Result<T, StoreError>;

/// SQLite primary result codes that mean the file itself is damaged or foreign.
const SQLITE_CORRUPT: i64 = 11;
const SQLITE_NOTADB: i64 = 26;

/// The primary SQLite result code of an error, if it came from SQLite.
pub(crate) fn sqlite_code(err: &sqlx::Error) -> Option<i64> {
    let db = err.as_database_error()?;
    let code: i64 = db.code()?.parse().ok()?;
    Some(code & 0xff)
}

/// True when the error says the file is damaged or not a database.
pub(crate) fn is_damage(err: &sqlx::Error) -> bool {
    matches!(sqlite_code(err), Some(SQLITE_CORRUPT | SQLITE_NOTADB))
}

/// Maps a query error: damage becomes [`StoreError::Corrupt`], a column that does not
/// decode becomes [`StoreError::Decode`] naming `table` and the column, the rest
/// [`StoreError::Query`].
pub(crate) fn db_err(table: &'static str, op: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |source| match source {
        sqlx::Error::ColumnDecode { index, source } => StoreError::Decode {
            table,
            // sqlx renders a named column as its Debug form, quotes included.
            column: index.trim_matches('"').to_owned(),
            reason: source.to_string(),
        },
        source if is_damage(&source) => StoreError::Corrupt { op, source },
        source => StoreError::Query { op, source },
    }
}
