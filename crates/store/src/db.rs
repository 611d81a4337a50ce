//! Opening the database: refusing foreign, damaged or newer files without touching them,
//! WAL and pragmas, migrations, and the [`Store`] handle with its scope-id cache.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection};

use crate::checkpoint::Checkpointer;
use crate::error::{StoreError, StoreResult, db_err, is_damage};
use crate::scope::Scope;

/// The schema, embedded from `migrations/` at the repository root.
pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// How long a statement waits for another process's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Read connections: WAL lets them run beside the single writer.
const READERS: u32 = 4;

/// Page cache of the writer, in KiB (SQLite's default is 2 MiB): index pages touched by
/// a large batch stay in memory instead of being re-read.
const WRITER_CACHE_KIB: i64 = 64 * 1024;

/// Page cache of each reader, in KiB.
const READER_CACHE_KIB: i64 = 16 * 1024;

/// WAL size (pages) at which the writer checkpoints itself: only reached if the background
/// checkpoints fall behind (SQLite's default is 1,000).
const WRITER_AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Where the writer keeps temporary files: in memory. Every multi-row `INSERT` inside a
/// transaction opens a statement journal (the pages it changes, so a failing row can undo
/// the statement alone); on disk that journal doubled the pages written per batch (231k
/// against 98k `pwrite`s for 60k fills) and cost a third of the fill upsert rate. In memory
/// it holds one statement's pages at most.
const WRITER_TEMP_STORE: &str = "MEMORY";

/// No liveness ping before a pooled connection is handed out: the other end is a file, not
/// a server that may have hung up. sqlx pings by default, one more trip to its SQLite
/// worker thread (38 µs on a 2-core VM) before every statement or transaction; without
/// it, acquiring has no `.await` between taking a connection and returning it, so a
/// cancelled call cannot drop the one writer connection either (sqlx's own advice).
const PING_BEFORE_USE: bool = false;

/// Rows `ANALYZE` samples per index, keeping statistics refreshes in milliseconds.
const ANALYSIS_LIMIT: u32 = 1000;

/// The first 16 bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Handle to the app's SQLite database. Cheap to clone; all clones share the pools.
///
/// Writes go through one connection, so batches never contend for the write lock inside
/// the app; reads use a separate pool of `query_only` connections and never wait for a
/// write (WAL).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) writer: SqlitePool,
    pub(crate) reader: SqlitePool,
    checkpointer: Arc<Checkpointer>,
    path: PathBuf,
    scopes: Arc<Mutex<HashMap<Scope, i64>>>,
}

