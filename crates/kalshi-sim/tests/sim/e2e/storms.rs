//! The REST client under HTTP fault shares: a 429 storm and 500/503 errors. Reads and
//! creates that carry a `client_order_id` get through by retrying; other writes are sent
//! once and surface the error, having created nothing. After the storm the client's view
//! of the account equals the simulator's, with no order doubled.

use std::collections::BTreeMap;

use futures_util::TryStreamExt as _;
use kalshi::model::market::{GetMarketsParams, Market};
use kalshi::model::order::{BookSide, GetOrdersParams, Order, OrderStatus};
use kalshi::model::order_entry::{CancelOrderParams, CreateOrderRequest};
use kalshi::model::portfolio::SubaccountParams;
use kalshi::rest::{Client, Error, RetryPolicy};
use kalshi_sim::server::FaultPatch;

use super::support::{client, client_with, contracts, gtc, ioc, start_sim, tradable_markets};
use super::truth::{assert_agree, client_view, simulator};
use crate::harness::{KEY_A, Sim};

fn faults(sim: &Sim, patch: FaultPatch) {
    sim.handle.set_faults(&patch).expect("valid fault plan");
}

fn reset(sim: &Sim) {
    faults(
        sim,
        FaultPatch {
            reset: true,
            ..FaultPatch::default()
        },
    );
}

/// A create without a client order id: not safe to repeat, so never retried.
fn anonymous(mut req: CreateOrderRequest) -> CreateOrderRequest {
    req.client_order_id = None;
    req
}

/// Orders per client order id (the empty id collects the anonymous ones).
fn by_client_id(orders: &[Order]) -> BTreeMap<&str, usize> {
    let mut map = BTreeMap::new();
    for o in orders {
        *map.entry(o.client_order_id.as_str()).or_insert(0) += 1;
    }
    map
}

/// Every read the app reconciles from, through `c`; all must succeed.
async fn read_everything(c: &Client, ticker: &str) {
    c.exchange_status().await.expect("exchange status");
    c.orderbook(ticker, None).await.expect("orderbook");
    c.market(ticker).await.expect("market");
    client_view(c).await;
}

