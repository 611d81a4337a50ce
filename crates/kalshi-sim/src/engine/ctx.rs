//! The mutable view one engine call works through (one market plus the shared order map,
//! accounts and counters) and the primitive book operations every call is built from:
//! rest, cancel, reduce and execute a fill. Each primitive keeps the book, the order, the
//! owner's reserve and the emitted events consistent with one another.

use std::collections::BTreeSet;

use kalshi::model::{Count, Money, Price};

use super::book::{Entry, OrderMap};
use super::events::{BookDelta, Event, Fill, Trade};
use super::market::Market;
use super::order::{BookSide, CancelReason, Order, OrderStatus};
use crate::accounts::{Accounts, pp};
use crate::ids::{MarketId, OrderId, TradeId, UserId};

/// What a call touched, so it can report each order, position and ticker once at the end.
#[derive(Debug, Default, Clone)]
pub(crate) struct Touched {
    pub(crate) orders: Vec<OrderId>,
    pub(crate) created: Vec<OrderId>,
    pub(crate) positions: Vec<(UserId, MarketId)>,
    pub(crate) markets: Vec<MarketId>,
}

impl Touched {
    /// Empties the lists, keeping their allocations.
    pub(crate) fn clear(&mut self) {
        self.orders.clear();
        self.created.clear();
        self.positions.clear();
        self.markets.clear();
    }
}

/// Totals of the fills one order made in one call.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Filled {
    pub(crate) qty: i64,
    /// Σ YES price × qty (money units).
    pub(crate) yes_notional: i64,
    pub(crate) fees: i64,
}

impl Filled {
    /// Volume-weighted YES price, rounded to the nearest price unit.
    pub(crate) fn average_price(&self) -> Option<Price> {
        (self.qty > 0).then(|| Price::from_units((self.yes_notional + self.qty / 2) / self.qty))
    }

    /// Fee per contract (money units, rounded to the nearest).
    pub(crate) fn average_fee(&self) -> Option<Money> {
        (self.qty > 0).then(|| {
            let scaled = i128::from(self.fees) * i128::from(Count::SCALE);
            let q = i128::from(self.qty);
            Money::from_units(i64::try_from((scaled + q / 2) / q).unwrap_or(i64::MAX))
        })
    }
}

pub(crate) struct Ctx<'a> {
    pub(crate) market: &'a mut Market,
    pub(crate) orders: &'a mut OrderMap,
    pub(crate) accounts: &'a mut Accounts,
    pub(crate) expiries: &'a mut BTreeSet<(i64, OrderId)>,
    pub(crate) next_trade: &'a mut u64,
    pub(crate) trade_history: usize,
    pub(crate) events: &'a mut Vec<Event>,
    pub(crate) touched: &'a mut Touched,
    pub(crate) now: i64,
}

/// What an order on `side` costs per contract of its own outcome at YES price `price`.
pub(crate) fn outcome_unit(side: BookSide, price: i64) -> i64 {
    match side {
        BookSide::Bid => price,
        BookSide::Ask => Price::ONE.units() - price,
    }
}

