//! Order entry both ways: the person's ticket to the core's, and the core's pending,
//! unconfirmed and placed orders back.

use ipc::commands::orders as ui;
use kalshi::model::order::{BookSide, OutcomeSide, TimeInForce};

use super::{ms, time_of_ms};
use crate::error::CoreError;
use crate::event::{PendingOrder, UnconfirmedOrder};
use crate::orders::{CancelAllReport, Decrease, OrderTicket, PlacedOrder};

/// The exchange's outcome side as the UI's.
pub fn outcome(side: OutcomeSide) -> ui::Outcome {
    match side {
        OutcomeSide::Yes => ui::Outcome::Yes,
        OutcomeSide::No => ui::Outcome::No,
    }
}

/// The exchange's book side as the UI's.
pub fn book_side(side: BookSide) -> ui::BookSide {
    match side {
        BookSide::Bid => ui::BookSide::Bid,
        BookSide::Ask => ui::BookSide::Ask,
    }
}

/// The person's ticket in the exchange's one-YES-book terms.
///
/// # Errors
/// [`CoreError::Order`] (`price_out_of_range`) for a price above 1, whose complement does
/// not exist; [`CoreError::InvalidRequest`] for an expiry that is not a time.
pub fn ticket(t: &ui::Ticket) -> Result<OrderTicket, CoreError> {
    let side = match t.outcome {
        ui::Outcome::Yes => OutcomeSide::Yes,
        ui::Outcome::No => OutcomeSide::No,
    };
    let built = match t.action {
        ui::Action::Buy => OrderTicket::buy(t.ticker.clone(), side, t.price, t.count),
        ui::Action::Sell => OrderTicket::sell(t.ticker.clone(), side, t.price, t.count),
    };
    let mut order =
        built.ok_or(crate::error::OrderRejection::PriceOutOfRange { price: t.price })?;
    order.post_only = t.post_only;
    order.reduce_only = t.reduce_only;
    match t.time_in_force {
        ui::TimeInForce::GoodTillCanceled => {}
        ui::TimeInForce::GoodTillTime { expires_ms } => {
            order.expires_at = Some(time_of_ms(expires_ms).ok_or_else(|| {
                CoreError::InvalidRequest(format!("expiry {expires_ms} ms is not a time"))
            })?);
        }
        ui::TimeInForce::ImmediateOrCancel => {
            order.time_in_force = TimeInForce::ImmediateOrCancel;
        }
        ui::TimeInForce::FillOrKill => order.time_in_force = TimeInForce::FillOrKill,
    }
    Ok(order)
}

/// The core's ticket back in the person's terms. The one YES book cannot tell "sell YES"
/// from "buy NO" (they are the same order), so an ask reads as buying NO at `1 − price`.
fn ui_ticket(t: &OrderTicket) -> ui::Ticket {
    let (action, outcome, price) = match t.side {
        BookSide::Bid => (ui::Action::Buy, ui::Outcome::Yes, t.price),
        BookSide::Ask => (
            ui::Action::Buy,
            ui::Outcome::No,
            t.price.complement().unwrap_or(t.price),
        ),
    };
    let time_in_force = match (t.time_in_force, t.expires_at) {
        (TimeInForce::ImmediateOrCancel, _) => ui::TimeInForce::ImmediateOrCancel,
        (TimeInForce::FillOrKill, _) => ui::TimeInForce::FillOrKill,
        (_, Some(at)) => ui::TimeInForce::GoodTillTime { expires_ms: ms(at) },
        (_, None) => ui::TimeInForce::GoodTillCanceled,
    };
    ui::Ticket {
        ticker: t.ticker.clone(),
        action,
        outcome,
        price,
        count: t.count,
        time_in_force,
        post_only: t.post_only,
        reduce_only: t.reduce_only,
    }
}

/// An order on its way.
pub fn pending_order(p: &PendingOrder) -> ui::PendingOrder {
    ui::PendingOrder {
        client_order_id: p.client_order_id.clone(),
        ticket: ui_ticket(&p.ticket),
        sent_ms: ms(p.sent_at),
    }
}

/// An order whose outcome is unknown.
pub fn unconfirmed_order(u: &UnconfirmedOrder) -> ui::UnconfirmedOrder {
    ui::UnconfirmedOrder {
        order: ui::PendingOrder {
            client_order_id: u.client_order_id.clone(),
            ticket: ui_ticket(&u.ticket),
            sent_ms: ms(u.sent_at),
        },
        error: u.error.clone(),
    }
}

/// What placing answered.
pub fn placed_order(p: PlacedOrder) -> ui::PlacedOrder {
    ui::PlacedOrder {
        client_order_id: p.client_order_id,
        order_id: p.order_id,
        fill_count: p.fill_count,
        remaining_count: p.remaining_count,
    }
}

/// The UI's decrease in the exchange's terms.
pub fn decrease(d: ui::Decrease) -> Decrease {
    match d {
        ui::Decrease::By { count } => Decrease::By(count),
        ui::Decrease::To { count } => Decrease::To(count),
    }
}

/// A cancel-all's outcome.
pub fn cancel_all_report(r: CancelAllReport) -> ui::CancelAllReport {
    ui::CancelAllReport {
        canceled: r.canceled,
        failed: r
            .failed
            .into_iter()
            .map(|(order_id, error)| ui::CancelFailure { order_id, error })
            .collect(),
    }
}

/// The orders page: resting orders (already converted), pending and unconfirmed ones.
pub fn order_list(
    orders: Vec<ui::OrderView>,
    pending: &[PendingOrder],
    unconfirmed: &[UnconfirmedOrder],
) -> ui::OrderList {
    ui::OrderList {
        orders,
        pending: pending.iter().map(pending_order).collect(),
        unconfirmed: unconfirmed.iter().map(unconfirmed_order).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kalshi::model::{Count, Price};

    fn t(action: ui::Action, outcome: ui::Outcome, price: &str) -> ui::Ticket {
        ui::Ticket {
            ticker: "M".into(),
            action,
            outcome,
            price: Price::parse(price).unwrap(),
            count: Count::from_contracts(2),
            time_in_force: ui::TimeInForce::GoodTillTime {
                expires_ms: 1_800_000_000_000,
            },
            post_only: true,
            reduce_only: false,
        }
    }

    #[test]
    fn tickets_convert_to_the_yes_book_and_back() {
        let core = ticket(&t(ui::Action::Buy, ui::Outcome::No, "0.30")).unwrap();
        assert_eq!(core.side, BookSide::Ask, "buying NO is an ask");
        assert_eq!(core.price, Price::parse("0.70").unwrap());
        assert!(core.post_only);
        assert_eq!(core.expires_at.map(ms), Some(1_800_000_000_000));
        let back = ui_ticket(&core);
        assert_eq!(back, t(ui::Action::Buy, ui::Outcome::No, "0.30"));
        let sell_yes = ticket(&t(ui::Action::Sell, ui::Outcome::Yes, "0.40")).unwrap();
        assert_eq!(
            (sell_yes.side, sell_yes.price),
            (BookSide::Ask, Price::parse("0.40").unwrap())
        );
    }
}
