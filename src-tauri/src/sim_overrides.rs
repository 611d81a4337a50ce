//! Test and tool overrides of the Simulator's paper exchange: `KALSHI_DESK_SIM_CONFIG`
//! names a JSON file read once at start-up. End-to-end tests use it to reach the exchange
//! the app embeds (a fixed port and admin token for its `/_sim` fault routes) and to start
//! the app with the exchange unreachable; the window benchmarks use it to start the app on
//! a larger universe or a busier one (the bots' activity rate), with a chosen seed.
//!
//! It changes only how the Simulator environment is reached (Demo and Production never
//! read it). The file is parsed strictly, unknown fields refused: a misspelt override
//! silently ignored would make a test pass for the wrong reason, so a bad file stops the
//! start with an error naming the file (see [`from_env`]).

use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;

use desk_core::SimulatorSetup;
use kalshi_sim::SimConfig;
use kalshi_sim::server::AdminToken;
use serde::Deserialize;

/// The environment variable naming the overrides file.
pub const ENV_VAR: &str = "KALSHI_DESK_SIM_CONFIG";

/// What a test may change of the paper exchange; every field is optional and absent means
/// the app's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimOverrides {
    /// Listen on this loopback port instead of a free one, so a test can reach `/_sim`
    /// (or, with `offline`, the port the app tries and finds nobody on).
    pub port: Option<u16>,
    /// Serve the `/_sim` admin routes, behind this token (at least 16 visible ASCII
    /// characters); without it they are not served at all.
    pub admin_token: Option<String>,
    /// The exchange is unreachable: the app does not start its paper exchange and reaches
    /// for one on `port` (a free port when absent) where nothing listens, as in an
    /// outage. The session opens offline on what the store keeps.
    pub offline: Option<bool>,
    /// Markets in the universe (the simulator accepts 1 to 20,000). A paper exchange
    /// already saved in the data folder keeps its own universe.
    pub markets: Option<usize>,
    /// Open every market at the start instead of on its schedule, so all of a large
    /// universe is listed at once (a fresh paper exchange only).
    pub open_all: Option<bool>,
    /// The bots' steps per second (0 = still books); each step re-quotes a maker's
    /// ladder or sends a taker's order on one random trading market.
    pub activity: Option<u32>,
    /// Seed of the universe and of the bots.
    pub seed: Option<u64>,
}

/// Why the overrides file was refused.
#[derive(Debug, thiserror::Error)]
pub enum OverridesError {
    /// The file could not be read.
    #[error("{ENV_VAR}: cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a valid overrides object.
    #[error("{ENV_VAR}: {path} is not valid simulator overrides: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why (names the bad field).
        source: serde_json::Error,
    },
    /// The admin token is too short or not header-safe.
    #[error("{ENV_VAR}: {path}: admin_token: {source}")]
    AdminToken {
        /// The file.
        path: String,
        /// Why.
        source: kalshi_sim::server::AdminTokenError,
    },
}

impl SimOverrides {
    /// Reads and checks the overrides file at `path`.
    ///
    /// # Errors
    /// [`OverridesError`] naming the file and what is wrong with it.
    pub fn load(path: &Path) -> Result<Self, OverridesError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| OverridesError::Read {
            path: shown.clone(),
            source,
        })?;
        let overrides: Self =
            serde_json::from_str(&text).map_err(|source| OverridesError::Parse {
                path: shown.clone(),
                source,
            })?;
        if let Some(token) = &overrides.admin_token {
            AdminToken::fixed(token).map_err(|source| OverridesError::AdminToken {
                path: shown,
                source,
            })?;
        }
        Ok(overrides)
    }

    /// Applies the exchange's fields to `config`.
    pub fn apply(&self, config: &mut SimConfig) {
        if let Some(port) = self.port {
            config.listen = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        }
        if let Some(markets) = self.markets {
            config.markets = markets;
        }
        if let Some(open_all) = self.open_all {
            config.open_all = open_all;
        }
        if let Some(activity) = self.activity {
            config.activity = activity;
        }
        if let Some(seed) = self.seed {
            config.seed = seed;
        }
        // Checked by `load`; a token that does not pass leaves the routes off.
        if let Some(token) = self
            .admin_token
            .as_deref()
            .and_then(|t| AdminToken::fixed(t).ok())
        {
            config.admin_routes = true;
            config.admin_token = Some(token);
        }
    }

    /// `setup` with the overrides applied: its exchange config changed by
    /// [`Self::apply`], or, when `offline`, an exchange that nobody serves.
    pub fn simulator(&self, setup: SimulatorSetup) -> SimulatorSetup {
        if self.offline == Some(true) {
            let port = self.port.unwrap_or_else(closed_port);
            return SimulatorSetup::External {
                base_url: format!("http://127.0.0.1:{port}"),
                admin_token: AdminToken::generate(),
            };
        }
        match setup {
            SimulatorSetup::Embedded(mut config) => {
                self.apply(&mut config);
                SimulatorSetup::Embedded(config)
            }
            SimulatorSetup::Paper(mut config) => {
                self.apply(&mut config);
                SimulatorSetup::Paper(config)
            }
            external @ SimulatorSetup::External { .. } => external,
        }
    }
}

