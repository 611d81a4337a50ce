//! The REST [`Client`], its [`ClientBuilder`], and the one private send path every endpoint
//! goes through: rate limiter, signing (fresh timestamp per attempt), tracing span,
//! retries and error mapping all live here and nowhere else.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, RETRY_AFTER, USER_AGENT};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tracing::Instrument as _;
use url::Url;

use super::error::{Error, excerpt};
use super::rate_limit::{RateLimiter, RequestClass, Tier};
use super::retry::{RetryPolicy, parse_retry_after};
use crate::auth::Credentials;
use crate::env::Environment;

/// Default per-attempt request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// Default cap on pages a cursor stream will fetch before failing with `TooManyPages`.
pub const DEFAULT_MAX_PAGES: usize = 1_000;

/// Configures and builds a [`Client`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    env: Environment,
    credentials: Option<Credentials>,
    tier: Tier,
    timeout: Duration,
    retry: RetryPolicy,
    max_pages: usize,
}

impl ClientBuilder {
    /// Credentials for signed endpoints (portfolio, orders). Without them only public
    /// endpoints work; signed ones fail with [`Error::NoCredentials`] before sending.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Same as [`ClientBuilder::credentials`] with an optional value.
    pub fn maybe_credentials(mut self, credentials: Option<Credentials>) -> Self {
        self.credentials = credentials;
        self
    }

    /// The account's rate-limit tier (default [`Tier::Basic`]).
    pub fn tier(mut self, tier: Tier) -> Self {
        self.tier = tier;
        self
    }

    /// Per-attempt timeout covering connect, send and reading the whole body
    /// (default [`DEFAULT_TIMEOUT`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Retry policy for retryable failures (default [`RetryPolicy::default`]).
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Page cap of cursor streams (default [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    /// [`Error::Transport`] if the HTTP stack cannot be initialised (TLS backend).
    pub fn build(self) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            // A redirect would re-send the KALSHI-ACCESS-* headers to a path (or host)
            // they were not signed for; the API never redirects, so refuse.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(Error::from_reqwest)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                env: self.env,
                credentials: self.credentials,
                limiter: RateLimiter::new(self.tier),
                retry: self.retry,
                max_pages: self.max_pages,
            }),
        })
    }
}

/// Async client for the Kalshi Trade API v2 REST endpoints. Cheap to clone (shared state:
/// one connection pool and one pair of rate-limit buckets per client).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    env: Environment,
    credentials: Option<Credentials>,
    limiter: RateLimiter,
    retry: RetryPolicy,
    max_pages: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("env", &self.inner.env)
            .field("credentials", &self.inner.credentials)
            .field("tier", &self.inner.limiter.tier())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Whether a call is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signing {
    /// Portfolio and order endpoints: fail with `NoCredentials` if there are none.
    Required,
    /// Public market data: signed when credentials exist (harmless, and some
    /// deployments have required it), sent unsigned otherwise.
    IfAvailable,
}

/// One REST call, described before it is sent.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    method: Method,
    /// Path below the REST base, percent-encoded, e.g. `/markets/ABC-1`.
    endpoint: String,
    query: Vec<(&'static str, String)>,
    body: Option<Bytes>,
    signing: Signing,
    class: RequestClass,
    /// Rate-limit cost in default requests (batch size for batch writes).
    cost: u32,
    /// Safe to repeat automatically: reads, and creates carrying a `client_order_id`.
    idempotent: bool,
}

impl Call {
    /// A read (`GET`): public unless [`Call::signed`], retried automatically.
    pub(crate) fn get(endpoint: impl Into<String>) -> Self {
        Self {
            method: Method::GET,
            endpoint: endpoint.into(),
            query: Vec::new(),
            body: None,
            signing: Signing::IfAvailable,
            class: RequestClass::Read,
            cost: 1,
            idempotent: true,
        }
    }

