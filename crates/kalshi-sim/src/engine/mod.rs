//! The matching engine: all live exchange state (markets and their books, orders,
//! accounts, schedules) and the operations that change it.
//!
//! Modelled as Kalshi does: one YES book per market where a bid buys YES at p and an ask
//! sells YES at p (buys NO at 1 − p); price-time priority; the maker's price is the trade
//! price. Every mutating call takes the time in engine milliseconds (never the system
//! clock; the clock only moves forward) and returns the [`Event`]s it caused, in order. A
//! call that returns an error changed nothing.
//!
//! Time-driven work (GTT expiry, open, close, determination, settlement) happens in
//! [`Engine::advance`], which the server calls before each request and on a timer. Calls
//! between two `advance`s still treat a passed close time as closed and skip expired
//! resting orders, so results never depend on how often `advance` runs.

mod book;
mod ctx;
mod events;
mod market;
mod matching;
mod modify;
mod order;
mod place;
mod validate;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use kalshi::model::{Count, Money, Price};

pub use events::{
    BookDelta, Event, Fill, Lifecycle, LifecycleKind, OrderUpdate, OrderUpdateKind, PositionUpdate,
    SettlementUpdate, Ticker, Trade,
};
pub use market::Market;
pub use modify::{AmendRequest, Decrease};
pub use order::{
    BookSide, CancelReason, Order, OrderRequest, OrderStatus, OutcomeSide, SelfTradePrevention,
    TimeInForce,
};
pub use validate::{MAX_CLIENT_ORDER_ID_LEN, MAX_ORDER_COUNT};

pub(crate) use book::OrderMap;
pub(crate) use ctx::{Ctx, Touched};

use crate::accounts::{Account, Accounts, Position, Resting};
use crate::error::SimError;
use crate::ids::{MarketId, OrderId, UserId};
use crate::lifecycle::{MarketStatus, Transition};
use crate::universe::{MarketSpec, Universe};

/// Engine settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EngineConfig {
    /// Seed of the automatic market results.
    pub seed: u64,
    /// Public trades kept per market for `GET /markets/trades`.
    pub trade_history: usize,
    /// Whether closed markets are determined and settled automatically at their expected
    /// expiration (otherwise only through the lifecycle calls).
    pub auto_resolve: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            trade_history: 1_000,
            auto_resolve: true,
        }
    }
}

/// A call's value with the events it caused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome<T> {
    /// What the call returns.
    pub value: T,
    /// What happened, in order.
    pub events: Vec<Event>,
}

/// Result of placing or amending an order (the V2 create / amend response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderOutcome {
    /// The order after the call.
    pub order: Order,
    /// Contracts filled by this call.
    pub fill_count: Count,
    /// Contracts left resting.
    pub remaining_count: Count,
    /// Volume-weighted YES price of this call's fills.
    pub average_fill_price: Option<Price>,
    /// Fee per contract of this call's fills.
    pub average_fee_paid: Option<Money>,
    /// Engine ms of the call.
    pub ts_ms: i64,
}

/// Result of a cancel (the V2 cancel response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelOutcome {
    /// The order after the call.
    pub order: Order,
    /// Contracts taken off the book (0 if it had already finished).
    pub reduced_by: Count,
    /// Engine ms of the call.
    pub ts_ms: i64,
}

/// An order book view: YES bids and YES asks, each sorted by price ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookView {
    /// YES bids (best last).
    pub bids: Vec<(Price, Count)>,
    /// YES asks (best first); NO bids at 1 − price on the wire.
    pub asks: Vec<(Price, Count)>,
}

