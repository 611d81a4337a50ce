#![allow(missing_docs, clippy::unwrap_used)]
use std::hint::black_box;
use std::time::Instant;
use kalshi::model::ws::{Message, Ticker, OrderbookDelta};

const DELTA: &str = r#"{"type":"orderbook_delta","sid":2,"seq":3215,"msg":{"market_ticker":"KXHIGHNY-26JAN01-T60","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1","price_dollars":"0.4200","delta_fp":"-33.00","side":"yes","ts":"2026-01-01T12:00:00.123Z","ts_ms":1767268800123}}"#;
const TICKER: &str = r#"{"type":"ticker","sid":11,"msg":{"market_ticker":"KXHIGHNY-26JAN01-T60","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1","price_dollars":"0.4800","yes_bid_dollars":"0.4500","yes_ask_dollars":"0.5300","yes_bid_size_fp":"300.00","yes_ask_size_fp":"150.00","last_trade_size_fp":"25.00","volume_fp":"33896.00","open_interest_fp":"20422.00","dollar_volume":16948,"dollar_open_interest":10211,"ts":1767268800,"ts_ms":1767268800000,"time":"2026-01-01T12:00:00Z"}}"#;

fn time<F: FnMut()>(name: &str, mut f: F) -> f64 {
    let n = 200_000;
    let mut best = f64::MAX;
    for _ in 0..7 {
        let t = Instant::now();
        for _ in 0..n { f(); }
        best = best.min(t.elapsed().as_nanos() as f64 / n as f64);
    }
    println!("{name:30} {best:8.1} ns");
    best
}

fn main() {
    let tb = &TICKER[TICKER.find("\"msg\":").unwrap() + 6..TICKER.len() - 1];
    let db = &DELTA[DELTA.find("\"msg\":").unwrap() + 6..DELTA.len() - 1];
    for _ in 0..2 {
        time("ticker full", || { black_box(Message::from_json(black_box(TICKER)).unwrap()); });
        time("ticker body", || { black_box(serde_json::from_str::<Ticker>(black_box(tb)).unwrap()); });
        time("ticker ignored", || { black_box(serde_json::from_str::<serde::de::IgnoredAny>(black_box(TICKER)).unwrap()); });
        time("delta full", || { black_box(Message::from_json(black_box(DELTA)).unwrap()); });
        time("delta body", || { black_box(serde_json::from_str::<OrderbookDelta>(black_box(db)).unwrap()); });
        time("delta ignored", || { black_box(serde_json::from_str::<serde::de::IgnoredAny>(black_box(DELTA)).unwrap()); });
        time("price parse", || { black_box(kalshi::model::Price::parse(black_box("0.4800")).unwrap()); });
        time("count parse", || { black_box(kalshi::model::Count::parse(black_box("33896.00")).unwrap()); });
        time("string alloc", || { black_box(String::from(black_box("KXHIGHNY-26JAN01-T60"))); });
    }
}
