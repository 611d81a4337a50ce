//! Scopes: the same ids in different environments or accounts never mix.

use kalshi::model::order::BookSide;
use store::{Environment, FillFilter, NewSnapshot, OrderFilter, PageRequest, Scope, TimeRange};

use crate::harness::{at, fill, m, market, open_store, order, position, sim};

#[tokio::test]
async fn environments_and_keys_are_isolated() {
    let (_dir, store) = open_store().await;
    let demo = Scope::new(Environment::Demo, "k1");
    let other_key = Scope::new(Environment::Simulator, "k2");
    let production = Scope::new(Environment::Production, "k1");

    let f = fill("same-id", "T-1", BookSide::Bid, "0.50", "1", 1_000);
    assert_eq!(
        store
            .upsert_fills(&sim(), std::slice::from_ref(&f))
            .await
            .unwrap()
            .inserted
            .len(),
        1
    );
    assert_eq!(
        store
            .upsert_fills(&demo, std::slice::from_ref(&f))
            .await
            .unwrap()
            .inserted
            .len(),
        1,
        "the same fill id in another environment is another fill"
    );
    assert_eq!(
        store
            .upsert_fills(&other_key, &[f])
            .await
            .unwrap()
            .inserted
            .len(),
        1
    );
    store
        .upsert_orders(&demo, &[order("o1", "T-1", 1, 1, 0)])
        .await
        .unwrap();
    store
        .replace_positions(&demo, &[position("T-1", 2, 1)])
        .await
        .unwrap();
    store
        .upsert_markets(&demo, &[market("T-1", "t", "0.5")], at(1))
        .await
        .unwrap();
    store
        .set_cursor(&demo, "fills", "123", at(5))
        .await
        .unwrap();
    store
        .record_snapshot(
            &demo,
            &NewSnapshot {
                captured_at: at(1),
                balance: m("1"),
                portfolio_value: m("2"),
                positions: vec![],
            },
        )
        .await
        .unwrap();

    let all = PageRequest::first(100);
    for scope in [sim(), demo.clone(), other_key] {
        let fills = store
            .fill_history(&scope, &FillFilter::default(), &all)
            .await
            .unwrap();
        assert_eq!(fills.items.len(), 1, "{scope} sees only its own fill");
    }
    assert!(
        store
            .order_history(&sim(), &OrderFilter::default(), &all)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(
        store
            .order_history(&demo, &OrderFilter::default(), &all)
            .await
            .unwrap()
            .items
            .len(),
        1
    );

    // A scope with nothing stored reads as empty everywhere, and reading creates nothing.
    assert!(
        store
            .fill_history(&production, &FillFilter::default(), &all)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(store.positions(&production).await.unwrap().is_empty());
    assert!(store.positions(&sim()).await.unwrap().is_empty());
    assert!(store.cached_market(&sim(), "T-1").await.unwrap().is_none());
    assert!(store.cursor(&sim(), "fills").await.unwrap().is_none());
    assert_eq!(
        store.cursor(&demo, "fills").await.unwrap().unwrap().value,
        "123"
    );
    assert!(store.latest_snapshot(&sim()).await.unwrap().is_none());
    assert!(
        store
            .settlements(&production, &TimeRange::ALL)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .pnl_by_market(&production, None)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn cursors_and_settings_round_trip() {
    let (_dir, store) = open_store().await;
    store
        .set_cursor(&sim(), "fills", "1700000000", at(10))
        .await
        .unwrap();
    store
        .set_cursor(&sim(), "fills", "1700000100", at(20))
        .await
        .unwrap();
    let c = store.cursor(&sim(), "fills").await.unwrap().unwrap();
    assert_eq!((c.value.as_str(), c.updated_at), ("1700000100", at(20)));
    assert!(store.cursor(&sim(), "orders").await.unwrap().is_none());

    assert_eq!(store.setting("theme").await.unwrap(), None);
    store.set_setting("theme", "dark").await.unwrap();
    store
        .set_setting("confirm_production_orders", "true")
        .await
        .unwrap();
    store.set_setting("theme", "light").await.unwrap();
    assert_eq!(
        store.setting("theme").await.unwrap().as_deref(),
        Some("light")
    );
    assert_eq!(
        store.settings().await.unwrap(),
        [
            ("confirm_production_orders".to_owned(), "true".to_owned()),
            ("theme".to_owned(), "light".to_owned())
        ]
    );
    assert!(store.remove_setting("theme").await.unwrap());
    assert!(!store.remove_setting("theme").await.unwrap());
}

#[tokio::test]
async fn data_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = crate::harness::db_path(&dir);
    let store = store::Store::open(&path).await.unwrap();
    store
        .upsert_fills(
            &sim(),
            &[fill("f1", "T-1", BookSide::Ask, "0.30", "2.50", 7)],
        )
        .await
        .unwrap();
    drop(store);
    let store = store::Store::open(&path).await.unwrap();
    let page = store
        .fill_history(&sim(), &FillFilter::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1);
    let f = &page.items[0];
    assert_eq!(f.count, crate::harness::c("2.50"));
    assert_eq!(f.yes_price, crate::harness::p("0.30"));
    assert_eq!(f.no_price, crate::harness::p("0.70"));
    assert_eq!(f.created_time, at(7));
    store.close().await;
}
