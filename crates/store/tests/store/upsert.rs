//! Batch writes: idempotency, change reports, and stale updates never winning.

use kalshi::model::Count;
use kalshi::model::order::{BookSide, Order, OrderStatus};
use kalshi::model::settlement::SettlementResult;
use store::{FillFilter, OrderFilter, PageRequest, StoreError, UpsertReport};

use crate::harness::{
    at, db_path, fill, market, open_store, order, position, raw, settlement, sim,
};

#[tokio::test]
async fn same_fill_batch_twice_stores_each_fill_once() {
    let (_dir, store) = open_store().await;
    let fills: Vec<_> = (0..250)
        .map(|i| {
            fill(
                &format!("f{i}"),
                "T-1",
                BookSide::Bid,
                "0.50",
                "1",
                1_000 + i,
            )
        })
        .collect();

    let first = store.upsert_fills(&sim(), &fills).await.unwrap();
    assert_eq!(first.inserted.len(), 250);
    assert_eq!(first.inserted[0], "f0", "ids come back in input order");
    assert!(first.updated.is_empty());

    let second = store.upsert_fills(&sim(), &fills).await.unwrap();
    assert_eq!(second.inserted.len(), 0, "nothing is new the second time");
    assert_eq!(second.unchanged, 250);

    // A catch-up batch overlapping the WS: only the unseen fill is new.
    let mut overlap = fills[240..].to_vec();
    overlap.push(fill("f-new", "T-1", BookSide::Bid, "0.50", "1", 5_000));
    let third = store.upsert_fills(&sim(), &overlap).await.unwrap();
    assert_eq!(third.inserted, ["f-new"]);
    assert_eq!(third.unchanged, 10);

    let page = store
        .fill_history(&sim(), &FillFilter::default(), &PageRequest::first(1000))
        .await
        .unwrap();
    assert_eq!(page.items.len(), 251, "no duplicates stored");
}

#[tokio::test]
async fn a_batch_over_several_statements_reports_exactly_its_new_fills() {
    let (dir, store) = open_store().await;
    let make = |i: i64| {
        fill(
            &format!("g{i}"),
            "T-2",
            BookSide::Ask,
            "0.40",
            "2",
            1_000 + i,
        )
    };
    // Every third fill is known before, so each statement of the big batch (1,777 rows
    // at most) inserts some rows and skips others, and a repeated id sits inside it.
    let known: Vec<_> = (0..4_000).filter(|i| i % 3 == 0).map(make).collect();
    store.upsert_fills(&sim(), &known).await.unwrap();
    let mut batch: Vec<_> = (0..4_000).map(make).collect();
    batch.insert(2_500, make(1));
    let report = store.upsert_fills(&sim(), &batch).await.unwrap();
    let expected: Vec<String> = (0..4_000)
        .filter(|i| i % 3 != 0)
        .map(|i| format!("g{i}"))
        .collect();
    assert_eq!(
        report.inserted, expected,
        "new ids, in input order, each once"
    );
    assert_eq!(report.unchanged, known.len());
    let mut conn = raw(&db_path(&dir)).await;
    let (rows, distinct): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT fill_id) FROM fills")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert_eq!((rows, distinct), (4_000, 4_000), "every fill stored once");
}

#[tokio::test]
async fn duplicate_ids_inside_one_batch_are_one_row() {
    let (_dir, store) = open_store().await;
    let f = fill("dup", "T-1", BookSide::Bid, "0.50", "1", 1_000);
    let report = store.upsert_fills(&sim(), &[f.clone(), f]).await.unwrap();
    assert_eq!(
        report,
        UpsertReport {
            inserted: vec!["dup".into()],
            ..Default::default()
        }
    );

    let o = order("o1", "T-1", 1_000, 1_000, 0);
    let report = store.upsert_orders(&sim(), &[o.clone(), o]).await.unwrap();
    assert_eq!(report.inserted, ["o1"]);
    assert_eq!(report.unchanged, 0, "distinct ids are counted once");
}

#[tokio::test]
async fn same_order_batch_twice_changes_nothing_the_second_time() {
    let (_dir, store) = open_store().await;
    let orders: Vec<_> = (0..30)
        .map(|i| order(&format!("o{i}"), "T-1", 1_000 + i, 1_000 + i, 0))
        .collect();
    let first = store.upsert_orders(&sim(), &orders).await.unwrap();
    assert_eq!(first.inserted.len(), 30);
    let second = store.upsert_orders(&sim(), &orders).await.unwrap();
    assert!(
        second.is_empty(),
        "identical states are not updates: {second:?}"
    );
    assert_eq!(second.unchanged, 30);
    assert_eq!(
        store.order(&sim(), "o3").await.unwrap().unwrap().revision,
        1
    );
}

