//! The `kalshi-sim` binary: parses the CLI contract, starts the simulator, prints
//! `listening on http://ADDR` as its first stdout line and `admin token TOKEN` as its
//! second (the bearer token every `/_sim` request needs), and serves until SIGINT/SIGTERM.
//!
//! Other tools depend on this contract exactly:
//! `kalshi-sim --listen 127.0.0.1:PORT --api-key KEY_ID=PATH_TO_PUBLIC_KEY.pem [--api-key ...]
//! [--seed N] [--markets N] [--open-all] [--activity N] [--balance DOLLARS] [--fault ...]
//! [--historical-cutoff-ms UNIX_MS] [--state FILE [--save-interval-ms MS]]`.
//! Bad arguments print a message on stderr and exit with code 2.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use kalshi::model::Money;
use kalshi_sim::server::{FaultPatch, HistoricalCutoff, SimConfig, Simulator};
use kalshi_sim::universe::{DEFAULT_MARKETS, MAX_MARKETS};

/// Exit code for unusable arguments (the same code clap uses for its own parse errors).
const EXIT_USAGE: u8 = 2;

/// Kalshi exchange simulator: REST under /trade-api/v2 and WebSocket at /trade-api/ws/v2.
#[derive(Debug, Parser)]
#[command(name = "kalshi-sim", version)]
struct Cli {
    /// Address to listen on; port 0 picks a free port (printed on the first stdout line).
    #[arg(long, value_name = "ADDR")]
    listen: SocketAddr,
    /// An API key to accept: KEY_ID=PATH_TO_PUBLIC_KEY.pem (SPKI or PKCS#1 public key).
    /// Repeatable; every key gets its own account funded with --balance.
    #[arg(long = "api-key", value_name = "KEY_ID=PEM_PATH", value_parser = parse_api_key)]
    api_keys: Vec<(String, PathBuf)>,
    /// Seed of the universe, the activity and the fault RNG.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Number of markets in the universe.
    #[arg(long, default_value_t = DEFAULT_MARKETS as u64,
          value_parser = clap::value_parser!(u64).range(1..=MAX_MARKETS as u64))]
    markets: u64,
    /// Open every market at the start instead of on its schedule (a fresh exchange only):
    /// a large universe is otherwise about a tenth open at a time.
    #[arg(long)]
    open_all: bool,
    /// Simulated activity (market makers and takers), in messages per second; 0 = still.
    #[arg(long, default_value_t = 0)]
    activity: u32,
    /// Starting balance of every registered key, in dollars (e.g. 10000 or 2500.50).
    #[arg(long, default_value = "10000", value_parser = parse_balance)]
    balance: Money,
    /// A fault to inject: drop-ws-every=SECS, skip-seq-every=N, delay=MS, 429=SHARE,
    /// 500=SHARE, 503=SHARE, refuse-ws=SECS, refuse-private, refuse-market=TICKER, paused,
    /// corrupt-private=N. Repeatable; also settable at run time with POST /_sim/faults.
    #[arg(long = "fault", value_name = "KIND[=VALUE]")]
    faults: Vec<String>,
    /// Accepted clock difference of signed request timestamps, in milliseconds.
    #[arg(long, default_value_t = 30_000)]
    auth_window_ms: u64,
    /// Serve fills, finished orders and settled markets older than this Unix time (ms)
    /// only under /historical/* (default 0: nothing archived). Also settable at run time
    /// with POST /_sim/historical/cutoff.
    #[arg(long, value_name = "UNIX_MS", default_value_t = 0)]
    historical_cutoff_ms: i64,
    /// Keep the exchange in FILE: restore it at start (or create it), save changes while
    /// running and on SIGINT/SIGTERM. Without it every start is a fresh exchange. The
    /// file's universe wins over --seed and --markets.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Least time between two saves of the --state file, in milliseconds.
    #[arg(long, default_value_t = 1_000, value_name = "MS")]
    save_interval_ms: u64,
    /// Start with empty order books (by default every trading market starts with the
    /// simulated makers' quotes on both sides, even with --activity 0).
    #[arg(long)]
    empty_books: bool,
}

fn parse_api_key(text: &str) -> Result<(String, PathBuf), String> {
    let (id, path) = text
        .split_once('=')
        .ok_or_else(|| format!("expected KEY_ID=PATH_TO_PUBLIC_KEY.pem, got {text:?}"))?;
    if id.trim().is_empty() || path.trim().is_empty() {
        return Err(format!(
            "expected KEY_ID=PATH_TO_PUBLIC_KEY.pem with both parts non-empty, got {text:?}"
        ));
    }
    Ok((id.trim().to_owned(), PathBuf::from(path.trim())))
}

fn parse_balance(text: &str) -> Result<Money, String> {
    let money = Money::parse(text.trim())
        .map_err(|e| format!("not a dollar amount like 10000 or 2500.50: {e}"))?;
    if money.units() < 0 {
        return Err("the balance cannot be negative".to_owned());
    }
    Ok(money)
}

/// Turns the parsed CLI into a config, reading the key files.
fn config(cli: Cli) -> Result<SimConfig, String> {
    let mut faults = FaultPatch::default();
    for spec in &cli.faults {
        faults
            .add_spec(spec)
            .map_err(|e| format!("--fault {spec}: {e}"))?;
    }
    let mut keys = Vec::with_capacity(cli.api_keys.len());
    for (key_id, path) in cli.api_keys {
        let pem = std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "--api-key {key_id}: cannot read public key file {}: {e}",
                path.display()
            )
        })?;
        keys.push((key_id, pem));
    }
    Ok(SimConfig {
        listen: cli.listen,
        seed: cli.seed,
        markets: usize::try_from(cli.markets).unwrap_or(DEFAULT_MARKETS),
        open_all: cli.open_all,
        activity: cli.activity,
        balance: cli.balance,
        keys,
        faults,
        auth_window_ms: cli.auth_window_ms,
        historical_cutoff: HistoricalCutoff::at(cli.historical_cutoff_ms),
        admin_routes: true,
        state_path: cli.state,
        save_interval: std::time::Duration::from_millis(cli.save_interval_ms),
        seed_books: !cli.empty_books,
        ..SimConfig::default()
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let config = match config(cli) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("kalshi-sim: {msg}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kalshi-sim: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(config))
}

async fn run(config: SimConfig) -> ExitCode {
    // Install the handlers before announcing the address: a signal sent as soon as the
    // first line is read must find them in place.
    let signals = match Signals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kalshi-sim: cannot listen for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let handle = match Simulator::start(config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("kalshi-sim: {e}");
            return ExitCode::from(e.exit_code());
        }
    };
    {
        let mut out = std::io::stdout().lock();
        // Stdout is the starter's private channel; the token never goes to the logs.
        let printed = writeln!(out, "listening on http://{}", handle.addr())
            .and_then(|()| writeln!(out, "admin token {}", handle.admin_token()))
            .and_then(|()| out.flush());
        if let Err(e) = printed {
            eprintln!("kalshi-sim: cannot write to stdout: {e}");
        }
    }
    signals.recv().await;
    tracing::info!("signal received; shutting down");
    handle.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGINT and SIGTERM, listened for from installation on.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                term: signal(SignalKind::terminate())?,
                int: signal(SignalKind::interrupt())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Resolves on the first SIGINT or SIGTERM.
    async fn recv(mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => {}
                _ = self.int.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
