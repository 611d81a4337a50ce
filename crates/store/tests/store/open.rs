//! Opening: migrations, pragmas, and refusing foreign, damaged or newer files untouched.

use sqlx::Connection;
use store::{Store, StoreError};

use crate::harness::{bytes, db_path, raw};

#[tokio::test]
async fn migrations_apply_and_reopen_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let store = Store::open(&path).await.unwrap();
    store.close().await;

    let mut conn = raw(&path).await;
    let versions: Vec<(i64, bool)> =
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(&mut conn)
            .await
            .unwrap();
    assert_eq!(
        versions,
        [(1, true), (2, true), (3, true), (4, true)],
        "every migration is applied once"
    );
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' \
         AND name NOT LIKE 'sqlite%' ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        tables,
        [
            "fills",
            "market_events",
            "markets",
            "orders",
            "portfolio_snapshots",
            "positions",
            "scopes",
            "settings",
            "settlements",
            "sync_cursors",
            "tickers",
            "unconfirmed_orders"
        ]
    );
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal", "WAL is a property of the file once set");
    conn.close().await.unwrap();

    let store = Store::open(&path)
        .await
        .expect("reopening a current database works");
    store.close().await;
}

#[tokio::test]
async fn garbage_file_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let garbage: Vec<u8> = (0..10_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &garbage).unwrap();

    let err = Store::open(&path).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotADatabase { .. }),
        "got {err:?}"
    );
    assert!(err.to_string().contains("left untouched"), "{err}");
    assert_eq!(bytes(&path), garbage, "a foreign file is never modified");
    assert!(
        !dir.path().join("desk.sqlite-wal").exists(),
        "no WAL was created next to it"
    );
}

#[tokio::test]
async fn damaged_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    // An SQLite header followed by nonsense: passes the magic check, fails in SQLite.
    let mut damaged = b"SQLite format 3\0".to_vec();
    damaged.extend((0..8192u32).map(|i| (i * 13 % 256) as u8));
    std::fs::write(&path, &damaged).unwrap();

    let err = Store::open(&path).await.unwrap_err();
    assert!(
        matches!(err, StoreError::NotADatabase { .. }),
        "got {err:?}"
    );
    assert_eq!(bytes(&path), damaged, "a damaged file is never modified");
}

#[tokio::test]
async fn short_file_and_directory_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    std::fs::write(&path, b"SQLite").unwrap();
    assert!(matches!(
        Store::open(&path).await,
        Err(StoreError::NotADatabase { .. })
    ));
    assert_eq!(bytes(&path), b"SQLite");
    assert!(matches!(
        Store::open(dir.path()).await,
        Err(StoreError::NotADatabase { .. })
    ));
}

#[tokio::test]
async fn empty_file_becomes_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    std::fs::write(&path, b"").unwrap();
    let store = Store::open(&path)
        .await
        .expect("an empty file is a new database");
    store.close().await;
}

#[tokio::test]
async fn newer_schema_is_refused_and_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    Store::open(&path).await.unwrap().close().await;

    // What a newer app version leaves behind: a migration this build does not know.
    let mut conn = raw(&path).await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let before = bytes(&path);

    let err = Store::open(&path).await.unwrap_err();
    match &err {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (9999, 4));
        }
        other => panic!("expected NewerSchema, got {other:?}"),
    }
    assert!(err.to_string().contains("newer version"), "{err}");
    assert_eq!(bytes(&path), before, "a newer database is never modified");
}

#[tokio::test]
async fn missing_directory_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path().join("no/such/dir/desk.sqlite"))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "got {err:?}");
}
