//! Seeded market makers and takers that keep the simulated exchange alive: each step
//! drifts one market's fair value and either re-quotes a maker's ladder around it or sends
//! a taker's immediate-or-cancel order across the spread, so books move and trades print.
//!
//! Deterministic: given the seed, the engine state and the sequence of step times, the
//! same orders are sent and the same events come back. The bots are ordinary accounts
//! registered with [`Engine::register_bot`], so they follow every exchange rule (balance,
//! grid, self-trade prevention) but keep no history.

use std::collections::HashMap;

use kalshi::model::{Count, Money, Price};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::engine::{BookSide, Engine, Event, OrderRequest, SelfTradePrevention, TimeInForce};
use crate::error::SimError;
use crate::ids::{MarketId, OrderId, UserId};
use crate::lifecycle::MarketStatus;

/// Most makers (and most takers) a simulation runs.
pub const MAX_BOTS: usize = 100;
/// Most price levels a maker quotes per side.
pub const MAX_LEVELS: usize = 20;

/// Bot population and funding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActivityConfig {
    /// Seed of every bot decision.
    pub seed: u64,
    /// Number of market makers.
    pub makers: usize,
    /// Number of takers.
    pub takers: usize,
    /// Price levels each maker quotes per side.
    pub levels: usize,
    /// Cash each bot starts with (play money; large so bots rarely run dry).
    pub bot_balance: Money,
}

impl Default for ActivityConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            makers: 3,
            takers: 3,
            levels: 3,
            bot_balance: Money::from_units(1_000_000_000 * 1_000_000),
        }
    }
}

/// The bots and their view of each market.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Activity {
    rng: ChaCha8Rng,
    levels: usize,
    makers: Vec<UserId>,
    takers: Vec<UserId>,
    /// Fair value per market, in price units.
    fair: Vec<i64>,
    /// Resting quote ids per (maker index, market).
    #[serde(with = "crate::persist::pair_list")]
    quotes: HashMap<(usize, MarketId), Vec<OrderId>>,
    steps: u64,
    /// Per market: whether its opening ladder was placed (see [`Self::seed_new_books`]).
    /// Absent from files written before it existed: those markets count as seeded.
    #[serde(default)]
    seeded: Vec<bool>,
}

impl Activity {
    /// Registers the bots (`sim-maker-N`, `sim-taker-N`) and starts every market's fair
    /// value at the universe's.
    ///
    /// # Errors
    /// [`SimError::InvalidParameters`] for no makers, and registration errors (a bot key
    /// already registered).
    pub fn new(engine: &mut Engine, config: &ActivityConfig) -> Result<Self, SimError> {
        if config.makers == 0 || config.makers > MAX_BOTS || config.takers > MAX_BOTS {
            return Err(SimError::InvalidParameters(format!(
                "activity needs 1 to {MAX_BOTS} makers and at most {MAX_BOTS} takers"
            )));
        }
        let makers = (0..config.makers)
            .map(|i| engine.register_bot(&format!("sim-maker-{i}"), config.bot_balance))
            .collect::<Result<Vec<_>, _>>()?;
        let takers = (0..config.takers)
            .map(|i| engine.register_bot(&format!("sim-taker-{i}"), config.bot_balance))
            .collect::<Result<Vec<_>, _>>()?;
        let fair: Vec<i64> = engine
            .markets()
            .iter()
            .map(|m| m.spec().fair_value.units())
            .collect();
        Ok(Self {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            levels: config.levels.clamp(1, MAX_LEVELS),
            makers,
            takers,
            fair,
            quotes: HashMap::new(),
            steps: 0,
            seeded: vec![false; engine.markets().len()],
        })
    }

    /// Steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The bots' current fair value of a market.
    pub fn fair_value(&self, market: MarketId) -> Option<Price> {
        self.fair
            .get(market.index())
            .copied()
            .map(Price::from_units)
    }

