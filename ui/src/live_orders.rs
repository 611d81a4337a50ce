//! This app's own orders as their events tell them, so a market's resting-orders list shows
//! a new order the moment it is sent and the moment the exchange accepts it, without
//! waiting for its re-read of the store (which the same events start, and which replaces
//! these rows once it answers).

use ipc::commands::orders::{
    Action, BookSide, OrderList, OrderStatus, OrderView, Outcome, PendingOrder, Ticket,
};
use ipc::events::OrderEvent;
use ipc::{Count, Price};

/// Orders kept at most; beyond it the oldest go (by then the store lists them).
const KEEP: usize = 200;

/// Where one of this app's orders stands, as far as its events said.
#[derive(Debug, Clone, PartialEq)]
enum State {
    /// Sent, not answered.
    Sending,
    /// Accepted with contracts resting; the stored order has not been seen yet.
    Accepted {
        /// The exchange's id.
        order_id: String,
        /// Contracts resting.
        remaining: Count,
    },
    /// Stored and resting.
    Stored(OrderView),
}

#[derive(Debug, Clone, PartialEq)]
struct Live {
    client_order_id: String,
    ticket: Ticket,
    state: State,
}

/// The app's orders from `Pending` until they stop resting (or never rested), oldest
/// first. Fed by [`LiveOrders::apply`] with every order event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LiveOrders {
    orders: Vec<Live>,
}

/// One row of a market's resting-orders list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestingRow {
    /// A stable key: the order id once known, else the client order id.
    pub key: String,
    /// The exchange's id; `None` while the order is on its way.
    pub order_id: Option<String>,
    /// Its side of the YES book.
    pub book_side: BookSide,
    /// The exposure it gives (YES for a bid, NO for an ask).
    pub outcome: Outcome,
    /// The limit price of that outcome.
    pub price: Price,
    /// Contracts resting (the ordered count while on its way).
    pub remaining: Count,
    /// Contracts ordered.
    pub initial: Count,
}

impl LiveOrders {
    /// Follows one order event.
    pub fn apply(&mut self, event: &OrderEvent) {
        match event {
            OrderEvent::Pending(p) => {
                if self.find(&p.client_order_id).is_none() {
                    self.orders.push(Live {
                        client_order_id: p.client_order_id.clone(),
                        ticket: p.ticket.clone(),
                        state: State::Sending,
                    });
                    if self.orders.len() > KEEP {
                        self.orders.remove(0);
                    }
                }
            }
            OrderEvent::Accepted {
                client_order_id,
                order_id,
                remaining_count,
                ..
            } => {
                if *remaining_count <= Count::ZERO {
                    self.remove(client_order_id);
                } else if let Some(live) = self.find(client_order_id)
                    && live.state == State::Sending
                {
                    live.state = State::Accepted {
                        order_id: order_id.clone(),
                        remaining: *remaining_count,
                    };
                }
            }
            OrderEvent::Rejected {
                client_order_id, ..
            }
            | OrderEvent::Unconfirmed {
                client_order_id, ..
            }
            | OrderEvent::NotPlaced {
                client_order_id, ..
            } => self.remove(client_order_id),
            OrderEvent::Stored { order } => {
                let Some(client_order_id) = &order.client_order_id else {
                    return;
                };
                if order.status != OrderStatus::Resting {
                    self.remove(client_order_id);
                } else if let Some(live) = self.find(client_order_id) {
                    live.state = State::Stored(order.clone());
                }
            }
        }
    }

    /// The rows of `ticker`'s resting-orders list: what `fetched` (the store's answer)
    /// lists, and before it this app's orders that the answer does not list yet. Orders
    /// on their way come first, then resting orders, newest first.
    pub fn rows(&self, ticker: &str, fetched: &OrderList) -> Vec<RestingRow> {
        let listed_order = |id: &str| fetched.orders.iter().any(|o| o.order_id == id);
        let listed_client = |id: &str| {
            fetched.pending.iter().any(|p| p.client_order_id == id)
                || fetched
                    .orders
                    .iter()
                    .any(|o| o.client_order_id.as_deref() == Some(id))
        };
        let mine = self
            .orders
            .iter()
            .rev()
            .filter(|l| l.ticket.ticker == ticker && !listed_client(&l.client_order_id));
        let mut sending = Vec::new();
        let mut resting = Vec::new();
        for live in mine {
            match &live.state {
                State::Sending => {
                    sending.push(ticket_row(&live.client_order_id, &live.ticket, None))
                }
                State::Accepted {
                    order_id,
                    remaining,
                } if !listed_order(order_id) => {
                    let mut row = ticket_row(order_id, &live.ticket, Some(order_id.clone()));
                    row.remaining = *remaining;
                    resting.push(row);
                }
                State::Stored(order) if !listed_order(&order.order_id) => {
                    resting.push(order_row(order));
                }
                State::Accepted { .. } | State::Stored(_) => {}
            }
        }
        sending.reverse();
        sending.extend(fetched.pending.iter().map(pending_row));
        sending.extend(resting);
        sending.extend(fetched.orders.iter().map(order_row));
        sending
    }

