//! Our client side by side with Kalshi's official SDKs on the same simulator in the same
//! run, and the floor they are all measured against.
//!
//! Every client runs as its own process doing the same job (see `client.rs`,
//! `peers/ts_client.mjs`, `peers/py_client.py`) one after the other against one `kalshi-sim`
//! process; each reports per-request latencies and its own CPU time around the timed loops.
//! The floor of a signed request is one RSA-PSS signature (`openssl speed rsa2048`, run now)
//! plus one round trip of the same request with no client work: the bytes are prepared
//! (signed once, outside the timing) and replayed on one kept-alive socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use kalshi::auth::Credentials;
use serde::Deserialize;

use crate::client::Job;
use crate::keys;
use crate::row::Row;
use crate::sim::SimProcess;
use crate::stats::Samples;
use crate::{Ctx, workspace_root};

/// One client's report.
#[derive(Debug, Deserialize)]
struct Report {
    client: String,
    version: String,
    get_ms: Vec<f64>,
    get_cpu_ms: Option<f64>,
    order_ms: Option<Vec<f64>>,
    order_cpu_ms: Option<f64>,
}

/// Runs every client and the floor; returns the rows.
pub fn run(ctx: &Ctx) -> Result<Vec<Row>, String> {
    let tmp = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let public = keys::write(tmp.path(), "a.pub.pem", &keys::a_public())?;
    let private = keys::write(tmp.path(), "a.pem", &keys::a_private())?;
    let sim = SimProcess::start(
        &[
            "--api-key".into(),
            format!("{}={}", keys::KEY_A, public.display()),
            "--markets".into(),
            "20".into(),
            "--empty-books".into(),
        ],
        &tmp.path().join("sim.log"),
    )?;
    let ticker = first_ticker(&sim)?;
    let job = Job {
        rest_url: sim.rest_url(),
        key_id: keys::KEY_A.into(),
        key_pem: private.to_string_lossy().into_owned(),
        warmup: if ctx.quick { 10 } else { 100 },
        gets: if ctx.quick { 100 } else { 1_000 },
        pairs: if ctx.quick { 20 } else { 200 },
        ticker,
    };

    let cache = ctx.target.join("bench-peers");
    let ts_dir = install_ts(&cache.join("ts"))?;
    let py = install_py(&cache.join("py"))?;

    eprintln!("desk-bench: peers: our client");
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let ours = run_client(Command::new(exe).arg("client"), &job)?;
    eprintln!("desk-bench: peers: the official TypeScript SDK");
    let mut node = Command::new("node");
    node.arg(peers_dir().join("ts_client.mjs"))
        .env("SDK_INSTALL_DIR", &ts_dir);
    let ts = run_client(&mut node, &job)?;
    eprintln!("desk-bench: peers: the official Python SDK (GETs only)");
    let mut python = Command::new(py);
    python.arg(peers_dir().join("py_client.py"));
    let python = run_client(&mut python, &job)?;

    eprintln!("desk-bench: peers: the floor (openssl speed rsa2048, raw round trips)");
    let sign_ms = openssl_sign_ms(ctx.quick)?;
    let credentials =
        Credentials::from_pem(keys::KEY_A, &keys::a_private()).map_err(|e| format!("key: {e}"))?;
    let floor = raw_round_trips(&sim, &credentials, &job)?;
    Ok(rows(&ours, &ts, &python, sign_ms, &floor))
}

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("peers")
}

/// The ticker of the first market (the orders' market).
fn first_ticker(sim: &SimProcess) -> Result<String, String> {
    let (status, body) = {
        let mut stream =
            TcpStream::connect(sim.addr()).map_err(|e| format!("connect to the sim: {e}"))?;
        raw(
            &mut stream,
            sim.addr(),
            "GET",
            "/trade-api/v2/markets?limit=1&status=open",
            &[],
            None,
        )?
    };
    let v: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    v["markets"][0]["ticker"]
        .as_str()
        .filter(|_| status == 200)
        .map(str::to_owned)
        .ok_or_else(|| format!("no open market (HTTP {status})"))
}

