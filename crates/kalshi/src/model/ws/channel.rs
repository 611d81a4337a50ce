//! The WebSocket channel names a client can subscribe to.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A WebSocket channel. Unknown names are decode errors: Kalshi answers a subscribe to a
/// removed channel with error 8, so a name we do not know is a bug, not data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Order book snapshots and deltas (needs market tickers).
    OrderbookDelta,
    /// Top of book, last price, volume and open interest per market.
    Ticker,
    /// Public trades.
    Trade,
    /// The user's own executions.
    Fill,
    /// The user's positions per market.
    MarketPositions,
    /// Market and event lifecycle (creation, pauses, determination, settlement, fee changes).
    MarketLifecycleV2,
    /// Lifecycle of multivariate (combo) markets.
    MultivariateMarketLifecycle,
    /// RFQ and quote traffic (institutional).
    Communications,
    /// Order group triggers and limit changes.
    OrderGroupUpdates,
    /// The user's order lifecycle.
    UserOrders,
    /// CF Benchmarks index values.
    CfbenchmarksValue,
    /// Pyth price feed values.
    PythValue,
}

impl Channel {
    /// Every channel, in a stable order (useful for tests and menus).
    pub const ALL: [Channel; 12] = [
        Channel::OrderbookDelta,
        Channel::Ticker,
        Channel::Trade,
        Channel::Fill,
        Channel::MarketPositions,
        Channel::MarketLifecycleV2,
        Channel::MultivariateMarketLifecycle,
        Channel::Communications,
        Channel::OrderGroupUpdates,
        Channel::UserOrders,
        Channel::CfbenchmarksValue,
        Channel::PythValue,
    ];

    /// The wire name, e.g. `orderbook_delta`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::OrderbookDelta => "orderbook_delta",
            Channel::Ticker => "ticker",
            Channel::Trade => "trade",
            Channel::Fill => "fill",
            Channel::MarketPositions => "market_positions",
            Channel::MarketLifecycleV2 => "market_lifecycle_v2",
            Channel::MultivariateMarketLifecycle => "multivariate_market_lifecycle",
            Channel::Communications => "communications",
            Channel::OrderGroupUpdates => "order_group_updates",
            Channel::UserOrders => "user_orders",
            Channel::CfbenchmarksValue => "cfbenchmarks_value",
            Channel::PythValue => "pyth_value",
        }
    }

    /// True for channels whose messages carry a per-sid `seq` that must be contiguous
    /// (a gap there means local state built from them is wrong).
    pub const fn is_sequenced(self) -> bool {
        matches!(
            self,
            Channel::OrderbookDelta
                | Channel::OrderGroupUpdates
                | Channel::CfbenchmarksValue
                | Channel::PythValue
        )
    }

    /// True for the account's own channels, which need an API key allowed to read the
    /// portfolio (a read-only or market-data key is refused).
    pub const fn is_private(self) -> bool {
        matches!(
            self,
            Channel::Fill
                | Channel::MarketPositions
                | Channel::UserOrders
                | Channel::OrderGroupUpdates
        )
    }

    /// True when a subscribe must name markets (Kalshi answers error 14 otherwise).
    pub const fn requires_markets(self) -> bool {
        matches!(self, Channel::OrderbookDelta)
    }

    /// True when the channel accepts a market filter at all; the lifecycle, communications
    /// and order-group channels ignore one, so a client should not send it.
    pub const fn accepts_markets(self) -> bool {
        matches!(
            self,
            Channel::OrderbookDelta
                | Channel::Ticker
                | Channel::Trade
                | Channel::Fill
                | Channel::MarketPositions
                | Channel::UserOrders
        )
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_serde_and_as_str() {
        for c in Channel::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()), "serde name of {c:?}");
            let back: Channel = serde_json::from_str(&json).unwrap();
            assert_eq!(back, c);
        }
        assert_eq!(Channel::MarketLifecycleV2.as_str(), "market_lifecycle_v2");
    }

    #[test]
    fn unknown_channel_names_are_errors() {
        for bad in [
            "\"multivariate\"",
            "\"ticker_v2\"",
            "\"market_lifecycle\"",
            "\"\"",
        ] {
            assert!(
                serde_json::from_str::<Channel>(bad).is_err(),
                "a removed or unknown channel {bad} must not decode"
            );
        }
    }
}
