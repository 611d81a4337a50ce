//! Public market data: every response decodes into `kalshi::model` (strict about
//! vocabularies and numbers), pagination walks each row once and ends with `""`.

use std::collections::HashSet;

use kalshi::model::event::{GetEventResponse, GetEventsResponse};
use kalshi::model::exchange::{ExchangeStatus, GetExchangeScheduleResponse};
use kalshi::model::from_str;
use kalshi::model::market::{GetMarketResponse, GetMarketsResponse, MarketStatus};
use kalshi::model::orderbook::{GetMarketOrderbookResponse, GetMarketOrderbooksResponse};
use kalshi::model::series::{GetSeriesListResponse, GetSeriesResponse};
use kalshi::model::trade::GetTradesResponse;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::harness::{Reply, Sim};

fn decode<T: DeserializeOwned>(r: &Reply) -> T {
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    from_str(&r.body.to_string()).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

#[tokio::test]
async fn exchange_status_and_schedule() {
    let sim = Sim::start().await;
    let s: ExchangeStatus = decode(&sim.get("/exchange/status").await);
    assert!(s.exchange_active && s.trading_active);
    let sched: GetExchangeScheduleResponse = decode(&sim.get("/exchange/schedule").await);
    assert_eq!(sched.schedule.standard_hours.len(), 1);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn market_pages_cover_every_market_once() {
    let sim = Sim::start().await;
    let mut cursor = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let r: GetMarketsResponse =
            decode(&sim.get(&format!("/markets?limit=7&cursor={cursor}")).await);
        assert!(r.markets.len() <= 7);
        seen.extend(r.markets.into_iter().map(|m| m.ticker));
        pages += 1;
        if r.cursor.is_empty() {
            break;
        }
        cursor = r.cursor;
        assert!(pages < 100, "pagination must end");
    }
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen.len(), 60, "the universe has 60 markets");
    assert_eq!(unique.len(), 60, "no market served twice");

    let bad = sim.get("/markets?cursor=not-a-cursor").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["error"]["code"], "invalid_parameters");
    let too_big = sim.get("/markets?limit=1001").await;
    assert_eq!(too_big.status, StatusCode::BAD_REQUEST);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn market_filters() {
    let sim = Sim::start().await;
    let open: GetMarketsResponse = decode(&sim.get("/markets?status=open&limit=1000").await);
    assert!(!open.markets.is_empty(), "some markets are open at start");
    assert!(
        open.markets
            .iter()
            .all(|m| m.status == MarketStatus::Active)
    );
    let first = &open.markets[0];
    let by_event: GetMarketsResponse = decode(
        &sim.get(&format!("/markets?event_ticker={}", first.event_ticker))
            .await,
    );
    assert!(
        by_event
            .markets
            .iter()
            .all(|m| m.event_ticker == first.event_ticker)
    );
    assert!(by_event.markets.iter().any(|m| m.ticker == first.ticker));
    let second = &open.markets[open.markets.len() - 1];
    let by_tickers: GetMarketsResponse = decode(
        &sim.get(&format!(
            "/markets?tickers={},{}",
            first.ticker, second.ticker
        ))
        .await,
    );
    let got: HashSet<String> = by_tickers.markets.into_iter().map(|m| m.ticker).collect();
    assert_eq!(
        got,
        HashSet::from([first.ticker.clone(), second.ticker.clone()])
    );
    let bad_status = sim.get("/markets?status=active").await;
    assert_eq!(
        bad_status.status,
        StatusCode::BAD_REQUEST,
        "filter words differ from status words"
    );
    let mixed = sim.get("/markets?status=open&min_close_ts=1").await;
    assert_eq!(
        mixed.status,
        StatusCode::BAD_REQUEST,
        "close-ts filters need status closed"
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn one_market_and_its_book() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let r: GetMarketResponse = decode(&sim.get(&format!("/markets/{ticker}")).await);
    assert_eq!(r.market.ticker, ticker);
    assert!(
        r.market
            .is_on_grid(kalshi::model::Price::parse("0.50").unwrap())
    );

    // Rest two bids and an ask, then read the book back.
    for (side, price) in [("bid", "0.40"), ("bid", "0.41"), ("ask", "0.60")] {
        let body = serde_json::json!({"ticker": ticker, "side": side, "count": "3", "price": price,
            "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"});
        let r = sim.post_a("/portfolio/events/orders", &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let book: GetMarketOrderbookResponse =
        decode(&sim.get(&format!("/markets/{ticker}/orderbook")).await);
    let yes: Vec<String> = book
        .orderbook_fp
        .yes_dollars
        .iter()
        .map(|l| format!("{}@{}", l.count, l.price))
        .collect();
    assert_eq!(
        yes,
        ["3.00@0.4000", "3.00@0.4100"],
        "YES bids ascending, best last"
    );
    let no: Vec<String> = book
        .orderbook_fp
        .no_dollars
        .iter()
        .map(|l| format!("{}@{}", l.count, l.price))
        .collect();
    assert_eq!(no, ["3.00@0.4000"], "a YES ask at 0.60 is a NO bid at 0.40");
    let top: GetMarketOrderbookResponse = decode(
        &sim.get(&format!("/markets/{ticker}/orderbook?depth=1"))
            .await,
    );
    assert_eq!(top.orderbook_fp.yes_dollars.len(), 1);
    assert_eq!(top.orderbook_fp.yes_dollars[0].price.to_string(), "0.4100");

    let books: GetMarketOrderbooksResponse = decode(
        &sim.get(&format!(
            "/markets/orderbooks?tickers={ticker}&tickers={ticker}"
        ))
        .await,
    );
    assert_eq!(books.orderbooks.len(), 2);
    assert_eq!(books.orderbooks[0].orderbook_fp, book.orderbook_fp);

    let quoted: GetMarketResponse = decode(&sim.get(&format!("/markets/{ticker}")).await);
    assert_eq!(quoted.market.yes_bid_dollars.to_string(), "0.4100");
    assert_eq!(quoted.market.yes_ask_dollars.to_string(), "0.6000");
    assert_eq!(quoted.market.no_bid_dollars.to_string(), "0.4000");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn trades_appear_on_the_tape_newest_first() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let order = |side: &str, price: &str| {
        serde_json::json!({"ticker": ticker, "side": side, "count": "2", "price": price,
            "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"})
    };
    // B rests asks; A lifts them one at a time.
    for price in ["0.55", "0.56"] {
        let r = sim
            .call(
                reqwest::Method::POST,
                "/portfolio/events/orders",
                Some(&sim.b),
                Some(&order("ask", price)),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    for price in ["0.55", "0.56"] {
        let r = sim
            .post_a("/portfolio/events/orders", &order("bid", price))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        assert_eq!(r.body["fill_count"], "2.00");
    }
    let tape: GetTradesResponse = decode(
        &sim.get(&format!("/markets/trades?ticker={ticker}&limit=1"))
            .await,
    );
    assert_eq!(tape.trades.len(), 1);
    assert_eq!(
        tape.trades[0].yes_price_dollars.to_string(),
        "0.5600",
        "newest first"
    );
    assert!(!tape.cursor.is_empty());
    let rest: GetTradesResponse = decode(
        &sim.get(&format!(
            "/markets/trades?ticker={ticker}&limit=1&cursor={}",
            tape.cursor
        ))
        .await,
    );
    assert_eq!(rest.trades[0].yes_price_dollars.to_string(), "0.5500");
    assert_eq!(rest.cursor, "");
    let all: GetTradesResponse = decode(&sim.get("/markets/trades").await);
    assert_eq!(all.trades.len(), 2, "the tape across all markets");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn events_and_series() {
    let sim = Sim::start().await;
    let events: GetEventsResponse =
        decode(&sim.get("/events?limit=3&with_nested_markets=true").await);
    assert_eq!(events.events.len(), 3);
    let e = &events.events[0];
    let nested = e.markets.as_ref().expect("nested markets were asked for");
    assert!(!nested.is_empty());
    let one: GetEventResponse = decode(&sim.get(&format!("/events/{}", e.event_ticker)).await);
    assert_eq!(one.event.event_ticker, e.event_ticker);
    assert!(one.event.markets.is_none(), "not nested unless asked");
    assert_eq!(one.markets.len(), nested.len());

    let series: GetSeriesListResponse = decode(&sim.get("/series").await);
    assert!(series.series.iter().any(|s| s.ticker == e.series_ticker));
    let s: GetSeriesResponse = decode(
        &sim.get(&format!("/series/{}?include_volume=true", e.series_ticker))
            .await,
    );
    assert_eq!(s.series.ticker, e.series_ticker);
    assert!(s.series.volume_fp.is_some());

    let missing = sim.get("/events/NOPE-1").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.body["error"]["code"], "not_found");
    sim.handle.shutdown().await;
}

/// Every open market of a still simulator (no activity) with default settings shows both
/// sides of a book, and nothing trades by itself.
#[tokio::test]
async fn a_still_simulator_starts_with_books_on_both_sides() {
    let sim = Sim::start_with(|c| {
        c.seed_books = true;
        c.activity = 0;
    })
    .await;
    let open: GetMarketsResponse = decode(&sim.get("/markets?status=open&limit=1000").await);
    assert!(
        open.markets.len() > 30,
        "{} open markets",
        open.markets.len()
    );
    for m in &open.markets {
        let r: GetMarketOrderbookResponse =
            decode(&sim.get(&format!("/markets/{}/orderbook", m.ticker)).await);
        assert!(
            !r.orderbook_fp.yes_dollars.is_empty() && !r.orderbook_fp.no_dollars.is_empty(),
            "{} has an empty side: {:?}",
            m.ticker,
            r.orderbook_fp
        );
    }
    let trades: GetTradesResponse = decode(&sim.get("/markets/trades").await);
    assert!(trades.trades.is_empty(), "a still exchange prints no trade");
    sim.handle.shutdown().await;
}
