//! Orders whose create went unanswered (a timeout, a lost connection, a 5xx after the
//! retries): they may be on the exchange, so they are never called rejected. Each is held
//! under its `client_order_id` until the exchange's own records settle it: the order is
//! found (in the store, from a WebSocket report or a catch-up, or by a REST lookup) and
//! becomes [`OrderEvent::Accepted`]; or a lookup made after the create returned lists
//! the market's orders without it, and it becomes [`OrderEvent::NotPlaced`]. A retry
//! re-sends the same ticket under the same id, which the exchange refuses to place twice.
//!
//! Held in memory and in the store (see [`super::persisted`]): a session opened after a
//! restart restores them, and its first catch-up settles them by the same rules (the
//! lookup is made after the restart, so after any create of the old session returned).

use kalshi::model::order::Order;
use kalshi::rest::Error as RestError;
use time::OffsetDateTime;

use super::{PlacedOrder, create_request, persisted, read_back};
use crate::error::{AppError, CoreError, exchange_error};
use crate::event::{AppEvent, OrderEvent, PendingOrder, UnconfirmedOrder};
use crate::record;
use crate::session::Session;
use crate::shared::Shared;

/// Kalshi's code for a create whose `client_order_id` is already in use.
const ALREADY_EXISTS: &str = "order_already_exists";

/// An unconfirmed order and whether a retry of it is in flight (a lookup must not call
/// it "not placed" while the retry may be placing it).
#[derive(Debug, Clone)]
pub(crate) struct Unconfirmed {
    order: UnconfirmedOrder,
    retrying: bool,
}

/// What settling an unconfirmed order found.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The exchange has it.
    Placed(Box<Order>),
    /// The exchange definitely does not.
    NotPlaced,
    /// Not known yet (the lookup failed, a retry is in flight, or another path settled
    /// it meanwhile).
    Unknown,
}

impl Session {
    /// Orders whose create went unanswered and that are not settled yet, oldest first.
    pub fn unconfirmed_orders(&self) -> Vec<UnconfirmedOrder> {
        let mut held: Vec<UnconfirmedOrder> = self
            .shared
            .unconfirmed()
            .values()
            .map(|u| u.order.clone())
            .collect();
        held.sort_by_key(|o| o.sent_at);
        held
    }

    /// Sends an unconfirmed order again under the same `client_order_id`, so it can never
    /// be placed twice: if the first attempt did reach the exchange, this one is refused
    /// as a duplicate and the order already placed is returned. An order that turns out
    /// to be placed meanwhile is returned as it is.
    ///
    /// # Errors
    /// [`CoreError::UnknownOrder`] if no unconfirmed order has that id (it was settled);
    /// [`CoreError::Unconfirmed`] if this attempt went unanswered too (it stays held);
    /// the exchange's definite refusal (then it is [`OrderEvent::NotPlaced`]); or as for
    /// [`Session::place_order`] before anything is sent.
    #[tracing::instrument(skip(self), fields(environment = %self.shared.env), err(Debug))]
    pub async fn retry_unconfirmed(&self, client_order_id: &str) -> Result<PlacedOrder, CoreError> {
        let shared = self.live()?;
        shared.env.check_can_trade(shared.production_confirmed())?;
        if let Some(row) = shared
            .store
            .order_by_client_id(&shared.scope, client_order_id)
            .await?
        {
            let order = Order::from(row);
            confirmed(shared, &order).await;
            return Ok(placed(&order));
        }
        let ticket = {
            let mut held = shared.unconfirmed();
            let entry = held
                .get_mut(client_order_id)
                .filter(|e| !e.retrying)
                .ok_or_else(|| CoreError::UnknownOrder(client_order_id.to_owned()))?;
            entry.retrying = true;
            entry.order.ticket.clone()
        };
        let request = match create_request(&ticket, client_order_id) {
            Ok(request) => request,
            Err(e) => {
                retry_ended(shared, client_order_id, None).await;
                return Err(e);
            }
        };
        match shared.link.client.create_order(&request).await {
            Ok(response) => {
                if release(shared, client_order_id).await.is_some() {
                    shared.emit(AppEvent::Order(OrderEvent::Accepted {
                        client_order_id: client_order_id.to_owned(),
                        order_id: response.order_id.clone(),
                        fill_count: response.fill_count,
                        remaining_count: response.remaining_count,
                    }));
                }
                read_back(shared, &response.order_id).await;
                Ok(PlacedOrder {
                    client_order_id: client_order_id.to_owned(),
                    order_id: response.order_id,
                    fill_count: response.fill_count,
                    remaining_count: response.remaining_count,
                })
            }
            Err(e) if e.code() == Some(ALREADY_EXISTS) => {
                // The first attempt did place it.
                retry_ended(shared, client_order_id, None).await;
                match settle(shared, client_order_id).await {
                    Outcome::Placed(order) => Ok(placed(&order)),
                    _ => Err(CoreError::Unconfirmed {
                        client_order_id: client_order_id.to_owned(),
                        source: e,
                    }),
                }
            }
            Err(e) if e.outcome_unknown() => {
                retry_ended(shared, client_order_id, Some(exchange_error(&e))).await;
                Err(CoreError::Unconfirmed {
                    client_order_id: client_order_id.to_owned(),
                    source: e,
                })
            }
            Err(e) => {
                let error = CoreError::from(e);
                if release(shared, client_order_id).await.is_some() {
                    shared.emit(AppEvent::Order(OrderEvent::NotPlaced {
                        client_order_id: client_order_id.to_owned(),
                        error: AppError::from(&error),
                    }));
                }
                Err(error)
            }
        }
    }
}

