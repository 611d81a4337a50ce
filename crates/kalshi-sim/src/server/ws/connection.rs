//! The task that serves one WebSocket connection: a single `select!` loop over client
//! frames, the event bus, fault-plan commands, the heartbeat and shutdown, writing
//! through a bounded outbound queue so a slow client never blocks anything else.
//!
//! Consistency: a command that reads the exchange (snapshots, market checks) runs inside
//! [`SimState::subscribe_with`], after draining every batch already on the bus into the
//! session, so a snapshot is followed by exactly the deltas that happened after it.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::task::{Poll, ready};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::{CloseFrame, Message as Frame, Utf8Bytes, WebSocket, close_code};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use kalshi::model::ws::Message;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};
use tokio::time::{Instant, MissedTickBehavior, interval_at};
use tracing::Instrument;

use super::codes::{self, Code};
use super::commands;
use super::env::{EngineView, Hooks};
use super::session::Session;
use crate::server::auth::Caller;
use crate::server::faults::{Faults, WsControl};
use crate::server::state::{EventBatch, SharedState, SimState};

/// Payload of the server's keep-alive pings, as Kalshi sends it.
pub const HEARTBEAT_PAYLOAD: &[u8] = b"heartbeat";

/// How long a closing connection waits to hand its close frame to the socket.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// Most bus batches taken per loop turn (bounds the work done between socket polls).
const BUS_BURST: usize = 64;

/// Per-connection settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// Interval of the server's `heartbeat` pings.
    pub heartbeat: Duration,
    /// Data messages that may wait in the outbound queue before the connection counts as a
    /// slow consumer (its subscriptions then die with error 25).
    pub max_queued: usize,
}

/// A frame waiting to be written.
#[derive(Debug)]
struct Queued {
    frame: Frame,
    /// A channel message (dropped on overflow), as opposed to a reply or a ping.
    data: bool,
}

/// The outbound queue and the sink's flush state.
#[derive(Debug, Default)]
struct Outbound {
    frames: VecDeque<Queued>,
    data: usize,
    unflushed: bool,
    /// Channel messages queued since the connection opened (logged at each heartbeat, so
    /// a benchmark can read the rate a client really got).
    data_total: u64,
}

impl Outbound {
    fn push(&mut self, frame: Frame, data: bool) {
        self.data += usize::from(data);
        self.data_total += u64::from(data);
        self.frames.push_back(Queued { frame, data });
    }

    fn push_message(&mut self, msg: &Message, faults: &Faults) {
        let data = !matches!(
            msg,
            Message::Subscribed(_) | Message::Unsubscribed(_) | Message::Ok(_) | Message::Error(_)
        );
        let private = matches!(
            msg,
            Message::Fill(_) | Message::UserOrder(_) | Message::MarketPosition(_)
        );
        let text = if private && faults.take_private_corruption() {
            corrupted(msg)
        } else {
            msg.to_json()
        };
        self.push(Frame::Text(Utf8Bytes::from(text)), data);
    }

    /// Drops every queued data message (replies and pings stay).
    fn drop_data(&mut self) {
        self.frames.retain(|q| !q.data);
        self.data = 0;
    }

    fn pending(&self) -> bool {
        !self.frames.is_empty() || self.unflushed
    }

    /// Hands queued frames to the socket and flushes. Cancel-safe: each poll moves frames
    /// from the queue into the sink atomically, so dropping the future loses nothing.
    async fn write(&mut self, sink: &mut SplitSink<WebSocket, Frame>) -> Result<(), axum::Error> {
        poll_fn(|cx| {
            loop {
                if self.frames.is_empty() {
                    if self.unflushed {
                        ready!(sink.poll_flush_unpin(cx))?;
                        self.unflushed = false;
                    }
                    return Poll::Ready(Ok(()));
                }
                ready!(sink.poll_ready_unpin(cx))?;
                let Some(q) = self.frames.pop_front() else {
                    continue;
                };
                self.data -= usize::from(q.data);
                sink.start_send_unpin(q.frame)?;
                self.unflushed = true;
            }
        })
        .await
    }
}

/// `msg` as JSON with its `msg` body replaced by a string (the `corrupt_private` fault):
/// the type and sid stay readable, the body cannot be decoded.
fn corrupted(msg: &Message) -> String {
    let mut json: serde_json::Value = match serde_json::from_str(&msg.to_json()) {
        Ok(json) => json,
        Err(_) => return "{".to_owned(),
    };
    if let Some(body) = json.get_mut("msg") {
        *body = serde_json::Value::String("corrupted by the fault plan".to_owned());
    }
    tracing::info!(kind = ?json.get("type"), "sending a corrupted private message (injected)");
    json.to_string()
}

