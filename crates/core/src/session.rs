//! [`Session`]: one environment and one API key. Opening wires the store, the exchange
//! (starting the embedded simulator if asked), the REST client, the WebSocket feed and
//! the background tasks; closing ends all of them. The read side (history, portfolio,
//! cached markets) answers from the store, so it works offline.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use kalshi::book::NoPriceScale;
use kalshi::model::market::Market;
use kalshi::rest::{Client, Tier};
use kalshi::ws::{Feed, FeedConfig};
use kalshi_sim::SimHandle;
use store::{
    CachedMarket, FillFilter, FillRow, MarketQuery, OrderFilter, OrderRow, Page, PageRequest,
    Scope, Store,
};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;

use crate::config::{SIMULATOR_TIER, SessionConfig};
use crate::environment::DeskEnvironment;
use crate::error::CoreError;
use crate::event::{AppEvent, ConnectionStatus};
use crate::exchange;
use crate::orders::fetch_market;
use crate::pipeline;
use crate::portfolio::{self, Portfolio};
use crate::private;
use crate::reconcile;
use crate::shared::{Link, SessionStatus, Shared};
use crate::subscriptions::{self, MarketSubscriptions, MarketView};

/// How long `close` lets a background task finish its current step before aborting it.
const TASK_GRACE: Duration = Duration::from_secs(3);

/// One environment and one API key: the REST client, the WebSocket feed, the store and
/// the tasks that keep them in step. Dropping a session without [`Session::close`] aborts
/// its tasks (nothing stored is lost: writes are transactions, and the next session's
/// catch-up restores whatever the exchange has).
#[derive(Debug)]
pub struct Session {
    pub(crate) shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
    simulator: Mutex<Option<SimHandle>>,
    first_events: Mutex<Option<broadcast::Receiver<AppEvent>>>,
    closed: AtomicBool,
}

impl Session {
    /// Opens a session: the store at `config.store_path`, the key from the credential store
    /// (made on first run for the Simulator, which is started in-process if so configured),
    /// the REST client, the WebSocket feed, and the live pipeline. It returns without
    /// waiting for the exchange: until the first catch-up the session is offline
    /// ([`Session::is_offline`]) and answers from the store; if the exchange is
    /// unreachable it stays so, read-only, and catches up when the feed connects.
    ///
    /// # Errors
    /// [`CoreError::Store`] for an unusable database file (never modified),
    /// [`CoreError::NoCredentials`], [`CoreError::Credentials`], [`CoreError::InvalidKey`],
    /// [`CoreError::Simulator`], or an invalid configuration.
    #[tracing::instrument(skip(config), fields(environment = %config.environment), err(Debug))]
    pub async fn open(config: SessionConfig) -> Result<Self, CoreError> {
        let store = Store::open(&config.store_path).await?;
        let mut endpoint = match exchange::connect(&config).await {
            Ok(endpoint) => endpoint,
            Err(e) => {
                store.close().await;
                return Err(e);
            }
        };
        let simulator = endpoint.simulator.take();
        let scope = Scope::new(
            config.environment.store_environment(),
            endpoint.credentials.key_id.clone(),
        );
        let unconfirmed = crate::orders::restore_unconfirmed(&store, &scope).await;
        match Self::start(config, store.clone(), endpoint, unconfirmed) {
            Ok(session) => {
                *session
                    .simulator
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = simulator;
                Ok(session)
            }
            Err(e) => {
                if let Some(sim) = simulator {
                    sim.shutdown().await;
                }
                store.close().await;
                Err(e)
            }
        }
    }