impl Ctx<'_> {
    fn private(&self, user: UserId) -> bool {
        self.accounts.get(user).is_some_and(|a| a.keeps_history())
    }

    fn touch(&mut self, order: OrderId, user: UserId) {
        self.touched.orders.push(order);
        self.touched.positions.push((user, self.market.id));
        self.touched.markets.push(self.market.id);
    }

    fn delta(&mut self, order: &Order, price: Price, delta: i64) {
        self.events.push(Event::BookDelta(BookDelta {
            market: self.market.id,
            ticker: self.market.ticker.clone(),
            side: order.side,
            price,
            delta: Count::from_units(delta),
            owner: order.user,
            client_order_id: order.client_order_id.clone(),
            ts_ms: self.now,
        }));
        self.market.updated_ms = self.now;
    }

    /// Recomputes the maker-fee reserve of a resting order after its remaining changed.
    fn refresh_fee_reserve(&mut self, order: &mut Order) {
        let cap = if order.status == OrderStatus::Resting {
            order.fees.cap(
                self.market.fees.rate(false),
                order.remaining_count.units(),
                pp(order.price.units()),
            )
        } else {
            0
        };
        let delta = cap - order.fee_reserved;
        order.fee_reserved = cap;
        self.accounts
            .adjust_fee_reserve(order.user, self.market.id, delta);
    }

    /// Puts the remainder of an order that is not in the order map on the book. Its
    /// quantity is already in the owner's reserve (added when it was accepted).
    pub(crate) fn rest(&mut self, order: &mut Order) {
        let qty = order.remaining_count.units();
        order.status = OrderStatus::Resting;
        self.market.book.push(
            order.side,
            order.price,
            Entry {
                order: order.id,
                seq: order.queue_seq,
            },
            qty,
        );
        self.refresh_fee_reserve(order);
        if let Some(exp) = order.expiration_ms {
            self.expiries.insert((exp, order.id));
        }
        self.delta(order, order.price, qty);
        self.touch(order.id, order.user);
    }

    /// Cancels what is left of an order that is not on the book (an incoming order's
    /// unfilled part): releases its reserve and sets its final status.
    pub(crate) fn drop_remainder(&mut self, order: &mut Order, reason: CancelReason) {
        let qty = order.remaining_count.units();
        if qty > 0 {
            self.accounts.release(
                order.user,
                self.market.id,
                order.side,
                order.price.units(),
                qty,
            );
            order.remaining_count = Count::ZERO;
            order.status = OrderStatus::Canceled;
            order.cancel_reason = Some(reason);
            order.last_update_ms = self.now;
        } else if order.status == OrderStatus::Resting {
            order.status = OrderStatus::Executed;
        }
        self.touch(order.id, order.user);
    }

    /// Cancels a resting order in the map; returns the quantity canceled (0 if the order
    /// was not resting).
    pub(crate) fn cancel_resting(&mut self, id: OrderId, reason: CancelReason) -> i64 {
        let Some(mut order) = self.orders.remove(&id) else {
            return 0;
        };
        let qty = order.remaining_count.units();
        if order.status != OrderStatus::Resting {
            self.orders.insert(id, order);
            return 0;
        }
        order.status = OrderStatus::Canceled;
        order.cancel_reason = Some(reason);
        order.remaining_count = Count::ZERO;
        order.last_update_ms = self.now;
        if let Some(exp) = order.expiration_ms {
            self.expiries.remove(&(exp, id));
        }
        self.take_off_book(&mut order, qty, true);
        self.orders.insert(id, order);
        qty
    }

    /// Takes `by` contracts off a resting order without moving it in the queue.
    pub(crate) fn reduce_resting(&mut self, id: OrderId, by: i64) {
        let Some(mut order) = self.orders.remove(&id) else {
            return;
        };
        let by = by.min(order.remaining_count.units());
        if order.status == OrderStatus::Resting && by > 0 {
            order.remaining_count = Count::from_units(order.remaining_count.units() - by);
            order.last_update_ms = self.now;
            self.take_off_book(&mut order, by, false);
        }
        self.orders.insert(id, order);
    }

    /// Takes `qty` of a resting `order` (out of the map, its counts already updated) off
    /// its book level (`entry_gone`: the order left the level's queue), releases the
    /// collateral it held, re-reserves its fees and reports the change.
    fn take_off_book(&mut self, order: &mut Order, qty: i64, entry_gone: bool) {
        self.market
            .book
            .reduce(order.side, order.price, qty, entry_gone, self.orders);
        self.accounts.release(
            order.user,
            self.market.id,
            order.side,
            order.price.units(),
            qty,
        );
        self.refresh_fee_reserve(order);
        self.delta(order, order.price, -qty);
        self.touch(order.id, order.user);
    }

    /// Books one trade of `qty` at the maker's `price` between `taker` (not in the map)
    /// and the resting order `maker_id` at the front of its level.
    pub(crate) fn execute(
        &mut self,
        taker: &mut Order,
        maker_id: OrderId,
        price: Price,
        qty: i64,
        filled: &mut Filled,
    ) {
        let Some(mut maker) = self.orders.remove(&maker_id) else {
            return;
        };
        let trade_id = TradeId(*self.next_trade);
        *self.next_trade += 1;
        let mid = self.market.id;
        let p = price.units();

        // Maker side.
        let maker_fee = maker.fees.charge(self.market.fees.rate(false), qty, p);
        maker.fill_count = Count::from_units(maker.fill_count.units() + qty);
        maker.remaining_count = Count::from_units(maker.remaining_count.units() - qty);
        maker.maker_fees = Money::from_units(maker.maker_fees.units() + maker_fee);
        maker.maker_fill_cost =
            Money::from_units(maker.maker_fill_cost.units() + outcome_unit(maker.side, p) * qty);
        maker.last_update_ms = self.now;
        let maker_done = maker.remaining_count.units() == 0;
        if maker_done {
            maker.status = OrderStatus::Executed;
            if let Some(exp) = maker.expiration_ms {
                self.expiries.remove(&(exp, maker_id));
            }
        }
        let maker_effect = self.accounts.fill(
            maker.user,
            mid,
            maker.side,
            maker.price.units(),
            p,
            qty,
            maker_fee,
            self.now,
        );
        self.refresh_fee_reserve(&mut maker);
        if maker_done {
            self.market.book.pop_front(maker.side, price);
        }
        self.market
            .book
            .reduce(maker.side, price, qty, maker_done, self.orders);
        self.delta(&maker, price, -qty);

        // Taker side.
        let taker_fee = taker.fees.charge(self.market.fees.rate(true), qty, p);
        taker.fill_count = Count::from_units(taker.fill_count.units() + qty);
        taker.remaining_count = Count::from_units(taker.remaining_count.units() - qty);
        taker.taker_fees = Money::from_units(taker.taker_fees.units() + taker_fee);
        taker.taker_fill_cost =
            Money::from_units(taker.taker_fill_cost.units() + outcome_unit(taker.side, p) * qty);
        taker.last_update_ms = self.now;
        let taker_effect = self.accounts.fill(
            taker.user,
            mid,
            taker.side,
            taker.price.units(),
            p,
            qty,
            taker_fee,
            self.now,
        );
        filled.qty += qty;
        filled.yes_notional += p * qty;
        filled.fees += taker_fee;

        // Market statistics.
        let oi_delta = maker_effect.post_position.max(0) - maker_effect.pre_position.max(0)
            + taker_effect.post_position.max(0)
            - taker_effect.pre_position.max(0);
        self.market.open_interest += oi_delta;
        self.market.volume += qty;
        self.market.last_price = Some(price);
        self.market.last_trade_size = qty;

        for (order, fee, post, is_taker) in [
            (&maker, maker_fee, maker_effect.post_position, false),
            (&*taker, taker_fee, taker_effect.post_position, true),
        ] {
            if !self.private(order.user) {
                continue;
            }
            let fill = Fill {
                trade_id,
                order_id: order.id,
                user: order.user,
                market: mid,
                ticker: self.market.ticker.clone(),
                side: order.side,
                yes_price: price,
                count: Count::from_units(qty),
                is_taker,
                fee: Money::from_units(fee),
                post_position: Count::from_units(post),
                client_order_id: order.client_order_id.clone(),
                ts_ms: self.now,
            };
            if let Some(acct) = self.accounts.get_mut(order.user) {
                acct.fills.push(fill.clone());
            }
            self.events.push(Event::Fill(fill));
        }
        let trade = Trade {
            trade_id,
            market: mid,
            ticker: self.market.ticker.clone(),
            yes_price: price,
            count: Count::from_units(qty),
            taker_side: taker.side,
            ts_ms: self.now,
        };
        self.market.trades.push_back(trade.clone());
        while self.market.trades.len() > self.trade_history {
            self.market.trades.pop_front();
        }
        self.events.push(Event::Trade(trade));
        self.touch(maker_id, maker.user);
        self.touch(taker.id, taker.user);
        self.orders.insert(maker_id, maker);
    }
}
