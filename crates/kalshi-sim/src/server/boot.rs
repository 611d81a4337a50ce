//! Building the shared state at start: a fresh exchange from the seed, or the exchange a
//! state file holds, moved on to the present and saved with a new id epoch before the
//! server accepts anything.

use std::path::Path;
use std::sync::atomic::AtomicU8;
use std::sync::{Arc, Mutex};

use kalshi::auth::Verifier;

use super::catalog::Catalog;
use super::state::{
    CHANGED_NONE, Persist, RegisteredKey, RollIn, Settings, SharedState, SimClock, SimState,
};
use super::{SimConfig, StartError, register_key, ws};
use crate::engine::{Engine, EngineConfig};
use crate::ids::MAX_EPOCH;
use crate::persist::{self, Snapshot, StateError, StateLock};
use crate::universe::{Universe, UniverseConfig};

/// The state `config` asks for, with its keys registered and its bots set up; a
/// persistent one is already saved (durably) with this run's epoch.
pub(super) fn build(config: &SimConfig) -> Result<SharedState, StartError> {
    let settings = Settings {
        auth_window_ms: config.auth_window_ms,
        balance: config.balance,
        ws_heartbeat: config.ws_heartbeat.max(ws::MIN_HEARTBEAT),
        usage_tier: config.usage_tier,
    };
    let state = match &config.state_path {
        None => fresh(config, settings, None)?,
        Some(path) => {
            let lock = StateLock::acquire(path).map_err(StateError::from)?;
            match persist::load(path)? {
                None => {
                    tracing::info!(path = %path.display(), "starting a new saved exchange");
                    let persist = new_persist(config, path, lock, 0, config.seed, config.markets);
                    fresh(config, settings, Some(persist))?
                }
                Some(snapshot) => restore(config, settings, path, lock, snapshot)?,
            }
        }
    };
    state.save()?;
    Ok(state)
}

fn new_persist(
    config: &SimConfig,
    path: &Path,
    lock: StateLock,
    epoch: u64,
    seed: u64,
    markets: usize,
) -> Persist {
    Persist {
        path: path.to_owned(),
        _lock: lock,
        epoch,
        seed,
        markets,
        interval: config.save_interval,
        pending: AtomicU8::new(CHANGED_NONE),
        writing: Mutex::new(()),
    }
}

/// A new exchange generated from the seed.
fn fresh(
    config: &SimConfig,
    settings: Settings,
    persist: Option<Persist>,
) -> Result<SharedState, StartError> {
    let start_ms = SimClock::default().now_ms();
    let universe = Universe::generate(&UniverseConfig {
        seed: config.seed,
        markets: config.markets,
        start_ms,
        open_all: config.open_all,
    })
    .map_err(StartError::Universe)?;
    let engine = Engine::new(
        &universe,
        EngineConfig {
            seed: config.seed,
            ..EngineConfig::default()
        },
    );
    let mut state = SimState::new(engine, Catalog::new(&universe), settings, config.seed);
    state.set_roll_in(RollIn {
        seed: config.seed,
        markets: config.markets,
        seed_books: config.seed_books,
    });
    if let Some(persist) = persist {
        state.set_persist(persist);
    }
    let state = Arc::new(state);
    for (key_id, pem) in &config.keys {
        register_key(&state, key_id, pem)?;
    }
    state
        .init_activity(config.seed, config.seed_books)
        .map_err(StartError::Activity)?;
    state.maintain();
    Ok(state)
}

/// The saved exchange, in a new id epoch, with its overdue lifecycle work done.
fn restore(
    config: &SimConfig,
    settings: Settings,
    path: &Path,
    lock: StateLock,
    snapshot: Snapshot,
) -> Result<SharedState, StartError> {
    let corrupt = |detail: String| StateError::Corrupt {
        path: path.to_owned(),
        detail,
    };
    if snapshot.seed != config.seed || snapshot.markets != config.markets {
        tracing::warn!(
            path = %path.display(),
            saved_seed = snapshot.seed,
            saved_markets = snapshot.markets,
            config_seed = config.seed,
            config_markets = config.markets,
            "the state file's universe differs from the configured one; continuing the saved exchange"
        );
    }
    let epoch = snapshot
        .epoch
        .checked_add(1)
        .filter(|e| *e <= MAX_EPOCH)
        .ok_or_else(|| StateError::EpochsExhausted(path.to_owned()))?;
    let Snapshot {
        seed,
        markets,
        clock_offset_ms,
        mut engine,
        series,
        events,
        keys,
        groups,
        activity,
        ..
    } = snapshot;
    engine.begin_epoch(epoch);
    let specs = engine.markets().iter().map(|m| m.spec().clone()).collect();
    let start_ms = engine.clock_ms().max(0);
    let universe = Universe::from_saved(seed, start_ms, series, events, specs)
        .map_err(|e| corrupt(e.to_string()))?;
    let mut registered = Vec::with_capacity(keys.len());
    for key in keys {
        let verifier =
            Verifier::from_public_pem(&key.public_pem).map_err(|e| corrupt(e.to_string()))?;
        let user = engine
            .accounts()
            .by_key(&key.key_id)
            .ok_or_else(|| corrupt(format!("key {:?} has no account", key.key_id)))?;
        registered.push((key.key_id, verifier, user, key.public_pem));
    }
    let mut state = SimState::new(engine, Catalog::new(&universe), settings, seed);
    state.clock.set_offset_ms(clock_offset_ms);
    state.restore_parts(groups, activity);
    state.set_roll_in(RollIn {
        seed,
        markets,
        seed_books: config.seed_books,
    });
    state.set_persist(new_persist(config, path, lock, epoch, seed, markets));
    let state = Arc::new(state);
    for (key_id, verifier, user, pem) in registered {
        state.insert_key(
            &key_id,
            RegisteredKey {
                verifier,
                user,
                public_pem: Arc::from(pem),
            },
        );
    }
    for (key_id, pem) in &config.keys {
        register_key(&state, key_id, pem)?;
    }
    if !state.has_activity() {
        state
            .init_activity(seed, config.seed_books)
            .map_err(StartError::Activity)?;
    }
    // Time moved on while the simulator was stopped: close, determine and settle what
    // fell due, and list the events that rolled in meanwhile, before anyone can look.
    state.maintain();
    tracing::info!(path = %path.display(), epoch, "restored the saved exchange");
    Ok(state)
}
