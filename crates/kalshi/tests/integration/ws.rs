//! WebSocket feed behaviour tests against an axum WebSocket server on 127.0.0.1 that checks
//! the handshake signature (401 otherwise) and hands every accepted socket to the test,
//! which then plays the exchange frame by frame.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message as Frame, WebSocket, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use kalshi::auth::{Credentials, Verifier};
use kalshi::book::{NoPriceScale, OrderBook};
use kalshi::env::Environment;
use kalshi::model::order::OutcomeSide;
use kalshi::model::ws::{
    Channel, Command, CommandBody, ErrorReply, Message, OkBody, OkReply, OrderbookDelta,
    OrderbookSnapshot, PriceLevel, Sequenced, Subscribed, SubscriptionInfo, UpdateAction, WsError,
};
use kalshi::model::{Count, Price};
use kalshi::ws::{
    BackoffConfig, ConnectionState, Feed, FeedConfig, FeedError, FeedEvent, FeedHandle, NoJitter,
};
use tokio::sync::mpsc;

use crate::harness::{self, within};

const KEY_ID: &str = "ws-test-key-a";
const WS_PATH: &str = "/trade-api/ws/v2";

// ---------------------------------------------------------------------------------------
// The scripted exchange

struct ServerState {
    verifier: Verifier,
    sockets: mpsc::UnboundedSender<Conn>,
    rejected: AtomicUsize,
    /// `KALSHI-ACCESS-TIMESTAMP` of every accepted handshake.
    timestamps: std::sync::Mutex<Vec<String>>,
}

/// The test's side of the exchange: accepted sockets arrive on `sockets`.
struct Server {
    addr: SocketAddr,
    sockets: mpsc::UnboundedReceiver<Conn>,
    state: Arc<ServerState>,
}

impl Server {
    async fn start() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let state = Arc::new(ServerState {
            verifier: Verifier::from_public_pem(&harness::key_a_public_pem()).unwrap(),
            sockets: tx,
            rejected: AtomicUsize::new(0),
            timestamps: std::sync::Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route(WS_PATH, get(upgrade))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            addr,
            sockets: rx,
            state,
        }
    }

    fn environment(&self) -> Environment {
        Environment::custom(
            &format!("http://{}/trade-api/v2", self.addr),
            &format!("ws://{}{WS_PATH}", self.addr),
        )
        .unwrap()
    }

    /// The next connection the client opens.
    async fn accept(&mut self) -> Conn {
        within("the client to connect", self.sockets.recv())
            .await
            .expect("server stopped")
    }
}

/// Accepts the upgrade only with a valid signature over `timestamp + GET + path`.
async fn upgrade(
    State(state): State<Arc<ServerState>>,
    headers: HeaderMap,
    uri: Uri,
    ws: WebSocketUpgrade,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let verified = match (
        header("KALSHI-ACCESS-KEY"),
        header("KALSHI-ACCESS-TIMESTAMP"),
        header("KALSHI-ACCESS-SIGNATURE"),
    ) {
        (Some(KEY_ID), Some(ts), Some(sig)) => {
            let ok = state.verifier.verify(ts, "GET", uri.path(), sig).is_ok();
            if ok {
                state.timestamps.lock().unwrap().push(ts.to_owned());
            }
            ok
        }
        _ => false,
    };
    if !verified {
        state.rejected.fetch_add(1, Ordering::SeqCst);
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let sockets = state.sockets.clone();
    ws.on_upgrade(move |socket| async move {
        // The test owns the socket from here; if it is gone the socket just drops.
        let _ = sockets.send(Conn { socket });
    })
}

/// One accepted socket, driven by the test.
struct Conn {
    socket: WebSocket,
}

impl Conn {
    /// The next frame from the client that is not a Pong.
    async fn frame(&mut self) -> Frame {
        within("a frame from the client", async {
            loop {
                match self.socket.recv().await {
                    Some(Ok(Frame::Pong(_))) => continue,
                    Some(Ok(frame)) => return frame,
                    other => panic!("client socket ended: {other:?}"),
                }
            }
        })
        .await
    }

    /// The next command from the client, with its exact JSON text.
    async fn command(&mut self) -> (Command, String) {
        match self.frame().await {
            Frame::Text(text) => {
                let command = serde_json::from_str(text.as_str()).unwrap();
                (command, text.as_str().to_owned())
            }
            other => panic!("expected a command, got {other:?}"),
        }
    }

    async fn send(&mut self, message: &Message) {
        self.send_text(&message.to_json()).await;
    }

    async fn send_text(&mut self, text: &str) {
        self.socket.send(Frame::Text(text.into())).await.unwrap();
    }

    /// Answers a subscribe command with one `subscribed` per channel, sids from `first_sid`.
    async fn accept_subscribe(&mut self, first_sid: u64) -> (Vec<Channel>, Vec<String>) {
        let (command, _) = self.command().await;
        let CommandBody::Subscribe(params) = command.body else {
            panic!("expected subscribe, got {command:?}")
        };
        for (i, &channel) in params.channels.iter().enumerate() {
            self.send(&Message::Subscribed(Subscribed {
                id: Some(command.id),
                msg: SubscriptionInfo {
                    channel,
                    sid: first_sid + i as u64,
                },
            }))
            .await;
        }
        (params.channels, params.market_tickers.unwrap_or_default())
    }
}

// ---------------------------------------------------------------------------------------
// Fixtures

fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}
fn c(s: &str) -> Count {
    Count::parse(s).unwrap()
}

