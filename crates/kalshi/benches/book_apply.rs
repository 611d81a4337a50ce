//! Cost of applying one `orderbook_delta` to an [`OrderBook`] (goal: at most 200 ns).
//!
//! The stream is realistic rather than a single repeated level: a 40-level-per-side book
//! around 0.50, and 10,000 deltas drawn from a seeded RNG that mostly touch the top ten
//! levels, add and remove size in whole and fractional contracts, and empty levels
//! completely about a fifth of the time (so inserts and removals are exercised too).
#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kalshi::book::{NoPriceScale, OrderBook};
use kalshi::model::order::OutcomeSide;
use kalshi::model::ws::{OrderbookDelta, OrderbookSnapshot, PriceLevel};
use kalshi::model::{Count, Price};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const TICKER: &str = "KXBENCH-26JAN01-T50";
const DELTAS: usize = 10_000;
const CENT: i64 = 100; // Price units per cent

fn snapshot() -> OrderbookSnapshot {
    // YES bids 0.10..=0.49, NO bids 0.10..=0.49 (YES asks 0.51..=0.90).
    let side = |rng: &mut StdRng| {
        (10..50)
            .map(|c| PriceLevel {
                price: Price::from_units(c * CENT),
                count: Count::from_units(rng.gen_range(1..500) * 100),
            })
            .collect()
    };
    let mut rng = StdRng::seed_from_u64(1);
    OrderbookSnapshot {
        market_ticker: TICKER.into(),
        market_id: None,
        yes_dollars_fp: side(&mut rng),
        no_dollars_fp: side(&mut rng),
    }
}

/// A valid delta stream for `snapshot()`, tracked against a shadow book so that no delta
/// ever drives a level negative.
fn deltas() -> Vec<OrderbookDelta> {
    let snap = snapshot();
    let mut shadow: [BTreeMap<i64, i64>; 2] = [BTreeMap::new(), BTreeMap::new()];
    for (i, levels) in [&snap.yes_dollars_fp, &snap.no_dollars_fp]
        .into_iter()
        .enumerate()
    {
        for l in levels {
            shadow[i].insert(l.price.units(), l.count.units());
        }
    }
    let mut rng = StdRng::seed_from_u64(42);
    (0..DELTAS)
        .map(|i| {
            let side_ix = i % 2;
            let side = if side_ix == 0 {
                OutcomeSide::Yes
            } else {
                OutcomeSide::No
            };
            // Mostly near the top of book (0.40..0.50), sometimes deeper.
            let cents = if rng.gen_bool(0.85) {
                rng.gen_range(40..50)
            } else {
                rng.gen_range(5..50)
            };
            let price = cents * CENT;
            let size = shadow[side_ix].get(&price).copied().unwrap_or(0);
            let delta = if size > 0 && rng.gen_bool(0.2) {
                -size // the level empties
            } else if size > 0 && rng.gen_bool(0.4) {
                -rng.gen_range(1..=size)
            } else if rng.gen_bool(0.3) {
                rng.gen_range(1..10_000) // fractional contracts
            } else {
                rng.gen_range(1..200) * 100
            };
            let new = size + delta;
            if new == 0 {
                shadow[side_ix].remove(&price);
            } else {
                shadow[side_ix].insert(price, new);
            }
            OrderbookDelta {
                market_ticker: TICKER.into(),
                market_id: None,
                price_dollars: Price::from_units(price),
                delta_fp: Count::from_units(delta),
                side,
                ts: None,
                ts_ms: Some(1_767_268_800_000 + i as i64),
                client_order_id: None,
                subaccount: None,
            }
        })
        .collect()
}

fn book_apply(c: &mut Criterion) {
    let book = OrderBook::from_snapshot(&snapshot(), 1, NoPriceScale::NoLeg).unwrap();
    let stream = deltas();
    // The stream is valid: check once outside the measurement.
    let mut check = book.clone();
    for (i, d) in stream.iter().enumerate() {
        check.apply_delta(d, 2 + i as u64).unwrap();
    }

    let mut group = c.benchmark_group("book_apply");
    group.throughput(Throughput::Elements(stream.len() as u64));
    group.bench_function("delta_stream_10k", |b| {
        b.iter_batched(
            || book.clone(),
            |mut book| {
                for (i, d) in stream.iter().enumerate() {
                    book.apply_delta(black_box(d), 2 + i as u64).unwrap();
                }
                book
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();

    let mut group = c.benchmark_group("book_read");
    group.bench_function("best_bid_ask_spread", |b| {
        b.iter(|| {
            let book = black_box(&check);
            (book.best_bid(), book.best_ask(), book.spread())
        });
    });
    group.bench_function("depth_10", |b| b.iter(|| black_box(&check).depth(10)));
    group.finish();
}

criterion_group!(benches, book_apply);
criterion_main!(benches);
