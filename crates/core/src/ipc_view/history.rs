//! Orders and fills as stored, the history filters and the keyset pages.

use ipc::commands::history as ui;
use ipc::commands::orders::{OrderStatus as UiStatus, OrderView};
use kalshi::model::Money;
use kalshi::model::fill::Fill;
use kalshi::model::order::{BookSide, Order, OrderStatus, OutcomeSide};
use store::{FillRow, OrderRow, Page, PageCursor, TickerFilter, TimeRange};

use super::orders::{book_side, outcome};
use super::{ms, time_of_ms};
use crate::error::CoreError;

/// A stored order in the UI's shape; `closed_unknown` is the store's note for an order it
/// closed itself.
pub fn order_view(o: &Order, closed_unknown: Option<String>) -> OrderView {
    let sum = |a: Money, b: Money| a.checked_add(b).unwrap_or(a);
    OrderView {
        order_id: o.order_id.clone(),
        client_order_id: (!o.client_order_id.is_empty()).then(|| o.client_order_id.clone()),
        ticker: o.ticker.clone(),
        outcome: outcome(o.outcome_side),
        book_side: book_side(o.book_side),
        status: match o.status {
            OrderStatus::Resting => UiStatus::Resting,
            OrderStatus::Canceled => UiStatus::Canceled,
            OrderStatus::Executed => UiStatus::Executed,
        },
        yes_price: o.yes_price_dollars,
        no_price: o.no_price_dollars,
        initial_count: o.initial_count_fp,
        fill_count: o.fill_count_fp,
        remaining_count: o.remaining_count_fp,
        fill_cost: sum(o.taker_fill_cost_dollars, o.maker_fill_cost_dollars),
        fees: sum(o.taker_fees_dollars, o.maker_fees_dollars),
        expires_ms: o.expiration_time.map(ms),
        created_ms: o.created_time.map_or(0, ms),
        updated_ms: o.last_update_time.or(o.created_time).map_or(0, ms),
        closed_unknown,
    }
}

/// A stored order row in the UI's shape.
pub fn order_row_view(row: OrderRow) -> OrderView {
    let note = row.closed_unknown.clone();
    order_view(&Order::from(row), note)
}

/// A fill in the UI's shape.
pub fn fill_view(f: &Fill) -> ui::FillView {
    ui::FillView {
        fill_id: f.fill_id.clone(),
        order_id: f.order_id.clone(),
        ticker: f.ticker.clone(),
        outcome: outcome(f.outcome_side),
        book_side: book_side(f.book_side),
        count: f.count_fp,
        yes_price: f.yes_price_dollars,
        no_price: f.no_price_dollars,
        is_taker: f.is_taker,
        fee: f.fee_cost,
        created_ms: f.created_time.map_or(0, ms),
    }
}

fn fill_row_view(r: &FillRow) -> ui::FillView {
    ui::FillView {
        fill_id: r.fill_id.clone(),
        order_id: r.order_id.clone(),
        ticker: r.ticker.clone(),
        outcome: outcome(r.outcome_side),
        book_side: book_side(r.book_side),
        count: r.count,
        yes_price: r.yes_price,
        no_price: r.no_price,
        is_taker: r.is_taker,
        fee: r.fee_cost,
        created_ms: ms(r.created_time),
    }
}

fn range(from_ms: Option<i64>, until_ms: Option<i64>) -> Result<TimeRange, CoreError> {
    let time = |ms: i64| {
        time_of_ms(ms).ok_or_else(|| CoreError::InvalidRequest(format!("{ms} ms is not a time")))
    };
    Ok(TimeRange {
        from: from_ms.map(time).transpose()?,
        until: until_ms.map(time).transpose()?,
    })
}

fn tickers(t: &Option<ui::TickerMatch>) -> Option<TickerFilter> {
    t.as_ref().map(|t| match t {
        ui::TickerMatch::Exact { ticker } => TickerFilter::Exact(ticker.clone()),
        ui::TickerMatch::Prefix { prefix } => TickerFilter::Prefix(prefix.clone()),
    })
}

fn outcome_side(o: Option<ipc::commands::orders::Outcome>) -> Option<OutcomeSide> {
    o.map(|o| match o {
        ipc::commands::orders::Outcome::Yes => OutcomeSide::Yes,
        ipc::commands::orders::Outcome::No => OutcomeSide::No,
    })
}

fn side(s: Option<ipc::commands::orders::BookSide>) -> Option<BookSide> {
    s.map(|s| match s {
        ipc::commands::orders::BookSide::Bid => BookSide::Bid,
        ipc::commands::orders::BookSide::Ask => BookSide::Ask,
    })
}

fn text(t: &Option<String>) -> Option<String> {
    t.as_ref().filter(|t| !t.trim().is_empty()).cloned()
}

/// The UI's fill filter in the store's terms.
///
/// # Errors
/// [`CoreError::InvalidRequest`] for a time out of range.
pub fn fill_filter(f: &ui::FillFilter) -> Result<store::FillFilter, CoreError> {
    Ok(store::FillFilter {
        ticker: tickers(&f.ticker),
        outcome_side: outcome_side(f.outcome),
        book_side: side(f.book_side),
        order_id: f.order_id.clone(),
        range: range(f.from_ms, f.until_ms)?,
        text: text(&f.text),
    })
}

/// The UI's order filter in the store's terms.
///
/// # Errors
/// [`CoreError::InvalidRequest`] for a time out of range.
pub fn order_filter(f: &ui::OrderFilter) -> Result<store::OrderFilter, CoreError> {
    Ok(store::OrderFilter {
        ticker: tickers(&f.ticker),
        outcome_side: outcome_side(f.outcome),
        book_side: side(f.book_side),
        status: f.status.map(|s| match s {
            UiStatus::Resting => OrderStatus::Resting,
            UiStatus::Canceled => OrderStatus::Canceled,
            UiStatus::Executed => OrderStatus::Executed,
        }),
        range: range(f.from_ms, f.until_ms)?,
        text: text(&f.text),
    })
}

/// The UI's page request in the store's terms.
///
/// # Errors
/// [`CoreError::Store`] (`invalid_request`) for a cursor the core did not make.
pub fn page_request(p: &ui::PageRequest) -> Result<store::PageRequest, CoreError> {
    Ok(store::PageRequest {
        limit: p.limit,
        after: p
            .after
            .as_ref()
            .map(|c| c.0.parse::<PageCursor>())
            .transpose()?,
    })
}

fn next(page_next: Option<PageCursor>) -> Option<ui::Cursor> {
    page_next.map(|c| ui::Cursor(c.to_string()))
}

/// A page of fills.
pub fn fill_page(page: Page<FillRow>) -> ui::Page<ui::FillView> {
    ui::Page {
        items: page.items.iter().map(fill_row_view).collect(),
        next: next(page.next),
    }
}

/// A page of orders.
pub fn order_page(page: Page<OrderRow>) -> ui::Page<OrderView> {
    ui::Page {
        items: page.items.into_iter().map(order_row_view).collect(),
        next: next(page.next),
    }
}