/// A loopback port nothing listens on: one the OS just handed out, released again.
fn closed_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map_or(9, |a| a.port())
}

/// The overrides named by [`ENV_VAR`], if it is set.
///
/// # Errors
/// [`OverridesError`] for a file that cannot be read or is not valid overrides: the app
/// refuses to start rather than run on an exchange the caller did not ask for.
pub fn from_env() -> Result<Option<SimOverrides>, OverridesError> {
    match std::env::var_os(ENV_VAR) {
        Some(path) if !path.is_empty() => SimOverrides::load(Path::new(&path)).map(Some),
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sim.json");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    #[test]
    fn port_and_token_open_the_admin_routes_on_that_port() {
        let (_dir, path) = write(r#"{"port": 4321, "admin_token": "0123456789abcdef-token"}"#);
        let overrides = SimOverrides::load(&path).unwrap();
        let SimulatorSetup::Paper(config) = overrides.simulator(SimulatorSetup::default()) else {
            panic!("still the paper exchange");
        };
        assert_eq!(config.listen, SocketAddr::from(([127, 0, 0, 1], 4321)));
        assert!(config.admin_routes);
        assert_eq!(
            config.admin_token.as_ref().map(AdminToken::expose),
            Some("0123456789abcdef-token")
        );
    }

    #[test]
    fn no_fields_change_nothing() {
        let (_dir, path) = write("{}");
        let overrides = SimOverrides::load(&path).unwrap();
        let SimulatorSetup::Paper(config) = overrides.simulator(SimulatorSetup::default()) else {
            panic!("still the paper exchange");
        };
        assert!(!config.admin_routes);
        assert_eq!(config.listen.port(), 0);
        let SimulatorSetup::Paper(default) = SimulatorSetup::default() else {
            panic!("the default is the paper exchange");
        };
        assert_eq!(config.markets, default.markets);
        assert_eq!(config.activity, default.activity);
        assert_eq!(config.seed, default.seed);
    }

    #[test]
    fn offline_reaches_for_an_exchange_nobody_serves() {
        let (_dir, path) = write(r#"{"port": 4321, "offline": true}"#);
        let overrides = SimOverrides::load(&path).unwrap();
        match overrides.simulator(SimulatorSetup::default()) {
            SimulatorSetup::External { base_url, .. } => {
                assert_eq!(base_url, "http://127.0.0.1:4321");
            }
            other => panic!("expected an unreachable exchange, got {other:?}"),
        }
    }

    #[test]
    fn markets_activity_and_seed_reach_the_paper_exchange() {
        let (_dir, path) =
            write(r#"{"markets": 10000, "open_all": true, "activity": 400, "seed": 7}"#);
        let overrides = SimOverrides::load(&path).unwrap();
        let SimulatorSetup::Paper(config) = overrides.simulator(SimulatorSetup::default()) else {
            panic!("still the paper exchange");
        };
        assert_eq!(config.markets, 10_000);
        assert!(config.open_all);
        assert_eq!(config.activity, 400);
        assert_eq!(config.seed, 7);
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        for (text, needle) in [
            (r#"{"prot": 1}"#, "unknown field `prot`"),
            (r#"{"markets": -1}"#, "invalid value"),
            (r#"{"activity": "fast"}"#, "invalid type"),
            (r#"{"port": "x"}"#, "invalid type"),
            (r#"{"admin_token": "short"}"#, "at least 16"),
            ("not json", "expected"),
        ] {
            let (_dir, path) = write(text);
            let e = SimOverrides::load(&path).unwrap_err().to_string();
            assert!(e.contains(needle), "{text}: {e}");
            assert!(e.contains("sim.json"), "{e}");
        }
        let e = SimOverrides::load(Path::new("/nonexistent/sim.json")).unwrap_err();
        assert!(e.to_string().contains("cannot read"), "{e}");
    }
}
