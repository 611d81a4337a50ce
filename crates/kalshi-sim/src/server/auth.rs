//! Request authentication: the middleware that checks `KALSHI-ACCESS-KEY`,
//! `-TIMESTAMP` and `-SIGNATURE` against the registered public keys, and the
//! [`Caller`] it hands to handlers.

use axum::extract::{OriginalUri, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kalshi::auth::{HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP};

use super::error::ApiError;
use super::state::{SharedState, SimState};
use crate::ids::UserId;

/// The authenticated caller of a request, put in the request's extensions by
/// `require_auth`; handlers take it as `Extension<Caller>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The API key id that signed the request.
    pub key_id: String,
    /// The account that key belongs to.
    pub user: UserId,
}

/// Middleware for authenticated routes: verifies the three `KALSHI-ACCESS-*` headers and
/// inserts the [`Caller`]; anything wrong is a 401 with Kalshi's wrapped body.
pub(crate) async fn require_auth(
    State(state): State<SharedState>,
    mut req: Request,
    next: Next,
) -> Response {
    match admit(&state, &mut req) {
        Ok(()) => next.run(req).await,
        Err((path, e)) => {
            tracing::debug!(%path, details = ?e.details, "refused authentication");
            e.into_response()
        }
    }
}

/// Middleware for public routes: accepts requests with or without credentials (Kalshi's
/// public market data), but a request that carries credentials must carry valid ones.
pub(crate) async fn optional_auth(
    State(state): State<SharedState>,
    mut req: Request,
    next: Next,
) -> Response {
    if !req.headers().contains_key(HEADER_KEY) {
        return next.run(req).await;
    }
    match admit(&state, &mut req) {
        Ok(()) => next.run(req).await,
        Err((_, e)) => e.into_response(),
    }
}

/// Authenticates `req` by its full path and puts the [`Caller`] in its extensions; a
/// refusal comes with the path that was checked.
fn admit(state: &SimState, req: &mut Request) -> Result<(), (String, ApiError)> {
    // Nested routers see the path without their prefix; the signature covers the full one.
    let path = req
        .extensions()
        .get::<OriginalUri>()
        .map_or_else(|| req.uri().path().to_owned(), |u| u.path().to_owned());
    match authenticate(state, req.headers(), req.method().as_str(), &path) {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            Ok(())
        }
        Err(e) => Err((path, e)),
    }
}

/// Checks a request's credentials: the same rules for REST and the WS upgrade.
///
/// `path` is the full request path (with `/trade-api/v2` or `/trade-api/ws/v2`); any
/// query string is ignored, as Kalshi's signing rules say.
///
/// # Errors
/// A 401 [`ApiError`] whose `details` says which check failed; it never echoes the
/// signature.
pub fn authenticate(
    state: &SimState,
    headers: &HeaderMap,
    method: &str,
    path: &str,
) -> Result<Caller, ApiError> {
    let header = |name: &'static str| -> Result<&str, ApiError> {
        let value = headers
            .get(name)
            .ok_or_else(|| ApiError::unauthorized(format!("missing {name} header")))?;
        value
            .to_str()
            .map_err(|_| ApiError::unauthorized(format!("{name} is not valid text")))
    };
    let key_id = header(HEADER_KEY)?;
    let timestamp = header(HEADER_TIMESTAMP)?;
    let signature = header(HEADER_SIGNATURE)?;

    let ts_ms: u64 = timestamp
        .parse()
        .ok()
        .filter(|_| timestamp.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            ApiError::unauthorized(format!(
                "{HEADER_TIMESTAMP} must be Unix time in milliseconds"
            ))
        })?;
    let now = state.clock.wall_ms();
    let window = state.settings.auth_window_ms;
    if now.abs_diff(ts_ms) > window {
        return Err(ApiError::unauthorized(format!(
            "{HEADER_TIMESTAMP} is outside the allowed window of {window} ms"
        )));
    }
    let key = state
        .key(key_id)
        .ok_or_else(|| ApiError::unauthorized("unknown API key"))?;
    key.verifier
        .verify(timestamp, method, path, signature)
        .map_err(|e| ApiError::unauthorized(format!("signature rejected: {e}")))?;
    Ok(Caller {
        key_id: key_id.to_owned(),
        user: key.user,
    })
}
