//! [`OrderBook`]: one market's YES and NO bids, and the YES bid/ask view derived from them.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use super::error::BookError;
use crate::model::order::OutcomeSide;
use crate::model::ws::{OrderbookDelta, OrderbookSnapshot, PriceLevel};
use crate::model::{Count, Price};

/// Which price scale NO-side levels arrive in, i.e. the `use_yes_price` flag of the
/// `orderbook_delta` subscription. Getting this wrong mirrors the NO side around 0.50, so
/// it is an explicit constructor argument rather than a default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoPriceScale {
    /// `use_yes_price: false` (Kalshi's current default): a NO bid at 0.30 arrives as `0.3000`.
    NoLeg,
    /// `use_yes_price: true`: the same NO bid arrives as its YES-leg price, `0.7000`.
    YesLeg,
}

impl NoPriceScale {
    /// The scale a subscription with this `use_yes_price` value uses.
    pub const fn from_use_yes_price(use_yes_price: bool) -> Self {
        if use_yes_price {
            NoPriceScale::YesLeg
        } else {
            NoPriceScale::NoLeg
        }
    }
}

/// The top of both YES sides, best level first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Depth {
    /// YES bids, highest first.
    pub bids: Vec<PriceLevel>,
    /// YES asks, lowest first.
    pub asks: Vec<PriceLevel>,
}

/// The L2 book of one market.
///
/// Both bid sides are `BTreeMap<Price, Count>` so best levels and depth come out sorted
/// without work per read; NO bids are keyed by NO-leg price. Every update is validated
/// before anything changes: on error the book is untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderBook {
    market_ticker: String,
    scale: NoPriceScale,
    yes_bids: BTreeMap<Price, Count>,
    no_bids: BTreeMap<Price, Count>,
    last_seq: Option<u64>,
}

impl OrderBook {
    /// An empty book for `market_ticker` whose NO levels arrive in `scale`.
    pub fn new(market_ticker: impl Into<String>, scale: NoPriceScale) -> Self {
        Self {
            market_ticker: market_ticker.into(),
            scale,
            yes_bids: BTreeMap::new(),
            no_bids: BTreeMap::new(),
            last_seq: None,
        }
    }

    /// A book built from `snapshot` (received with `seq`).
    ///
    /// # Errors
    /// See [`OrderBook::apply_snapshot`].
    pub fn from_snapshot(
        snapshot: &OrderbookSnapshot,
        seq: u64,
        scale: NoPriceScale,
    ) -> Result<Self, BookError> {
        let mut book = Self::new(snapshot.market_ticker.clone(), scale);
        book.apply_snapshot(snapshot, seq)?;
        Ok(book)
    }

    /// Replaces the whole book with `snapshot`. Zero-size levels are dropped.
    ///
    /// # Errors
    /// [`BookError`] if the snapshot is for another market, has a price above 1, a negative
    /// size or a price listed twice; the book is then unchanged.
    pub fn apply_snapshot(
        &mut self,
        snapshot: &OrderbookSnapshot,
        seq: u64,
    ) -> Result<(), BookError> {
        self.check_market(&snapshot.market_ticker)?;
        let yes = self.side_from_levels(OutcomeSide::Yes, &snapshot.yes_dollars_fp)?;
        let no = self.side_from_levels(OutcomeSide::No, &snapshot.no_dollars_fp)?;
        self.yes_bids = yes;
        self.no_bids = no;
        self.last_seq = Some(seq);
        Ok(())
    }

    /// Applies one delta (received with `seq`): `size += delta_fp` at the level, removing
    /// the level when it reaches exactly zero.
    ///
    /// # Errors
    /// [`BookError`] if the delta is for another market, its price is above 1, or it would
    /// make the level negative (never clamped); the book is then unchanged.
    pub fn apply_delta(&mut self, delta: &OrderbookDelta, seq: u64) -> Result<(), BookError> {
        self.check_market(&delta.market_ticker)?;
        let side = delta.side;
        let sent = delta.price_dollars;
        let key = self.key(side, sent)?;
        let map = match side {
            OutcomeSide::Yes => &mut self.yes_bids,
            OutcomeSide::No => &mut self.no_bids,
        };
        let negative = |size| BookError::NegativeLevel {
            side,
            price: sent,
            size,
            delta: delta.delta_fp,
        };
        let overflow = BookError::Overflow { side, price: sent };
        match map.entry(key) {
            Entry::Occupied(mut level) => {
                let size = *level.get();
                let new = size.checked_add(delta.delta_fp).ok_or(overflow)?;
                if new.is_negative() {
                    return Err(negative(size));
                }
                if new.is_zero() {
                    level.remove();
                } else {
                    *level.get_mut() = new;
                }
            }
            Entry::Vacant(slot) => {
                if delta.delta_fp.is_negative() {
                    return Err(negative(Count::ZERO));
                }
                if !delta.delta_fp.is_zero() {
                    slot.insert(delta.delta_fp);
                }
            }
        }
        self.last_seq = Some(seq);
        Ok(())
    }

