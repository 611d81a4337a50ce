//! Changing orders that exist: cancel, batch cancel, decrease (keeps queue priority) and
//! amend (a new price or a larger size re-queues the order and may make it trade).

use std::sync::Arc;

use kalshi::model::{Count, Price};

use super::ctx::Touched;
use super::order::{BookSide, CancelReason, Order};
use super::{CancelOutcome, Engine, OrderOutcome, Outcome, validate};
use crate::accounts::worst_taker_pp;
use crate::error::SimError;
use crate::ids::{OrderId, UserId};

/// How to shrink an order (`reduce_by` or `reduce_to` of the decrease request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decrease {
    /// Take this many contracts off the remaining quantity (all of it if more).
    By(Count),
    /// Leave this many contracts remaining (must not exceed what remains).
    To(Count),
}

/// An amend (the V2 amend request in engine terms).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmendRequest {
    /// Must be the order's market.
    pub ticker: String,
    /// Must be the order's side.
    pub side: BookSide,
    /// New YES price.
    pub price: Price,
    /// New total size: already filled + desired remaining.
    pub count: Count,
    /// If given, must be the order's current client_order_id.
    pub client_order_id: Option<String>,
    /// A new client_order_id for the order.
    pub updated_client_order_id: Option<String>,
}

impl Engine {
    fn owned(&self, user: UserId, id: OrderId) -> Result<&Order, SimError> {
        if self.accounts.get(user).is_none() {
            return Err(SimError::UserNotFound);
        }
        self.order(user, id)
    }

    /// Cancels a resting order. An order that already finished is returned with
    /// `reduced_by` 0, as Kalshi does.
    ///
    /// # Errors
    /// [`SimError::OrderNotFound`], [`SimError::MarketClosed`].
    pub fn cancel_order(
        &mut self,
        user: UserId,
        id: OrderId,
        now_ms: i64,
    ) -> Result<Outcome<CancelOutcome>, SimError> {
        let now = self.touch(now_ms);
        let mut events = Vec::new();
        let mut touched = self.take_scratch();
        let value = self.cancel_one(user, id, now, &mut events, &mut touched)?;
        self.finish(&mut touched, &mut events, now);
        Ok(Outcome { value, events })
    }

    /// Cancels several orders, each succeeding or failing on its own.
    pub fn batch_cancel(
        &mut self,
        user: UserId,
        ids: &[OrderId],
        now_ms: i64,
    ) -> Outcome<Vec<Result<CancelOutcome, SimError>>> {
        let now = self.touch(now_ms);
        let mut events = Vec::new();
        let mut touched = self.take_scratch();
        let value = ids
            .iter()
            .map(|id| self.cancel_one(user, *id, now, &mut events, &mut touched))
            .collect();
        self.finish(&mut touched, &mut events, now);
        Outcome { value, events }
    }

    fn cancel_one(
        &mut self,
        user: UserId,
        id: OrderId,
        now: i64,
        events: &mut Vec<super::Event>,
        touched: &mut Touched,
    ) -> Result<CancelOutcome, SimError> {
        let mid = self.owned(user, id)?.market;
        self.markets[mid.index()].check_cancellable(now)?;
        let reduced = self
            .ctx(mid, events, touched, now)
            .cancel_resting(id, CancelReason::User);
        let order = self.order(user, id)?.clone();
        Ok(CancelOutcome {
            order,
            reduced_by: Count::from_units(reduced),
            ts_ms: now,
        })
    }