    fn start(
        config: SessionConfig,
        store: Store,
        endpoint: exchange::Endpoint,
        unconfirmed: Vec<crate::event::UnconfirmedOrder>,
    ) -> Result<Self, CoreError> {
        let tuning = config.tuning;
        let tier = tuning.tier.unwrap_or(match config.environment {
            DeskEnvironment::Simulator => SIMULATOR_TIER,
            DeskEnvironment::Demo | DeskEnvironment::Production => Tier::Basic,
        });
        let client = Client::builder(endpoint.environment.clone())
            .credentials(endpoint.credentials.clone())
            .tier(tier)
            .retry(tuning.retry)
            .build()?;
        let mut feed_config = FeedConfig::new(endpoint.environment, endpoint.credentials.clone());
        feed_config.backoff = tuning.backoff.clone();
        feed_config.dead_after = tuning.dead_after;
        let scale = NoPriceScale::from_use_yes_price(feed_config.use_yes_price);
        let (feed, feed_events) = Feed::spawn(feed_config)?;
        let feed = Arc::new(feed);
        let (markets, market_commands) = MarketSubscriptions::new(scale);
        let (events, first) = broadcast::channel(tuning.event_capacity.max(1));
        let scope = Scope::new(
            config.environment.store_environment(),
            endpoint.credentials.key_id.clone(),
        );
        let shared = Arc::new(Shared::new(
            config.environment,
            scope,
            store,
            Link {
                client,
                feed: feed.clone(),
            },
            tuning,
            markets,
            events,
            config.production_confirmed,
        ));
        // Held before any task runs, so the first catch-up settles them.
        crate::orders::adopt(&shared, unconfirmed);
        let now = shared.status_now();
        shared.emit(AppEvent::Connection(ConnectionStatus {
            state: now.connection,
            offline: now.offline,
            last_message_age: shared.link.feed.last_message_age(),
        }));
        // An early balance (and an early, clear error if the exchange refuses the key)
        // instead of waiting for the WebSocket.
        shared.refresh.notify_one();
        let (shutdown, stop) = watch::channel(false);
        let tasks = vec![
            tokio::spawn(pipeline::run(shared.clone(), feed_events, stop.clone())),
            tokio::spawn(private::run(shared.clone(), stop.clone())),
            tokio::spawn(reconcile::run(shared.clone(), stop.clone())),
            tokio::spawn(portfolio::run_refresher(shared.clone(), stop.clone())),
            tokio::spawn(portfolio::run_snapshots(shared.clone(), stop.clone())),
            tokio::spawn(subscriptions::run_manager(
                feed,
                shared.markets.clone(),
                market_commands,
                stop,
            )),
        ];
        tracing::info!(scope = %shared.scope, "session opened");
        Ok(Self {
            shared,
            shutdown,
            tasks: Mutex::new(tasks),
            simulator: Mutex::new(None),
            first_events: Mutex::new(Some(first)),
            closed: AtomicBool::new(false),
        })
    }

    /// Ends everything: the feed (socket closed cleanly), the background tasks, the
    /// embedded simulator and the store (WAL checkpointed). Calling it again does nothing.
    pub async fn close(&self) {
        if self.closed.swap(true, Ordering::SeqCst) {
            return;
        }
        self.shutdown.send_replace(true);
        self.shared.link.feed.shutdown().await;
        let tasks = std::mem::take(&mut *self.tasks.lock().unwrap_or_else(PoisonError::into_inner));
        for mut task in tasks {
            if tokio::time::timeout(TASK_GRACE, &mut task).await.is_err() {
                tracing::warn!("a session task did not stop in time; aborting it");
                task.abort();
                let _ = task.await;
            }
        }
        let simulator = self
            .simulator
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(sim) = simulator {
            sim.shutdown().await;
        }
        self.shared.store.close().await;
        tracing::info!(scope = %self.shared.scope, "session closed");
    }

