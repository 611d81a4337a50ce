//! A raw WebSocket client for the tests: signed handshake, typed commands out, every frame
//! decoded strictly, and waiting helpers with timeouts.

use futures_util::{SinkExt, StreamExt};
use kalshi::auth::Credentials;
use kalshi::model::ws::{Channel, Command, CommandBody, Message, Sequenced};
use reqwest::Method;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message as Frame};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async};

use crate::harness::{Sim, WAIT};

/// The path the handshake signs.
pub const WS_PATH: &str = "/trade-api/ws/v2";

/// One connection.
pub struct WsClient {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

/// Opens a connection to `sim` (with `query` appended to the URL), signed by `creds` when
/// given; the handshake's error (e.g. an HTTP 401) when refused.
pub async fn try_connect(
    sim: &Sim,
    creds: Option<&Credentials>,
    query: &str,
) -> Result<WsClient, tungstenite::Error> {
    let mut req = format!("{}{query}", sim.handle.ws_url())
        .into_client_request()
        .expect("a valid URL");
    if let Some(c) = creds {
        let headers = c.headers_now("GET", WS_PATH).expect("signs");
        for (name, value) in headers.pairs() {
            req.headers_mut()
                .insert(name, HeaderValue::from_str(value).expect("header value"));
        }
    }
    let (ws, _) = tokio::time::timeout(WAIT, connect_async(req))
        .await
        .expect("the handshake is answered in time")?;
    Ok(WsClient { ws, next_id: 1 })
}

/// A connection signed by `creds` (must succeed).
pub async fn connect(sim: &Sim, creds: &Credentials) -> WsClient {
    try_connect(sim, Some(creds), "")
        .await
        .expect("the handshake is accepted")
}

impl WsClient {
    /// The next command id.
    pub fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Sends a text frame as is.
    pub async fn send_text(&mut self, text: &str) {
        self.ws
            .send(Frame::text(text.to_owned()))
            .await
            .expect("the frame is sent");
    }

    /// Sends a raw frame.
    pub async fn send_frame(&mut self, frame: Frame) {
        self.ws.send(frame).await.expect("the frame is sent");
    }

    /// Sends a command.
    pub async fn send(&mut self, cmd: &Command) {
        self.send_text(&cmd.to_json()).await;
    }

    /// `subscribe` with the next id; returns the id.
    pub async fn subscribe(&mut self, channels: &[Channel], tickers: &[&str]) -> u64 {
        let id = self.id();
        let cmd = Command::subscribe(
            id,
            channels.to_vec(),
            tickers.iter().map(|t| (*t).to_owned()).collect(),
        );
        self.send(&cmd).await;
        id
    }

    /// `subscribe` with extra parameters set by `tweak`; returns the id.
    pub async fn subscribe_with(
        &mut self,
        channels: &[Channel],
        tickers: &[&str],
        tweak: impl FnOnce(&mut kalshi::model::ws::SubscribeParams),
    ) -> u64 {
        let id = self.id();
        let mut cmd = Command::subscribe(
            id,
            channels.to_vec(),
            tickers.iter().map(|t| (*t).to_owned()).collect(),
        );
        if let CommandBody::Subscribe(p) = &mut cmd.body {
            tweak(p);
        }
        self.send(&cmd).await;
        id
    }

    /// The next raw frame within [`WAIT`]; `None` when the connection ended.
    pub async fn frame(&mut self) -> Option<Result<Frame, tungstenite::Error>> {
        tokio::time::timeout(WAIT, self.ws.next())
            .await
            .expect("a frame (or the end) arrives in time")
    }

    /// The next application message (pings and pongs skipped), decoded strictly.
    pub async fn next(&mut self) -> Message {
        loop {
            match self.frame().await {
                Some(Ok(Frame::Text(text))) => {
                    return Message::from_json(text.as_str())
                        .unwrap_or_else(|e| panic!("the SDK rejects {text}: {e}"));
                }
                Some(Ok(Frame::Ping(_) | Frame::Pong(_))) => {}
                other => panic!("expected a message, got {other:?}"),
            }
        }
    }

    /// Messages up to and including the first one `stop` accepts.
    pub async fn until(&mut self, stop: impl Fn(&Message) -> bool) -> Vec<Message> {
        let mut seen = Vec::new();
        loop {
            let m = self.next().await;
            let done = stop(&m);
            seen.push(m);
            if done {
                return seen;
            }
        }
    }

    /// The next message, which must be the `subscribed` reply to `id`; returns its sid.
    pub async fn subscribed(&mut self, id: u64, channel: Channel) -> u64 {
        match self.next().await {
            Message::Subscribed(s) if s.id == Some(id) && s.msg.channel == channel => s.msg.sid,
            other => panic!("expected subscribed({channel}) for {id}, got {other:?}"),
        }
    }

    /// The next message, which must be an order-book snapshot.
    pub async fn snapshot(&mut self) -> Sequenced<kalshi::model::ws::OrderbookSnapshot> {
        match self.next().await {
            Message::OrderbookSnapshot(s) => s,
            other => panic!("expected an orderbook_snapshot, got {other:?}"),
        }
    }

    /// The next message, which must be an order-book delta.
    pub async fn delta(&mut self) -> Sequenced<kalshi::model::ws::OrderbookDelta> {
        match self.next().await {
            Message::OrderbookDelta(d) => d,
            other => panic!("expected an orderbook_delta, got {other:?}"),
        }
    }

    /// The next message, which must be an `error`; returns its code.
    pub async fn error_code(&mut self) -> (Option<u64>, u32) {
        match self.next().await {
            Message::Error(e) => (e.id, e.msg.code),
            other => panic!("expected an error, got {other:?}"),
        }
    }
}

/// A V2 good-till-canceled limit order body.
pub fn order(ticker: &str, side: &str, count: &str, price: &str, coid: &str) -> Value {
    json!({"ticker": ticker, "side": side, "count": count, "price": price,
        "client_order_id": coid,
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"})
}

/// Places an order through REST as `creds`; returns its order id.
pub async fn place(sim: &Sim, creds: &Credentials, body: &Value) -> String {
    let r = sim
        .call(
            Method::POST,
            "/portfolio/events/orders",
            Some(creds),
            Some(body),
        )
        .await;
    assert_eq!(r.status, reqwest::StatusCode::CREATED, "{:?}", r.body);
    r.body["order_id"].as_str().expect("order_id").to_owned()
}

/// Tickers of the first `n` open markets.
pub async fn open_markets(sim: &Sim, n: usize) -> Vec<String> {
    let r = sim.get(&format!("/markets?status=open&limit={n}")).await;
    assert_eq!(r.status, reqwest::StatusCode::OK, "{:?}", r.body);
    let tickers: Vec<String> = r.body["markets"]
        .as_array()
        .expect("markets")
        .iter()
        .map(|m| m["ticker"].as_str().expect("ticker").to_owned())
        .collect();
    assert_eq!(tickers.len(), n, "enough open markets");
    tickers
}
