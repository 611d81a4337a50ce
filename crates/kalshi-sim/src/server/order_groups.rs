//! Order groups (kalshi-api.md §3.8), kept beside the engine: each group caps the
//! contracts its orders match over a rolling 15 seconds; reaching the cap (or a manual
//! trigger) cancels the group's resting orders and refuses new ones until a reset.
//!
//! The engine knows nothing of groups. The state calls [`OrderGroups::on_events`] with
//! every batch of engine events (under the engine lock) and cancels whatever it returns,
//! so fills from any source (the caller, another user, the activity bots) count.

use std::collections::{HashMap, VecDeque};

use kalshi::model::Count;
use uuid::Uuid;

use crate::engine::Event;
use crate::ids::{OrderId, UserId};

/// The rolling window the contracts limit applies to.
pub const WINDOW_MS: i64 = 15_000;
/// Largest contracts limit accepted.
pub const MAX_LIMIT: Count = Count::from_contracts(1_000_000);

/// One order group.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Group {
    /// Wire id.
    pub id: String,
    /// Owner.
    pub owner: UserId,
    /// Contracts that may match within [`WINDOW_MS`].
    pub limit: Count,
    /// True once triggered; new orders are refused until reset.
    pub triggered: bool,
    /// Orders that joined, oldest first.
    pub orders: Vec<OrderId>,
    window: VecDeque<(i64, i64)>,
}

impl Group {
    fn matched(&mut self, now_ms: i64) -> i64 {
        while self
            .window
            .front()
            .is_some_and(|(t, _)| *t <= now_ms - WINDOW_MS)
        {
            self.window.pop_front();
        }
        self.window.iter().map(|(_, units)| units).sum()
    }
}

/// Why a group operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    /// No such group for this user.
    #[error("order group {0} not found")]
    NotFound(String),
    /// The group was triggered and has not been reset.
    #[error("order group {0} is triggered; reset it before adding orders")]
    Triggered(String),
    /// The limit is not a positive whole count within bounds.
    #[error("contracts limit must be between 1 and {MAX_LIMIT}")]
    BadLimit,
}

/// Every group, and which group each order belongs to.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct OrderGroups {
    next: u64,
    groups: HashMap<String, Group>,
    by_order: HashMap<OrderId, String>,
}

impl OrderGroups {
    /// Creates a group for `owner`.
    ///
    /// # Errors
    /// [`GroupError::BadLimit`].
    pub fn create(&mut self, owner: UserId, limit: Count) -> Result<String, GroupError> {
        check_limit(limit)?;
        self.next += 1;
        let id =
            Uuid::from_u64_pair(0x6f72_6467_7270_0000 | u64::from(owner.0), self.next).to_string();
        self.groups.insert(
            id.clone(),
            Group {
                id: id.clone(),
                owner,
                limit,
                triggered: false,
                orders: Vec::new(),
                window: VecDeque::new(),
            },
        );
        Ok(id)
    }

    /// The user's groups, in creation order.
    pub fn list(&self, owner: UserId) -> Vec<&Group> {
        let mut groups: Vec<&Group> = self.groups.values().filter(|g| g.owner == owner).collect();
        groups.sort_by(|a, b| a.id.cmp(&b.id));
        groups
    }

    /// One of the user's groups.
    ///
    /// # Errors
    /// [`GroupError::NotFound`].
    pub fn get(&self, owner: UserId, id: &str) -> Result<&Group, GroupError> {
        self.groups
            .get(id)
            .filter(|g| g.owner == owner)
            .ok_or_else(|| GroupError::NotFound(id.to_owned()))
    }

    fn get_mut(&mut self, owner: UserId, id: &str) -> Result<&mut Group, GroupError> {
        self.groups
            .get_mut(id)
            .filter(|g| g.owner == owner)
            .ok_or_else(|| GroupError::NotFound(id.to_owned()))
    }

    /// Checks that an order may join the group (before the order is placed).
    ///
    /// # Errors
    /// [`GroupError::NotFound`], [`GroupError::Triggered`].
    pub fn check_joinable(&self, owner: UserId, id: &str) -> Result<(), GroupError> {
        let g = self.get(owner, id)?;
        if g.triggered {
            return Err(GroupError::Triggered(id.to_owned()));
        }
        Ok(())
    }

    /// Records that `order` belongs to group `id` (right after it was placed, before its
    /// events are passed to [`Self::on_events`], so its immediate fills count).
    pub fn join(&mut self, id: &str, order: OrderId) {
        if let Some(g) = self.groups.get_mut(id) {
            g.orders.push(order);
            self.by_order.insert(order, id.to_owned());
        }
    }

    /// The group an order belongs to.
    pub fn group_of(&self, order: OrderId) -> Option<&str> {
        self.by_order.get(&order).map(String::as_str)
    }

