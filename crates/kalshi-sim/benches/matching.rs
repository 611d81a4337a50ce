//! Matching-engine throughput (orders/s): a realistic mix of resting and crossing limit
//! orders plus cancels from several users, on one market and spread over 100 markets.
//! Each sample starts from a fresh engine with pre-filled books.

use std::hint::black_box;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kalshi::model::{Count, Money, Price};
use kalshi_sim::engine::{BookSide, Engine, EngineConfig, OrderRequest, TimeInForce};
use kalshi_sim::ids::{OrderId, UserId};
use kalshi_sim::lifecycle::MarketStatus;
use kalshi_sim::universe::{Universe, UniverseConfig};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const START: i64 = 1_795_780_800_000;
const OPS: usize = 10_000;
const USERS: usize = 8;

enum Op {
    Place(usize, OrderRequest),
    /// Cancel the n-th (mod len) order placed so far.
    Cancel(usize),
}

fn universe() -> Universe {
    Universe::generate(&UniverseConfig {
        seed: 1,
        markets: 400,
        start_ms: START,
        open_all: false,
    })
    .expect("universe")
}

/// The first `n` whole-cent markets trading at the start.
fn tickers(universe: &Universe, n: usize) -> Vec<String> {
    let engine = Engine::new(universe, EngineConfig::default());
    engine
        .markets()
        .iter()
        .filter(|m| m.status(START) == MarketStatus::Active)
        .filter(|m| m.spec().grid.contains(Price::from_units(4_100)))
        .take(n)
        .map(|m| m.ticker().to_string())
        .collect()
}

/// 60% resting orders 1–10 cents from the middle, 25% orders crossing the spread
/// (immediate-or-cancel or good-till-canceled), 15% cancels.
fn ops(tickers: &[String], seed: u64) -> Vec<Op> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..OPS)
        .map(|_| {
            let roll = rng.gen_range(0..100);
            if roll < 15 {
                return Op::Cancel(rng.gen_range(0..usize::MAX / 2));
            }
            let ticker = &tickers[rng.gen_range(0..tickers.len())];
            let user = rng.gen_range(0..USERS);
            let side = if rng.gen_bool(0.5) {
                BookSide::Bid
            } else {
                BookSide::Ask
            };
            let count = Count::from_units(rng.gen_range(100..=10_000));
            let (cents, tif) = if roll < 75 {
                let away = rng.gen_range(1..=10);
                let cents = match side {
                    BookSide::Bid => 50 - away,
                    BookSide::Ask => 50 + away,
                };
                (cents, TimeInForce::GoodTillCanceled)
            } else {
                let through = rng.gen_range(2..=8);
                let cents = match side {
                    BookSide::Bid => 50 + through,
                    BookSide::Ask => 50 - through,
                };
                let tif = if rng.gen_bool(0.7) {
                    TimeInForce::ImmediateOrCancel
                } else {
                    TimeInForce::GoodTillCanceled
                };
                (cents, tif)
            };
            let price = Price::from_units(cents * 100);
            Op::Place(
                user,
                OrderRequest::limit(ticker, side, price, count).with_tif(tif),
            )
        })
        .collect()
}

fn fresh(universe: &Universe, tickers: &[String]) -> (Engine, Vec<UserId>) {
    let mut engine = Engine::new(universe, EngineConfig::default());
    let users: Vec<UserId> = (0..USERS)
        .map(|i| {
            engine
                .register_user(
                    &format!("bench-{i}"),
                    Money::from_units(1_000_000_000_000_000),
                )
                .expect("register")
        })
        .collect();
    // Pre-fill every book with ten levels a side.
    for ticker in tickers {
        for away in 1..=10 {
            for (side, cents) in [(BookSide::Bid, 50 - away), (BookSide::Ask, 50 + away)] {
                let req = OrderRequest::limit(
                    ticker,
                    side,
                    Price::from_units(cents * 100),
                    Count::from_contracts(50),
                );
                engine
                    .create_order(users[(away as usize) % USERS], &req, START)
                    .expect("prefill");
            }
        }
    }
    (engine, users)
}

fn run(engine: &mut Engine, users: &[UserId], ops: &[Op]) -> usize {
    let mut placed: Vec<(UserId, OrderId)> = Vec::with_capacity(ops.len());
    let mut events = 0;
    for (i, op) in ops.iter().enumerate() {
        let now = START + i as i64;
        match op {
            Op::Place(user, req) => {
                if let Ok(out) = engine.create_order(users[*user], req, now) {
                    events += out.events.len();
                    placed.push((users[*user], out.value.order.id));
                }
            }
            Op::Cancel(n) => {
                if !placed.is_empty() {
                    let (user, id) = placed[n % placed.len()];
                    if let Ok(out) = engine.cancel_order(user, id, now) {
                        events += out.events.len();
                    }
                }
            }
        }
    }
    events
}

fn bench(c: &mut Criterion) {
    let universe = universe();
    let mut group = c.benchmark_group("matching");
    group.throughput(Throughput::Elements(OPS as u64));
    for (name, n) in [("one_market", 1), ("100_markets", 100)] {
        let tickers = tickers(&universe, n);
        assert_eq!(tickers.len(), n, "enough active whole-cent markets");
        let ops = ops(&tickers, 42);
        group.bench_function(name, |b| {
            b.iter_batched(
                || fresh(&universe, &tickers),
                // The engine is returned so its teardown is not timed.
                |(mut engine, users)| {
                    let events = run(&mut engine, &users, &ops);
                    black_box((engine, events))
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
