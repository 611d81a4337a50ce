//! What the window benchmarks add to the end-to-end harness: the app's processes and
//! their memory (read from `/proc`), timings taken inside the page (so WebDriver round
//! trips are not in them), and the JSON rows `cargo xtask bench` reads from the file named
//! by `KALSHI_DESK_BENCH_OUT`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use fantoccini::Client;
use serde_json::{Value, json};

use crate::harness::{Step, app_binary, pids, proc_stat};

/// Names the file the rows are written to (a JSON array; rows with the same id replace
/// the old ones, others are kept).
pub const OUT_VAR: &str = "KALSHI_DESK_BENCH_OUT";

/// The app's build profile (the test's: `cargo test` or `cargo test --release`).
pub const PROFILE: &str = if cfg!(debug_assertions) {
    "debug"
} else {
    "release"
};

/// `1` = the short smoke version (few samples, a 30 s memory window).
pub const QUICK_VAR: &str = "KALSHI_DESK_BENCH_QUICK";

/// Whether this is the quick smoke run.
pub fn quick() -> bool {
    std::env::var(QUICK_VAR).is_ok_and(|v| v == "1")
}

/// The median and the 99th percentile (nearest rank) of `samples`.
pub fn median_p99(samples: &[f64]) -> (f64, f64) {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    if s.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let median = if s.len() % 2 == 1 {
        s[s.len() / 2]
    } else {
        f64::midpoint(s[s.len() / 2 - 1], s[s.len() / 2])
    };
    let rank = ((0.99 * s.len() as f64).ceil() as usize).clamp(1, s.len());
    (median, s[rank - 1])
}

/// One figure, in the shared row format.
#[derive(Debug, Clone)]
pub struct Figure {
    /// Stable id.
    pub id: &'static str,
    /// What it measures, for the table.
    pub label: String,
    /// Unit of `median` and `p99`.
    pub unit: &'static str,
    /// The samples.
    pub samples: Vec<f64>,
    /// The goal as text.
    pub goal: &'static str,
    /// The goal's bound, if it has one.
    pub goal_value: Option<f64>,
    /// Which statistic the goal bounds: median, p99, max or growth_pct.
    pub goal_stat: &'static str,
    /// The seed's target as text.
    pub seed_target: &'static str,
    /// How it was measured.
    pub note: String,
}

impl Figure {
    /// The JSON row (`max` beside median and p99, for the goals on the maximum).
    pub fn row(&self) -> Value {
        let (median, p99) = median_p99(&self.samples);
        let max = self.samples.iter().copied().fold(f64::NAN, f64::max);
        let round = |x: f64| (x * 100.0).round() / 100.0;
        json!({
            "group": "window",
            "id": self.id,
            "label": self.label,
            "unit": self.unit,
            "median": round(median),
            "p99": round(p99),
            "max": round(max),
            "samples": self.samples.len(),
            "goal": self.goal,
            "goal_value": self.goal_value,
            "goal_stat": self.goal_stat,
            "seed_target": self.seed_target,
            "note": format!("{}; {} build of the app", self.note, PROFILE),
        })
    }
}

/// Prints the rows and merges them into the file named by [`OUT_VAR`], if set.
pub fn record(figures: &[Figure]) {
    let rows: Vec<Value> = figures.iter().map(Figure::row).collect();
    for row in &rows {
        eprintln!("bench row: {row}");
    }
    let Some(path) = std::env::var_os(OUT_VAR).filter(|p| !p.is_empty()) else {
        return;
    };
    let path = PathBuf::from(path);
    let mut all: Vec<Value> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    all.retain(|old| !rows.iter().any(|new| new["id"] == old["id"]));
    all.extend(rows);
    let text = serde_json::to_string_pretty(&all).expect("rows encode");
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
}

/// The running app launched for `data_dir` (its binary, with that data folder in its
/// environment), if there is one.
pub fn app_pid(data_dir: &Path) -> Option<u32> {
    let exe = std::fs::canonicalize(app_binary()).ok()?;
    let wanted = format!("KALSHI_DESK_DATA_DIR={}", data_dir.display());
    pids().find(|pid| {
        std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|e| e == exe)
            && std::fs::read(format!("/proc/{pid}/environ"))
                .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == wanted.as_bytes()))
    })
}

/// Waits for the app of `data_dir` to run; returns its pid.
pub async fn wait_app_pid(data_dir: &Path) -> Step<u32> {
    poll("the app process", || app_pid(data_dir)).await
}

/// WebKit's web process serving the app's page (a child of the app process).
pub fn web_process(app: u32) -> Option<u32> {
    pids().find(|pid| {
        proc_stat(*pid).is_some_and(|s| s.ppid == app && s.comm.starts_with("WebKitWebProc"))
    })
}

/// Whether a Secret Service (the keychain `cargo xtask` starts beside the app, as on a
/// desktop) owns its name on the session bus.
pub fn keychain_on_bus() -> bool {
    std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.secrets",
        ])
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).contains("boolean true"))
}

