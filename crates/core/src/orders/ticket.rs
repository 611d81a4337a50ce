//! [`OrderTicket`]: what the person asks for, in the V2 one-YES-book terms the exchange
//! takes, with constructors in buy/sell YES/NO terms so nobody converts NO prices by hand.

use kalshi::model::order::{BookSide, OutcomeSide, TimeInForce};
use kalshi::model::{Count, Price};
use time::OffsetDateTime;

/// A new order. Prices are YES prices: buying NO at `q` is an `ask` at `1 − q`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderTicket {
    /// Market ticker.
    pub ticker: String,
    /// `Bid` buys YES (or closes NO), `Ask` sells YES (or buys NO).
    pub side: BookSide,
    /// YES limit price.
    pub price: Price,
    /// Contracts.
    pub count: Count,
    /// How long it may rest.
    pub time_in_force: TimeInForce,
    /// Refuse to take liquidity.
    pub post_only: bool,
    /// Only reduce the current position.
    pub reduce_only: bool,
    /// Expiry of a good-till-cancelled order.
    pub expires_at: Option<OffsetDateTime>,
}

impl OrderTicket {
    /// A good-till-cancelled limit order on the YES book.
    pub fn limit(ticker: impl Into<String>, side: BookSide, price: Price, count: Count) -> Self {
        Self {
            ticker: ticker.into(),
            side,
            price,
            count,
            time_in_force: TimeInForce::GoodTillCanceled,
            post_only: false,
            reduce_only: false,
            expires_at: None,
        }
    }

    /// Buy `count` contracts of `outcome` at `price` (that outcome's own price). `None` if
    /// `price` is above 1.
    pub fn buy(
        ticker: impl Into<String>,
        outcome: OutcomeSide,
        price: Price,
        count: Count,
    ) -> Option<Self> {
        Some(match outcome {
            OutcomeSide::Yes => Self::limit(ticker, BookSide::Bid, price, count),
            OutcomeSide::No => Self::limit(ticker, BookSide::Ask, price.complement()?, count),
        })
    }

    /// Sell `count` contracts of `outcome` at `price` (that outcome's own price). `None` if
    /// `price` is above 1.
    pub fn sell(
        ticker: impl Into<String>,
        outcome: OutcomeSide,
        price: Price,
        count: Count,
    ) -> Option<Self> {
        Some(match outcome {
            OutcomeSide::Yes => Self::limit(ticker, BookSide::Ask, price, count),
            OutcomeSide::No => Self::limit(ticker, BookSide::Bid, price.complement()?, count),
        })
    }

    /// The same ticket with another time in force (e.g. immediate-or-cancel).
    pub fn with_time_in_force(mut self, time_in_force: TimeInForce) -> Self {
        self.time_in_force = time_in_force;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_orders_become_the_opposite_side_at_the_complement() {
        let p = Price::parse("0.30").unwrap();
        let t = OrderTicket::buy("M", OutcomeSide::No, p, Count::from_contracts(1)).unwrap();
        assert_eq!(t.side, BookSide::Ask, "buying NO is selling YES");
        assert_eq!(t.price, Price::parse("0.70").unwrap());
        let t = OrderTicket::sell("M", OutcomeSide::No, p, Count::from_contracts(1)).unwrap();
        assert_eq!(t.side, BookSide::Bid);
        assert_eq!(t.price, Price::parse("0.70").unwrap());
        let t = OrderTicket::buy("M", OutcomeSide::Yes, p, Count::from_contracts(1)).unwrap();
        assert_eq!((t.side, t.price), (BookSide::Bid, p));
    }
}
