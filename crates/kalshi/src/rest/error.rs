//! The REST client's error type, the mapping from HTTP status and body to it, and the
//! predicates callers use to decide whether to retry, back off or re-authenticate.
//!
//! Nothing in here ever holds key material or request headers: errors end up in logs and
//! in messages shown to a person.

use std::time::Duration;

use crate::auth::AuthError;
use crate::model::DecodeError;
use crate::model::error::ApiErrorBody;

/// How many bytes of a response body an error keeps for diagnosis.
const EXCERPT_BYTES: usize = 256;

/// Why a REST call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The exchange answered with an error status (other than 401/403/429).
    #[error("the exchange rejected the request (HTTP {status}, code {code:?}): {message}")]
    Api {
        /// HTTP status code.
        status: u16,
        /// Kalshi's machine-readable code (e.g. `market_closed`); empty if the body had none.
        code: String,
        /// Kalshi's message, or the HTTP reason phrase when the body was not JSON.
        message: String,
        /// Extra detail (`details` field, or a body excerpt for non-JSON bodies).
        details: Option<String>,
    },
    /// HTTP 429 and retries (if allowed) did not get through.
    #[error("rate limited by the exchange{}", retry_after_text(*.retry_after))]
    RateLimited {
        /// The server's `Retry-After`, if it sent one.
        retry_after: Option<Duration>,
    },
    /// Authentication failed: rejected by the exchange (401/403) or signing failed locally.
    #[error(transparent)]
    Auth(#[from] AuthFailure),
    /// A success response whose body did not match the expected wire type.
    #[error("could not decode the response of {endpoint}: {source}")]
    Decode {
        /// `METHOD /path` of the call (without query).
        endpoint: String,
        /// The JSON path and reason.
        source: DecodeError,
        /// The start of the body, for diagnosis.
        body_excerpt: String,
    },
    /// The request never got an HTTP answer (DNS, connect, TLS, reset, …).
    #[error("network error: {0}")]
    Transport(#[source] reqwest::Error),
    /// No complete answer within the client's request timeout.
    #[error("the request timed out")]
    Timeout,
    /// A signed endpoint was called on a client without credentials; nothing was sent.
    #[error("{endpoint} needs API credentials, but the client has none")]
    NoCredentials {
        /// `METHOD /path` of the call.
        endpoint: String,
    },
    /// A cursor listing did not end within the page limit (a server loop, or a far
    /// larger listing than a desktop client should pull in one go).
    #[error("{endpoint} returned more than {max_pages} pages; stopped")]
    TooManyPages {
        /// `METHOD /path` of the listing.
        endpoint: String,
        /// The limit that was hit.
        max_pages: usize,
    },
    /// The request could not be built from the arguments (e.g. an empty path segment).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

/// The authentication half of [`Error::Auth`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthFailure {
    /// The exchange refused the credentials or their scope (401 or 403).
    #[error("the exchange refused the credentials (HTTP {status}, code {code:?}): {message}")]
    Rejected {
        /// 401 (bad/missing signature, wrong environment's key) or 403 (scope/tier).
        status: u16,
        /// Kalshi's code, if any.
        code: String,
        /// Kalshi's message, if any.
        message: String,
    },
    /// Signing failed locally; nothing was sent.
    #[error(transparent)]
    Signing(#[from] AuthError),
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Self::Auth(AuthFailure::Signing(e))
    }
}

fn retry_after_text(d: Option<Duration>) -> String {
    match d {
        Some(d) => format!(" (retry after {} s)", d.as_secs_f32()),
        None => String::new(),
    }
}

impl Error {
    /// Whether the same call may succeed if repeated later: transport failures, timeouts,
    /// 429 and 5xx. (Whether it is *safe* to repeat a write is a separate question: only
    /// creates with a `client_order_id` are.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport(_) | Self::Timeout | Self::RateLimited { .. } => true,
            Self::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether a write that failed this way may nevertheless have been carried out: the
    /// request may have reached the exchange and only the answer was lost (a timeout, a
    /// connection that broke after sending, a 5xx from a gateway, a success answer we
    /// could not read). A 429, any other 4xx, a connection never established, or a
    /// request never sent are definite: the exchange did not act on it. An order create
    /// failing this way must be looked up (by `client_order_id`) before it is called
    /// rejected or sent again under another id.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Self::Timeout | Self::Decode { .. } => true,
            Self::Transport(e) => !e.is_connect() && !e.is_builder(),
            Self::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }

    /// Whether the exchange rate-limited the call.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::RateLimited { .. })
    }

    /// Whether the failure is about credentials (rejected, signing failed, or missing).
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Auth(_) | Self::NoCredentials { .. })
    }

    /// The HTTP status, for errors that came with one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. } => Some(*status),
            Self::Auth(AuthFailure::Rejected { status, .. }) => Some(*status),
            Self::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Kalshi's error code (`market_closed`, `order_already_exists`, …), if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } | Self::Auth(AuthFailure::Rejected { code, .. })
                if !code.is_empty() =>
            {
                Some(code)
            }
            _ => None,
        }
    }

    /// Maps a non-success HTTP answer to an error.
    pub(crate) fn from_response(status: u16, body: &[u8], retry_after: Option<Duration>) -> Self {
        if status == 429 {
            return Self::RateLimited { retry_after };
        }
        let parsed = parse_error_body(body);
        if status == 401 || status == 403 {
            let (code, message) = match parsed {
                Some((code, message, _)) => (code, message),
                None => (String::new(), reason(status).to_owned()),
            };
            return Self::Auth(AuthFailure::Rejected {
                status,
                code,
                message,
            });
        }
        match parsed {
            Some((code, message, details)) => Self::Api {
                status,
                code,
                message,
                details,
            },
            None => {
                let excerpt = excerpt(body);
                Self::Api {
                    status,
                    code: String::new(),
                    message: reason(status).to_owned(),
                    details: (!excerpt.is_empty()).then_some(excerpt),
                }
            }
        }
    }

    /// Maps a reqwest failure: timeouts become [`Error::Timeout`].
    pub(crate) fn from_reqwest(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else {
            Self::Transport(e.without_url())
        }
    }
}

