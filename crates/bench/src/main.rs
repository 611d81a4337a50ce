//! `desk-bench`: the latency harness `cargo xtask bench` runs after the criterion benches.
//! Every figure is a median and a p99 over many samples against `kalshi-sim` on loopback
//! (a separate process, built beside this binary):
//!
//! - WebSocket connect → first data message after subscribe (`ws_connect`);
//! - order submit → exchange ack through desk-core (`order_submit`);
//! - store: fills upserted vs SQLite's own ceiling in the same run, history pages at 1M
//!   fills (`store_figures`);
//! - our client vs Kalshi's official TypeScript and Python SDKs, and vs the floor (`peers`).
//!
//! Usage: `desk-bench [--quick] [--only GROUP] [--out FILE]` writes the rows as JSON (the
//! format of the window bench, see `row.rs`) and prints a summary. `--only` runs one group
//! (`exchange`, `store` or `peers`) to re-measure it after a change. `--quick` is a smoke run: few samples,
//! small databases. `desk-bench client` is our client's side of the side-by-side, run as
//! its own process by `peers`.

mod client;
mod cpu;
mod keys;
mod order_submit;
mod peers;
mod row;
mod sim;
mod stats;
mod store_figures;
mod ws_connect;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use row::Row;
use sim::SimProcess;

/// What this run does.
#[derive(Debug)]
pub struct Ctx {
    /// Few samples, small databases.
    pub quick: bool,
    /// Cargo's target directory (caches live under it).
    pub target: PathBuf,
}

/// The workspace root (this crate is `crates/bench`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("client") => client::run(),
        _ => harness(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("desk-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn harness(args: &[String]) -> Result<(), String> {
    let mut quick = false;
    let mut out = None;
    let mut only: Option<String> = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => quick = true,
            "--out" => out = Some(PathBuf::from(args.next().ok_or("--out needs a file")?)),
            "--only" => {
                let group = args.next().ok_or("--only needs a group")?;
                if !GROUPS.contains(&group.as_str()) {
                    return Err(format!("unknown group {group:?}; groups: {GROUPS:?}"));
                }
                only = Some(group.clone());
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: desk-bench [--quick] [--only GROUP] [--out FILE] | client"
                ));
            }
        }
    }
    // target/<profile>/desk-bench → target
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let target = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("the harness binary is not in a target directory")?
        .to_path_buf();
    let ctx = Ctx { quick, target };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    let mut rows: Vec<Row> = Vec::new();
    let runs = |group: &str| only.as_deref().is_none_or(|o| o == group);

    if runs("exchange") {
        rows.extend(exchange(&rt, quick)?);
    }
    if runs("store") {
        eprintln!("desk-bench: store upserts vs sqlite_ceiling.py");
        rows.extend(store_figures::upserts(&ctx, &rt)?);
        eprintln!("desk-bench: history pages");
        rows.extend(store_figures::history(&ctx, &rt)?);
    }
    drop(rt);
    if runs("peers") {
        eprintln!("desk-bench: side by side with the official SDKs");
        rows.extend(peers::run(&ctx)?);
    }

    for row in &rows {
        let met = match row.met {
            Some(true) => "met",
            Some(false) => "NOT MET",
            None => "",
        };
        println!(
            "{:<34} p50 {:>9.3} {:<2} p99 {:>9.3}  n={:<5} {:<28} {met:<7} {}",
            row.id, row.median, row.unit, row.p99, row.samples, row.goal, row.note
        );
    }
    if let Some(path) = out {
        let json = serde_json::to_string_pretty(&rows).map_err(|e| e.to_string())?;
        std::fs::write(&path, json).map_err(|e| format!("writing {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Groups `--only` accepts.
const GROUPS: [&str; 3] = ["exchange", "store", "peers"];

/// WebSocket connect and order submit against a simulator process.
fn exchange(rt: &tokio::runtime::Runtime, quick: bool) -> Result<Vec<Row>, String> {
    eprintln!("desk-bench: WebSocket connect and order submit");
    let mut rows = Vec::new();
    let tmp = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let b_public = keys::write(tmp.path(), "b.pub.pem", &keys::b_public())?;
    let sim = SimProcess::start(
        &[
            "--api-key".into(),
            format!("{}={}", keys::KEY_B, b_public.display()),
            "--markets".into(),
            "20".into(),
        ],
        &tmp.path().join("sim.log"),
    )?;
    let ticker = rt.block_on(open_ticker(&sim))?;
    rows.extend(rt.block_on(ws_connect::run(&sim, &ticker, if quick { 20 } else { 300 }))?);
    rows.extend(rt.block_on(order_submit::run(
        &sim,
        &ticker,
        if quick { 20 } else { 300 },
    ))?);
    drop(sim);
    Ok(rows)
}

/// An open market's ticker, from the simulator's public market list.
async fn open_ticker(sim: &SimProcess) -> Result<String, String> {
    use kalshi::model::market::{GetMarketsParams, MarketStatusFilter};
    let environment = kalshi::env::Environment::custom(&sim.rest_url(), &sim.ws_url())
        .map_err(|e| e.to_string())?;
    let client = kalshi::rest::Client::new(environment, None).map_err(|e| e.to_string())?;
    let page = client
        .markets(&GetMarketsParams {
            status: Some(MarketStatusFilter::Open),
            limit: Some(1),
            ..GetMarketsParams::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    page.markets
        .first()
        .map(|m| m.ticker.clone())
        .ok_or_else(|| "the simulator has no open market".into())
}
