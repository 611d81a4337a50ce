//! The server's shared state: the exchange core behind one mutex, registered API keys,
//! the fault plan, the clock, the event bus the WS layer reads, and the task registry
//! that lets `shutdown` join everything the server started.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use kalshi::auth::Verifier;
use kalshi::model::Money;
use tokio::sync::{broadcast, watch};
use tokio::task::JoinSet;

use super::catalog::Catalog;
use super::faults::Faults;
use super::order_groups::OrderGroups;
use crate::SimError;
use crate::activity::{Activity, ActivityConfig};
use crate::engine::{Engine, Event, Outcome};
use crate::ids::UserId;
use crate::persist::{self, SavedKey, SnapshotRef, StateError, StateLock, write_atomic};

/// How the state is shared between handlers and tasks.
pub type SharedState = Arc<SimState>;

/// How many event batches the bus buffers per receiver before a slow receiver lags
/// (`broadcast::error::RecvError::Lagged`).
pub const EVENT_BUS_CAPACITY: usize = 8192;

/// Settings fixed at start.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest accepted difference between a request's timestamp header and the wall clock.
    pub auth_window_ms: u64,
    /// Starting balance of every registered key.
    pub balance: Money,
    /// Interval of the WebSocket pings.
    pub ws_heartbeat: std::time::Duration,
    /// What `GET /account/limits` reports.
    pub usage_tier: super::UsageTier,
}

/// A registered API key.
#[derive(Debug, Clone)]
pub struct RegisteredKey {
    /// Checks the key's signatures.
    pub verifier: Verifier,
    /// The public key as registered (kept for the state file).
    pub public_pem: Arc<str>,
    /// The account the key trades for.
    pub user: UserId,
}

/// One engine call's events, in the order they happened, as published on the bus.
#[derive(Debug, Clone)]
pub struct EventBatch {
    /// Position of this batch on the bus: 1, 2, 3, … with no gaps, so a receiver can
    /// tell it missed batches even without a `Lagged` error.
    pub id: u64,
    /// Sim time of the call (ms since the epoch).
    pub ts_ms: i64,
    /// The events.
    pub events: Vec<Event>,
}

/// The simulator's clock: the wall clock plus an offset tests can advance, so close
/// times and expirations can be reached without waiting.
#[derive(Debug, Default)]
pub struct SimClock {
    offset_ms: AtomicI64,
}

impl SimClock {
    /// Unix ms from the system clock (what signed timestamps are compared against).
    pub fn wall_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    /// Sim time in Unix ms: what the engine is told.
    pub fn now_ms(&self) -> i64 {
        i64::try_from(self.wall_ms())
            .unwrap_or(i64::MAX)
            .saturating_add(self.offset_ms.load(Ordering::Relaxed))
    }

    /// How far sim time is ahead of the wall clock (saved in the state file).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// Sets how far sim time is ahead of the wall clock (a restored exchange's offset).
    pub(crate) fn set_offset_ms(&self, ms: i64) {
        self.offset_ms.store(ms, Ordering::Relaxed);
    }

