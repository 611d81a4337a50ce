//! `cargo xtask run`: sets the machine up, builds the UI and the app, and starts Kalshi
//! Desk on its default environment, the built-in paper exchange. `cargo xtask sim` starts
//! only the exchange simulator, for tools and clients outside the app.

use crate::run_step;

/// Where the standalone simulator listens unless the caller passes its own `--listen`.
const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// Entry point of `cargo xtask run [-- app args]`: a release build that serves the UI
/// from the binary (the `custom-protocol` feature, as the Tauri CLI builds it).
pub fn run(extra: &[String]) -> Result<(), String> {
    crate::setup::run(crate::setup::Purpose::Run)?;
    crate::ui::build()?;
    let mut args: Vec<&str> = vec![
        "run",
        "--release",
        "--package",
        "kalshi-desk",
        "--features",
        "custom-protocol",
        "--",
    ];
    args.extend(extra.iter().map(String::as_str));
    eprintln!("xtask: starting Kalshi Desk on the built-in paper exchange");
    run_step("app", "cargo", &args, &[])
}

/// Entry point of `cargo xtask sim [-- kalshi-sim args]`: the exchange simulator alone,
/// with market makers and takers moving prices, on a fixed local port.
pub fn simulator(extra: &[String]) -> Result<(), String> {
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
