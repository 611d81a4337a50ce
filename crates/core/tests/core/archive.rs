//! History older than Kalshi's cutoff and orders the exchange no longer knows: a stored
//! resting order that is nowhere on the exchange is closed as unknown, once.

use desk_core::{AppEvent, OrderEvent, OrderTicket};
use kalshi::model::order::{BookSide, OrderStatus};
use kalshi::model::order_entry::CancelOrderParams;
use kalshi::model::{Count, Money};
use kalshi_sim::server::CutoffPatch;
use store::{FillFilter, PageRequest, PnlBasis, TickerFilter};

use crate::harness::{Env, open_synced, price, rest, take};

/// Moves the simulator's historical cutoff to just after now: everything finished so far
/// leaves the live endpoints for `/historical/*`.
fn archive_everything(env: &Env) {
    let now = env.sim.state().clock.now_ms();
    env.sim
        .set_historical_cutoff(&CutoffPatch {
            ts_ms: Some(now + 1),
            ..CutoffPatch::default()
        })
        .expect("a valid cutoff");
}

#[tokio::test]
async fn a_stored_resting_order_the_exchange_never_knew_is_closed_as_unknown_once() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticker = env.market().await.ticker;
    // A real resting order, and a copy of it under an id the exchange never issued (what
    // a store holds after the exchange lost or archived-and-dropped an order).
    let placed = rest(
        &env.a,
        &ticker,
        BookSide::Bid,
        price("0.30"),
        Count::from_contracts(2),
    )
    .await;
    let real = env.a.order(&placed.order_id).await.unwrap();
    let mut ghost = real.clone();
    ghost.order_id = uuid::Uuid::new_v4().to_string();
    ghost.client_order_id = String::new();
    session
        .store()
        .upsert_orders(session.scope(), &[ghost.clone()])
        .await
        .unwrap();

    session.request_sync();
    let closed = events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::Stored(o)) if o.order_id == ghost.order_id),
            "the unknown order closed",
        )
        .await;
    let AppEvent::Order(OrderEvent::Stored(order)) = closed else {
        unreachable!()
    };
    assert_eq!(order.status, OrderStatus::Canceled);
    assert_eq!(order.remaining_count_fp, Count::ZERO);
    let row = session
        .store()
        .order(session.scope(), &ghost.order_id)
        .await
        .unwrap()
        .unwrap();
    let reason = row.closed_unknown.expect("the reason is kept");
    assert!(reason.contains("no longer knows"), "{reason}");
    let revision = row.revision;

    // The next catch-up neither re-checks nor re-announces it, and the real order is
    // still resting.
    session.request_sync();
    let seen = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "the next catch-up")
        .await;
    assert!(
        !seen.iter().any(
            |e| matches!(e, AppEvent::Order(OrderEvent::Stored(o)) if o.order_id == ghost.order_id)
        ),
        "a closed unknown order is announced once"
    );
    let row = session
        .store()
        .order(session.scope(), &ghost.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.revision, revision);
    let real_row = session
        .store()
        .order(session.scope(), &real.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(real_row.status, OrderStatus::Resting);
    session.close().await;
}

#[tokio::test]
async fn an_order_archived_while_away_is_read_from_the_archive() {
    let env = Env::start().await;
    let (session, _events) = env.open().await;
    let ticker = env.market().await.ticker;
    let placed = session
        .place_order(OrderTicket::limit(
            &ticker,
            BookSide::Bid,
            price("0.20"),
            Count::from_contracts(3),
        ))
        .await
        .unwrap();
    session.close().await;
    // While the app is closed the order is cancelled, and Kalshi archives it.
    env.a
        .cancel_order(&placed.order_id, &CancelOrderParams::default())
        .await
        .unwrap();
    archive_everything(&env);
    assert_eq!(
        env.a.order(&placed.order_id).await.unwrap_err().status(),
        Some(404),
        "the live endpoint no longer knows it"
    );

    let (session, _events) = open_synced(env.config()).await;
    let row = session
        .store()
        .order(session.scope(), &placed.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, OrderStatus::Canceled, "the archive's state");
    assert_eq!(row.remaining_count, Count::ZERO);
    assert_eq!(row.closed_unknown, None, "it was found, not given up on");
    session.close().await;
}

#[tokio::test]
async fn the_first_sync_imports_archived_history_so_settled_pnl_is_right() {
    let env = Env::start().await;
    env.register_a();
    let ticker = env.market().await.ticker;
    // Months ago: bought 10 YES at 0.90; the market settled YES; Kalshi archived it all.
    let bought = rest(
        &env.a,
        &ticker,
        BookSide::Bid,
        price("0.90"),
        Count::from_contracts(10),
    )
    .await;
    take(
        &env.b,
        &ticker,
        BookSide::Ask,
        price("0.90"),
        Count::from_contracts(10),
    )
    .await;
    for (path, body) in [
        ("close", serde_json::json!({})),
        ("determine", serde_json::json!({ "result": "yes" })),
        ("settle", serde_json::json!({})),
    ] {
        env.admin(&format!("/markets/{ticker}/{path}"), body).await;
    }
    archive_everything(&env);
    assert!(
        env.exchange_fills().await.is_empty(),
        "the live fills listing no longer has them"
    );

    // A new install (empty store) on the same key.
    let (session, _events) = open_synced(env.config()).await;
    let fills = session
        .store()
        .fill_history(
            session.scope(),
            &FillFilter::default(),
            &PageRequest::first(100),
        )
        .await
        .unwrap()
        .items;
    assert!(!fills.is_empty(), "archived fills are imported");
    assert!(fills.iter().all(|f| f.order_id == bought.order_id));
    let order = session
        .store()
        .order(session.scope(), &bought.order_id)
        .await
        .unwrap()
        .expect("the archived order is imported");
    assert_eq!(order.status, OrderStatus::Executed);

    let pnl = session
        .store()
        .pnl_by_market(session.scope(), Some(&TickerFilter::Exact(ticker.clone())))
        .await
        .unwrap();
    assert_eq!(pnl.len(), 1);
    let market = &pnl[0];
    assert!(market.realized);
    assert_eq!(market.basis, PnlBasis::Fills, "the fills add up now");
    // Paid 9.00, received 10.00, minus every fee: about +$1, never about +$10.
    let expected = Money::from_cents(100).checked_sub(market.fees).unwrap();
    assert_eq!(market.pnl, Some(expected));
    session.close().await;
}