    /// Moves sim time forward by `ms` (never backward).
    pub fn advance(&self, ms: u64) {
        let ms = i64::try_from(ms).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct SimState {
    exchange: Mutex<Engine>,
    /// The listing (series, events) of the markets the engine runs; replaced whole when
    /// the roll-in lists new events, so readers hold it without a lock.
    catalog: RwLock<Arc<Catalog>>,
    keys: RwLock<HashMap<String, RegisteredKey>>,
    groups: Mutex<OrderGroups>,
    activity: Mutex<Option<Activity>>,
    /// The fault plan and its live counters.
    pub faults: Faults,
    /// Where live records end and `/historical/*` begins.
    pub archive: super::archive::Archive,
    /// Wall clock and sim time.
    pub clock: SimClock,
    /// Settings fixed at start.
    pub settings: Settings,
    events: broadcast::Sender<Arc<EventBatch>>,
    next_batch: AtomicU64,
    shutdown: watch::Sender<bool>,
    tasks: Mutex<JoinSet<()>>,
    persist: Option<Persist>,
    roll: Option<RollIn>,
}

/// What the roll-in keeps: how many markets stay listed and not yet closed, and the seed
/// its new events are drawn from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RollIn {
    /// The universe's seed.
    pub(crate) seed: u64,
    /// Markets to keep open (or about to open).
    pub(crate) markets: usize,
    /// Whether markets that open or are listed get the makers' opening ladder.
    pub(crate) seed_books: bool,
}

/// Nothing changed since the last save.
pub(crate) const CHANGED_NONE: u8 = 0;
/// Only the bots or the clock changed things (saved less often: they change constantly and
/// a restart loses nothing a user did).
pub(crate) const CHANGED_BACKGROUND: u8 = 1;
/// A request changed things (an order, a key, a group): saved at the next interval.
pub(crate) const CHANGED_USER: u8 = 2;

/// The state file of a persistent simulator and what is saved beside the engine.
#[derive(Debug)]
pub(crate) struct Persist {
    /// The file.
    pub(crate) path: PathBuf,
    /// Held for the simulator's life so no other simulator uses the file.
    pub(crate) _lock: StateLock,
    /// This run's id epoch.
    pub(crate) epoch: u64,
    /// The universe's seed.
    pub(crate) seed: u64,
    /// How many open markets the roll-in keeps.
    pub(crate) markets: usize,
    /// Least time between two background saves.
    pub(crate) interval: Duration,
    /// What changed since the last save: [`CHANGED_NONE`], [`CHANGED_BACKGROUND`] or
    /// [`CHANGED_USER`].
    pub(crate) pending: AtomicU8,
    /// Serializes saves, so a later state is never overwritten by an earlier one.
    pub(crate) writing: Mutex<()>,
}

/// Locks a std mutex, recovering from poison: the guarded values are only changed by
/// code that does not panic halfway (the engine validates before it mutates).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl SimState {
    /// State around an already-built exchange core.
    pub fn new(engine: Engine, catalog: Catalog, settings: Settings, fault_seed: u64) -> Self {
        Self {
            exchange: Mutex::new(engine),
            catalog: RwLock::new(Arc::new(catalog)),
            keys: RwLock::new(HashMap::new()),
            groups: Mutex::new(OrderGroups::default()),
            activity: Mutex::new(None),
            faults: Faults::new(fault_seed),
            archive: super::archive::Archive::default(),
            clock: SimClock::default(),
            settings,
            events: broadcast::channel(EVENT_BUS_CAPACITY).0,
            next_batch: AtomicU64::new(1),
            shutdown: watch::channel(false).0,
            tasks: Mutex::new(JoinSet::new()),
            persist: None,
            roll: None,
        }
    }

    /// The listing (series, events) as it stands now. Lock order: engine, then this (it is
    /// only held for the clone).
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Makes this state persistent (before it is shared).
    pub(crate) fn set_persist(&mut self, persist: Persist) {
        self.persist = Some(persist);
    }

    /// Turns on the roll-in and the seeding of new books (before it is shared).
    pub(crate) fn set_roll_in(&mut self, roll: RollIn) {
        self.roll = Some(roll);
    }

    /// Runs due time-driven work, then keeps the exchange alive: when fewer markets than
    /// configured are open or about to open, lists new events the way Kalshi lists the
    /// next ones of its series (new tickers, later dates; announced on
    /// `market_lifecycle_v2` as `created`), and gives every market that opened or was
    /// listed since the makers' opening ladder. Returns the sim time.
    pub fn maintain(&self) -> i64 {
        let mut engine = lock(&self.exchange);
        let now = self.advance_locked(&mut engine);
        let Some(roll) = self.roll else {
            return now;
        };
        let mut events = self.roll_in_locked(&mut engine, roll, now);
        if roll.seed_books
            && let Some(bots) = lock(&self.activity).as_mut()
        {
            events.extend(bots.seed_books(&mut engine, now));
        }
        self.publish(&mut engine, now, events);
        now
    }