/// Holds a pending order whose create failed with `error` (which may have placed it),
/// announces it, and tries to settle it at once. Returns what placing it came to.
pub(crate) async fn hold(
    shared: &Shared,
    pending: PendingOrder,
    error: RestError,
) -> Result<PlacedOrder, CoreError> {
    let client_order_id = pending.client_order_id.clone();
    let order = UnconfirmedOrder {
        client_order_id: client_order_id.clone(),
        ticket: pending.ticket,
        sent_at: pending.sent_at,
        error: exchange_error(&error),
    };
    tracing::warn!(%client_order_id, error = %order.error, "order unconfirmed; looking it up");
    // Stored first, so a restart from here on still knows it.
    persisted::save(shared, &order).await;
    shared.unconfirmed().insert(
        client_order_id.clone(),
        Unconfirmed {
            order: order.clone(),
            retrying: false,
        },
    );
    shared.pending().remove(&client_order_id);
    shared.emit(AppEvent::Order(OrderEvent::Unconfirmed(order)));
    // A later catch-up settles it if this lookup cannot.
    shared.reconcile.notify_one();
    match settle(shared, &client_order_id).await {
        Outcome::Placed(order) => Ok(placed(&order)),
        // Definitely not placed: the failure stands as the answer.
        Outcome::NotPlaced => Err(CoreError::Exchange(error)),
        Outcome::Unknown => match shared
            .store
            .order_by_client_id(&shared.scope, &client_order_id)
            .await?
        {
            Some(row) => Ok(placed(&Order::from(row))),
            None if !shared.unconfirmed().contains_key(&client_order_id) => {
                Err(CoreError::Exchange(error))
            }
            None => Err(CoreError::Unconfirmed {
                client_order_id,
                source: error,
            }),
        },
    }
}

/// Settles every unconfirmed order that can be (after a catch-up).
pub(crate) async fn settle_all(shared: &Shared) {
    let ids: Vec<String> = shared
        .unconfirmed()
        .iter()
        .filter(|(_, u)| !u.retrying)
        .map(|(id, _)| id.clone())
        .collect();
    for id in ids {
        settle(shared, &id).await;
    }
}

