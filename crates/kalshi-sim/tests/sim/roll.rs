//! The rolling universe: when markets close, the exchange lists new events from the same
//! series (new tickers, later dates) so enough markets stay open, announces them, quotes
//! them, and keeps them across restarts.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use kalshi::model::event::{GetEventResponse, GetEventsResponse};
use kalshi::model::from_str;
use kalshi::model::market::GetMarketsResponse;
use kalshi::model::orderbook::GetMarketOrderbookResponse;
use kalshi::model::series::GetSeriesResponse;
use kalshi::model::ws::{Channel, MarketLifecycleEvent, Message};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::harness::{Reply, Sim, WAIT};
use crate::persist::age_state_file;
use crate::ws::client::connect;

const MARKETS: usize = 60;
const FORTY_DAYS_MS: i64 = 40 * 24 * 3_600_000;

fn decode<T: DeserializeOwned>(r: &Reply) -> T {
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    from_str(&r.body.to_string()).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

/// Every market the exchange lists (all statuses), by walking the pages.
async fn all_markets(sim: &Sim, status: Option<&str>) -> Vec<kalshi::model::market::Market> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let filter = status.map_or(String::new(), |s| format!("&status={s}"));
        let page: GetMarketsResponse = decode(
            &sim.get(&format!("/markets?limit=1000&cursor={cursor}{filter}"))
                .await,
        );
        out.extend(page.markets);
        if page.cursor.is_empty() {
            return out;
        }
        cursor = page.cursor;
    }
}