impl Store {
    /// Opens (or creates) the database at `path` and brings its schema up to date.
    ///
    /// A file that is not an SQLite database, is damaged, or was migrated by a newer
    /// version of the app is refused before anything is written to it; the file is never
    /// deleted or replaced. The database runs in WAL mode with foreign keys on and
    /// `synchronous = NORMAL` (a power cut may lose the last transactions, which the next
    /// reconcile restores from the exchange, but never corrupts the file).
    ///
    /// # Errors
    /// [`StoreError::NotADatabase`], [`StoreError::NewerSchema`], [`StoreError::Migrate`]
    /// or [`StoreError::Open`].
    pub async fn open(path: impl AsRef<Path>) -> StoreResult<Self> {
        let path = path.as_ref().to_path_buf();
        precheck(&path).await?;

        let base = SqliteConnectOptions::new()
            .filename(&path)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let writer_options = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .pragma("cache_size", (-WRITER_CACHE_KIB).to_string())
            .pragma(
                "wal_autocheckpoint",
                WRITER_AUTOCHECKPOINT_PAGES.to_string(),
            )
            .pragma("temp_store", WRITER_TEMP_STORE)
            .optimize_on_close(true, ANALYSIS_LIMIT);
        let writer = SqlitePoolOptions::new()
            .test_before_acquire(PING_BEFORE_USE)
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(writer_options)
            .await
            .map_err(|e| open_error(&path, e))?;
        if let Err(e) = MIGRATOR.run(&writer).await {
            writer.close().await;
            return Err(migrate_error(&path, e));
        }
        // Refresh planner statistics where they are missing or stale (SQLite's advice for
        // long-lived connections); bounded by `analysis_limit`, so cheap on big files.
        let optimized = sqlx::query(&format!(
            "PRAGMA analysis_limit = {ANALYSIS_LIMIT}; PRAGMA optimize = 0x10002"
        ))
        .execute(&writer)
        .await;
        if let Err(e) = optimized {
            writer.close().await;
            return Err(open_error(&path, e));
        }
        let checkpointer = SqlitePoolOptions::new()
            .test_before_acquire(PING_BEFORE_USE)
            .max_connections(1)
            .min_connections(0)
            .connect_lazy_with(base.clone());
        let reader = SqlitePoolOptions::new()
            .test_before_acquire(PING_BEFORE_USE)
            .max_connections(READERS)
            .connect_with(
                base.pragma("query_only", "ON")
                    .pragma("cache_size", (-READER_CACHE_KIB).to_string()),
            )
            .await;
        let reader = match reader {
            Ok(reader) => reader,
            Err(e) => {
                writer.close().await;
                return Err(open_error(&path, e));
            }
        };
        tracing::debug!(path = %path.display(), "store opened");
        Ok(Self {
            writer,
            reader,
            checkpointer: Checkpointer::new(checkpointer),
            path,
            scopes: Arc::default(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes every connection (checkpointing the WAL into the main file). Other clones
    /// become unusable; dropping the last clone without this also closes, but lazily.
    pub async fn close(&self) {
        self.checkpointer.close().await;
        self.reader.close().await;
        self.writer.close().await;
    }

    /// Notes `rows` committed by a batch (may start a background checkpoint).
    pub(crate) fn wrote(&self, rows: usize) {
        self.checkpointer.wrote(rows);
    }

    /// The row id of `scope`, created on first use. Its own statement (not inside a
    /// batch), so a cached id always refers to a committed row.
    pub(crate) async fn scope_id(&self, scope: &Scope) -> StoreResult<i64> {
        if let Some(id) = self.cached_scope(scope) {
            return Ok(id);
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO scopes (environment, key_id) VALUES (?, ?) \
             ON CONFLICT (environment, key_id) DO UPDATE SET key_id = excluded.key_id \
             RETURNING id",
        )
        .bind(scope.environment.as_str())
        .bind(scope.key_id.as_str())
        .fetch_one(&self.writer)
        .await
        .map_err(db_err("scopes", "registering a scope"))?;
        self.remember_scope(scope, id);
        Ok(id)
    }

    /// The row id of `scope` if anything was ever stored for it (reads never create one).
    pub(crate) async fn existing_scope_id(&self, scope: &Scope) -> StoreResult<Option<i64>> {
        if let Some(id) = self.cached_scope(scope) {
            return Ok(Some(id));
        }
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM scopes WHERE environment = ? AND key_id = ?")
                .bind(scope.environment.as_str())
                .bind(scope.key_id.as_str())
                .fetch_optional(&self.reader)
                .await
                .map_err(db_err("scopes", "looking up a scope"))?;
        if let Some(id) = id {
            self.remember_scope(scope, id);
        }
        Ok(id)
    }

    fn cached_scope(&self, scope: &Scope) -> Option<i64> {
        let map = self.scopes.lock().unwrap_or_else(PoisonError::into_inner);
        map.get(scope).copied()
    }

    fn remember_scope(&self, scope: &Scope, id: i64) {
        let mut map = self.scopes.lock().unwrap_or_else(PoisonError::into_inner);
        map.insert(scope.clone(), id);
    }
}

/// Refuses, without writing a byte, a path that is not an SQLite file or whose schema is
/// newer than this build's. A missing or empty file passes (it becomes a new database).
async fn precheck(path: &Path) -> StoreResult<()> {
    let not_db = |detail: &str| StoreError::NotADatabase {
        path: path.to_path_buf(),
        detail: detail.to_owned(),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(open_error(path, sqlx::Error::Io(e))),
    };
    if meta.is_dir() {
        return Err(not_db("it is a directory"));
    }
    if meta.len() == 0 {
        return Ok(());
    }
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    match read {
        Ok(()) if &header == SQLITE_MAGIC => {}
        Ok(()) => return Err(not_db("no SQLite header")),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(not_db("file too short for an SQLite header"));
        }
        Err(e) => return Err(open_error(path, sqlx::Error::Io(e))),
    }

    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(BUSY_TIMEOUT)
        .connect()
        .await
        .map_err(|e| open_error(path, e))?;
    let applied = applied_versions(&mut conn).await;
    // Closing a read-only connection writes nothing.
    let _ = conn.close().await;
    let applied = applied.map_err(|e| open_error(path, e))?;

    let supported = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    if let Some(found) = applied
        .into_iter()
        .filter(|v| !MIGRATOR.version_exists(*v))
        .max()
    {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported,
        });
    }
    Ok(())
}

/// The schema versions recorded in the file (none if it has no migrations table yet).
async fn applied_versions(conn: &mut SqliteConnection) -> Result<Vec<i64>, sqlx::Error> {
    let has_table: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
    )
    .fetch_one(&mut *conn)
    .await?;
    if !has_table {
        return Ok(Vec::new());
    }
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations")
        .fetch_all(&mut *conn)
        .await
}

