//! Store benchmarks: fill upsert rate in batches (goal ≥ 100k fills/s) and a filtered
//! history page over 1M fills (goal < 50 ms).
//!
//! Fills look like Kalshi's: random (version 4) UUID ids, so the unique fill-id index takes
//! random inserts as it does in production. The upsert benches write them in time order
//! (as the exchange produces them), spread over all 2,000 markets or over the 20 a busy
//! trader is active in.
//!
//! The 1M-fill database is built once, in a temp dir, through the normal batch path
//! (`upsert_fills` with 10k-fill batches); its build time is printed.
//! Run: `cargo bench -p store --bench store -- --warm-up-time 1 --measurement-time 3`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use kalshi::model::fill::Fill;
use kalshi::model::market::Market;
use kalshi::model::order::{BookSide, OutcomeSide};
use kalshi::model::{Count, Money, Price};
use store::{
    Environment, FillFilter, PageCursor, PageRequest, Scope, Store, TickerFilter, TimeRange,
};
use time::OffsetDateTime;
use tokio::runtime::Runtime;

const MARKETS: &str = include_str!("../../kalshi/test_data/rest/markets.json");

/// Rows in the history database.
const HISTORY_ROWS: u64 = 1_000_000;
/// 20 series × 10 events × 10 markets.
const SERIES: u64 = 20;
const EVENTS: u64 = 10;
const MARKETS_PER_EVENT: u64 = 10;
/// Fills spread over one year.
const START_MS: i64 = 1_767_225_600_000; // 2026-01-01
const SPAN_MS: i64 = 365 * 86_400_000;
/// The history page size the UI asks for.
const PAGE: u32 = 50;

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

fn scope() -> Scope {
    Scope::new(Environment::Simulator, "bench-key")
}

fn ticker(n: u64) -> String {
    let market = n % (SERIES * EVENTS * MARKETS_PER_EVENT);
    let (series, rest) = (
        market / (EVENTS * MARKETS_PER_EVENT),
        market % (EVENTS * MARKETS_PER_EVENT),
    );
    let (event, strike) = (rest / MARKETS_PER_EVENT, rest % MARKETS_PER_EVENT);
    format!("KXS{series:02}-26E{event:02}-T{strike}")
}

/// Cheap deterministic mixing (splitmix64) so the data is spread without an RNG crate.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A version 4 UUID, as Kalshi's fill and order ids are, derived from `n`.
fn uuid(n: u64) -> String {
    let (a, b) = (mix(n ^ 0x5555), mix(n ^ 0xAAAA));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        0x8000 | (b >> 48) & 0x3FFF,
        b & 0xFFFF_FFFF_FFFF
    )
}

/// Fill number `n`: a spread ticker, side, price and time.
fn make_fill(n: u64) -> Fill {
    let h = mix(n);
    let side = if h & 1 == 0 {
        BookSide::Bid
    } else {
        BookSide::Ask
    };
    let yes = Price::from_units(((h >> 8) % 99 + 1) as i64 * 100);
    let id = uuid(n);
    let ms = START_MS + ((h >> 20) % SPAN_MS as u64) as i64;
    Fill {
        fill_id: id.clone(),
        exchange_index: 0,
        trade_id: id,
        order_id: uuid((n / 3) | (1 << 50)),
        ticker: ticker(mix(n ^ 0xABCD)),
        market_ticker: String::new(),
        side: None,
        action: None,
        outcome_side: if side == BookSide::Bid {
            OutcomeSide::Yes
        } else {
            OutcomeSide::No
        },
        book_side: side,
        count_fp: Count::from_contracts(((h >> 40) % 50 + 1) as i64),
        yes_price_dollars: yes,
        no_price_dollars: yes.complement().unwrap(),
        is_taker: h & 2 == 0,
        created_time: Some(
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap(),
        ),
        fee_cost: Money::from_units(7_000),
        subaccount_number: Some(0),
        ts: None,
    }
}

/// The next `count` fills of a live stream: in time order (100 ms apart), over the first
/// `markets` markets.
fn fresh_fills(count: usize, markets: u64) -> Vec<Fill> {
    let start = NEXT_ID.fetch_add(count as u64, Ordering::Relaxed);
    (start..start + count as u64)
        .map(|n| {
            let mut fill = make_fill(n);
            fill.ticker = ticker(mix(n ^ 0xABCD) % markets);
            fill.created_time = Some(at(START_MS + (n as i64) * 100));
            fill
        })
        .collect()
}

fn upsert_rate(c: &mut Criterion) {
    upsert_rate_over(c, "upsert_fills", SERIES * EVENTS * MARKETS_PER_EVENT);
    upsert_rate_over(c, "upsert_fills_20_markets", 20);
}