    /// The shared state, unless the session is closed or read-only (what writes need).
    /// Read-only means no catch-up has succeeded yet: the exchange was never reached. A
    /// socket that drops later does not block writes, which go over REST; if REST is down
    /// too, the write fails with the exchange's own retryable error.
    pub(crate) fn live(&self) -> Result<&Shared, CoreError> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(CoreError::Closed);
        }
        if !self.shared.has_reached_exchange() {
            return Err(CoreError::Offline);
        }
        Ok(&self.shared)
    }

    pub(crate) fn open_shared(&self) -> Result<&Shared, CoreError> {
        if self.closed.load(Ordering::SeqCst) {
            Err(CoreError::Closed)
        } else {
            Ok(&self.shared)
        }
    }

    /// Where the embedded simulator listens (`None` unless this session started one).
    pub fn simulator_addr(&self) -> Option<std::net::SocketAddr> {
        self.simulator
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(SimHandle::addr)
    }

    /// The environment.
    pub fn environment(&self) -> DeskEnvironment {
        self.shared.env
    }

    /// The store partition of this session (environment + API key id), for queries made
    /// directly on [`Session::store`].
    pub fn scope(&self) -> &Scope {
        &self.shared.scope
    }

    /// The database, for the history, P&L and export queries (pass [`Session::scope`]).
    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// The event stream. The first call returns a receiver holding every event since the
    /// session opened (up to the channel's capacity); later calls receive from the moment
    /// of the call. A receiver that falls too far behind gets `Lagged` and should re-read
    /// state (history, portfolio).
    pub fn events(&self) -> broadcast::Receiver<AppEvent> {
        let first = self
            .first_events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        first.unwrap_or_else(|| self.shared.subscribe())
    }

    /// Where the session stands now.
    pub fn status(&self) -> SessionStatus {
        self.shared.status_now()
    }

    /// A receiver of the status (current value plus every change), e.g. to wait for the
    /// first catch-up.
    pub fn status_watch(&self) -> watch::Receiver<SessionStatus> {
        self.shared.status()
    }

    /// When the live feed last heard from the exchange: any message, pings included (Kalshi
    /// pings every 10 s), or a new connection. `None` before the first. It stops moving
    /// while the socket is down; with [`SessionStatus::connection`] it makes the status
    /// bar's "connected · 2 s".
    pub fn last_message_at(&self) -> Option<std::time::Instant> {
        self.shared.link.feed.last_message_at()
    }

    /// How long ago [`Session::last_message_at`] was.
    pub fn last_message_age(&self) -> Option<Duration> {
        self.shared.link.feed.last_message_age()
    }

    /// True while the session has not caught up with the exchange since it opened or since
    /// the connection was lost: data is the store's and may be stale. Orders are refused
    /// only until the first catch-up (see [`SessionStatus::offline`]).
    pub fn is_offline(&self) -> bool {
        self.shared.is_offline()
    }

    /// The REST rate-limit tier in force: the configured one, else Basic until the
    /// account's own limits are read after the first catch-up (Demo and Production).
    pub fn rate_tier(&self) -> kalshi::rest::Tier {
        self.shared.link.client.tier()
    }

    /// Whether the person confirmed real-money trading for this session.
    pub fn production_confirmed(&self) -> bool {
        self.shared.production_confirmed()
    }

    /// Records the person's confirmation (or withdrawal) of real-money trading.
    pub fn confirm_production(&self, confirmed: bool) {
        self.shared.set_production_confirmed(confirmed);
    }

    /// Asks for a catch-up over REST now (e.g. a "refresh" button).
    pub fn request_sync(&self) {
        self.shared.reconcile.notify_one();
    }

    /// One page of order history, newest first (works offline).
    ///
    /// # Errors
    /// [`CoreError::Store`].
    pub async fn order_history(
        &self,
        filter: &OrderFilter,
        page: &PageRequest,
    ) -> Result<Page<OrderRow>, CoreError> {
        let shared = self.open_shared()?;
        Ok(shared
            .store
            .order_history(&shared.scope, filter, page)
            .await?)
    }

    /// One page of fill history, newest first (works offline).
    ///
    /// # Errors
    /// [`CoreError::Store`].
    pub async fn fill_history(
        &self,
        filter: &FillFilter,
        page: &PageRequest,
    ) -> Result<Page<FillRow>, CoreError> {
        let shared = self.open_shared()?;
        Ok(shared
            .store
            .fill_history(&shared.scope, filter, page)
            .await?)
    }

    /// Cached markets for offline browsing.
    ///
    /// # Errors
    /// [`CoreError::Store`].
    pub async fn cached_markets(
        &self,
        query: &MarketQuery,
    ) -> Result<Vec<CachedMarket>, CoreError> {
        let shared = self.open_shared()?;
        Ok(shared.store.cached_markets(&shared.scope, query).await?)
    }

    /// A market: fresh from the exchange (and cached) once the exchange has been reached,
    /// else the cached copy. While the socket reconnects the exchange is still asked over
    /// REST, and the cached copy answers only if that fails too.
    ///
    /// # Errors
    /// [`CoreError::Order`] (`MarketNotFound`) for an unknown ticker, [`CoreError::Offline`]
    /// offline without a cached copy, or the exchange's error.
    pub async fn market(&self, ticker: &str) -> Result<Market, CoreError> {
        let shared = self.open_shared()?;
        if shared.has_reached_exchange() {
            match fetch_market(shared, ticker).await {
                Ok(market) => return Ok(market),
                // Connected and current, or a definite answer: it stands.
                Err(e) if !shared.is_offline() || !e.is_retryable() => {
                    return Err(e);
                }
                Err(e) => tracing::debug!(error = %e, ticker, "market from the cache"),
            }
        }
        match shared.store.cached_market(&shared.scope, ticker).await? {
            Some(cached) => Ok(cached.market),
            None => Err(CoreError::Offline),
        }
    }

    /// The portfolio: the last fetched balance (or, offline, the last snapshot's) and the
    /// stored positions.
    ///
    /// # Errors
    /// [`CoreError::Store`].
    pub async fn portfolio(&self) -> Result<Portfolio, CoreError> {
        let shared = self.open_shared()?;
        let positions = shared.store.positions(&shared.scope).await?;
        let cached = shared.portfolio().balance;
        let (balance, portfolio_value, as_of) = match cached {
            Some(b) => (Some(b.balance), Some(b.portfolio_value), Some(b.at)),
            None => match shared.store.latest_snapshot(&shared.scope).await? {
                Some(s) => (
                    Some(s.balance),
                    Some(s.portfolio_value),
                    Some(s.captured_at),
                ),
                None => (None, None, None),
            },
        };
        Ok(Portfolio {
            balance,
            portfolio_value,
            as_of,
            positions,
            stale: shared.is_offline(),
        })
    }

    /// Opens a live view of a market's book and ticker. Views of the same market share one
    /// WebSocket subscription; dropping the last one unsubscribes.
    ///
    /// # Errors
    /// [`CoreError::Closed`]; [`CoreError::InvalidRequest`] for an empty ticker.
    pub fn watch_market(&self, ticker: &str) -> Result<MarketView, CoreError> {
        let shared = self.open_shared()?;
        if ticker.trim().is_empty() {
            return Err(CoreError::InvalidRequest(
                "a market ticker is required".into(),
            ));
        }
        let (state, lease) = shared.markets.acquire(ticker);
        Ok(MarketView::new(
            ticker.to_owned(),
            state,
            self.shutdown.subscribe(),
            shared.tuning.view_updates_per_sec,
            shared.tuning.view_depth,
            Some(lease),
        ))
    }

    /// Markets that have at least one open view.
    pub fn watched_markets(&self) -> Vec<String> {
        self.shared.markets.tickers()
    }

    /// Waits until every subscribe/unsubscribe caused by opening or dropping views so far
    /// has been sent and answered (while disconnected, until the next connection).
    pub async fn sync_subscriptions(&self) {
        if !self.closed.load(Ordering::SeqCst) {
            self.shared.markets.barrier().await;
        }
    }

    /// The server's list of subscriptions on the current connection (diagnostics).
    ///
    /// # Errors
    /// [`CoreError::Feed`] if the feed cannot answer.
    pub async fn feed_subscriptions(
        &self,
    ) -> Result<Vec<kalshi::model::ws::SubscriptionInfo>, CoreError> {
        let shared = self.open_shared()?;
        Ok(shared.link.feed.list_subscriptions().await?)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.closed.load(Ordering::SeqCst) {
            return;
        }
        self.shutdown.send_replace(true);
        for task in self
            .tasks
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            task.abort();
        }
        // The feed actor stops once its last handle is gone (the aborted tasks drop
        // theirs); the simulator handle signals its shutdown on drop.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>(_: T) {}
    fn send_type<T: Send>() {}

    #[test]
    fn a_session_can_live_in_shared_app_state() {
        send_sync::<Session>();
        send_sync::<SessionStatus>();
        send_type::<MarketView>();
    }

    /// Never run: it only has to compile, proving the futures the shell awaits are `Send`
    /// (Tauri runs async commands on a multi-threaded runtime).
    #[allow(dead_code)]
    fn entry_point_futures_are_send(session: &Session, config: SessionConfig) {
        use crate::orders::{Decrease, OrderTicket};
        use kalshi::model::order::BookSide;
        use kalshi::model::{Count, Price};
        send(Session::open(config));
        send(session.close());
        let ticket = OrderTicket::limit("M", BookSide::Bid, Price::ONE, Count::ZERO);
        send(session.place_order(ticket));
        send(session.amend_order("o", Price::ONE, Count::ZERO));
        send(session.decrease_order("o", Decrease::By(Count::ZERO)));
        send(session.cancel_order("o"));
        send(session.cancel_all_orders(Some("M")));
        send(session.portfolio());
        send(session.market("M"));
        send(session.sync_subscriptions());
    }
}