    /// A write: always signed, never retried unless marked [`Call::idempotent`].
    pub(crate) fn write(method: Method, endpoint: impl Into<String>) -> Self {
        Self {
            method,
            endpoint: endpoint.into(),
            query: Vec::new(),
            body: None,
            signing: Signing::Required,
            class: RequestClass::Write,
            cost: 1,
            idempotent: false,
        }
    }

    /// Requires credentials.
    pub(crate) fn signed(mut self) -> Self {
        self.signing = Signing::Required;
        self
    }

    /// Sets the query pairs (repeated every attempt; never signed).
    pub(crate) fn query(mut self, query: Vec<(&'static str, String)>) -> Self {
        self.query = query;
        self
    }

    /// Sets a JSON body.
    pub(crate) fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            Error::InvalidRequest(format!("request body could not be encoded: {e}"))
        })?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }

    /// Marks the call safe to repeat (e.g. a create carrying a `client_order_id`).
    pub(crate) fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = idempotent;
        self
    }

    /// Sets the rate-limit cost (number of items of a batch).
    pub(crate) fn cost(mut self, cost: usize) -> Self {
        self.cost = u32::try_from(cost).unwrap_or(u32::MAX).max(1);
        self
    }

    /// `METHOD /endpoint`, the name errors and spans use.
    fn label(&self) -> String {
        format!("{} {}", self.method, self.endpoint)
    }
}

impl Client {
    /// Starts building a client for `env`.
    pub fn builder(env: Environment) -> ClientBuilder {
        ClientBuilder {
            env,
            credentials: None,
            tier: Tier::default(),
            timeout: DEFAULT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_pages: DEFAULT_MAX_PAGES,
        }
    }

    /// A client with default settings.
    ///
    /// # Errors
    /// As [`ClientBuilder::build`].
    pub fn new(env: Environment, credentials: Option<Credentials>) -> Result<Self, Error> {
        Self::builder(env).maybe_credentials(credentials).build()
    }

    /// The environment this client talks to.
    pub fn environment(&self) -> &Environment {
        &self.inner.env
    }

    /// The credentials, if any.
    pub fn credentials(&self) -> Option<&Credentials> {
        self.inner.credentials.as_ref()
    }

    /// The rate-limit tier in force.
    pub fn tier(&self) -> Tier {
        self.inner.limiter.tier()
    }

    /// Enforces `tier` from now on (e.g. after reading the account's limits); requests
    /// already waiting keep their reserved slots.
    pub fn set_tier(&self, tier: Tier) {
        self.inner.limiter.set_tier(tier);
    }

    /// Page cap of cursor streams.
    pub(crate) fn max_pages(&self) -> usize {
        self.inner.max_pages
    }