/// The exchange. It serializes (for the state file, see [`crate::persist`]) without its
/// derived indexes, which are rebuilt on load.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Engine {
    pub(crate) config: EngineConfig,
    pub(crate) clock_ms: i64,
    pub(crate) markets: Vec<Market>,
    #[serde(skip)]
    pub(crate) by_ticker: HashMap<Arc<str>, MarketId>,
    #[serde(with = "crate::persist::order_list")]
    pub(crate) orders: OrderMap,
    pub(crate) accounts: Accounts,
    pub(crate) next_order: u64,
    pub(crate) next_trade: u64,
    pub(crate) expiries: BTreeSet<(i64, OrderId)>,
    pub(crate) schedule: BTreeSet<(i64, Transition, MarketId)>,
    #[serde(skip)]
    pub(crate) scratch: Touched,
}

impl Engine {
    /// An exchange listing every market of `universe`, with its clock at the universe's
    /// start time and each market's status derived from its open and close times.
    pub fn new(universe: &Universe, config: EngineConfig) -> Self {
        let now = universe.start_ms();
        let mut engine = Self {
            config,
            clock_ms: now,
            markets: Vec::with_capacity(universe.markets().len()),
            by_ticker: HashMap::with_capacity(universe.markets().len()),
            orders: OrderMap::default(),
            accounts: Accounts::default(),
            next_order: 0,
            next_trade: 0,
            expiries: BTreeSet::new(),
            schedule: BTreeSet::new(),
            scratch: Touched::default(),
        };
        for spec in universe.markets() {
            engine.list_market(spec.clone(), now);
        }
        engine
    }

    /// Adds a market at the end of the listing, with its status derived from its open and
    /// close times and its next transition scheduled. Tickers must be new (the universe
    /// and the roll-in guarantee it).
    pub(crate) fn list_market(&mut self, spec: MarketSpec, now: i64) -> MarketId {
        let id = MarketId(u32::try_from(self.markets.len()).unwrap_or(u32::MAX));
        let spec = Arc::new(spec);
        let market = Market::new(id, spec.clone(), now);
        self.by_ticker.insert(market.ticker.clone(), id);
        match market.status {
            MarketStatus::Initialized => {
                self.schedule.insert((spec.open_ms, Transition::Open, id));
            }
            MarketStatus::Active => {
                self.schedule.insert((spec.close_ms, Transition::Close, id));
            }
            _ => {
                if self.config.auto_resolve {
                    self.schedule.insert((
                        spec.expected_expiration_ms.max(now),
                        Transition::Determine,
                        id,
                    ));
                }
            }
        }
        self.markets.push(market);
        id
    }

    /// A consistent copy of everything the state file holds, taken under the engine lock
    /// so the slow part of a save (encoding and writing) can run after the lock is
    /// released. Trade tapes are cut to what the file keeps; derived indexes are left
    /// empty (the file does not hold them).
    pub(crate) fn copy_for_save(&self) -> Self {
        Self {
            config: self.config,
            clock_ms: self.clock_ms,
            markets: self.markets.iter().map(Market::copy_for_save).collect(),
            by_ticker: HashMap::new(),
            orders: self.orders.clone(),
            accounts: self.accounts.clone(),
            next_order: self.next_order,
            next_trade: self.next_trade,
            expiries: self.expiries.clone(),
            schedule: self.schedule.clone(),
            scratch: Touched::default(),
        }
    }

    /// Lists a new market while the exchange runs (the roll-in), announcing it with a
    /// `Created` lifecycle event. The ticker must be new.
    ///
    /// # Errors
    /// [`SimError::InvalidParameters`] when the ticker is already listed (nothing changes).
    pub(crate) fn list_new_market(
        &mut self,
        spec: MarketSpec,
        now: i64,
    ) -> Result<(MarketId, Event), SimError> {
        if self.by_ticker.contains_key(spec.ticker.as_str()) {
            return Err(SimError::InvalidParameters(format!(
                "market {} is already listed",
                spec.ticker
            )));
        }
        let now = self.touch(now);
        let id = self.list_market(spec, now);
        let market = &self.markets[id.index()];
        Ok((
            id,
            Event::Lifecycle(Lifecycle {
                market: id,
                ticker: market.ticker.clone(),
                kind: LifecycleKind::Created(market.spec.clone()),
                ts_ms: now,
            }),
        ))
    }

