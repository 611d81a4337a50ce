//! Conformance with a client nobody here wrote: Kalshi's official TypeScript SDK (npm
//! `kalshi-typescript`, pinned by crates/kalshi-sim/conformance/package-lock.json, unmodified)
//! drives the `kalshi-sim` binary through conformance/conformance.mjs, which checks every body
//! against the SDK's own model declarations and asserts the values a trade must produce.
//! Needs `node` (18 or newer) and `npm`, which `cargo xtask setup` installs; the SDK is
//! installed once with `npm ci` under target/, never under $HOME.

use std::fs::{self, File};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::harness::{
    KEY_A, KEY_B, WAIT, key_a_private, key_a_public, key_b_private, key_b_public,
};

const BIN: &str = env!("CARGO_BIN_EXE_kalshi-sim");

/// Markets the simulator starts with; the script pages through all of them.
const MARKETS: usize = 60;

/// Upper bound for `npm ci` (a cold install downloads ~30 small packages).
const NPM_TIMEOUT: Duration = Duration::from_secs(600);

/// Upper bound for the script itself (it makes ~25 requests to a local server).
const NODE_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the pinned SDK is described: package.json, package-lock.json, conformance.mjs.
fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("conformance")
}

/// Where `npm ci` installs it: target/conformance (next to target/tmp).
fn install_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).join("conformance")
}

/// `program --version`, or a failure that says how to get the tool.
fn tool_version(program: &str) -> String {
    let hint = "the kalshi-sim conformance test needs node (>= 18) and npm; \
                `cargo xtask setup` installs them (apt packages nodejs and npm)";
    match Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Ok(out) => panic!("`{program} --version` failed ({}); {hint}", out.status),
        Err(e) => panic!("cannot run `{program}` ({e}); {hint}"),
    }
}

/// Runs `cmd` to completion within `limit`, killing it past that; returns its output.
fn run(mut cmd: Command, limit: Duration, what: &str) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(output)) => output,
        Ok(Err(e)) => panic!("{what}: waiting failed: {e}"),
        Err(_) => {
            let _ = Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
            panic!("{what} did not finish within {limit:?}");
        }
    }
}

fn describe(output: &Output) -> String {
    format!(
        "{}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Installs the pinned SDK with `npm ci` unless the install already matches the lock file.
/// The caller holds the install directory's lock.
fn install_sdk(dir: &Path) {
    let src = source_dir();
    let lock = fs::read(src.join("package-lock.json")).expect("package-lock.json is committed");
    let stamp = dir.join(".installed-from-lock");
    let installed = dir.join("node_modules/kalshi-typescript/package.json");
    if installed.is_file() && fs::read(&stamp).is_ok_and(|s| s == lock) {
        return;
    }
    let _ = fs::remove_file(&stamp);
    fs::copy(src.join("package.json"), dir.join("package.json")).expect("copy package.json");
    fs::write(dir.join("package-lock.json"), &lock).expect("write package-lock.json");
    let mut npm = Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund", "--prefer-offline"])
        .current_dir(dir)
        .env("npm_config_cache", dir.join(".npm-cache"))
        .env("npm_config_update_notifier", "false");
    let output = run(npm, NPM_TIMEOUT, "npm ci");
    assert!(
        output.status.success(),
        "npm ci of the pinned kalshi-typescript failed: {}",
        describe(&output)
    );
    assert!(
        installed.is_file(),
        "npm ci did not install kalshi-typescript"
    );
    fs::write(&stamp, &lock).expect("write the install stamp");
}

/// The `kalshi-sim` process, killed on every path out of the test.
struct SimProcess {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl SimProcess {
    fn spawn(args: &[String], log: File) -> Self {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("the kalshi-sim binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Self { child, lines }
    }

    /// The REST base URL, from the first stdout line `listening on http://ADDR`.
    fn rest_url(&self) -> String {
        let line = self
            .lines
            .recv_timeout(WAIT)
            .expect("kalshi-sim prints its address");
        let base = line
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        format!("{base}/trade-api/v2")
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn node_major(version: &str) -> Option<u32> {
    version.strip_prefix('v')?.split('.').next()?.parse().ok()
}

#[test]
fn official_typescript_sdk_trades_against_the_binary() {
    let node = tool_version("node");
    let npm = tool_version("npm");
    assert!(
        node_major(&node).is_some_and(|m| m >= 18),
        "node {node} is too old for the conformance test (needs 18 or newer; Debian 12 ships 18)"
    );

    let keys = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: String| {
        let path = keys.path().join(name);
        fs::write(&path, text).expect("key file is writable");
        path
    };
    let a_pub = write("a.pub.pem", key_a_public());
    let b_pub = write("b.pub.pem", key_b_public());
    let a_key = write("a.pem", key_a_private());
    let b_key = write("b.pem", key_b_private());
    let log_path = keys.path().join("kalshi-sim.log");
    let log = File::create(&log_path).expect("log file");

    let sim = SimProcess::spawn(
        &[
            "--listen".into(),
            "127.0.0.1:0".into(),
            "--api-key".into(),
            format!("{KEY_A}={}", a_pub.display()),
            "--api-key".into(),
            format!("{KEY_B}={}", b_pub.display()),
            "--markets".into(),
            MARKETS.to_string(),
            // The script's orders must meet each other, not the seeded makers.
            "--empty-books".into(),
        ],
        log,
    );
    let rest_url = sim.rest_url();

    let dir = install_dir();
    fs::create_dir_all(&dir).expect("create target/conformance");
    // Several test runs may share target/: one installs while the others wait.
    let lock = File::create(dir.join(".lock")).expect("lock file");
    lock.lock().expect("lock target/conformance");
    install_sdk(&dir);

    let mut script = Command::new("node");
    script
        .arg(source_dir().join("conformance.mjs"))
        .env("SIM_REST_URL", &rest_url)
        .env("SDK_INSTALL_DIR", &dir)
        .env("KEY_A_ID", KEY_A)
        .env("KEY_A_PEM", &a_key)
        .env("KEY_B_ID", KEY_B)
        .env("KEY_B_PEM", &b_key)
        .env("SIM_MARKETS", MARKETS.to_string());
    let output = run(script, NODE_TIMEOUT, "node conformance.mjs");
    drop(lock);
    drop(sim);
    let passed = output.status.success()
        && String::from_utf8_lossy(&output.stdout).contains("conformance: all steps passed");
    assert!(
        passed,
        "the official SDK (node {node}, npm {npm}) failed against kalshi-sim: {}\n--- simulator log ---\n{}",
        describe(&output),
        fs::read_to_string(&log_path).unwrap_or_default()
    );
}