/// Resident set size of `pid` in MiB (`VmRSS` of `/proc/<pid>/status`).
pub fn rss_mib(pid: u32) -> Option<f64> {
    status_mib(pid, "VmRSS")
}

/// A memory line of `/proc/<pid>/status` in MiB: `VmRSS`, `RssAnon` (the process's own
/// heap and stacks), `RssFile` (mapped files: the shared libraries' pages in use).
pub fn status_mib(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// When `pid` started, in ms since the Unix epoch (10 ms resolution): its start in clock
/// ticks since boot, against the time since boot read now (`/proc/uptime`). Not through
/// the boot time of `/proc/stat`, which is whole seconds.
pub fn start_epoch_ms(pid: u32) -> Option<f64> {
    let hz: f64 = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100.0);
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 2..];
    // Fields after the name start at field 3 (state); starttime is field 22.
    let ticks: f64 = after.split_whitespace().nth(19)?.parse().ok()?;
    let now = now_epoch_ms();
    let uptime: f64 = std::fs::read_to_string("/proc/uptime")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(now - (uptime - ticks / hz) * 1000.0)
}

/// Now, in ms since the Unix epoch.
pub fn now_epoch_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> Step<T> {
    let started = std::time::Instant::now();
    loop {
        if let Some(v) = f() {
            return Ok(v);
        }
        if started.elapsed() > crate::harness::WAIT {
            return Err(format!("timed out waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Runs `script` in the page and parses the JSON text it returns.
pub async fn exec(c: &Client, what: &str, script: &str) -> Step<Value> {
    let v = c
        .execute(script, vec![])
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    parse(what, v)
}

/// Runs `script` in the page with a completion callback (the last argument) and parses
/// the JSON text it passes back.
pub async fn exec_async(c: &Client, what: &str, script: &str) -> Step<Value> {
    let v = c
        .execute_async(script, vec![])
        .await
        .map_err(|e| format!("{what}: {e}"))?;
    parse(what, v)
}

fn parse(what: &str, v: Value) -> Step<Value> {
    match v {
        Value::String(s) => serde_json::from_str(&s).map_err(|e| format!("{what}: {e}: {s}")),
        other => Ok(other),
    }
}

/// The log files the app wrote under `xdg_data` (its log folder lives there on Linux).
pub fn log_files(xdg_data: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("kalshi-desk") && n.ends_with(".log"))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(xdg_data, &mut out);
    out
}

/// When the first log line (after `from`, Unix ms) containing each of `needles` was
/// written, in ms after `from`.
pub fn log_marks(xdg_data: &Path, from: f64, needles: &[&str]) -> Vec<Option<f64>> {
    let mut marks = vec![None; needles.len()];
    for file in log_files(xdg_data) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines() {
            let Some(t) = line.split_whitespace().next().and_then(|ts| {
                time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339).ok()
            }) else {
                continue;
            };
            let ms = t.unix_timestamp_nanos() as f64 / 1e6;
            if ms < from {
                continue;
            }
            for (mark, needle) in marks.iter_mut().zip(needles) {
                if mark.is_none() && line.contains(needle) {
                    *mark = Some(ms - from);
                }
            }
        }
    }
    marks
}

/// The simulator's heartbeat lines in the app's logs: (Unix ms, channel messages sent on
/// that connection so far), per connection span.
pub fn heartbeats(xdg_data: &Path) -> Vec<Vec<(f64, u64)>> {
    let mut by_conn: std::collections::BTreeMap<String, Vec<(f64, u64)>> = Default::default();
    for file in log_files(xdg_data) {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for line in text.lines() {
            if !line.contains(" heartbeat data_messages=") {
                continue;
            }
            let Some(ts) = line.split_whitespace().next() else {
                continue;
            };
            let Ok(t) =
                time::OffsetDateTime::parse(ts, &time::format_description::well_known::Rfc3339)
            else {
                continue;
            };
            let Some(n) = line
                .rsplit("data_messages=")
                .next()
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| s.parse().ok())
            else {
                continue;
            };
            let conn = line
                .split("ws_connection{")
                .nth(1)
                .and_then(|s| s.split('}').next())
                .unwrap_or("")
                .to_owned();
            let ms = t.unix_timestamp_nanos() as f64 / 1e6;
            by_conn.entry(conn).or_default().push((ms, n));
        }
    }
    by_conn.into_values().collect()
}

/// Messages per second the simulator sent to the app between `from` and `to` (Unix ms),
/// from its heartbeat lines: the busiest connection's counter difference over the time
/// between the first and last heartbeat inside the window.
pub fn message_rate(xdg_data: &Path, from: f64, to: f64) -> Option<f64> {
    heartbeats(xdg_data)
        .into_iter()
        .filter_map(|beats| {
            let inside: Vec<_> = beats
                .into_iter()
                .filter(|(t, _)| *t >= from && *t <= to)
                .collect();
            let (t0, n0) = *inside.first()?;
            let (t1, n1) = *inside.last()?;
            (t1 > t0).then(|| (n1 - n0) as f64 / ((t1 - t0) / 1000.0))
        })
        .max_by(f64::total_cmp)
}
