//! The Kalshi Desk app core, with no Tauri in it, so it can be tested headless against
//! `kalshi-sim`.
//!
//! A [`Session`] is one environment plus one API key: it owns the REST client, the
//! WebSocket feed and the store, runs the live pipeline (exchange → store → events),
//! catches up over REST after every (re)connect, validates and places orders, and shares
//! market subscriptions between views. Everything the shell forwards comes out of one
//! typed [`AppEvent`] stream; every failure maps to one [`AppError`].
//!
//! Layout: [`config`] and [`environment`] say what to open; `exchange` finds the key and
//! the exchange; `session` owns the parts; `pipeline` (live), `reconcile` (catch-up) and
//! `portfolio` (refresh, snapshots) keep the store in step through `record` (store first,
//! then events); [`orders`] is order entry; [`subscriptions`] the market views;
//! [`error`] the one mapping to [`AppError`].
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod config;
mod convert;
pub mod credentials;
pub mod environment;
pub mod error;
pub mod event;
mod exchange;
pub mod ipc_view;
pub mod keys;
mod markets;
pub mod orders;
mod pipeline;
pub mod portfolio;
mod private;
pub mod queries;
mod reconcile;
mod record;
mod session;
pub mod settings;
mod shared;
pub mod subscriptions;
mod tier;

pub use config::{SessionConfig, SimulatorSetup, Tuning};
pub use credentials::{CredentialError, CredentialStore, MemoryCredentialStore, StoredKey};
pub use environment::DeskEnvironment;
pub use error::{AppError, CoreError, ErrorCode, OrderRejection};
pub use event::{
    AppEvent, BalanceUpdate, ConnectionStatus, FillEvent, FillOrigin, HistoryImport, OrderEvent,
    PendingOrder, PositionEvent, SyncSummary, UnconfirmedOrder,
};
pub use exchange::reset_paper_account;
pub use orders::{CancelAllReport, Decrease, OrderTicket, PlacedOrder};
pub use portfolio::Portfolio;
pub use session::Session;
pub use shared::SessionStatus;
pub use subscriptions::{MarketUpdate, MarketView};
