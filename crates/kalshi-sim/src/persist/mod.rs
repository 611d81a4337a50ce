//! The state file of a persistent simulator (`SimConfig::state_path`, `--state FILE`):
//! what it holds, how it is read and written, and why a crash cannot make ids repeat.
//!
//! The file is one JSON document, `{"format": "kalshi-sim-state", "version": 1, ...}`,
//! holding everything a restart needs to continue the same exchange:
//! - the engine: every market (spec, status, result, book queues, last price, volume,
//!   open interest, trade tape), every order of a registered user and the resting orders
//!   of the bots (finished bot orders are already forgotten by the engine), every account
//!   (cash, reserves, positions, fills, settlements, client order ids), the order and trade
//!   counters, GTT expiries and the lifecycle schedule, and the engine clock;
//! - the catalog (series and events, including events listed by the roll-in);
//! - the registered keys (key id and public PEM; the account is found by key id);
//! - order groups, the activity bots' state (RNG, fair values, quotes);
//! - the sim clock's offset from the wall clock (so a test's advanced clock stays advanced,
//!   while time otherwise moves on with the wall clock while the simulator is stopped);
//! - the universe parameters (seed, target market count) and the id epoch.
//!
//! Writes replace the file atomically (see [`write_atomic`]). Ids survive a crash between
//! writes through the epoch: each start of a saved exchange increments it and writes the
//! file durably before accepting any request, and the order and trade counters start the
//! run at `epoch << EPOCH_SHIFT` (see [`crate::ids::EPOCH_SHIFT`]). Whatever a crashed run
//! issued after its last write carries that run's epoch, and the next run's ids are all
//! above it.
//!
//! JSON rather than a binary codec: serde_json is already a dependency, the file stays
//! inspectable, and it is fast enough: in a release build after five minutes of activity,
//! 300 markets (5 MB) encode in ~19 ms and decode in ~31 ms, 2,000 markets (13 MB) in
//! ~43 ms and ~87 ms (the ignored `save_costs` test). Only the copy of the state is taken
//! under the engine lock (~2 ms and ~6 ms); encoding and writing happen after.

mod file;
mod maps;

pub use file::{LockError, StateLock, write_atomic};
pub use maps::SAVED_TRADES_PER_MARKET;
pub(crate) use maps::{order_list, pair_list, recent_trades};

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::activity::Activity;
use crate::engine::Engine;
use crate::server::order_groups::OrderGroups;
use crate::universe::{EventSpec, SeriesSpec};

/// The `format` field of every state file.
pub const FORMAT: &str = "kalshi-sim-state";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// A registered key as saved: the account is the engine's account of `key_id`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SavedKey {
    pub(crate) key_id: String,
    pub(crate) public_pem: String,
}

/// What the state file holds (read side).
#[derive(Debug, Deserialize)]
pub(crate) struct Snapshot {
    pub(crate) epoch: u64,
    pub(crate) seed: u64,
    pub(crate) markets: usize,
    pub(crate) clock_offset_ms: i64,
    pub(crate) engine: Engine,
    pub(crate) series: Vec<SeriesSpec>,
    pub(crate) events: Vec<EventSpec>,
    pub(crate) keys: Vec<SavedKey>,
    pub(crate) groups: OrderGroups,
    pub(crate) activity: Option<Activity>,
}

/// What the state file holds (write side: borrowed, so saving copies nothing).
#[derive(Debug, Serialize)]
pub(crate) struct SnapshotRef<'a> {
    pub(crate) format: &'static str,
    pub(crate) version: u32,
    pub(crate) epoch: u64,
    pub(crate) seed: u64,
    pub(crate) markets: usize,
    pub(crate) clock_offset_ms: i64,
    pub(crate) engine: &'a Engine,
    pub(crate) series: &'a [SeriesSpec],
    pub(crate) events: &'a [EventSpec],
    pub(crate) keys: Vec<SavedKey>,
    pub(crate) groups: &'a OrderGroups,
    pub(crate) activity: Option<&'a Activity>,
}

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

