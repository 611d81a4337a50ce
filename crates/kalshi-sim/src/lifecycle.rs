//! Market lifecycle: initialized → active (⇄ inactive) → closed → determined → finalized,
//! with resting orders canceled at close, results determined (explicitly or, by default,
//! automatically at the expected expiration) and positions paid out into settlement
//! records after the settlement timer.
//!
//! Automatic results are the sim's policy: a market resolves YES with probability equal to
//! its last trade price (its fair value if it never traded), drawn from the engine seed
//! and the market, so a run is reproducible.

use std::sync::Arc;

use kalshi::model::{Count, Money, Price};

use crate::engine::{
    CancelReason, Engine, Event, Lifecycle, LifecycleKind, SettlementUpdate, Touched,
};
use crate::error::SimError;
use crate::ids::{MarketId, UserId};

/// A market's status (`status` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MarketStatus {
    /// Listed, not yet open.
    Initialized,
    /// Trading.
    Active,
    /// Paused by the exchange.
    Inactive,
    /// Past close; awaiting the result.
    Closed,
    /// Result known; settlement timer running.
    Determined,
    /// Paid out (terminal).
    Finalized,
}

impl MarketStatus {
    /// The status word of the `Market` object.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Initialized => "initialized",
            Self::Active => "active",
            Self::Inactive => "inactive",
            Self::Closed => "closed",
            Self::Determined => "determined",
            Self::Finalized => "finalized",
        }
    }

    /// The word the `GET /markets?status=` filter uses for this status.
    pub fn filter_word(self) -> &'static str {
        match self {
            Self::Initialized => "unopened",
            Self::Active => "open",
            Self::Inactive => "paused",
            Self::Closed | Self::Determined => "closed",
            Self::Finalized => "settled",
        }
    }
}

/// How a binary market resolved (`result`, `market_result`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum MarketResult {
    /// YES pays $1.
    Yes,
    /// NO pays $1.
    No,
}

impl MarketResult {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Yes => "yes",
            Self::No => "no",
        }
    }

    /// What one YES contract pays.
    pub fn yes_value(self) -> Price {
        match self {
            Self::Yes => Price::ONE,
            Self::No => Price::ZERO,
        }
    }
}

/// One user's payout in one market (Kalshi's `Settlement`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Settlement {
    /// Market.
    pub market: MarketId,
    /// Market ticker.
    pub ticker: Arc<str>,
    /// Event ticker.
    pub event_ticker: Arc<str>,
    /// The result.
    pub market_result: MarketResult,
    /// YES contracts held at settlement.
    pub yes_count: Count,
    /// What they cost.
    pub yes_total_cost: Money,
    /// NO contracts held at settlement.
    pub no_count: Count,
    /// What they cost.
    pub no_total_cost: Money,
    /// Payout in cents (winning contracts × 100).
    pub revenue_cents: i64,
    /// Fees paid in this market.
    pub fee_cost: Money,
    /// What a YES contract paid, in cents.
    pub value_cents: i64,
    /// Engine ms of the payout.
    pub settled_ms: i64,
}

/// A scheduled, time-driven transition.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub(crate) enum Transition {
    Open,
    Close,
    Determine,
    Settle,
}

fn mix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

impl Engine {
    /// Runs everything due by `now_ms`, in time order: GTT expiries, opens, closes
    /// (canceling resting orders), automatic determinations and settlements.
    pub fn advance(&mut self, now_ms: i64) -> Vec<Event> {
        let now = self.touch(now_ms);
        let mut events = Vec::new();
        let mut touched = self.take_scratch();
        loop {
            let expiry = self.expiries.first().copied().filter(|(t, _)| *t <= now);
            let due = self.schedule.first().copied().filter(|(t, ..)| *t <= now);
            match (expiry, due) {
                (Some((t, id)), d) if d.is_none_or(|(td, ..)| t <= td) => {
                    self.expiries.remove(&(t, id));
                    if let Some(mid) = self.orders.get(&id).map(|o| o.market) {
                        self.ctx(mid, &mut events, &mut touched, t)
                            .cancel_resting(id, CancelReason::Expired);
                    }
                }
                (_, Some(entry)) => {
                    self.schedule.remove(&entry);
                    let (t, transition, mid) = entry;
                    match transition {
                        Transition::Open => self.open(mid, t, &mut events),
                        Transition::Close => self.close(mid, t, &mut events, &mut touched),
                        Transition::Determine => {
                            let result = self.auto_result(mid);
                            self.determine(mid, result, t, &mut events, &mut touched);
                        }
                        Transition::Settle => self.settle(mid, t, &mut events, &mut touched),
                    }
                }
                _ => break,
            }
        }
        self.finish(&mut touched, &mut events, now);
        events
    }

