//! The price-time priority book of one market: a `BTreeMap` of price levels per side, each
//! a FIFO queue of order references.
//!
//! Cancels and requeues do not search the queue: the order is marked (its status changes or
//! its queue sequence number moves on) and its entry becomes a tombstone that matching pops
//! when it reaches the front, or that a compaction pass drops once tombstones outnumber
//! live entries. Every operation is O(log levels) amortised.

use std::collections::{BTreeMap, HashMap, VecDeque};

use kalshi::model::{Count, Price};

use super::order::{BookSide, Order, OrderStatus};
use crate::ids::{IdBuildHasher, OrderId};

/// All orders of the exchange by id.
pub(crate) type OrderMap = HashMap<OrderId, Order, IdBuildHasher>;

/// A reference to a resting order as queued at the moment it joined the level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Entry {
    pub(crate) order: OrderId,
    pub(crate) seq: u32,
}

impl Entry {
    pub(crate) fn is_live(self, orders: &OrderMap) -> bool {
        orders
            .get(&self.order)
            .is_some_and(|o| o.status == OrderStatus::Resting && o.queue_seq == self.seq)
    }
}

/// One price level: queued entries (live and tombstones) and the live total.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Level {
    pub(crate) queue: VecDeque<Entry>,
    /// Σ remaining of live entries (count units).
    pub(crate) total: i64,
    /// Number of live entries.
    pub(crate) live: usize,
}

impl Level {
    fn compact_if_needed(&mut self, orders: &OrderMap) {
        let dead = self.queue.len() - self.live;
        if dead > 32 && dead > self.live {
            self.queue.retain(|e| e.is_live(orders));
        }
    }
}

/// A market's book.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Book {
    bids: BTreeMap<Price, Level>,
    asks: BTreeMap<Price, Level>,
}

impl Book {
    pub(crate) fn side(&self, side: BookSide) -> &BTreeMap<Price, Level> {
        match side {
            BookSide::Bid => &self.bids,
            BookSide::Ask => &self.asks,
        }
    }

    fn side_mut(&mut self, side: BookSide) -> &mut BTreeMap<Price, Level> {
        match side {
            BookSide::Bid => &mut self.bids,
            BookSide::Ask => &mut self.asks,
        }
    }

    /// Best price and size on a side: highest bid, lowest ask.
    pub(crate) fn best(&self, side: BookSide) -> Option<(Price, i64)> {
        let level = match side {
            BookSide::Bid => self.bids.last_key_value(),
            BookSide::Ask => self.asks.first_key_value(),
        };
        level.map(|(p, l)| (*p, l.total))
    }

    /// Whether an order on `side` at `limit` would trade with the opposite side.
    pub(crate) fn crosses(&self, side: BookSide, limit: Price) -> bool {
        match self.best(side.opposite()) {
            Some((best, _)) => match side {
                BookSide::Bid => best <= limit,
                BookSide::Ask => best >= limit,
            },
            None => false,
        }
    }

    /// The best level on `side` with its front live entry, popping tombstones on the way.
    pub(crate) fn front(&mut self, side: BookSide, orders: &OrderMap) -> Option<(Price, Entry)> {
        loop {
            let map = self.side_mut(side);
            let mut slot = match side {
                BookSide::Bid => map.last_entry()?,
                BookSide::Ask => map.first_entry()?,
            };
            let price = *slot.key();
            let level = slot.get_mut();
            while let Some(entry) = level.queue.front().copied() {
                if entry.is_live(orders) {
                    return Some((price, entry));
                }
                level.queue.pop_front();
            }
            // No live entry left: the level should already be gone; drop it defensively.
            slot.remove();
        }
    }

    /// Appends an order at the back of its level.
    pub(crate) fn push(&mut self, side: BookSide, price: Price, entry: Entry, qty: i64) {
        let level = self.side_mut(side).entry(price).or_default();
        level.queue.push_back(entry);
        level.total += qty;
        level.live += 1;
    }

    /// Takes `qty` off a level; `entry_gone` when the order left the level (filled,
    /// canceled or requeued). A level with nothing left is removed.
    pub(crate) fn reduce(
        &mut self,
        side: BookSide,
        price: Price,
        qty: i64,
        entry_gone: bool,
        orders: &OrderMap,
    ) {
        let map = self.side_mut(side);
        let Some(level) = map.get_mut(&price) else {
            return;
        };
        level.total -= qty;
        if entry_gone {
            level.live = level.live.saturating_sub(1);
        }
        if level.total <= 0 || level.live == 0 {
            map.remove(&price);
        } else if entry_gone {
            level.compact_if_needed(orders);
        }
    }

    /// Drops the front entry of a level (the order at the front just filled completely).
    pub(crate) fn pop_front(&mut self, side: BookSide, price: Price) {
        if let Some(level) = self.side_mut(side).get_mut(&price) {
            level.queue.pop_front();
        }
    }

    /// Up to `depth` levels per side (0 = all), each sorted by price ascending.
    pub(crate) fn levels(&self, side: BookSide, depth: usize) -> Vec<(Price, Count)> {
        let map = self.side(side);
        let n = if depth == 0 { map.len() } else { depth };
        let mut out: Vec<(Price, Count)> = match side {
            BookSide::Bid => map
                .iter()
                .rev()
                .take(n)
                .map(|(p, l)| (*p, Count::from_units(l.total)))
                .collect(),
            BookSide::Ask => map
                .iter()
                .take(n)
                .map(|(p, l)| (*p, Count::from_units(l.total)))
                .collect(),
        };
        out.sort_by_key(|(p, _)| *p);
        out
    }

    /// Contracts ahead of `order` in its level's queue.
    pub(crate) fn queue_position(&self, order: &Order, orders: &OrderMap) -> Count {
        let mut ahead = 0;
        if let Some(level) = self.side(order.side).get(&order.price) {
            for entry in &level.queue {
                if entry.order == order.id {
                    break;
                }
                if entry.is_live(orders) {
                    ahead += orders
                        .get(&entry.order)
                        .map_or(0, |o| o.remaining_count.units());
                }
            }
        }
        Count::from_units(ahead)
    }

    /// Live order ids on both sides, bids then asks, best first in time priority.
    pub(crate) fn live_orders(&self, orders: &OrderMap) -> Vec<OrderId> {
        let mut out = Vec::new();
        for map in [&self.bids, &self.asks] {
            for level in map.values() {
                out.extend(
                    level
                        .queue
                        .iter()
                        .filter(|e| e.is_live(orders))
                        .map(|e| e.order),
                );
            }
        }
        out
    }
}