/// Runs one client process with the job's environment; parses its JSON line.
fn run_client(cmd: &mut Command, job: &Job) -> Result<Report, String> {
    let output = cmd
        .envs(job.env())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{cmd:?} does not start: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "{cmd:?} failed ({}): {}\n{}",
            output.status,
            stdout,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).map_err(|e| format!("{cmd:?} printed {line:?}: {e}"))
}

/// `npm ci` of the pinned SDK (the conformance test's package.json and lock file) into
/// `dir`, unless it is already installed from the same lock file.
fn install_ts(dir: &Path) -> Result<PathBuf, String> {
    let src = workspace_root().join("crates/kalshi-sim/conformance");
    let lock = std::fs::read(src.join("package-lock.json")).map_err(|e| e.to_string())?;
    let stamp = dir.join(".installed-from-lock");
    let installed = dir.join("node_modules/kalshi-typescript/package.json");
    if installed.is_file() && std::fs::read(&stamp).is_ok_and(|s| s == lock) {
        return Ok(dir.to_path_buf());
    }
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::copy(src.join("package.json"), dir.join("package.json")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("package-lock.json"), &lock).map_err(|e| e.to_string())?;
    step(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--prefer-offline"])
            .current_dir(dir)
            .env("npm_config_cache", dir.join(".npm-cache"))
            .env("npm_config_update_notifier", "false"),
        "npm ci of kalshi-typescript (needs node and npm: `cargo xtask setup`)",
    )?;
    std::fs::write(&stamp, &lock).map_err(|e| e.to_string())?;
    Ok(dir.to_path_buf())
}

/// A venv in `dir` with the pinned Python SDK; returns its interpreter.
fn install_py(dir: &Path) -> Result<PathBuf, String> {
    let requirements = std::fs::read(peers_dir().join("requirements.txt"))
        .map_err(|e| format!("requirements.txt: {e}"))?;
    let python = dir.join("bin/python3");
    let stamp = dir.join(".installed-from-requirements");
    if python.is_file() && std::fs::read(&stamp).is_ok_and(|s| s == requirements) {
        return Ok(python);
    }
    step(
        Command::new("python3")
            .args(["-m", "venv", "--clear"])
            .arg(dir),
        "python3 -m venv (needs python3-venv)",
    )?;
    step(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
            ])
            .arg(peers_dir().join("requirements.txt")),
        "pip install of kalshi-python-sync",
    )?;
    std::fs::write(&stamp, &requirements).map_err(|e| e.to_string())?;
    Ok(python)
}

fn step(cmd: &mut Command, what: &str) -> Result<(), String> {
    let output = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{what}: does not start: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Milliseconds per RSA-2048 signature from `openssl speed -elapsed rsa2048`.
pub fn openssl_sign_ms(quick: bool) -> Result<f64, String> {
    let seconds = if quick { "1" } else { "3" };
    let output = Command::new("openssl")
        .args(["speed", "-elapsed", "-seconds", seconds, "rsa2048"])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("openssl does not start: {e}"))?;
    parse_openssl(&String::from_utf8_lossy(&output.stdout))
        .ok_or_else(|| "no `rsa 2048 bits` line in openssl speed's output".to_owned())
}

/// The sign time (seconds, first figure after "bits") of the `rsa 2048 bits` line, in ms.
fn parse_openssl(text: &str) -> Option<f64> {
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("rsa") && l.contains("2048 bits"))?;
    let after = line.split("bits").nth(1)?;
    let secs: f64 = after
        .split_whitespace()
        .next()?
        .trim_end_matches('s')
        .parse()
        .ok()?;
    Some(secs * 1e3)
}

/// Round trips with no client work: the same GET, create and cancel, with headers prepared
/// outside the timing.
struct Floor {
    get: Samples,
    order: Samples,
}

