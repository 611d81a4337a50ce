//! The depth ladder's rows: the YES book, or its mirror image for NO (a YES ask at p is a
//! NO bid at 1 − p), asks above the spread and bids below, each level's size as a share
//! of the largest for its bar, and the person's own resting contracts on each level.

use ipc::commands::market::PriceLevel;
use ipc::commands::orders::{BookSide, OrderView, Outcome};
use ipc::{Count, Price};

/// Which side of the ladder a row is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowSide {
    /// An offer (sell interest), shown above the spread.
    Ask,
    /// A bid, shown below.
    Bid,
}

/// One ladder row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadderRow {
    /// The price in the ladder's outcome.
    pub price: Price,
    /// Contracts resting there.
    pub count: Count,
    /// Ask or bid.
    pub side: RowSide,
    /// Bar length in percent of the largest level shown (0–100).
    pub bar_pct: u32,
    /// The person's own resting contracts at this level.
    pub mine: Count,
}

/// The ladder of one outcome.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ladder {
    /// Asks, highest price first (so the best ask sits just above the spread).
    pub asks: Vec<LadderRow>,
    /// Bids, best (highest) first.
    pub bids: Vec<LadderRow>,
    /// Best ask − best bid, when both exist.
    pub spread: Option<Price>,
}

fn mirror(levels: &[PriceLevel]) -> Vec<PriceLevel> {
    levels
        .iter()
        .map(|l| PriceLevel {
            price: l.price.complement().unwrap_or(Price::ZERO),
            count: l.count,
        })
        .collect()
}

/// Builds the ladder of `outcome` from the YES book (each side best first), at most
/// `depth` levels a side, marking `orders` (the person's resting orders on this market).
pub fn ladder(
    outcome: Outcome,
    yes_bids: &[PriceLevel],
    yes_asks: &[PriceLevel],
    orders: &[OrderView],
    depth: usize,
) -> Ladder {
    let (bids, asks) = match outcome {
        Outcome::Yes => (yes_bids.to_vec(), yes_asks.to_vec()),
        Outcome::No => (mirror(yes_asks), mirror(yes_bids)),
    };
    let bids: Vec<_> = bids.into_iter().take(depth).collect();
    let asks: Vec<_> = asks.into_iter().take(depth).collect();
    let max = bids
        .iter()
        .chain(&asks)
        .map(|l| l.count.units())
        .max()
        .unwrap_or(0)
        .max(1);
    // An order's level in this ladder: a YES bid rests among YES bids at its YES price;
    // in the NO ladder it is a NO ask at its NO price.
    let mine = |price: Price, side: RowSide| {
        let units = orders
            .iter()
            .filter(|o| {
                let (p, s) = match (outcome, o.book_side) {
                    (Outcome::Yes, BookSide::Bid) => (o.yes_price, RowSide::Bid),
                    (Outcome::Yes, BookSide::Ask) => (o.yes_price, RowSide::Ask),
                    (Outcome::No, BookSide::Bid) => (o.no_price, RowSide::Ask),
                    (Outcome::No, BookSide::Ask) => (o.no_price, RowSide::Bid),
                };
                p == price && s == side
            })
            .map(|o| o.remaining_count.units())
            .sum();
        Count::from_units(units)
    };
    let row = |l: &PriceLevel, side| {
        // The share is at most 100 by construction of `max`.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let bar_pct = (l.count.units().max(0) * 100 / max) as u32;
        LadderRow {
            price: l.price,
            count: l.count,
            side,
            bar_pct,
            mine: mine(l.price, side),
        }
    };
    let spread = match (bids.first(), asks.first()) {
        (Some(b), Some(a)) => a.price.checked_sub(b.price),
        _ => None,
    };
    Ladder {
        asks: asks.iter().rev().map(|l| row(l, RowSide::Ask)).collect(),
        bids: bids.iter().map(|l| row(l, RowSide::Bid)).collect(),
        spread,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::order_view;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn c(s: &str) -> Count {
        Count::parse(s).unwrap()
    }
    fn lvl(price: &str, n: &str) -> PriceLevel {
        PriceLevel {
            price: p(price),
            count: c(n),
        }
    }
    fn order(side: BookSide, yes: &str, remaining: &str) -> OrderView {
        let outcome = if side == BookSide::Bid {
            Outcome::Yes
        } else {
            Outcome::No
        };
        order_view("o", outcome, p(yes), Count::ZERO, c(remaining))
    }

    #[test]
    fn the_yes_ladder_has_asks_above_bids_with_bars_and_spread() {
        let bids = [lvl("0.55", "50"), lvl("0.54", "100")];
        let asks = [lvl("0.57", "25"), lvl("0.58", "10")];
        let l = ladder(
            Outcome::Yes,
            &bids,
            &asks,
            &[order(BookSide::Bid, "0.55", "7")],
            10,
        );
        let prices: Vec<_> = l.asks.iter().chain(&l.bids).map(|r| r.price).collect();
        assert_eq!(prices, [p("0.58"), p("0.57"), p("0.55"), p("0.54")]);
        assert_eq!(l.bids[1].bar_pct, 100);
        assert_eq!(l.bids[0].bar_pct, 50);
        assert_eq!(l.asks[1].bar_pct, 25);
        assert_eq!(l.spread, Some(p("0.02")));
        assert_eq!(l.bids[0].mine, c("7"));
        assert_eq!(l.bids[1].mine, Count::ZERO);
    }

    #[test]
    fn the_no_ladder_mirrors_the_yes_book() {
        let bids = [lvl("0.55", "50")];
        let asks = [lvl("0.57", "25"), lvl("0.60", "5")];
        let orders = [
            order(BookSide::Bid, "0.55", "7"),
            order(BookSide::Ask, "0.60", "3"),
        ];
        let l = ladder(Outcome::No, &bids, &asks, &orders, 10);
        // NO bids = 1 − YES asks (43, 40); NO asks = 1 − YES bids (45).
        assert_eq!(
            l.bids.iter().map(|r| r.price).collect::<Vec<_>>(),
            [p("0.43"), p("0.40")]
        );
        assert_eq!(
            l.asks.iter().map(|r| r.price).collect::<Vec<_>>(),
            [p("0.45")]
        );
        assert_eq!(l.spread, Some(p("0.02")));
        assert_eq!(l.asks[0].mine, c("7"), "a YES bid at 55 is a NO ask at 45");
        assert_eq!(l.bids[1].mine, c("3"), "a YES ask at 60 is a NO bid at 40");
    }

    #[test]
    fn depth_limits_each_side_and_an_empty_book_has_no_spread() {
        let bids: Vec<_> = (1..=30)
            .map(|i| lvl(&format!("0.{:02}", 50 - i), "1"))
            .collect();
        let l = ladder(Outcome::Yes, &bids, &[], &[], 12);
        assert_eq!(l.bids.len(), 12);
        assert_eq!(l.spread, None);
        let empty = ladder(Outcome::Yes, &[], &[], &[], 12);
        assert!(empty.asks.is_empty() && empty.bids.is_empty());
    }
}
