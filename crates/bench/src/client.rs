//! `desk-bench client`: our `kalshi` client as its own process, doing exactly what the peer
//! scripts do (peers/ts_client.mjs, peers/py_client.py): warm-up, then sequential signed
//! `GET /portfolio/balance`, then create + cancel pairs of a resting order, timing every
//! request and reading the process's CPU time around each loop. Prints one JSON line.
//!
//! A current-thread runtime: one thread does the work, as in node and CPython.

use std::time::Instant;

use kalshi::auth::Credentials;
use kalshi::env::Environment;
use kalshi::model::order::{BookSide, SelfTradePrevention, TimeInForce};
use kalshi::model::order_entry::{CancelOrderParams, CreateOrderRequest};
use kalshi::model::portfolio::SubaccountParams;
use kalshi::model::{Count, Price};
use kalshi::rest::{Client, Tier};
use serde_json::json;

use crate::cpu::process_cpu;

/// What a peer client is asked to do (the same environment variables for every client).
#[derive(Debug, Clone)]
pub struct Job {
    /// `http://ADDR/trade-api/v2`.
    pub rest_url: String,
    /// The key id.
    pub key_id: String,
    /// Path of the private key PEM.
    pub key_pem: String,
    /// Untimed requests first (JIT, connection, caches).
    pub warmup: usize,
    /// Timed GETs.
    pub gets: usize,
    /// Timed create + cancel pairs (0: none).
    pub pairs: usize,
    /// Market of the orders.
    pub ticker: String,
}

impl Job {
    /// The job as environment variables for a child process.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SIM_REST_URL", self.rest_url.clone()),
            ("KEY_ID", self.key_id.clone()),
            ("KEY_PEM", self.key_pem.clone()),
            ("WARMUP", self.warmup.to_string()),
            ("GETS", self.gets.to_string()),
            ("PAIRS", self.pairs.to_string()),
            ("TICKER", self.ticker.clone()),
        ]
    }

    /// The job from the environment variables of [`Job::env`].
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
        let num = |name: &str| -> Result<usize, String> {
            var(name)?
                .parse()
                .map_err(|e| format!("{name} is not a count: {e}"))
        };
        Ok(Self {
            rest_url: var("SIM_REST_URL")?,
            key_id: var("KEY_ID")?,
            key_pem: var("KEY_PEM")?,
            warmup: num("WARMUP")?,
            gets: num("GETS")?,
            pairs: num("PAIRS")?,
            ticker: var("TICKER")?,
        })
    }
}

/// Runs the job with our client and prints the JSON result line.
pub fn run() -> Result<(), String> {
    let job = Job::from_env()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let out = rt.block_on(measure(&job))?;
    println!("{out}");
    Ok(())
}

async fn measure(job: &Job) -> Result<serde_json::Value, String> {
    let pem = std::fs::read_to_string(&job.key_pem).map_err(|e| format!("key: {e}"))?;
    let credentials = Credentials::from_pem(&job.key_id, &pem).map_err(|e| format!("key: {e}"))?;
    // The ws URL is unused here but required by the environment.
    let ws = job
        .rest_url
        .replace("http://", "ws://")
        .replace("/trade-api/v2", "/trade-api/ws/v2");
    let environment = Environment::custom(&job.rest_url, &ws).map_err(|e| e.to_string())?;
    // No client-side throttling: the peers have none either.
    let client = Client::builder(environment)
        .credentials(credentials)
        .tier(Tier::Custom {
            read_per_sec: 1_000_000,
            write_per_sec: 1_000_000,
        })
        .build()
        .map_err(|e| e.to_string())?;
    let params = SubaccountParams::default();
    for _ in 0..job.warmup {
        client.balance(&params).await.map_err(|e| e.to_string())?;
    }
    let mut get_ms = Vec::with_capacity(job.gets);
    let cpu0 = process_cpu();
    for _ in 0..job.gets {
        let t = Instant::now();
        client.balance(&params).await.map_err(|e| e.to_string())?;
        get_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let get_cpu = cpu_ms(cpu0);

    let price = Price::parse("0.01").map_err(|e| e.to_string())?;
    let order = |_: usize| {
        let mut request = CreateOrderRequest::new(
            job.ticker.clone(),
            BookSide::Bid,
            price,
            Count::from_contracts(1),
            TimeInForce::GoodTillCanceled,
            SelfTradePrevention::TakerAtCross,
        );
        request.client_order_id = Some(uuid::Uuid::new_v4().to_string());
        request
    };
    let cancel = CancelOrderParams::default();
    for i in 0..job.warmup.min(job.pairs) {
        let placed = client
            .create_order(&order(i))
            .await
            .map_err(|e| e.to_string())?;
        client
            .cancel_order(&placed.order_id, &cancel)
            .await
            .map_err(|e| e.to_string())?;
    }
    let mut order_ms = Vec::with_capacity(job.pairs * 2);
    let cpu0 = process_cpu();
    for i in 0..job.pairs {
        let request = order(i);
        let t = Instant::now();
        let placed = client
            .create_order(&request)
            .await
            .map_err(|e| e.to_string())?;
        order_ms.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        client
            .cancel_order(&placed.order_id, &cancel)
            .await
            .map_err(|e| e.to_string())?;
        order_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let order_cpu = cpu_ms(cpu0);
    Ok(json!({
        "client": "ours",
        "version": concat!("kalshi ", env!("CARGO_PKG_VERSION")),
        "get_ms": get_ms,
        "get_cpu_ms": get_cpu,
        "order_ms": order_ms,
        "order_cpu_ms": order_cpu,
    }))
}

fn cpu_ms(since: Option<std::time::Duration>) -> Option<f64> {
    let now = process_cpu()?;
    Some(now.saturating_sub(since?).as_secs_f64() * 1e3)
}
