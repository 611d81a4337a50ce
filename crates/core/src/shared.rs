//! `Shared`: the state a session's background tasks and its public methods have in common
//! (store, exchange link, event sender, status, portfolio cache, wake-ups), with the small
//! helpers that keep "emit" and "status" consistent everywhere.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use kalshi::rest::Client;
use kalshi::ws::{ConnectionState, FeedHandle};
use store::{Scope, Store};
use time::OffsetDateTime;
use tokio::sync::{Notify, broadcast, watch};

use crate::config::Tuning;
use crate::environment::DeskEnvironment;
use crate::error::{AppError, CoreError};
use crate::event::{AppEvent, ConnectionStatus, PendingOrder};
use crate::orders::Unconfirmed;
use crate::portfolio::PortfolioCache;
use crate::subscriptions::MarketSubscriptions;

/// The connection to the exchange: REST client and WebSocket feed.
#[derive(Debug)]
pub(crate) struct Link {
    /// Signed REST client.
    pub client: Client,
    /// The feed actor's handle.
    pub feed: Arc<FeedHandle>,
}

/// Where a session stands, as a `watch` value (see [`crate::Session::status`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStatus {
    /// The WebSocket feed's state.
    pub connection: ConnectionState,
    /// True until the first catch-up succeeds, and again from a disconnect until the next
    /// catch-up: shown data may be stale. Orders are refused only before the first
    /// catch-up (the exchange was never reached, so the session is read-only); after that
    /// they go over REST even while the socket reconnects, so a blip never blocks a cancel.
    pub offline: bool,
    /// Completed catch-ups since the session opened.
    pub syncs: u64,
    /// When the last catch-up finished.
    pub last_synced_at: Option<OffsetDateTime>,
}

/// State shared by a session and its tasks.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The environment.
    pub env: DeskEnvironment,
    /// The store partition (environment + key id).
    pub scope: Scope,
    /// The database.
    pub store: Store,
    /// The exchange connection.
    pub link: Link,
    /// Timing and limits.
    pub tuning: Tuning,
    /// Balance and positions as last fetched.
    pub portfolio: Mutex<PortfolioCache>,
    /// Optimistic orders by client order id, until accepted or rejected.
    pub pending: Mutex<HashMap<String, PendingOrder>>,
    /// Orders whose create went unanswered, by client order id, until resolved.
    pub unconfirmed: Mutex<HashMap<String, Unconfirmed>>,
    /// Wakes the reconciler (coalesced: many requests, one catch-up).
    pub reconcile: Notify,
    /// Wakes the portfolio refresher (coalesced, rate-limited there).
    pub refresh: Notify,
    /// Held for a whole portfolio refresh (fetch, then store). Refreshes run from the
    /// refresher, the catch-up and the periodic snapshot; unserialised, one that fetched
    /// earlier could store after one that fetched later and bring back a closed position
    /// or drop a new one.
    pub refreshing: tokio::sync::Mutex<()>,
    /// The feed dropped the private channels (refused on a reconnect): subscribe again.
    pub private_lost: Notify,
    /// Reference-counted market subscriptions and their books.
    pub markets: MarketSubscriptions,
    events: broadcast::Sender<AppEvent>,
    status: watch::Sender<SessionStatus>,
    production_confirmed: AtomicBool,
    /// Bumped on every connect and disconnect: a catch-up clears `offline` only if no
    /// connection change happened while it ran.
    epoch: AtomicU64,
}

