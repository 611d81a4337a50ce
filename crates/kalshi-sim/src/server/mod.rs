//! The network layer: REST under `/trade-api/v2`, WS at `/trade-api/ws/v2` and admin
//! routes under `/_sim`, all on one axum listener. [`Simulator::start`] builds the universe
//! and engine, binds, starts the server's tasks and returns a [`SimHandle`].
//!
//! - [`state`]: shared state (engine behind a mutex, keys, faults, clock, event bus).
//! - [`auth`]: `KALSHI-ACCESS-*` signature checks.
//! - [`error`]: the one error type, rendered as Kalshi's error bodies.
//! - [`faults`]: the fault plan and the REST fault middleware.
//! - [`archive`]: the cutoff between live and `/historical/*` records.
//! - `rest`: one module per API domain; `admin`: the `/_sim` routes, behind
//!   [`admin_guard`] (a per-start token and JSON-only writes).

pub mod admin_guard;
pub mod archive;
pub mod auth;
pub mod catalog;
pub mod convert;
pub mod error;
pub mod extract;
pub mod faults;
pub mod order_groups;
pub mod pagination;
pub mod state;
pub mod ws;

mod admin;
mod boot;
mod rest;
mod tasks;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use kalshi::auth::{KeyError, Verifier};
use kalshi::model::Money;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use admin::{AdminReply, AdvanceRequest, DetermineRequest, RegisterKeyRequest, StepRequest};
pub use admin_guard::{AdminToken, AdminTokenError};
pub use archive::{CutoffError, CutoffPatch, HistoricalCutoff};
pub use auth::Caller;
pub use error::ApiError;
pub use faults::{FaultPatch, FaultPlan, FaultSpecError, Faults, WsControl};
pub use rest::UsageTier;
pub use state::{EventBatch, SharedState, SimState};

use crate::SimError;
use crate::accounts::DEFAULT_BALANCE;
use crate::engine::Outcome;
use crate::ids::UserId;
use crate::persist::StateError;
use crate::universe::DEFAULT_MARKETS;
use state::RegisteredKey;

/// REST path prefix.
pub const REST_PREFIX: &str = "/trade-api/v2";
/// WebSocket path.
pub const WS_PATH: &str = "/trade-api/ws/v2";
/// Admin path prefix (outside `/trade-api`).
pub const ADMIN_PREFIX: &str = "/_sim";
/// Default accepted difference between a signed timestamp and the wall clock.
pub const DEFAULT_AUTH_WINDOW_MS: u64 = 30_000;
/// Default of [`SimConfig::save_interval`].
pub const DEFAULT_SAVE_INTERVAL: Duration = Duration::from_secs(1);
/// How long `shutdown` waits for the server and its tasks before aborting them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Everything [`Simulator::start`] needs.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to bind; `127.0.0.1:0` picks a free port.
    pub listen: SocketAddr,
    /// Seed of the universe, the engine's automatic results, the activity and the faults.
    pub seed: u64,
    /// Number of markets (1..=20,000).
    pub markets: usize,
    /// Open every market at the start instead of on its schedule (see
    /// [`crate::universe::UniverseConfig::open_all`]); a fresh exchange only.
    pub open_all: bool,
    /// Activity messages per second (0 = still).
    pub activity: u32,
    /// Starting balance of every registered key.
    pub balance: Money,
    /// API keys to accept: (key id, public key PEM).
    pub keys: Vec<(String, String)>,
    /// Faults in force from the start.
    pub faults: FaultPatch,
    /// Accepted clock difference of signed timestamps.
    pub auth_window_ms: u64,
    /// Interval of the WebSocket `heartbeat` pings (Kalshi's is 10 s; tests shorten it to
    /// see pings quickly; at least [`ws::MIN_HEARTBEAT`]).
    pub ws_heartbeat: Duration,
    /// The API usage tier `GET /account/limits` reports for every key (not enforced).
    pub usage_tier: UsageTier,
    /// Records older than this are served only under `/historical/*` (default: the Unix
    /// epoch, nothing archived).
    pub historical_cutoff: HistoricalCutoff,
    /// Whether `/_sim` is served over HTTP at all. Off by default: an exchange embedded in
    /// the app is driven in-process through [`SimHandle`], and a route that is not there
    /// cannot be abused; the binary and tests that drive it over HTTP turn it on.
    pub admin_routes: bool,
    /// The admin token to require instead of a random one (tools that must know it in
    /// advance; see [`AdminToken::fixed`]).
    pub admin_token: Option<AdminToken>,
    /// The state file: `None` (the default) starts a fresh exchange that is forgotten on
    /// exit; a path restores the exchange saved there (or starts one and saves it), so a
    /// restart continues it. The file wins over `seed` and `markets` (see
    /// [`crate::persist`]).
    pub state_path: Option<PathBuf>,
    /// Least time between two background saves of the state file (changes are written
    /// at most this often, and once more at shutdown).
    pub save_interval: Duration,
    /// Whether every trading market starts with the seeded makers' ladder on both sides,
    /// whatever the activity: a real market has a book even when nobody trades, so this
    /// is on by default (`--activity 0` gives still but non-empty books). Tests that need
    /// an empty book to control every fill turn it off.
    pub seed_books: bool,
}