/// Why the state file could not be used. A file that exists but cannot be read is never
/// overwritten: the simulator refuses to start instead.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The file exists but could not be read.
    #[error("cannot read the state file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is not a state file, or is damaged.
    #[error("the state file {} is damaged or not a kalshi-sim state file: {detail}", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// The file was written by a newer (or unknown) format version.
    #[error("the state file {} has format version {found}; this simulator reads version {VERSION}", path.display())]
    Version {
        /// The file.
        path: PathBuf,
        /// Its version.
        found: u32,
    },
    /// The file could not be written.
    #[error("cannot write the state file {}: {source}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is locked by another simulator.
    #[error(transparent)]
    Lock(#[from] LockError),
    /// Every id epoch has been used (after millions of restarts).
    #[error("the state file {} has used every id epoch; start a new exchange", .0.display())]
    EpochsExhausted(PathBuf),
}

/// Reads the state file at `path`: `Ok(None)` when there is none yet.
///
/// # Errors
/// [`StateError`] for a file that exists but is unreadable, damaged or of another version.
pub(crate) fn load(path: &Path) -> Result<Option<Snapshot>, StateError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(StateError::Read {
                path: path.to_owned(),
                source,
            });
        }
    };
    decode(path, &bytes).map(Some)
}

fn decode(path: &Path, bytes: &[u8]) -> Result<Snapshot, StateError> {
    let corrupt = |detail: String| StateError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    let header: Header = serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    if header.format != FORMAT {
        return Err(corrupt(format!("format is {:?}", header.format)));
    }
    if header.version != VERSION {
        return Err(StateError::Version {
            path: path.to_owned(),
            found: header.version,
        });
    }
    let mut snapshot: Snapshot =
        serde_json::from_slice(bytes).map_err(|e| corrupt(e.to_string()))?;
    snapshot.engine.reindex();
    if snapshot.engine.markets().is_empty() {
        return Err(corrupt("it lists no market".to_owned()));
    }
    if let Err(e) = snapshot.engine.audit() {
        return Err(corrupt(format!("inconsistent exchange state: {e}")));
    }
    Ok(snapshot)
}