    /// Rebuilds the indexes a deserialized engine lacks (the ticker index).
    pub(crate) fn reindex(&mut self) {
        self.by_ticker = self
            .markets
            .iter()
            .map(|m| (m.ticker.clone(), m.id))
            .collect();
    }

    /// Starts id epoch `epoch`: order and trade counters jump to `epoch << EPOCH_SHIFT`
    /// unless already past it, so ids issued in this run never equal ids issued in an
    /// earlier run of the same exchange, even one that crashed before its counters were
    /// saved (the epoch is saved before the run issues anything).
    pub(crate) fn begin_epoch(&mut self, epoch: u64) {
        let base = epoch << crate::ids::EPOCH_SHIFT;
        self.next_order = self.next_order.max(base);
        self.next_trade = self.next_trade.max(base);
    }

    /// The engine clock (the latest time any call passed in).
    pub fn clock_ms(&self) -> i64 {
        self.clock_ms
    }

    /// Moves the clock to `now_ms` unless it is already later; returns the clock.
    pub(crate) fn touch(&mut self, now_ms: i64) -> i64 {
        self.clock_ms = self.clock_ms.max(now_ms);
        self.clock_ms
    }

    /// Opens an account for an API key with `balance`, keeping its history.
    ///
    /// # Errors
    /// As [`Accounts::register`].
    pub fn register_user(&mut self, key_id: &str, balance: Money) -> Result<UserId, SimError> {
        self.accounts.register(key_id, balance, true)
    }

    /// Opens an account for one of the simulator's own bots: no order, fill or private
    /// event history is kept, so long runs stay bounded.
    ///
    /// # Errors
    /// As [`Accounts::register`].
    pub fn register_bot(&mut self, key_id: &str, balance: Money) -> Result<UserId, SimError> {
        self.accounts.register(key_id, balance, false)
    }

    /// Adds cash to an account.
    ///
    /// # Errors
    /// As [`Accounts::deposit`].
    pub fn deposit(&mut self, user: UserId, amount: Money) -> Result<(), SimError> {
        self.accounts.deposit(user, amount)
    }

    /// All accounts.
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// One account.
    pub fn account(&self, user: UserId) -> Option<&Account> {
        self.accounts.get(user)
    }

    /// Every market, in universe order.
    pub fn markets(&self) -> &[Market] {
        &self.markets
    }

    /// A market by id.
    pub fn market_by_id(&self, id: MarketId) -> Option<&Market> {
        self.markets.get(id.index())
    }