    fn roll_in_locked(&self, engine: &mut Engine, roll: RollIn, now: i64) -> Vec<Event> {
        use crate::lifecycle::MarketStatus;
        let live = engine
            .markets()
            .iter()
            .filter(|m| {
                matches!(
                    m.status(now),
                    MarketStatus::Initialized | MarketStatus::Active | MarketStatus::Inactive
                )
            })
            .count();
        if live >= roll.markets {
            return Vec::new();
        }
        let catalog = self.catalog();
        let listed: std::collections::HashSet<String> = catalog
            .events()
            .iter()
            .map(|e| e.event_ticker.clone())
            .collect();
        let listing = match crate::universe::Universe::roll_in(
            roll.seed,
            now,
            roll.markets - live,
            &listed,
        ) {
            Ok(listing) => listing,
            Err(e) => {
                tracing::warn!(error = %e, "cannot list new events");
                return Vec::new();
            }
        };
        let mut events = Vec::with_capacity(listing.markets.len());
        for spec in listing.markets {
            match engine.list_new_market(spec, now) {
                Ok((_, created)) => events.push(created),
                Err(e) => tracing::warn!(error = %e, "skipped a new market"),
            }
        }
        tracing::info!(
            events = listing.events.len(),
            markets = events.len(),
            "listed new events"
        );
        let next = catalog.extended(listing.series, listing.events, |t| engine.market_id(t).ok());
        *self.catalog.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(next);
        events
    }

    /// Replaces the order groups and bots with restored ones (before it is shared).
    pub(crate) fn restore_parts(&mut self, groups: OrderGroups, activity: Option<Activity>) {
        *lock(&self.groups) = groups;
        *lock(&self.activity) = activity;
    }

    /// Whether the bots exist yet (a restored exchange brings its own).
    pub(crate) fn has_activity(&self) -> bool {
        lock(&self.activity).is_some()
    }

    /// The background save interval, when this simulator has a state file.
    pub(crate) fn save_interval(&self) -> Option<Duration> {
        self.persist.as_ref().map(|p| p.interval)
    }

    /// This run's id epoch (0 without a state file).
    pub fn epoch(&self) -> u64 {
        self.persist.as_ref().map_or(0, |p| p.epoch)
    }

    /// Notes a change of `level` for the background saver.
    fn changed_at(&self, level: u8) {
        if let Some(p) = &self.persist {
            p.pending.fetch_max(level, Ordering::Relaxed);
        }
    }

    /// Notes a change a request made.
    fn changed(&self) {
        self.changed_at(CHANGED_USER);
    }

    /// Writes the state file if a request changed something since the last save, or if
    /// `background_due` and anything changed at all. Returns whether it wrote.
    ///
    /// # Errors
    /// As [`Self::save`].
    pub(crate) fn save_if_changed(&self, background_due: bool) -> Result<bool, StateError> {
        let Some(p) = &self.persist else {
            return Ok(false);
        };
        let due = match p.pending.load(Ordering::Relaxed) {
            CHANGED_USER => true,
            CHANGED_BACKGROUND => background_due,
            _ => false,
        };
        if due {
            self.save()?;
        }
        Ok(due)
    }

