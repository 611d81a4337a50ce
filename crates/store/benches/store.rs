//! Store benchmarks: fill upsert rate in batches (goal ≥ 100k fills/s) and a filtered
//! history page over 1M fills (goal < 50 ms).
//!
//! Fills look like Kalshi's: random (version 4) UUID ids, so the unique fill-id index takes
//! random inserts as it does in production. The upsert benches write them in time order
//! (as the exchange produces them), spread over all 2,000 markets or over the 20 a busy
//! trader is active in.
//!
//! The 1M-fill database is built once through the normal batch path
//! (`upsert_fills` with 10k-fill batches) and cached under target/bench-cache, keyed by the
//! schema (see common/fixtures.rs); its build time is printed.
//! Run: `cargo bench -p store --bench store -- --warm-up-time 1 --measurement-time 3`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "common/fixtures.rs"]
mod fixtures;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use fixtures::{EVENTS, MARKETS_PER_EVENT, PAGE, SERIES, scope, stream_fill};
use kalshi::model::fill::Fill;
use store::{FillFilter, PageCursor, PageRequest, Store};
use tokio::runtime::Runtime;

/// Rows in the history database.
const HISTORY_ROWS: u64 = 1_000_000;

static NEXT_ID: AtomicU64 = AtomicU64::new(0);

/// The next `count` fills of a live stream: in time order (100 ms apart), over the first
/// `markets` markets.
fn fresh_fills(count: usize, markets: u64) -> Vec<Fill> {
    let start = NEXT_ID.fetch_add(count as u64, Ordering::Relaxed);
    (start..start + count as u64)
        .map(|n| stream_fill(n, markets))
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

fn history_page(c: &mut Criterion) {
    let rt = Runtime::new().unwrap();
    // Cached under target/ (keyed by the schema), shared with `cargo xtask bench`'s harness.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let cache = tmp.parent().unwrap_or(tmp).join("bench-cache");
    let (path, built) = fixtures::history_db(&rt, &cache, HISTORY_ROWS);
    let store = rt.block_on(Store::open(&path)).unwrap();
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    match built {
        Some(secs) => println!(
            "history db: {HISTORY_ROWS} fills built in {secs:.1} s ({:.0} fills/s), file {:.0} MiB",
            HISTORY_ROWS as f64 / secs,
            size as f64 / (1024.0 * 1024.0)
        ),
        None => println!(
            "history db: {HISTORY_ROWS} fills, cached at {} ({:.0} MiB)",
            path.display(),
            size as f64 / (1024.0 * 1024.0)
        ),
    }

    let cases = fixtures::history_filters();

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