/// Waits until at least `n` markets are open; returns them.
async fn open_at_least(sim: &Sim, n: usize) -> Vec<kalshi::model::market::Market> {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let open = all_markets(sim, Some("open")).await;
        if open.len() >= n {
            return open;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "only {} open markets",
            open.len()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn order(ticker: &str, side: &str, price: &str) -> Value {
    json!({"ticker": ticker, "side": side, "count": "2", "price": price,
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"})
}

/// A new market takes an order from B and one from A that fills against it.
async fn trade_in(sim: &Sim, ticker: &str) {
    let r = sim
        .call(
            reqwest::Method::POST,
            "/portfolio/events/orders",
            Some(&sim.b),
            Some(&order(ticker, "ask", "0.03")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let r = sim
        .post_a("/portfolio/events/orders", &order(ticker, "bid", "0.97"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["fill_count"], "2.00", "{:?}", r.body);
}

/// The listing of the new markets is well formed: Kalshi's ticker shapes, events and
/// series that exist, and later dates than any market of the first listing.
async fn check_new_listing(
    sim: &Sim,
    first_events: &HashSet<String>,
    first_markets: &HashSet<String>,
    rolled_after: time::OffsetDateTime,
    open: &[kalshi::model::market::Market],
) -> Vec<String> {
    let new: Vec<_> = open
        .iter()
        .filter(|m| !first_markets.contains(&m.ticker))
        .collect();
    assert!(new.len() >= MARKETS, "{} new markets", new.len());
    let mut series = HashSet::new();
    for m in &new {
        assert!(
            !first_events.contains(&m.event_ticker),
            "{} reused",
            m.event_ticker
        );
        assert!(
            m.ticker.starts_with(&format!("{}-", m.event_ticker)),
            "{} is not under {}",
            m.ticker,
            m.event_ticker
        );
        assert!(
            m.ticker
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
            "{}",
            m.ticker
        );
        // Listed (and open) after the jump in time, closing later still.
        assert!(
            m.open_time >= rolled_after && m.close_time > m.open_time,
            "{}: open {} close {}",
            m.ticker,
            m.open_time,
            m.close_time
        );
        let event: GetEventResponse =
            decode(&sim.get(&format!("/events/{}", m.event_ticker)).await);
        assert!(
            event.markets.iter().any(|x| x.ticker == m.ticker),
            "{} lists {}",
            m.event_ticker,
            m.ticker
        );
        assert!(
            m.event_ticker
                .starts_with(&format!("{}-", event.event.series_ticker)),
            "{}",
            m.event_ticker
        );
        series.insert(event.event.series_ticker.clone());
    }
    for s in series {
        let _: GetSeriesResponse = decode(&sim.get(&format!("/series/{s}")).await);
    }
    let events: GetEventsResponse = decode(&sim.get("/events?status=open&limit=200").await);
    assert!(
        events
            .events
            .iter()
            .any(|e| !first_events.contains(&e.event_ticker)),
        "GET /events lists the new events"
    );
    new.iter().map(|m| m.ticker.clone()).collect()
}

struct First {
    events: HashSet<String>,
    markets: HashSet<String>,
    /// A little before the sim time 40 days on.
    rolled_after: time::OffsetDateTime,
}

async fn first_listing(sim: &Sim) -> First {
    let all = all_markets(sim, None).await;
    assert_eq!(all.len(), MARKETS);
    First {
        events: all.iter().map(|m| m.event_ticker.clone()).collect(),
        markets: all.iter().map(|m| m.ticker.clone()).collect(),
        rolled_after: time::OffsetDateTime::now_utc() + time::Duration::milliseconds(FORTY_DAYS_MS)
            - time::Duration::minutes(1),
    }
}

#[tokio::test]
async fn when_every_market_has_closed_new_events_roll_in_announced_quoted_and_tradable() {
    let sim = Sim::start_with(|c| c.seed_books = true).await;
    let first = first_listing(&sim).await;
    let mut ws = connect(&sim, &sim.a).await;
    let id = ws.subscribe(&[Channel::MarketLifecycleV2], &[]).await;
    ws.subscribed(id, Channel::MarketLifecycleV2).await;

    let r = sim
        .admin("/clock/advance", &json!({"ms": FORTY_DAYS_MS}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let open = open_at_least(&sim, MARKETS).await;
    let new = check_new_listing(
        &sim,
        &first.events,
        &first.markets,
        first.rolled_after,
        &open,
    )
    .await;

    // Announced as `created`, with the new market's schedule and grid.
    let seen = ws
        .until(|m| {
            matches!(m, Message::MarketLifecycleV2(l)
                if l.msg.event_type == MarketLifecycleEvent::Created)
        })
        .await;
    let Some(Message::MarketLifecycleV2(created)) = seen.last() else {
        unreachable!()
    };
    let created = &created.msg;
    assert!(new.contains(&created.market_ticker), "{created:?}");
    assert!(
        created.open_ts.is_some() && created.close_ts.is_some(),
        "{created:?}"
    );
    assert!(created.price_ranges.as_ref().is_some_and(|r| !r.is_empty()));
    assert!(created.additional_metadata.is_some());

    // The makers quote the new markets at once.
    for ticker in new.iter().take(10) {
        let book: GetMarketOrderbookResponse =
            decode(&sim.get(&format!("/markets/{ticker}/orderbook")).await);
        assert!(
            !book.orderbook_fp.yes_dollars.is_empty() && !book.orderbook_fp.no_dollars.is_empty(),
            "{ticker}: {:?}",
            book.orderbook_fp
        );
    }
    // Tradable.
    trade_in(&sim, &new[0]).await;
    sim.handle.shutdown().await;
}

async fn start_saved(path: &Path) -> Sim {
    let path = path.to_owned();
    Sim::start_with(move |c| {
        c.state_path = Some(path);
        c.save_interval = Duration::from_secs(3600);
    })
    .await
}

#[tokio::test]
async fn a_saved_exchange_restarted_after_every_close_lists_new_events_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exchange.sim");
    let sim = start_saved(&path).await;
    let first = first_listing(&sim).await;
    sim.handle.shutdown().await;

    age_state_file(&path, FORTY_DAYS_MS);
    let sim = start_saved(&path).await;
    // Listed before the server answers anything.
    let open = all_markets(&sim, Some("open")).await;
    let new = check_new_listing(
        &sim,
        &first.events,
        &first.markets,
        first.rolled_after,
        &open,
    )
    .await;
    trade_in(&sim, &new[0]).await;
    let listed = all_markets(&sim, None).await;
    let positions = sim.get_a("/portfolio/positions").await.body["market_positions"].clone();
    sim.handle.shutdown().await;

    // The new listing, and the trade in it, survive the next restart unchanged.
    let sim = start_saved(&path).await;
    let again = all_markets(&sim, None).await;
    let tickers = |ms: &[kalshi::model::market::Market]| {
        ms.iter().map(|m| m.ticker.clone()).collect::<Vec<_>>()
    };
    // (A market that closed meanwhile may have made room for another.)
    let again: HashSet<String> = tickers(&again).into_iter().collect();
    assert!(
        tickers(&listed).iter().all(|t| again.contains(t)),
        "every listed market is kept"
    );
    assert_eq!(
        sim.get_a("/portfolio/positions").await.body["market_positions"],
        positions
    );
    trade_in(&sim, &new[1]).await;
    sim.handle.shutdown().await;
}
