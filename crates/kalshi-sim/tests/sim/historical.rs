//! The live/historical split through the SDK's typed client: records move from the live
//! endpoints to `/historical/*` when the cutoff moves, are never in both or neither, and
//! both sides page with cursors.

use std::collections::BTreeSet;

use futures_util::TryStreamExt as _;
use kalshi::auth::Credentials;
use kalshi::env::Environment;
use kalshi::model::fill::GetFillsParams;
use kalshi::model::historical::{GetHistoricalMarketsParams, HistoricalRangeParams};
use kalshi::model::market::GetMarketsParams;
use kalshi::model::order::{
    BookSide, GetOrdersParams, OrderStatus, SelfTradePrevention, TimeInForce,
};
use kalshi::model::order_entry::{CancelOrderParams, CreateOrderRequest};
use kalshi::model::{Count, Price};
use kalshi::rest::Client;
use kalshi_sim::server::{CutoffPatch, HistoricalCutoff};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::Sim;

fn client(sim: &Sim, creds: &Credentials) -> Client {
    let env = Environment::custom(&sim.handle.rest_url(), &sim.handle.ws_url()).unwrap();
    Client::new(env, Some(creds.clone())).unwrap()
}

fn order(ticker: &str, side: BookSide, price: &str) -> CreateOrderRequest {
    CreateOrderRequest::new(
        ticker,
        side,
        Price::parse(price).unwrap(),
        Count::from_contracts(1),
        TimeInForce::GoodTillCanceled,
        SelfTradePrevention::TakerAtCross,
    )
}

/// B offers one contract at 0.40 and A takes it: one fill each, both orders executed.
async fn trade(a: &Client, b: &Client, ticker: &str) -> String {
    b.create_order(&order(ticker, BookSide::Ask, "0.40"))
        .await
        .unwrap();
    let taken = a
        .create_order(&order(ticker, BookSide::Bid, "0.40"))
        .await
        .unwrap();
    assert_eq!(taken.fill_count, Count::from_contracts(1));
    taken.order_id
}

fn range(limit: u32) -> HistoricalRangeParams {
    HistoricalRangeParams {
        limit: Some(limit),
        ..HistoricalRangeParams::default()
    }
}

async fn live_fill_ids(c: &Client) -> Vec<String> {
    let params = GetFillsParams {
        limit: Some(1),
        ..GetFillsParams::default()
    };
    let fills: Vec<_> = c.fills_stream(params).try_collect().await.unwrap();
    fills.into_iter().map(|f| f.fill_id).collect()
}

async fn archived_fill_ids(c: &Client) -> Vec<String> {
    let fills: Vec<_> = c
        .historical_fills_stream(range(1))
        .try_collect()
        .await
        .unwrap();
    fills.into_iter().map(|f| f.fill_id).collect()
}

async fn live_order_ids(c: &Client) -> BTreeSet<String> {
    let params = GetOrdersParams {
        limit: Some(1),
        ..GetOrdersParams::default()
    };
    let orders: Vec<_> = c.orders_stream(params).try_collect().await.unwrap();
    orders.into_iter().map(|o| o.order_id).collect()
}

async fn archived_order_ids(c: &Client) -> BTreeSet<String> {
    let orders: Vec<_> = c
        .historical_orders_stream(range(1))
        .try_collect()
        .await
        .unwrap();
    orders.into_iter().map(|o| o.order_id).collect()
}

fn set(ids: &[String]) -> BTreeSet<String> {
    ids.iter().cloned().collect()
}

