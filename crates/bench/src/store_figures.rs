//! Store figures: fills upserted through `Store::upsert_fills` against SQLite's own ceiling
//! on the same schema in the same run (`crates/store/benches/sqlite_ceiling.py --shipped`,
//! the shipped schema through Python's sqlite3), and filtered history pages at 1M fills on
//! the database the criterion bench also uses (cached under target/bench-cache).

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Instant;

use kalshi::model::fill::Fill;
use store::{PageRequest, Store};
use tokio::runtime::Runtime;

#[path = "../../store/benches/common/fixtures.rs"]
mod fixtures;

use fixtures::{PAGE, scope, stream_fill};

use crate::row::{Row, trim};
use crate::stats::Samples;
use crate::{Ctx, workspace_root};

/// Batch sizes of both sides, as in sqlite_ceiling.py.
const BATCHES: [usize; 3] = [100, 1_000, 10_000];
/// Markets the fills are spread over (the script's shipped variant).
const MARKETS: u64 = 2_000;
/// The goal: within this factor of SQLite's own rate.
const CEILING_FACTOR: f64 = 1.2;

/// The upsert rows (one per batch size). Both sides run in alternation (SQLite, ours,
/// SQLite, ours in the full run), each on a fresh database, and their samples are pooled,
/// so a change of machine load during the run weighs on both alike.
pub fn upserts(ctx: &Ctx, rt: &Runtime) -> Result<Vec<Row>, String> {
    let rows = if ctx.quick { 10_000 } else { 100_000 };
    let rounds = if ctx.quick { 1 } else { 2 };
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let mut ours: BTreeMap<usize, Samples> = BTreeMap::new();
    let mut theirs: BTreeMap<usize, Samples> = BTreeMap::new();
    for round in 0..rounds {
        for (batch, secs) in ceiling(rows, &dir.path().join(format!("ceiling-{round}.sqlite")))? {
            let batch: usize = batch
                .parse()
                .map_err(|_| format!("sqlite_ceiling.py: batch size {batch:?}"))?;
            let samples = theirs.entry(batch).or_default();
            for s in secs {
                samples.push_ms(s * 1e3);
            }
        }
        let path = dir.path().join(format!("upsert-{round}.sqlite"));
        upsert_round(rt, &path, rows, &mut ours)?;
    }
    let mut out = Vec::new();
    for batch in BATCHES {
        let (Some(ours), Some(theirs)) = (ours.get(&batch), theirs.get(&batch)) else {
            return Err(format!("no batches of {batch} measured"));
        };
        let ratio = ours.median() / theirs.median();
        let rate = |s: &Samples| batch as f64 / s.median() * 1e3;
        out.push(Row {
            group: "store",
            id: format!("upsert_fills_{batch}"),
            label: format!(
                "fills upserted in batches of {batch} (dedupe by the database), ms per batch; ratio to SQLite's own time"
            ),
            unit: "ms",
            median: ours.median(),
            p99: ours.p99(),
            samples: ours.len(),
            goal: format!("≤ {}× SQLite's own (p50)", trim(CEILING_FACTOR)),
            goal_value: Some(theirs.median() * CEILING_FACTOR),
            goal_stat: "median",
            seed_target: None,
            ratio: format!("{ratio:.2}× SQLite's own"),
            met: Some(ratio <= CEILING_FACTOR),
            note: format!(
                "ours {:.1}k fills/s; sqlite_ceiling.py (shipped schema, Python sqlite3) {:.1}k fills/s, p50 {:.3} / p99 {:.3} ms per batch",
                rate(ours) / 1e3,
                rate(theirs) / 1e3,
                theirs.median(),
                theirs.p99()
            ),
        });
    }
    Ok(out)
}

/// `rows` fills per batch size through `Store::upsert_fills` into a fresh database at
/// `path`, in the script's order (all batches of 100, then of 1,000, then of 10,000).
fn upsert_round(
    rt: &Runtime,
    path: &std::path::Path,
    rows: usize,
    ours: &mut BTreeMap<usize, Samples>,
) -> Result<(), String> {
    let store = rt.block_on(Store::open(path)).map_err(|e| e.to_string())?;
    let mut n = 0u64;
    for batch in BATCHES {
        let batches: Vec<Vec<Fill>> = (0..rows / batch)
            .map(|_| {
                let fills = (n..n + batch as u64)
                    .map(|i| stream_fill(i, MARKETS))
                    .collect();
                n += batch as u64;
                fills
            })
            .collect();
        let samples = ours.entry(batch).or_default();
        for fills in &batches {
            let started = Instant::now();
            let report = rt
                .block_on(store.upsert_fills(&scope(), fills))
                .map_err(|e| e.to_string())?;
            samples.push(started.elapsed());
            if report.inserted.len() != batch {
                return Err(format!(
                    "{} of {batch} fills inserted",
                    report.inserted.len()
                ));
            }
        }
    }
    rt.block_on(store.close());
    Ok(())
}

/// Every batch's seconds by batch size, from the script's shipped-schema variant.
fn ceiling(rows: usize, db: &std::path::Path) -> Result<BTreeMap<String, Vec<f64>>, String> {
    let script = workspace_root().join("crates/store/benches/sqlite_ceiling.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(["--shipped", &rows.to_string()])
        .env("DB", db)
        .output()
        .map_err(|e| format!("python3 does not start: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "sqlite_ceiling.py failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(stdout.lines().last().unwrap_or_default())
        .map_err(|e| format!("sqlite_ceiling.py output: {e}"))
}

/// History page rows at `rows` fills (1M, or a small database for `--quick`).
pub fn history(ctx: &Ctx, rt: &Runtime) -> Result<Vec<Row>, String> {
    let rows: u64 = if ctx.quick { 20_000 } else { 1_000_000 };
    let n = if ctx.quick { 10 } else { 200 };
    let (path, built) = fixtures::history_db(rt, &ctx.target.join("bench-cache"), rows);
    if let Some(secs) = built {
        eprintln!(
            "desk-bench: built the {rows}-fill history database in {secs:.0} s ({:.0} fills/s)",
            rows as f64 / secs
        );
    }
    let store = rt.block_on(Store::open(&path)).map_err(|e| e.to_string())?;
    let cases = fixtures::history_filters();
    let mut out = Vec::new();
    let scale = if rows >= 1_000_000 {
        format!("{}M", rows / 1_000_000)
    } else {
        format!("{}k", rows / 1_000)
    };
    for (name, filter) in &cases {
        let mut samples = Samples::with_capacity(n);
        for i in 0..n + 2 {
            let started = Instant::now();
            let page = rt
                .block_on(store.fill_history(&scope(), filter, &PageRequest::first(PAGE)))
                .map_err(|e| e.to_string())?;
            if i >= 2 {
                samples.push(started.elapsed());
            }
            if page.items.is_empty() {
                return Err(format!("history case {name} matched nothing"));
            }
        }
        out.push(Row::below(
            "store",
            &format!("history_page_{name}"),
            &format!("history page of {PAGE} at {scale} fills: {name}"),
            "ms",
            &samples,
            "p99",
            50.0,
            None,
        ));
    }
    rt.block_on(store.close());
    Ok(out)
}
