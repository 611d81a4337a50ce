//! SQLite persistence for Kalshi Desk: every order, fill, settlement, position and
//! portfolio snapshot of every account, the market cache for offline browsing, sync
//! cursors and settings, plus the history, P&L and CSV queries the UI needs offline.
//!
//! Rules this crate keeps:
//! - Money, prices and counts are stored as the integer `units()` of
//!   `kalshi::model::{Money, Price, Count}`, never as floating point; times as Unix ms.
//! - Everything the exchange owns is keyed by a [`Scope`] (environment + API key id), so
//!   switching environment or account never mixes data.
//! - Writes are idempotent by exchange id, one transaction per batch, and an older state
//!   never overwrites a newer one; each write reports what actually changed.
//! - A file that is not ours, is damaged, or was written by a newer app version is
//!   refused with a specific error and never modified.
//! - Reading back checks every value: an unknown enum string or an impossible number is a
//!   [`StoreError::Decode`] naming the table and column, never a panic or a default.
//!
//! Layout: [`db`] opens the file; `rows` maps exchange types to rows and back; one module
//! per table writes it; [`history`], [`pnl`] and [`export`] are the UI's queries.
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

mod batch;
mod checkpoint;
mod cursors;
pub mod db;
mod error;
pub mod export;
mod fills;
mod filter;
pub mod history;
mod markets;
mod orders;
mod page;
pub mod pnl;
mod positions;
mod report;
mod rows;
mod scope;
mod settings;
mod settlements;
mod snapshots;
mod tickers;
mod unconfirmed;

pub use cursors::SyncCursor;
pub use db::Store;
pub use error::{StoreError, StoreResult};
pub use filter::{FillFilter, OrderFilter, TickerFilter, TimeRange};
pub use markets::{EventInfo, MarketOrder, MarketQuery};
pub use page::{MAX_PAGE, Page, PageCursor, PageRequest};
pub use pnl::{DailyPnl, MarketPnl, PnlBasis, SettledAs};
pub use report::UpsertReport;
pub use rows::fill::FillRow;
pub use rows::market::CachedMarket;
pub use rows::order::OrderRow;
pub use rows::position::PositionRow;
pub use rows::settlement::SettlementRow;
pub use rows::snapshot::{NewSnapshot, PortfolioPoint, SnapshotRow};
pub use rows::{from_unix_ms, to_unix_ms};
pub use scope::{Environment, Scope};
pub use snapshots::Resolution;
pub use unconfirmed::UnconfirmedRow;
