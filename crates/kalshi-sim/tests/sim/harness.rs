//! Shared fixtures: test keys (armored at runtime so no PEM block is committed), a started
//! simulator with two registered keys, and raw signed requests through reqwest.

use std::time::Duration;

use kalshi::auth::Credentials;
use kalshi_sim::{SimConfig, SimHandle, Simulator};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Key id of test key A.
pub const KEY_A: &str = "key-a";
/// Key id of test key B.
pub const KEY_B: &str = "key-b";

fn armor(label: &str, body: &str) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.trim()
    )
}

/// Test key A (PKCS#1 private PEM).
pub fn key_a_private() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../../kalshi/test_data/keys/test_key_a.pkcs1.b64"),
    )
}

/// Public half of test key A (SPKI PEM).
pub fn key_a_public() -> String {
    armor(
        "PUBLIC KEY",
        include_str!("../../../kalshi/test_data/keys/test_key_a.spki.b64"),
    )
}

/// Test key B (PKCS#1 private PEM).
pub fn key_b_private() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../../kalshi/test_data/keys/test_key_b.pkcs1.b64"),
    )
}

/// Public half of test key B (SPKI PEM).
pub fn key_b_public() -> String {
    armor(
        "PUBLIC KEY",
        include_str!("../../../kalshi/test_data/keys/test_key_b.spki.b64"),
    )
}

/// How long a test waits for something that should happen promptly.
pub const WAIT: Duration = Duration::from_secs(20);

/// A response: status and JSON body (`Value::Null` when the body is empty).
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Parsed body.
    pub body: Value,
}

/// A running simulator with keys A and B registered, and clients to call it.
pub struct Sim {
    /// The simulator.
    pub handle: SimHandle,
    /// Plain HTTP client.
    pub http: reqwest::Client,
    /// Credentials of key A.
    pub a: Credentials,
    /// Credentials of key B.
    pub b: Credentials,
}

impl Sim {
    /// A small quiet simulator (60 markets, no activity, empty books, no faults): every
    /// fill a test sees is one it caused.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A simulator with the config adjusted by `tweak`.
    pub async fn start_with(tweak: impl FnOnce(&mut SimConfig)) -> Self {
        let mut config = SimConfig {
            markets: 60,
            keys: vec![
                (KEY_A.to_owned(), key_a_public()),
                (KEY_B.to_owned(), key_b_public()),
            ],
            admin_routes: true,
            seed_books: false,
            ..SimConfig::default()
        };
        tweak(&mut config);
        let handle = Simulator::start(config).await.expect("simulator starts");
        Self {
            handle,
            http: reqwest::Client::builder()
                .timeout(WAIT)
                .build()
                .expect("http client"),
            a: Credentials::from_pem(KEY_A, &key_a_private()).expect("key A loads"),
            b: Credentials::from_pem(KEY_B, &key_b_private()).expect("key B loads"),
        }
    }

    /// `http://ADDR` + `path` (a full path such as `/trade-api/v2/markets`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.handle.addr())
    }

    /// Sends a request to `/trade-api/v2{endpoint}`, signed by `creds` when given.
    pub async fn call(
        &self,
        method: Method,
        endpoint: &str,
        creds: Option<&Credentials>,
        body: Option<&Value>,
    ) -> Reply {
        let path = format!("/trade-api/v2{endpoint}");
        let mut req = self.http.request(method.clone(), self.url(&path));
        if let Some(c) = creds {
            let headers = c.headers_now(method.as_str(), &path).expect("signs");
            for (k, v) in headers.pairs() {
                req = req.header(k, v);
            }
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        reply(req.send().await.expect("request is answered")).await
    }

    /// Unsigned GET.
    pub async fn get(&self, endpoint: &str) -> Reply {
        self.call(Method::GET, endpoint, None, None).await
    }

    /// GET signed by key A.
    pub async fn get_a(&self, endpoint: &str) -> Reply {
        self.call(Method::GET, endpoint, Some(&self.a), None).await
    }

    /// POST signed by key A.
    pub async fn post_a(&self, endpoint: &str, body: &Value) -> Reply {
        self.call(Method::POST, endpoint, Some(&self.a), Some(body))
            .await
    }

    /// DELETE signed by key A, with an optional JSON body.
    pub async fn delete_a(&self, endpoint: &str, body: Option<&Value>) -> Reply {
        self.call(Method::DELETE, endpoint, Some(&self.a), body)
            .await
    }

    /// A request to an admin route (`/_sim{endpoint}`) carrying the admin token.
    pub fn admin_request(&self, method: Method, endpoint: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, self.url(&format!("/_sim{endpoint}")))
            .bearer_auth(self.handle.admin_token())
    }

    /// POST of a JSON body to an admin route (`/_sim{endpoint}`), with the admin token.
    pub async fn admin(&self, endpoint: &str, body: &Value) -> Reply {
        let req = self.admin_request(Method::POST, endpoint).json(body);
        reply(req.send().await.expect("admin request is answered")).await
    }

    /// The first open market with a book that has both sides (the universe seeds none, so
    /// simply the first `open` market).
    pub async fn open_market(&self) -> Value {
        let r = self.get("/markets?status=open&limit=1").await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        r.body["markets"][0].clone()
    }
}

/// Reads a response into a [`Reply`].
pub async fn reply(resp: reqwest::Response) -> Reply {
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body is readable");
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "body of a {status} is not JSON ({e}): {:?}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    Reply { status, body }
}