/// Settles one unconfirmed order: the store (a report with its id), else one listing of
/// its market on the exchange.
async fn settle(shared: &Shared, client_order_id: &str) -> Outcome {
    match shared
        .store
        .order_by_client_id(&shared.scope, client_order_id)
        .await
    {
        Ok(Some(row)) => {
            let order = Order::from(row);
            confirmed(shared, &order).await;
            return Outcome::Placed(Box::new(order));
        }
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(error = %e, client_order_id, "reading the store failed");
            return Outcome::Unknown;
        }
    }
    let ticker = match shared.unconfirmed().get(client_order_id) {
        Some(u) if !u.retrying => u.order.ticket.ticker.clone(),
        _ => return Outcome::Unknown,
    };
    let found = shared
        .link
        .client
        .orders_by_client_id(&ticker, &[client_order_id])
        .await;
    match found {
        Ok(mut found) => match found.remove(client_order_id) {
            Some(order) => {
                if let Err(e) = record::orders(shared, std::slice::from_ref(&order)).await {
                    tracing::warn!(error = %e, client_order_id, "storing a found order failed");
                }
                confirmed(shared, &order).await;
                Outcome::Placed(Box::new(order))
            }
            None => {
                let removed = {
                    let mut held = shared.unconfirmed();
                    match held.get(client_order_id) {
                        Some(u) if !u.retrying => held.remove(client_order_id),
                        _ => None,
                    }
                };
                let Some(u) = removed else {
                    return Outcome::Unknown;
                };
                persisted::forget(shared, client_order_id).await;
                tracing::info!(client_order_id, "an unconfirmed order was not placed");
                shared.emit(AppEvent::Order(OrderEvent::NotPlaced {
                    client_order_id: client_order_id.to_owned(),
                    error: u.order.error,
                }));
                Outcome::NotPlaced
            }
        },
        Err(e) => {
            tracing::debug!(error = %e, client_order_id, "unconfirmed order lookup failed");
            Outcome::Unknown
        }
    }
}

/// The exchange's `order` carries the id of an unconfirmed order: it was placed.
pub(crate) async fn confirmed(shared: &Shared, order: &Order) {
    if order.client_order_id.is_empty() {
        return;
    }
    if release(shared, &order.client_order_id).await.is_some() {
        tracing::info!(client_order_id = %order.client_order_id, order_id = %order.order_id,
            "an unconfirmed order was placed");
        shared.emit(AppEvent::Order(OrderEvent::Accepted {
            client_order_id: order.client_order_id.clone(),
            order_id: order.order_id.clone(),
            fill_count: order.fill_count_fp,
            remaining_count: order.remaining_count_fp,
        }));
    }
}

/// Holds the orders a previous session left unconfirmed (restored from the store); the
/// first catch-up settles them.
pub(crate) fn adopt(shared: &Shared, orders: Vec<UnconfirmedOrder>) {
    let mut held = shared.unconfirmed();
    for order in orders {
        held.insert(
            order.client_order_id.clone(),
            Unconfirmed {
                order,
                retrying: false,
            },
        );
    }
}

/// Stops holding an order (it settled); `None` if it was not held. Its row goes too.
async fn release(shared: &Shared, client_order_id: &str) -> Option<Unconfirmed> {
    let released = shared.unconfirmed().remove(client_order_id);
    if released.is_some() {
        persisted::forget(shared, client_order_id).await;
    }
    released
}

/// A retry ended without settling the order: it is held again (announced again with the
/// new failure, if any).
async fn retry_ended(shared: &Shared, client_order_id: &str, error: Option<AppError>) {
    let again = {
        let mut held = shared.unconfirmed();
        let Some(entry) = held.get_mut(client_order_id) else {
            return;
        };
        entry.retrying = false;
        error.map(|error| {
            entry.order.error = error;
            entry.order.sent_at = entry.order.sent_at.min(OffsetDateTime::now_utc());
            entry.order.clone()
        })
    };
    if let Some(order) = again {
        persisted::save(shared, &order).await;
        shared.emit(AppEvent::Order(OrderEvent::Unconfirmed(order)));
    }
}

fn placed(order: &Order) -> PlacedOrder {
    PlacedOrder {
        client_order_id: order.client_order_id.clone(),
        order_id: order.order_id.clone(),
        fill_count: order.fill_count_fp,
        remaining_count: order.remaining_count_fp,
    }
}
