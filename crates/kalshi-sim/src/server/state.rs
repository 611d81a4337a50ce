//! The server's shared state: the exchange core behind one mutex, registered API keys,
//! the fault plan, the clock, the event bus the WS layer reads, and the task registry
//! that lets `shutdown` join everything the server started.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

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
    /// The static listing (series, events) of the universe the engine runs.
    pub catalog: Catalog,
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
            catalog,
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
        }
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
        lock(&self.groups)
    }

    /// Registers the seeded market makers and takers; when `seed_books` is set (the
    /// simulator runs with activity), gives every trading market a maker ladder at once.
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