#[tokio::test]
async fn older_order_update_never_overwrites_a_newer_state() {
    let (_dir, store) = open_store().await;
    let created = 1_000;
    let resting = order("o1", "T-1", created, 2_000, 0);
    let partly = order("o1", "T-1", created, 3_000, 4);
    let done = order("o1", "T-1", created, 4_000, 10);

    // Newest first, then the older states arrive late (REST page after WS).
    assert_eq!(
        store
            .upsert_orders(&sim(), std::slice::from_ref(&done))
            .await
            .unwrap()
            .inserted,
        ["o1"]
    );
    let late = store
        .upsert_orders(&sim(), &[resting.clone(), partly.clone()])
        .await
        .unwrap();
    assert!(late.is_empty(), "stale states are ignored: {late:?}");
    assert_eq!(late.unchanged, 1);
    let stored = store.order(&sim(), "o1").await.unwrap().unwrap();
    assert_eq!(stored.status, OrderStatus::Executed);
    assert_eq!(stored.fill_count, Count::from_contracts(10));
    assert_eq!(stored.last_update_time, at(4_000));
    assert_eq!(stored.revision, 1);

    // In order, each newer state is an update.
    let (_dir2, store) = open_store().await;
    store.upsert_orders(&sim(), &[resting]).await.unwrap();
    let r = store
        .upsert_orders(&sim(), std::slice::from_ref(&partly))
        .await
        .unwrap();
    assert_eq!(r.updated, ["o1"]);
    let r = store.upsert_orders(&sim(), &[done]).await.unwrap();
    assert_eq!(r.updated, ["o1"]);
    let stored = store.order(&sim(), "o1").await.unwrap().unwrap();
    assert_eq!(stored.revision, 3);
    assert_eq!(stored.status, OrderStatus::Executed);

    // Same millisecond, less filled: a replay of an older message, ignored.
    let mut replay = partly;
    replay.last_update_time = Some(at(4_000));
    let r = store.upsert_orders(&sim(), &[replay]).await.unwrap();
    assert!(
        r.is_empty(),
        "equal time with fewer fills must not undo a fill"
    );
    assert_eq!(
        store.order(&sim(), "o1").await.unwrap().unwrap().fill_count,
        Count::from_contracts(10)
    );
}

#[tokio::test]
async fn a_report_missing_fields_keeps_what_is_stored() {
    let (_dir, store) = open_store().await;
    // REST knows every field.
    let mut full = order("o1", "T-1", 1_000, 2_000, 0);
    full.cancel_order_on_pause = Some(false);
    full.order_group_id = Some("og-1".into());
    store.upsert_orders(&sim(), &[full.clone()]).await.unwrap();

    // The WebSocket's copy of the same state lacks some: nothing to change.
    let mut ws = full.clone();
    ws.user_id = String::new();
    ws.client_order_id = String::new();
    ws.cancel_order_on_pause = None;
    ws.order_group_id = None;
    ws.exchange_index = None;
    let same = store.upsert_orders(&sim(), &[ws.clone()]).await.unwrap();
    assert!(same.is_empty(), "a thinner copy is not a change: {same:?}");

    // A newer WebSocket state updates what it carries and keeps the rest.
    let mut filled = ws;
    filled.fill_count_fp = Count::from_contracts(4);
    filled.remaining_count_fp = Count::from_contracts(6);
    filled.last_update_time = Some(at(3_000));
    let r = store.upsert_orders(&sim(), &[filled]).await.unwrap();
    assert_eq!(r.updated, ["o1"]);
    let stored = store.order(&sim(), "o1").await.unwrap().unwrap();
    assert_eq!(stored.fill_count, Count::from_contracts(4));
    assert_eq!(stored.user_id, "user-1");
    assert_eq!(stored.client_order_id, "client-o1");
    assert_eq!(stored.cancel_order_on_pause, Some(false));
    assert_eq!(stored.order_group_id.as_deref(), Some("og-1"));
    assert_eq!(stored.exchange_index, Some(0));

    // A value that does change (an amend's new client order id) still replaces.
    let mut amended = full;
    amended.client_order_id = "client-o1-v2".into();
    amended.last_update_time = Some(at(4_000));
    amended.fill_count_fp = Count::from_contracts(4);
    amended.remaining_count_fp = Count::from_contracts(6);
    store.upsert_orders(&sim(), &[amended]).await.unwrap();
    let stored = store.order(&sim(), "o1").await.unwrap().unwrap();
    assert_eq!(stored.client_order_id, "client-o1-v2");
}

