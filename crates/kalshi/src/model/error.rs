//! REST error bodies: the flat `ErrorResponse` (per-item batch errors) and [`ApiErrorBody`],
//! which reads every shape a failed request's body arrives in.
//!
//! On the wire the object is usually wrapped, `{"error":{"code","message","details"}}`;
//! some captures show it flat, `{"code","message"}`; HTTP 429 sends
//! `{"error":"too many requests"}`. All three parse into one [`ApiErrorBody`]; serialising
//! writes the wrapped form (what the simulator must emit), or the string form for a body
//! that has only a message. Clients branch on `code`, never on the message.

use serde::de::{self, Deserializer};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// Kalshi's flat `ErrorResponse` object, as found in batch items and inside the wrapper.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// Stable machine-readable code, e.g. `market_closed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Human-readable message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Extra detail, e.g. `post only cross`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

/// The body of a failed REST request, whatever shape it came in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiErrorBody {
    /// Machine-readable code; `None` for the 429 string form.
    pub code: Option<String>,
    /// Human-readable message.
    pub message: Option<String>,
    /// Extra detail.
    pub details: Option<String>,
}

/// The message of Kalshi's 429 body.
const TOO_MANY_REQUESTS: &str = "too many requests";

impl ApiErrorBody {
    /// An error with a code and message (the simulator's usual reply).
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: Some(code.into()),
            message: Some(message.into()),
            details: None,
        }
    }

    /// Adds `details`.
    #[must_use]
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    /// The 429 body, `{"error":"too many requests"}`.
    pub fn too_many_requests() -> Self {
        Self {
            code: None,
            message: Some(TOO_MANY_REQUESTS.to_owned()),
            details: None,
        }
    }

    /// True for the 429 string body.
    pub fn is_rate_limited(&self) -> bool {
        self.code.is_none() && self.message.as_deref() == Some(TOO_MANY_REQUESTS)
    }
}

impl From<ErrorResponse> for ApiErrorBody {
    fn from(e: ErrorResponse) -> Self {
        Self {
            code: e.code,
            message: e.message,
            details: e.details,
        }
    }
}

impl From<ApiErrorBody> for ErrorResponse {
    fn from(e: ApiErrorBody) -> Self {
        Self {
            code: e.code,
            message: e.message,
            details: e.details,
        }
    }
}

/// The `error` member: the wrapped object or the 429 string.
#[derive(Deserialize)]
#[serde(untagged)]
enum ErrorMember {
    Object(ErrorResponse),
    Text(String),
}

/// Every key an error body may have, wrapped or flat.
#[derive(Deserialize)]
struct RawErrorBody {
    #[serde(default)]
    error: Option<ErrorMember>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<String>,
}

impl<'de> Deserialize<'de> for ApiErrorBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawErrorBody::deserialize(d)?;
        match raw.error {
            Some(ErrorMember::Object(e)) => Ok(e.into()),
            Some(ErrorMember::Text(text)) => Ok(Self {
                code: None,
                message: Some(text),
                details: None,
            }),
            None if raw.code.is_some() || raw.message.is_some() => Ok(Self {
                code: raw.code,
                message: raw.message,
                details: raw.details,
            }),
            None => Err(de::Error::custom(
                "not a Kalshi error body: expected an `error` member or a top-level `code`",
            )),
        }
    }
}

impl Serialize for ApiErrorBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(1))?;
        match (&self.code, &self.message, &self.details) {
            (None, Some(text), None) => map.serialize_entry("error", text)?,
            _ => map.serialize_entry("error", &ErrorResponse::from(self.clone()))?,
        }
        map.end()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::test_support::{assert_canonical, assert_round_trip, decode_err};

    #[test]
    fn wrapped_form_is_canonical() {
        let e: ApiErrorBody =
            assert_canonical(r#"{"error": {"code": "market_closed", "message": "market closed"}}"#);
        assert_eq!(e, ApiErrorBody::new("market_closed", "market closed"));
        let e: ApiErrorBody = assert_canonical(
            r#"{"error":{"code":"invalid order","message":"invalid order","details":"post only cross"}}"#,
        );
        assert_eq!(e.details.as_deref(), Some("post only cross"));
        assert!(!e.is_rate_limited());
    }

    #[test]
    fn legacy_service_field_is_ignored() {
        let e: ApiErrorBody = assert_round_trip(
            r#"{"error": {"code": "invalid_credentials", "message": "invalid credentials", "service": "auth"}}"#,
        );
        assert_eq!(e.code.as_deref(), Some("invalid_credentials"));
    }

    #[test]
    fn flat_form_parses_into_the_same_type() {
        let flat: ApiErrorBody =
            assert_round_trip(r#"{"code": "not_found", "message": "market not found"}"#);
        let wrapped: ApiErrorBody =
            assert_round_trip(r#"{"error":{"code": "not_found", "message": "market not found"}}"#);
        assert_eq!(flat, wrapped);
        assert_eq!(
            serde_json::to_string(&flat).unwrap(),
            r#"{"error":{"code":"not_found","message":"market not found"}}"#,
            "always written wrapped"
        );
    }

    #[test]
    fn rate_limit_string_form() {
        let e: ApiErrorBody = assert_canonical(r#"{"error":"too many requests"}"#);
        assert!(e.is_rate_limited());
        assert_eq!(e, ApiErrorBody::too_many_requests());
        assert_eq!(
            serde_json::to_string(&ApiErrorBody::too_many_requests()).unwrap(),
            r#"{"error":"too many requests"}"#
        );
    }

    #[test]
    fn anything_else_is_an_error() {
        for bad in [
            r#"{}"#,
            r#"{"status":"oops"}"#,
            r#"[1]"#,
            r#""Bad Gateway""#,
        ] {
            decode_err::<ApiErrorBody>(bad);
        }
    }

    #[test]
    fn flat_error_response_of_batch_items() {
        let e: ErrorResponse = assert_canonical(
            r#"{"code":"insufficient_balance","message":"insufficient balance","details":"need 5.60"}"#,
        );
        assert_eq!(
            ApiErrorBody::from(e.clone()).code.as_deref(),
            Some("insufficient_balance")
        );
        let e: ErrorResponse = assert_canonical("{}");
        assert_eq!(e, ErrorResponse::default());
    }
}
