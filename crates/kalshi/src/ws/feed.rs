//! The public face of the feed: [`FeedConfig`], [`Feed::spawn`] and the [`FeedHandle`]
//! through which callers send commands, watch the connection state and shut it down.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;
use tracing::Instrument;

use super::actor::{Actor, Request};
use super::backoff::{Backoff, BackoffConfig, FullJitter, Jitter};
use super::error::{FeedConfigError, FeedError};
use super::event::FeedEvent;
use super::heard::LastHeard;
use super::state::ConnectionState;
use crate::auth::Credentials;
use crate::env::Environment;
use crate::model::ws::{Channel, MarketList, SubscriptionInfo, UpdateAction};

/// Everything the feed needs to run.
#[derive(Debug, Clone)]
pub struct FeedConfig {
    /// Where to connect (its `ws_url`; the handshake signs `ws_sign_path`).
    pub environment: Environment,
    /// Key id and signer for the handshake, re-signed on every (re)connect.
    pub credentials: Credentials,
    /// Reconnect schedule.
    pub backoff: BackoffConfig,
    /// A connection with no frame at all for this long is treated as dead (Kalshi pings
    /// every 10 s, so silence means the link is gone even if TCP has not noticed).
    pub dead_after: Duration,
    /// Limit for the TCP + TLS + upgrade handshake.
    pub connect_timeout: Duration,
    /// How long a command may wait for its reply once sent.
    pub reply_timeout: Duration,
    /// Ask for NO-side book levels in YES-leg prices (`use_yes_price`); books must be built
    /// with the matching [`crate::book::NoPriceScale`].
    pub use_yes_price: bool,
    /// Give up (state `Offline`) after this many failed attempts in a row; `None` retries
    /// forever, which is what a desktop app wants.
    pub max_attempts: Option<u32>,
    /// Capacity of the event channel; when the consumer falls behind, the feed stops
    /// reading the socket (back-pressure) rather than buffering without bound.
    pub event_capacity: usize,
}

impl FeedConfig {
    /// Defaults: 30 s dead-connection timeout, 10 s handshake and reply timeouts, default
    /// backoff, NO-leg prices, retry forever, 4096 buffered events.
    pub fn new(environment: Environment, credentials: Credentials) -> Self {
        Self {
            environment,
            credentials,
            backoff: BackoffConfig::default(),
            dead_after: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            reply_timeout: Duration::from_secs(10),
            use_yes_price: false,
            max_attempts: None,
            event_capacity: 4096,
        }
    }

    fn validate(&self) -> Result<(), FeedConfigError> {
        self.backoff.validate()?;
        let zero = [
            (self.dead_after.is_zero(), "dead_after"),
            (self.connect_timeout.is_zero(), "connect_timeout"),
            (self.reply_timeout.is_zero(), "reply_timeout"),
            (self.event_capacity == 0, "event_capacity"),
        ];
        match zero.into_iter().find(|(is_zero, _)| *is_zero) {
            Some((_, name)) => Err(FeedConfigError::Zero(name)),
            None => Ok(()),
        }
    }
}

/// Starts feeds.
#[derive(Debug)]
pub struct Feed;

impl Feed {
    /// Starts the feed actor on the current tokio runtime; it connects at once and keeps
    /// reconnecting until shut down. Returns the handle and the event stream.
    ///
    /// # Errors
    /// [`FeedConfigError`] for an invalid config (nothing is started).
    ///
    /// # Panics
    /// If called outside a tokio runtime (as `tokio::spawn` does).
    pub fn spawn(
        config: FeedConfig,
    ) -> Result<(FeedHandle, mpsc::Receiver<FeedEvent>), FeedConfigError> {
        Self::spawn_with_jitter(config, Box::new(FullJitter::new()))
    }

    /// [`Feed::spawn`] with an explicit jitter source (e.g. [`super::NoJitter`] in tests).
    ///
    /// # Errors
    /// [`FeedConfigError`] for an invalid config (nothing is started).
    ///
    /// # Panics
    /// If called outside a tokio runtime.
    pub fn spawn_with_jitter(
        config: FeedConfig,
        jitter: Box<dyn Jitter>,
    ) -> Result<(FeedHandle, mpsc::Receiver<FeedEvent>), FeedConfigError> {
        config.validate()?;
        let config_kind = config.environment.kind();
        let config_url = config.environment.ws_url().clone();
        let backoff = Backoff::new(config.backoff.clone(), jitter)?;
        let (request_tx, request_rx) = mpsc::channel(64);
        let (event_tx, event_rx) = mpsc::channel(config.event_capacity);
        let (state_tx, state_rx) = watch::channel(ConnectionState::Connecting);
        let (shutdown_tx, shutdown_rx) = watch::channel(false);
        let heard = Arc::new(LastHeard::new());
        let actor = Actor::new(
            config,
            backoff,
            request_rx,
            shutdown_rx,
            event_tx,
            state_tx,
            heard.clone(),
        );
        let span = tracing::info_span!(
            "ws_feed",
            environment = %config_kind,
            url = %config_url
        );
        let task = tokio::spawn(actor.run().instrument(span));
        let handle = FeedHandle {
            requests: request_tx,
            shutdown: shutdown_tx,
            state: state_rx,
            heard,
            task: Mutex::new(Some(task)),
        };
        Ok((handle, event_rx))
    }
}

