//! `CoreError` (everything a core operation can fail with) and the one place that turns it
//! into the UI's [`AppError`] `{code, message, retryable}`.
//!
//! [`AppError`] and [`ErrorCode`] are defined once, in the `ipc` crate (the contract the
//! wasm UI compiles too), and re-exported here. Messages are written for a person and
//! never echo raw response bodies or key material.

use kalshi::auth::KeyError;
use kalshi::model::ws::WsError;
use kalshi::model::{Count, Money, Price};
use kalshi::rest::{AuthFailure, Error as RestError};
use kalshi::ws::{FeedConfigError, FeedError};
use money::text;
use store::StoreError;

pub use ipc::{AppError, ErrorCode};

use crate::credentials::CredentialError;
use crate::environment::DeskEnvironment;

/// Why an order was refused before anything was sent to the exchange.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OrderRejection {
    /// The price is not strictly between 0 and 1 dollar.
    #[error("price {price} is outside 0 < price < 1")]
    PriceOutOfRange {
        /// The price given.
        price: Price,
    },
    /// The price is not on the market's tick grid.
    #[error("price {price} is not on the market's price grid")]
    PriceOffGrid {
        /// The price given.
        price: Price,
        /// The nearest valid price below, if any.
        below: Option<Price>,
        /// The nearest valid price above, if any.
        above: Option<Price>,
    },
    /// The count is zero or negative.
    #[error("count {count} must be above zero")]
    CountNotPositive {
        /// The count given.
        count: Count,
    },
    /// The count is above the session's per-order limit.
    #[error("count {count} is above the per-order limit of {max}")]
    CountAboveMax {
        /// The count given.
        count: Count,
        /// The limit.
        max: Count,
    },
    /// The market is not open for trading.
    #[error("market {ticker} is not open ({status})")]
    MarketNotOpen {
        /// The market.
        ticker: String,
        /// Its status as the exchange reported it.
        status: String,
    },
    /// The exchange does not know the market.
    #[error("market {ticker} does not exist")]
    MarketNotFound {
        /// The market.
        ticker: String,
    },
    /// Cost plus worst-case fee is more than the available balance.
    #[error("the order needs {required} but only {available} is available")]
    InsufficientBalance {
        /// Worst-case cost including fees.
        required: Money,
        /// Available balance as last reported.
        available: Money,
    },
}