    /// The id of a market.
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`].
    pub fn market_id(&self, ticker: &str) -> Result<MarketId, SimError> {
        self.by_ticker
            .get(ticker)
            .copied()
            .ok_or_else(|| SimError::MarketNotFound(ticker.to_owned()))
    }

    /// A market by ticker.
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`].
    pub fn market(&self, ticker: &str) -> Result<&Market, SimError> {
        let id = self.market_id(ticker)?;
        self.markets
            .get(id.index())
            .ok_or_else(|| SimError::MarketNotFound(ticker.to_owned()))
    }

    /// A user's order. Orders of bots are forgotten once they finish.
    ///
    /// # Errors
    /// [`SimError::OrderNotFound`] if there is no such order or it is someone else's.
    pub fn order(&self, user: UserId, id: OrderId) -> Result<&Order, SimError> {
        self.orders
            .get(&id)
            .filter(|o| o.user == user)
            .ok_or_else(|| SimError::OrderNotFound(id.to_string()))
    }

    /// The user's orders, oldest first.
    pub fn orders_of(&self, user: UserId) -> impl Iterator<Item = &Order> {
        self.accounts
            .get(user)
            .map(|a| a.order_ids())
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.orders.get(id))
    }

    /// Resting order count across the exchange (for stats and tests).
    pub fn resting_order_count(&self) -> usize {
        self.orders.values().filter(|o| o.is_resting()).count()
    }

    /// Up to `depth` levels per side (0 = all).
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`].
    pub fn orderbook(&self, ticker: &str, depth: usize) -> Result<BookView, SimError> {
        let market = self.market(ticker)?;
        Ok(BookView {
            bids: market.book.levels(BookSide::Bid, depth),
            asks: market.book.levels(BookSide::Ask, depth),
        })
    }

    /// Contracts ahead of a resting order in its queue (0 if it is not resting).
    ///
    /// # Errors
    /// [`SimError::OrderNotFound`].
    pub fn queue_position(&self, user: UserId, id: OrderId) -> Result<Count, SimError> {
        let order = self.order(user, id)?;
        if !order.is_resting() {
            return Ok(Count::ZERO);
        }
        Ok(self
            .markets
            .get(order.market.index())
            .map_or(Count::ZERO, |m| m.book.queue_position(order, &self.orders)))
    }

    pub(crate) fn ctx<'a>(
        &'a mut self,
        market: MarketId,
        events: &'a mut Vec<Event>,
        touched: &'a mut Touched,
        now: i64,
    ) -> Ctx<'a> {
        Ctx {
            market: &mut self.markets[market.index()],
            orders: &mut self.orders,
            accounts: &mut self.accounts,
            expiries: &mut self.expiries,
            next_trade: &mut self.next_trade,
            trade_history: self.config.trade_history,
            events,
            touched,
            now,
        }
    }

    /// Ends a call: one order update per touched order (for accounts with history), one
    /// position update per touched position, one ticker per market whose line changed;
    /// finished bot orders are forgotten.
    pub(crate) fn finish(&mut self, touched: &mut Touched, events: &mut Vec<Event>, now: i64) {
        touched.orders.sort_unstable();
        touched.orders.dedup();
        for id in &touched.orders {
            let Some(order) = self.orders.get(id) else {
                continue;
            };
            let private = self
                .accounts
                .get(order.user)
                .is_some_and(Account::keeps_history);
            if private {
                let kind = if touched.created.contains(id) {
                    OrderUpdateKind::Created
                } else if order.status == OrderStatus::Canceled {
                    OrderUpdateKind::Canceled
                } else {
                    OrderUpdateKind::Updated
                };
                events.push(Event::Order(OrderUpdate {
                    kind,
                    order: order.clone(),
                }));
            } else if !order.is_resting() {
                self.orders.remove(id);
            }
        }
        touched.positions.sort_unstable();
        touched.positions.dedup();
        for (user, market) in &touched.positions {
            let Some(acct) = self.accounts.get(*user) else {
                continue;
            };
            if !acct.keeps_history() {
                continue;
            }
            let Some(m) = self.markets.get(market.index()) else {
                continue;
            };
            let pos = acct.position(*market);
            events.push(Event::Position(PositionUpdate {
                user: *user,
                market: *market,
                ticker: m.ticker.clone(),
                position: pos.map_or(Count::ZERO, Position::position),
                position_cost: pos.map_or(Money::ZERO, Position::market_exposure),
                realized_pnl: pos.map_or(Money::ZERO, Position::realized_pnl),
                fees_paid: pos.map_or(Money::ZERO, Position::fees_paid),
                volume: pos.map_or(Count::ZERO, Position::volume),
                ts_ms: now,
            }));
        }
        touched.markets.sort_unstable();
        touched.markets.dedup();
        for market in &touched.markets {
            let Some(m) = self.markets.get_mut(market.index()) else {
                continue;
            };
            let snapshot = m.ticker_snapshot(now);
            if m.last_ticker
                .as_ref()
                .is_some_and(|t| t.same_values(&snapshot))
            {
                continue;
            }
            m.last_ticker = Some(snapshot.clone());
            events.push(Event::Ticker(snapshot));
        }
        touched.clear();
        self.scratch = std::mem::take(touched);
    }

    /// The reusable "touched" buffers, so a call does not allocate them afresh.
    pub(crate) fn take_scratch(&mut self) -> Touched {
        std::mem::take(&mut self.scratch)
    }

    /// Checks the engine's internal consistency: every level's size equals its live
    /// orders, every account's reserve is recomputable and covered by cash, and positions
    /// net to zero in every market. For tests and debugging; O(everything).
    ///
    /// # Errors
    /// A description of the first inconsistency found.
    pub fn audit(&self) -> Result<(), String> {
        for m in &self.markets {
            for side in [BookSide::Bid, BookSide::Ask] {
                for (price, level) in m.book.side(side) {
                    let live: Vec<&Order> = level
                        .queue
                        .iter()
                        .filter(|e| e.is_live(&self.orders))
                        .filter_map(|e| self.orders.get(&e.order))
                        .collect();
                    let sum: i64 = live.iter().map(|o| o.remaining_count.units()).sum();
                    if sum != level.total || live.len() != level.live || sum <= 0 {
                        return Err(format!(
                            "{} {side:?} {price}: level total {} live {} but orders sum {sum} count {}",
                            m.ticker,
                            level.total,
                            level.live,
                            live.len()
                        ));
                    }
                    if let Some(o) = live.iter().find(|o| o.price != *price || o.side != side) {
                        return Err(format!("{} misplaced order {}", m.ticker, o.id));
                    }
                }
            }
            let net: i64 = self
                .accounts
                .iter()
                .filter_map(|a| a.position(m.id))
                .map(|p| p.position().units())
                .sum();
            if net != 0 {
                return Err(format!("{} positions net to {net}", m.ticker));
            }
            let oi: i64 = self
                .accounts
                .iter()
                .filter_map(|a| a.position(m.id))
                .map(|p| p.position().units().max(0))
                .sum();
            if oi != m.open_interest && m.settled_ms.is_none() {
                return Err(format!(
                    "{} open interest {} but positions say {oi}",
                    m.ticker, m.open_interest
                ));
            }
        }
        let resting = self.orders.values().filter(|o| o.is_resting()).count();
        let on_books: usize = self
            .markets
            .iter()
            .map(|m| m.book.live_orders(&self.orders).len())
            .sum();
        if resting != on_books {
            return Err(format!("{resting} resting orders but {on_books} on books"));
        }
        let mut expected: HashMap<(UserId, MarketId), (Resting, i64)> = HashMap::new();
        for o in self.orders.values().filter(|o| o.is_resting()) {
            let slot = expected.entry((o.user, o.market)).or_default();
            slot.0
                .add(o.side, o.price.units(), o.remaining_count.units());
            slot.1 += o.fee_reserved;
        }
        for a in self.accounts.iter() {
            let mut locked = 0;
            for (mid, p) in a.positions() {
                let (resting, fees) = expected.remove(&(a.user(), mid)).unwrap_or_default();
                if p.resting != resting || p.fee_reserved != fees {
                    return Err(format!(
                        "{}: reserve bookkeeping differs from resting orders in {}",
                        a.key_id(),
                        mid.index()
                    ));
                }
                if p.required_reserve() != p.reserved {
                    return Err(format!("{}: stale reserve", a.key_id()));
                }
                locked += p.reserved;
            }
            if locked != a.locked().units() {
                return Err(format!("{}: locked total drifted", a.key_id()));
            }
            if a.balance().units() < 0 {
                return Err(format!("{}: negative balance {}", a.key_id(), a.balance()));
            }
        }
        if let Some(((user, _), _)) = expected.into_iter().next() {
            return Err(format!(
                "resting orders of user {} have no position entry",
                user.index()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod testkit;
#[cfg(test)]
mod tests;
