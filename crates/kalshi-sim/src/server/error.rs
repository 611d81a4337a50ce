//! The HTTP layer's one error type and how it renders: Kalshi's wrapped error body
//! `{"error":{"code","message","details"}}` with Kalshi's statuses, and the special 429 body.

use std::borrow::Cow;

use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt as _;
use kalshi::model::error::{ApiErrorBody, ErrorResponse};

use crate::SimError;

/// A refused request, rendered the way Kalshi renders it.
///
/// Every handler and middleware returns this, so no route can leak axum's plain-text
/// rejections or an empty 500: the body is always JSON a Kalshi client can parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Kalshi's `code` string (what clients branch on).
    pub code: Cow<'static, str>,
    /// Human-readable message.
    pub message: String,
    /// Extra detail (which field, which rule), when there is any.
    pub details: Option<String>,
}

impl ApiError {
    /// An error with an explicit status and code.
    pub fn new(
        status: StatusCode,
        code: impl Into<Cow<'static, str>>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            details: None,
        }
    }

    /// Adds the `details` string.
    #[must_use]
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    /// 400 `invalid_parameters`: a missing, malformed or inconsistent request field.
    pub fn invalid_parameters(details: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_parameters",
            "invalid parameters",
        )
        .with_details(details)
    }

    /// 404 `not_found`: no such resource (order, event, series, route).
    pub fn not_found(details: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", "not found").with_details(details)
    }

    /// 404 `market_not_found`.
    pub fn market_not_found(ticker: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "market_not_found",
            "market not found",
        )
        .with_details(format!("no market with ticker {ticker:?}"))
    }

    /// 401 `invalid_credentials` (the code Kalshi was seen sending), with what was wrong in
    /// `details` so a developer can fix the signer.
    pub fn unauthorized(details: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
            "invalid credentials",
        )
        .with_details(details)
    }

    /// 410 for the retired V1 order mutations under `/portfolio/orders`.
    pub fn deprecated_v1() -> Self {
        Self::new(
            StatusCode::GONE,
            "deprecated_v1_order_endpoint",
            "This endpoint has been deprecated. Please switch to the V2 endpoints under /portfolio/events/orders",
        )
    }

    /// 405 for a known path with the wrong method.
    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "method not allowed",
        )
    }

    /// 503 while the exchange is paused for maintenance: nothing that changes state is
    /// accepted (kalshi-api.md §1, "exchange pause").
    pub fn exchange_paused() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "exchange_unavailable",
            "the exchange is paused for maintenance",
        )
    }

    /// 503 injected by the fault plan.
    pub fn service_unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "service unavailable",
        )
    }

    /// 500 injected by the fault plan (or a broken invariant).
    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_server_error",
            "internal server error",
        )
    }

    /// 429: rendered with Kalshi's special body `{"error":"too many requests"}`.
    pub fn too_many_requests() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_requests",
            "too many requests",
        )
    }

    /// The flat error object (`code`, `message`, `details`) as batch items carry it.
    pub fn to_flat(&self) -> ErrorResponse {
        ErrorResponse {
            code: Some(self.code.to_string()),
            message: Some(self.message.clone()),
            details: self.details.clone(),
        }
    }

    /// The full response body: wrapped, or Kalshi's bare string for a 429.
    pub fn to_body(&self) -> ApiErrorBody {
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            return ApiErrorBody::too_many_requests();
        }
        ApiErrorBody::from(self.to_flat())
    }
}

impl From<SimError> for ApiError {
    fn from(e: SimError) -> Self {
        let status =
            StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let details = e.details().map_or_else(|| e.to_string(), str::to_owned);
        Self::new(status, e.code(), e.to_string()).with_details(details)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.to_body())).into_response()
    }
}

/// What every handler returns.
pub type ApiResult<T> = Result<T, ApiError>;

/// Outermost middleware: a handler that panics (a bug) answers a Kalshi-shaped 500 instead
/// of dropping the connection. State locks recover from the poison such a panic leaves.
pub(crate) async fn catch_panic(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    match std::panic::AssertUnwindSafe(next.run(req))
        .catch_unwind()
        .await
    {
        Ok(resp) => resp,
        Err(_) => {
            tracing::error!(%path, "handler panicked");
            ApiError::internal().into_response()
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    async fn render(e: ApiError) -> (StatusCode, serde_json::Value) {
        let resp = e.into_response();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        (status, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn errors_render_wrapped() {
        let (status, body) = render(ApiError::invalid_parameters("count: missing")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            serde_json::json!({"error": {"code": "invalid_parameters",
                "message": "invalid parameters", "details": "count: missing"}})
        );
    }

    #[tokio::test]
    async fn rate_limit_renders_the_bare_string_body() {
        let (status, body) = render(ApiError::too_many_requests()).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(body, serde_json::json!({"error": "too many requests"}));
    }

    #[tokio::test]
    async fn engine_refusals_keep_code_and_status() {
        let (status, body) = render(SimError::OrderAlreadyExists("c1".into()).into()).await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(body["error"]["code"], "order_already_exists");
        let (status, body) = render(SimError::PostOnlyCross.into()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["error"]["details"], "post only cross");
    }
}