    /// The market this book belongs to.
    pub fn market_ticker(&self) -> &str {
        &self.market_ticker
    }

    /// The NO price scale this book reads.
    pub fn scale(&self) -> NoPriceScale {
        self.scale
    }

    /// The seq of the last snapshot or delta applied (`None` before any).
    pub fn last_seq(&self) -> Option<u64> {
        self.last_seq
    }

    /// True when both sides are empty.
    pub fn is_empty(&self) -> bool {
        self.yes_bids.is_empty() && self.no_bids.is_empty()
    }

    /// YES bids, best (highest) first.
    pub fn yes_bids(&self) -> impl Iterator<Item = PriceLevel> + '_ {
        self.yes_bids.iter().rev().map(level)
    }

    /// NO bids in NO-leg prices, best (highest) first.
    pub fn no_bids(&self) -> impl Iterator<Item = PriceLevel> + '_ {
        self.no_bids.iter().rev().map(level)
    }

    /// YES asks, best (lowest) first: each NO bid at `q` offered as YES at `1 − q`.
    pub fn yes_asks(&self) -> impl Iterator<Item = PriceLevel> + '_ {
        self.no_bids.iter().rev().map(|(&q, &count)| PriceLevel {
            // Keys are validated to be ≤ 1 on insert, so the complement always exists.
            price: q.complement().unwrap_or(Price::ZERO),
            count,
        })
    }

    /// Highest YES bid.
    pub fn best_bid(&self) -> Option<PriceLevel> {
        self.yes_bids().next()
    }

    /// Lowest YES ask (1 − highest NO bid).
    pub fn best_ask(&self) -> Option<PriceLevel> {
        self.yes_asks().next()
    }

    /// Best ask minus best bid; `None` when a side is empty or the book is crossed.
    pub fn spread(&self) -> Option<Price> {
        let (bid, ask) = (self.best_bid()?, self.best_ask()?);
        ask.price.checked_sub(bid.price).filter(|s| s.units() >= 0)
    }

    /// The best `n` levels of YES bids and YES asks.
    pub fn depth(&self, n: usize) -> Depth {
        Depth {
            bids: self.yes_bids().take(n).collect(),
            asks: self.yes_asks().take(n).collect(),
        }
    }

    fn check_market(&self, got: &str) -> Result<(), BookError> {
        if got == self.market_ticker {
            Ok(())
        } else {
            Err(BookError::WrongMarket {
                expected: self.market_ticker.clone(),
                got: got.to_owned(),
            })
        }
    }

    /// The map key of a level as sent: YES prices as is, NO prices in NO-leg terms.
    fn key(&self, side: OutcomeSide, sent: Price) -> Result<Price, BookError> {
        let out_of_range = BookError::PriceOutOfRange { side, price: sent };
        if sent > Price::ONE {
            return Err(out_of_range);
        }
        match (side, self.scale) {
            (OutcomeSide::No, NoPriceScale::YesLeg) => sent.complement().ok_or(out_of_range),
            _ => Ok(sent),
        }
    }

    fn side_from_levels(
        &self,
        side: OutcomeSide,
        levels: &[PriceLevel],
    ) -> Result<BTreeMap<Price, Count>, BookError> {
        let mut map = BTreeMap::new();
        for l in levels {
            let key = self.key(side, l.price)?;
            if l.count.is_negative() {
                return Err(BookError::NegativeSnapshotLevel {
                    side,
                    price: l.price,
                    size: l.count,
                });
            }
            if map.insert(key, l.count).is_some() {
                return Err(BookError::DuplicateLevel {
                    side,
                    price: l.price,
                });
            }
        }
        map.retain(|_, count| !count.is_zero());
        Ok(map)
    }
}

