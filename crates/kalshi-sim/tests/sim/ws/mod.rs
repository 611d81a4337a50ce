//! The WebSocket endpoint over real sockets: a raw tokio-tungstenite client signs the
//! handshake with `kalshi::auth::Credentials`, and every frame is decoded with the SDK's
//! strict `kalshi::model::ws::Message`. Waits are on messages with timeouts, never sleeps;
//! "nothing else arrived" is shown with a barrier message that must come after it.

mod book;
pub mod client;
mod faults;
mod feed;
mod handshake;
mod lifecycle;
mod private;
mod protocol;
