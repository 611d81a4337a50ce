//! Test and tool overrides of the Simulator's paper exchange: `KALSHI_DESK_SIM_CONFIG`
//! names a JSON file read once at start-up. The window benchmarks use it to start the app
//! on a larger universe (10,000 markets) or a busier one (the bots' activity rate), with a
//! chosen seed.
//!
//! It changes only how the Simulator environment is reached (Demo and Production never
//! read it). The file is parsed strictly, unknown fields refused: a misspelt override
//! silently ignored would make a measurement describe the wrong exchange, so a bad file
//! stops the start with an error naming the file (see [`from_env`]).

use std::path::Path;

use desk_core::SimulatorSetup;
use kalshi_sim::SimConfig;
use serde::Deserialize;

/// The environment variable naming the overrides file.
pub const ENV_VAR: &str = "KALSHI_DESK_SIM_CONFIG";

/// What a test may change of the paper exchange; every field is optional and absent means
/// the app's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimOverrides {
    /// Markets in the universe (the simulator accepts 1 to 20,000). A paper exchange
    /// already saved in the data folder keeps its own universe.
    pub markets: Option<usize>,
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
        serde_json::from_str(&text).map_err(|source| OverridesError::Parse {
            path: shown,
            source,
        })
    }

    /// Applies the exchange's fields to `config`.
    pub fn apply(&self, config: &mut SimConfig) {
        if let Some(markets) = self.markets {
            config.markets = markets;
        }
        if let Some(activity) = self.activity {
            config.activity = activity;
        }
        if let Some(seed) = self.seed {
            config.seed = seed;
        }
    }

    /// `setup` with its exchange config changed by [`Self::apply`] (an external simulator
    /// is left as it is: its config is its own).
    pub fn simulator(&self, setup: SimulatorSetup) -> SimulatorSetup {
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
    fn markets_activity_and_seed_reach_the_paper_exchange() {
        let (_dir, path) = write(r#"{"markets": 10000, "activity": 400, "seed": 7}"#);
        let overrides = SimOverrides::load(&path).unwrap();
        let SimulatorSetup::Paper(config) = overrides.simulator(SimulatorSetup::default()) else {
            panic!("still the paper exchange");
        };
        assert_eq!(config.markets, 10_000);
        assert_eq!(config.activity, 400);
        assert_eq!(config.seed, 7);
    }

    #[test]
    fn no_fields_change_nothing() {
        let (_dir, path) = write("{}");
        let overrides = SimOverrides::load(&path).unwrap();
        let SimulatorSetup::Paper(config) = overrides.simulator(SimulatorSetup::default()) else {
            panic!("still the paper exchange");
        };
        let SimulatorSetup::Paper(default) = SimulatorSetup::default() else {
            panic!("the default is the paper exchange");
        };
        assert_eq!(config.markets, default.markets);
        assert_eq!(config.activity, default.activity);
        assert_eq!(config.seed, default.seed);
    }

    #[test]
    fn bad_files_are_refused_with_the_reason() {
        for (text, needle) in [
            (r#"{"market": 1}"#, "unknown field `market`"),
            (r#"{"markets": -1}"#, "invalid value"),
            (r#"{"activity": "fast"}"#, "invalid type"),
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