    /// Shrinks a resting order without losing its place in the queue; decreasing to zero
    /// cancels it.
    ///
    /// # Errors
    /// [`SimError::OrderNotFound`], [`SimError::MarketClosed`],
    /// [`SimError::OrderNotResting`], [`SimError::InvalidParameters`] for a non-positive
    /// `reduce_by` or a `reduce_to` outside `0 ..= remaining`.
    pub fn decrease_order(
        &mut self,
        user: UserId,
        id: OrderId,
        decrease: Decrease,
        now_ms: i64,
    ) -> Result<Outcome<Order>, SimError> {
        let now = self.touch(now_ms);
        let order = self.owned(user, id)?;
        let mid = order.market;
        self.markets[mid.index()].check_cancellable(now)?;
        if !order.is_resting() {
            return Err(SimError::OrderNotResting(id.to_string()));
        }
        let left = order.remaining_count.units();
        let target = match decrease {
            Decrease::By(by) if by.units() > 0 => (left - by.units()).max(0),
            Decrease::By(_) => {
                return Err(SimError::InvalidParameters(
                    "reduce_by must be positive".into(),
                ));
            }
            Decrease::To(to) if (0..=left).contains(&to.units()) => to.units(),
            Decrease::To(to) => {
                return Err(SimError::InvalidParameters(format!(
                    "reduce_to must be between 0 and the remaining {}, got {to}",
                    Count::from_units(left)
                )));
            }
        };
        let mut events = Vec::new();
        let mut touched = self.take_scratch();
        {
            let mut ctx = self.ctx(mid, &mut events, &mut touched, now);
            if target == 0 {
                ctx.cancel_resting(id, CancelReason::User);
            } else {
                ctx.reduce_resting(id, left - target);
            }
        }
        let value = self.order(user, id)?.clone();
        self.finish(&mut touched, &mut events, now);
        Ok(Outcome { value, events })
    }

    /// Changes an order's price and/or total size. Lowering the size at the same price
    /// keeps queue priority; a new price or a larger size re-queues the order at the back,
    /// and if the new price crosses, it trades as a taker first.
    ///
    /// # Errors
    /// [`SimError::OrderNotFound`], [`SimError::OrderTickerMismatch`],
    /// [`SimError::OrderSideMismatch`], [`SimError::OrderIdClientOrderIdMismatch`], market
    /// status errors, [`SimError::OrderNotResting`], [`SimError::PriceOffGrid`],
    /// [`SimError::InvalidOrderSize`] (total not above the filled quantity),
    /// [`SimError::OrderAlreadyExists`] (updated client_order_id taken),
    /// [`SimError::PostOnlyCross`], [`SimError::InsufficientBalance`].
    pub fn amend_order(
        &mut self,
        user: UserId,
        id: OrderId,
        req: &AmendRequest,
        now_ms: i64,
    ) -> Result<Outcome<OrderOutcome>, SimError> {
        let now = self.touch(now_ms);
        let order = self.owned(user, id)?;
        let mid = order.market;
        if *order.ticker != *req.ticker {
            return Err(SimError::OrderTickerMismatch);
        }
        if order.side != req.side {
            return Err(SimError::OrderSideMismatch);
        }
        if let Some(c) = &req.client_order_id
            && order.client_order_id.as_deref() != Some(c.as_str())
        {
            return Err(SimError::OrderIdClientOrderIdMismatch);
        }
        let market = &self.markets[mid.index()];
        market.check_tradable(now)?;
        if !order.is_resting() {
            return Err(SimError::OrderNotResting(id.to_string()));
        }
        validate::price(&market.spec.grid, req.price)?;
        validate::count(req.count)?;
        let filled = order.fill_count.units();
        let total = req.count.units();
        if total <= filled {
            return Err(SimError::InvalidOrderSize(format!(
                "count {} must exceed the filled {}",
                req.count, order.fill_count
            )));
        }
        let new_left = total - filled;
        let old_left = order.remaining_count.units();
        let new_client_id = match &req.updated_client_order_id {
            Some(c) if order.client_order_id.as_deref() != Some(c.as_str()) => {
                validate::client_order_id(c)?;
                let taken = self
                    .accounts
                    .get(user)
                    .is_some_and(|a| a.client_order_ids.contains_key(c.as_str()));
                if taken {
                    return Err(SimError::OrderAlreadyExists(c.clone()));
                }
                Some(Arc::<str>::from(c.as_str()))
            }
            _ => None,
        };
        let keeps_priority = req.price == order.price && new_left <= old_left;
        let fee_bound = if keeps_priority {
            0
        } else {
            if order.post_only && market.book.crosses(order.side, req.price) {
                return Err(SimError::PostOnlyCross);
            }
            if order.post_only {
                0
            } else {
                order.fees.cap(
                    market.fees.rate(true),
                    new_left,
                    worst_taker_pp(order.side, req.price.units()),
                )
            }
        };
        let (side, old_price) = (order.side, order.price);
        if !keeps_priority {
            self.accounts.reserve(
                user,
                mid,
                Some((side, old_price.units(), old_left)),
                (side, req.price.units(), new_left),
                fee_bound,
            )?;
        }

        // Accepted.
        let mut events = Vec::new();
        let mut touched = self.take_scratch();
        if let Some(c) = &new_client_id
            && let Some(acct) = self.accounts.get_mut(user)
        {
            acct.client_order_ids.insert(c.clone(), id);
        }
        let outcome = {
            let mut ctx = self.ctx(mid, &mut events, &mut touched, now);
            if keeps_priority {
                ctx.reduce_resting(id, old_left - new_left);
                ctx.touched.orders.push(id);
                let Some(o) = ctx.orders.get_mut(&id) else {
                    return Err(SimError::OrderNotFound(id.to_string()));
                };
                o.initial_count = req.count;
                o.last_update_ms = now;
                if let Some(c) = new_client_id {
                    o.client_order_id = Some(c);
                }
                OrderOutcome {
                    order: o.clone(),
                    fill_count: Count::ZERO,
                    remaining_count: o.remaining_count,
                    average_fill_price: None,
                    average_fee_paid: None,
                    ts_ms: now,
                }
            } else {
                ctx.requeue_and_match(id, req, new_left, new_client_id)?
            }
        };
        self.finish(&mut touched, &mut events, now);
        Ok(Outcome {
            value: outcome,
            events,
        })
    }
}