/// Encodes a snapshot.
///
/// # Errors
/// serde_json's message (not expected: every map key is a string or an integer).
pub(crate) fn encode(snapshot: &SnapshotRef<'_>) -> Result<Vec<u8>, String> {
    serde_json::to_vec(snapshot).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activity::ActivityConfig;
    use crate::engine::EngineConfig;
    use crate::universe::{DEFAULT_MARKETS, Universe, UniverseConfig};

    const START: i64 = 1_795_780_800_000;

    /// The default universe after `steps` bot actions (20 a second for `steps / 20` s).
    fn busy(steps: u64) -> (Engine, Activity) {
        busy_with(DEFAULT_MARKETS, steps)
    }

    /// A universe of `markets` after `steps` bot actions.
    fn busy_with(markets: usize, steps: u64) -> (Engine, Activity) {
        let universe = Universe::generate(&UniverseConfig {
            markets,
            ..UniverseConfig::new(1, START)
        })
        .unwrap();
        assert_eq!(universe.markets().len(), markets);
        let mut engine = Engine::new(&universe, EngineConfig::default());
        let mut activity = Activity::new(&mut engine, &ActivityConfig::default()).unwrap();
        activity.seed_books(&mut engine, START);
        for i in 0..steps {
            let now = START + i64::try_from(i).unwrap() * 50;
            engine.advance(now);
            activity.step(&mut engine, now);
        }
        (engine, activity)
    }

    fn encode_parts(engine: &Engine, activity: &Activity, groups: &OrderGroups) -> Vec<u8> {
        encode(&SnapshotRef {
            format: FORMAT,
            version: VERSION,
            epoch: 2,
            seed: 1,
            markets: DEFAULT_MARKETS,
            clock_offset_ms: 0,
            engine,
            series: &[],
            events: &[],
            keys: Vec::new(),
            groups,
            activity: Some(activity),
        })
        .unwrap()
    }

    #[test]
    fn the_copy_taken_under_the_lock_saves_exactly_what_the_engine_would() {
        let (mut engine, activity) = busy(3_000);
        // Tapes longer than the file keeps, so the copy's cut is exercised.
        let long = engine
            .markets()
            .iter()
            .filter(|m| m.trades.len() > SAVED_TRADES_PER_MARKET)
            .count();
        if long == 0 {
            let m = &mut engine.markets[0];
            let trade = m.trades.back().cloned().expect("busy markets trade");
            m.trades
                .extend(std::iter::repeat_n(trade, SAVED_TRADES_PER_MARKET + 5));
        }
        let groups = OrderGroups::default();
        let copy = engine.copy_for_save();
        assert_eq!(
            encode_parts(&engine, &activity, &groups),
            encode_parts(&copy, &activity, &groups)
        );
    }

    /// Save costs at 300 and 2,000 markets after five minutes of activity: the engine
    /// lock is held only for the copy. Run in a release build:
    /// `cargo test --release -p kalshi-sim --lib save_costs -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing figures, not a check"]
    fn save_costs() {
        use std::time::Instant;
        let dir = tempfile::tempdir().unwrap();
        for markets in [DEFAULT_MARKETS, 2_000] {
            let (engine, activity) = busy_with(markets, 6_000);
            let groups = OrderGroups::default();
            let runs = 5u32;
            let zero = std::time::Duration::ZERO;
            let (mut copy_t, mut encode_t, mut write_t, mut decode_t) = (zero, zero, zero, zero);
            let mut size = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let copy = engine.copy_for_save();
                let activity = activity.clone();
                copy_t += t.elapsed();
                let t = Instant::now();
                let bytes = encode_parts(&copy, &activity, &groups);
                encode_t += t.elapsed();
                let path = dir.path().join("x.sim");
                let t = Instant::now();
                write_atomic(&path, &bytes).unwrap();
                write_t += t.elapsed();
                let t = Instant::now();
                let back = load(&path).unwrap().unwrap();
                decode_t += t.elapsed();
                assert_eq!(back.engine.markets().len(), markets);
                size = bytes.len();
            }
            eprintln!(
                "{markets} markets, {} orders, {size} bytes: lock held (copy) {:?}, encode {:?}, \
                 write {:?}, read+decode {:?}",
                engine.orders.len(),
                copy_t / runs,
                encode_t / runs,
                write_t / runs,
                decode_t / runs,
            );
        }
    }

    #[test]
    fn a_busy_exchange_round_trips_to_the_same_state_and_behaviour() {
        // Five minutes of activity at 20 messages a second.
        let (engine, activity) = busy(6_000);
        let groups = OrderGroups::default();
        let started = std::time::Instant::now();
        let bytes = encode_parts(&engine, &activity, &groups);
        let encoded_in = started.elapsed();
        let started = std::time::Instant::now();
        let back = decode(Path::new("x.sim"), &bytes).unwrap();
        let decoded_in = started.elapsed();
        // Figures for the module doc (not asserted: tests are not timed).
        eprintln!(
            "state file: {} bytes, {} orders; encode {encoded_in:?}, decode {decoded_in:?}",
            bytes.len(),
            engine.orders.len()
        );
        let again = encode_parts(&back.engine, back.activity.as_ref().unwrap(), &back.groups);
        let value = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).unwrap();
        assert!(
            value(&bytes) == value(&again),
            "decoding and re-encoding changes nothing"
        );
        // The restored exchange and bots carry on exactly as the original would.
        let (mut a, mut a_bots) = (engine, activity);
        let (mut b, mut b_bots) = (back.engine, back.activity.unwrap());
        let now = START + 6_000 * 50;
        for i in 0..200 {
            let t = now + i * 50;
            assert_eq!(a.advance(t), b.advance(t));
            assert_eq!(a_bots.step(&mut a, t), b_bots.step(&mut b, t), "step {i}");
        }
        b.audit().unwrap();
    }
}
