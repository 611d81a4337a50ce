//! Price-time priority matching of an incoming order against the opposite side of the
//! book, with self-trade prevention, reduce-only caps and expired-maker cleanup, plus the
//! side-effect-free dry run that decides whether a fill-or-kill order can fill.

use kalshi::model::Price;

use super::book::OrderMap;
use super::ctx::{Ctx, Filled, outcome_unit};
use super::market::Market;
use super::order::{BookSide, CancelReason, Order, SelfTradePrevention};
use crate::accounts::Accounts;
use crate::ids::UserId;

/// Whether an order on `side` at `limit` trades with a resting order at `price`.
pub(crate) fn crosses(side: BookSide, limit: Price, price: Price) -> bool {
    match side {
        BookSide::Bid => price <= limit,
        BookSide::Ask => price >= limit,
    }
}

/// How a match ended.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct MatchResult {
    pub(crate) filled: Filled,
    /// Set when matching had to stop and the rest of the order must be canceled.
    pub(crate) stopped: Option<CancelReason>,
}

fn closable(
    accounts: &Accounts,
    user: UserId,
    market: crate::ids::MarketId,
    side: BookSide,
) -> i64 {
    accounts
        .get(user)
        .and_then(|a| a.position(market))
        .map_or(0, |p| p.closable(side))
}

impl Ctx<'_> {
    /// Matches `taker` (not in the order map) until it is filled, stops crossing, or
    /// self-trade prevention / reduce-only stops it.
    pub(crate) fn match_order(&mut self, taker: &mut Order) -> MatchResult {
        let mut result = MatchResult::default();
        let opposite = taker.side.opposite();
        let mid = self.market.id;
        while taker.remaining_count.units() > 0 {
            let Some((price, entry)) = self.market.book.front(opposite, self.orders) else {
                break;
            };
            if !crosses(taker.side, taker.price, price) {
                break;
            }
            let Some(maker) = self.orders.get(&entry.order) else {
                break;
            };
            let (maker_user, maker_left, maker_reduce, maker_exp) = (
                maker.user,
                maker.remaining_count.units(),
                maker.reduce_only,
                maker.expiration_ms,
            );
            if maker_exp.is_some_and(|e| e <= self.now) {
                self.cancel_resting(entry.order, CancelReason::Expired);
                continue;
            }
            if maker_user == taker.user {
                match taker.self_trade_prevention {
                    SelfTradePrevention::TakerAtCross => {
                        result.stopped = Some(CancelReason::SelfTrade);
                        break;
                    }
                    SelfTradePrevention::Maker => {
                        self.cancel_resting(entry.order, CancelReason::SelfTrade);
                        continue;
                    }
                }
            }
            let mut qty = taker.remaining_count.units().min(maker_left);
            if maker_reduce {
                let cap = closable(self.accounts, maker_user, mid, opposite);
                if cap == 0 {
                    self.cancel_resting(entry.order, CancelReason::ReduceOnly);
                    continue;
                }
                qty = qty.min(cap);
            }
            if taker.reduce_only {
                let cap = closable(self.accounts, taker.user, mid, taker.side);
                if cap == 0 {
                    result.stopped = Some(CancelReason::ReduceOnly);
                    break;
                }
                qty = qty.min(cap);
            }
            self.execute(taker, entry.order, price, qty, &mut result.filled);
            if maker_reduce && closable(self.accounts, maker_user, mid, opposite) == 0 {
                self.cancel_resting(entry.order, CancelReason::ReduceOnly);
            }
        }
        if taker.reduce_only
            && taker.remaining_count.units() > 0
            && result.stopped.is_none()
            && closable(self.accounts, taker.user, mid, taker.side) == 0
        {
            result.stopped = Some(CancelReason::ReduceOnly);
        }
        result
    }
}

/// How much of an order could fill right now, and what those contracts would cost (its
/// outcome side's price, fees excluded), without changing anything. Mirrors
/// [`Ctx::match_order`]: own orders stop the walk (`taker_at_cross`) or are skipped
/// (`maker`), expired makers are skipped, reduce-only makers count only up to their
/// position.
#[allow(clippy::too_many_arguments)]
pub(crate) fn fillable(
    market: &Market,
    orders: &OrderMap,
    accounts: &Accounts,
    user: UserId,
    side: BookSide,
    limit: Price,
    stp: SelfTradePrevention,
    want: i64,
    now: i64,
) -> (i64, i64) {
    let mut got = 0;
    let mut cost = 0;
    let mut consumed: Vec<(UserId, i64)> = Vec::new();
    let levels: Box<dyn Iterator<Item = _>> = match side.opposite() {
        BookSide::Bid => Box::new(market.book.side(BookSide::Bid).iter().rev()),
        BookSide::Ask => Box::new(market.book.side(BookSide::Ask).iter()),
    };
    for (price, level) in levels {
        if !crosses(side, limit, *price) {
            break;
        }
        for entry in &level.queue {
            if !entry.is_live(orders) {
                continue;
            }
            let Some(maker) = orders.get(&entry.order) else {
                continue;
            };
            if maker.expiration_ms.is_some_and(|e| e <= now) {
                continue;
            }
            if maker.user == user {
                match stp {
                    SelfTradePrevention::TakerAtCross => return (got, cost),
                    SelfTradePrevention::Maker => continue,
                }
            }
            let mut avail = maker.remaining_count.units();
            if maker.reduce_only {
                let used = consumed
                    .iter()
                    .find(|(u, _)| *u == maker.user)
                    .map_or(0, |(_, q)| *q);
                let cap = closable(accounts, maker.user, market.id, maker.side) - used;
                avail = avail.min(cap.max(0));
            }
            let take = avail.min(want - got);
            if take <= 0 {
                continue;
            }
            if maker.reduce_only {
                match consumed.iter_mut().find(|(u, _)| *u == maker.user) {
                    Some((_, q)) => *q += take,
                    None => consumed.push((maker.user, take)),
                }
            }
            got += take;
            cost += outcome_unit(side, price.units()) * take;
            if got >= want {
                return (got, cost);
            }
        }
    }
    (got, cost)
}