    /// Counts the fills in `events` against their groups; returns the orders to cancel
    /// (owner, ids) for every group that reached its limit, and marks those triggered.
    pub fn on_events(&mut self, events: &[Event], now_ms: i64) -> Vec<(UserId, Vec<OrderId>)> {
        let mut hit: Vec<String> = Vec::new();
        for e in events {
            let Event::Fill(f) = e else { continue };
            let Some(id) = self.by_order.get(&f.order_id) else {
                continue;
            };
            let Some(g) = self.groups.get_mut(id) else {
                continue;
            };
            g.window.push_back((f.ts_ms, f.count.units()));
            if !g.triggered && g.matched(now_ms) >= g.limit.units() {
                g.triggered = true;
                hit.push(id.clone());
            }
        }
        hit.iter()
            .filter_map(|id| self.groups.get(id))
            .map(|g| (g.owner, g.orders.clone()))
            .collect()
    }

    /// Triggers a group by hand; returns its orders to cancel.
    ///
    /// # Errors
    /// [`GroupError::NotFound`].
    pub fn trigger(&mut self, owner: UserId, id: &str) -> Result<Vec<OrderId>, GroupError> {
        let g = self.get_mut(owner, id)?;
        g.triggered = true;
        Ok(g.orders.clone())
    }

    /// Clears the trigger and the matched-volume window.
    ///
    /// # Errors
    /// [`GroupError::NotFound`].
    pub fn reset(&mut self, owner: UserId, id: &str) -> Result<(), GroupError> {
        let g = self.get_mut(owner, id)?;
        g.triggered = false;
        g.window.clear();
        Ok(())
    }

    /// Changes the limit; returns the orders to cancel if the new limit is already reached.
    ///
    /// # Errors
    /// [`GroupError::NotFound`], [`GroupError::BadLimit`].
    pub fn set_limit(
        &mut self,
        owner: UserId,
        id: &str,
        limit: Count,
        now_ms: i64,
    ) -> Result<Vec<OrderId>, GroupError> {
        check_limit(limit)?;
        let g = self.get_mut(owner, id)?;
        g.limit = limit;
        if !g.triggered && g.matched(now_ms) >= limit.units() {
            g.triggered = true;
            return Ok(g.orders.clone());
        }
        Ok(Vec::new())
    }

    /// Deletes a group; returns its orders to cancel.
    ///
    /// # Errors
    /// [`GroupError::NotFound`].
    pub fn delete(&mut self, owner: UserId, id: &str) -> Result<Vec<OrderId>, GroupError> {
        self.get(owner, id)?;
        let g = self
            .groups
            .remove(id)
            .ok_or_else(|| GroupError::NotFound(id.to_owned()))?;
        for o in &g.orders {
            self.by_order.remove(o);
        }
        Ok(g.orders)
    }
}

fn check_limit(limit: Count) -> Result<(), GroupError> {
    if limit.units() <= 0 || limit > MAX_LIMIT {
        return Err(GroupError::BadLimit);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::sync::Arc;

    use kalshi::model::{Money, Price};

    use super::*;
    use crate::engine::{BookSide, Fill};
    use crate::ids::{MarketId, TradeId};

    fn fill(order: OrderId, contracts: i64, ts_ms: i64) -> Event {
        Event::Fill(Fill {
            trade_id: TradeId(1),
            order_id: order,
            user: UserId(0),
            market: MarketId(0),
            ticker: Arc::from("M"),
            side: BookSide::Bid,
            yes_price: Price::from_units(5_000),
            count: Count::from_contracts(contracts),
            is_taker: true,
            fee: Money::ZERO,
            post_position: Count::ZERO,
            client_order_id: None,
            ts_ms,
        })
    }

    #[test]
    fn reaching_the_limit_within_the_window_triggers_once() {
        let mut groups = OrderGroups::default();
        let id = groups.create(UserId(0), Count::from_contracts(10)).unwrap();
        groups.join(&id, OrderId(1));
        groups.join(&id, OrderId(2));
        assert!(
            groups
                .on_events(&[fill(OrderId(1), 6, 1_000)], 1_000)
                .is_empty()
        );
        // The first fill has left the window by 17 s.
        assert!(
            groups
                .on_events(&[fill(OrderId(1), 6, 17_000)], 17_000)
                .is_empty()
        );
        let hit = groups.on_events(&[fill(OrderId(2), 4, 18_000)], 18_000);
        assert_eq!(hit, vec![(UserId(0), vec![OrderId(1), OrderId(2)])]);
        assert!(matches!(
            groups.check_joinable(UserId(0), &id),
            Err(GroupError::Triggered(_))
        ));
        assert!(
            groups
                .on_events(&[fill(OrderId(2), 4, 18_500)], 18_500)
                .is_empty()
        );
        groups.reset(UserId(0), &id).unwrap();
        assert!(groups.check_joinable(UserId(0), &id).is_ok());
    }

    #[test]
    fn groups_are_private_to_their_owner() {
        let mut groups = OrderGroups::default();
        let id = groups.create(UserId(0), Count::from_contracts(5)).unwrap();
        assert!(matches!(
            groups.get(UserId(1), &id),
            Err(GroupError::NotFound(_))
        ));
        assert!(groups.create(UserId(0), Count::ZERO).is_err());
        assert_eq!(
            groups.delete(UserId(0), &id).unwrap(),
            Vec::<OrderId>::new()
        );
        assert!(groups.get(UserId(0), &id).is_err());
    }
}
