//! The simulator's error type and its mapping onto Kalshi's error codes and HTTP statuses.

use kalshi::model::{Money, Price};

/// Why the exchange refused a request.
///
/// Each variant maps onto one of the `code` strings Kalshi puts in its error body (see
/// [`SimError::code`]) and onto the HTTP status it answers with ([`SimError::http_status`]),
/// so the HTTP layer can render any engine refusal without a lookup table of its own.
/// Refusals never change exchange state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    /// A field is missing, malformed or inconsistent with another field.
    #[error("invalid parameters: {0}")]
    InvalidParameters(String),
    /// The order is well formed but not acceptable as it stands.
    #[error("invalid order: {0}")]
    InvalidOrder(String),
    /// The count is zero, negative, too large or otherwise unusable.
    #[error("invalid order size: {0}")]
    InvalidOrderSize(String),
    /// The price is outside (0, 1) or not on the market's tick grid.
    #[error("price {0} is not on the market's price grid")]
    PriceOffGrid(Price),
    /// A post-only order would have taken liquidity.
    #[error("post only cross")]
    PostOnlyCross,
    /// A reduce-only order was sent while there is no position in the opposite direction.
    #[error("reduce-only order would not reduce the position")]
    NothingToReduce,
    /// Cash not already reserved for other orders cannot cover this order's worst case.
    #[error("insufficient balance: the order needs {required} but {available} is available")]
    InsufficientBalance {
        /// What the order would reserve, fees included.
        required: Money,
        /// What the account has free.
        available: Money,
    },
    /// The user already used this client_order_id.
    #[error("an order with client_order_id {0:?} already exists")]
    OrderAlreadyExists(String),
    /// The market is past its close time; no order operation (not even cancel) is accepted.
    #[error("market {0} is closed")]
    MarketClosed(String),
    /// The market exists but is not trading (not yet open, or paused by the exchange).
    #[error("market {ticker} is not trading (status {status})")]
    MarketInactive {
        /// The market's ticker.
        ticker: String,
        /// Its status word.
        status: &'static str,
    },
    /// No market has this ticker.
    #[error("market {0} not found")]
    MarketNotFound(String),
    /// No order with this id belongs to the user.
    #[error("order {0} not found")]
    OrderNotFound(String),
    /// The user (API key) is unknown to the exchange.
    #[error("user not found")]
    UserNotFound,
    /// The order has already been filled or canceled and cannot be modified.
    #[error("order {0} is no longer resting")]
    OrderNotResting(String),
    /// The side given with an amend is not the order's side.
    #[error("side does not match the order")]
    OrderSideMismatch,
    /// The ticker given with an amend is not the order's market.
    #[error("ticker does not match the order")]
    OrderTickerMismatch,
    /// The client_order_id given with an amend is not the order's.
    #[error("order_id and client_order_id do not match")]
    OrderIdClientOrderIdMismatch,
    /// An account with this API key id already exists.
    #[error("api key {0:?} is already registered")]
    KeyAlreadyRegistered(String),
}

impl SimError {
    /// Kalshi's `code` string for this error, what clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidParameters(_) | Self::KeyAlreadyRegistered(_) => "invalid_parameters",
            Self::InvalidOrder(_)
            | Self::PriceOffGrid(_)
            | Self::PostOnlyCross
            | Self::NothingToReduce
            | Self::OrderNotResting(_) => "invalid_order",
            Self::InvalidOrderSize(_) => "invalid_order_size",
            Self::InsufficientBalance { .. } => "insufficient_balance",
            Self::OrderAlreadyExists(_) => "order_already_exists",
            Self::MarketClosed(_) => "market_closed",
            Self::MarketInactive { .. } => "market_inactive",
            Self::MarketNotFound(_) => "market_not_found",
            Self::OrderNotFound(_) | Self::UserNotFound => "not_found",
            Self::OrderSideMismatch => "order_side_mismatch",
            Self::OrderTickerMismatch => "order_ticker_mismatch",
            Self::OrderIdClientOrderIdMismatch => "order_id_and_client_order_id_mismatch",
        }
    }

    /// The HTTP status Kalshi answers this error with.
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MarketNotFound(_) | Self::OrderNotFound(_) | Self::UserNotFound => 404,
            Self::OrderAlreadyExists(_)
            | Self::MarketClosed(_)
            | Self::MarketInactive { .. }
            | Self::OrderNotResting(_)
            | Self::KeyAlreadyRegistered(_) => 409,
            _ => 400,
        }
    }

    /// The `details` string of Kalshi's error body, where Kalshi is known to send one
    /// (a post-only cross comes back as code `invalid_order` with details `post only cross`).
    pub fn details(&self) -> Option<&'static str> {
        match self {
            Self::PostOnlyCross => Some("post only cross"),
            Self::NothingToReduce => Some("reduce only"),
            Self::PriceOffGrid(_) => Some("price off tick grid"),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_statuses_follow_kalshi() {
        let cases: Vec<(SimError, &str, u16)> = vec![
            (
                SimError::InvalidParameters("x".into()),
                "invalid_parameters",
                400,
            ),
            (SimError::InvalidOrder("x".into()), "invalid_order", 400),
            (
                SimError::InvalidOrderSize("x".into()),
                "invalid_order_size",
                400,
            ),
            (
                SimError::PriceOffGrid(Price::from_units(5)),
                "invalid_order",
                400,
            ),
            (SimError::PostOnlyCross, "invalid_order", 400),
            (
                SimError::InsufficientBalance {
                    required: Money::from_units(2),
                    available: Money::ZERO,
                },
                "insufficient_balance",
                400,
            ),
            (
                SimError::OrderAlreadyExists("a".into()),
                "order_already_exists",
                409,
            ),
            (SimError::MarketClosed("M".into()), "market_closed", 409),
            (
                SimError::MarketNotFound("M".into()),
                "market_not_found",
                404,
            ),
            (SimError::OrderNotFound("o".into()), "not_found", 404),
            (SimError::OrderSideMismatch, "order_side_mismatch", 400),
            (SimError::OrderTickerMismatch, "order_ticker_mismatch", 400),
        ];
        for (err, code, status) in cases {
            assert_eq!(err.code(), code, "code of {err:?}");
            assert_eq!(err.http_status(), status, "status of {err:?}");
        }
        assert_eq!(SimError::PostOnlyCross.details(), Some("post only cross"));
    }

    #[test]
    fn messages_name_the_problem() {
        let e = SimError::InsufficientBalance {
            required: Money::from_units(5_600_000),
            available: Money::from_units(1_000_000),
        };
        assert_eq!(
            e.to_string(),
            "insufficient balance: the order needs 5.6000 but 1.0000 is available"
        );
    }
}
