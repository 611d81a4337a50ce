//! Order entry: create and batch create. Validation and the balance check happen before
//! anything changes, so a refused order leaves no trace.

use std::sync::Arc;

use kalshi::model::{Count, Money};

use super::ctx::Touched;
use super::events::Event;
use super::matching::{MatchResult, fillable};
use super::order::{CancelReason, Order, OrderRequest, OrderStatus, TimeInForce};
use super::{Engine, OrderOutcome, Outcome, validate};
use crate::accounts::{FeeAccumulator, worst_taker_pp};
use crate::error::SimError;
use crate::ids::{OrderId, UserId};

impl Engine {
    /// Places an order: validates it, reserves its worst-case cost, matches it and rests,
    /// cancels or completes it according to its time in force.
    ///
    /// A fill-or-kill order (or one with `buy_max_cost`) that cannot fill completely within
    /// its limits is created and immediately canceled with nothing filled.
    ///
    /// # Errors
    /// [`SimError::UserNotFound`], [`SimError::MarketNotFound`], market status errors,
    /// field errors ([`SimError::InvalidOrderSize`], [`SimError::PriceOffGrid`],
    /// [`SimError::InvalidParameters`]), [`SimError::OrderAlreadyExists`],
    /// [`SimError::NothingToReduce`], [`SimError::PostOnlyCross`] and
    /// [`SimError::InsufficientBalance`].
    pub fn create_order(
        &mut self,
        user: UserId,
        req: &OrderRequest,
        now_ms: i64,
    ) -> Result<Outcome<OrderOutcome>, SimError> {
        let now = self.touch(now_ms);
        let mut events = Vec::with_capacity(16);
        let mut touched = self.take_scratch();
        let value = self.place(user, req, now, &mut events, &mut touched)?;
        self.finish(&mut touched, &mut events, now);
        Ok(Outcome { value, events })
    }

    /// Places several orders in sequence, each succeeding or failing on its own.
    pub fn batch_create(
        &mut self,
        user: UserId,
        reqs: &[OrderRequest],
        now_ms: i64,
    ) -> Outcome<Vec<Result<OrderOutcome, SimError>>> {
        let now = self.touch(now_ms);
        let mut events = Vec::new();
        let mut touched = self.take_scratch();
        let value = reqs
            .iter()
            .map(|req| self.place(user, req, now, &mut events, &mut touched))
            .collect();
        self.finish(&mut touched, &mut events, now);
        Outcome { value, events }
    }

    fn place(
        &mut self,
        user: UserId,
        req: &OrderRequest,
        now: i64,
        events: &mut Vec<Event>,
        touched: &mut Touched,
    ) -> Result<OrderOutcome, SimError> {
        let acct = self.accounts.get(user).ok_or(SimError::UserNotFound)?;
        let mid = self.market_id(&req.ticker)?;
        let market = self
            .markets
            .get(mid.index())
            .ok_or_else(|| SimError::MarketNotFound(req.ticker.clone()))?;
        market.check_tradable(now)?;
        validate::order(req, &market.spec.grid, now)?;
        let tif = if req.buy_max_cost.is_some() {
            TimeInForce::FillOrKill
        } else {
            req.time_in_force
        };
        if let Some(c) = &req.client_order_id
            && acct.client_order_ids.contains_key(c.as_str())
        {
            return Err(SimError::OrderAlreadyExists(c.clone()));
        }
        let mut count = req.count.units();
        if req.reduce_only {
            let avail = acct.position(mid).map_or(0, |p| p.closable(req.side));
            if avail == 0 {
                return Err(SimError::NothingToReduce);
            }
            count = count.min(avail);
        }
        if req.post_only && market.book.crosses(req.side, req.price) {
            return Err(SimError::PostOnlyCross);
        }
        let feasible = tif != TimeInForce::FillOrKill || {
            let (qty, cost) = fillable(
                market,
                &self.orders,
                &self.accounts,
                user,
                req.side,
                req.price,
                req.self_trade_prevention,
                count,
                now,
            );
            qty >= count && req.buy_max_cost.is_none_or(|max| cost <= max.units())
        };
        let fee_bound = if feasible && !req.post_only {
            FeeAccumulator::default().cap(
                market.fees.rate(true),
                count,
                worst_taker_pp(req.side, req.price.units()),
            )
        } else {
            0
        };
        self.accounts.reserve(
            user,
            mid,
            None,
            (req.side, req.price.units(), count),
            fee_bound,
        )?;

        // Accepted: from here on nothing can fail.
        let id = OrderId(self.next_order);
        self.next_order += 1;
        let client_order_id: Option<Arc<str>> = req.client_order_id.as_deref().map(Arc::from);
        let mut order = Order {
            id,
            user,
            market: mid,
            ticker: self.markets[mid.index()].ticker.clone(),
            client_order_id: client_order_id.clone(),
            side: req.side,
            price: req.price,
            initial_count: Count::from_units(count),
            fill_count: Count::ZERO,
            remaining_count: Count::from_units(count),
            status: OrderStatus::Resting,
            time_in_force: tif,
            self_trade_prevention: req.self_trade_prevention,
            post_only: req.post_only,
            reduce_only: req.reduce_only,
            cancel_order_on_pause: req.cancel_order_on_pause,
            expiration_ms: req.expiration_ms,
            created_ms: now,
            last_update_ms: now,
            taker_fill_cost: Money::ZERO,
            maker_fill_cost: Money::ZERO,
            taker_fees: Money::ZERO,
            maker_fees: Money::ZERO,
            cancel_reason: None,
            fees: FeeAccumulator::default(),
            queue_seq: 0,
            fee_reserved: 0,
        };
        if let Some(acct) = self.accounts.get_mut(user) {
            if acct.keeps_history() {
                acct.orders.push(id);
            }
            if let Some(c) = client_order_id {
                acct.client_order_ids.insert(c, id);
            }
        }
        self.markets[mid.index()].participants.insert(user);
        touched.created.push(id);
        let mut ctx = self.ctx(mid, events, touched, now);
        let result = if feasible {
            ctx.match_order(&mut order)
        } else {
            MatchResult {
                stopped: Some(CancelReason::NotFilledImmediately),
                ..MatchResult::default()
            }
        };
        ctx.settle_remainder(&mut order, &result);
        let outcome = OrderOutcome {
            order: order.clone(),
            fill_count: Count::from_units(result.filled.qty),
            remaining_count: order.remaining_count,
            average_fill_price: result.filled.average_price(),
            average_fee_paid: result.filled.average_fee(),
            ts_ms: now,
        };
        self.orders.insert(id, order);
        Ok(outcome)
    }
}

impl super::Ctx<'_> {
    /// After matching: rest a good-till-canceled remainder, cancel any other, or mark the
    /// order executed.
    pub(crate) fn settle_remainder(&mut self, order: &mut Order, result: &MatchResult) {
        if order.remaining_count.units() == 0 {
            order.status = OrderStatus::Executed;
            self.drop_remainder(order, CancelReason::NotFilledImmediately);
            return;
        }
        match (order.time_in_force, result.stopped) {
            (TimeInForce::GoodTillCanceled, None) => self.rest(order),
            (_, stopped) => {
                self.drop_remainder(order, stopped.unwrap_or(CancelReason::NotFilledImmediately));
            }
        }
    }
}