#[tokio::test]
async fn stored_orders_come_back_merged_once_per_change() {
    let (_dir, store) = open_store().await;
    // The WebSocket's report comes first: no V1 side/action, no shard.
    let mut rest_report = order("o1", "T-1", 1_000, 2_000, 0);
    rest_report.side = Some(kalshi::model::order::OutcomeSide::Yes);
    rest_report.action = Some(kalshi::model::order::Action::Buy);
    let mut ws = rest_report.clone();
    ws.side = None;
    ws.action = None;
    ws.exchange_index = None;
    let (report, rows) = store.store_orders(&sim(), &[ws.clone()]).await.unwrap();
    assert_eq!(report.inserted, ["o1"]);
    assert_eq!(rows.len(), 1);

    // The REST read-back of the same state completes the row, but is no change.
    let (report, rows) = store
        .store_orders(&sim(), std::slice::from_ref(&rest_report))
        .await
        .unwrap();
    assert!(
        report.is_empty(),
        "a completion is not a change: {report:?}"
    );
    assert!(rows.is_empty());
    let stored = store.order(&sim(), "o1").await.unwrap().unwrap();
    assert_eq!(stored.action, Some(kalshi::model::order::Action::Buy));
    assert_eq!(stored.revision, 1);

    // A newer WebSocket state and an older one in the same batch: one row, the merged
    // newer state (the older version was refused and never comes back).
    let mut filled = ws.clone();
    filled.fill_count_fp = Count::from_contracts(4);
    filled.remaining_count_fp = Count::from_contracts(6);
    filled.last_update_time = Some(at(3_000));
    let (report, rows) = store
        .store_orders(&sim(), &[filled.clone(), ws])
        .await
        .unwrap();
    assert_eq!(report.updated, ["o1"]);
    assert_eq!(rows.len(), 1, "once per order: {rows:?}");
    let row = &rows[0];
    assert_eq!(row.fill_count, Count::from_contracts(4), "the newer state");
    assert_eq!(
        row.side,
        Some(kalshi::model::order::OutcomeSide::Yes),
        "merged"
    );
    assert_eq!(row.exchange_index, Some(0), "merged");
    assert_eq!(row.revision, 2);

    // The row converts back to the exchange's shape unchanged.
    let mut expected = rest_report;
    expected.fill_count_fp = filled.fill_count_fp;
    expected.remaining_count_fp = filled.remaining_count_fp;
    expected.last_update_time = filled.last_update_time;
    assert_eq!(Order::from(row.clone()), expected);
}

#[tokio::test]
async fn order_lookup_by_client_id() {
    let (_dir, store) = open_store().await;
    store
        .upsert_orders(&sim(), &[order("o1", "T-1", 1, 1, 0)])
        .await
        .unwrap();
    let found = store
        .order_by_client_id(&sim(), "client-o1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.order_id, "o1");
    assert!(
        store
            .order_by_client_id(&sim(), "")
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.order(&sim(), "nope").await.unwrap().is_none());
}

#[tokio::test]
async fn an_order_the_exchange_forgot_is_closed_once_and_a_later_report_wins() {
    let (_dir, store) = open_store().await;
    store
        .upsert_orders(&sim(), &[order("gone", "T-1", 1, 2, 3)])
        .await
        .unwrap();
    let reason = "unknown to the exchange: not live and not in its archive";
    let closed = store
        .close_unknown_order(&sim(), "gone", reason)
        .await
        .unwrap()
        .expect("a resting order is closed");
    assert_eq!(closed.status, OrderStatus::Canceled);
    assert_eq!(closed.remaining_count, Count::ZERO);
    assert_eq!(closed.fill_count, Count::from_contracts(3), "fills stay");
    assert_eq!(closed.closed_unknown.as_deref(), Some(reason));
    assert_eq!(closed.revision, 2);
    assert!(
        store
            .close_unknown_order(&sim(), "gone", reason)
            .await
            .unwrap()
            .is_none(),
        "an order already closed is left alone, so it is never checked again"
    );
    assert!(
        store
            .close_unknown_order(&sim(), "never-stored", reason)
            .await
            .unwrap()
            .is_none()
    );

    // The exchange turns out to know it after all: its newer report replaces the mark.
    store
        .upsert_orders(&sim(), &[order("gone", "T-1", 1, 5, 10)])
        .await
        .unwrap();
    let row = store.order(&sim(), "gone").await.unwrap().unwrap();
    assert_eq!(row.status, OrderStatus::Executed);
    assert_eq!(row.closed_unknown, None);
}

#[tokio::test]
async fn settlements_are_idempotent_and_amendable() {
    let (_dir, store) = open_store().await;
    let s = settlement("T-1", SettlementResult::Yes, 3, 0, 9_000);
    assert_eq!(
        store
            .upsert_settlements(&sim(), std::slice::from_ref(&s))
            .await
            .unwrap()
            .inserted,
        ["T-1"]
    );
    assert!(
        store
            .upsert_settlements(&sim(), std::slice::from_ref(&s))
            .await
            .unwrap()
            .is_empty()
    );
    let mut amended = s;
    amended.market_result = SettlementResult::No;
    assert_eq!(
        store
            .upsert_settlements(&sim(), &[amended])
            .await
            .unwrap()
            .updated,
        ["T-1"]
    );
    let stored = store
        .settlements(&sim(), &store::TimeRange::ALL)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].market_result, SettlementResult::No);
}