    /// Closes a market now (an early close): resting orders are canceled.
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`]; [`SimError::MarketClosed`] if it already closed.
    pub fn close_market(&mut self, ticker: &str, now_ms: i64) -> Result<Vec<Event>, SimError> {
        let now = self.touch(now_ms);
        let mid = self.market_id(ticker)?;
        if !self.markets[mid.index()].status.is_open_for_orders() {
            return Err(SimError::MarketClosed(ticker.to_owned()));
        }
        Ok(self.run(now, |e, m, ev, t| e.close(m, now, ev, t), mid))
    }

    /// Pauses trading in a market (`inactive`); orders with `cancel_order_on_pause` are
    /// canceled, others stay.
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`]; [`SimError::MarketInactive`] unless it is active.
    pub fn pause_market(&mut self, ticker: &str, now_ms: i64) -> Result<Vec<Event>, SimError> {
        let now = self.touch(now_ms);
        let mid = self.market_id(ticker)?;
        let market = &self.markets[mid.index()];
        market.check_tradable(now)?;
        Ok(self.run(
            now,
            |e, m, ev, t| {
                let ids: Vec<_> = e.markets[m.index()]
                    .book
                    .live_orders(&e.orders)
                    .into_iter()
                    .filter(|id| e.orders.get(id).is_some_and(|o| o.cancel_order_on_pause))
                    .collect();
                let mut ctx = e.ctx(m, ev, t, now);
                for id in ids {
                    ctx.cancel_resting(id, CancelReason::MarketPaused);
                }
                e.markets[m.index()].status = MarketStatus::Inactive;
                e.lifecycle(m, LifecycleKind::Deactivated, now, ev);
            },
            mid,
        ))
    }

    /// Re-activates a paused market; as on Kalshi, every resting order is canceled.
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`]; [`SimError::InvalidParameters`] unless it is paused.
    pub fn activate_market(&mut self, ticker: &str, now_ms: i64) -> Result<Vec<Event>, SimError> {
        let now = self.touch(now_ms);
        let mid = self.market_id(ticker)?;
        if self.markets[mid.index()].status(now) != MarketStatus::Inactive {
            return Err(SimError::InvalidParameters(format!(
                "market {ticker} is not paused"
            )));
        }
        Ok(self.run(
            now,
            |e, m, ev, t| {
                e.cancel_all(m, CancelReason::MarketPaused, now, ev, t);
                e.markets[m.index()].status = MarketStatus::Active;
                e.lifecycle(m, LifecycleKind::Activated, now, ev);
            },
            mid,
        ))
    }

    /// Sets a market's result now (closing it first if it is still open) and starts its
    /// settlement timer.
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`]; [`SimError::InvalidParameters`] if it was already
    /// determined.
    pub fn determine_market(
        &mut self,
        ticker: &str,
        result: MarketResult,
        now_ms: i64,
    ) -> Result<Vec<Event>, SimError> {
        let now = self.touch(now_ms);
        let mid = self.market_id(ticker)?;
        if matches!(
            self.markets[mid.index()].status,
            MarketStatus::Determined | MarketStatus::Finalized
        ) {
            return Err(SimError::InvalidParameters(format!(
                "market {ticker} is already determined"
            )));
        }
        Ok(self.run(now, |e, m, ev, t| e.determine(m, result, now, ev, t), mid))
    }

    /// Pays out a determined market now instead of waiting for its timer.
    ///
    /// # Errors
    /// [`SimError::MarketNotFound`]; [`SimError::InvalidParameters`] unless it is
    /// determined.
    pub fn settle_market(&mut self, ticker: &str, now_ms: i64) -> Result<Vec<Event>, SimError> {
        let now = self.touch(now_ms);
        let mid = self.market_id(ticker)?;
        if self.markets[mid.index()].status != MarketStatus::Determined {
            return Err(SimError::InvalidParameters(format!(
                "market {ticker} is not determined"
            )));
        }
        Ok(self.run(now, |e, m, ev, t| e.settle(m, now, ev, t), mid))
    }

    fn run(
        &mut self,
        now: i64,
        step: impl FnOnce(&mut Self, MarketId, &mut Vec<Event>, &mut Touched),
        mid: MarketId,
    ) -> Vec<Event> {
        let mut events = Vec::new();
        let mut touched = self.take_scratch();
        step(self, mid, &mut events, &mut touched);
        self.finish(&mut touched, &mut events, now);
        events
    }

    fn lifecycle(&mut self, mid: MarketId, kind: LifecycleKind, t: i64, events: &mut Vec<Event>) {
        let market = &mut self.markets[mid.index()];
        market.updated_ms = t;
        events.push(Event::Lifecycle(Lifecycle {
            market: mid,
            ticker: market.ticker.clone(),
            kind,
            ts_ms: t,
        }));
    }

    fn cancel_all(
        &mut self,
        mid: MarketId,
        reason: CancelReason,
        t: i64,
        events: &mut Vec<Event>,
        touched: &mut Touched,
    ) {
        let ids = self.markets[mid.index()].book.live_orders(&self.orders);
        let mut ctx = self.ctx(mid, events, touched, t);
        for id in ids {
            ctx.cancel_resting(id, reason);
        }
        touched.markets.push(mid);
    }

    fn open(&mut self, mid: MarketId, t: i64, events: &mut Vec<Event>) {
        let market = &mut self.markets[mid.index()];
        if market.status != MarketStatus::Initialized {
            return;
        }
        market.status = MarketStatus::Active;
        let close = market.close_ms;
        self.schedule.insert((close.max(t), Transition::Close, mid));
        self.lifecycle(mid, LifecycleKind::Opened, t, events);
    }

    fn close(&mut self, mid: MarketId, t: i64, events: &mut Vec<Event>, touched: &mut Touched) {
        if !self.markets[mid.index()].status.is_open_for_orders() {
            return;
        }
        self.cancel_all(mid, CancelReason::MarketClosed, t, events, touched);
        let market = &mut self.markets[mid.index()];
        market.status = MarketStatus::Closed;
        market.close_ms = market.close_ms.min(t);
        let due = market.spec.expected_expiration_ms.max(t);
        if self.config.auto_resolve {
            self.schedule.insert((due, Transition::Determine, mid));
        }
        self.lifecycle(mid, LifecycleKind::Closed, t, events);
    }

    fn determine(
        &mut self,
        mid: MarketId,
        result: MarketResult,
        t: i64,
        events: &mut Vec<Event>,
        touched: &mut Touched,
    ) {
        self.close(mid, t, events, touched);
        let market = &mut self.markets[mid.index()];
        if market.status != MarketStatus::Closed {
            return;
        }
        market.status = MarketStatus::Determined;
        market.result = Some(result);
        market.determined_ms = Some(t);
        let due = t.saturating_add(market.spec.settlement_timer_seconds.saturating_mul(1_000));
        self.schedule.insert((due, Transition::Settle, mid));
        self.lifecycle(mid, LifecycleKind::Determined(result), t, events);
    }

    fn settle(&mut self, mid: MarketId, t: i64, events: &mut Vec<Event>, touched: &mut Touched) {
        let market = &mut self.markets[mid.index()];
        let (MarketStatus::Determined, Some(result)) = (market.status, market.result) else {
            return;
        };
        market.status = MarketStatus::Finalized;
        market.settled_ms = Some(t);
        market.open_interest = 0;
        let ticker = market.ticker.clone();
        let event_ticker: Arc<str> = Arc::from(market.spec.event_ticker.as_str());
        let participants: Vec<UserId> = market.participants.iter().copied().collect();
        for user in participants {
            let Some(acct) = self.accounts.get_mut(user) else {
                continue;
            };
            let Some(pos) = acct.take_position(mid) else {
                continue;
            };
            let held = pos.position().units();
            let (yes, no) = (held.max(0), (-held).max(0));
            let winning = match result {
                MarketResult::Yes => yes,
                MarketResult::No => no,
            };
            // A contract (100 count units) pays $1 (1_000_000 money units).
            let payout = winning * (Money::SCALE / Count::SCALE);
            acct.add_cash(payout);
            if pos.volume().units() == 0 || !acct.keeps_history() {
                continue;
            }
            let exposure = pos.market_exposure();
            let settlement = Settlement {
                market: mid,
                ticker: ticker.clone(),
                event_ticker: event_ticker.clone(),
                market_result: result,
                yes_count: Count::from_units(yes),
                yes_total_cost: if yes > 0 { exposure } else { Money::ZERO },
                no_count: Count::from_units(no),
                no_total_cost: if no > 0 { exposure } else { Money::ZERO },
                revenue_cents: winning,
                fee_cost: pos.fees_paid(),
                value_cents: result.yes_value().units() / 100,
                settled_ms: t,
            };
            acct.settlements.push(settlement.clone());
            events.push(Event::Settlement(SettlementUpdate { user, settlement }));
            touched.positions.push((user, mid));
        }
        self.lifecycle(mid, LifecycleKind::Settled, t, events);
    }

    /// The automatic result: YES with probability equal to the last price (or fair value).
    fn auto_result(&self, mid: MarketId) -> MarketResult {
        let market = &self.markets[mid.index()];
        let reference = market.last_price.unwrap_or(market.spec.fair_value).units();
        let draw = mix64(self.config.seed ^ mix64(u64::from(mid.0)));
        let roll = i64::try_from(draw % 10_000).unwrap_or(0);
        if roll < reference {
            MarketResult::Yes
        } else {
            MarketResult::No
        }
    }
}

impl MarketStatus {
    /// Whether the market has not closed yet (orders may rest in it).
    pub(crate) fn is_open_for_orders(self) -> bool {
        matches!(self, Self::Initialized | Self::Active | Self::Inactive)
    }
}

#[cfg(test)]
mod tests;
