//! Unconfirmed orders: filed by scope and client order id, listed oldest first, replaced
//! in place, removed once settled, and still there after the file is reopened.

use store::{Environment, Scope, Store, UnconfirmedRow};

use crate::harness::{at, db_path, sim};

fn row(id: &str, sent: i64) -> UnconfirmedRow {
    UnconfirmedRow {
        client_order_id: id.to_owned(),
        ticker: "KXA-1".to_owned(),
        ticket: format!(r#"{{"ticket":"{id}"}}"#),
        error: r#"{"code":"exchange_unavailable"}"#.to_owned(),
        sent_at: at(sent),
    }
}

#[tokio::test]
async fn unconfirmed_orders_are_kept_per_scope_across_a_reopen_until_removed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(db_path(&dir)).await.unwrap();
    let demo = Scope::new(Environment::Demo, "k1");
    assert!(store.unconfirmed_orders(&sim()).await.unwrap().is_empty());
    store.save_unconfirmed(&sim(), &row("b", 20)).await.unwrap();
    store.save_unconfirmed(&sim(), &row("a", 10)).await.unwrap();
    store.save_unconfirmed(&demo, &row("c", 5)).await.unwrap();
    // Saved again with a newer error: replaced, not doubled.
    let mut again = row("b", 20);
    again.error = r#"{"code":"rate_limited"}"#.to_owned();
    store.save_unconfirmed(&sim(), &again).await.unwrap();
    store.close().await;

    let store = Store::open(db_path(&dir)).await.unwrap();
    let held = store.unconfirmed_orders(&sim()).await.unwrap();
    assert_eq!(held, [row("a", 10), again], "oldest first, this scope only");
    assert!(store.remove_unconfirmed(&sim(), "a").await.unwrap());
    assert!(
        !store.remove_unconfirmed(&sim(), "a").await.unwrap(),
        "once"
    );
    assert!(
        !store.remove_unconfirmed(&sim(), "c").await.unwrap(),
        "not another scope's"
    );
    assert_eq!(store.unconfirmed_orders(&sim()).await.unwrap().len(), 1);
    assert_eq!(
        store.unconfirmed_orders(&demo).await.unwrap(),
        [row("c", 5)]
    );
    store.close().await;
}