    /// Sends `call` and decodes the JSON answer as `T`.
    pub(crate) async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        self.send_counted(call).await.0
    }

    /// [`Client::send`], also saying how many attempts went out: a create whose earlier
    /// attempt may have reached the exchange needs to know (see `create_order`).
    pub(crate) async fn send_counted<T: DeserializeOwned>(
        &self,
        call: Call,
    ) -> (Result<T, Error>, u32) {
        let label = call.label();
        let (result, attempts) = self.execute(call).await;
        let decoded = result.and_then(|body| {
            crate::model::decode::from_slice(&body).map_err(|source| Error::Decode {
                endpoint: label,
                source,
                body_excerpt: excerpt(&body),
            })
        });
        (decoded, attempts)
    }

    /// Sends `call` and ignores the body of the success answer (204s, `{}`).
    pub(crate) async fn send_no_content(&self, call: Call) -> Result<(), Error> {
        self.execute(call).await.0.map(drop)
    }

    /// The single send path: limiter → sign → send → map → maybe retry. Also returns
    /// the number of attempts sent (0 when nothing was sent).
    async fn execute(&self, call: Call) -> (Result<Bytes, Error>, u32) {
        let label = call.label();
        let credentials = match (call.signing, self.inner.credentials.as_ref()) {
            (Signing::Required, None) => {
                return (Err(Error::NoCredentials { endpoint: label }), 0);
            }
            (_, creds) => creds,
        };
        let url = self.inner.env.rest_url(&call.endpoint);
        let max_attempts = if call.idempotent {
            self.inner.retry.max_attempts.max(1)
        } else {
            1
        };
        let span = tracing::debug_span!(
            "kalshi_rest",
            method = %call.method,
            path = %call.endpoint,
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        async move {
            let mut attempt = 1;
            // A retried write whose earlier attempt may have been carried out keeps that
            // uncertainty even if the last attempt was a definite 429.
            let mut unknown: Option<Error> = None;
            let last = |err: Error, unknown: Option<Error>| match unknown {
                Some(earlier) if err.is_rate_limited() => earlier,
                _ => err,
            };
            loop {
                tracing::Span::current().record("attempt", attempt);
                self.inner.limiter.acquire_n(call.class, call.cost).await;
                let (err, retry_after) = match self.attempt(&call, &url, credentials).await {
                    Ok(body) => return (Ok(body), attempt),
                    Err(failure) => failure,
                };
                if attempt >= max_attempts || !err.is_retryable() {
                    tracing::debug!(error = %err, "request failed");
                    return (Err(last(err, unknown)), attempt);
                }
                let Some(delay) = self.inner.retry.delay(attempt, retry_after) else {
                    tracing::debug!(error = %err, ?retry_after, "server asks to wait longer than the retry policy allows");
                    return (Err(last(err, unknown)), attempt);
                };
                tracing::info!(error = %err, ?delay, attempt, "retrying");
                if err.outcome_unknown() {
                    unknown = Some(err);
                }
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
        .instrument(span)
        .await
    }

    /// One HTTP exchange. On failure also returns the server's `Retry-After`.
    async fn attempt(
        &self,
        call: &Call,
        url: &Url,
        credentials: Option<&Credentials>,
    ) -> Result<Bytes, (Error, Option<Duration>)> {
        let mut req = self
            .inner
            .http
            .request(call.method.clone(), url.clone())
            .header(ACCEPT, "application/json")
            .header(
                USER_AGENT,
                concat!("kalshi-desk/", env!("CARGO_PKG_VERSION")),
            );
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        if let Some(body) = &call.body {
            req = req
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        if let Some(creds) = credentials {
            // Fresh timestamp and signature on every attempt: a retried request must not
            // reuse a stale timestamp. The signed path is exactly the path sent.
            let headers = creds
                .headers_now(call.method.as_str(), url.path())
                .map_err(|e| (Error::from(e), None))?;
            for (name, value) in headers.pairs() {
                req = req.header(name, value);
            }
        }
        let resp = req
            .send()
            .await
            .map_err(|e| (Error::from_reqwest(e), None))?;
        let status = resp.status().as_u16();
        tracing::Span::current().record("status", status);
        let retry_after = retry_after(resp.headers());
        let body = resp
            .bytes()
            .await
            .map_err(|e| (Error::from_reqwest(e), None))?;
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err((
                Error::from_response(status, &body, retry_after),
                retry_after,
            ))
        }
    }
}

fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
}

/// Percent-encodes one path segment (a ticker, an order id) so user input can never
/// change the path structure; rejects an empty segment, which would hit another endpoint.
pub(crate) fn segment(what: &str, value: &str) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::InvalidRequest(format!("{what} must not be empty")));
    }
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_encoded_and_non_empty() {
        assert_eq!(
            segment("ticker", "KXBTCD-25AUG0517-T114999.99").unwrap(),
            "KXBTCD-25AUG0517-T114999.99"
        );
        assert_eq!(segment("ticker", "A/B?c").unwrap(), "A%2FB%3Fc");
        assert!(matches!(
            segment("ticker", ""),
            Err(Error::InvalidRequest(_))
        ));
    }

    #[test]
    fn debug_shows_no_key_material() {
        let client = Client::builder(Environment::demo()).build().unwrap();
        let text = format!("{client:?}");
        assert!(text.contains("Demo"), "{text}");
        assert!(text.contains("credentials: None"), "{text}");
    }
}
