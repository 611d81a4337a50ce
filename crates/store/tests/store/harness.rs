//! Shared helpers: a store on a temp file, and builders of exchange objects.

use std::path::{Path, PathBuf};

use kalshi::model::fill::Fill;
use kalshi::model::market::Market;
use kalshi::model::order::{BookSide, Order, OrderStatus, OrderType, OutcomeSide};
use kalshi::model::portfolio::MarketPosition;
use kalshi::model::settlement::{Settlement, SettlementResult};
use kalshi::model::{Count, Money, Price};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use store::{Environment, Scope, Store};
use tempfile::TempDir;
use time::OffsetDateTime;

const MARKETS: &str = include_str!("../../../kalshi/test_data/rest/markets.json");

/// A fresh store in its own temp dir (kept alive by the returned `TempDir`).
pub async fn open_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(db_path(&dir)).await.expect("open store");
    (dir, store)
}

/// The database file inside `dir`.
pub fn db_path(dir: &TempDir) -> PathBuf {
    dir.path().join("desk.sqlite")
}

/// A raw connection for tampering with the file behind the store's back.
pub async fn raw(path: &Path) -> SqliteConnection {
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
        .await
        .expect("raw connection")
}

/// The simulator scope with key `k1`.
pub fn sim() -> Scope {
    Scope::new(Environment::Simulator, "k1")
}

/// `ms` Unix milliseconds.
pub fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).expect("time")
}

pub fn p(text: &str) -> Price {
    Price::parse(text).expect("price")
}

pub fn c(text: &str) -> Count {
    Count::parse(text).expect("count")
}

pub fn m(text: &str) -> Money {
    Money::parse(text).expect("money")
}

/// A fill of `count` at YES price `yes` on `book_side`, executed at `ms`.
pub fn fill(id: &str, ticker: &str, book_side: BookSide, yes: &str, count: &str, ms: i64) -> Fill {
    let yes = p(yes);
    Fill {
        fill_id: id.to_owned(),
        exchange_index: 0,
        trade_id: id.to_owned(),
        order_id: format!("order-{id}"),
        ticker: ticker.to_owned(),
        market_ticker: ticker.to_owned(),
        side: None,
        action: None,
        outcome_side: match book_side {
            BookSide::Bid => OutcomeSide::Yes,
            BookSide::Ask => OutcomeSide::No,
        },
        book_side,
        count_fp: c(count),
        yes_price_dollars: yes,
        no_price_dollars: yes.complement().expect("price <= 1"),
        is_taker: true,
        created_time: Some(at(ms)),
        fee_cost: m("0.01"),
        subaccount_number: Some(0),
        ts: None,
    }
}

/// A resting YES bid of 10 at 0.56, created at `created_ms` and last updated at
/// `updated_ms`, with `filled` contracts filled.
pub fn order(id: &str, ticker: &str, created_ms: i64, updated_ms: i64, filled: i64) -> Order {
    let initial = Count::from_contracts(10);
    let fill = Count::from_contracts(filled);
    let remaining = initial.checked_sub(fill).expect("fits");
    Order {
        order_id: id.to_owned(),
        user_id: "user-1".to_owned(),
        client_order_id: format!("client-{id}"),
        ticker: ticker.to_owned(),
        side: None,
        action: None,
        outcome_side: OutcomeSide::Yes,
        book_side: BookSide::Bid,
        order_type: OrderType::Limit,
        status: if remaining.is_zero() {
            OrderStatus::Executed
        } else {
            OrderStatus::Resting
        },
        yes_price_dollars: p("0.56"),
        no_price_dollars: p("0.44"),
        fill_count_fp: fill,
        remaining_count_fp: remaining,
        initial_count_fp: initial,
        taker_fill_cost_dollars: Money::cost(p("0.56"), fill).expect("fits"),
        maker_fill_cost_dollars: Money::ZERO,
        taker_fees_dollars: Money::ZERO,
        maker_fees_dollars: Money::ZERO,
        expiration_time: None,
        created_time: Some(at(created_ms)),
        last_update_time: Some(at(updated_ms)),
        self_trade_prevention_type: None,
        order_group_id: None,
        cancel_order_on_pause: None,
        subaccount_number: Some(0),
        exchange_index: Some(0),
    }
}

/// A settlement of `ticker` holding `yes` YES and `no` NO contracts.
pub fn settlement(
    ticker: &str,
    result: SettlementResult,
    yes: i64,
    no: i64,
    ms: i64,
) -> Settlement {
    let revenue = match result {
        SettlementResult::Yes => yes * 100,
        SettlementResult::No => no * 100,
        _ => 0,
    };
    Settlement {
        ticker: ticker.to_owned(),
        exchange_index: 0,
        event_ticker: "EV".to_owned(),
        market_result: result,
        yes_count_fp: Count::from_contracts(yes),
        yes_total_cost_dollars: Money::ZERO,
        no_count_fp: Count::from_contracts(no),
        no_total_cost_dollars: Money::ZERO,
        revenue,
        settled_time: at(ms),
        fee_cost: Money::ZERO,
        value: None,
    }
}

/// A position of `contracts` in `ticker`, reported at `ms`.
pub fn position(ticker: &str, contracts: i64, ms: i64) -> MarketPosition {
    MarketPosition {
        ticker: ticker.to_owned(),
        exchange_index: 0,
        total_traded_dollars: m("1.00"),
        position_fp: Count::from_contracts(contracts),
        market_exposure_dollars: m("0.50"),
        realized_pnl_dollars: Money::ZERO,
        fees_paid_dollars: m("0.02"),
        last_updated_ts: at(ms),
    }
}

/// The fixture market with another ticker, title and last price.
pub fn market(ticker: &str, title: &str, last: &str) -> Market {
    let v: serde_json::Value = serde_json::from_str(MARKETS).expect("fixture");
    let mut market: Market = serde_json::from_value(v["markets"][0].clone()).expect("market");
    market.ticker = ticker.to_owned();
    market.title = Some(title.to_owned());
    market.last_price_dollars = p(last);
    market
}

/// Bytes of a file, to prove it was not modified.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}
