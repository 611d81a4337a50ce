//! Decoding speed of typical WebSocket frames into a typed `Message` (goal: at least
//! 500,000 messages per second on one core, i.e. at most 2 µs per frame).
//!
//! Frames are shaped like Kalshi's current output (kalshi-api.md §5.5), one of every
//! market-data type: an `orderbook_delta` with `ts`/`ts_ms`, a full `ticker`, a public
//! `trade`, a `market_lifecycle_v2` with its metadata, and a 20+20-level snapshot.
#![allow(clippy::unwrap_used, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kalshi::model::ws::Message;

const DELTA: &str = r#"{"type":"orderbook_delta","sid":2,"seq":3215,"msg":{"market_ticker":"KXHIGHNY-26JAN01-T60","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1","price_dollars":"0.4200","delta_fp":"-33.00","side":"yes","ts":"2026-01-01T12:00:00.123Z","ts_ms":1767268800123}}"#;

const TICKER: &str = r#"{"type":"ticker","sid":11,"msg":{"market_ticker":"KXHIGHNY-26JAN01-T60","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1","price_dollars":"0.4800","yes_bid_dollars":"0.4500","yes_ask_dollars":"0.5300","yes_bid_size_fp":"300.00","yes_ask_size_fp":"150.00","last_trade_size_fp":"25.00","volume_fp":"33896.00","open_interest_fp":"20422.00","dollar_volume":16948,"dollar_open_interest":10211,"ts":1767268800,"ts_ms":1767268800000,"time":"2026-01-01T12:00:00Z"}}"#;

const TRADE: &str = r#"{"type":"trade","sid":12,"msg":{"trade_id":"d91bc706-ee49-470d-82d8-11418bda6fed","market_ticker":"KXHIGHNY-26JAN01-T60","yes_price_dollars":"0.3600","no_price_dollars":"0.6400","count_fp":"136.00","taker_outcome_side":"no","taker_book_side":"ask","taker_side":"no","is_block_trade":false,"ts":1767268800,"ts_ms":1767268800000}}"#;

const LIFECYCLE: &str = r#"{"type":"market_lifecycle_v2","sid":13,"msg":{"market_ticker":"KXHIGHNY-26JAN01-T60","event_type":"created","exchange_index":0,"open_ts":1767182400,"close_ts":1767268800,"price_level_structure":"linear_cent","price_ranges":[{"start":"0.0000","end":"1.0000","step":"0.0100"}],"additional_metadata":{"name":"Highest temperature in NYC on Jan 1, 2026?","title":"Will the high temp in NYC be >60° on Jan 1, 2026?","yes_sub_title":"61° or above","no_sub_title":"60° or below","rules_primary":"If the highest temperature recorded in Central Park, New York on Jan 1, 2026 is greater than 60°, then the market resolves to Yes.","rules_secondary":"","can_close_early":true,"event_ticker":"KXHIGHNY-26JAN01","expected_expiration_ts":1767312000,"strike_type":"greater","floor_strike":60}}}"#;

fn snapshot_frame() -> String {
    let levels = |from: u32| {
        (from..from + 20)
            .map(|c| format!(r#"["0.{c:02}00","{}.00"]"#, 10 * c))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        r#"{{"type":"orderbook_snapshot","sid":2,"seq":1,"msg":{{"market_ticker":"KXHIGHNY-26JAN01-T60","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1","yes_dollars_fp":[{}],"no_dollars_fp":[{}]}}}}"#,
        levels(20),
        levels(40)
    )
}

fn parse(c: &mut Criterion) {
    let snapshot = snapshot_frame();
    for frame in [DELTA, TICKER, TRADE, LIFECYCLE, snapshot.as_str()] {
        Message::from_json(frame).unwrap();
    }
    let mut group = c.benchmark_group("parse_ws_message");
    group.throughput(Throughput::Elements(1));
    group.bench_function("orderbook_delta", |b| {
        b.iter(|| Message::from_json(black_box(DELTA)).unwrap())
    });
    group.bench_function("ticker", |b| {
        b.iter(|| Message::from_json(black_box(TICKER)).unwrap())
    });
    group.bench_function("trade", |b| {
        b.iter(|| Message::from_json(black_box(TRADE)).unwrap())
    });
    group.bench_function("market_lifecycle_v2", |b| {
        b.iter(|| Message::from_json(black_box(LIFECYCLE)).unwrap())
    });
    group.bench_function("orderbook_snapshot_20x2", |b| {
        b.iter(|| Message::from_json(black_box(&snapshot)).unwrap());
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