/// Everything a core operation can fail with. Never carries key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// An order on production before the person confirmed real-money trading.
    #[error("orders on production need an explicit confirmation")]
    ProductionNotConfirmed,
    /// The exchange cannot be reached; the session is read-only.
    #[error("the exchange is unreachable; working offline")]
    Offline,
    /// No API key is stored for the environment.
    #[error("no API key is set up for {0}")]
    NoCredentials(DeskEnvironment),
    /// The credential store failed.
    #[error(transparent)]
    Credentials(#[from] CredentialError),
    /// A stored or given key is not usable.
    #[error("the API key cannot be used: {0}")]
    InvalidKey(#[from] KeyError),
    /// The local database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The embedded simulator could not be started or set up.
    #[error("the simulator could not start: {0}")]
    Simulator(String),
    /// A REST call failed.
    #[error(transparent)]
    Exchange(#[from] RestError),
    /// A WebSocket command failed.
    #[error(transparent)]
    Feed(#[from] FeedError),
    /// The exchange refused the private channels (fills, orders, positions): nothing of
    /// the account arrives live until a later attempt succeeds.
    #[error("live account updates refused: {} (code {})", .0.msg, .0.code)]
    LiveUpdatesRefused(WsError),
    /// The feed configuration is invalid.
    #[error(transparent)]
    FeedConfig(#[from] FeedConfigError),
    /// An order failed validation.
    #[error(transparent)]
    Order(#[from] OrderRejection),
    /// An order id or client order id this session does not know.
    #[error("unknown order {0}")]
    UnknownOrder(String),
    /// A create failed in a way that may have placed the order (its answer was lost):
    /// it is held as unconfirmed and resolved by its `client_order_id` (see
    /// [`crate::OrderEvent::Unconfirmed`]); placing it again under a new id could double it.
    #[error("the exchange did not confirm order {client_order_id}: {source}")]
    Unconfirmed {
        /// The order's idempotency key (what `Session::retry_unconfirmed` takes).
        client_order_id: String,
        /// The failure that left the outcome unknown.
        #[source]
        source: RestError,
    },
    /// The session has been closed.
    #[error("the session is closed")]
    Closed,
    /// A configuration or argument that cannot work.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl CoreError {
    /// Whether the same action may succeed if repeated later (the UI's `retryable`; the
    /// background tasks decide on it whether to retry quietly or tell the person).
    pub fn is_retryable(&self) -> bool {
        describe(self).0.retryable()
    }
}

impl From<&CoreError> for AppError {
    fn from(err: &CoreError) -> Self {
        let (code, message) = describe(err);
        Self::new(code, message)
    }
}

impl From<CoreError> for AppError {
    fn from(err: CoreError) -> Self {
        Self::from(&err)
    }
}

/// The code and person-facing message of an error: the one mapping in the crate.
fn describe(err: &CoreError) -> (ErrorCode, String) {
    use ErrorCode as C;
    match err {
        CoreError::ProductionNotConfirmed => (
            C::ProductionNotConfirmed,
            "Orders on production use real money: confirm real-money trading first.".into(),
        ),
        CoreError::Offline => (
            C::Offline,
            "The exchange cannot be reached. History and the last portfolio are shown offline."
                .into(),
        ),
        CoreError::NoCredentials(env) => (
            C::NoCredentials,
            format!("No API key is set up for {env}. Add one in Settings."),
        ),
        CoreError::Credentials(CredentialError::Unavailable(_)) => (
            C::KeychainUnavailable,
            "No system keychain is available. You can use the key for this session only.".into(),
        ),
        CoreError::Credentials(CredentialError::Corrupt(env)) => (
            C::InvalidKey,
            format!("The stored API key for {env} is unreadable. Add it again."),
        ),
        CoreError::Credentials(e) => (
            C::CredentialStoreFailed,
            format!("The keychain failed ({e}). Unlock it and try again."),
        ),
        CoreError::InvalidKey(e) => (C::InvalidKey, format!("The API key cannot be used: {e}.")),
        CoreError::Store(e) => store_error(e),
        CoreError::Simulator(why) => (
            C::SimulatorUnavailable,
            format!("The simulator could not start: {why}."),
        ),
        CoreError::Exchange(e) => rest_error(e),
        CoreError::Feed(e) => (
            C::FeedFailed,
            format!("The live connection could not do that: {e}."),
        ),
        CoreError::LiveUpdatesRefused(e) => (
            C::FeedFailed,
            format!(
                "The exchange refused live fills and order updates ({}, code {}). Retrying; \
                 until then they are fetched over REST, with a delay.",
                e.msg, e.code
            ),
        ),
        CoreError::FeedConfig(e) => (
            C::InvalidRequest,
            format!("Invalid live-feed settings: {e}."),
        ),
        CoreError::Order(r) => rejection(r),
        CoreError::UnknownOrder(id) => (C::NotFound, format!("Order {id} is not known.")),
        CoreError::Unconfirmed { .. } => (
            C::OrderUnconfirmed,
            "The exchange's answer to the order was lost, so it may or may not be placed. \
             It is being checked; do not place it again."
                .into(),
        ),
        CoreError::Closed => (C::SessionClosed, "The session has been closed.".into()),
        CoreError::InvalidRequest(why) => (C::InvalidRequest, format!("Invalid request: {why}.")),
    }
}

fn store_error(e: &StoreError) -> (ErrorCode, String) {
    match e {
        StoreError::NewerSchema { .. } => (ErrorCode::DatabaseNewerVersion, format!("{e}.")),
        StoreError::NotADatabase { .. } | StoreError::Corrupt { .. } => {
            (ErrorCode::DatabaseUnreadable, format!("{e}."))
        }
        StoreError::InvalidCursor(_) | StoreError::InvalidQuery(_) => (
            ErrorCode::InvalidRequest,
            format!("Invalid history query: {e}."),
        ),
        _ => (
            ErrorCode::StorageFailed,
            format!("The local database failed: {e}."),
        ),
    }
}

/// Exchange error codes that mean "the market is not accepting this order now".
const MARKET_NOT_OPEN_CODES: [&str; 5] = [
    "market_closed",
    "market_not_open",
    "market_paused",
    "trading_is_paused",
    "exchange_unavailable",
];

/// The UI error of a REST failure (as [`CoreError::Exchange`] would give).
pub(crate) fn exchange_error(e: &RestError) -> AppError {
    let (code, message) = rest_error(e);
    AppError::new(code, message)
}

fn rest_error(e: &RestError) -> (ErrorCode, String) {
    use ErrorCode as C;
    match e {
        RestError::RateLimited { .. } => (
            C::RateLimited,
            "The exchange is rate-limiting requests. Try again in a moment.".into(),
        ),
        RestError::Transport(_) | RestError::Timeout => (
            C::ExchangeUnavailable,
            "The exchange did not answer. Check the connection and try again.".into(),
        ),
        RestError::Auth(AuthFailure::Signing(_)) => (
            C::InvalidKey,
            "The request could not be signed with the API key.".into(),
        ),
        RestError::Auth(_) => (
            C::AuthRejected,
            "The exchange refused the API key. Check that it belongs to this environment.".into(),
        ),
        RestError::NoCredentials { .. } => (
            C::NoCredentials,
            "This needs an API key, and none is set up.".into(),
        ),
        RestError::Decode { endpoint, .. } => (
            C::UnexpectedResponse,
            format!("The exchange's answer to {endpoint} could not be read."),
        ),
        RestError::TooManyPages { endpoint, .. } => (
            C::UnexpectedResponse,
            format!("The listing {endpoint} did not end; stopped."),
        ),
        RestError::InvalidRequest(why) => (C::InvalidRequest, format!("Invalid request: {why}.")),
        RestError::Api {
            status,
            code,
            message,
            ..
        } => {
            let said = if message.is_empty() {
                format!("HTTP {status}")
            } else {
                message.clone()
            };
            if *status >= 500 {
                (
                    C::ExchangeUnavailable,
                    format!("The exchange failed: {said}. Try again later."),
                )
            } else if code == "insufficient_balance" {
                (
                    C::InsufficientBalance,
                    format!("Not enough balance: {said}."),
                )
            } else if MARKET_NOT_OPEN_CODES.contains(&code.as_str()) {
                (C::MarketNotOpen, format!("The market is not open: {said}."))
            } else if *status == 404 {
                (C::NotFound, format!("Not found: {said}."))
            } else {
                (
                    C::ExchangeRejected,
                    format!("The exchange refused: {said}."),
                )
            }
        }
        _ => (C::Internal, format!("Unexpected exchange error: {e}.")),
    }
}

fn rejection(r: &OrderRejection) -> (ErrorCode, String) {
    use ErrorCode as C;
    let code = match r {
        OrderRejection::PriceOutOfRange { .. } => C::PriceOutOfRange,
        OrderRejection::PriceOffGrid { .. } => C::PriceOffGrid,
        OrderRejection::CountNotPositive { .. } => C::InvalidCount,
        OrderRejection::CountAboveMax { .. } => C::CountAboveMax,
        OrderRejection::MarketNotOpen { .. } => C::MarketNotOpen,
        OrderRejection::MarketNotFound { .. } => C::MarketNotFound,
        OrderRejection::InsufficientBalance { .. } => C::InsufficientBalance,
    };
    // The person reads prices in cents and money in dollars, as everywhere in the app (the
    // `Display` text above keeps the wire form for logs).
    let message = match r {
        OrderRejection::PriceOutOfRange { price } => format!(
            "Price {} is out of range: a limit price is above 0¢ and below 100¢.",
            text::cents(*price)
        ),
        OrderRejection::PriceOffGrid {
            price,
            below,
            above,
        } => {
            let near: Vec<String> = [below, above]
                .into_iter()
                .flatten()
                .map(|p| text::cents(*p))
                .collect();
            let price = text::cents(*price);
            if near.is_empty() {
                format!("Price {price} is not on this market's price grid.")
            } else {
                format!(
                    "Price {price} is not on this market's price grid (nearest: {}).",
                    near.join(" or ")
                )
            }
        }
        OrderRejection::CountNotPositive { count } => {
            format!("Count {} must be above zero.", text::count(*count))
        }
        OrderRejection::CountAboveMax { count, max } => format!(
            "Count {} is above the per-order limit of {}.",
            text::count(*count),
            text::count(*max)
        ),
        OrderRejection::MarketNotOpen { ticker, status } => {
            format!("Market {ticker} is not open ({status}).")
        }
        OrderRejection::MarketNotFound { ticker } => format!("Market {ticker} does not exist."),
        OrderRejection::InsufficientBalance {
            required,
            available,
        } => format!(
            "The order needs {} (cost and worst-case fee) but only {} is available.",
            text::dollars(*required),
            text::dollars(*available)
        ),
    };
    (code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_retryable_agrees_with_the_ui_error() {
        for e in [
            CoreError::Offline,
            CoreError::Closed,
            CoreError::Exchange(RestError::Timeout),
            CoreError::ProductionNotConfirmed,
        ] {
            assert_eq!(e.is_retryable(), AppError::from(&e).retryable, "{e:?}");
        }
        assert!(CoreError::Offline.is_retryable());
        assert!(!CoreError::Closed.is_retryable());
    }

    #[test]
    fn exchange_codes_map_to_specific_codes() {
        let api = |status: u16, code: &str| {
            AppError::from(CoreError::Exchange(RestError::Api {
                status,
                code: code.into(),
                message: "said so".into(),
                details: Some("RAW BODY".into()),
            }))
        };
        assert_eq!(
            api(400, "insufficient_balance").code,
            ErrorCode::InsufficientBalance
        );
        assert_eq!(api(409, "market_closed").code, ErrorCode::MarketNotOpen);
        assert_eq!(api(404, "not_found").code, ErrorCode::NotFound);
        assert_eq!(api(503, "").code, ErrorCode::ExchangeUnavailable);
        assert!(api(503, "").retryable);
        let other = api(400, "invalid_order");
        assert_eq!(other.code, ErrorCode::ExchangeRejected);
        assert!(
            !other.message.contains("RAW BODY"),
            "details (raw bodies) never reach the person: {}",
            other.message
        );
        let limited = AppError::from(CoreError::Exchange(RestError::RateLimited {
            retry_after: None,
        }));
        assert_eq!(limited.code, ErrorCode::RateLimited);
        assert!(limited.retryable);
    }

    #[test]
    fn rejections_read_as_sentences() {
        let e = AppError::from(CoreError::Order(OrderRejection::PriceOffGrid {
            price: Price::from_units(4_150),
            below: Some(Price::from_units(4_100)),
            above: Some(Price::from_units(4_200)),
        }));
        assert_eq!(e.code, ErrorCode::PriceOffGrid);
        assert_eq!(
            e.message,
            "Price 41.5¢ is not on this market's price grid (nearest: 41¢ or 42¢)."
        );
        let e = AppError::from(CoreError::Order(OrderRejection::CountNotPositive {
            count: Count::ZERO,
        }));
        assert_eq!(e.message, "Count 0 must be above zero.");
        let e = AppError::from(CoreError::Order(OrderRejection::PriceOutOfRange {
            price: Price::from_units(10_100),
        }));
        assert_eq!(
            e.message,
            "Price 101¢ is out of range: a limit price is above 0¢ and below 100¢."
        );
        let e = AppError::from(CoreError::Order(OrderRejection::CountAboveMax {
            count: Count::from_contracts(25_000),
            max: Count::from_contracts(10_000),
        }));
        assert_eq!(
            e.message,
            "Count 25,000 is above the per-order limit of 10,000."
        );
        let e = AppError::from(CoreError::Order(OrderRejection::InsufficientBalance {
            required: Money::from_units(12_345_000),
            available: Money::from_units(2_500_000),
        }));
        assert_eq!(e.code, ErrorCode::InsufficientBalance);
        assert_eq!(
            e.message,
            "The order needs $12.35 (cost and worst-case fee) but only $2.50 is available."
        );
        let e = AppError::from(CoreError::Order(OrderRejection::MarketNotOpen {
            ticker: "KX-1".into(),
            status: "closed".into(),
        }));
        assert_eq!(e.message, "Market KX-1 is not open (closed).");
    }
}