#[tokio::test]
async fn fills_and_finished_orders_move_to_historical_when_the_cutoff_passes_them() {
    let sim = Sim::start().await;
    let (a, b) = (client(&sim, &sim.a), client(&sim, &sim.b));
    let ticker = sim.open_market().await["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    let clock = &sim.handle.state().clock;

    // Before the cutoff: one order left resting, one canceled, two trades.
    let resting = a
        .create_order(&order(&ticker, BookSide::Bid, "0.05"))
        .await
        .unwrap()
        .order_id;
    let canceled = a
        .create_order(&order(&ticker, BookSide::Bid, "0.06"))
        .await
        .unwrap()
        .order_id;
    a.cancel_order(&canceled, &CancelOrderParams::default())
        .await
        .unwrap();
    let mut executed = Vec::new();
    for _ in 0..2 {
        clock.advance(2_000);
        executed.push(trade(&a, &b, &ticker).await);
    }
    clock.advance(2_000);
    let cutoff_ms = clock.now_ms();
    // After it: two more trades.
    for _ in 0..2 {
        clock.advance(2_000);
        executed.push(trade(&a, &b, &ticker).await);
    }

    let all_fills = live_fill_ids(&a).await;
    let all_orders = live_order_ids(&a).await;
    assert_eq!(all_fills.len(), 4);
    assert_eq!(all_orders.len(), 6, "resting + canceled + four executed");
    assert!(
        archived_fill_ids(&a).await.is_empty(),
        "nothing archived by default"
    );
    assert!(archived_order_ids(&a).await.is_empty());
    assert_eq!(
        a.historical_cutoff()
            .await
            .unwrap()
            .trades_created_ts
            .unix_timestamp(),
        0,
        "the default cutoff is the epoch"
    );

    let moved = sim.handle.set_historical_cutoff(&CutoffPatch {
        ts_ms: Some(cutoff_ms),
        ..CutoffPatch::default()
    });
    assert_eq!(moved.unwrap(), HistoricalCutoff::at(cutoff_ms));
    let cut = a.historical_cutoff().await.unwrap();
    for ts in [
        cut.trades_created_ts,
        cut.orders_updated_ts,
        cut.market_settled_ts,
    ] {
        assert_eq!(ts.unix_timestamp_nanos() / 1_000_000, i128::from(cutoff_ms));
    }

    // Fills: the two older ones left the live list, newest first on both sides.
    let live = live_fill_ids(&a).await;
    let archived = archived_fill_ids(&a).await;
    assert_eq!(live, all_fills[..2], "the two newest stay live");
    assert_eq!(
        archived,
        all_fills[2..],
        "the two oldest are archived, newest first"
    );

    // Orders: the resting one stays live however old; finished ones before the cutoff go.
    let live = live_order_ids(&a).await;
    let archived = archived_order_ids(&a).await;
    assert!(live.is_disjoint(&archived), "no order is on both sides");
    assert_eq!(
        live.union(&archived).cloned().collect::<BTreeSet<_>>(),
        all_orders,
        "no order is lost"
    );
    assert_eq!(
        archived,
        set(&[canceled.clone(), executed[0].clone(), executed[1].clone()])
    );
    assert!(live.contains(&resting));
    assert_eq!(
        a.order(&resting).await.unwrap().status,
        OrderStatus::Resting
    );
    let gone = a.order(&executed[0]).await.unwrap_err();
    assert_eq!(
        gone.status(),
        Some(404),
        "an archived order is not found live: {gone:?}"
    );
    assert_eq!(
        a.order(&executed[3]).await.unwrap().status,
        OrderStatus::Executed
    );
    // Filters of the archive apply on its side.
    let none = a
        .historical_orders(&HistoricalRangeParams {
            ticker: Some("NOPE-1".into()),
            ..HistoricalRangeParams::default()
        })
        .await
        .unwrap();
    assert!(none.orders.is_empty());

    // B's view moves the same way, and one account never sees the other's records.
    assert_eq!(archived_fill_ids(&b).await.len(), 2);
    assert_eq!(live_fill_ids(&b).await.len(), 2);

    // A live cursor is not a historical one.
    let page = a
        .fills(&GetFillsParams {
            limit: Some(1),
            ..GetFillsParams::default()
        })
        .await
        .unwrap();
    let foreign = a
        .historical_fills(&HistoricalRangeParams {
            cursor: Some(page.cursor),
            ..HistoricalRangeParams::default()
        })
        .await
        .unwrap_err();
    assert_eq!(foreign.status(), Some(400), "{foreign:?}");

    // Moving the cutoff back brings everything back live.
    sim.handle
        .set_historical_cutoff(&CutoffPatch {
            ts_ms: Some(0),
            ..CutoffPatch::default()
        })
        .unwrap();
    assert_eq!(live_fill_ids(&a).await, all_fills);
    assert_eq!(live_order_ids(&a).await, all_orders);
    assert!(archived_order_ids(&a).await.is_empty());
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn settled_markets_move_to_historical_markets() {
    let sim = Sim::start().await;
    let a = client(&sim, &sim.a);
    let ticker = sim.open_market().await["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    for (route, body) in [
        ("close", json!({})),
        ("determine", json!({"result": "yes"})),
        ("settle", json!({})),
    ] {
        let r = sim
            .admin(&format!("/markets/{ticker}/{route}"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{route}: {:?}", r.body);
    }
    let all = |c: &Client| {
        let c = c.clone();
        async move {
            let params = GetMarketsParams {
                limit: Some(7),
                ..GetMarketsParams::default()
            };
            let markets: Vec<_> = c.markets_stream(params).try_collect().await.unwrap();
            markets
                .into_iter()
                .map(|m| m.ticker)
                .collect::<BTreeSet<_>>()
        }
    };
    let archived = |c: &Client| {
        let c = c.clone();
        async move {
            let params = GetHistoricalMarketsParams {
                limit: Some(1),
                ..GetHistoricalMarketsParams::default()
            };
            let markets: Vec<_> = c
                .historical_markets_stream(params)
                .try_collect()
                .await
                .unwrap();
            markets
                .into_iter()
                .map(|m| m.ticker)
                .collect::<BTreeSet<_>>()
        }
    };
    let everything = all(&a).await;
    // The 60 first listed, and whatever has rolled in since the settled one closed (the
    // clock task lists replacements on its own schedule).
    assert!(everything.len() >= 60, "{}", everything.len());
    assert!(everything.contains(&ticker));
    assert!(
        archived(&a).await.is_empty(),
        "settled, but after the cutoff"
    );
    assert_eq!(a.market(&ticker).await.unwrap().ticker, ticker);
    let not_archived = a.historical_market(&ticker).await.unwrap_err();
    assert_eq!(not_archived.status(), Some(404));

    // The market cutoff passes the settlement; fills and orders cutoffs stay.
    let now = sim.handle.state().clock.now_ms();
    let moved = sim
        .handle
        .set_historical_cutoff(&CutoffPatch {
            market_settled_ms: Some(now + 1),
            ..CutoffPatch::default()
        })
        .unwrap();
    assert_eq!(moved.trades_created_ms, 0);
    let live = all(&a).await;
    let old = archived(&a).await;
    assert_eq!(old, set(std::slice::from_ref(&ticker)));
    assert!(live.is_disjoint(&old));
    assert!(
        everything
            .iter()
            .all(|t| live.contains(t) || old.contains(t)),
        "every market is live or archived"
    );
    let gone = a.market(&ticker).await.unwrap_err();
    assert_eq!(gone.status(), Some(404), "{gone:?}");
    assert_eq!(gone.code(), Some("market_not_found"));
    let m = a.historical_market(&ticker).await.unwrap();
    assert_eq!(m.ticker, ticker);
    assert!(m.settlement_ts.is_some());
    let live_one = live.iter().next().unwrap();
    assert_eq!(
        a.historical_market(live_one).await.unwrap_err().status(),
        Some(404)
    );
    // Filters apply to the archive too.
    let by_series = a
        .historical_markets(&GetHistoricalMarketsParams {
            series_ticker: Some("NOPE".into()),
            ..GetHistoricalMarketsParams::default()
        })
        .await
        .unwrap();
    assert!(by_series.markets.is_empty());
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn the_cutoff_can_be_set_at_start_and_over_the_admin_route() {
    // A cutoff in the far future archives every finished record at once.
    let far = kalshi_sim::server::archive::MAX_CUTOFF_MS;
    let sim = Sim::start_with(|c| c.historical_cutoff = HistoricalCutoff::at(far)).await;
    let (a, b) = (client(&sim, &sim.a), client(&sim, &sim.b));
    let ticker = sim.open_market().await["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = trade(&a, &b, &ticker).await;
    assert!(live_fill_ids(&a).await.is_empty());
    assert_eq!(archived_fill_ids(&a).await.len(), 1);
    assert_eq!(archived_order_ids(&a).await, set(&[id]));
    let open: Vec<_> = a
        .markets_stream(GetMarketsParams::default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(open.len(), 60, "unsettled markets are never archived");

    let r = sim
        .admin("/historical/cutoff", &json!({"trades_created_ms": 0}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["trades_created_ms"], 0);
    assert_eq!(r.body["orders_updated_ms"], far);
    assert_eq!(live_fill_ids(&a).await.len(), 1, "fills are live again");
    assert_eq!(
        archived_order_ids(&a).await.len(),
        1,
        "orders are still archived"
    );

    for bad in [
        json!({"ts_ms": -1}),
        json!({"ts_ms": far + 1}),
        json!({"tsms": 5}),
    ] {
        let r = sim.admin("/historical/cutoff", &bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}: {:?}", r.body);
    }
    assert_eq!(
        a.historical_cutoff()
            .await
            .unwrap()
            .trades_created_ts
            .unix_timestamp(),
        0,
        "refused changes change nothing"
    );
    sim.handle.shutdown().await;
}
