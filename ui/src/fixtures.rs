//! Values the UI's unit tests build again and again: an order as the store shows it.

use ipc::commands::orders::{BookSide, OrderStatus, OrderView, Outcome};
use ipc::{Count, Money, Price};

/// A resting order on market `KX`: a YES order is a bid, a NO order an ask, priced on the
/// YES leg at `yes`, with `filled` contracts filled and `resting` left.
pub(crate) fn order_view(
    order_id: &str,
    outcome: Outcome,
    yes: Price,
    filled: Count,
    resting: Count,
) -> OrderView {
    OrderView {
        order_id: order_id.into(),
        client_order_id: None,
        ticker: "KX".into(),
        outcome,
        book_side: if outcome == Outcome::Yes {
            BookSide::Bid
        } else {
            BookSide::Ask
        },
        status: OrderStatus::Resting,
        yes_price: yes,
        no_price: yes.complement().unwrap_or(yes),
        initial_count: filled.checked_add(resting).unwrap_or(resting),
        fill_count: filled,
        remaining_count: resting,
        fill_cost: Money::ZERO,
        fees: Money::ZERO,
        expires_ms: None,
        created_ms: 0,
        updated_ms: 0,
        closed_unknown: None,
    }
}
