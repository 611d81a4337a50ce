//! The guard in front of `/_sim`: the admin routes can fault, settle, pause and re-key the
//! exchange, so a request must prove it comes from whoever started the simulator. Every
//! start makes a random token (printed by the binary, held by embedding code through
//! `SimHandle::admin_token`) that each admin request carries as `Authorization: Bearer
//! TOKEN`; and every admin write must be `application/json`, which a web page cannot send
//! cross-origin without a CORS preflight this server never grants, so a browser's plain
//! "simple" POST to a guessed port is refused even before the token is checked.

use std::fmt;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use rand::RngCore as _;

use super::error::ApiError;

/// Random bytes in a generated token (hex-encoded, so 64 characters).
const TOKEN_BYTES: usize = 32;
/// Shortest fixed token accepted.
pub const MIN_TOKEN_LEN: usize = 16;

/// The per-start admin secret. Its `Debug` form never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(Arc<str>);

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// Why a fixed token was refused.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("the admin token must be at least {MIN_TOKEN_LEN} characters of visible ASCII (no spaces)")]
pub struct AdminTokenError;

impl AdminToken {
    /// A fresh token from the operating system's RNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self(hex.into())
    }

    /// A token chosen by the caller (tools that must know it before the start).
    ///
    /// # Errors
    /// [`AdminTokenError`] if it is short or not header-safe.
    pub fn fixed(text: &str) -> Result<Self, AdminTokenError> {
        if text.len() < MIN_TOKEN_LEN || !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(AdminTokenError);
        }
        Ok(Self(text.into()))
    }

    /// The token itself, to hand to whoever may use the admin routes.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares in time independent of where the first difference is.
    fn matches(&self, presented: &[u8]) -> bool {
        let own = self.0.as_bytes();
        if own.len() != presented.len() {
            return false;
        }
        own.iter()
            .zip(presented)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

fn refusal(status: StatusCode, code: &'static str, message: &'static str) -> Response {
    ApiError::new(status, code, message).into_response()
}

/// Middleware of every `/_sim` route: the token first (401 without one, 403 for a wrong
/// one), then the content type of anything but a read (415 unless `application/json`).
pub(crate) async fn require_admin(
    State(token): State<AdminToken>,
    req: Request,
    next: Next,
) -> Response {
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.as_bytes().strip_prefix(b"Bearer "));
    match presented {
        None => {
            return refusal(
                StatusCode::UNAUTHORIZED,
                "admin_token_required",
                "admin routes need Authorization: Bearer <admin token>",
            );
        }
        Some(p) if !token.matches(p) => {
            tracing::debug!(path = %req.uri().path(), "refused an admin request with a wrong token");
            return refusal(
                StatusCode::FORBIDDEN,
                "admin_token_invalid",
                "wrong admin token",
            );
        }
        Some(_) => {}
    }
    let reads = [Method::GET, Method::HEAD];
    if !reads.contains(req.method()) && !is_json(&req) {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "admin writes must be sent as Content-Type: application/json",
        );
    }
    next.run(req).await
}

/// Whether the request says its body is JSON (`application/json`, any parameters).
fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_long_random_hex_and_never_printed_by_debug() {
        let (a, b) = (AdminToken::generate(), AdminToken::generate());
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), 2 * TOKEN_BYTES);
        assert!(a.expose().bytes().all(|c| c.is_ascii_hexdigit()));
        assert!(!format!("{a:?}").contains(a.expose()));
        assert!(a.matches(a.expose().as_bytes()));
        assert!(!a.matches(b.expose().as_bytes()));
        assert!(!a.matches(&a.expose().as_bytes()[1..]));
    }

    #[test]
    fn fixed_tokens_must_be_long_and_header_safe() {
        assert!(AdminToken::fixed("0123456789abcdef").is_ok());
        assert_eq!(AdminToken::fixed("short"), Err(AdminTokenError));
        assert_eq!(AdminToken::fixed("0123456789 abcdef"), Err(AdminTokenError));
    }
}
