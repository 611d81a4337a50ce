//! The WebSocket endpoint `/trade-api/ws/v2`: Kalshi's subscription protocol
//! (kalshi-api.md §5) over real sockets, serialised only with the SDK's
//! `kalshi::model::ws` types so client and simulator cannot drift.
//!
//! - [`upgrade`]: the handshake (signature check, fault-plan refusal) that starts a
//!   connection task.
//! - [`connection`]: the per-connection task (socket, bus, heartbeat, faults, shutdown).
//! - [`session`] / [`fanout`]: pure per-connection logic, commands → replies and engine
//!   events → data messages with per-sid `seq`.
//! - [`commands`] (client frames), [`codes`] (error codes), [`wire`] (engine → payloads),
//!   [`subscription`], [`env`](mod@env) (what the logic reads from the server).
//!
//! Simulator extension: the query parameter `heartbeat_ms` (e.g.
//! `/trade-api/ws/v2?heartbeat_ms=200`) shortens the 10 s ping interval for one connection,
//! so tests can observe pings quickly. Kalshi signs the path without the query, so the
//! handshake signature is unaffected.

pub mod codes;
pub mod commands;
pub mod connection;
pub mod env;
pub mod fanout;
pub mod session;
pub mod subscription;
pub mod wire;

#[cfg(test)]
mod testkit;

use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{State, WebSocketUpgrade};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};

pub use connection::ConnectionSettings;
pub use session::Session;

use super::auth::authenticate;
use super::error::ApiError;
use super::state::SharedState;

/// Kalshi's ping interval.
pub const HEARTBEAT: Duration = Duration::from_secs(10);
/// Shortest interval `heartbeat_ms` may ask for.
pub const MIN_HEARTBEAT: Duration = Duration::from_millis(10);
/// Data messages a connection may have queued before it counts as a slow consumer.
pub const MAX_QUEUED: usize = 16_384;

impl Default for ConnectionSettings {
    /// Kalshi's 10 s heartbeat and the default slow-consumer limit.
    fn default() -> Self {
        Self {
            heartbeat: HEARTBEAT,
            max_queued: MAX_QUEUED,
        }
    }
}

impl ConnectionSettings {
    /// Defaults adjusted by the upgrade's query string (`heartbeat_ms=N`, at least
    /// [`MIN_HEARTBEAT`]); unknown or malformed parameters are ignored, as Kalshi ignores
    /// query parameters on this path.
    pub fn from_query(query: Option<&str>) -> Self {
        let mut settings = Self::default();
        let pairs = query.unwrap_or_default().split('&');
        for (key, value) in pairs.filter_map(|p| p.split_once('=')) {
            if key == "heartbeat_ms"
                && let Ok(ms) = value.parse::<u64>()
            {
                settings.heartbeat = Duration::from_millis(ms).max(MIN_HEARTBEAT);
            }
        }
        settings
    }
}

/// `GET /trade-api/ws/v2`: refused with 503 while the fault plan refuses upgrades, 401
/// (Kalshi's body) unless the handshake carries a valid signature over
/// `timestamp + "GET" + path`; otherwise upgrades and serves the connection in a task the
/// simulator owns (joined at shutdown).
pub async fn upgrade(
    State(state): State<SharedState>,
    uri: Uri,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let now = u64::try_from(state.clock.now_ms()).unwrap_or(0);
    if state.faults.ws_refused(now) {
        tracing::info!("fault plan: refusing a WebSocket upgrade");
        return ApiError::service_unavailable().into_response();
    }
    let caller = match authenticate(&state, &headers, "GET", uri.path()) {
        Ok(caller) => caller,
        Err(e) => {
            tracing::debug!(details = ?e.details, "refused WebSocket authentication");
            return e.into_response();
        }
    };
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => return rejection.into_response(),
    };
    let settings = ConnectionSettings::from_query(uri.query());
    // Listen for fault drops before the 101 goes out: a "drop now" sent while the
    // connection task is still starting must not miss this connection.
    let control = state.faults.ws_control();
    ws.on_upgrade(move |socket| async move {
        let owner = state.clone();
        owner.spawn(connection::run(state, socket, caller, settings, control));
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heartbeat_can_be_shortened_but_not_below_the_floor() {
        assert_eq!(ConnectionSettings::from_query(None).heartbeat, HEARTBEAT);
        assert_eq!(
            ConnectionSettings::from_query(Some("x=1&heartbeat_ms=250")).heartbeat,
            Duration::from_millis(250)
        );
        assert_eq!(
            ConnectionSettings::from_query(Some("heartbeat_ms=0")).heartbeat,
            MIN_HEARTBEAT
        );
        assert_eq!(
            ConnectionSettings::from_query(Some("heartbeat_ms=soon")).heartbeat,
            HEARTBEAT,
            "a malformed value is ignored"
        );
    }
}
