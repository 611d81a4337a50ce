//! What the per-connection logic reads from the rest of the server, as two small traits so
//! that logic can be tested without a server: [`Exchange`] (market lookups and snapshots,
//! read under the engine lock) and [`Hooks`] (the seq-skip fault and order groups).

use crate::engine::{BookView, Engine, Ticker};
use crate::ids::OrderId;
use crate::server::state::SimState;

/// Market data a command may need: whether a ticker exists, its book and its ticker line.
pub trait Exchange {
    /// Whether a market with this ticker is listed.
    fn has_market(&self, ticker: &str) -> bool;
    /// The whole book of a market (`None` if it is not listed).
    fn book(&self, ticker: &str) -> Option<BookView>;
    /// The market's ticker line now (`None` if it is not listed).
    fn ticker(&self, ticker: &str) -> Option<Ticker>;
}

/// Server state the fan-out consults per message.
pub trait Hooks {
    /// The fault plan's "skip a seq here" (called once per sequenced message).
    fn take_seq_skip(&self) -> bool;
    /// The order group an order belongs to, for `user_order.order_group_id`.
    fn order_group(&self, order: OrderId) -> Option<String>;
    /// The fault plan's "refuse private channels" (checked on every subscribe).
    fn refuses_private(&self) -> bool;
    /// The fault plan's "refuse this market" (checked for every ticker of a subscribe).
    fn refuses_market(&self, ticker: &str) -> bool;
}

/// The engine at one instant (inside a `read` / `subscribe_with` closure).
#[derive(Debug, Clone, Copy)]
pub struct EngineView<'a> {
    /// The engine, locked by the caller.
    pub engine: &'a Engine,
    /// Sim time of the lock.
    pub now_ms: i64,
}

impl Exchange for EngineView<'_> {
    fn has_market(&self, ticker: &str) -> bool {
        self.engine.market_id(ticker).is_ok()
    }

    fn book(&self, ticker: &str) -> Option<BookView> {
        self.engine.orderbook(ticker, 0).ok()
    }

    fn ticker(&self, ticker: &str) -> Option<Ticker> {
        self.engine
            .market(ticker)
            .ok()
            .map(|m| m.ticker_snapshot(self.now_ms))
    }
}

/// Lock order: [`SimState::groups`] is taken alone or inside an engine closure (engine
/// first), which is how the connection calls these.
impl Hooks for SimState {
    fn take_seq_skip(&self) -> bool {
        self.faults.take_seq_skip()
    }

    fn order_group(&self, order: OrderId) -> Option<String> {
        self.groups().group_of(order).map(str::to_owned)
    }

    fn refuses_private(&self) -> bool {
        self.faults.private_subscribe_refused()
    }

    fn refuses_market(&self, ticker: &str) -> bool {
        self.faults.market_refused(ticker)
    }
}