/// Kalshi's error body (wrapped, flat, or the 429 string form) as `(code, message,
/// details)`, empty strings for absent parts; `None` if the body is not a Kalshi error.
fn parse_error_body(body: &[u8]) -> Option<(String, String, Option<String>)> {
    let b: ApiErrorBody = serde_json::from_slice(body).ok()?;
    Some((
        b.code.unwrap_or_default(),
        b.message.unwrap_or_default(),
        b.details.filter(|d| !d.is_empty()),
    ))
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unexpected status")
}

/// The first [`EXCERPT_BYTES`] of a body as text (lossy, cut on a char boundary).
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(EXCERPT_BYTES)];
    let text = String::from_utf8_lossy(cut);
    let mut s = text.trim().to_owned();
    if body.len() > EXCERPT_BYTES {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_and_flat_bodies_give_code_and_message() {
        let wrapped =
            br#"{"error":{"code":"market_closed","message":"market closed","details":"d1"}}"#;
        let flat = br#"{"code":"invalid_order","message":"post only cross","details":""}"#;
        match Error::from_response(409, wrapped, None) {
            Error::Api {
                status,
                code,
                message,
                details,
            } => {
                assert_eq!(
                    (status, code.as_str(), message.as_str()),
                    (409, "market_closed", "market closed")
                );
                assert_eq!(details.as_deref(), Some("d1"));
            }
            other => panic!("wrapped body -> Api, got {other:?}"),
        }
        match Error::from_response(400, flat, None) {
            Error::Api {
                code,
                message,
                details,
                ..
            } => {
                assert_eq!(
                    (code.as_str(), message.as_str()),
                    ("invalid_order", "post only cross")
                );
                assert_eq!(details, None, "empty details read as none");
            }
            other => panic!("flat body -> Api, got {other:?}"),
        }
    }

    #[test]
    fn outcome_unknown_only_where_the_exchange_may_have_acted() {
        assert!(Error::Timeout.outcome_unknown());
        assert!(Error::from_response(503, b"", None).outcome_unknown());
        assert!(Error::from_response(500, b"{}", None).outcome_unknown());
        let decode = Error::Decode {
            endpoint: "POST /x".into(),
            source: DecodeError {
                path: ".".into(),
                message: "expected a value".into(),
            },
            body_excerpt: "x".into(),
        };
        assert!(decode.outcome_unknown(), "a success we could not read");
        for definite in [
            Error::from_response(429, b"", None),
            Error::from_response(400, br#"{"code":"invalid_order","message":"m"}"#, None),
            Error::from_response(409, br#"{"code":"market_closed","message":"m"}"#, None),
            Error::from_response(401, b"", None),
            Error::NoCredentials {
                endpoint: "POST /x".into(),
            },
            Error::InvalidRequest("x".into()),
        ] {
            assert!(!definite.outcome_unknown(), "{definite:?}");
        }
    }

    #[test]
    fn status_classes() {
        let e = Error::from_response(
            429,
            br#"{"error":"too many requests"}"#,
            Some(Duration::from_secs(2)),
        );
        assert!(e.is_rate_limited() && e.is_retryable());
        assert_eq!(
            e.to_string(),
            "rate limited by the exchange (retry after 2 s)"
        );

        let e = Error::from_response(
            401,
            br#"{"error":{"code":"invalid_credentials","message":"bad sig"}}"#,
            None,
        );
        assert!(e.is_auth() && !e.is_retryable());
        assert_eq!(e.code(), Some("invalid_credentials"));
        assert!(
            Error::from_response(403, b"", None).is_auth(),
            "403 is auth too"
        );

        let e = Error::from_response(502, b"<html>Bad Gateway</html>", None);
        assert!(e.is_retryable(), "5xx is retryable");
        match &e {
            Error::Api {
                message,
                details,
                code,
                ..
            } => {
                assert_eq!(message, "Bad Gateway");
                assert_eq!(code, "");
                assert_eq!(details.as_deref(), Some("<html>Bad Gateway</html>"));
            }
            other => panic!("{other:?}"),
        }
        assert!(
            !Error::from_response(400, b"{}", None).is_retryable(),
            "4xx is not retryable"
        );
        assert!(Error::Timeout.is_retryable());
        assert!(
            Error::NoCredentials {
                endpoint: "GET /x".into()
            }
            .is_auth()
        );
        assert!(Error::from(AuthError::Signing).is_auth());
    }

    #[test]
    fn excerpt_is_bounded() {
        let long = vec![b'a'; 1000];
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_BYTES + 1);
        assert_eq!(excerpt(b"  short "), "short");
    }
}
