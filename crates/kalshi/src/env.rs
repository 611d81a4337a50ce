//! Where the exchange lives: REST and WebSocket base URLs per environment.
//!
//! Demo and production credentials are separate, so the environment is always shown next
//! to anything that could be mistaken for the other (see [`Environment::kind`]).

use std::fmt;

use url::Url;

/// Which exchange an [`Environment`] points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnvironmentKind {
    /// Real money: `external-api.kalshi.com`.
    Production,
    /// Kalshi's demo exchange: `external-api.demo.kalshi.co` (separate keys, play money).
    Demo,
    /// Any other URL pair, e.g. the local simulator.
    Custom,
}

impl EnvironmentKind {
    /// Stable lower-case name for display and for keying stored data.
    pub fn name(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Demo => "demo",
            Self::Custom => "custom",
        }
    }
}

impl fmt::Display for EnvironmentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why [`Environment::custom`] refused a URL pair.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvError {
    /// The text is not a URL.
    #[error("{which} URL {url:?} is not a valid URL: {reason}")]
    Parse {
        /// `REST` or `WebSocket`.
        which: &'static str,
        /// The text given.
        url: String,
        /// The parser's reason.
        reason: String,
    },
    /// The URL's scheme does not fit its role.
    #[error("{which} URL {url:?} has scheme {scheme:?}; expected {expected}")]
    Scheme {
        /// `REST` or `WebSocket`.
        which: &'static str,
        /// The URL given.
        url: String,
        /// The scheme found.
        scheme: String,
        /// The schemes accepted.
        expected: &'static str,
    },
    /// The URL has no host, or carries a query/fragment that would be silently dropped.
    #[error("{which} URL {url:?} must have a host and no query or fragment")]
    Shape {
        /// `REST` or `WebSocket`.
        which: &'static str,
        /// The URL given.
        url: String,
    },
}

/// REST base and WebSocket URL of one exchange deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    kind: EnvironmentKind,
    rest_base: Url,
    ws_url: Url,
}

const PROD_REST: &str = "https://external-api.kalshi.com/trade-api/v2";
const PROD_WS: &str = "wss://external-api-ws.kalshi.com/trade-api/ws/v2";
const DEMO_REST: &str = "https://external-api.demo.kalshi.co/trade-api/v2";
const DEMO_WS: &str = "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2";

impl Environment {
    /// Production (real money), on the dedicated `external-api*` hosts recommended since 2026-05.
    pub fn production() -> Self {
        Self::preset(EnvironmentKind::Production, PROD_REST, PROD_WS)
    }

    /// Kalshi's demo exchange (separate demo API keys).
    pub fn demo() -> Self {
        Self::preset(EnvironmentKind::Demo, DEMO_REST, DEMO_WS)
    }

    fn preset(kind: EnvironmentKind, rest: &str, ws: &str) -> Self {
        Self {
            kind,
            rest_base: Url::parse(rest).expect("preset REST URL is a valid constant"),
            ws_url: Url::parse(ws).expect("preset WebSocket URL is a valid constant"),
        }
    }

    /// Any other deployment, e.g. the simulator at
    /// (`http://127.0.0.1:PORT/trade-api/v2`, `ws://127.0.0.1:PORT/trade-api/ws/v2`).
    ///
    /// The REST base is the URL that endpoint paths such as `/markets` are appended to;
    /// its path is part of what gets signed.
    ///
    /// # Errors
    /// [`EnvError`] unless `rest_base` is `http(s)` and `ws_url` is `ws(s)`, both with a
    /// host and without query or fragment.
    pub fn custom(rest_base: &str, ws_url: &str) -> Result<Self, EnvError> {
        let rest = parse("REST", rest_base, &["http", "https"], "http or https")?;
        let ws = parse("WebSocket", ws_url, &["ws", "wss"], "ws or wss")?;
        let mut rest = rest;
        let trimmed = rest.path().trim_end_matches('/').to_owned();
        rest.set_path(&trimmed);
        Ok(Self {
            kind: EnvironmentKind::Custom,
            rest_base: rest,
            ws_url: ws,
        })
    }

    /// Which deployment this is.
    pub fn kind(&self) -> EnvironmentKind {
        self.kind
    }

    /// The REST base URL (endpoint paths are appended to it).
    pub fn rest_base(&self) -> &Url {
        &self.rest_base
    }

    /// The WebSocket URL (single endpoint; channels are chosen by subscribe commands).
    pub fn ws_url(&self) -> &Url {
        &self.ws_url
    }

