//! Fill and order history: filtered, newest first, keyset-paged (a page costs the same at
//! any depth), from the store so it works offline; and CSV export of a filtered history.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::command;
use super::orders::{BookSide, OrderStatus, OrderView, Outcome};
use crate::{Count, Money, Price};

/// Which markets a history query covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TickerMatch {
    /// Exactly this market.
    Exact {
        /// The market ticker.
        ticker: String,
    },
    /// Every market whose ticker starts with this (a series or event, e.g.
    /// `KXHIGHNY-26AUG28`).
    Prefix {
        /// The ticker prefix.
        prefix: String,
    },
}

/// Which fills a query returns; every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillFilter {
    /// Executed at or after.
    pub from_ms: Option<i64>,
    /// Executed before.
    pub until_ms: Option<i64>,
    /// Market or ticker prefix.
    pub ticker: Option<TickerMatch>,
    /// The exposure the fill gave.
    pub outcome: Option<Outcome>,
    /// Its side of the YES book.
    pub book_side: Option<BookSide>,
    /// Only fills of this order.
    pub order_id: Option<String>,
    /// Case-insensitive text in the ticker or the market's title.
    pub text: Option<String>,
}

/// Which orders a query returns; every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFilter {
    /// Placed at or after.
    pub from_ms: Option<i64>,
    /// Placed before.
    pub until_ms: Option<i64>,
    /// Market or ticker prefix.
    pub ticker: Option<TickerMatch>,
    /// The exposure the order gives.
    pub outcome: Option<Outcome>,
    /// Its side of the YES book.
    pub book_side: Option<BookSide>,
    /// Its state.
    pub status: Option<OrderStatus>,
    /// Case-insensitive text in the ticker or the market's title.
    pub text: Option<String>,
}

/// Where the next page starts: opaque text made by the core, handed back unchanged. A
/// cursor the core did not make is `invalid_request`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(pub String);

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cursor({:?})", self.0)
    }
}

/// Which page to read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRequest {
    /// The previous page's [`Page::next`]; `None` for the newest page.
    pub after: Option<Cursor>,
    /// Rows per page, 1–1000; anything else is `invalid_request`.
    pub limit: u32,
}

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// The cursor of the next (older) page; `None` on the last page.
    pub next: Option<Cursor>,
}

/// One fill (fills never change once reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillView {
    /// The exchange's fill id.
    pub fill_id: String,
    /// The order that filled.
    pub order_id: String,
    /// The market.
    pub ticker: String,
    /// The exposure it gave.
    pub outcome: Outcome,
    /// Its side of the YES book.
    pub book_side: BookSide,
    /// Contracts filled.
    pub count: Count,
    /// Price on the YES leg.
    pub yes_price: Price,
    /// Price on the NO leg.
    pub no_price: Price,
    /// True if it took liquidity.
    pub is_taker: bool,
    /// Fee charged.
    pub fee: Money,
    /// When it executed.
    pub created_ms: i64,
}

/// One page of fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillHistory {
    /// Which fills.
    pub filter: FillFilter,
    /// Which page.
    pub page: PageRequest,
}
command!(FillHistory => "fill_history", Page<FillView>);

/// One page of orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderHistory {
    /// Which orders.
    pub filter: OrderFilter,
    /// Which page.
    pub page: PageRequest,
}
command!(OrderHistory => "order_history", Page<OrderView>);

/// What to export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum HistoryExport {
    /// Fills matching the filter.
    Fills {
        /// Which fills.
        filter: FillFilter,
    },
    /// Orders matching the filter.
    Orders {
        /// Which orders.
        filter: OrderFilter,
    },
}

/// Writes a filtered history as CSV to a file the person picked in the save dialog
/// (replacing it). Streamed page by page, so any size works. A path that cannot be
/// written is `invalid_request`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportCsv {
    /// Fills or orders, and which.
    pub export: HistoryExport,
    /// Absolute path of the file to write.
    pub path: String,
}
command!(ExportCsv => "export_csv", ExportedCsv);

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedCsv {
    /// Data rows written (the header not counted).
    pub rows: u64,
    /// The file written.
    pub path: String,
}