impl Default for SimConfig {
    /// A quiet simulator on a free loopback port: default universe, no activity, no
    /// keys, no faults, $10,000 per key.
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: 1,
            markets: DEFAULT_MARKETS,
            open_all: false,
            activity: 0,
            balance: DEFAULT_BALANCE,
            keys: Vec::new(),
            faults: FaultPatch::default(),
            auth_window_ms: DEFAULT_AUTH_WINDOW_MS,
            ws_heartbeat: ws::HEARTBEAT,
            usage_tier: UsageTier::default(),
            historical_cutoff: HistoricalCutoff::default(),
            admin_routes: false,
            admin_token: None,
            state_path: None,
            save_interval: DEFAULT_SAVE_INTERVAL,
            seed_books: true,
        }
    }
}

/// Why a key could not be registered.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    /// The key id is empty.
    #[error("the API key id must not be empty")]
    EmptyId,
    /// The PEM is not a usable public key.
    #[error("API key {key_id:?}: {source}")]
    Key {
        /// The key id.
        key_id: String,
        /// What is wrong with the PEM.
        source: KeyError,
    },
    /// The key id is already bound to a different public key: key ids are not secret
    /// (they travel in every request header), so re-binding one would hand its account
    /// to whoever asked.
    #[error("API key {key_id:?} is already registered with a different public key")]
    KeyIdTaken {
        /// The key id.
        key_id: String,
    },
    /// The exchange refused to open the account.
    #[error("API key {key_id:?}: {source}")]
    Account {
        /// The key id.
        key_id: String,
        /// The engine's refusal.
        source: SimError,
    },
}

