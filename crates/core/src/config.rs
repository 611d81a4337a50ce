//! [`SessionConfig`]: what a session needs to open (environment, database file, credential
//! store, how to reach the exchange) and its [`Tuning`] knobs with production defaults.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use kalshi::model::Count;
use kalshi::rest::{RetryPolicy, Tier};
use kalshi::ws::BackoffConfig;
use kalshi_sim::SimConfig;
use kalshi_sim::server::AdminToken;

use crate::credentials::CredentialStore;
use crate::environment::DeskEnvironment;

/// How a Simulator session reaches its exchange.
#[derive(Debug, Clone)]
pub enum SimulatorSetup {
    /// Start `kalshi-sim` in-process with this config (bind it to `127.0.0.1:0`); it stops
    /// when the session closes. Its exchange is kept only if `state_path` is set. The
    /// session drives it through its handle, so the default serves no `/_sim` admin routes
    /// over HTTP.
    Embedded(Box<SimConfig>),
    /// The paper exchange: `kalshi-sim` in-process with this config, keeping its exchange
    /// in `paper-exchange/<key id>.sim` beside the store (any `state_path` in the config is
    /// replaced), so balance, positions, resting orders and ids continue across runs. A new
    /// key ([`crate::reset_paper_account`]) is a new exchange.
    Paper(Box<SimConfig>),
    /// Use a simulator that is already running (e.g. `cargo xtask run --sim`, or a test's):
    /// `base_url` is `http://HOST:PORT`; the key is registered through its `/_sim/keys`
    /// admin route, with the admin token the simulator printed at start.
    External {
        /// `http://HOST:PORT` of the simulator.
        base_url: String,
        /// The simulator's admin token (`admin token …`, its second stdout line).
        admin_token: AdminToken,
    },
}

impl Default for SimulatorSetup {
    /// The paper exchange on a free loopback port, with some market activity so books
    /// move.
    fn default() -> Self {
        Self::Paper(Box::new(SimConfig {
            activity: 20,
            admin_routes: false,
            ..SimConfig::default()
        }))
    }
}

/// Everything [`crate::Session::open`] needs.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Which exchange.
    pub environment: DeskEnvironment,
    /// The SQLite file (created if missing; refused, never replaced, if unusable).
    pub store_path: PathBuf,
    /// Where the API key lives (the OS keychain in the app, memory in tests).
    pub credentials: Arc<dyn CredentialStore>,
    /// How the Simulator environment is reached (ignored for Demo and Production).
    pub simulator: SimulatorSetup,
    /// Use these URLs instead of Kalshi's for Demo/Production (a proxy, or a test server).
    pub endpoint: Option<kalshi::env::Environment>,
    /// The person confirmed real-money trading for this session (needed to place orders
    /// on Production; see [`DeskEnvironment::check_can_trade`]).
    pub production_confirmed: bool,
    /// Timing and limits.
    pub tuning: Tuning,
}

impl SessionConfig {
    /// A config with the default simulator setup, no endpoint override, production not
    /// confirmed and default tuning.
    pub fn new(
        environment: DeskEnvironment,
        store_path: impl Into<PathBuf>,
        credentials: Arc<dyn CredentialStore>,
    ) -> Self {
        Self {
            environment,
            store_path: store_path.into(),
            credentials,
            simulator: SimulatorSetup::default(),
            endpoint: None,
            production_confirmed: false,
            tuning: Tuning::default(),
        }
    }
}

/// Timing and limits of a session. The defaults suit the app; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// REST rate-limit tier; `None` = generous on the simulator, and on Demo/Production
    /// Basic until the account's own limits are read after the first catch-up.
    pub tier: Option<Tier>,
    /// REST retries (reads, and creates carrying a client order id).
    pub retry: RetryPolicy,
    /// WebSocket reconnect schedule.
    pub backoff: BackoffConfig,
    /// A WebSocket silent this long is presumed dead.
    pub dead_after: Duration,
    /// Positions and balance are refreshed over REST at most this often (after fills).
    pub refresh_min_interval: Duration,
    /// A changed portfolio is snapshotted at most this often.
    pub snapshot_min_interval: Duration,
    /// A portfolio snapshot is taken at least this often while online.
    pub snapshot_every: Duration,
    /// Catch-ups re-read this much history before the stored cursor, so fills reported
    /// late or with skewed times are not skipped (duplicates are free: upserts dedupe).
    pub reconcile_overlap: Duration,
    /// Delay between attempts of a failed catch-up (doubles up to 30 s).
    pub reconcile_retry: Duration,
    /// Delay before asking again for private channels the exchange refused (doubles up
    /// to 60 s); each refusal also runs a REST catch-up.
    pub private_retry: Duration,
    /// Largest count accepted in one order.
    pub max_order_count: Count,
    /// Capacity of the app event channel; a receiver that falls further behind gets
    /// `Lagged` and should re-read state.
    pub event_capacity: usize,
    /// Most updates per second of one market view.
    pub view_updates_per_sec: u32,
    /// Book levels per side in a market view update.
    pub view_depth: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Self {
            tier: None,
            retry: RetryPolicy::default(),
            backoff: BackoffConfig::default(),
            dead_after: Duration::from_secs(30),
            refresh_min_interval: Duration::from_secs(1),
            snapshot_min_interval: Duration::from_secs(10),
            snapshot_every: Duration::from_secs(300),
            reconcile_overlap: Duration::from_secs(300),
            reconcile_retry: Duration::from_secs(1),
            private_retry: Duration::from_secs(2),
            max_order_count: Count::from_contracts(100_000),
            event_capacity: 4096,
            view_updates_per_sec: 30,
            view_depth: 10,
        }
    }
}

/// The tier used against the simulator when none is configured: it enforces no limit,
/// so only keep the client from flooding it.
pub(crate) const SIMULATOR_TIER: Tier = Tier::Custom {
    read_per_sec: 200,
    write_per_sec: 200,
};
