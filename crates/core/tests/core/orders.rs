//! Order entry against the simulator: specific validation errors before sending, the
//! exchange's refusals rolled back, amend/decrease/cancel, and the production guard.

use std::sync::Arc;

use desk_core::{
    AppError, AppEvent, CoreError, Decrease, DeskEnvironment, ErrorCode, MemoryCredentialStore,
    OrderEvent, OrderRejection, OrderTicket,
};
use kalshi::auth::PrivateKey;
use kalshi::env::Environment;
use kalshi::model::Count;
use kalshi::model::order::{BookSide, OrderStatus, TimeInForce};
use serde_json::json;

use crate::harness::{Env, KEY_A, PutKey, open_synced, price, rest};

fn rejection(err: CoreError) -> OrderRejection {
    match err {
        CoreError::Order(r) => r,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_orders_are_refused_before_sending() {
    let env = Env::start().await;
    let (session, _events) = env.open().await;
    let markets = env.markets(2).await;
    let ticker = markets[0].ticker.as_str();
    let c = Count::from_contracts;

    let off_grid = OrderTicket::limit(ticker, BookSide::Bid, price("0.4050"), c(1));
    let err = rejection(session.place_order(off_grid).await.unwrap_err());
    assert!(
        matches!(err, OrderRejection::PriceOffGrid { .. }),
        "{err:?}"
    );
    let err = rejection(
        session
            .place_order(OrderTicket::limit(ticker, BookSide::Bid, price("1"), c(1)))
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, OrderRejection::PriceOutOfRange { .. }));
    let err = rejection(
        session
            .place_order(OrderTicket::limit(
                ticker,
                BookSide::Bid,
                price("0.40"),
                c(0),
            ))
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, OrderRejection::CountNotPositive { .. }));
    let err = rejection(
        session
            .place_order(OrderTicket::limit(
                ticker,
                BookSide::Bid,
                price("0.50"),
                c(50_000),
            ))
            .await
            .unwrap_err(),
    );
    assert!(
        matches!(err, OrderRejection::InsufficientBalance { .. }),
        "$25,000 of contracts on a $10,000 account: {err:?}"
    );
    let err = rejection(
        session
            .place_order(OrderTicket::limit(
                "NO-SUCH-MARKET",
                BookSide::Bid,
                price("0.40"),
                c(1),
            ))
            .await
            .unwrap_err(),
    );
    assert!(matches!(err, OrderRejection::MarketNotFound { .. }));

    let closed = markets[1].ticker.as_str();
    let http = reqwest::Client::new();
    let r = http
        .post(format!("{}/markets/{closed}/close", env.sim.admin_url()))
        .bearer_auth(env.sim.admin_token())
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "admin close: {}", r.status());
    let err = session
        .place_order(OrderTicket::limit(
            closed,
            BookSide::Bid,
            price("0.40"),
            c(1),
        ))
        .await
        .unwrap_err();
    assert_eq!(
        AppError::from(&err).code,
        ErrorCode::MarketNotOpen,
        "{err:?}"
    );
    assert!(
        session.pending_orders().is_empty(),
        "nothing was sent, nothing pending"
    );
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn refusals_roll_back_and_edits_are_stored() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let market = env.market().await;
    let ticker = market.ticker.as_str();
    let c = Count::from_contracts;

    // Post-only that would cross: the exchange refuses, the pending order is rolled back.
    rest(&env.b, ticker, BookSide::Ask, price("0.50"), c(1)).await;
    let mut crossing = OrderTicket::limit(ticker, BookSide::Bid, price("0.55"), c(1));
    crossing.post_only = true;
    let err = session.place_order(crossing).await.unwrap_err();
    assert!(matches!(err, CoreError::Exchange(_)), "{err:?}");
    let rejected = events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::Rejected { .. })),
            "the rollback",
        )
        .await;
    let AppEvent::Order(OrderEvent::Rejected { error, .. }) = rejected else {
        unreachable!()
    };
    assert_eq!(
        error,
        AppError::from(&err),
        "the event carries the same error"
    );
    assert!(session.pending_orders().is_empty());

    let resting = OrderTicket::limit(ticker, BookSide::Bid, price("0.20"), c(10))
        .with_time_in_force(TimeInForce::GoodTillCanceled);
    let placed = session.place_order(resting).await.unwrap();
    let stored = |s: &desk_core::Session| {
        let store = s.store().clone();
        let scope = s.scope().clone();
        let id = placed.order_id.clone();
        async move { store.order(&scope, &id).await.unwrap().unwrap() }
    };
    session
        .amend_order(&placed.order_id, price("0.22"), c(12))
        .await
        .unwrap();
    let row = stored(&session).await;
    assert_eq!(
        (row.yes_price, row.remaining_count),
        (price("0.22"), c(12)),
        "amend stored"
    );
    session
        .decrease_order(&placed.order_id, Decrease::By(c(2)))
        .await
        .unwrap();
    assert_eq!(
        stored(&session).await.remaining_count,
        c(10),
        "decrease stored"
    );
    session.cancel_order(&placed.order_id).await.unwrap();
    let row = stored(&session).await;
    assert_eq!(row.status, OrderStatus::Canceled, "cancel stored");
    assert!(matches!(
        session.cancel_order("no-such-order").await.unwrap_err(),
        CoreError::UnknownOrder(_) | CoreError::Exchange(_)
    ));
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn production_orders_need_confirmation() {
    let env = Env::start().await;
    // Key A registered for "production", which is the simulator behind an endpoint override.
    let creds = Arc::new(MemoryCredentialStore::new());
    let key = PrivateKey::from_pem(&crate::harness::key_a_pem()).unwrap();
    creds.put_key(
        DeskEnvironment::Production,
        &desk_core::StoredKey::from_private_key(KEY_A, &key),
    );
    env.sim.register_key(KEY_A, &key.public_key_pem()).unwrap();
    let mut config = env.config();
    config.environment = DeskEnvironment::Production;
    config.credentials = creds;
    config.endpoint = Some(Environment::custom(&env.sim.rest_url(), &env.sim.ws_url()).unwrap());
    let (session, _events) = open_synced(config).await;
    let ticker = env.market().await.ticker;
    let ticket = OrderTicket::limit(
        &ticker,
        BookSide::Bid,
        price("0.10"),
        Count::from_contracts(1),
    );
    let err = session.place_order(ticket.clone()).await.unwrap_err();
    assert!(matches!(err, CoreError::ProductionNotConfirmed), "{err:?}");
    assert_eq!(AppError::from(&err).code, ErrorCode::ProductionNotConfirmed);
    session.confirm_production(true);
    session.place_order(ticket).await.unwrap();
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn cancel_all_takes_one_market_then_everything_in_batches() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let markets = env.markets(2).await;
    let (a, b) = (markets[0].ticker.as_str(), markets[1].ticker.as_str());
    let mut in_a = Vec::new();
    // More than one batch (20) in market A.
    for i in 0..23 {
        let ticket = OrderTicket::limit(
            a,
            BookSide::Bid,
            price(if i % 2 == 0 { "0.10" } else { "0.11" }),
            Count::from_contracts(1),
        );
        in_a.push(session.place_order(ticket).await.unwrap().order_id);
    }
    let mut in_b = Vec::new();
    for _ in 0..2 {
        let ticket = OrderTicket::limit(b, BookSide::Ask, price("0.90"), Count::from_contracts(2));
        in_b.push(session.place_order(ticket).await.unwrap().order_id);
    }

    let report = session.cancel_all_orders(Some(a)).await.unwrap();
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let mut canceled = report.canceled.clone();
    canceled.sort();
    in_a.sort();
    assert_eq!(canceled, in_a, "exactly market A's resting orders");
    let resting = |orders: &[kalshi::model::order::Order]| {
        let mut ids: Vec<String> = orders
            .iter()
            .filter(|o| o.status == OrderStatus::Resting)
            .map(|o| o.order_id.clone())
            .collect();
        ids.sort();
        ids
    };
    in_b.sort();
    assert_eq!(
        resting(&env.exchange_orders().await),
        in_b,
        "market B untouched"
    );

    let report = session.cancel_all_orders(None).await.unwrap();
    let mut canceled = report.canceled.clone();
    canceled.sort();
    assert_eq!(canceled, in_b);
    assert!(resting(&env.exchange_orders().await).is_empty());
    let again = session.cancel_all_orders(None).await.unwrap();
    assert_eq!(again, desk_core::CancelAllReport::default(), "nothing left");

    // The store learns every cancel (WebSocket or catch-up), without a read-back per order.
    let mut waiting: std::collections::HashSet<String> =
        in_a.iter().chain(&in_b).cloned().collect();
    while !waiting.is_empty() {
        let event = events
            .wait(
                |e| matches!(e, AppEvent::Order(OrderEvent::Stored(o)) if o.status == OrderStatus::Canceled),
                "stored cancels",
            )
            .await;
        if let AppEvent::Order(OrderEvent::Stored(order)) = event {
            waiting.remove(&order.order_id);
        }
    }
    for id in in_a.iter().chain(&in_b) {
        let stored = session
            .store()
            .order(session.scope(), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.status, OrderStatus::Canceled, "{id}");
    }
    session.close().await;
    env.sim.shutdown().await;
}

