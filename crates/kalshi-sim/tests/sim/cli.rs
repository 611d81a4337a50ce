//! The binary's CLI contract: first stdout line (the address), second (the admin token),
//! serving, exit 0 on SIGTERM/SIGINT, exit 2
//! with a message on bad arguments. Every spawned process is killed on every path.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;

use reqwest::StatusCode;

use crate::harness::{WAIT, key_a_public, reply};

const BIN: &str = env!("CARGO_BIN_EXE_kalshi-sim");

/// A temporary file under the system temp dir, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(contents: &str) -> Self {
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "kalshi-sim-test-{}-{}.pem",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, contents).expect("temp file is writable");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A running `kalshi-sim` process, killed when dropped unless it already exited.
struct Proc {
    pid: u32,
    exit: mpsc::Receiver<ExitStatus>,
    lines: mpsc::Receiver<String>,
    exited: bool,
}

impl Proc {
    fn spawn(args: &[&str]) -> Self {
        let mut child: Child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let pid = child.id();
        let stdout = child.stdout.take().expect("piped stdout");
        let (line_tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (exit_tx, exit) = mpsc::channel();
        std::thread::spawn(move || {
            if let Ok(status) = child.wait() {
                let _ = exit_tx.send(status);
            }
        });
        Self {
            pid,
            exit,
            lines,
            exited: false,
        }
    }

    fn first_line(&self) -> String {
        self.lines.recv_timeout(WAIT).expect("a first stdout line")
    }

    fn next_line(&self) -> String {
        self.lines.recv_timeout(WAIT).expect("another stdout line")
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill")
            .args([&format!("-{name}"), &self.pid.to_string()])
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -{name} {}", self.pid);
    }

    fn wait(&mut self) -> ExitStatus {
        let status = self.exit.recv_timeout(WAIT).expect("the process exits");
        self.exited = true;
        status
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if !self.exited && self.exit.try_recv().is_err() {
            let _ = Command::new("kill")
                .args(["-KILL", &self.pid.to_string()])
                .status();
        }
    }
}

/// Runs the binary to completion with bad arguments; returns (exit code, stderr).
fn run_failing(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("piped stderr")
        .read_to_string(&mut stderr)
        .expect("stderr is readable");
    let (tx, rx) = mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait());
    });
    match rx.recv_timeout(WAIT) {
        Ok(Ok(status)) => (status.code(), stderr),
        _ => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("the binary did not exit on bad arguments: {stderr}");
        }
    }
}

