//! WebSocket fan-out throughput: messages per second delivered to 50 subscribers over
//! real loopback sockets. Every subscriber holds an `orderbook_delta` subscription to
//! one market; the driver places and cancels resting orders there through the engine
//! (each op changes one level, so each op is one `orderbook_delta` per subscriber) and
//! an iteration ends when every subscriber has read every delta from its socket.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures_util::{SinkExt, StreamExt};
use kalshi::auth::Credentials;
use kalshi::model::ws::{Channel, Command};
use kalshi::model::{Count, Money, Price};
use kalshi_sim::engine::{BookSide, OrderRequest};
use kalshi_sim::ids::UserId;
use kalshi_sim::lifecycle::MarketStatus;
use kalshi_sim::{SimConfig, SimHandle, Simulator};
use tokio::runtime::Runtime;
use tokio::sync::Notify;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

/// Connections reading the same book.
const SUBSCRIBERS: usize = 50;
/// Book-changing orders per iteration (half placements, half cancels).
const OPS: usize = 400;
const TRADER: &str = "bench-trader";
const READER: &str = "bench-reader";

fn armor(label: &str, body: &str) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.trim()
    )
}

/// Deltas read so far by all subscribers, and a wake-up for the driver.
struct Progress {
    received: AtomicU64,
    target: AtomicU64,
    done: Notify,
}

struct Fixture {
    sim: SimHandle,
    trader: UserId,
    ticker: String,
    progress: Arc<Progress>,
    next_price: u64,
}

async fn subscriber(sim: &SimHandle, creds: &Credentials, ticker: &str, progress: Arc<Progress>) {
    let mut req = sim.ws_url().into_client_request().expect("url");
    let headers = creds.headers_now("GET", "/trade-api/ws/v2").expect("sign");
    for (name, value) in headers.pairs() {
        req.headers_mut()
            .insert(name, HeaderValue::from_str(value).expect("header"));
    }
    let (mut ws, _) = tokio_tungstenite::connect_async(req)
        .await
        .expect("handshake");
    let cmd = Command::subscribe(1, vec![Channel::OrderbookDelta], vec![ticker.to_owned()]);
    ws.send(Frame::text(cmd.to_json()))
        .await
        .expect("subscribe");
    // `subscribed`, then the snapshot.
    let mut ready = 0;
    while ready < 2 {
        if let Some(Ok(Frame::Text(_))) = ws.next().await {
            ready += 1;
        }
    }
    tokio::spawn(async move {
        while let Some(Ok(frame)) = ws.next().await {
            if let Frame::Text(text) = frame
                && text.as_str().starts_with(r#"{"type":"orderbook_delta""#)
            {
                let n = progress.received.fetch_add(1, Ordering::Relaxed) + 1;
                if n >= progress.target.load(Ordering::Relaxed) {
                    progress.done.notify_one();
                }
            }
        }
    });
}

fn setup(rt: &Runtime) -> Fixture {
    rt.block_on(async {
        let key = |file: &str| {
            let path = format!(
                "{}/../kalshi/test_data/keys/{file}",
                env!("CARGO_MANIFEST_DIR")
            );
            std::fs::read_to_string(path).expect("test key")
        };
        let public = armor("PUBLIC KEY", &key("test_key_a.spki.b64"));
        let private = armor("RSA PRIVATE KEY", &key("test_key_a.pkcs1.b64"));
        let sim = Simulator::start(SimConfig {
            markets: 60,
            // Empty books: a seeded ask below one of the bench's bids would fill it, and a
            // filled order sends one delta where the bench counts two (create, cancel).
            seed_books: false,
            balance: Money::from_units(1_000_000_000_000_000),
            keys: vec![
                (TRADER.to_owned(), public.clone()),
                (READER.to_owned(), public),
            ],
            ..SimConfig::default()
        })
        .await
        .expect("simulator");
        let state = sim.state().clone();
        let trader = state.key(TRADER).expect("trader key").user;
        let ticker = state.read(|engine, now| {
            engine
                .markets()
                .iter()
                .find(|m| m.status(now) == MarketStatus::Active)
                .map(|m| m.ticker().to_string())
                .expect("an open market")
        });
        let creds = Credentials::from_pem(READER, &private).expect("reader key");
        let progress = Arc::new(Progress {
            received: AtomicU64::new(0),
            target: AtomicU64::new(u64::MAX),
            done: Notify::new(),
        });
        for _ in 0..SUBSCRIBERS {
            subscriber(&sim, &creds, &ticker, progress.clone()).await;
        }
        Fixture {
            sim,
            trader,
            ticker,
            progress,
            next_price: 0,
        }
    })
}

impl Fixture {
    /// Places and cancels `OPS / 2` resting bids (one level change each) and waits until
    /// every subscriber has read all the deltas.
    async fn iteration(&mut self) {
        let state = self.sim.state().clone();
        let expected = self.progress.received.load(Ordering::Relaxed) + (OPS * SUBSCRIBERS) as u64;
        self.progress.target.store(expected, Ordering::Relaxed);
        for _ in 0..OPS / 2 {
            // Distinct levels 0.10..0.49, so every op changes the book.
            let cents = 10 + (self.next_price % 40);
            self.next_price += 1;
            let req = OrderRequest::limit(
                &self.ticker,
                BookSide::Bid,
                Price::from_units(i64::try_from(cents * 100).expect("small")),
                Count::from_contracts(1),
            );
            let id = state
                .mutate(|e, now| e.create_order(self.trader, &req, now))
                .expect("order placed")
                .order
                .id;
            state
                .mutate(|e, now| e.cancel_order(self.trader, id, now))
                .expect("order canceled");
        }
        // Bounded, so a lost delta fails the bench with the count instead of hanging it.
        let arrived = tokio::time::timeout(Duration::from_secs(30), async {
            while self.progress.received.load(Ordering::Relaxed) < expected {
                self.progress.done.notified().await;
            }
        })
        .await;
        assert!(
            arrived.is_ok(),
            "ws_fanout: {} of {expected} deltas arrived within 30 s",
            self.progress.received.load(Ordering::Relaxed)
        );
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut fixture = setup(&rt);
    let mut group = c.benchmark_group("ws_fanout");
    group.sample_size(10);
    group.throughput(Throughput::Elements((OPS * SUBSCRIBERS) as u64));
    group.bench_function("orderbook_deltas_to_50_subscribers", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                rt.block_on(fixture.iteration());
            }
            start.elapsed()
        });
    });
    group.finish();
    rt.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), fixture.sim.shutdown())
            .await
            .expect("simulator stops");
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