#[tokio::test]
async fn replace_positions_removes_closed_ones_and_keeps_newer_reports() {
    let (_dir, store) = open_store().await;
    let r = store
        .replace_positions(&sim(), &[position("A", 5, 1_000), position("B", -3, 1_000)])
        .await
        .unwrap();
    assert_eq!(r.inserted, ["A", "B"]);

    // A WS update for B, newer than the next REST listing.
    let r = store
        .upsert_positions(&sim(), &[position("B", -4, 3_000)])
        .await
        .unwrap();
    assert_eq!(r.updated, ["B"]);

    let r = store
        .replace_positions(&sim(), &[position("B", -3, 2_000), position("C", 1, 2_000)])
        .await
        .unwrap();
    assert_eq!(r.inserted, ["C"]);
    assert_eq!(
        r.removed,
        ["A"],
        "a position missing from the full list is closed"
    );
    assert_eq!(
        r.unchanged, 1,
        "the older REST report of B loses to the WS update"
    );

    let stored = store.positions(&sim()).await.unwrap();
    let summary: Vec<(&str, Count)> = stored
        .iter()
        .map(|p| (p.ticker.as_str(), p.position))
        .collect();
    assert_eq!(
        summary,
        [
            ("B", Count::from_contracts(-4)),
            ("C", Count::from_contracts(1))
        ]
    );

    let r = store.replace_positions(&sim(), &[]).await.unwrap();
    assert_eq!(r.removed, ["B", "C"], "an empty listing closes everything");
}

#[tokio::test]
async fn markets_cache_counts_only_content_changes() {
    let (_dir, store) = open_store().await;
    let a = market("KXA-1", "Alpha", "0.40");
    let b = market("KXB-1", "Beta", "0.60");
    let r = store
        .upsert_markets(&sim(), &[a.clone(), b.clone()], at(1_000))
        .await
        .unwrap();
    assert_eq!(r.inserted, ["KXA-1", "KXB-1"]);

    let mut a2 = a.clone();
    a2.last_price_dollars = crate::harness::p("0.45");
    let r = store
        .upsert_markets(&sim(), &[a2.clone(), b], at(2_000))
        .await
        .unwrap();
    assert_eq!(r.updated, ["KXA-1"]);
    assert_eq!(r.unchanged, 1, "a refresh without change is not an update");

    let cached = store.cached_market(&sim(), "KXB-1").await.unwrap().unwrap();
    assert_eq!(
        cached.fetched_at,
        at(2_000),
        "the fetch time moves on every refresh"
    );
    let cached = store.cached_market(&sim(), "KXA-1").await.unwrap().unwrap();
    assert_eq!(cached.market, a2, "the full market round-trips");
}

#[tokio::test]
async fn undecodable_row_is_a_specific_error() {
    let (dir, store) = open_store().await;
    store
        .upsert_orders(&sim(), &[order("o1", "T-1", 1, 1, 0)])
        .await
        .unwrap();
    store
        .upsert_fills(&sim(), &[fill("f1", "T-1", BookSide::Bid, "0.5", "1", 1)])
        .await
        .unwrap();

    let mut conn = raw(&db_path(&dir)).await;
    sqlx::query("UPDATE orders SET status = 'pending'")
        .execute(&mut conn)
        .await
        .unwrap();
    sqlx::query("UPDATE fills SET count = 'many'")
        .execute(&mut conn)
        .await
        .unwrap();

    let err = store
        .order_history(&sim(), &OrderFilter::default(), &PageRequest::first(10))
        .await
        .unwrap_err();
    match err {
        StoreError::Decode {
            table,
            column,
            reason,
        } => {
            assert_eq!((table, column.as_str()), ("orders", "status"));
            assert!(reason.contains("pending"), "{reason}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let err = store.fills_of_order(&sim(), "order-f1").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Decode { table: "fills", column, .. } if column == "count"),
        "got {err:?}"
    );
}
