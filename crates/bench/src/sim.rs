//! The `kalshi-sim` binary as a separate process on loopback, so a client's CPU time is its
//! own and the exchange is reached over a real socket, as the peers reach it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// How long the simulator may take to print its address.
const START: Duration = Duration::from_secs(30);

/// A running simulator, killed when dropped.
#[derive(Debug)]
pub struct SimProcess {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The admin token it printed.
    pub admin_token: String,
}

/// The `kalshi-sim` binary built beside this one (`cargo xtask bench` builds both).
pub fn binary() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    let dir = exe.parent().ok_or("the harness binary has no directory")?;
    let sim = dir.join(format!("kalshi-sim{}", std::env::consts::EXE_SUFFIX));
    if sim.is_file() {
        Ok(sim)
    } else {
        Err(format!(
            "{} is missing: build it with the harness (`cargo build -p kalshi-sim -p desk-bench`, \
             which `cargo xtask bench` does)",
            sim.display()
        ))
    }
}

impl SimProcess {
    /// Starts `kalshi-sim --listen 127.0.0.1:0 ARGS`, logging to `log`.
    pub fn start(args: &[String], log: &Path) -> Result<Self, String> {
        let log = std::fs::File::create(log).map_err(|e| format!("sim log: {e}"))?;
        let mut child = Command::new(binary()?)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("kalshi-sim does not start: {e}"))?;
        let stdout = child.stdout.take().ok_or("kalshi-sim stdout")?;
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut sim = Self {
            child,
            base: String::new(),
            admin_token: String::new(),
        };
        let line = rx
            .recv_timeout(START)
            .map_err(|_| "kalshi-sim printed no address")?;
        sim.base = line
            .strip_prefix("listening on ")
            .ok_or_else(|| format!("unexpected kalshi-sim line {line:?}"))?
            .to_owned();
        let line = rx
            .recv_timeout(START)
            .map_err(|_| "kalshi-sim printed no admin token")?;
        sim.admin_token = line
            .strip_prefix("admin token ")
            .ok_or("unexpected second kalshi-sim line")?
            .to_owned();
        Ok(sim)
    }

    /// The REST base, `http://ADDR/trade-api/v2`.
    pub fn rest_url(&self) -> String {
        format!("{}/trade-api/v2", self.base)
    }

    /// The WebSocket URL.
    pub fn ws_url(&self) -> String {
        format!(
            "ws://{}/trade-api/ws/v2",
            self.base.trim_start_matches("http://")
        )
    }

    /// `HOST:PORT`.
    pub fn addr(&self) -> &str {
        self.base.trim_start_matches("http://")
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