    /// Writes the state file now (nothing without one). Only a copy of the state is taken
    /// under the engine lock (a consistent cut: `Engine::copy_for_save`); encoding
    /// and writing happen after it is released, so a save never stalls matching or the
    /// WebSocket feeds for longer than the copy. Callers on the async runtime run this
    /// on a blocking thread.
    ///
    /// # Errors
    /// [`StateError::Write`]; the file then still holds the previous save.
    pub fn save(&self) -> Result<(), StateError> {
        let Some(p) = &self.persist else {
            return Ok(());
        };
        let _writing = lock(&p.writing);
        let pending = p.pending.swap(CHANGED_NONE, Ordering::Relaxed);
        let mut keys: Vec<SavedKey> = self
            .keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(id, k)| SavedKey {
                key_id: id.clone(),
                public_pem: k.public_pem.to_string(),
            })
            .collect();
        keys.sort_unstable_by(|a, b| a.key_id.cmp(&b.key_id));
        let (engine, groups, activity, catalog, clock_offset_ms) = {
            let engine = lock(&self.exchange);
            let groups = lock(&self.groups).clone();
            let activity = lock(&self.activity).clone();
            (
                engine.copy_for_save(),
                groups,
                activity,
                self.catalog(),
                self.clock.offset_ms(),
            )
        };
        let encoded = persist::encode(&SnapshotRef {
            format: persist::FORMAT,
            version: persist::VERSION,
            epoch: p.epoch,
            seed: p.seed,
            markets: p.markets,
            clock_offset_ms,
            engine: &engine,
            series: catalog.series(),
            events: catalog.events(),
            keys,
            groups: &groups,
            activity: activity.as_ref(),
        });
        let written = encoded
            .map_err(|e| std::io::Error::other(format!("cannot encode the state: {e}")))
            .and_then(|bytes| write_atomic(&p.path, &bytes));
        written.map_err(|source| {
            p.pending.fetch_max(pending, Ordering::Relaxed);
            StateError::Write {
                path: p.path.clone(),
                source,
            }
        })
    }

    /// Reads the exchange core at the current sim time. Time-driven work that is due
    /// (expiries, opens, closes, settlements) runs first and its events are published, so
    /// reads never show a stale status. The lock is held only for the closure; never call
    /// this across an `.await`.
    pub fn read<T>(&self, f: impl FnOnce(&Engine, i64) -> T) -> T {
        let mut engine = lock(&self.exchange);
        let now = self.advance_locked(&mut engine);
        f(&engine, now)
    }

    /// Runs a state-changing engine call at the current sim time and publishes the events
    /// it produced, in order, while still holding the lock, so the bus order is the engine
    /// order. Due time-driven work runs (and is published) first.
    ///
    /// # Errors
    /// Whatever `f` returns; nothing but the time-driven events is published then.
    pub fn mutate<T, E>(
        &self,
        f: impl FnOnce(&mut Engine, i64) -> Result<Outcome<T>, E>,
    ) -> Result<T, E> {
        let mut engine = lock(&self.exchange);
        let now = self.advance_locked(&mut engine);
        let Outcome { value, events } = f(&mut engine, now)?;
        self.changed();
        self.publish(&mut engine, now, events);
        Ok(value)
    }

    /// Runs due time-driven work and returns the sim time.
    pub fn advance(&self) -> i64 {
        let mut engine = lock(&self.exchange);
        self.advance_locked(&mut engine)
    }

    fn advance_locked(&self, engine: &mut Engine) -> i64 {
        let now = self.clock.now_ms().max(engine.clock_ms());
        let events = engine.advance(now);
        self.publish(engine, now, events);
        now
    }

    /// Publishes one engine call's events (only while holding the exchange lock), after
    /// applying order-group limits: groups the fills pushed over their limit have their
    /// orders canceled, and those cancellations join the same batch.
    fn publish(&self, engine: &mut Engine, ts_ms: i64, mut events: Vec<Event>) {
        let cancels = lock(&self.groups).on_events(&events, ts_ms);
        for (owner, ids) in cancels {
            // Orders that already finished or whose market closed simply stay as they are.
            events.extend(engine.batch_cancel(owner, &ids, ts_ms).events);
        }
        if events.is_empty() {
            return;
        }
        self.changed_at(CHANGED_BACKGROUND);
        let id = self.next_batch.fetch_add(1, Ordering::Relaxed);
        // No receivers just means no WS connection is listening.
        let _ = self.events.send(Arc::new(EventBatch { id, ts_ms, events }));
    }

    /// Subscribes to the event bus and, under the same lock, reads a snapshot: every batch
    /// the receiver yields happened after the snapshot, and none is missed. The WS layer
    /// uses this to send an orderbook snapshot followed by exactly the later deltas.
    pub fn subscribe_with<T>(
        &self,
        snapshot: impl FnOnce(&Engine, i64) -> T,
    ) -> (broadcast::Receiver<Arc<EventBatch>>, T) {
        let mut engine = lock(&self.exchange);
        let now = self.advance_locked(&mut engine);
        let rx = self.events.subscribe();
        (rx, snapshot(&engine, now))
    }

    /// The order groups. Lock order: take this only inside a [`Self::mutate`] or
    /// [`Self::read`] closure (engine first), or on its own; and drop it before the
    /// closure returns.
    pub fn groups(&self) -> MutexGuard<'_, OrderGroups> {
        self.changed();
        lock(&self.groups)
    }

    /// Registers the seeded market makers and takers; when `seed_books` is set
    /// (`SimConfig::seed_books`, whatever the activity), gives every trading market a
    /// maker ladder at once.
    ///
    /// # Errors
    /// The engine's refusal to register the bots.
    pub(crate) fn init_activity(&self, seed: u64, seed_books: bool) -> Result<(), SimError> {
        let mut engine = lock(&self.exchange);
        let now = self.advance_locked(&mut engine);
        let config = ActivityConfig {
            seed,
            ..ActivityConfig::default()
        };
        let mut activity = Activity::new(&mut engine, &config)?;
        if seed_books {
            let events = activity.seed_books(&mut engine, now);
            self.publish(&mut engine, now, events);
        }
        *lock(&self.activity) = Some(activity);
        Ok(())
    }

    /// Takes `steps` bot actions now (one batch on the bus); returns how many events they
    /// caused. Does nothing before `init_activity`.
    pub fn step_activity(&self, steps: u32) -> usize {
        let mut engine = lock(&self.exchange);
        let now = self.advance_locked(&mut engine);
        let events = {
            let mut activity = lock(&self.activity);
            let Some(bots) = activity.as_mut() else {
                return 0;
            };
            let mut events = Vec::new();
            for _ in 0..steps {
                events.extend(bots.step(&mut engine, now));
            }
            events
        };
        let n = events.len();
        self.publish(&mut engine, now, events);
        n
    }

    /// Subscribes to the event bus from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<EventBatch>> {
        self.events.subscribe()
    }

    /// The registered key with this id.
    pub fn key(&self, key_id: &str) -> Option<RegisteredKey> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key_id)
            .cloned()
    }

    /// Records a key as belonging to `user`.
    pub(crate) fn insert_key(&self, key_id: &str, key: RegisteredKey) {
        self.changed();
        self.keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key_id.to_owned(), key);
    }

    /// True once shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Resolves when shutdown begins; long-lived tasks (WS connections, timers) select
    /// on it and finish.
    pub fn shutdown_signal(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.shutdown.subscribe();
        async move {
            // An error means the sender is gone, which also means shutting down.
            let _ = rx.wait_for(|down| *down).await;
        }
    }

    /// Starts shutdown: every [`Self::shutdown_signal`] resolves.
    pub(crate) fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }

    /// Spawns a task the server owns: `SimHandle::shutdown` waits for it to finish (after
    /// [`Self::shutdown_signal`] fires), so nothing outlives the simulator. WS connection
    /// tasks must be started through this.
    pub fn spawn<F>(&self, fut: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let mut tasks = lock(&self.tasks);
        // Reap finished tasks so a long run does not accumulate them.
        while tasks.try_join_next().is_some() {}
        tasks.spawn(fut);
    }

    /// Takes every task spawned so far (for joining at shutdown).
    pub(crate) fn take_tasks(&self) -> JoinSet<()> {
        std::mem::take(&mut *lock(&self.tasks))
    }
}