    fn find(&mut self, client_order_id: &str) -> Option<&mut Live> {
        self.orders
            .iter_mut()
            .find(|l| l.client_order_id == client_order_id)
    }

    fn remove(&mut self, client_order_id: &str) {
        self.orders.retain(|l| l.client_order_id != client_order_id);
    }
}

/// A row from what was asked for: a bid for YES exposure, an ask for NO, priced in that
/// outcome (selling YES at 60¢ is the ask that buys NO at 40¢).
fn ticket_row(key: &str, t: &Ticket, order_id: Option<String>) -> RestingRow {
    let bid = matches!(
        (t.action, t.outcome),
        (Action::Buy, Outcome::Yes) | (Action::Sell, Outcome::No)
    );
    let (book_side, outcome) = if bid {
        (BookSide::Bid, Outcome::Yes)
    } else {
        (BookSide::Ask, Outcome::No)
    };
    let price = if outcome == t.outcome {
        t.price
    } else {
        t.price.complement().unwrap_or(t.price)
    };
    RestingRow {
        key: key.to_owned(),
        order_id,
        book_side,
        outcome,
        price,
        remaining: t.count,
        initial: t.count,
    }
}

fn pending_row(p: &PendingOrder) -> RestingRow {
    ticket_row(&p.client_order_id, &p.ticket, None)
}

fn order_row(o: &OrderView) -> RestingRow {
    RestingRow {
        key: o.order_id.clone(),
        order_id: Some(o.order_id.clone()),
        book_side: o.book_side,
        outcome: o.outcome,
        price: if o.outcome == Outcome::Yes {
            o.yes_price
        } else {
            o.no_price
        },
        remaining: o.remaining_count,
        initial: o.initial_count,
    }
}

#[cfg(test)]
mod tests {
    use ipc::commands::orders::TimeInForce;
    use ipc::{AppError, ErrorCode};

    use super::*;
    use crate::fixtures::order_view;

    fn ticket(ticker: &str, action: Action, outcome: Outcome, cents: i64, count: i64) -> Ticket {
        Ticket {
            ticker: ticker.into(),
            action,
            outcome,
            price: Price::from_units(cents * 100),
            count: Count::from_contracts(count),
            time_in_force: TimeInForce::GoodTillCanceled,
            post_only: false,
            reduce_only: false,
        }
    }

    fn pending(id: &str, t: Ticket) -> OrderEvent {
        OrderEvent::Pending(PendingOrder {
            client_order_id: id.into(),
            ticket: t,
            sent_ms: 0,
        })
    }

    fn accepted(id: &str, order_id: &str, remaining: i64) -> OrderEvent {
        OrderEvent::Accepted {
            client_order_id: id.into(),
            order_id: order_id.into(),
            fill_count: Count::ZERO,
            remaining_count: Count::from_contracts(remaining),
        }
    }

    fn view(order_id: &str, client: &str, status: OrderStatus, remaining: i64) -> OrderView {
        OrderView {
            client_order_id: Some(client.into()),
            ticker: "M".into(),
            status,
            ..order_view(
                order_id,
                Outcome::Yes,
                Price::from_units(4_000),
                Count::from_contracts(5 - remaining),
                Count::from_contracts(remaining),
            )
        }
    }

    fn keys(rows: &[RestingRow]) -> Vec<(&str, bool)> {
        rows.iter()
            .map(|r| (r.key.as_str(), r.order_id.is_some()))
            .collect()
    }