fn snapshot(sid: u64, seq: u64, ticker: &str) -> Message {
    Message::OrderbookSnapshot(Sequenced {
        sid,
        seq,
        msg: OrderbookSnapshot {
            market_ticker: ticker.into(),
            market_id: None,
            yes_dollars_fp: vec![PriceLevel {
                price: p("0.40"),
                count: c("10"),
            }],
            no_dollars_fp: vec![PriceLevel {
                price: p("0.55"),
                count: c("5"),
            }],
        },
    })
}

fn delta(sid: u64, seq: u64, ticker: &str, price: &str, d: &str) -> Message {
    Message::OrderbookDelta(Sequenced {
        sid,
        seq,
        msg: OrderbookDelta {
            market_ticker: ticker.into(),
            market_id: None,
            price_dollars: p(price),
            delta_fp: c(d),
            side: OutcomeSide::Yes,
            ts: None,
            ts_ms: Some(1_767_268_800_000),
            client_order_id: None,
            subaccount: None,
        },
    })
}

fn config(env: Environment, key_pem: &str) -> FeedConfig {
    let mut config = FeedConfig::new(env, Credentials::from_pem(KEY_ID, key_pem).unwrap());
    config.backoff = BackoffConfig {
        initial: Duration::from_millis(20),
        max: Duration::from_millis(200),
        factor: 2.0,
        stable_after: Duration::from_secs(60),
        immediate_first: false,
    };
    config.reply_timeout = Duration::from_secs(5);
    config
}

fn spawn(config: FeedConfig) -> (FeedHandle, mpsc::Receiver<FeedEvent>) {
    Feed::spawn_with_jitter(config, Box::new(NoJitter)).unwrap()
}

/// Waits for the first event matching `pred`, returning it and everything skipped before.
async fn until(
    events: &mut mpsc::Receiver<FeedEvent>,
    what: &str,
    pred: impl Fn(&FeedEvent) -> bool,
) -> (FeedEvent, Vec<FeedEvent>) {
    within(what, async {
        let mut skipped = Vec::new();
        loop {
            let event = events.recv().await.expect("feed event stream ended");
            if pred(&event) {
                return (event, skipped);
            }
            skipped.push(event);
        }
    })
    .await
}

/// Shuts the feed down while the server side answers the close handshake.
async fn shutdown(feed: &FeedHandle, conn: &mut Conn) {
    let server_side = async {
        // Reading lets the server answer the client's Close; the stream then ends.
        while let Some(Ok(_)) = conn.socket.recv().await {}
    };
    within("shutdown", async {
        tokio::join!(feed.shutdown(), server_side)
    })
    .await;
}

fn is_message(event: &FeedEvent, ty: &str) -> bool {
    matches!(event, FeedEvent::Message(m) if m.type_name() == ty)
}

