//! The contract between the Kalshi Desk app (src-tauri, which maps these types to
//! `desk-core`) and its Yew UI (which calls the commands through typed bindings):
//! `ui -> ipc <- src-tauri -> core`.
//!
//! Only serde and the exact numbers of the `money` crate: no tokio, no Tauri, no SDK, no
//! clock, because the UI compiles this crate to `wasm32-unknown-unknown`. Nothing here
//! knows Kalshi's wire format either; these are the app's own shapes.
//!
//! Conventions every type follows (the wire test, `tests/wire.rs`, pins the JSON of each):
//! - Money, prices and contract counts are [`Price`], [`Money`] and [`Count`]: exact fixed
//!   point written as canonical decimal strings (`"0.5600"`, `"12.3400"`, `"10.00"`),
//!   never JSON numbers, because the UI's JavaScript side would read a number as `f64`.
//!   (A number received anyway is read by its shortest decimal text, as the `money`
//!   crate does for Kalshi's WebSocket: exact or refused, never rounded.)
//! - Times are `i64` Unix milliseconds in fields named `*_ms`; durations are `u64`
//!   milliseconds, also `*_ms`. No time crate, so the wasm build stays small.
//! - Enums are snake_case strings; enums with data are tagged `{"type": "...", ...}`.
//!   An unknown enum value is an error; unknown extra fields are ignored, so an older UI
//!   can read a newer core's answer as long as nothing it reads changed. An absent
//!   `Option` field reads as `None`; every other field is required.
//! - Every command is a request struct implementing [`Command`]; failures are [`AppError`].
//!
//! Layout: [`commands`] (one module per domain, each request with its response types),
//! [`events`] (the app-wide event stream), [`error`] (the error codes).
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod commands;
pub mod error;
pub mod events;

pub use commands::Command;
pub use error::{AppError, ErrorCode};
pub use events::AppEvent;
pub use money::{Count, FixedError, Money, Price};