fn level((&price, &count): (&Price, &Count)) -> PriceLevel {
    PriceLevel { price, count }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: &str = "KXFOO-26JAN01-T50";

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn c(s: &str) -> Count {
        Count::parse(s).unwrap()
    }
    fn lv(price: &str, count: &str) -> PriceLevel {
        PriceLevel {
            price: p(price),
            count: c(count),
        }
    }
    fn snapshot(yes: &[(&str, &str)], no: &[(&str, &str)]) -> OrderbookSnapshot {
        OrderbookSnapshot {
            market_ticker: T.into(),
            market_id: None,
            yes_dollars_fp: yes.iter().map(|(a, b)| lv(a, b)).collect(),
            no_dollars_fp: no.iter().map(|(a, b)| lv(a, b)).collect(),
        }
    }
    fn delta(side: OutcomeSide, price: &str, d: &str) -> OrderbookDelta {
        OrderbookDelta {
            market_ticker: T.into(),
            market_id: None,
            price_dollars: p(price),
            delta_fp: c(d),
            side,
            ts: None,
            ts_ms: None,
            client_order_id: None,
            subaccount: None,
        }
    }
    /// The §5.5 example: YES bids 0.08×300, 0.22×333; NO bids 0.54×20, 0.56×146.
    fn example(scale: NoPriceScale) -> OrderBook {
        let no: &[(&str, &str)] = match scale {
            NoPriceScale::NoLeg => &[("0.5400", "20.00"), ("0.5600", "146.00")],
            NoPriceScale::YesLeg => &[("0.4600", "20.00"), ("0.4400", "146.00")],
        };
        OrderBook::from_snapshot(
            &snapshot(&[("0.2200", "333.00"), ("0.0800", "300.00")], no),
            1,
            scale,
        )
        .unwrap()
    }

    #[test]
    fn snapshot_builds_sorted_sides_and_derives_yes_asks() {
        let book = example(NoPriceScale::NoLeg);
        assert_eq!(book.market_ticker(), T);
        assert_eq!(book.last_seq(), Some(1));
        assert_eq!(
            book.yes_bids().collect::<Vec<_>>(),
            vec![lv("0.22", "333"), lv("0.08", "300")]
        );
        assert_eq!(
            book.no_bids().collect::<Vec<_>>(),
            vec![lv("0.56", "146"), lv("0.54", "20")]
        );
        assert_eq!(
            book.yes_asks().collect::<Vec<_>>(),
            vec![lv("0.44", "146"), lv("0.46", "20")],
            "a NO bid at q is a YES ask at 1 - q, best (lowest) first"
        );
        assert_eq!(book.best_bid(), Some(lv("0.22", "333")));
        assert_eq!(book.best_ask(), Some(lv("0.44", "146")));
        assert_eq!(book.spread(), Some(p("0.22")));
    }

    #[test]
    fn both_no_price_scales_give_the_same_book() {
        let no_leg = example(NoPriceScale::NoLeg);
        let yes_leg = example(NoPriceScale::YesLeg);
        assert_eq!(
            no_leg.yes_asks().collect::<Vec<_>>(),
            yes_leg.yes_asks().collect::<Vec<_>>()
        );
        assert_eq!(
            no_leg.no_bids().collect::<Vec<_>>(),
            yes_leg.no_bids().collect::<Vec<_>>()
        );

        // The same NO change sent in each scale lands on the same level.
        let mut a = no_leg;
        let mut b = yes_leg;
        a.apply_delta(&delta(OutcomeSide::No, "0.5600", "4.00"), 2)
            .unwrap();
        b.apply_delta(&delta(OutcomeSide::No, "0.4400", "4.00"), 2)
            .unwrap();
        assert_eq!(a.best_ask(), Some(lv("0.44", "150")));
        assert_eq!(b.best_ask(), Some(lv("0.44", "150")));
        assert_eq!(NoPriceScale::from_use_yes_price(true), NoPriceScale::YesLeg);
        assert_eq!(NoPriceScale::from_use_yes_price(false), NoPriceScale::NoLeg);
    }

    #[test]
    fn delta_adds_creates_and_removes_levels() {
        let mut book = example(NoPriceScale::NoLeg);
        book.apply_delta(&delta(OutcomeSide::Yes, "0.2200", "-33.00"), 2)
            .unwrap();
        assert_eq!(book.best_bid(), Some(lv("0.22", "300")));
        book.apply_delta(&delta(OutcomeSide::Yes, "0.3000", "74.77"), 3)
            .unwrap();
        assert_eq!(
            book.best_bid(),
            Some(lv("0.30", "74.77")),
            "fractional sizes are exact"
        );
        book.apply_delta(&delta(OutcomeSide::Yes, "0.3000", "-74.77"), 4)
            .unwrap();
        assert_eq!(
            book.best_bid(),
            Some(lv("0.22", "300")),
            "a level that reaches exactly zero is removed"
        );
        assert_eq!(book.yes_bids().count(), 2);
        assert_eq!(book.last_seq(), Some(4));
    }

    #[test]
    fn delta_that_would_go_negative_is_an_error_and_changes_nothing() {
        let mut book = example(NoPriceScale::NoLeg);
        let before = book.clone();
        let err = book
            .apply_delta(&delta(OutcomeSide::No, "0.5400", "-20.01"), 2)
            .unwrap_err();
        assert_eq!(
            err,
            BookError::NegativeLevel {
                side: OutcomeSide::No,
                price: p("0.54"),
                size: c("20"),
                delta: c("-20.01")
            }
        );
        assert_eq!(
            book, before,
            "a refused delta must not be half-applied or clamped"
        );
        let err = book
            .apply_delta(&delta(OutcomeSide::Yes, "0.5000", "-1.00"), 3)
            .unwrap_err();
        assert!(matches!(err, BookError::NegativeLevel { size, .. } if size == Count::ZERO));
        assert_eq!(book, before);
    }

    #[test]
    fn delta_for_another_market_is_an_error() {
        let mut book = example(NoPriceScale::NoLeg);
        let before = book.clone();
        let mut d = delta(OutcomeSide::Yes, "0.2200", "1.00");
        d.market_ticker = "OTHER".into();
        assert_eq!(
            book.apply_delta(&d, 2),
            Err(BookError::WrongMarket {
                expected: T.into(),
                got: "OTHER".into()
            })
        );
        assert_eq!(book, before);
        let mut s = snapshot(&[], &[]);
        s.market_ticker = "OTHER".into();
        assert!(matches!(
            book.apply_snapshot(&s, 9),
            Err(BookError::WrongMarket { .. })
        ));
    }

    #[test]
    fn prices_above_one_are_rejected() {
        let mut book = example(NoPriceScale::YesLeg);
        assert!(matches!(
            book.apply_delta(&delta(OutcomeSide::No, "1.0100", "1.00"), 2),
            Err(BookError::PriceOutOfRange { .. })
        ));
        assert!(matches!(
            OrderBook::from_snapshot(
                &snapshot(&[("1.5000", "1.00")], &[]),
                1,
                NoPriceScale::NoLeg
            ),
            Err(BookError::PriceOutOfRange {
                side: OutcomeSide::Yes,
                ..
            })
        ));
    }

    #[test]
    fn snapshot_replaces_the_book_and_validates() {
        let mut book = example(NoPriceScale::NoLeg);
        book.apply_snapshot(&snapshot(&[("0.5000", "1.00"), ("0.4000", "0.00")], &[]), 7)
            .unwrap();
        assert_eq!(
            book.yes_bids().collect::<Vec<_>>(),
            vec![lv("0.50", "1")],
            "zero levels dropped"
        );
        assert_eq!(book.best_ask(), None);
        assert_eq!(book.spread(), None);
        assert_eq!(book.last_seq(), Some(7));

        let before = book.clone();
        assert!(matches!(
            book.apply_snapshot(&snapshot(&[("0.5000", "1.00"), ("0.5000", "2.00")], &[]), 8),
            Err(BookError::DuplicateLevel { .. })
        ));
        assert!(matches!(
            book.apply_snapshot(&snapshot(&[], &[("0.5000", "-2.00")]), 8),
            Err(BookError::NegativeSnapshotLevel { .. })
        ));
        assert_eq!(book, before, "a refused snapshot leaves the old book");
        book.apply_snapshot(&snapshot(&[], &[]), 9).unwrap();
        assert!(book.is_empty());
    }

    #[test]
    fn depth_takes_top_n_per_side() {
        let mut book = OrderBook::new(T, NoPriceScale::NoLeg);
        for (i, price) in ["0.10", "0.20", "0.30", "0.40"].iter().enumerate() {
            book.apply_delta(&delta(OutcomeSide::Yes, price, "1.00"), i as u64)
                .unwrap();
        }
        for (i, price) in ["0.50", "0.45"].iter().enumerate() {
            book.apply_delta(&delta(OutcomeSide::No, price, "2.00"), 10 + i as u64)
                .unwrap();
        }
        let d = book.depth(2);
        assert_eq!(d.bids, vec![lv("0.40", "1"), lv("0.30", "1")]);
        assert_eq!(d.asks, vec![lv("0.50", "2"), lv("0.55", "2")]);
        assert_eq!(book.depth(10).bids.len(), 4);
        assert_eq!(book.depth(0), Depth::default());
    }

    #[test]
    fn crossed_book_has_no_spread_but_locked_book_has_zero() {
        let mut book = OrderBook::new(T, NoPriceScale::NoLeg);
        book.apply_delta(&delta(OutcomeSide::Yes, "0.60", "1.00"), 1)
            .unwrap();
        book.apply_delta(&delta(OutcomeSide::No, "0.40", "1.00"), 2)
            .unwrap();
        assert_eq!(
            book.spread(),
            Some(Price::ZERO),
            "bid 0.60 vs ask 0.60 is locked"
        );
        book.apply_delta(&delta(OutcomeSide::No, "0.50", "1.00"), 3)
            .unwrap();
        assert_eq!(book.spread(), None, "bid 0.60 vs ask 0.50 is crossed");
    }

    #[test]
    fn zero_delta_on_an_empty_level_adds_nothing() {
        let mut book = OrderBook::new(T, NoPriceScale::NoLeg);
        book.apply_delta(&delta(OutcomeSide::Yes, "0.60", "0.00"), 1)
            .unwrap();
        assert!(book.is_empty());
        assert_eq!(book.last_seq(), Some(1));
    }
}