impl super::Ctx<'_> {
    /// Takes an order off the book (its new size is already in the owner's reserve),
    /// applies the new price and size, matches it and rests or cancels the remainder.
    fn requeue_and_match(
        &mut self,
        id: OrderId,
        req: &AmendRequest,
        new_left: i64,
        new_client_id: Option<Arc<str>>,
    ) -> Result<OrderOutcome, SimError> {
        let Some(mut order) = self.orders.remove(&id) else {
            return Err(SimError::OrderNotFound(id.to_string()));
        };
        let old_left = order.remaining_count.units();
        self.market
            .book
            .reduce(order.side, order.price, old_left, true, self.orders);
        self.events.push(super::Event::BookDelta(super::BookDelta {
            market: self.market.id,
            ticker: self.market.ticker.clone(),
            side: order.side,
            price: order.price,
            delta: Count::from_units(-old_left),
            owner: order.user,
            client_order_id: order.client_order_id.clone(),
            ts_ms: self.now,
        }));
        self.accounts
            .adjust_fee_reserve(order.user, self.market.id, -order.fee_reserved);
        order.fee_reserved = 0;
        if let Some(exp) = order.expiration_ms {
            self.expiries.remove(&(exp, id));
        }
        order.price = req.price;
        order.remaining_count = Count::from_units(new_left);
        order.initial_count = req.count;
        order.queue_seq = order.queue_seq.wrapping_add(1);
        order.last_update_ms = self.now;
        if let Some(c) = new_client_id {
            order.client_order_id = Some(c);
        }
        // Matches as a taker at the new price, then rests at the back of its new level.
        let result = self.match_order(&mut order);
        self.settle_remainder(&mut order, &result);
        let outcome = OrderOutcome {
            order: order.clone(),
            fill_count: Count::from_units(result.filled.qty),
            remaining_count: order.remaining_count,
            average_fill_price: result.filled.average_price(),
            average_fee_paid: result.filled.average_fee(),
            ts_ms: self.now,
        };
        self.orders.insert(id, order);
        Ok(outcome)
    }
}