fn raw_round_trips(
    sim: &SimProcess,
    credentials: &Credentials,
    job: &Job,
) -> Result<Floor, String> {
    let addr = sim.addr();
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let header = |method: &str, path: &str| -> Result<Vec<(String, String)>, String> {
        let h = credentials
            .headers_now(method, path)
            .map_err(|e| e.to_string())?;
        Ok(h.pairs()
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect())
    };
    let balance = "/trade-api/v2/portfolio/balance";
    let mut signed = header("GET", balance)?;
    let mut signed_at = Instant::now();
    let mut get = Samples::with_capacity(job.gets);
    for i in 0..job.warmup + job.gets {
        // The simulator accepts a timestamp for 30 s; re-sign (untimed) well before that.
        if signed_at.elapsed() > Duration::from_secs(10) {
            signed = header("GET", balance)?;
            signed_at = Instant::now();
        }
        let t = Instant::now();
        let (status, _) = raw(&mut stream, addr, "GET", balance, &signed, None)?;
        if i >= job.warmup {
            get.push(t.elapsed());
        }
        if status != 200 {
            return Err(format!("raw GET: HTTP {status}"));
        }
    }
    let create = "/trade-api/v2/portfolio/events/orders";
    let mut order = Samples::with_capacity(job.pairs * 2);
    for _ in 0..job.pairs {
        let body = serde_json::json!({
            "ticker": job.ticker, "client_order_id": uuid::Uuid::new_v4().to_string(),
            "side": "bid", "count": "1.00", "price": "0.0100",
            "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross",
        })
        .to_string();
        let headers = header("POST", create)?;
        let t = Instant::now();
        let (status, reply) = raw(
            &mut stream,
            addr,
            "POST",
            create,
            &headers,
            Some(body.as_bytes()),
        )?;
        order.push(t.elapsed());
        let v: serde_json::Value = serde_json::from_slice(&reply).map_err(|e| e.to_string())?;
        let id = v["order_id"]
            .as_str()
            .filter(|_| status == 201 || status == 200)
            .ok_or_else(|| format!("raw create: HTTP {status} {v}"))?;
        let path = format!("{create}/{id}");
        let headers = header("DELETE", &path)?;
        let t = Instant::now();
        let (status, _) = raw(&mut stream, addr, "DELETE", &path, &headers, None)?;
        order.push(t.elapsed());
        if status != 200 {
            return Err(format!("raw cancel: HTTP {status}"));
        }
    }
    Ok(Floor { get, order })
}

/// One HTTP/1.1 request on a kept-alive socket; returns the status and body.
fn raw(
    stream: &mut TcpStream,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: Option<&[u8]>,
) -> Result<(u16, Vec<u8>), String> {
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nhost: {host}\r\naccept: application/json\r\n");
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() {
        request.push_str(&format!(
            "content-type: application/json\r\ncontent-length: {}\r\n",
            body.len()
        ));
    }
    request.push_str("\r\n");
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).map_err(|e| format!("send: {e}"))?;
    let mut reader = BufReader::new(&mut *stream);
    let mut line = String::new();
    reader
        .read_line(&mut line)
        .map_err(|e| format!("read: {e}"))?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {line:?}"))?;
    let mut length = 0usize;
    loop {
        line.clear();
        reader
            .read_line(&mut line)
            .map_err(|e| format!("read: {e}"))?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        if let Some((k, v)) = l.split_once(':') {
            if k.eq_ignore_ascii_case("content-length") {
                length = v.trim().parse().map_err(|_| "bad content-length")?;
            } else if k.eq_ignore_ascii_case("transfer-encoding") {
                return Err("chunked replies are not handled by the raw client".into());
            }
        }
    }
    let mut body = vec![0; length];
    reader
        .read_exact(&mut body)
        .map_err(|e| format!("read body: {e}"))?;
    if !reader.buffer().is_empty() {
        return Err("bytes after the reply on a sequential connection".into());
    }
    Ok((status, body))
}

/// CPU per request in ms.
fn cpu_per(report: &Report, orders: bool) -> Option<f64> {
    if orders {
        let n = report.order_ms.as_ref()?.len();
        report.order_cpu_ms.map(|c| c / n.max(1) as f64)
    } else {
        report
            .get_cpu_ms
            .map(|c| c / report.get_ms.len().max(1) as f64)
    }
}

fn samples(report: &Report, orders: bool) -> Option<Samples> {
    if orders {
        report.order_ms.clone().map(Samples::from)
    } else {
        Some(Samples::from(report.get_ms.clone()))
    }
}

