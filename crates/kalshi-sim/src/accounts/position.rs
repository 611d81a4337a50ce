//! One user's position in one market: signed netted contracts, cost basis, P&L, fees, and
//! the collateral reserved for the user's resting orders there.
//!
//! Collateral policy: buying YES at p costs p per contract and buying NO (an ask at p)
//! costs 1 − p, unless the contracts close an existing opposite position, in which case the
//! sale releases cash instead (p for YES sold, 1 − p for NO sold). A resting order reserves
//! its worst case: bids reserve p per contract and asks 1 − p, except the part that the
//! current opposite position is certain to cover, and because it is not known which order
//! fills first the cover is credited to the cheapest orders to collateralise. With that
//! rule no sequence of fills can take cash below what is still reserved.

use std::collections::BTreeMap;

use kalshi::model::{Count, Money, Price};

use crate::engine::BookSide;

const ONE: i64 = Price::ONE.units();

/// Own resting orders in one market, aggregated by side and price (units).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Resting {
    bids: BTreeMap<i64, i64>,
    asks: BTreeMap<i64, i64>,
    bid_qty: i64,
    ask_qty: i64,
    /// Σ p × q over bids (money units).
    bid_cost: i64,
    /// Σ (1 − p) × q over asks (money units).
    ask_cost: i64,
}

impl Resting {
    pub(crate) fn add(&mut self, side: BookSide, price: i64, qty: i64) {
        if qty == 0 {
            return;
        }
        match side {
            BookSide::Bid => {
                *self.bids.entry(price).or_insert(0) += qty;
                self.bid_qty += qty;
                self.bid_cost += price * qty;
            }
            BookSide::Ask => {
                *self.asks.entry(price).or_insert(0) += qty;
                self.ask_qty += qty;
                self.ask_cost += (ONE - price) * qty;
            }
        }
    }

    pub(crate) fn remove(&mut self, side: BookSide, price: i64, qty: i64) {
        if qty == 0 {
            return;
        }
        let (map, total, cost, unit) = match side {
            BookSide::Bid => (&mut self.bids, &mut self.bid_qty, &mut self.bid_cost, price),
            BookSide::Ask => (
                &mut self.asks,
                &mut self.ask_qty,
                &mut self.ask_cost,
                ONE - price,
            ),
        };
        if let Some(q) = map.get_mut(&price) {
            let take = qty.min(*q);
            *q -= take;
            if *q == 0 {
                map.remove(&price);
            }
            *total -= take;
            *cost -= unit * take;
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.bid_qty == 0 && self.ask_qty == 0
    }

    /// Collateral for these orders given the signed position `pos` (money units).
    fn collateral(&self, pos: i64) -> i64 {
        let bids = if pos < 0 && self.bid_qty > 0 {
            let covered = (-pos).min(self.bid_qty);
            // Worst case: the cover goes to the cheapest bids, the dearest stay uncovered.
            take_units(
                self.bids.iter().rev().map(|(p, q)| (*p, *q)),
                self.bid_qty - covered,
            )
        } else {
            self.bid_cost
        };
        let asks = if pos > 0 && self.ask_qty > 0 {
            let covered = pos.min(self.ask_qty);
            // An ask's collateral is 1 − p: the lowest-priced asks are the dearest.
            take_units(
                self.asks.iter().map(|(p, q)| (ONE - *p, *q)),
                self.ask_qty - covered,
            )
        } else {
            self.ask_cost
        };
        bids + asks
    }
}

/// Σ unit × qty over the first `want` contracts of `levels`.
fn take_units(levels: impl Iterator<Item = (i64, i64)>, mut want: i64) -> i64 {
    let mut sum = 0;
    for (unit, qty) in levels {
        if want <= 0 {
            break;
        }
        let take = qty.min(want);
        sum += unit * take;
        want -= take;
    }
    sum
}

/// What a fill did to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FillEffect {
    pub(crate) pre_position: i64,
    pub(crate) post_position: i64,
    pub(crate) cash_delta: i64,
}

/// A user's position and bookkeeping in one market.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub(crate) position: i64,
    pub(crate) exposure: i64,
    pub(crate) realized_pnl: i64,
    pub(crate) fees_paid: i64,
    pub(crate) total_traded: i64,
    pub(crate) volume: i64,
    pub(crate) last_updated_ms: i64,
    pub(crate) resting: Resting,
    /// Σ of the maker-fee caps of this user's resting orders here.
    pub(crate) fee_reserved: i64,
    /// Collateral + fee reserve, as counted in the account's locked total.
    pub(crate) reserved: i64,
}

impl Position {
    /// Signed contracts: positive = long YES, negative = long NO (`position_fp`).
    pub fn position(&self) -> Count {
        Count::from_units(self.position)
    }

    /// What the contracts now held cost (`market_exposure_dollars`, `position_cost_dollars`).
    pub fn market_exposure(&self) -> Money {
        Money::from_units(self.exposure)
    }

    /// Profit realised by closing contracts, fees excluded (`realized_pnl_dollars`).
    pub fn realized_pnl(&self) -> Money {
        Money::from_units(self.realized_pnl)
    }

    /// Fees paid in this market (`fees_paid_dollars`).
    pub fn fees_paid(&self) -> Money {
        Money::from_units(self.fees_paid)
    }