    /// The path to sign for a REST endpoint: the base path plus `endpoint`, e.g.
    /// `"/trade-api/v2" + "/markets"`. Any query in `endpoint` is dropped, as the
    /// exchange never signs it.
    pub fn sign_path(&self, endpoint: &str) -> String {
        let endpoint = match endpoint.find('?') {
            Some(i) => &endpoint[..i],
            None => endpoint,
        };
        format!(
            "{}{}",
            self.rest_base.path().trim_end_matches('/'),
            endpoint
        )
    }

    /// The path to sign for the WebSocket handshake (e.g. `/trade-api/ws/v2`).
    pub fn ws_sign_path(&self) -> &str {
        self.ws_url.path()
    }

    /// The full URL of a REST endpoint (`endpoint` starts with `/`, already percent-encoded
    /// where needed). Its `path()` is exactly what must be signed.
    pub fn rest_url(&self, endpoint: &str) -> Url {
        let mut url = self.rest_base.clone();
        let path = format!(
            "{}{}",
            self.rest_base.path().trim_end_matches('/'),
            endpoint
        );
        url.set_path(&path);
        url
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.kind, self.rest_base)
    }
}

fn parse(
    which: &'static str,
    text: &str,
    schemes: &[&str],
    expected: &'static str,
) -> Result<Url, EnvError> {
    let url = Url::parse(text).map_err(|e| EnvError::Parse {
        which,
        url: text.to_owned(),
        reason: e.to_string(),
    })?;
    if !schemes.contains(&url.scheme()) {
        return Err(EnvError::Scheme {
            which,
            url: text.to_owned(),
            scheme: url.scheme().to_owned(),
            expected,
        });
    }
    if url.host_str().is_none_or(str::is_empty) || url.query().is_some() || url.fragment().is_some()
    {
        return Err(EnvError::Shape {
            which,
            url: text.to_owned(),
        });
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_use_the_current_hosts() {
        let p = Environment::production();
        assert_eq!(p.kind(), EnvironmentKind::Production);
        assert_eq!(
            p.rest_base().as_str(),
            "https://external-api.kalshi.com/trade-api/v2"
        );
        assert_eq!(
            p.ws_url().as_str(),
            "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
        );
        let d = Environment::demo();
        assert_eq!(
            d.rest_base().host_str(),
            Some("external-api.demo.kalshi.co")
        );
        assert_eq!(
            d.ws_url().host_str(),
            Some("external-api-ws.demo.kalshi.co")
        );
        assert_eq!(d.kind().name(), "demo");
        assert_eq!(
            p.to_string(),
            "production (https://external-api.kalshi.com/trade-api/v2)"
        );
    }

    #[test]
    fn sign_path_includes_base_path_and_drops_query() {
        let p = Environment::production();
        assert_eq!(p.sign_path("/markets"), "/trade-api/v2/markets");
        assert_eq!(
            p.sign_path("/portfolio/orders?limit=5"),
            "/trade-api/v2/portfolio/orders"
        );
        assert_eq!(p.ws_sign_path(), "/trade-api/ws/v2");
        assert_eq!(
            p.rest_url("/markets/ABC-1").as_str(),
            "https://external-api.kalshi.com/trade-api/v2/markets/ABC-1"
        );
        assert_eq!(
            p.rest_url("/markets/ABC-1").path(),
            p.sign_path("/markets/ABC-1")
        );
    }

    #[test]
    fn custom_validates_schemes() {
        let e = Environment::custom(
            "http://127.0.0.1:9000/trade-api/v2/",
            "ws://127.0.0.1:9000/trade-api/ws/v2",
        )
        .unwrap();
        assert_eq!(e.kind(), EnvironmentKind::Custom);
        assert_eq!(
            e.sign_path("/markets"),
            "/trade-api/v2/markets",
            "trailing slash normalised"
        );
        assert!(matches!(
            Environment::custom("ws://x/trade-api/v2", "ws://x/trade-api/ws/v2"),
            Err(EnvError::Scheme { which: "REST", .. })
        ));
        assert!(matches!(
            Environment::custom("https://x/trade-api/v2", "https://x/trade-api/ws/v2"),
            Err(EnvError::Scheme {
                which: "WebSocket",
                ..
            })
        ));
        assert!(matches!(
            Environment::custom("not a url", "wss://x/"),
            Err(EnvError::Parse { .. })
        ));
        assert!(matches!(
            Environment::custom("https://x/trade-api/v2?a=1", "wss://x/"),
            Err(EnvError::Shape { .. })
        ));
    }
}