impl Shared {
    #[expect(
        clippy::too_many_arguments,
        reason = "one constructor wiring the session's parts"
    )]
    pub(crate) fn new(
        env: DeskEnvironment,
        scope: Scope,
        store: Store,
        link: Link,
        tuning: Tuning,
        markets: MarketSubscriptions,
        events: broadcast::Sender<AppEvent>,
        production_confirmed: bool,
    ) -> Self {
        let connection = link.feed.state().borrow().clone();
        let (status, _) = watch::channel(SessionStatus {
            connection,
            offline: true,
            syncs: 0,
            last_synced_at: None,
        });
        Self {
            env,
            scope,
            store,
            link,
            tuning,
            portfolio: Mutex::new(PortfolioCache::default()),
            pending: Mutex::new(HashMap::new()),
            unconfirmed: Mutex::new(HashMap::new()),
            reconcile: Notify::new(),
            refresh: Notify::new(),
            refreshing: tokio::sync::Mutex::new(()),
            private_lost: Notify::new(),
            markets,
            events,
            status,
            production_confirmed: AtomicBool::new(production_confirmed),
            epoch: AtomicU64::new(0),
        }
    }

    /// Sends an event to every current receiver (none listening is fine).
    pub(crate) fn emit(&self, event: AppEvent) {
        let _ = self.events.send(event);
    }

    /// Emits a background failure for the person.
    pub(crate) fn emit_error(&self, error: &CoreError) {
        self.emit(AppEvent::Error(AppError::from(error)));
    }

    /// A new receiver of events from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<AppEvent> {
        self.events.subscribe()
    }

    /// A receiver of the status.
    pub(crate) fn status(&self) -> watch::Receiver<SessionStatus> {
        self.status.subscribe()
    }

    /// The current status.
    pub(crate) fn status_now(&self) -> SessionStatus {
        self.status.borrow().clone()
    }

    /// Records a feed state change; emits `Connection` when anything visible changed. A
    /// lost connection makes the session offline until the next catch-up.
    pub(crate) fn set_connection(&self, state: ConnectionState) {
        let lost = !state.is_connected();
        self.update_status(|s| {
            s.connection = state;
            if lost {
                s.offline = true;
            }
        });
    }

    /// The current connection epoch (see [`Shared::new_epoch`]).
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    /// A connection was made or lost: catch-ups started before it no longer prove the
    /// data is current.
    pub(crate) fn new_epoch(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
    }

    /// Records a finished catch-up that started in `epoch`: online again if the connection
    /// has not changed since it started (otherwise the catch-up already queued for the
    /// newer connection will clear it).
    pub(crate) fn synced(&self, at: OffsetDateTime, epoch: u64) {
        let current = self.epoch() == epoch;
        self.update_status(|s| {
            if current && s.connection.is_connected() {
                s.offline = false;
            }
            s.syncs += 1;
            s.last_synced_at = Some(at);
        });
    }

    fn update_status(&self, change: impl FnOnce(&mut SessionStatus)) {
        let mut emit = None;
        self.status.send_if_modified(|s| {
            let before = (s.connection.clone(), s.offline);
            change(s);
            let modified = (s.connection.clone(), s.offline) != before;
            if modified {
                emit = Some(ConnectionStatus {
                    state: s.connection.clone(),
                    offline: s.offline,
                    last_message_age: self.link.feed.last_message_age(),
                });
            }
            true
        });
        if let Some(status) = emit {
            self.emit(AppEvent::Connection(status));
        }
    }

    /// True while shown data may be stale (see [`SessionStatus::offline`]).
    pub(crate) fn is_offline(&self) -> bool {
        self.status.borrow().offline
    }

    /// True once a catch-up has succeeded: the exchange accepted the key and answered, so
    /// REST writes are worth sending even while the socket is down.
    pub(crate) fn has_reached_exchange(&self) -> bool {
        self.status.borrow().syncs > 0
    }

    /// Whether the person confirmed real-money trading.
    pub(crate) fn production_confirmed(&self) -> bool {
        self.production_confirmed.load(Ordering::SeqCst)
    }

    /// Sets the real-money confirmation.
    pub(crate) fn set_production_confirmed(&self, confirmed: bool) {
        self.production_confirmed.store(confirmed, Ordering::SeqCst);
    }

    /// The portfolio cache.
    pub(crate) fn portfolio(&self) -> MutexGuard<'_, PortfolioCache> {
        self.portfolio
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The optimistic orders.
    pub(crate) fn pending(&self) -> MutexGuard<'_, HashMap<String, PendingOrder>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The unconfirmed orders.
    pub(crate) fn unconfirmed(&self) -> MutexGuard<'_, HashMap<String, Unconfirmed>> {
        self.unconfirmed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Resolves once `flag` is true (or its sender is gone): the shutdown signal of a
/// session's tasks and views.
pub(crate) async fn stopped(flag: &mut watch::Receiver<bool>) {
    let _ = flag.wait_for(|stop| *stop).await;
}