/// New fills in batches of 100, 1,000 and 10,000 into one growing database.
fn upsert_rate_over(c: &mut Criterion, name: &str, markets: u64) {
    let rt = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt
        .block_on(Store::open(dir.path().join("upsert.sqlite")))
        .unwrap();
    let mut group = c.benchmark_group(name);
    group.sample_size(10);
    for batch in [100usize, 1_000, 10_000] {
        group.throughput(Throughput::Elements(batch as u64));
        group.bench_with_input(BenchmarkId::from_parameter(batch), &batch, |b, &batch| {
            b.iter_custom(|iters| {
                let batches: Vec<Vec<Fill>> =
                    (0..iters).map(|_| fresh_fills(batch, markets)).collect();
                let start = Instant::now();
                for fills in &batches {
                    let r = rt.block_on(store.upsert_fills(&scope(), fills)).unwrap();
                    assert_eq!(r.inserted.len(), batch);
                }
                start.elapsed()
            });
        });
    }
    // The same batch again: the catch-up case where everything is already stored.
    group.throughput(Throughput::Elements(1_000));
    let seen = fresh_fills(1_000, markets);
    rt.block_on(store.upsert_fills(&scope(), &seen)).unwrap();
    group.bench_function("1000_already_stored", |b| {
        b.iter(|| {
            let r = rt.block_on(store.upsert_fills(&scope(), &seen)).unwrap();
            assert_eq!(r.unchanged, 1_000);
        });
    });
    group.finish();
    rt.block_on(store.close());
}

fn markets() -> Vec<Market> {
    let v: serde_json::Value = serde_json::from_str(MARKETS).unwrap();
    let template: Market = serde_json::from_value(v["markets"][0].clone()).unwrap();
    (0..SERIES * EVENTS * MARKETS_PER_EVENT)
        .map(|n| {
            let mut m = template.clone();
            m.ticker = ticker(n);
            m.title = Some(format!(
                "Series {} event {} strike {}",
                n / 100,
                (n / 10) % 10,
                n % 10
            ));
            m
        })
        .collect()
}

fn history_page(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt
        .block_on(Store::open(dir.path().join("history.sqlite")))
        .unwrap();
    let started = Instant::now();
    let batch = 10_000u64;
    for chunk in 0..HISTORY_ROWS / batch {
        let fills: Vec<Fill> = (chunk * batch..(chunk + 1) * batch)
            .map(|n| make_fill(n | (1 << 40)))
            .collect();
        rt.block_on(store.upsert_fills(&scope(), &fills)).unwrap();
    }
    let built = started.elapsed();
    rt.block_on(store.upsert_markets(&scope(), &markets(), OffsetDateTime::now_utc()))
        .unwrap();
    // What the app does at close (`optimize_on_close`): gather planner statistics.
    rt.block_on(store.close());
    let store = rt
        .block_on(Store::open(dir.path().join("history.sqlite")))
        .unwrap();
    let size = std::fs::metadata(dir.path().join("history.sqlite"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!(
        "history db: {HISTORY_ROWS} fills built in {:.1} s ({:.0} fills/s), file {:.0} MiB",
        built.as_secs_f64(),
        HISTORY_ROWS as f64 / built.as_secs_f64(),
        size as f64 / (1024.0 * 1024.0)
    );

    let month = TimeRange::between(
        at(START_MS + 180 * 86_400_000),
        at(START_MS + 210 * 86_400_000),
    );
    let cases: Vec<(&str, FillFilter)> = vec![
        ("no_filter", FillFilter::default()),
        (
            "ticker_exact",
            FillFilter {
                ticker: Some(TickerFilter::Exact(ticker(1234))),
                ..Default::default()
            },
        ),
        (
            "event_prefix+side+30d",
            FillFilter {
                ticker: Some(TickerFilter::Prefix("KXS07-26E03".into())),
                book_side: Some(BookSide::Bid),
                range: month,
                ..Default::default()
            },
        ),
        (
            "series_prefix+side",
            FillFilter {
                ticker: Some(TickerFilter::Prefix("KXS07".into())),
                book_side: Some(BookSide::Ask),
                ..Default::default()
            },
        ),
        (
            "30d_range",
            FillFilter {
                range: month,
                ..Default::default()
            },
        ),
        (
            "text_in_title",
            FillFilter {
                text: Some("event 3 strike 7".into()),
                ..Default::default()
            },
        ),
    ];

    let mut group = c.benchmark_group("history_page_1m_fills");
    group.sample_size(20);
    for (name, filter) in &cases {
        let page = rt
            .block_on(store.fill_history(&scope(), filter, &PageRequest::first(PAGE)))
            .unwrap();
        assert!(!page.items.is_empty(), "{name} matches something");
        group.bench_function(*name, |b| {
            b.iter(|| {
                rt.block_on(store.fill_history(&scope(), filter, &PageRequest::first(PAGE)))
                    .unwrap()
            });
        });
    }
    // A page deep in the unfiltered history (about 500k rows in), via its cursor.
    let deep = deep_cursor(&rt, &store);
    group.bench_function("no_filter_page_500k_deep", |b| {
        let request = PageRequest {
            limit: PAGE,
            after: Some(deep),
        };
        b.iter(|| {
            rt.block_on(store.fill_history(&scope(), &FillFilter::default(), &request))
                .unwrap()
        });
    });
    group.finish();
    rt.block_on(store.close());
}

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap()
}

/// The cursor after about half the rows, found by paging (the only way to get one).
fn deep_cursor(rt: &Runtime, store: &Store) -> PageCursor {
    let filter = FillFilter::default();
    let mut request = PageRequest::first(1000);
    for _ in 0..HISTORY_ROWS / 2 / 1000 {
        let page = rt
            .block_on(store.fill_history(&scope(), &filter, &request))
            .unwrap();
        request.after = page.next;
    }
    request.after.expect("half way is not the end")
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = upsert_rate, history_page
}
criterion_main!(benches);
