//! Request extractors whose rejections are Kalshi-shaped 400s instead of axum's plain text:
//! JSON bodies ([`JsonBody`]), query strings ([`QueryParams`], [`query_pairs`]) and path
//! segments ([`PathParam`]).

use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// Largest request body accepted (a 10,000-order batch is well under this).
const MAX_BODY: usize = 8 << 20;

/// A JSON request body decoded with [`kalshi::model::from_slice`], so a bad field is
/// reported by its JSON path (`orders[2].count: invalid count "x"`).
///
/// The `Content-Type` header is not checked: Kalshi's clients always send JSON and a
/// missing header is not worth a refusal.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, ApiError> {
        let bytes = axum::body::to_bytes(req.into_body(), MAX_BODY)
            .await
            .map_err(|e| ApiError::invalid_parameters(format!("unreadable body: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(ApiError::invalid_parameters("a JSON body is required"));
        }
        kalshi::model::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::invalid_parameters(e.to_string()))
    }
}

/// A query string decoded into one of `kalshi::model`'s `*Params` structs.
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<S, T> FromRequestParts<S> for QueryParams<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Query::<T>::try_from_uri(&parts.uri)
            .map(|Query(v)| QueryParams(v))
            .map_err(|e| ApiError::invalid_parameters(e.body_text()))
    }
}

/// One path parameter (`{ticker}`, `{order_id}`).
#[derive(Debug, Clone)]
pub struct PathParam<T>(pub T);

impl<S, T> FromRequestParts<S> for PathParam<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(v)| PathParam(v))
            .map_err(|e| ApiError::invalid_parameters(e.body_text()))
    }
}

/// The decoded `(key, value)` pairs of a query string, for parameters serde's
/// url-encoding cannot express (repeated keys such as `tickers=A&tickers=B`).
pub fn query_pairs(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_kept_in_order() {
        let pairs = query_pairs(Some("tickers=A&tickers=B%2DC&depth=3"));
        assert_eq!(
            pairs,
            vec![
                ("tickers".to_owned(), "A".to_owned()),
                ("tickers".to_owned(), "B-C".to_owned()),
                ("depth".to_owned(), "3".to_owned()),
            ]
        );
        assert!(query_pairs(None).is_empty());
    }
}