    #[test]
    fn an_order_shows_sending_then_resting_before_the_store_answers() {
        let mut live = LiveOrders::default();
        let empty = OrderList::default();
        live.apply(&pending(
            "c1",
            ticket("M", Action::Buy, Outcome::Yes, 40, 5),
        ));
        let rows = live.rows("M", &empty);
        assert_eq!(keys(&rows), [("c1", false)]);
        assert_eq!(rows[0].book_side, BookSide::Bid);
        assert_eq!(rows[0].price, Price::from_units(4_000));
        assert!(live.rows("OTHER", &empty).is_empty(), "only its market");

        live.apply(&accepted("c1", "o1", 3));
        let rows = live.rows("M", &empty);
        assert_eq!(keys(&rows), [("o1", true)]);
        assert_eq!(rows[0].remaining, Count::from_contracts(3));
        assert_eq!(rows[0].initial, Count::from_contracts(5));

        // The store's answer lists it: one row, the store's.
        let fetched = OrderList {
            orders: vec![view("o1", "c1", OrderStatus::Resting, 2)],
            ..OrderList::default()
        };
        let rows = live.rows("M", &fetched);
        assert_eq!(keys(&rows), [("o1", true)]);
        assert_eq!(rows[0].remaining, Count::from_contracts(2));
    }

    #[test]
    fn an_order_that_stops_resting_leaves() {
        let empty = OrderList::default();
        for end in [
            accepted("c1", "o1", 0),
            OrderEvent::Rejected {
                client_order_id: "c1".into(),
                error: AppError::new(ErrorCode::ExchangeRejected, "no"),
            },
            OrderEvent::NotPlaced {
                client_order_id: "c1".into(),
                reason: "gone".into(),
            },
            OrderEvent::Stored {
                order: view("o1", "c1", OrderStatus::Canceled, 0),
            },
            OrderEvent::Stored {
                order: view("o1", "c1", OrderStatus::Executed, 0),
            },
        ] {
            let mut live = LiveOrders::default();
            live.apply(&pending(
                "c1",
                ticket("M", Action::Buy, Outcome::Yes, 40, 5),
            ));
            live.apply(&end);
            assert!(live.rows("M", &empty).is_empty(), "{end:?}");
        }
    }

    #[test]
    fn a_stored_order_stays_until_the_store_lists_it_and_is_not_downgraded() {
        let mut live = LiveOrders::default();
        live.apply(&pending(
            "c1",
            ticket("M", Action::Buy, Outcome::Yes, 40, 5),
        ));
        live.apply(&OrderEvent::Stored {
            order: view("o1", "c1", OrderStatus::Resting, 4),
        });
        // The ack's event may come after the stored order's.
        live.apply(&accepted("c1", "o1", 5));
        let rows = live.rows("M", &OrderList::default());
        assert_eq!(keys(&rows), [("o1", true)]);
        assert_eq!(
            rows[0].remaining,
            Count::from_contracts(4),
            "the stored state"
        );
    }

    #[test]
    fn asks_read_as_no_exposure_priced_in_no() {
        let mut live = LiveOrders::default();
        live.apply(&pending(
            "sell",
            ticket("M", Action::Sell, Outcome::Yes, 60, 1),
        ));
        live.apply(&pending("no", ticket("M", Action::Buy, Outcome::No, 40, 1)));
        let rows = live.rows("M", &OrderList::default());
        for r in &rows {
            assert_eq!((r.book_side, r.outcome), (BookSide::Ask, Outcome::No));
            assert_eq!(r.price, Price::from_units(4_000));
        }
        assert_eq!(
            keys(&rows),
            [("sell", false), ("no", false)],
            "oldest first"
        );
    }

    #[test]
    fn rows_order_sending_then_new_then_stored() {
        let mut live = LiveOrders::default();
        live.apply(&pending(
            "c1",
            ticket("M", Action::Buy, Outcome::Yes, 40, 5),
        ));
        live.apply(&accepted("c1", "o1", 5));
        live.apply(&pending(
            "c2",
            ticket("M", Action::Buy, Outcome::Yes, 41, 5),
        ));
        let fetched = OrderList {
            orders: vec![view("o0", "c0", OrderStatus::Resting, 5)],
            pending: vec![PendingOrder {
                client_order_id: "c2".into(),
                ticket: ticket("M", Action::Buy, Outcome::Yes, 41, 5),
                sent_ms: 0,
            }],
            unconfirmed: Vec::new(),
        };
        let rows = live.rows("M", &fetched);
        assert_eq!(
            keys(&rows),
            [("c2", false), ("o1", true), ("o0", true)],
            "c2 once (the store's pending row), then the accepted order, then the stored one"
        );
    }
}