    /// Dollar value traded: Σ over fills of what the filled side's contracts cost
    /// (`total_traded_dollars`).
    pub fn total_traded(&self) -> Money {
        Money::from_units(self.total_traded)
    }

    /// Contracts traded (`volume_fp` of the market_position message).
    pub fn volume(&self) -> Count {
        Count::from_units(self.volume)
    }

    /// Cash currently reserved for resting orders in this market.
    pub fn reserved(&self) -> Money {
        Money::from_units(self.reserved)
    }

    /// Engine time of the last fill or settlement (`last_updated_ts`).
    pub fn last_updated_ms(&self) -> i64 {
        self.last_updated_ms
    }

    /// True when nothing ever happened here (an entry made for a refused order).
    pub(crate) fn is_pristine(&self) -> bool {
        self.position == 0
            && self.volume == 0
            && self.resting.is_empty()
            && self.fee_reserved == 0
            && self.reserved == 0
    }

    /// The reserve this position needs now (money units).
    pub(crate) fn required_reserve(&self) -> i64 {
        self.resting.collateral(self.position) + self.fee_reserved
    }

    /// Contracts an order on `side` can close (a bid closes NO, an ask closes YES).
    pub(crate) fn closable(&self, side: BookSide) -> i64 {
        match side {
            BookSide::Bid => (-self.position).max(0),
            BookSide::Ask => self.position.max(0),
        }
    }

    /// Applies a fill of `qty` at YES price `price` on `side` with `fee`, returning the
    /// cash movement. Closing contracts release their sale price; opening ones cost theirs.
    pub(crate) fn apply_fill(
        &mut self,
        side: BookSide,
        price: i64,
        qty: i64,
        fee: i64,
        now_ms: i64,
    ) -> FillEffect {
        let pre = self.position;
        let close = qty.min(self.closable(side));
        let open = qty - close;
        // Selling NO (bid closing a NO position) yields 1 − p; selling YES yields p.
        let (sale_unit, open_unit) = match side {
            BookSide::Bid => (ONE - price, price),
            BookSide::Ask => (price, ONE - price),
        };
        let proceeds = sale_unit * close;
        if close > 0 {
            let held = pre.abs();
            let basis = if close == held {
                self.exposure
            } else {
                i64::try_from(i128::from(self.exposure) * i128::from(close) / i128::from(held))
                    .unwrap_or(self.exposure)
            };
            self.exposure -= basis;
            self.realized_pnl += proceeds - basis;
        }
        let open_cost = open_unit * open;
        self.exposure += open_cost;
        self.position = match side {
            BookSide::Bid => pre + qty,
            BookSide::Ask => pre - qty,
        };
        self.fees_paid += fee;
        self.total_traded += open_unit * qty;
        self.volume += qty;
        self.last_updated_ms = now_ms;
        FillEffect {
            pre_position: pre,
            post_position: self.position,
            cash_delta: proceeds - open_cost - fee,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_costs_price_and_closing_releases_sale_price() {
        let mut p = Position::default();
        // Buy 10 YES at 0.40: pays 4.00.
        let e = p.apply_fill(BookSide::Bid, 4_000, 1_000, 0, 1);
        assert_eq!(e.cash_delta, -4_000_000);
        assert_eq!(p.position, 1_000);
        assert_eq!(p.exposure, 4_000_000);
        // Sell 4 YES at 0.50: receives 2.00, realises 0.40.
        let e = p.apply_fill(BookSide::Ask, 5_000, 400, 0, 2);
        assert_eq!(e.cash_delta, 2_000_000);
        assert_eq!(p.position, 600);
        assert_eq!(p.realized_pnl, 400_000);
        assert_eq!(p.exposure, 2_400_000);
        // Sell 10 more at 0.30: closes 6 YES (+1.80), opens 4 NO at 0.70 (-2.80).
        let e = p.apply_fill(BookSide::Ask, 3_000, 1_000, 0, 3);
        assert_eq!(e.cash_delta, 1_800_000 - 2_800_000);
        assert_eq!(p.position, -400);
        assert_eq!(p.exposure, 2_800_000, "basis is now the NO contracts' cost");
        assert_eq!(p.realized_pnl, 400_000 + 1_800_000 - 2_400_000);
    }

    #[test]
    fn resting_orders_reserve_their_worst_case() {
        let mut p = Position::default();
        p.resting.add(BookSide::Bid, 4_000, 1_000);
        p.resting.add(BookSide::Ask, 7_000, 500);
        // Flat: bid reserves 0.40 * 10, ask 0.30 * 5.
        assert_eq!(p.required_reserve(), 4_000_000 + 1_500_000);
        // Long 5 YES: the ask is fully covered by the position.
        p.position = 500;
        assert_eq!(p.required_reserve(), 4_000_000);
    }

    #[test]
    fn partial_cover_is_credited_to_the_cheapest_orders() {
        let mut p = Position {
            position: 100,
            ..Position::default()
        };
        p.resting.add(BookSide::Ask, 9_000, 100); // collateral 0.10 each
        p.resting.add(BookSide::Ask, 1_000, 100); // collateral 0.90 each
        // One contract of cover; the 0.90-collateral ask is the one left uncovered.
        assert_eq!(p.required_reserve(), 9_000 * 100);
        p.resting.remove(BookSide::Ask, 1_000, 100);
        assert_eq!(p.required_reserve(), 0);
        assert!(!p.resting.is_empty());
    }
}
