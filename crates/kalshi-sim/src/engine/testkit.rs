//! Test fixtures: a small hand-made exchange with known markets and funded users.

use kalshi::model::{Count, Money, Price};

use super::{BookSide, Engine, EngineConfig, Event, OrderRequest, TimeInForce};
use crate::accounts::FeeType;
use crate::grid::{PriceGrid, PriceLevelStructure};
use crate::ids::UserId;
use crate::universe::{MarketSpec, StrikeType, Universe};

/// 2026-11-27T12:00:00Z.
pub(crate) const T0: i64 = 1_795_780_800_000;
pub(crate) const HOUR: i64 = 3_600_000;

/// Whole-cent market with taker-only fees.
pub(crate) const M: &str = "KXTEST-26NOV27-T50";
/// Market whose makers pay fees.
pub(crate) const MAKER: &str = "KXMAKER-26NOV27-T50";
/// Tenth-of-a-cent market.
pub(crate) const DECI: &str = "KXDECI-26NOV27-B53.5";
/// Market that opens an hour after T0.
pub(crate) const LATER: &str = "KXLATER-26NOV27-T50";

pub(crate) fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}

pub(crate) fn c(s: &str) -> Count {
    Count::parse(s).unwrap()
}

pub(crate) fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

pub(crate) fn spec(ticker: &str, structure: PriceLevelStructure, fee_type: FeeType) -> MarketSpec {
    let event = ticker.rsplit_once('-').map_or(ticker, |(e, _)| e);
    MarketSpec {
        ticker: ticker.to_owned(),
        event_ticker: event.to_owned(),
        series_ticker: event.split('-').next().unwrap_or(event).to_owned(),
        category: "Testing".to_owned(),
        title: format!("Test market {ticker}"),
        subtitle: String::new(),
        yes_sub_title: "Yes".to_owned(),
        no_sub_title: "Yes".to_owned(),
        created_ms: T0 - 48 * HOUR,
        open_ms: T0 - 24 * HOUR,
        close_ms: T0 + 24 * HOUR,
        expected_expiration_ms: T0 + 25 * HOUR,
        latest_expiration_ms: T0 + 48 * HOUR,
        settlement_timer_seconds: 60,
        strike_type: StrikeType::Greater,
        floor_strike: None,
        cap_strike: None,
        rules_primary: "Test.".to_owned(),
        rules_secondary: String::new(),
        grid: PriceGrid::new(structure),
        fee_type,
        fair_value: Price::from_units(5_000),
        can_close_early: true,
    }
}

pub(crate) fn universe() -> Universe {
    let mut later = spec(LATER, PriceLevelStructure::LinearCent, FeeType::Quadratic);
    later.open_ms = T0 + HOUR;
    let markets = vec![
        spec(M, PriceLevelStructure::LinearCent, FeeType::Quadratic),
        spec(
            MAKER,
            PriceLevelStructure::LinearCent,
            FeeType::QuadraticWithMakerFees,
        ),
        spec(DECI, PriceLevelStructure::DeciCent, FeeType::Quadratic),
        later,
    ];
    Universe::from_parts(1, T0, Vec::new(), Vec::new(), markets).unwrap()
}

/// An engine with users "a", "b" and "c", $10,000 each.
pub(crate) fn engine() -> (Engine, UserId, UserId, UserId) {
    let mut e = Engine::new(
        &universe(),
        EngineConfig {
            auto_resolve: false,
            ..EngineConfig::default()
        },
    );
    let a = e.register_user("a", m("10000")).unwrap();
    let b = e.register_user("b", m("10000")).unwrap();
    let c = e.register_user("c", m("10000")).unwrap();
    (e, a, b, c)
}

pub(crate) fn bid(ticker: &str, price: &str, count: &str) -> OrderRequest {
    OrderRequest::limit(ticker, BookSide::Bid, p(price), c(count))
}

pub(crate) fn ask(ticker: &str, price: &str, count: &str) -> OrderRequest {
    OrderRequest::limit(ticker, BookSide::Ask, p(price), c(count))
}

pub(crate) fn ioc(req: OrderRequest) -> OrderRequest {
    req.with_tif(TimeInForce::ImmediateOrCancel)
}

/// Available balance as a display string.
pub(crate) fn balance(e: &Engine, u: UserId) -> String {
    e.account(u).unwrap().balance().to_string()
}

pub(crate) fn position(e: &Engine, u: UserId, ticker: &str) -> String {
    let id = e.market_id(ticker).unwrap();
    e.account(u)
        .unwrap()
        .position(id)
        .map_or_else(|| "0.00".to_owned(), |p| p.position().to_string())
}

/// Book levels as strings, e.g. `["0.40 x 10.00"]`, ascending.
pub(crate) fn levels(e: &Engine, ticker: &str, side: BookSide) -> Vec<String> {
    let view = e.orderbook(ticker, 0).unwrap();
    let levels = match side {
        BookSide::Bid => view.bids,
        BookSide::Ask => view.asks,
    };
    levels.iter().map(|(p, q)| format!("{p} x {q}")).collect()
}

/// A compact description of each event, for asserting sequences.
pub(crate) fn kinds(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Event::Order(o) => format!("order:{:?}:{}", o.kind, o.order.status.as_str()),
            Event::Fill(f) => format!(
                "fill:{}:{}:{}@{}",
                if f.is_taker { "taker" } else { "maker" },
                f.side.as_str(),
                f.count,
                f.yes_price
            ),
            Event::Trade(t) => format!("trade:{}@{}", t.count, t.yes_price),
            Event::BookDelta(d) => format!("delta:{}:{}:{}", d.side.as_str(), d.price, d.delta),
            Event::Ticker(_) => "ticker".to_owned(),
            Event::Position(p) => format!("position:{}", p.position),
            Event::Lifecycle(l) => format!("lifecycle:{:?}", l.kind),
            Event::Settlement(s) => format!("settlement:{}", s.settlement.revenue_cents),
        })
        .collect()
}