/// Sends commands to the feed actor. Replies are matched to commands by id; server errors
/// come back as [`FeedError::Server`]. While the feed is between connections, commands
/// wait for the next connection (wrap calls in a timeout if that matters to the caller).
///
/// Dropping every handle stops the actor as well; [`FeedHandle::shutdown`] additionally
/// closes the socket cleanly and waits for the task to end.
#[derive(Debug)]
pub struct FeedHandle {
    requests: mpsc::Sender<Request>,
    shutdown: watch::Sender<bool>,
    state: watch::Receiver<ConnectionState>,
    heard: Arc<LastHeard>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl FeedHandle {
    /// Subscribes to `channels` for `market_tickers` (empty = all markets) and adds them to
    /// the desired set that is re-sent on every reconnect.
    ///
    /// # Errors
    /// [`FeedError`]: the server's error, a timeout, a lost connection or a closed feed.
    pub async fn subscribe(
        &self,
        channels: impl IntoIterator<Item = Channel>,
        market_tickers: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<Vec<SubscriptionInfo>, FeedError> {
        let channels: Vec<Channel> = channels.into_iter().collect();
        let tickers: Vec<String> = market_tickers.into_iter().map(Into::into).collect();
        if channels.is_empty() {
            return Err(FeedError::InvalidRequest(
                "subscribe needs at least one channel",
            ));
        }
        self.call(|reply| Request::Subscribe {
            channels,
            tickers,
            reply,
        })
        .await
    }

    /// Unsubscribes from `channels` and removes them from the desired set. Returns the
    /// sids that were closed (none if the channel had no live subscription).
    ///
    /// # Errors
    /// [`FeedError`]: the server's error, a timeout, a lost connection or a closed feed.
    pub async fn unsubscribe(
        &self,
        channels: impl IntoIterator<Item = Channel>,
    ) -> Result<Vec<u64>, FeedError> {
        let channels: Vec<Channel> = channels.into_iter().collect();
        self.call(|reply| Request::Unsubscribe { channels, reply })
            .await
    }

    /// Adds or deletes markets of the live `channel` subscription (`get_snapshot` asks for
    /// fresh snapshots instead). The desired set follows. Returns the server's market list.
    ///
    /// # Errors
    /// [`FeedError::NotSubscribed`] if the channel has no live subscription, otherwise as
    /// for [`FeedHandle::subscribe`].
    pub async fn update_subscription(
        &self,
        channel: Channel,
        action: UpdateAction,
        market_tickers: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<MarketList, FeedError> {
        let tickers: Vec<String> = market_tickers.into_iter().map(Into::into).collect();
        self.call(|reply| Request::Update {
            channel,
            action,
            tickers,
            reply,
        })
        .await
    }

    /// The server's list of open subscriptions on this connection.
    ///
    /// # Errors
    /// As for [`FeedHandle::subscribe`].
    pub async fn list_subscriptions(&self) -> Result<Vec<SubscriptionInfo>, FeedError> {
        self.call(|reply| Request::List { reply }).await
    }

    /// A receiver of the connection state (current value plus every change).
    pub fn state(&self) -> watch::Receiver<ConnectionState> {
        self.state.clone()
    }

    /// When the feed last heard from the exchange (any frame, pings included, or a
    /// completed handshake); `None` before the first. It stops moving while the socket is
    /// down, so "connected · 2 s" shows how fresh the data is.
    pub fn last_message_at(&self) -> Option<Instant> {
        self.heard.at()
    }

    /// How long ago [`FeedHandle::last_message_at`] was.
    pub fn last_message_age(&self) -> Option<Duration> {
        self.heard.at().map(|at| at.elapsed())
    }

    /// Closes the connection cleanly, fails waiting commands with [`FeedError::Closed`] and
    /// waits for the actor task to end. Calling it again does nothing.
    pub async fn shutdown(&self) {
        let task = match self.task.lock() {
            Ok(mut guard) => guard.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(task) = task else { return };
        self.shutdown.send_replace(true);
        if let Err(e) = task.await {
            tracing::error!(error = %e, "feed actor task failed");
        }
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, FeedError>>) -> Request,
    ) -> Result<T, FeedError> {
        let (tx, rx) = oneshot::channel();
        self.requests
            .send(make(tx))
            .await
            .map_err(|_| FeedError::Closed)?;
        rx.await.unwrap_or(Err(FeedError::Closed))
    }
}
