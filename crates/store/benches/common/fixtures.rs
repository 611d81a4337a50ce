//! Kalshi-shaped fills and the cached 1M-fill history database, shared by the criterion
//! bench (`benches/store.rs`) and the latency harness (`crates/bench`, which includes this
//! file by path), so both measure the same data.
//!
//! Fills look like Kalshi's: random (version 4) UUID ids, so the unique fill-id index takes
//! random inserts as it does in production; 20 series × 10 events × 10 markets; times
//! spread over one year.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use kalshi::model::fill::Fill;
use kalshi::model::market::Market;
use kalshi::model::order::{BookSide, OutcomeSide};
use kalshi::model::{Count, Money, Price};
use store::{Environment, FillFilter, Scope, Store, TickerFilter, TimeRange};
use time::OffsetDateTime;
use tokio::runtime::Runtime;

const MARKETS: &str = include_str!("../../../kalshi/test_data/rest/markets.json");

/// 20 series × 10 events × 10 markets.
pub const SERIES: u64 = 20;
pub const EVENTS: u64 = 10;
pub const MARKETS_PER_EVENT: u64 = 10;
/// Fills spread over one year.
pub const START_MS: i64 = 1_767_225_600_000; // 2026-01-01
pub const SPAN_MS: i64 = 365 * 86_400_000;
/// The history page size the UI asks for.
pub const PAGE: u32 = 50;
/// Bumped whenever the generated data changes, so cached databases are rebuilt.
const FIXTURE_VERSION: u32 = 1;

pub fn scope() -> Scope {
    Scope::new(Environment::Simulator, "bench-key")
}

pub fn ticker(n: u64) -> String {
    let market = n % (SERIES * EVENTS * MARKETS_PER_EVENT);
    let (series, rest) = (
        market / (EVENTS * MARKETS_PER_EVENT),
        market % (EVENTS * MARKETS_PER_EVENT),
    );
    let (event, strike) = (rest / MARKETS_PER_EVENT, rest % MARKETS_PER_EVENT);
    format!("KXS{series:02}-26E{event:02}-T{strike}")
}

/// Cheap deterministic mixing (splitmix64) so the data is spread without an RNG crate.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A version 4 UUID, as Kalshi's fill and order ids are, derived from `n`.
pub fn uuid(n: u64) -> String {
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
pub fn make_fill(n: u64) -> Fill {
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
        created_time: Some(at(ms)),
        fee_cost: Money::from_units(7_000),
        subaccount_number: Some(0),
        ts: None,
    }
}

/// Fill number `n` of a live stream: in time order (100 ms apart), over the first
/// `markets` markets.
pub fn stream_fill(n: u64, markets: u64) -> Fill {
    let mut fill = make_fill(n);
    fill.ticker = ticker(mix(n ^ 0xABCD) % markets);
    fill.created_time = Some(at(START_MS + (n as i64) * 100));
    fill
}

pub fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).unwrap()
}

/// Every market the fills refer to, titled so a text search can find one.
pub fn markets() -> Vec<Market> {
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

/// FNV-1a over the migrations (names and text) and the fixture version: a cached database
/// is reused only while the schema and the data it was built from are unchanged.
fn schema_key() -> u64 {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("migrations directory")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            hash = (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(&FIXTURE_VERSION.to_le_bytes());
    for file in files {
        feed(file.file_name().unwrap_or_default().as_encoded_bytes());
        feed(&std::fs::read(&file).expect("migration readable"));
    }
    hash
}

/// The history database of `rows` fills under `cache_dir`, built once through the normal
/// batch path (`upsert_fills`, 10k-fill batches) and reused while the schema is unchanged.
/// A build goes to a temp name and is renamed when complete, so an interrupted build is
/// never reused. Returns the path and, when it was built now, how long that took.
pub fn history_db(rt: &Runtime, cache_dir: &Path, rows: u64) -> (PathBuf, Option<f64>) {
    let path = cache_dir.join(format!("history-{rows}-{:016x}.sqlite", schema_key()));
    if path.is_file() {
        return (path, None);
    }
    std::fs::create_dir_all(cache_dir).expect("cache dir");
    let building = cache_dir.join(format!("building-{}.sqlite", std::process::id()));
    let started = Instant::now();
    let store = rt
        .block_on(Store::open(&building))
        .expect("open the new db");
    let batch = 10_000u64.min(rows);
    for chunk in 0..rows / batch {
        let fills: Vec<Fill> = (chunk * batch..(chunk + 1) * batch)
            .map(|n| make_fill(n | (1 << 40)))
            .collect();
        rt.block_on(store.upsert_fills(&scope(), &fills))
            .expect("upsert");
    }
    rt.block_on(store.upsert_markets(&scope(), &markets(), OffsetDateTime::now_utc()))
        .expect("markets");
    // What the app does at close (`optimize_on_close`): gather planner statistics, and
    // fold the WAL into the file so the rename moves everything.
    rt.block_on(store.close());
    for suffix in ["-wal", "-shm"] {
        let mut side = building.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&building, &path).expect("rename the built db");
    (path, Some(started.elapsed().as_secs_f64()))
}

/// The history-page filters both benches time, by name: from none to text in titles.
pub fn history_filters() -> Vec<(&'static str, FillFilter)> {
    let month = TimeRange::between(
        at(START_MS + 180 * 86_400_000),
        at(START_MS + 210 * 86_400_000),
    );
    vec![
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
    ]
}