/// Starts a server and a feed, and completes one `subscribe` to the order book of
/// `tickers` (sid 3).
async fn connected_with_book(
    tickers: &[&str],
) -> (Server, Conn, FeedHandle, mpsc::Receiver<FeedEvent>) {
    let mut server = Server::start().await;
    let (feed, mut events) = spawn(config(server.environment(), &harness::key_a_pkcs1_pem()));
    let mut conn = server.accept().await;
    until(&mut events, "Connected", |e| *e == FeedEvent::Connected).await;
    let (result, _) = tokio::join!(
        feed.subscribe([Channel::OrderbookDelta], tickers.iter().copied()),
        conn.accept_subscribe(3)
    );
    assert_eq!(
        result.unwrap(),
        vec![SubscriptionInfo {
            channel: Channel::OrderbookDelta,
            sid: 3
        }]
    );
    (server, conn, feed, events)
}

// ---------------------------------------------------------------------------------------
// Tests

#[tokio::test]
async fn subscribe_is_matched_by_id_and_book_messages_arrive_typed() {
    let mut server = Server::start().await;
    let (feed, mut events) = spawn(config(server.environment(), &harness::key_a_pkcs8_pem()));
    let mut conn = server.accept().await;
    until(&mut events, "Connected", |e| *e == FeedEvent::Connected).await;
    assert!(feed.state().borrow().is_connected());

    let client = feed.subscribe(
        [Channel::OrderbookDelta, Channel::Ticker],
        ["KXFOO-26JAN01-T50"],
    );
    let server_side = async {
        let (command, text) = conn.command().await;
        assert_eq!(
            text,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta","ticker"],"market_tickers":["KXFOO-26JAN01-T50"]}}"#,
            "the client sends exactly Kalshi's subscribe"
        );
        // Another command's reply first: it must not be mistaken for ours.
        conn.send(&Message::Subscribed(Subscribed {
            id: Some(99),
            msg: SubscriptionInfo {
                channel: Channel::Fill,
                sid: 50,
            },
        }))
        .await;
        for (channel, sid) in [(Channel::OrderbookDelta, 7), (Channel::Ticker, 8)] {
            conn.send(&Message::Subscribed(Subscribed {
                id: Some(command.id),
                msg: SubscriptionInfo { channel, sid },
            }))
            .await;
        }
    };
    let (result, ()) = tokio::join!(client, server_side);
    assert_eq!(
        result.unwrap(),
        vec![
            SubscriptionInfo {
                channel: Channel::OrderbookDelta,
                sid: 7
            },
            SubscriptionInfo {
                channel: Channel::Ticker,
                sid: 8
            },
        ],
        "one subscribed per channel, matched by command id"
    );

    conn.send(&snapshot(7, 1, "KXFOO-26JAN01-T50")).await;
    conn.send(&delta(7, 2, "KXFOO-26JAN01-T50", "0.40", "-4.00"))
        .await;
    conn.send(&delta(7, 3, "KXFOO-26JAN01-T50", "0.42", "2.50"))
        .await;

    let mut book: Option<OrderBook> = None;
    let mut applied = 0;
    while applied < 3 {
        let (event, _) = until(&mut events, "book messages", |e| {
            is_message(e, "orderbook_snapshot") || is_message(e, "orderbook_delta")
        })
        .await;
        let FeedEvent::Message(message) = event else {
            unreachable!()
        };
        match *message {
            Message::OrderbookSnapshot(s) => {
                book = Some(OrderBook::from_snapshot(&s.msg, s.seq, NoPriceScale::NoLeg).unwrap());
            }
            Message::OrderbookDelta(d) => {
                book.as_mut().unwrap().apply_delta(&d.msg, d.seq).unwrap();
            }
            other => panic!("unexpected {other:?}"),
        }
        applied += 1;
    }
    let book = book.unwrap();
    assert_eq!(
        book.best_bid(),
        Some(PriceLevel {
            price: p("0.42"),
            count: c("2.50")
        })
    );
    assert_eq!(
        book.best_ask(),
        Some(PriceLevel {
            price: p("0.45"),
            count: c("5")
        })
    );
    assert_eq!(book.last_seq(), Some(3));

    // list_subscriptions: reply is an `ok` whose msg is an array.
    let (list, ()) = tokio::join!(feed.list_subscriptions(), async {
        let (command, text) = conn.command().await;
        assert_eq!(
            text,
            format!(r#"{{"id":{},"cmd":"list_subscriptions"}}"#, command.id)
        );
        conn.send(&Message::Ok(OkReply {
            id: Some(command.id),
            sid: None,
            seq: None,
            msg: OkBody::Subscriptions(vec![SubscriptionInfo {
                channel: Channel::OrderbookDelta,
                sid: 7,
            }]),
        }))
        .await;
    });
    assert_eq!(
        list.unwrap(),
        vec![SubscriptionInfo {
            channel: Channel::OrderbookDelta,
            sid: 7
        }]
    );
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn dropped_socket_reconnects_resigns_and_resubscribes() {
    let (mut server, conn, feed, mut events) = connected_with_book(&["KXA", "KXB"]).await;
    drop(conn); // the exchange drops the socket mid-stream

    let (_, before) = until(&mut events, "Reconnected", |e| *e == FeedEvent::Reconnected).await;
    let disconnected = before
        .iter()
        .position(|e| matches!(e, FeedEvent::Disconnected { .. }));
    let reconnecting = before
        .iter()
        .position(|e| matches!(e, FeedEvent::Reconnecting { attempt: 1, .. }));
    assert!(
        disconnected.is_some() && reconnecting > disconnected,
        "disconnect, then reconnecting with a delay, then reconnected: {before:?}"
    );

    // A second, freshly signed handshake was accepted, and the desired set is re-sent.
    let mut conn = server.accept().await;
    let (command, text) = conn.command().await;
    assert!(matches!(command.body, CommandBody::Subscribe(_)));
    assert_eq!(
        text,
        format!(
            r#"{{"id":{},"cmd":"subscribe","params":{{"channels":["orderbook_delta"],"market_tickers":["KXA","KXB"]}}}}"#,
            command.id
        ),
        "the server observes the second subscribe with the same channels and markets"
    );
    assert_eq!(server.state.rejected.load(Ordering::SeqCst), 0);
    let stamps = server.state.timestamps.lock().unwrap().clone();
    assert!(
        stamps.len() == 2 && stamps[0] != stamps[1],
        "each handshake is signed afresh: {stamps:?}"
    );
    let mut state = feed.state();
    within(
        "state Connected",
        state.wait_for(ConnectionState::is_connected),
    )
    .await
    .unwrap();

    // New sids on the new connection; data flows again.
    conn.send(&Message::Subscribed(Subscribed {
        id: Some(command.id),
        msg: SubscriptionInfo {
            channel: Channel::OrderbookDelta,
            sid: 1,
        },
    }))
    .await;
    conn.send(&snapshot(1, 1, "KXA")).await;
    until(&mut events, "snapshot after reconnect", |e| {
        is_message(e, "orderbook_snapshot")
    })
    .await;
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn seq_gap_emits_gap_and_requests_fresh_snapshots() {
    let (_server, mut conn, feed, mut events) = connected_with_book(&["KXA", "KXB"]).await;
    conn.send(&snapshot(3, 1, "KXA")).await;
    conn.send(&snapshot(3, 2, "KXB")).await;
    conn.send(&delta(3, 3, "KXA", "0.40", "1.00")).await;
    conn.send(&delta(3, 5, "KXB", "0.40", "1.00")).await; // seq 4 never comes

    let (gap, skipped) = until(&mut events, "Gap", |e| matches!(e, FeedEvent::Gap { .. })).await;
    assert_eq!(
        gap,
        FeedEvent::Gap {
            sid: 3,
            channel: Some(Channel::OrderbookDelta),
            expected: 4,
            got: 5
        }
    );
    assert!(
        !skipped.iter().any(|e| matches!(e, FeedEvent::Gap { .. })),
        "no gap before seq 5"
    );
    let (next, _) = until(&mut events, "the gapped delta", |_| true).await;
    assert!(
        is_message(&next, "orderbook_delta"),
        "the gap is announced before the message"
    );

    let (command, text) = conn.command().await;
    assert_eq!(
        text,
        format!(
            r#"{{"id":{},"cmd":"update_subscription","params":{{"sids":[3],"market_tickers":["KXA","KXB"],"action":"get_snapshot"}}}}"#,
            command.id
        ),
        "the server observes a get_snapshot for every market of the sid"
    );
    conn.send(&Message::Ok(OkReply {
        id: Some(command.id),
        sid: Some(3),
        seq: None,
        msg: OkBody::Markets(Default::default()),
    }))
    .await;
    let (resynced, _) = until(&mut events, "Resynced", |e| {
        matches!(e, FeedEvent::Resynced { .. })
    })
    .await;
    assert_eq!(
        resynced,
        FeedEvent::Resynced {
            sid: 3,
            channel: Channel::OrderbookDelta
        }
    );

    // The snapshots continue the sid's sequence; no further gap.
    conn.send(&snapshot(3, 6, "KXA")).await;
    conn.send(&snapshot(3, 7, "KXB")).await;
    conn.send(&delta(3, 8, "KXA", "0.40", "1.00")).await;
    let (_, skipped) = until(
        &mut events,
        "delta seq 8",
        |e| matches!(e, FeedEvent::Message(m) if m.seq() == Some(8)),
    )
    .await;
    assert!(
        !skipped.iter().any(|e| matches!(e, FeedEvent::Gap { .. })),
        "{skipped:?}"
    );
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn refused_get_snapshot_falls_back_to_resubscribing() {
    let (_server, mut conn, feed, mut events) = connected_with_book(&["KXA"]).await;
    conn.send(&snapshot(3, 1, "KXA")).await;
    conn.send(&delta(3, 3, "KXA", "0.40", "1.00")).await;
    until(&mut events, "Gap", |e| matches!(e, FeedEvent::Gap { .. })).await;

    let (command, _) = conn.command().await;
    assert!(matches!(command.body, CommandBody::UpdateSubscription(_)));
    conn.send(&Message::Error(ErrorReply {
        id: Some(command.id),
        sid: None,
        msg: WsError {
            code: 13,
            msg: "Unsupported action".into(),
            market_ticker: None,
            market_id: None,
        },
    }))
    .await;

    let (unsub, text) = conn.command().await;
    assert_eq!(
        text,
        format!(
            r#"{{"id":{},"cmd":"unsubscribe","params":{{"sids":[3]}}}}"#,
            unsub.id
        )
    );
    let (channels, tickers) = conn.accept_subscribe(4).await;
    assert_eq!(
        (channels, tickers),
        (vec![Channel::OrderbookDelta], vec!["KXA".to_owned()])
    );
    let (resynced, _) = until(&mut events, "Resynced", |e| {
        matches!(e, FeedEvent::Resynced { .. })
    })
    .await;
    assert_eq!(
        resynced,
        FeedEvent::Resynced {
            sid: 4,
            channel: Channel::OrderbookDelta
        }
    );
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn malformed_frames_are_reported_and_the_feed_keeps_working() {
    let (_server, mut conn, feed, mut events) = connected_with_book(&["KXA"]).await;
    conn.send_text("this is not json").await;
    conn.send_text(
        r#"{"type":"orderbook_delta","sid":3,"seq":1,"msg":{"market_ticker":"KXA","price_dollars":"0.40","delta_fp":"1.00","side":"maybe"}}"#,
    )
    .await;
    conn.send_text(r#"{"type":"brand_new_type","sid":99,"msg":{"x":1}}"#)
        .await;
    conn.send(&snapshot(3, 1, "KXA")).await;

    let (first, _) = until(&mut events, "Malformed", |e| {
        matches!(e, FeedEvent::Malformed { .. })
    })
    .await;
    let FeedEvent::Malformed { error } = first else {
        unreachable!()
    };
    assert_eq!(error.message_type, None);
    let (second, _) = until(&mut events, "Malformed", |e| {
        matches!(e, FeedEvent::Malformed { .. })
    })
    .await;
    let FeedEvent::Malformed { error } = second else {
        unreachable!()
    };
    assert_eq!(error.message_type.as_deref(), Some("orderbook_delta"));
    assert_eq!(
        error.error.path, "msg.side",
        "the error names the bad field: {error}"
    );

    let (unknown, _) = until(&mut events, "unknown type", |e| {
        matches!(e, FeedEvent::Message(_))
    })
    .await;
    assert!(
        is_message(&unknown, "brand_new_type"),
        "a new type is tolerated as Unknown"
    );
    let (_, skipped) = until(&mut events, "snapshot", |e| {
        is_message(e, "orderbook_snapshot")
    })
    .await;
    assert!(
        !skipped
            .iter()
            .any(|e| matches!(e, FeedEvent::Disconnected { .. })),
        "bad frames must not kill the connection"
    );
    assert!(feed.state().borrow().is_connected());
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn server_error_reply_is_a_typed_error_for_the_caller() {
    let (mut server, mut conn, feed, _events) = connected_with_book(&["KXA"]).await;
    let (result, ()) = tokio::join!(feed.subscribe([Channel::Ticker], ["NOPE"]), async {
        let (command, _) = conn.command().await;
        conn.send(&Message::Error(ErrorReply {
            id: Some(command.id),
            sid: None,
            msg: WsError {
                code: 16,
                msg: "Market not found".into(),
                market_ticker: Some("NOPE".into()),
                market_id: None,
            },
        }))
        .await;
    });
    let err = result.unwrap_err();
    assert_eq!(err.server_code(), Some(16));
    assert!(
        matches!(&err, FeedError::Server(WsError { market_ticker: Some(t), .. }) if t == "NOPE"),
        "{err:?}"
    );

    // update_subscription on a channel with no live sid never reaches the server.
    let err = feed
        .update_subscription(Channel::Fill, UpdateAction::AddMarkets, ["KXA"])
        .await
        .unwrap_err();
    assert_eq!(err, FeedError::NotSubscribed(Channel::Fill));

    // add_markets on the live book subscription: the reply's market list comes back.
    let (result, ()) = tokio::join!(
        feed.update_subscription(Channel::OrderbookDelta, UpdateAction::AddMarkets, ["KXB"]),
        async {
            let (command, text) = conn.command().await;
            assert_eq!(
                text,
                format!(
                    r#"{{"id":{},"cmd":"update_subscription","params":{{"sids":[3],"market_tickers":["KXB"],"action":"add_markets"}}}}"#,
                    command.id
                )
            );
            conn.send_text(&format!(
                r#"{{"id":{},"sid":3,"seq":1,"type":"ok","market_tickers":["KXA","KXB"]}}"#,
                command.id
            ))
            .await;
        }
    );
    assert_eq!(
        result.unwrap().market_tickers,
        Some(vec!["KXA".to_owned(), "KXB".to_owned()]),
        "the legacy top-level ok shape is accepted"
    );

    // After a reconnect the refused subscribe is not re-sent; the added market is.
    drop(conn);
    let mut conn = server.accept().await;
    let (command, text) = conn.command().await;
    assert_eq!(
        text,
        format!(
            r#"{{"id":{},"cmd":"subscribe","params":{{"channels":["orderbook_delta"],"market_tickers":["KXA","KXB"]}}}}"#,
            command.id
        ),
        "a subscribe the server refused is taken out of the desired set"
    );
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn server_ping_is_answered_with_pong() {
    let mut server = Server::start().await;
    let (feed, _events) = spawn(config(server.environment(), &harness::key_a_pkcs1_pem()));
    let mut conn = server.accept().await;
    conn.socket
        .send(Frame::Ping("heartbeat".into()))
        .await
        .unwrap();
    let pong = within("the pong", async {
        loop {
            match conn.socket.recv().await {
                Some(Ok(Frame::Pong(payload))) => return payload,
                Some(Ok(_)) => continue,
                other => panic!("socket ended before the pong: {other:?}"),
            }
        }
    })
    .await;
    assert_eq!(&pong[..], b"heartbeat", "the pong echoes the ping payload");
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn the_last_message_clock_moves_with_every_frame_pings_included() {
    let mut server = Server::start().await;
    let (feed, mut events) = spawn(config(server.environment(), &harness::key_a_pkcs1_pem()));
    let mut conn = server.accept().await;
    until(&mut events, "Connected", |e| *e == FeedEvent::Connected).await;
    let connected = feed.last_message_at().expect("the handshake counts");
    assert!(feed.last_message_age().is_some());
    conn.socket
        .send(Frame::Ping("heartbeat".into()))
        .await
        .unwrap();
    within("the ping to move the clock", async {
        while feed.last_message_at() <= Some(connected) {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    let pinged = feed.last_message_at().unwrap();
    // A data frame moves it too.
    conn.send_text(r#"{"type":"ticker","sid":1,"msg":{"bad":true}}"#)
        .await;
    until(&mut events, "the frame", |e| {
        matches!(e, FeedEvent::Malformed { .. })
    })
    .await;
    assert!(feed.last_message_at().unwrap() > pinged);
    shutdown(&feed, &mut conn).await;
}

#[tokio::test]
async fn shutdown_closes_the_socket_and_ends_the_actor() {
    let mut server = Server::start().await;
    let (feed, mut events) = spawn(config(server.environment(), &harness::key_a_pkcs1_pem()));
    let mut conn = server.accept().await;
    until(&mut events, "Connected", |e| *e == FeedEvent::Connected).await;

    let server_side = async {
        match conn.frame().await {
            Frame::Close(_) => {}
            other => panic!("expected a close frame, got {other:?}"),
        }
        // Reading on lets the server answer the close handshake.
        while let Some(Ok(_)) = conn.socket.recv().await {}
    };
    // `shutdown` returns only once the actor task has been joined.
    within("shutdown", async {
        tokio::join!(feed.shutdown(), server_side)
    })
    .await;

    assert!(matches!(
        &*feed.state().borrow(),
        ConnectionState::Offline { .. }
    ));
    within("the event stream to end", async {
        while events.recv().await.is_some() {}
    })
    .await;
    assert_eq!(feed.list_subscriptions().await, Err(FeedError::Closed));
    feed.shutdown().await; // idempotent
}

#[tokio::test]
async fn bad_handshake_signature_is_refused_with_401_and_retried() {
    let server = Server::start().await;
    // Signed with key B while the server only knows key A's public half.
    let (feed, mut events) = spawn(config(server.environment(), &harness::key_b_pkcs1_pem()));
    let (event, _) = until(&mut events, "Disconnected", |e| {
        matches!(e, FeedEvent::Disconnected { .. })
    })
    .await;
    let FeedEvent::Disconnected { reason } = event else {
        unreachable!()
    };
    assert!(reason.contains("401"), "{reason}");
    until(&mut events, "Reconnecting", |e| {
        matches!(e, FeedEvent::Reconnecting { attempt: 1, .. })
    })
    .await;
    until(&mut events, "second attempt", |e| {
        matches!(e, FeedEvent::Reconnecting { attempt: 2, .. })
    })
    .await;
    assert!(
        server.state.rejected.load(Ordering::SeqCst) >= 2,
        "each attempt is signed and checked"
    );
    feed.shutdown().await;
}

#[tokio::test]
async fn silent_connection_is_declared_dead_and_replaced() {
    let mut server = Server::start().await;
    let mut cfg = config(server.environment(), &harness::key_a_pkcs1_pem());
    cfg.dead_after = Duration::from_millis(300);
    let (feed, mut events) = spawn(cfg);
    let _silent = server.accept().await; // never sends a frame
    let (event, _) = until(&mut events, "Disconnected", |e| {
        matches!(e, FeedEvent::Disconnected { .. })
    })
    .await;
    let FeedEvent::Disconnected { reason } = event else {
        unreachable!()
    };
    assert!(reason.contains("no frame"), "{reason}");
    let mut second = server.accept().await;
    until(&mut events, "Reconnected", |e| *e == FeedEvent::Reconnected).await;
    shutdown(&feed, &mut second).await;
}

#[tokio::test]
async fn commands_made_while_disconnected_wait_for_the_connection() {
    let mut server = Server::start().await;
    let (feed, mut events) = spawn(config(server.environment(), &harness::key_a_pkcs1_pem()));
    // Subscribe before the test lets the connection do anything: the request is parked
    // until the actor is connected, then sent once (not twice).
    let (result, conn) = tokio::join!(
        feed.subscribe([Channel::Fill], Vec::<String>::new()),
        async {
            let mut conn = server.accept().await;
            let (command, text) = conn.command().await;
            assert_eq!(
                text,
                format!(
                    r#"{{"id":{},"cmd":"subscribe","params":{{"channels":["fill"]}}}}"#,
                    command.id
                )
            );
            conn.send(&Message::Subscribed(Subscribed {
                id: Some(command.id),
                msg: SubscriptionInfo {
                    channel: Channel::Fill,
                    sid: 1,
                },
            }))
            .await;
            conn
        }
    );
    let mut conn = conn;
    assert_eq!(
        result.unwrap(),
        vec![SubscriptionInfo {
            channel: Channel::Fill,
            sid: 1
        }]
    );
    until(&mut events, "Connected", |e| *e == FeedEvent::Connected).await;
    shutdown(&feed, &mut conn).await;
}