#[tokio::test]
async fn a_429_storm_is_ridden_out_without_doubled_orders() {
    let sim = start_sim(40).await;
    let patient = client(&sim, &sim.a);
    let impatient = client_with(&sim, &sim.a, RetryPolicy::none());
    let other = client(&sim, &sim.b);
    let m = tradable_markets(&patient, 1).await.remove(0).ticker;
    other
        .create_order(&gtc(&m, BookSide::Ask, 60, 50, "liquidity"))
        .await
        .expect("liquidity rests");

    // Half the requests refused: reads and named creates (resting and filling) get through.
    faults(
        &sim,
        FaultPatch {
            share_429: Some(0.5),
            ..FaultPatch::default()
        },
    );
    let mut expected_named = Vec::new();
    for i in 0..8 {
        let coid = format!("storm-rest-{i}");
        let r = patient
            .create_order(&gtc(&m, BookSide::Bid, 40 + i % 5, 1, &coid))
            .await
            .expect("a named create is retried to success");
        assert_eq!(r.client_order_id.as_deref(), Some(coid.as_str()));
        expected_named.push(coid);
    }
    for i in 0..4 {
        let coid = format!("storm-take-{i}");
        let r = patient
            .create_order(&ioc(&m, BookSide::Bid, 60, 2, &coid))
            .await
            .expect("a named taking create is retried to success");
        assert_eq!(r.fill_count, contracts(2), "filled exactly once");
        expected_named.push(coid);
    }
    read_everything(&patient, &m).await;

    // Nine in ten refused: anonymous writes are sent once and fail as RateLimited.
    faults(
        &sim,
        FaultPatch {
            share_429: Some(0.9),
            ..FaultPatch::default()
        },
    );
    let mut anonymous_ok = 0;
    let mut limited = 0;
    for _ in 0..12 {
        match patient
            .create_order(&anonymous(gtc(&m, BookSide::Bid, 35, 1, "")))
            .await
        {
            Ok(_) => anonymous_ok += 1,
            Err(e) if e.is_rate_limited() => limited += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert!(limited > 0, "a 90 % storm refuses some single attempts");
    // A batch whose every item is named is retried as a whole; one anonymous item makes
    // it a single attempt.
    let named: Vec<_> = (0..3)
        .map(|i| gtc(&m, BookSide::Bid, 36, 1, &format!("storm-batch-{i}")))
        .collect();
    let results = patient
        .batch_create_orders(&named)
        .await
        .expect("a named batch is retried to success");
    assert!(results.iter().all(|r| r.error.is_none()), "{results:?}");
    expected_named.extend((0..3).map(|i| format!("storm-batch-{i}")));
    let mut mixed = named;
    mixed.push(anonymous(gtc(&m, BookSide::Bid, 36, 1, "")));
    let mut mixed_limited = 0;
    for round in 0..6 {
        for (i, req) in mixed.iter_mut().enumerate().take(3) {
            req.client_order_id = Some(format!("storm-mixed-{round}-{i}"));
        }
        match patient.batch_create_orders(&mixed).await {
            Ok(results) => {
                assert!(results.iter().all(|r| r.error.is_none()), "{results:?}");
                expected_named.extend((0..3).map(|i| format!("storm-mixed-{round}-{i}")));
                anonymous_ok += 1;
            }
            Err(e) if e.is_rate_limited() => mixed_limited += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert!(
        mixed_limited > 0,
        "a batch with an anonymous item is not retried"
    );
    let mut read_limited = 0;
    for _ in 0..6 {
        match impatient.balance(&SubaccountParams::default()).await {
            Ok(_) => {}
            Err(Error::RateLimited { .. }) => read_limited += 1,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert!(
        read_limited > 0,
        "without retries, reads fail too: the storm is real"
    );
    // A cancel is a write without a client order id: one attempt, and a refused one
    // leaves the order resting.
    let orders: Vec<Order> = patient
        .orders_stream(GetOrdersParams {
            status: Some(OrderStatus::Resting),
            ..GetOrdersParams::default()
        })
        .try_collect()
        .await
        .expect("resting orders");
    let mut canceled = Vec::new();
    let mut kept = Vec::new();
    for o in orders
        .iter()
        .filter(|o| o.client_order_id.starts_with("storm-rest"))
    {
        match patient
            .cancel_order(&o.order_id, &CancelOrderParams::default())
            .await
        {
            Ok(r) => {
                assert_eq!(r.reduced_by, contracts(1));
                canceled.push(o.order_id.clone());
            }
            Err(e) if e.is_rate_limited() => kept.push(o.order_id.clone()),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }
    assert!(!kept.is_empty(), "some cancels were refused");
    read_everything(&patient, &m).await;

    // After the storm: exactly what went through exists, once.
    reset(&sim);
    let view = assert_agree(&sim, &patient, KEY_A).await;
    let counts = by_client_id(&view.orders);
    for coid in &expected_named {
        assert_eq!(counts.get(coid.as_str()), Some(&1), "{coid} exists once");
    }
    assert_eq!(
        counts.get("").copied().unwrap_or(0),
        anonymous_ok,
        "every anonymous create that answered OK exists, no refused one does"
    );
    assert_eq!(view.orders.len(), expected_named.len() + anonymous_ok);
    for o in &view.orders {
        if canceled.contains(&o.order_id) {
            assert_eq!(o.status, OrderStatus::Canceled);
        }
        if kept.contains(&o.order_id) {
            assert_eq!(
                o.status,
                OrderStatus::Resting,
                "a refused cancel changed nothing"
            );
        }
    }
    let taken: usize = view.fills.len();
    assert_eq!(taken, 4, "each named taking order filled once");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn server_errors_on_reads_are_retried_to_success() {
    let sim = start_sim(40).await;
    let patient = client(&sim, &sim.a);
    let impatient = client_with(&sim, &sim.a, RetryPolicy::none());
    let m = tradable_markets(&patient, 1).await.remove(0).ticker;
    patient
        .create_order(&gtc(&m, BookSide::Bid, 33, 3, "before"))
        .await
        .expect("order");
    let all = GetMarketsParams {
        limit: Some(6),
        ..GetMarketsParams::default()
    };
    let markets: Vec<Market> = patient
        .markets_stream(all.clone())
        .try_collect()
        .await
        .expect("markets");

    faults(
        &sim,
        FaultPatch {
            share_500: Some(0.3),
            share_503: Some(0.3),
            ..FaultPatch::default()
        },
    );
    let mut failed = Vec::new();
    for _ in 0..10 {
        if let Err(e) = impatient.exchange_status().await {
            failed.push(e.status());
        }
    }
    assert!(!failed.is_empty(), "the faults are real");
    assert!(
        failed.iter().all(|s| matches!(s, Some(500 | 503))),
        "{failed:?}"
    );
    // Every page of a long listing is retried on its own; the result is unchanged.
    let during: Vec<Market> = patient
        .markets_stream(all)
        .try_collect()
        .await
        .expect("markets under faults");
    assert_eq!(
        during.iter().map(|m| &m.ticker).collect::<Vec<_>>(),
        markets.iter().map(|m| &m.ticker).collect::<Vec<_>>()
    );
    read_everything(&patient, &m).await;
    // A named create is retried too; an anonymous one is sent once.
    patient
        .create_order(&gtc(&m, BookSide::Bid, 34, 1, "during"))
        .await
        .expect("a named create is retried to success");
    let view = client_view(&patient).await;
    assert_eq!(
        view,
        simulator(&sim, KEY_A),
        "read under faults, still exact"
    );

    reset(&sim);
    let view = assert_agree(&sim, &patient, KEY_A).await;
    assert_eq!(view.orders.len(), 2);
    sim.handle.shutdown().await;
}