fn rows(ours: &Report, ts: &Report, py: &Report, sign_ms: f64, floor: &Floor) -> Vec<Row> {
    let mut out = Vec::new();
    for (orders, what, floor_samples) in [
        (false, "signed GET /portfolio/balance", &floor.get),
        (
            true,
            "create or cancel of a resting order (V2)",
            &floor.order,
        ),
    ] {
        let kind = if orders { "order" } else { "get" };
        for report in [ours, ts, py] {
            // A client's own figure: no goal of its own, the ratios below carry the goals.
            let (median, p99, n, note) = match samples(report, orders) {
                Some(s) => (
                    s.median(),
                    s.p99(),
                    s.len(),
                    cpu_per(report, orders).map_or_else(
                        || "CPU not measured".into(),
                        |c| format!("CPU {c:.3} ms per request"),
                    ),
                ),
                None => (
                    f64::NAN,
                    f64::NAN,
                    0,
                    "not measured: its only release (3.2.0) places orders through the \
                     retired V1 path (410 at Kalshi and in the simulator)"
                        .into(),
                ),
            };
            out.push(Row {
                group: "peers",
                id: format!("{kind}_{}", report.client),
                label: format!("{}: {what}", report.version),
                unit: "ms",
                median,
                p99,
                samples: n,
                goal: "—".into(),
                goal_value: None,
                goal_stat: "median",
                seed_target: None,
                ratio: String::new(),
                met: None,
                note,
            });
        }
        let ours_s = samples(ours, orders).unwrap_or_default();
        let ours_cpu = cpu_per(ours, orders);
        for peer in [ts, py] {
            let Some(peer_s) = samples(peer, orders) else {
                continue;
            };
            let speed = peer_s.median() / ours_s.median();
            let speed_p99 = peer_s.p99() / ours_s.p99();
            let cpu = match (cpu_per(peer, orders), ours_cpu) {
                (Some(p), Some(o)) if o > 0.0 => Some(p / o),
                _ => None,
            };
            let met = speed >= 3.0 && cpu.is_some_and(|c| c >= 5.0);
            out.push(Row {
                group: "peers",
                id: format!("{kind}_ours_vs_{}", peer.client),
                label: format!(
                    "{what}: ours vs {} (times faster; times less CPU)",
                    peer.client
                ),
                unit: "×",
                median: speed,
                p99: speed_p99,
                samples: ours_s.len(),
                goal: "≥ 3× faster (p50), ≥ 5× less CPU".into(),
                goal_value: Some(3.0),
                goal_stat: "median",
                seed_target: None,
                ratio: cpu.map_or_else(
                    || format!("{speed:.2}× faster"),
                    |c| format!("{speed:.2}× faster, {c:.1}× less CPU"),
                ),
                met: Some(met),
                note: cpu.map_or_else(
                    || "CPU ratio not measured".into(),
                    |c| format!("CPU per request {c:.1}× less"),
                ),
            });
        }
        let floor_ms = sign_ms + floor_samples.median();
        let ratio = ours_s.median() / floor_ms;
        out.push(Row {
            group: "peers",
            id: format!("{kind}_ours_vs_floor"),
            label: format!("{what}: ours vs the floor (one signature + one bare round trip)"),
            unit: "×",
            median: ratio,
            p99: f64::NAN,
            samples: ours_s.len(),
            goal: "≤ 1.5× (p50)".into(),
            goal_value: Some(1.5),
            goal_stat: "median",
            seed_target: None,
            ratio: format!("{ratio:.2}× the floor"),
            met: Some(ratio <= 1.5),
            note: format!(
                "floor {floor_ms:.3} ms = openssl rsa2048 sign {sign_ms:.3} ms + bare round trip p50 {:.3} ms (p99 {:.3}); ours p50 {:.3} ms",
                floor_samples.median(),
                floor_samples.p99(),
                ours_s.median()
            ),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn openssl_speed_lines_parse() {
        let v3 = "                  sign    verify    sign/s verify/s\nrsa 2048 bits 0.001127s 0.000033s    887.3  30303.0\n";
        assert_eq!(super::parse_openssl(v3), Some(1.127));
        let v35 = "                   sign    verify    encrypt   decrypt   sign/s verify/s  encr./s  decr./s\nrsa  2048 bits 0.001150s 0.000034s 0.000035s 0.001140s    869.6  29411.8  28571.4    877.2\n";
        assert_eq!(super::parse_openssl(v35), Some(1.15));
        assert_eq!(super::parse_openssl("nothing"), None);
    }
}
