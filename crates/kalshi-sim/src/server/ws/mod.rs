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
/// Shortest ping interval [`crate::SimConfig::ws_heartbeat`] may set.
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
    let settings = ConnectionSettings {
        heartbeat: state.settings.ws_heartbeat,
        ..ConnectionSettings::default()
    };
    // Listen for fault drops before the 101 goes out: a "drop now" sent while the
    // connection task is still starting must not miss this connection.
    let control = state.faults.ws_control();
    ws.on_upgrade(move |socket| async move {
        let owner = state.clone();
        owner.spawn(connection::run(state, socket, caller, settings, control));
    })
}
