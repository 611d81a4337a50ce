//! The feed actor: the one task that owns the socket. A single `select!` loop serves
//! frames, caller requests, the dead-connection deadline and reply deadlines; between
//! connections it waits out the backoff while still accepting requests.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use http::{HeaderName, HeaderValue};
use time::OffsetDateTime;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::{Instant, sleep_until};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{self, Message as WsFrame};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::backoff::Backoff;
use super::error::{ConnectError, FeedError};
use super::event::FeedEvent;
use super::feed::FeedConfig;
use super::handler::{Expect, PendingReplies, Reply, SequenceTracker};
use super::heard::LastHeard;
use super::state::ConnectionState;
use super::subscriptions::{Added, MarketFilter, Subscriptions};
use crate::model::ws::{
    Channel, Command, CommandBody, MarketList, Message, MessageDecodeError, OkReply,
    SubscriptionInfo, UnknownMessage, UpdateAction, WsError,
};

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long shutdown waits for the server to answer our Close frame.
const CLOSE_GRACE: std::time::Duration = std::time::Duration::from_secs(1);
type Responder<T> = oneshot::Sender<Result<T, FeedError>>;

/// A caller's request, sent from [`super::FeedHandle`].
#[derive(Debug)]
pub(super) enum Request {
    Subscribe {
        channels: Vec<Channel>,
        tickers: Vec<String>,
        reply: Responder<Vec<SubscriptionInfo>>,
    },
    Unsubscribe {
        channels: Vec<Channel>,
        reply: Responder<Vec<u64>>,
    },
    Update {
        channel: Channel,
        action: UpdateAction,
        tickers: Vec<String>,
        reply: Responder<MarketList>,
    },
    List {
        reply: Responder<Vec<SubscriptionInfo>>,
    },
}

/// Who waits for a command's reply.
#[derive(Debug)]
enum Waiter {
    /// A caller's subscribe; `added` is undone from the desired set if the server refuses.
    Subscribe(Responder<Vec<SubscriptionInfo>>, Added),
    Unsubscribe(Responder<Vec<u64>>),
    /// A caller's update; a refused add/delete is reverted in the desired set.
    Update(Responder<MarketList>, Channel, UpdateAction, Vec<String>),
    List(Responder<Vec<SubscriptionInfo>>),
    /// Part of re-sending the desired set after a connect (these channels); callers wait
    /// until all are done.
    Resubscribe(Vec<Channel>),
    /// `get_snapshot` sent because of a gap on `sid`.
    Resync {
        sid: u64,
        channel: Channel,
    },
    /// A fresh subscription replacing `old_sid` (after a gap or a terminal error).
    Replace {
        old_sid: u64,
        channel: Channel,
    },
    /// Nobody (e.g. the unsubscribe of a replaced sid).
    Ignore,
}

impl Waiter {
    fn fail(self, error: FeedError) {
        // A caller that stopped waiting has dropped its receiver; nothing to do then.
        match self {
            Waiter::Subscribe(tx, _) | Waiter::List(tx) => drop(tx.send(Err(error))),
            Waiter::Unsubscribe(tx) => drop(tx.send(Err(error))),
            Waiter::Update(tx, ..) => drop(tx.send(Err(error))),
            Waiter::Resubscribe(_)
            | Waiter::Resync { .. }
            | Waiter::Replace { .. }
            | Waiter::Ignore => {}
        }
    }
}

/// What woke the connection loop.
enum Step {
    Shutdown,
    Frame(Option<Result<WsFrame, tungstenite::Error>>),
    Request(Option<Request>),
    Dead,
    Expire,
}

/// How a connection (or an attempt) ended.
enum Exit {
    Shutdown,
    Dropped(String),
}

