//! API credentials and the three `KALSHI-ACCESS-*` headers: what is signed and how.

use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::key::KeyError;
use super::secret::REDACTED;
use super::signer::{AuthError, RsaPssSigner, Signer};

/// Header carrying the API key id.
pub const HEADER_KEY: &str = "KALSHI-ACCESS-KEY";
/// Header carrying the request time in Unix milliseconds (seconds are rejected with 401).
pub const HEADER_TIMESTAMP: &str = "KALSHI-ACCESS-TIMESTAMP";
/// Header carrying the base64 (standard alphabet, padded) RSA-PSS signature.
pub const HEADER_SIGNATURE: &str = "KALSHI-ACCESS-SIGNATURE";

/// Builds the pre-sign string `timestamp_ms + METHOD + path`.
///
/// `path` is the full URL path from the host root, including the `/trade-api/v2` prefix.
/// Anything from `?` on is dropped: the query is not signed, so reordering or adding query
/// parameters can never invalidate a signature. The method is upper-cased because the
/// exchange signs upper case.
pub fn signing_message(timestamp_ms: u64, method: &str, path: &str) -> String {
    message_from_parts(&timestamp_ms.to_string(), method, path)
}

/// Same as [`signing_message`] with the timestamp as received in a header (verifier side).
pub(crate) fn message_from_parts(timestamp: &str, method: &str, path: &str) -> String {
    let path = strip_query(path);
    let mut out = String::with_capacity(timestamp.len() + method.len() + path.len());
    out.push_str(timestamp);
    out.push_str(&method.to_ascii_uppercase());
    out.push_str(path);
    out
}

/// The path without its query string or fragment.
pub(crate) fn strip_query(path: &str) -> &str {
    match path.find(['?', '#']) {
        Some(i) => &path[..i],
        None => path,
    }
}

/// Current Unix time in milliseconds, the value of [`HEADER_TIMESTAMP`].
///
/// # Errors
/// [`AuthError::Clock`] if the system clock is before 1970.
pub fn now_ms() -> Result<u64, AuthError> {
    let since = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| AuthError::Clock)?;
    u64::try_from(since.as_millis()).map_err(|_| AuthError::Clock)
}

/// The three authentication header values of one request. Debug hides the signature,
/// because a captured signature is replayable until the server's time window closes.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthHeaders {
    /// Value of [`HEADER_KEY`]: the API key id.
    pub key: String,
    /// Value of [`HEADER_TIMESTAMP`]: Unix milliseconds as a decimal string.
    pub timestamp: String,
    /// Value of [`HEADER_SIGNATURE`]: base64 of the signature.
    pub signature: String,
}

impl AuthHeaders {
    /// `(name, value)` pairs, ready to put on an HTTP or WebSocket handshake request.
    pub fn pairs(&self) -> [(&'static str, &str); 3] {
        [
            (HEADER_KEY, self.key.as_str()),
            (HEADER_TIMESTAMP, self.timestamp.as_str()),
            (HEADER_SIGNATURE, self.signature.as_str()),
        ]
    }
}

impl fmt::Debug for AuthHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthHeaders")
            .field("key", &self.key)
            .field("timestamp", &self.timestamp)
            .field("signature", &format_args!("{REDACTED}"))
            .finish()
    }
}

/// An API key id and the signer for its private key. Cheap to clone (the signer is shared).
#[derive(Clone)]
pub struct Credentials {
    /// The API key id (not secret; shown in Kalshi's UI and sent in every request).
    pub key_id: String,
    /// Signs with the private key that belongs to `key_id`.
    pub signer: Arc<dyn Signer>,
}

impl Credentials {
    /// Pairs a key id with a signer.
    pub fn new(key_id: impl Into<String>, signer: Arc<dyn Signer>) -> Self {
        Self {
            key_id: key_id.into(),
            signer,
        }
    }

    /// Loads a PEM private key (PKCS#1 or PKCS#8) and builds an [`RsaPssSigner`] for it.
    ///
    /// # Errors
    /// Any [`KeyError`] of [`super::PrivateKey::from_pem`].
    pub fn from_pem(key_id: impl Into<String>, pem: &str) -> Result<Self, KeyError> {
        Ok(Self::new(key_id, Arc::new(RsaPssSigner::from_pem(pem)?)))
    }

    /// Signs one request and returns its three header values.
    ///
    /// `path` is the full URL path (e.g. `/trade-api/v2/portfolio/balance`, or
    /// `/trade-api/ws/v2` for the WebSocket handshake); a query string is ignored. The
    /// timestamp is an argument so tests are deterministic; callers use [`now_ms`] and
    /// sign afresh for every attempt.
    ///
    /// # Errors
    /// [`AuthError::Signing`] if the signer fails.
    pub fn headers(
        &self,
        method: &str,
        path: &str,
        timestamp_ms: u64,
    ) -> Result<AuthHeaders, AuthError> {
        let message = signing_message(timestamp_ms, method, path);
        let signature = self.signer.sign(message.as_bytes())?;
        Ok(AuthHeaders {
            key: self.key_id.clone(),
            timestamp: timestamp_ms.to_string(),
            signature: STANDARD.encode(signature),
        })
    }

    /// [`Credentials::headers`] with the current time.
    ///
    /// # Errors
    /// [`AuthError::Clock`] or [`AuthError::Signing`].
    pub fn headers_now(&self, method: &str, path: &str) -> Result<AuthHeaders, AuthError> {
        self.headers(method, path, now_ms()?)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("key_id", &self.key_id)
            .field("signer", &format_args!("{REDACTED}"))
            .finish()
    }
}