#[tokio::test]
async fn prints_its_address_serves_and_exits_0_on_sigterm() {
    let pem = TempFile::new(&key_a_public());
    let key_arg = format!("key-a={}", pem.0.display());
    let mut proc = Proc::spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--api-key",
        &key_arg,
        "--seed",
        "7",
        "--markets",
        "40",
        "--balance",
        "2500.50",
        "--fault",
        "delay=0",
    ]);
    let line = proc.first_line();
    let addr = line
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    assert!(
        addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"),
        "{addr}"
    );
    let http = reqwest::Client::new();
    let r = reply(
        http.get(format!("http://{addr}/trade-api/v2/markets?limit=1000"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["markets"].as_array().unwrap().len(), 40);

    // The second line is the admin token: the admin routes take it and nothing else.
    let line = proc.next_line();
    let token = line
        .strip_prefix("admin token ")
        .unwrap_or_else(|| panic!("unexpected second line {line:?}"));
    assert_eq!(token.len(), 64, "32 random bytes in hex");
    let faults = format!("http://{addr}/_sim/faults");
    let without = http.get(&faults).send().await.unwrap();
    assert_eq!(without.status(), StatusCode::UNAUTHORIZED);
    let with = http.get(&faults).bearer_auth(token).send().await.unwrap();
    assert_eq!(with.status(), StatusCode::OK);
    proc.signal("TERM");
    let status = proc.wait();
    assert_eq!(status.code(), Some(0), "SIGTERM exits 0");
}

#[tokio::test]
async fn exits_0_on_sigint() {
    let mut proc = Proc::spawn(&["--listen", "127.0.0.1:0"]);
    assert!(
        proc.first_line()
            .starts_with("listening on http://127.0.0.1:")
    );
    proc.signal("INT");
    assert_eq!(proc.wait().code(), Some(0));
}

#[test]
fn bad_arguments_exit_2_with_a_message() {
    let pem = TempFile::new(&key_a_public());
    let good_key = format!("key-a={}", pem.0.display());
    let garbage = TempFile::new("not a key");
    let garbage_key = format!("key-a={}", garbage.0.display());
    let cases: [(&[&str], &str); 7] = [
        (
            &["--listen", "127.0.0.1:0", "--api-key", "no-equals-sign"],
            "KEY_ID=PATH",
        ),
        (
            &[
                "--listen",
                "127.0.0.1:0",
                "--api-key",
                "key-a=/nonexistent/dir/key.pem",
            ],
            "cannot read public key file",
        ),
        (
            &["--listen", "127.0.0.1:0", "--api-key", &garbage_key],
            "key-a",
        ),
        (
            &[
                "--listen",
                "127.0.0.1:0",
                "--api-key",
                &good_key,
                "--balance",
                "lots",
            ],
            "--balance",
        ),
        (
            &["--listen", "127.0.0.1:0", "--fault", "explode=1"],
            "unknown fault",
        ),
        (&["--listen", "not-an-address"], "--listen"),
        (
            &["--listen", "127.0.0.1:0", "--historical-cutoff-ms=-1"],
            "historical cutoff",
        ),
    ];
    for (args, needle) in cases {
        let (code, stderr) = run_failing(args);
        assert_eq!(code, Some(2), "{args:?} → stderr {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: {needle:?} not in {stderr:?}"
        );
    }
}

/// Signs and sends a request as key A to the process at `addr`.
async fn call_a(
    addr: &str,
    method: reqwest::Method,
    endpoint: &str,
    body: Option<&serde_json::Value>,
) -> crate::harness::Reply {
    let creds = kalshi::auth::Credentials::from_pem(
        crate::harness::KEY_A,
        &crate::harness::key_a_private(),
    )
    .expect("key A loads");
    let path = format!("/trade-api/v2{endpoint}");
    let mut req = reqwest::Client::new().request(method.clone(), format!("http://{addr}{path}"));
    for (k, v) in creds
        .headers_now(method.as_str(), &path)
        .expect("signs")
        .pairs()
    {
        req = req.header(k, v);
    }
    if let Some(b) = body {
        req = req.json(b);
    }
    reply(req.send().await.expect("answered")).await
}

fn addr_of(line: &str) -> String {
    line.strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned()
}

#[tokio::test]
async fn ids_never_repeat_after_a_sigkill_between_saves() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("exchange.sim");
    let state_arg = state.display().to_string();
    let pem = TempFile::new(&key_a_public());
    let key_arg = format!("key-a={}", pem.0.display());
    let args = [
        "--listen",
        "127.0.0.1:0",
        "--api-key",
        &key_arg,
        "--markets",
        "20",
        "--state",
        &state_arg,
        // Nothing placed below is saved before the kill.
        "--save-interval-ms",
        "3600000",
    ];
    let mut proc = Proc::spawn(&args);
    let addr = addr_of(&proc.first_line());
    let markets = reply(
        reqwest::get(format!(
            "http://{addr}/trade-api/v2/markets?status=open&limit=1"
        ))
        .await
        .unwrap(),
    )
    .await;
    let ticker = markets.body["markets"][0]["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    let order = |price: &str| {
        serde_json::json!({"ticker": ticker, "side": "bid", "count": "1", "price": price,
            "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"})
    };
    let mut first_run = std::collections::HashSet::new();
    for price in ["0.10", "0.11", "0.12"] {
        let r = call_a(
            &addr,
            reqwest::Method::POST,
            "/portfolio/events/orders",
            Some(&order(price)),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        first_run.insert(r.body["order_id"].as_str().unwrap().to_owned());
    }
    proc.signal("KILL");
    assert_eq!(proc.wait().code(), None, "killed by a signal");

    // The lock died with the process; a restart continues from the last save.
    let mut proc = Proc::spawn(&args);
    let addr = addr_of(&proc.first_line());
    // Orders placed after the last save are gone (unless a background save, e.g. after
    // the clock task listed new markets, caught them): whatever is listed is the first
    // run's, and never a new order under an old id.
    let listed = call_a(&addr, reqwest::Method::GET, "/portfolio/orders", None).await;
    let kept = listed.body["orders"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        kept.iter().all(|o| o["order_id"]
            .as_str()
            .is_some_and(|id| first_run.contains(id))),
        "only the first run's orders can be listed: {kept:?}"
    );
    for price in ["0.10", "0.11", "0.12", "0.13"] {
        let r = call_a(
            &addr,
            reqwest::Method::POST,
            "/portfolio/events/orders",
            Some(&order(price)),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
        let id = r.body["order_id"].as_str().unwrap().to_owned();
        assert!(
            !first_run.contains(&id),
            "order id {id} was already issued before the kill"
        );
    }
    proc.signal("TERM");
    assert_eq!(proc.wait().code(), Some(0));
    // The clean exit saved the second run's orders.
    let bytes = std::fs::read(&state).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(doc["epoch"], 1, "one restart, one new epoch");
}

#[test]
fn a_damaged_state_file_exits_2_and_is_left_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("exchange.sim");
    std::fs::write(&state, b"{\"format\":\"kalshi-sim-state\",\"version\":99}").unwrap();
    let arg = state.display().to_string();
    let (code, stderr) = run_failing(&["--listen", "127.0.0.1:0", "--state", &arg]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("version 99"), "{stderr}");
    assert_eq!(
        std::fs::read(&state).unwrap(),
        b"{\"format\":\"kalshi-sim-state\",\"version\":99}"
    );
}
