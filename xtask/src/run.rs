//! `cargo xtask run`: sets the machine up and starts what this milestone can run.
//!
//! The desktop shell is not built yet, so this starts the app's default environment, the
//! built-in exchange simulator, with market makers and takers moving prices, on a fixed
//! local port. Extra arguments after `--` go to `kalshi-sim` (e.g. `--api-key ID=PEM`).

use crate::run_step;

/// Where the simulator listens unless the caller passes its own `--listen`.
const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// Entry point of `cargo xtask run [-- kalshi-sim args]`.
pub fn run(extra: &[String]) -> Result<(), String> {
    crate::setup::run(crate::setup::Purpose::Run)?;
    let mut args: Vec<&str> = vec!["run", "--release", "--package", "kalshi-sim", "--"];
    if !extra
        .iter()
        .any(|a| a == "--listen" || a.starts_with("--listen="))
    {
        args.extend(["--listen", DEFAULT_LISTEN]);
    }
    if !extra
        .iter()
        .any(|a| a == "--activity" || a.starts_with("--activity="))
    {
        args.extend(["--activity", "20"]);
    }
    args.extend(extra.iter().map(String::as_str));
    eprintln!(
        "xtask: starting the exchange simulator (REST /trade-api/v2, WebSocket /trade-api/ws/v2); Ctrl-C stops it"
    );
    run_step("simulator", "cargo", &args, &[])
}