/// Why the loop ended, and what to tell the client.
#[derive(Debug)]
enum End {
    /// Say goodbye with this close frame.
    Close(u16, &'static str),
    /// The client left or the socket broke: nothing to send.
    Gone,
}

/// Serves one authenticated connection until the client leaves, the fault plan drops it or
/// the simulator shuts down.
pub async fn run(
    state: SharedState,
    socket: WebSocket,
    caller: Caller,
    settings: ConnectionSettings,
    control: broadcast::Receiver<WsControl>,
) {
    let span = tracing::info_span!("ws_connection", key_id = %caller.key_id);
    serve(state, socket, caller, settings, control)
        .instrument(span)
        .await;
}

async fn serve(
    state: SharedState,
    socket: WebSocket,
    caller: Caller,
    settings: ConnectionSettings,
    mut control: broadcast::Receiver<WsControl>,
) {
    tracing::debug!("connected");
    let (mut sink, mut stream) = socket.split();
    let (mut bus, ()) = state.subscribe_with(|_, _| ());
    let shutdown = state.shutdown_signal();
    tokio::pin!(shutdown);
    let mut heartbeat = interval_at(Instant::now() + settings.heartbeat, settings.heartbeat);
    heartbeat.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut session = Session::new(caller.user);
    let mut queue = Outbound::default();
    let mut out: Vec<Message> = Vec::new();

    let end = loop {
        tokio::select! {
            () = &mut shutdown => break End::Close(close_code::AWAY, "server shutting down"),
            control = control.recv() => match control {
                // A lagged control receiver missed a drop command: drop, to be safe.
                Ok(WsControl::DropAll) | Err(RecvError::Lagged(_)) => {
                    tracing::info!("dropped by the fault plan");
                    break End::Close(close_code::AWAY, "connection dropped");
                }
                Err(RecvError::Closed) => break End::Close(close_code::AWAY, "server shutting down"),
            },
            written = queue.write(&mut sink), if queue.pending() => {
                if let Err(error) = written {
                    tracing::debug!(%error, "write failed");
                    break End::Gone;
                }
            }
            frame = stream.next() => match frame {
                Some(Ok(Frame::Text(text))) => {
                    command(&state, text.as_str(), &mut session, &mut bus, &mut out);
                }
                Some(Ok(Frame::Binary(_))) => out.push(Code::UnableToProcess.reply(None, None)),
                // Pings are answered by the WebSocket layer itself; pongs need nothing.
                Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => {}
                Some(Ok(Frame::Close(_))) | None => break End::Gone,
                Some(Err(error)) => {
                    tracing::debug!(%error, "read failed");
                    break End::Gone;
                }
            },
            batch = bus.recv() => match batch {
                Ok(batch) => {
                    session.on_batch(&batch, &*state, &mut out);
                    // Take what else is already waiting, so one write and flush carries
                    // a burst instead of one frame.
                    drain(&mut bus, &mut session, &*state, &mut out, BUS_BURST);
                }
                Err(RecvError::Lagged(missed)) => {
                    tracing::warn!(missed, "fell behind the event bus; subscriptions dropped");
                    session.overflow(&mut out);
                }
                Err(RecvError::Closed) => break End::Close(close_code::AWAY, "server shutting down"),
            },
            _ = heartbeat.tick() => {
                tracing::debug!(data_messages = queue.data_total, "heartbeat");
                queue.push(Frame::Ping(Bytes::from_static(HEARTBEAT_PAYLOAD)), false);
            }
        }
        for msg in out.drain(..) {
            queue.push_message(&msg, &state.faults);
        }
        if queue.data > settings.max_queued {
            tracing::warn!(queued = queue.data, "slow consumer; subscriptions dropped");
            queue.drop_data();
            session.overflow(&mut out);
            for msg in out.drain(..) {
                queue.push_message(&msg, &state.faults);
            }
        }
    };
    if let End::Close(code, reason) = end {
        let frame = Frame::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        }));
        // Best effort: a client that does not read must not hold the task up.
        let _ = tokio::time::timeout(CLOSE_GRACE, sink.send(frame)).await;
    }
    tracing::debug!(?end, data_messages = queue.data_total, "disconnected");
}