pub(super) struct Actor {
    config: FeedConfig,
    backoff: Backoff,
    requests: mpsc::Receiver<Request>,
    shutdown: watch::Receiver<bool>,
    events: mpsc::Sender<FeedEvent>,
    state: watch::Sender<ConnectionState>,
    subs: Subscriptions,
    tracker: SequenceTracker,
    pending: PendingReplies<Waiter>,
    /// Requests that arrived while not connected, or before the desired set was restored.
    parked: VecDeque<Request>,
    next_id: u64,
    connected_before: bool,
    /// Sids with a resync in flight (one request per gap burst).
    resyncing: HashSet<u64>,
    /// Re-subscribe commands of the current connection still unanswered.
    restoring: usize,
    /// Set when shutdown was requested while blocked on the event channel.
    stopping: bool,
    /// Marked on every frame and handshake.
    heard: Arc<LastHeard>,
}

impl Actor {
    pub(super) fn new(
        config: FeedConfig,
        backoff: Backoff,
        requests: mpsc::Receiver<Request>,
        shutdown: watch::Receiver<bool>,
        events: mpsc::Sender<FeedEvent>,
        state: watch::Sender<ConnectionState>,
        heard: Arc<LastHeard>,
    ) -> Self {
        Self {
            config,
            backoff,
            requests,
            shutdown,
            events,
            state,
            subs: Subscriptions::new(),
            tracker: SequenceTracker::new(),
            pending: PendingReplies::new(),
            parked: VecDeque::new(),
            next_id: 1,
            connected_before: false,
            resyncing: HashSet::new(),
            restoring: 0,
            stopping: false,
            heard,
        }
    }

    pub(super) async fn run(mut self) {
        let mut failures: u32 = 0;
        let reason = loop {
            if self.stopping {
                break "shut down".to_owned();
            }
            self.state.send_replace(ConnectionState::Connecting);
            let exit = match self.connect().await {
                Ok(ws) => {
                    failures = 0;
                    self.serve(ws).await
                }
                Err(ConnectAttempt::Shutdown) => Exit::Shutdown,
                Err(ConnectAttempt::Failed(e)) => {
                    failures = failures.saturating_add(1);
                    let reason = format!("connection attempt failed: {e}");
                    if let Some(max) = self.config.max_attempts
                        && failures >= max
                    {
                        self.emit(FeedEvent::Disconnected {
                            reason: reason.clone(),
                        })
                        .await;
                        break format!("gave up after {failures} failed attempts: {e}");
                    }
                    Exit::Dropped(reason)
                }
            };
            let reason = match exit {
                Exit::Shutdown => break "shut down".to_owned(),
                Exit::Dropped(reason) => reason,
            };
            tracing::warn!(%reason, "WebSocket feed disconnected");
            self.emit(FeedEvent::Disconnected {
                reason: reason.clone(),
            })
            .await;
            let retry_in = self.backoff.next_delay();
            let attempt = self.backoff.attempt();
            self.state
                .send_replace(ConnectionState::Reconnecting { attempt, retry_in });
            self.emit(FeedEvent::Reconnecting { attempt, retry_in })
                .await;
            if self.idle(Instant::now() + retry_in).await {
                break "shut down".to_owned();
            }
        };
        for request in self.parked.drain(..) {
            waiter_of(request).fail(FeedError::Closed);
        }
        tracing::info!(%reason, "WebSocket feed stopped");
        self.state.send_replace(ConnectionState::Offline { reason });
    }

    // -----------------------------------------------------------------------------------
    // Between connections

    /// Opens a connection while still accepting (parking) requests and honouring shutdown.
    async fn connect(&mut self) -> Result<Ws, ConnectAttempt> {
        let attempt = open(
            self.config.environment.clone(),
            self.config.credentials.clone(),
            self.config.connect_timeout,
        );
        tokio::pin!(attempt);
        loop {
            tokio::select! {
                biased;
                _ = self.shutdown.wait_for(|stop| *stop) => return Err(ConnectAttempt::Shutdown),
                result = &mut attempt => return result.map_err(ConnectAttempt::Failed),
                request = self.requests.recv() => match request {
                    Some(request) => self.parked.push_back(request),
                    None => return Err(ConnectAttempt::Shutdown),
                },
            }
        }
    }