/// Why the simulator did not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The listen address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// The universe settings are invalid (e.g. the market count).
    #[error("invalid universe: {0}")]
    Universe(SimError),
    /// The activity bots could not be set up.
    #[error("cannot start the activity bots: {0}")]
    Activity(SimError),
    /// A configured key is unusable.
    #[error(transparent)]
    Key(#[from] RegisterError),
    /// The configured fault plan is invalid.
    #[error("invalid fault plan: {0}")]
    Faults(#[from] FaultSpecError),
    /// The configured historical cutoff is out of range.
    #[error("invalid historical cutoff: {0}")]
    Cutoff(#[from] CutoffError),
    /// The state file cannot be used (unreadable, damaged, newer, locked, unwritable).
    #[error(transparent)]
    State(#[from] StateError),
}

impl StartError {
    /// The process exit code the binary uses: 2 for bad configuration, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Bind { .. } => 1,
            _ => 2,
        }
    }
}

/// Registers an API key with a fresh account funded with the configured balance.
/// Registering a key id again with the same public key is a no-op that returns its account;
/// with a different key it is refused ([`RegisterError::KeyIdTaken`]).
///
/// # Errors
/// [`RegisterError`].
pub fn register_key(
    state: &SimState,
    key_id: &str,
    public_pem: &str,
) -> Result<UserId, RegisterError> {
    if key_id.trim().is_empty() {
        return Err(RegisterError::EmptyId);
    }
    let verifier = Verifier::from_public_pem(public_pem).map_err(|source| RegisterError::Key {
        key_id: key_id.to_owned(),
        source,
    })?;
    let user = match state.key(key_id) {
        Some(existing) if existing.verifier == verifier => return Ok(existing.user),
        Some(_) => {
            return Err(RegisterError::KeyIdTaken {
                key_id: key_id.to_owned(),
            });
        }
        None => state
            .mutate(|engine, _| {
                Ok::<_, SimError>(Outcome {
                    value: engine.register_user(key_id, state.settings.balance)?,
                    events: Vec::new(),
                })
            })
            .map_err(|source| RegisterError::Account {
                key_id: key_id.to_owned(),
                source,
            })?,
    };
    state.insert_key(
        key_id,
        RegisteredKey {
            verifier,
            user,
            public_pem: Arc::from(public_pem),
        },
    );
    tracing::info!(key_id, "registered API key");
    Ok(user)
}

/// The whole HTTP application for `state`; `/_sim` is mounted, behind `admin` as its
/// token, only when `admin` is given.
pub fn app(state: SharedState, admin: Option<AdminToken>) -> Router {
    let router = Router::new().nest(REST_PREFIX, rest::router(state.clone()));
    let router = match admin {
        Some(token) => router.nest(
            ADMIN_PREFIX,
            admin::router().route_layer(axum::middleware::from_fn_with_state(
                token,
                admin_guard::require_admin,
            )),
        ),
        None => router,
    };
    router
        .route(WS_PATH, axum::routing::get(ws::upgrade))
        .fallback(rest::unknown_route)
        .layer(axum::middleware::from_fn(error::catch_panic))
        .with_state(state)
}

/// Starts simulators.
#[derive(Debug, Clone, Copy)]
pub struct Simulator;

impl Simulator {
    /// Builds the universe and engine, registers the keys, binds `config.listen` and
    /// starts serving plus the server's background tasks (clock, activity, fault timers).
    ///
    /// # Errors
    /// [`StartError`] naming what was wrong; nothing keeps running then.
    pub async fn start(config: SimConfig) -> Result<SimHandle, StartError> {
        let admin_token = config
            .admin_token
            .clone()
            .unwrap_or_else(AdminToken::generate);
        let state = boot::build(&config)?;
        state.faults.apply(
            &config.faults,
            u64::try_from(state.clock.now_ms()).unwrap_or(0),
        )?;
        state.archive.set(config.historical_cutoff)?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
        let server = tokio::spawn(
            axum::serve(
                listener,
                app(
                    state.clone(),
                    config.admin_routes.then(|| admin_token.clone()),
                ),
            )
            .with_graceful_shutdown(state.shutdown_signal())
            .into_future(),
        );
        tasks::start(&state, config.activity);
        tracing::info!(%addr, markets = config.markets, seed = config.seed, "simulator listening");
        Ok(SimHandle {
            addr,
            state,
            admin_token,
            server: Some(server),
        })
    }
}

/// A running simulator. Dropping it without [`SimHandle::shutdown`] still signals every
/// task to stop, but does not wait for them.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    state: SharedState,
    admin_token: AdminToken,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

impl SimHandle {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// REST base URL, `http://ADDR/trade-api/v2`.
    pub fn rest_url(&self) -> String {
        format!("http://{}{REST_PREFIX}", self.addr)
    }

    /// WebSocket URL, `ws://ADDR/trade-api/ws/v2`.
    pub fn ws_url(&self) -> String {
        format!("ws://{}{WS_PATH}", self.addr)
    }

    /// Admin base URL, `http://ADDR/_sim` (served only with [`SimConfig::admin_routes`]).
    pub fn admin_url(&self) -> String {
        format!("http://{}{ADMIN_PREFIX}", self.addr)
    }

    /// The token every `/_sim` request must carry as `Authorization: Bearer TOKEN`. Hand
    /// it only to code that may fault, settle and re-key this exchange; never log it.
    pub fn admin_token(&self) -> &str {
        self.admin_token.expose()
    }

    /// The shared state (engine access, event bus, clock).
    pub fn state(&self) -> &SharedState {
        &self.state
    }

    /// The live fault controls.
    pub fn faults(&self) -> &Faults {
        &self.state.faults
    }

    /// Changes the fault plan (as `POST /_sim/faults` does).
    ///
    /// # Errors
    /// [`FaultSpecError`] for an invalid patch; nothing changes then.
    pub fn set_faults(&self, patch: &FaultPatch) -> Result<FaultPlan, FaultSpecError> {
        self.state
            .faults
            .apply(patch, u64::try_from(self.state.clock.now_ms()).unwrap_or(0))
    }

    /// Moves the historical cutoff (as `POST /_sim/historical/cutoff` does).
    ///
    /// # Errors
    /// [`CutoffError`] for an out-of-range value; nothing changes then.
    pub fn set_historical_cutoff(
        &self,
        patch: &CutoffPatch,
    ) -> Result<HistoricalCutoff, CutoffError> {
        self.state.archive.apply(patch)
    }

    /// Registers an API key (funded with the configured balance).
    ///
    /// # Errors
    /// [`RegisterError`].
    pub fn register_key(&self, key_id: &str, public_pem: &str) -> Result<UserId, RegisterError> {
        register_key(&self.state, key_id, public_pem)
    }

    /// Stops accepting connections, signals every task (WS connections, timers, activity)
    /// to finish, and waits for all of them; anything still running after a grace period
    /// is aborted.
    pub async fn shutdown(mut self) {
        self.state.begin_shutdown();
        if let Some(mut server) = self.server.take() {
            match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "server ended with an error"),
                Ok(Err(e)) => tracing::warn!(error = %e, "server task failed"),
                Err(_) => {
                    tracing::warn!("server did not stop in time; aborting it");
                    server.abort();
                    let _ = server.await;
                }
            }
        }
        loop {
            let mut tasks = self.state.take_tasks();
            if tasks.is_empty() {
                break;
            }
            let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
                while tasks.join_next().await.is_some() {}
            })
            .await;
            if drained.is_err() {
                tracing::warn!("tasks did not stop in time; aborting them");
                tasks.abort_all();
                while tasks.join_next().await.is_some() {}
            }
        }
        if let Err(e) = self.state.save() {
            tracing::error!(error = %e, "the final save of the state file failed");
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if self.server.is_some() {
            self.state.begin_shutdown();
        }
    }
}