/// Handles one text frame: a refused frame gets its error; a command runs under the engine
/// lock, after the batches already on the bus, and the bus receiver is renewed there.
fn command(
    state: &SharedState,
    text: &str,
    session: &mut Session,
    bus: &mut broadcast::Receiver<std::sync::Arc<EventBatch>>,
    out: &mut Vec<Message>,
) {
    let cmd = match commands::parse(text) {
        Ok(cmd) => cmd,
        Err(rejected) => return out.push(codes::reply(rejected.id, None, rejected.error)),
    };
    let hooks: &SimState = state;
    let (fresh, ()) = state.subscribe_with(|engine, now_ms| {
        drain(bus, session, hooks, out, usize::MAX);
        session.handle(cmd, &EngineView { engine, now_ms }, hooks, out);
    });
    *bus = fresh;
}

/// Feeds up to `limit` batches already waiting on `bus` to the session.
fn drain(
    bus: &mut broadcast::Receiver<std::sync::Arc<EventBatch>>,
    session: &mut Session,
    hooks: &dyn Hooks,
    out: &mut Vec<Message>,
    limit: usize,
) {
    for _ in 0..limit {
        match bus.try_recv() {
            Ok(batch) => session.on_batch(&batch, hooks, out),
            Err(TryRecvError::Lagged(missed)) => {
                tracing::warn!(missed, "fell behind the event bus; subscriptions dropped");
                session.overflow(out);
            }
            Err(TryRecvError::Empty | TryRecvError::Closed) => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use kalshi::model::ws::{Data, Subscribed, SubscriptionInfo};

    use super::super::testkit::events;
    use super::*;

    #[test]
    fn overflow_drops_queued_data_but_keeps_replies_and_pings() {
        let faults = Faults::new(0);
        let mut q = Outbound::default();
        q.push_message(
            &Message::Subscribed(Subscribed {
                id: Some(1),
                msg: SubscriptionInfo {
                    channel: kalshi::model::ws::Channel::Ticker,
                    sid: 1,
                },
            }),
            &faults,
        );
        let line = events::ticker_line("KXA-1");
        for _ in 0..3 {
            q.push_message(
                &Message::Ticker(Data {
                    sid: 1,
                    seq: None,
                    msg: super::super::wire::ticker(&line),
                }),
                &faults,
            );
        }
        q.push(Frame::Ping(Bytes::from_static(HEARTBEAT_PAYLOAD)), false);
        q.push_message(&Code::BufferOverflow.reply(None, Some(1)), &faults);
        assert_eq!(q.data, 3, "only channel messages count toward the limit");
        q.drop_data();
        assert_eq!(q.data, 0);
        let kept: Vec<bool> = q
            .frames
            .iter()
            .map(|f| matches!(f.frame, Frame::Ping(_)))
            .collect();
        assert_eq!(
            kept,
            [false, true, false],
            "subscribed, ping, error 25 remain in order"
        );
    }

    #[test]
    fn corrupt_private_breaks_the_next_private_messages_only() {
        let faults = Faults::new(0);
        faults
            .apply(
                &crate::server::faults::FaultPatch {
                    corrupt_private: 1,
                    ..Default::default()
                },
                0,
            )
            .unwrap();
        let crate::engine::Event::Fill(fill) = events::fill("KXA-1", crate::ids::UserId(1)) else {
            unreachable!()
        };
        let fill = Message::Fill(Data {
            sid: 2,
            seq: None,
            msg: super::super::wire::fill(&fill),
        });
        let ticker = Message::Ticker(Data {
            sid: 1,
            seq: None,
            msg: super::super::wire::ticker(&events::ticker_line("KXA-1")),
        });
        let mut q = Outbound::default();
        for msg in [&ticker, &fill, &fill] {
            q.push_message(msg, &faults);
        }
        let texts: Vec<String> = q
            .frames
            .iter()
            .map(|f| match &f.frame {
                Frame::Text(t) => t.as_str().to_owned(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert!(
            Message::from_json(&texts[0]).is_ok(),
            "market data untouched"
        );
        let error = Message::from_json(&texts[1]).expect_err("the first fill is corrupted");
        assert_eq!(
            error.message_type.as_deref(),
            Some("fill"),
            "its type readable"
        );
        assert_eq!(Message::from_json(&texts[2]).unwrap(), fill, "one only");
    }
}