    /// Waits until `until`, parking requests; returns `true` if shutdown came first.
    async fn idle(&mut self, until: Instant) -> bool {
        loop {
            tokio::select! {
                biased;
                _ = self.shutdown.wait_for(|stop| *stop) => return true,
                () = sleep_until(until) => return false,
                request = self.requests.recv() => match request {
                    Some(request) => self.parked.push_back(request),
                    None => return true,
                },
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // One connection

    async fn serve(&mut self, mut ws: Ws) -> Exit {
        self.heard.mark();
        self.backoff.connected(Instant::now());
        self.subs.on_connect();
        self.tracker.clear();
        self.resyncing.clear();
        let exit = match self.restore(&mut ws).await {
            Ok(()) => {
                let event = if self.connected_before {
                    FeedEvent::Reconnected
                } else {
                    FeedEvent::Connected
                };
                self.connected_before = true;
                tracing::info!(url = %self.config.environment.ws_url(), "WebSocket feed connected");
                self.state.send_replace(ConnectionState::Connected {
                    since: OffsetDateTime::now_utc(),
                });
                self.emit(event).await;
                self.serve_loop(&mut ws).await
            }
            Err(exit) => exit,
        };
        self.backoff.disconnected(Instant::now());
        self.restoring = 0;
        let error = match exit {
            Exit::Shutdown => FeedError::Closed,
            Exit::Dropped(_) => FeedError::Disconnected,
        };
        for waiter in self.pending.drain() {
            waiter.fail(error.clone());
        }
        if let Exit::Shutdown = exit {
            close(&mut ws, CLOSE_GRACE.min(self.config.connect_timeout)).await;
        }
        exit
    }

    /// Re-sends the desired subscription set on a fresh connection.
    async fn restore(&mut self, ws: &mut Ws) -> Result<(), Exit> {
        self.restoring = 0;
        for (channels, tickers) in self.subs.resubscribe_plan() {
            let id = self.take_id();
            let expect = Expect::Subscribed(channels.len());
            let waiter = Waiter::Resubscribe(channels.clone());
            let command = self.subscribe_command(id, channels, tickers);
            self.pending
                .insert(id, expect, self.reply_deadline(), waiter);
            self.restoring += 1;
            send(ws, &command).await?;
        }
        Ok(())
    }

    async fn serve_loop(&mut self, ws: &mut Ws) -> Exit {
        let mut last_frame = Instant::now();
        loop {
            if self.stopping {
                return Exit::Shutdown;
            }
            if self.restoring == 0
                && let Some(request) = self.parked.pop_front()
            {
                if let Err(exit) = self.handle_request(ws, request).await {
                    return exit;
                }
                continue;
            }
            let dead_at = last_frame + self.config.dead_after;
            let reply_deadline = self.pending.next_deadline();
            let step = tokio::select! {
                biased;
                _ = self.shutdown.wait_for(|stop| *stop) => Step::Shutdown,
                frame = ws.next() => Step::Frame(frame),
                request = self.requests.recv() => Step::Request(request),
                () = sleep_until(dead_at) => Step::Dead,
                () = sleep_until(reply_deadline.unwrap_or(dead_at)), if reply_deadline.is_some() => {
                    Step::Expire
                }
            };
            let result = match step {
                Step::Shutdown | Step::Request(None) => Err(Exit::Shutdown),
                Step::Frame(frame) => {
                    last_frame = Instant::now();
                    if matches!(frame, Some(Ok(_))) {
                        self.heard.mark();
                    }
                    self.on_frame(ws, frame).await
                }
                Step::Request(Some(request)) if self.restoring > 0 => {
                    self.parked.push_back(request);
                    Ok(())
                }
                Step::Request(Some(request)) => self.handle_request(ws, request).await,
                Step::Dead => Err(Exit::Dropped(format!(
                    "no frame for {:?}; connection presumed dead",
                    self.config.dead_after
                ))),
                Step::Expire => {
                    self.expire();
                    Ok(())
                }
            };
            if let Err(exit) = result {
                return exit;
            }
        }
    }

    async fn on_frame(
        &mut self,
        ws: &mut Ws,
        frame: Option<Result<WsFrame, tungstenite::Error>>,
    ) -> Result<(), Exit> {
        match frame {
            Some(Ok(WsFrame::Text(text))) => self.on_text(ws, text.as_str()).await,
            Some(Ok(WsFrame::Binary(bytes))) => {
                let error = MessageDecodeError::frame(format!(
                    "unexpected binary frame of {} bytes",
                    bytes.len()
                ));
                tracing::warn!(%error, "malformed WebSocket frame");
                self.emit(FeedEvent::Malformed { error }).await;
                Ok(())
            }
            // tungstenite queues the Pong while reading; flush so it leaves now.
            Some(Ok(WsFrame::Ping(_))) => ws
                .flush()
                .await
                .map_err(|e| Exit::Dropped(format!("could not answer ping: {e}"))),
            Some(Ok(WsFrame::Pong(_) | WsFrame::Frame(_))) => Ok(()),
            Some(Ok(WsFrame::Close(frame))) => Err(Exit::Dropped(match frame {
                Some(f) => format!("server closed the connection ({}: {})", f.code, f.reason),
                None => "server closed the connection".to_owned(),
            })),
            Some(Err(e)) => Err(Exit::Dropped(format!("read failed: {e}"))),
            None => Err(Exit::Dropped("connection ended".to_owned())),
        }
    }

    async fn on_text(&mut self, ws: &mut Ws, text: &str) -> Result<(), Exit> {
        let message = match Message::from_json(text) {
            Ok(message) => message,
            Err(error) => {
                tracing::warn!(%error, "malformed WebSocket frame");
                self.emit(FeedEvent::Malformed { error }).await;
                return Ok(());
            }
        };
        if let Some((sid, expected, got)) = self.check_sequence(&message) {
            let channel = self.subs.channel_of(sid);
            tracing::warn!(sid, expected, got, ?channel, "sequence gap; resyncing");
            self.emit(FeedEvent::Gap {
                sid,
                channel,
                expected,
                got,
            })
            .await;
            self.resync(ws, sid, channel).await?;
        }
        match &message {
            Message::Subscribed(s) => {
                self.tracker.forget(s.msg.sid);
                self.subs.confirm(s.msg.sid, s.msg.channel);
            }
            Message::Unsubscribed(u) => {
                self.subs.forget_sid(u.sid);
                self.tracker.forget(u.sid);
            }
            _ => {}
        }
        let completed = self.pending.on_message(&message);
        let dead_sid = match (&message, &completed) {
            (Message::Error(e), None) if e.msg.is_terminal() => e.sid,
            _ => None,
        };
        if let Message::Error(e) = &message
            && completed.is_none()
        {
            tracing::warn!(code = e.msg.code, msg = %e.msg.msg, sid = ?e.sid, "server error");
        }
        self.emit(FeedEvent::Message(Box::new(message))).await;
        if let Some((waiter, outcome)) = completed {
            self.complete(ws, waiter, outcome).await?;
        }
        if let Some(sid) = dead_sid
            && let Some(channel) = self.subs.forget_sid(sid)
        {
            // Codes 10, 17, 25: the subscription is dead server-side; open a new one.
            self.tracker.forget(sid);
            if self.resyncing.insert(sid) {
                self.replace(ws, sid, channel, false).await?;
            }
        }
        Ok(())
    }

    /// Checks a message's seq; returns `(sid, expected, got)` on a gap.
    fn check_sequence(&mut self, message: &Message) -> Option<(u64, u64, u64)> {
        let (sid, seq) = match message {
            Message::OrderbookSnapshot(d) => (d.sid, d.seq),
            Message::OrderbookDelta(d) => (d.sid, d.seq),
            Message::OrderGroupUpdates(d) => (d.sid, d.seq),
            Message::Unknown(UnknownMessage {
                sid: Some(sid),
                seq: Some(seq),
                ..
            }) if self
                .subs
                .channel_of(*sid)
                .is_some_and(Channel::is_sequenced) =>
            {
                (*sid, *seq)
            }
            Message::Ok(OkReply {
                sid: Some(sid),
                seq: Some(seq),
                ..
            }) => {
                self.tracker.advance_if_next(*sid, *seq);
                return None;
            }
            _ => return None,
        };
        self.tracker
            .observe(sid, seq)
            .err()
            .map(|gap| (gap.sid, gap.expected, gap.got))
    }

    /// Asks for fresh state of a gapped sid: snapshots for order books, otherwise a new
    /// subscription. One request per sid until it is answered.
    async fn resync(
        &mut self,
        ws: &mut Ws,
        sid: u64,
        channel: Option<Channel>,
    ) -> Result<(), Exit> {
        let Some(channel) = channel else {
            tracing::warn!(
                sid,
                "gap on a sid this connection does not know; cannot resync"
            );
            return Ok(());
        };
        if !self.resyncing.insert(sid) {
            return Ok(());
        }
        let tickers = match self.subs.desired(channel) {
            Some(MarketFilter::Markets(set)) if !set.is_empty() => {
                set.iter().cloned().collect::<Vec<_>>()
            }
            _ => Vec::new(),
        };
        if channel == Channel::OrderbookDelta && !tickers.is_empty() {
            let id = self.take_id();
            let command = Command::update_subscription(id, sid, UpdateAction::GetSnapshot, tickers);
            self.pending.insert(
                id,
                Expect::Ok,
                self.reply_deadline(),
                Waiter::Resync { sid, channel },
            );
            send(ws, &command).await
        } else {
            self.replace(ws, sid, channel, true).await
        }
    }

    /// Replaces `old_sid` by a fresh subscription to `channel` for the desired markets.
    async fn replace(
        &mut self,
        ws: &mut Ws,
        old_sid: u64,
        channel: Channel,
        unsubscribe_old: bool,
    ) -> Result<(), Exit> {
        if unsubscribe_old {
            let id = self.take_id();
            self.pending.insert(
                id,
                Expect::Unsubscribed(1),
                self.reply_deadline(),
                Waiter::Ignore,
            );
            send(ws, &Command::unsubscribe(id, vec![old_sid])).await?;
        }
        let Some(filter) = self.subs.desired(channel) else {
            self.resyncing.remove(&old_sid);
            return Ok(());
        };
        let tickers = filter.tickers();
        let id = self.take_id();
        let command = self.subscribe_command(id, vec![channel], tickers);
        self.pending.insert(
            id,
            Expect::Subscribed(1),
            self.reply_deadline(),
            Waiter::Replace { old_sid, channel },
        );
        send(ws, &command).await
    }

    async fn complete(
        &mut self,
        ws: &mut Ws,
        waiter: Waiter,
        outcome: Result<Reply, WsError>,
    ) -> Result<(), Exit> {
        match waiter {
            Waiter::Subscribe(tx, added) => {
                if outcome.is_err() {
                    self.subs.undo(added);
                }
                deliver(tx, outcome, |r| match r {
                    Reply::Subscribed(list) => Some(list),
                    _ => None,
                });
            }
            Waiter::List(tx) => deliver(tx, outcome, |r| match r {
                Reply::Subscriptions(list) => Some(list),
                _ => None,
            }),
            Waiter::Unsubscribe(tx) => deliver(tx, outcome, |r| match r {
                Reply::Unsubscribed(sids) => Some(sids),
                _ => None,
            }),
            Waiter::Update(tx, channel, action, changed) => {
                if outcome.is_err() {
                    match action {
                        UpdateAction::AddMarkets => {
                            self.subs.delete_markets(channel, &changed);
                        }
                        UpdateAction::DeleteMarkets => {
                            self.subs.add_markets(channel, &changed);
                        }
                        UpdateAction::GetSnapshot => {}
                    }
                }
                deliver(tx, outcome, |r| match r {
                    Reply::Updated(list) => Some(list),
                    _ => None,
                });
            }
            Waiter::Resubscribe(channels) => {
                self.restoring = self.restoring.saturating_sub(1);
                if let Err(error) = outcome {
                    // As for a refused subscribe: no longer wanted (it would be refused on
                    // every reconnect); the consumer decides whether to ask again.
                    tracing::warn!(?channels, code = error.code, msg = %error.msg, "re-subscribe after connect refused");
                    self.subs.remove(&channels);
                    self.emit(FeedEvent::SubscribeRefused { channels, error })
                        .await;
                }
            }
            Waiter::Resync { sid, channel } => match outcome {
                Ok(_) => {
                    self.resyncing.remove(&sid);
                    self.emit(FeedEvent::Resynced { sid, channel }).await;
                }
                Err(e) => {
                    tracing::warn!(sid, code = e.code, msg = %e.msg, "get_snapshot refused; resubscribing");
                    self.replace(ws, sid, channel, true).await?;
                }
            },
            Waiter::Replace { old_sid, channel } => {
                self.resyncing.remove(&old_sid);
                match outcome {
                    Ok(Reply::Subscribed(list)) => {
                        for info in list {
                            self.emit(FeedEvent::Resynced {
                                sid: info.sid,
                                channel: info.channel,
                            })
                            .await;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(%channel, code = e.code, msg = %e.msg, "resubscribe failed");
                    }
                }
            }
            Waiter::Ignore => {}
        }
        Ok(())
    }

    /// Fails every command whose reply is overdue.
    fn expire(&mut self) {
        for waiter in self.pending.expire(Instant::now()) {
            match waiter {
                Waiter::Resubscribe(_) => self.restoring = self.restoring.saturating_sub(1),
                Waiter::Resync { sid, .. } => {
                    self.resyncing.remove(&sid);
                }
                Waiter::Replace { old_sid, .. } => {
                    self.resyncing.remove(&old_sid);
                }
                other => other.fail(FeedError::Timeout),
            }
        }
    }

    async fn handle_request(&mut self, ws: &mut Ws, request: Request) -> Result<(), Exit> {
        match request {
            Request::Subscribe {
                mut channels,
                tickers,
                reply,
            } => {
                let mut seen = HashSet::new();
                channels.retain(|c| seen.insert(*c));
                let added = self.subs.add(&channels, &tickers);
                let id = self.take_id();
                let expect = Expect::Subscribed(channels.len());
                let command = self.subscribe_command(id, channels, tickers);
                self.pending.insert(
                    id,
                    expect,
                    self.reply_deadline(),
                    Waiter::Subscribe(reply, added),
                );
                send(ws, &command).await
            }
            Request::Unsubscribe { channels, reply } => {
                self.subs.remove(&channels);
                let sids = self.subs.sids_of(&channels);
                if sids.is_empty() {
                    drop(reply.send(Ok(Vec::new())));
                    return Ok(());
                }
                let id = self.take_id();
                self.pending.insert(
                    id,
                    Expect::Unsubscribed(sids.len()),
                    self.reply_deadline(),
                    Waiter::Unsubscribe(reply),
                );
                send(ws, &Command::unsubscribe(id, sids)).await
            }
            Request::Update {
                channel,
                action,
                tickers,
                reply,
            } => {
                let Some(sid) = self.subs.sid_of(channel) else {
                    drop(reply.send(Err(FeedError::NotSubscribed(channel))));
                    return Ok(());
                };
                let changed = match action {
                    UpdateAction::AddMarkets => self.subs.add_markets(channel, &tickers),
                    UpdateAction::DeleteMarkets => self.subs.delete_markets(channel, &tickers),
                    UpdateAction::GetSnapshot => Vec::new(),
                };
                let id = self.take_id();
                let waiter = Waiter::Update(reply, channel, action, changed);
                self.pending
                    .insert(id, Expect::Ok, self.reply_deadline(), waiter);
                send(ws, &Command::update_subscription(id, sid, action, tickers)).await
            }
            Request::List { reply } => {
                let id = self.take_id();
                self.pending
                    .insert(id, Expect::Ok, self.reply_deadline(), Waiter::List(reply));
                send(ws, &Command::list_subscriptions(id)).await
            }
        }
    }

    // -----------------------------------------------------------------------------------
    // Helpers

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        id
    }

    fn reply_deadline(&self) -> Instant {
        Instant::now() + self.config.reply_timeout
    }

    fn subscribe_command(&self, id: u64, channels: Vec<Channel>, tickers: Vec<String>) -> Command {
        let book = channels.contains(&Channel::OrderbookDelta);
        let mut command = Command::subscribe(id, channels, tickers);
        if let CommandBody::Subscribe(params) = &mut command.body
            && book
            && self.config.use_yes_price
        {
            params.use_yes_price = Some(true);
        }
        command
    }

    /// Sends an event, waiting for room (back-pressure) but not past a shutdown request.
    async fn emit(&mut self, event: FeedEvent) {
        tokio::select! {
            biased;
            // A consumer that dropped its receiver simply stops getting events.
            _ = self.events.send(event) => {}
            _ = self.shutdown.wait_for(|stop| *stop) => self.stopping = true,
        }
    }
}

/// The result of a connection attempt that did not produce a socket.
enum ConnectAttempt {
    Shutdown,
    Failed(ConnectError),
}

/// Signs and performs the handshake.
async fn open(
    environment: crate::env::Environment,
    credentials: crate::auth::Credentials,
    timeout: std::time::Duration,
) -> Result<Ws, ConnectError> {
    let headers = credentials
        .headers_now("GET", environment.ws_sign_path())
        .map_err(|e| ConnectError::Sign(e.to_string()))?;
    let mut request = environment
        .ws_url()
        .as_str()
        .into_client_request()
        .map_err(|e| ConnectError::Transport(e.to_string()))?;
    for (name, value) in headers.pairs() {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|e| ConnectError::Sign(e.to_string()))?;
        let value = HeaderValue::from_str(value).map_err(|e| ConnectError::Sign(e.to_string()))?;
        request.headers_mut().insert(name, value);
    }
    match tokio::time::timeout(timeout, tokio_tungstenite::connect_async(request)).await {
        Err(_) => Err(ConnectError::Timeout),
        Ok(Err(tungstenite::Error::Http(response))) => Err(ConnectError::Rejected {
            status: response.status().as_u16(),
        }),
        Ok(Err(e)) => Err(ConnectError::Transport(e.to_string())),
        Ok(Ok((ws, _response))) => Ok(ws),
    }
}

async fn send(ws: &mut Ws, command: &Command) -> Result<(), Exit> {
    tracing::debug!(
        id = command.id,
        cmd = command.name(),
        "sending WebSocket command"
    );
    ws.send(WsFrame::text(command.to_json()))
        .await
        .map_err(|e| Exit::Dropped(format!("send failed: {e}")))
}

/// Sends a Close frame and waits (bounded) for the server's answer, so the server sees a
/// clean close rather than a reset.
async fn close(ws: &mut Ws, limit: std::time::Duration) {
    let closing = async {
        if ws.close(None).await.is_err() {
            return;
        }
        while let Some(Ok(frame)) = ws.next().await {
            if frame.is_close() {
                break;
            }
        }
    };
    if tokio::time::timeout(limit, closing).await.is_err() {
        tracing::debug!("server did not answer the close frame in time");
    }
}

fn deliver<T>(
    tx: Responder<T>,
    outcome: Result<Reply, WsError>,
    pick: impl FnOnce(Reply) -> Option<T>,
) {
    let result = match outcome {
        Ok(reply) => pick(reply).ok_or(FeedError::InvalidRequest(
            "the server answered with a reply of another kind",
        )),
        Err(e) => Err(FeedError::Server(e)),
    };
    drop(tx.send(result));
}

fn waiter_of(request: Request) -> Waiter {
    match request {
        Request::Subscribe { reply, .. } => Waiter::Subscribe(reply, Added::default()),
        Request::Unsubscribe { reply, .. } => Waiter::Unsubscribe(reply),
        Request::Update {
            channel,
            action,
            reply,
            ..
        } => Waiter::Update(reply, channel, action, Vec::new()),
        Request::List { reply } => Waiter::List(reply),
    }
}