/// Damage becomes [`StoreError::NotADatabase`], anything else [`StoreError::Open`].
fn open_error(path: &Path, source: sqlx::Error) -> StoreError {
    if is_damage(&source) {
        StoreError::NotADatabase {
            path: path.to_path_buf(),
            detail: source.to_string(),
        }
    } else {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// An applied migration this build lacks means a newer app wrote the file.
fn migrate_error(path: &Path, source: MigrateError) -> StoreError {
    match source {
        MigrateError::VersionMissing(found) => StoreError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0),
        },
        MigrateError::Execute(e) if is_damage(&e) => open_error(path, e),
        source => StoreError::Migrate {
            path: path.to_path_buf(),
            source,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pragma(pool: &SqlitePool, query: &str) -> String {
        sqlx::query_scalar(&format!("SELECT CAST(({query}) AS TEXT)"))
            .fetch_one(pool)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn connections_carry_the_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path().join("p.sqlite")).await.unwrap();
        for (pool, who) in [(&store.writer, "writer"), (&store.reader, "reader")] {
            let get = |p: &'static str| pragma(pool, p);
            assert_eq!(
                get("SELECT * FROM pragma_journal_mode").await,
                "wal",
                "{who}"
            );
            assert_eq!(get("SELECT * FROM pragma_foreign_keys").await, "1", "{who}");
            assert_eq!(
                get("SELECT * FROM pragma_busy_timeout").await,
                "5000",
                "{who}"
            );
        }
        let w = |p: &'static str| pragma(&store.writer, p);
        assert_eq!(w("SELECT * FROM pragma_synchronous").await, "1", "NORMAL");
        assert_eq!(
            w("SELECT * FROM pragma_cache_size").await,
            (-WRITER_CACHE_KIB).to_string()
        );
        assert_eq!(w("SELECT * FROM pragma_query_only").await, "0");
        let pages: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&store.writer)
            .await
            .unwrap();
        assert_eq!(pages, i64::from(WRITER_AUTOCHECKPOINT_PAGES));
        let r = |p: &'static str| pragma(&store.reader, p);
        assert_eq!(
            r("SELECT * FROM pragma_query_only").await,
            "1",
            "readers cannot write"
        );
        store.close().await;
    }
}