    /// The bots' accounts (makers first, then takers).
    pub fn bots(&self) -> impl Iterator<Item = UserId> + '_ {
        self.makers.iter().chain(&self.takers).copied()
    }

    /// Gives a maker ladder to every trading market that never had one, so books are
    /// not empty: at the start, and later for markets that opened since or were listed
    /// by the roll-in. The bots' view grows to new markets first, so they quote them
    /// from now on.
    pub fn seed_books(&mut self, engine: &mut Engine, now_ms: i64) -> Vec<Event> {
        self.track_markets(engine);
        let mut events = Vec::new();
        for i in 0..engine.markets().len() {
            if self.seeded.get(i).copied().unwrap_or(true) {
                continue;
            }
            let Some(market) = engine.markets().get(i) else {
                continue;
            };
            match market.status(now_ms) {
                MarketStatus::Active => {}
                // Not open yet: seeded when it opens.
                MarketStatus::Initialized | MarketStatus::Inactive => continue,
                _ => {
                    self.seeded[i] = true;
                    continue;
                }
            }
            let id = market.id();
            let maker = i % self.makers.len();
            self.requote(engine, maker, id, now_ms, &mut events);
            self.seeded[i] = true;
        }
        events
    }

    /// Extends the bots' per-market view (fair values, seeded flags) to markets listed
    /// since it was last extended: new fair values start at the listing's.
    pub(crate) fn track_markets(&mut self, engine: &Engine) {
        let markets = engine.markets();
        if self.seeded.len() < self.fair.len() {
            // A file written before the flags existed: its markets count as seeded.
            self.seeded.resize(self.fair.len(), true);
        }
        for m in markets.iter().skip(self.fair.len()) {
            self.fair.push(m.spec().fair_value.units());
        }
        self.seeded.resize(markets.len(), false);
    }

    /// One bot action on one randomly chosen trading market.
    pub fn step(&mut self, engine: &mut Engine, now_ms: i64) -> Vec<Event> {
        self.steps += 1;
        self.track_markets(engine);
        let mut events = Vec::new();
        let count = engine.markets().len();
        if count == 0 {
            return events;
        }
        let mut chosen = None;
        for _ in 0..8 {
            let i = self.rng.gen_range(0..count);
            if engine
                .markets()
                .get(i)
                .is_some_and(|m| m.status(now_ms) == MarketStatus::Active)
            {
                chosen = engine.markets().get(i).map(|m| m.id());
                break;
            }
        }
        let Some(market) = chosen else {
            return events;
        };
        self.drift(engine, market);
        if self.takers.is_empty() || self.rng.gen_range(0..100) < 55 {
            let maker = self.rng.gen_range(0..self.makers.len());
            self.requote(engine, maker, market, now_ms, &mut events);
        } else {
            self.take(engine, market, now_ms, &mut events);
        }
        events
    }

    /// Random walk of the fair value, a tick or two at a time, kept off the edges.
    fn drift(&mut self, engine: &Engine, market: MarketId) {
        let Some(m) = engine.market_by_id(market) else {
            return;
        };
        let grid = &m.spec().grid;
        let Some(fair) = self.fair.get_mut(market.index()) else {
            return;
        };
        let tick = grid.tick_at(Price::from_units(*fair)).units().max(1);
        let step = self.rng.gen_range(-2..=2) * tick;
        // Pull gently back towards the middle so prices do not stick at the edges.
        let pull = if *fair > 9_000 {
            -tick
        } else if *fair < 1_000 {
            tick
        } else {
            0
        };
        let lo = grid.min_price().units() + 2 * tick;
        let hi = grid.max_price().units() - 2 * tick;
        let next = (*fair + step + pull).clamp(lo.min(hi), hi.max(lo));
        *fair = grid.snap_down(Price::from_units(next)).units();
    }

    fn requote(
        &mut self,
        engine: &mut Engine,
        maker: usize,
        market: MarketId,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) {
        let (Some(&user), Some(m)) = (self.makers.get(maker), engine.market_by_id(market)) else {
            return;
        };
        let ticker = m.ticker().to_string();
        let grid = m.spec().grid.clone();
        if let Some(old) = self.quotes.remove(&(maker, market)) {
            events.extend(engine.batch_cancel(user, &old, now_ms).events);
        }
        let fair = self.fair.get(market.index()).copied().unwrap_or(5_000);
        let tick = grid.tick_at(Price::from_units(fair)).units().max(1);
        let spread = self.rng.gen_range(1..=3);
        let mut reqs = Vec::with_capacity(self.levels * 2);
        for level in 0..self.levels as i64 {
            let offset = (spread + level) * tick;
            for (side, raw) in [
                (BookSide::Bid, fair - offset),
                (BookSide::Ask, fair + offset),
            ] {
                let price = match side {
                    BookSide::Bid => grid.snap_down(Price::from_units(raw)),
                    BookSide::Ask => grid.snap_up(Price::from_units(raw)),
                };
                if !grid.contains(price) {
                    continue;
                }
                let size = Count::from_units(self.rng.gen_range(500..=20_000));
                let mut req = OrderRequest::limit(&ticker, side, price, size);
                req.self_trade_prevention = SelfTradePrevention::Maker;
                reqs.push(req);
            }
        }
        let out = engine.batch_create(user, &reqs, now_ms);
        let resting: Vec<OrderId> = out
            .value
            .iter()
            .flatten()
            .filter(|o| o.order.is_resting())
            .map(|o| o.order.id)
            .collect();
        events.extend(out.events);
        if !resting.is_empty() {
            self.quotes.insert((maker, market), resting);
        }
    }

    fn take(
        &mut self,
        engine: &mut Engine,
        market: MarketId,
        now_ms: i64,
        events: &mut Vec<Event>,
    ) {
        let Some(m) = engine.market_by_id(market) else {
            return;
        };
        let taker = self.takers[self.rng.gen_range(0..self.takers.len())];
        let fair = self.fair.get(market.index()).copied().unwrap_or(5_000);
        let (bid, ask) = (m.best_bid(), m.best_ask());
        let mid = match (bid, ask) {
            (Some((b, _)), Some((a, _))) => (b.units() + a.units()) / 2,
            _ => fair,
        };
        let buy_bias = if fair > mid { 70 } else { 30 };
        let side = if self.rng.gen_range(0..100) < buy_bias {
            BookSide::Bid
        } else {
            BookSide::Ask
        };
        let grid = &m.spec().grid;
        let slip = self.rng.gen_range(0..=2);
        let price = match (side, ask, bid) {
            (BookSide::Bid, Some((a, _)), _) => {
                let tick = grid.tick_at(a).units();
                grid.snap_down(Price::from_units(a.units() + slip * tick))
            }
            (BookSide::Ask, _, Some((b, _))) => {
                let tick = grid.tick_at(b).units();
                grid.snap_up(Price::from_units(b.units() - slip * tick))
            }
            _ => return,
        };
        let size = Count::from_units(self.rng.gen_range(100..=5_000));
        let ticker = m.ticker().to_string();
        let req = OrderRequest::limit(&ticker, side, price, size)
            .with_tif(TimeInForce::ImmediateOrCancel);
        if let Ok(out) = engine.create_order(taker, &req, now_ms) {
            events.extend(out.events);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::EngineConfig;
    use crate::universe::{Universe, UniverseConfig};

    const START: i64 = 1_795_780_800_000;

    fn run(seed: u64, steps: u64) -> (Vec<Event>, Engine) {
        let universe = Universe::generate(&UniverseConfig {
            seed: 3,
            markets: 40,
            start_ms: START,
            open_all: false,
        })
        .unwrap();
        let mut engine = Engine::new(&universe, EngineConfig::default());
        let mut activity = Activity::new(
            &mut engine,
            &ActivityConfig {
                seed,
                ..ActivityConfig::default()
            },
        )
        .unwrap();
        let mut events = activity.seed_books(&mut engine, START);
        for i in 0..steps {
            let now = START + i as i64 * 50;
            events.extend(engine.advance(now));
            events.extend(activity.step(&mut engine, now));
        }
        assert_eq!(activity.steps(), steps);
        (events, engine)
    }

    #[test]
    fn same_seed_and_steps_give_the_same_events() {
        let (a, ea) = run(7, 600);
        let (b, eb) = run(7, 600);
        assert_eq!(a, b);
        for (ma, mb) in ea.markets().iter().zip(eb.markets()) {
            assert_eq!(ma.best_bid(), mb.best_bid());
            assert_eq!(ma.volume(), mb.volume());
        }
        let (c, _) = run(8, 600);
        assert_ne!(a, c, "another seed, another history");
    }

    #[test]
    fn books_move_and_trades_print() {
        let (events, engine) = run(1, 2_000);
        let trades = events
            .iter()
            .filter(|e| matches!(e, Event::Trade(_)))
            .count();
        let deltas = events
            .iter()
            .filter(|e| matches!(e, Event::BookDelta(_)))
            .count();
        let tickers = events
            .iter()
            .filter(|e| matches!(e, Event::Ticker(_)))
            .count();
        assert!(trades > 50, "only {trades} trades");
        assert!(deltas > 1_000, "only {deltas} book changes");
        assert!(tickers > 100, "only {tickers} ticker updates");
        let two_sided = engine
            .markets()
            .iter()
            .filter(|m| m.best_bid().is_some() && m.best_ask().is_some())
            .count();
        assert!(two_sided > 20, "only {two_sided} two-sided books");
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, Event::Fill(_) | Event::Order(_))),
            "bots produce no private events"
        );
        engine.audit().unwrap();
    }
}