/// The `Stored` events of `order_id` among `events`.
fn stored_of<'a>(
    events: &'a [AppEvent],
    order_id: &'a str,
) -> impl Iterator<Item = &'a kalshi::model::order::Order> + 'a {
    events.iter().filter_map(move |e| match e {
        AppEvent::Order(OrderEvent::Stored(o)) if o.order_id == order_id => Some(&**o),
        _ => None,
    })
}

#[tokio::test]
async fn each_order_change_is_announced_once_with_the_stored_row() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticker = env.market().await.ticker;
    let c = Count::from_contracts;
    // The session's own order: its WebSocket report and its REST read-back race.
    let ticket = OrderTicket::limit(&ticker, BookSide::Bid, price("0.30"), c(5));
    let placed = session.place_order(ticket).await.unwrap();
    // An order of the account placed elsewhere: the WebSocket, then the catch-ups.
    let outside = rest(&env.a, &ticker, BookSide::Bid, price("0.31"), c(5)).await;
    crate::harness::take(&env.b, &ticker, BookSide::Ask, price("0.31"), c(1)).await;
    let mut seen = events
        .collect_until(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == outside.order_id),
            "the fill of the outside order",
        )
        .await;
    for _ in 0..2 {
        session.request_sync();
        seen.extend(
            events
                .collect_until(|e| matches!(e, AppEvent::Synced(_)), "a catch-up")
                .await,
        );
    }
    let mine: Vec<_> = stored_of(&seen, &placed.order_id).collect();
    assert_eq!(mine.len(), 1, "placed once, changed never: {mine:#?}");
    assert_eq!(mine[0].client_order_id, placed.client_order_id);
    let theirs: Vec<_> = stored_of(&seen, &outside.order_id).collect();
    // Placed, then filled: two changes, or one when both reports reach the store in one
    // batch (then only the newer state is announced). Never a repeat of a state.
    assert!(
        (1..=2).contains(&theirs.len()),
        "placed, then filled: {theirs:#?}"
    );
    assert!(
        theirs
            .windows(2)
            .all(|w| w[0].fill_count_fp < w[1].fill_count_fp),
        "each announcement is a new state: {theirs:#?}"
    );
    assert_eq!(theirs.last().map(|o| o.fill_count_fp), Some(c(1)));
    // The events carry the row as stored, whichever report reached the store first.
    for (id, announced) in [
        (&placed.order_id, mine.last()),
        (&outside.order_id, theirs.last()),
    ] {
        let row = session
            .store()
            .order(session.scope(), id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(announced.map(|o| o.status), Some(row.status));
        assert_eq!(
            announced.map(|o| o.client_order_id.as_str()),
            Some(row.client_order_id.as_str())
        );
    }
    session.close().await;
    env.sim.shutdown().await;
}
