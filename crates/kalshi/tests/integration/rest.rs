//! REST client behaviour tests against a scripted axum server on 127.0.0.1 that verifies
//! every signature with `kalshi::auth::Verifier` and records what it saw.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use futures_util::TryStreamExt as _;
use kalshi::auth::{Credentials, HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, Verifier};
use kalshi::env::Environment;
use kalshi::model::Count;
use kalshi::model::Price;
use kalshi::model::market::{GetMarketsParams, MarketStatusFilter};
use kalshi::model::order::{
    BookSide, GetOrdersParams, OrderStatus, SelfTradePrevention, TimeInForce,
};
use kalshi::model::order_entry::CreateOrderRequest;
use kalshi::model::portfolio::SubaccountParams;
use kalshi::rest::{AuthFailure, Client, Error, RetryPolicy, Tier};
use serde_json::{Value, json};

use crate::harness;

/// One scripted answer.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    /// Never answer (to provoke a client timeout).
    hang: bool,
}

impl Reply {
    fn json(status: u16, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.to_string(),
            hang: false,
        }
    }

    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: body.to_owned(),
            hang: false,
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }

    fn hang() -> Self {
        Self {
            status: 200,
            headers: Vec::new(),
            body: String::new(),
            hang: true,
        }
    }
}

/// What the server saw of one request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    body: String,
    key: Option<String>,
    timestamp: Option<String>,
    signature: Option<String>,
    /// The signature verified over timestamp + METHOD + path (no query).
    signature_ok: bool,
    /// The signature also verifies over a message that includes the query (must not).
    signature_covers_query: bool,
}

#[derive(Debug)]
struct Shared {
    verifier: Verifier,
    replies: Mutex<VecDeque<Reply>>,
    seen: Mutex<Vec<Seen>>,
}

struct MockServer {
    shared: Arc<Shared>,
    env: Environment,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    async fn start(replies: Vec<Reply>) -> Self {
        let shared = Arc::new(Shared {
            verifier: Verifier::from_public_pem(&harness::key_a_public_pem()).unwrap(),
            replies: Mutex::new(replies.into()),
            seen: Mutex::new(Vec::new()),
        });
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        let env = Environment::custom(
            &format!("http://{addr}/trade-api/v2"),
            &format!("ws://{addr}/trade-api/ws/v2"),
        )
        .unwrap();
        Self { shared, env, task }
    }

    fn seen(&self) -> Vec<Seen> {
        self.shared.seen.lock().unwrap().clone()
    }

    fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    fn builder(&self) -> kalshi::rest::ClientBuilder {
        Client::builder(self.env.clone())
            .credentials(key_a())
            .tier(Tier::Custom {
                read_per_sec: 1000,
                write_per_sec: 1000,
            })
            .retry(fast_retry())
            .timeout(Duration::from_secs(5))
    }
}

fn key_a() -> Credentials {
    Credentials::from_pem("key-a", &harness::key_a_pkcs1_pem()).unwrap()
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(5),
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (key, timestamp, signature) = (
        header(HEADER_KEY),
        header(HEADER_TIMESTAMP),
        header(HEADER_SIGNATURE),
    );
    let path = uri.path().to_owned();
    let (signature_ok, signature_covers_query) = match (&timestamp, &signature) {
        (Some(ts), Some(sig)) => {
            let ok = shared
                .verifier
                .verify(ts, method.as_str(), &path, sig)
                .is_ok();
            let with_query = uri.query().is_some_and(|q| {
                let msg = format!("{ts}{}{path}?{q}", method.as_str());
                let raw = base64::engine::general_purpose::STANDARD
                    .decode(sig)
                    .unwrap_or_default();
                shared.verifier.verify_message(msg.as_bytes(), &raw).is_ok()
            });
            (ok, with_query)
        }
        _ => (false, false),
    };
    shared.seen.lock().unwrap().push(Seen {
        method: method.to_string(),
        path: path.clone(),
        query: uri.query().map(str::to_owned),
        body: String::from_utf8_lossy(&body).into_owned(),
        key,
        timestamp: timestamp.clone(),
        signature: signature.clone(),
        signature_ok,
        signature_covers_query,
    });

    let must_sign = path.starts_with("/trade-api/v2/portfolio");
    if (signature.is_some() && !signature_ok) || (must_sign && signature.is_none()) {
        let body =
            json!({"error": {"code": "invalid_credentials", "message": "invalid signature"}});
        return (StatusCode::UNAUTHORIZED, body.to_string()).into_response();
    }
    let reply = shared.replies.lock().unwrap().pop_front();
    let Some(reply) = reply else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "no scripted reply left").into_response();
    };
    if reply.hang {
        std::future::pending::<()>().await;
    }
    let mut resp = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
    for (name, value) in reply.headers {
        resp.headers_mut().insert(name, value.parse().unwrap());
    }
    resp
}

fn balance_body() -> Value {
    json!({"balance": 123456, "balance_dollars": "1234.5600", "portfolio_value": 150000, "updated_ts": 1755700000})
}

fn create_body() -> Value {
    json!({"order_id": "o-1", "client_order_id": "cid-1", "fill_count": "0.00", "remaining_count": "1.00", "ts_ms": 1755700000123_i64})
}

fn order(client_order_id: Option<&str>) -> CreateOrderRequest {
    let mut o = CreateOrderRequest::new(
        "KXHIGHNY-26AUG28-T88",
        BookSide::Bid,
        Price::parse("0.42").unwrap(),
        Count::from_contracts(1),
        TimeInForce::GoodTillCanceled,
        SelfTradePrevention::TakerAtCross,
    );
    o.client_order_id = client_order_id.map(str::to_owned);
    o
}

fn market_json(ticker: &str) -> Value {
    let fixture: Value =
        serde_json::from_str(include_str!("../../test_data/rest/markets.json")).unwrap();
    let mut m = fixture["markets"][0].clone();
    m["ticker"] = json!(ticker);
    m
}

#[tokio::test]
async fn signed_path_includes_prefix_and_excludes_query() {
    let server = MockServer::start(vec![
        Reply::json(200, balance_body()),
        Reply::json(200, json!({"orders": [], "cursor": ""})),
    ])
    .await;
    let client = server.client();
    let bal = client.balance(&SubaccountParams::default()).await.unwrap();
    assert_eq!(bal.balance, 123_456);
    let params = GetOrdersParams {
        limit: Some(5),
        status: Some(OrderStatus::Resting),
        ..Default::default()
    };
    let page = client.orders(&params).await.unwrap();
    assert!(page.orders.is_empty());

    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].path, "/trade-api/v2/portfolio/balance");
    assert_eq!(seen[1].path, "/trade-api/v2/portfolio/orders");
    assert_eq!(
        seen[1].query.as_deref(),
        Some("status=resting&limit=5"),
        "filters travel in the query"
    );
    for s in &seen {
        assert_eq!(s.key.as_deref(), Some("key-a"));
        assert!(
            s.signature_ok,
            "signature verifies over ts + METHOD + /trade-api/v2 path: {s:?}"
        );
        assert!(!s.signature_covers_query, "the query is not signed: {s:?}");
    }
}

#[tokio::test]
async fn public_calls_work_without_credentials_and_are_unsigned() {
    let server = MockServer::start(vec![Reply::json(
        200,
        json!({"exchange_active": true, "trading_active": false}),
    )])
    .await;
    let client = Client::builder(server.env.clone()).build().unwrap();
    let status = client.exchange_status().await.unwrap();
    assert!(status.exchange_active && !status.trading_active);
    let seen = server.seen();
    assert_eq!(seen[0].path, "/trade-api/v2/exchange/status");
    assert_eq!(
        seen[0].signature, None,
        "no credentials, no signature header"
    );
}

#[tokio::test]
async fn rejected_signature_is_an_auth_error() {
    let server = MockServer::start(vec![Reply::json(200, balance_body())]).await;
    let wrong = Credentials::from_pem("key-b", &harness::key_b_pkcs1_pem()).unwrap();
    let client = server.builder().credentials(wrong).build().unwrap();
    let err = client
        .balance(&SubaccountParams::default())
        .await
        .unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    match &err {
        Error::Auth(AuthFailure::Rejected { status, code, .. }) => {
            assert_eq!((*status, code.as_str()), (401, "invalid_credentials"));
        }
        other => panic!("expected a rejected auth error, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 1, "401 is not retried");
    let seen = &server.seen()[0];
    let b = Verifier::from_public_pem(&harness::key_b_public_pem()).unwrap();
    let (ts, sig) = (
        seen.timestamp.as_deref().unwrap(),
        seen.signature.as_deref().unwrap(),
    );
    assert!(
        b.verify(ts, "GET", &seen.path, sig).is_ok(),
        "the request was validly signed, just by a key the server does not know"
    );
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains(server.seen()[0].signature.as_deref().unwrap()),
        "no signature in errors"
    );
}

#[tokio::test]
async fn read_is_retried_after_429() {
    let server = MockServer::start(vec![
        Reply::json(429, json!({"error": "too many requests"})),
        Reply::json(200, balance_body()),
    ])
    .await;
    let bal = server
        .client()
        .balance(&SubaccountParams::default())
        .await
        .unwrap();
    assert_eq!(bal.balance, 123_456, "the read succeeds after a retry");
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        2,
        "the server saw the failed attempt and the retry"
    );
    assert!(
        seen.iter().all(|s| s.signature_ok),
        "every attempt is signed"
    );
    assert_ne!(
        seen[0].signature, seen[1].signature,
        "each attempt is signed afresh"
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    // A Retry-After within the policy is waited out and the call succeeds…
    let server = MockServer::start(vec![
        Reply::json(429, json!({"error": "too many requests"})).header("retry-after", "1"),
        Reply::json(200, balance_body()),
    ])
    .await;
    server
        .client()
        .balance(&SubaccountParams::default())
        .await
        .unwrap();
    assert_eq!(server.seen().len(), 2);

    // …one longer than the policy allows is not retried early: the caller gets it back.
    let server = MockServer::start(vec![
        Reply::json(429, json!({"error": "too many requests"})).header("retry-after", "120"),
        Reply::json(200, balance_body()),
    ])
    .await;
    let err = server
        .client()
        .balance(&SubaccountParams::default())
        .await
        .unwrap_err();
    match err {
        Error::RateLimited { retry_after } => {
            assert_eq!(retry_after, Some(Duration::from_secs(120)))
        }
        other => panic!("expected RateLimited, got {other:?}"),
    }
    assert_eq!(
        server.seen().len(),
        1,
        "no retry before the server said it may succeed"
    );
}

#[tokio::test]
async fn retries_are_capped() {
    let server =
        MockServer::start((0..10).map(|_| Reply::text(502, "Bad Gateway")).collect()).await;
    let err = server
        .client()
        .balance(&SubaccountParams::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(502));
    assert!(err.is_retryable());
    assert_eq!(server.seen().len(), 4, "max_attempts = 4");
}

#[tokio::test]
async fn write_without_client_order_id_is_not_retried() {
    let server = MockServer::start(vec![
        Reply::json(
            503,
            json!({"error": {"code": "service_unavailable", "message": "try later"}}),
        ),
        Reply::json(201, create_body()),
    ])
    .await;
    let err = server
        .client()
        .create_order(&order(None))
        .await
        .unwrap_err();
    match &err {
        Error::Api { status, code, .. } => {
            assert_eq!((*status, code.as_str()), (503, "service_unavailable"))
        }
        other => panic!("expected Api 503, got {other:?}"),
    }
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        1,
        "a write that might have landed is never repeated"
    );
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].path, "/trade-api/v2/portfolio/events/orders");
    let body: Value = serde_json::from_str(&seen[0].body).unwrap();
    assert_eq!(body["price"], "0.4200");
    assert_eq!(body["side"], "bid");
}

#[tokio::test]
async fn create_with_client_order_id_is_retried() {
    let server = MockServer::start(vec![
        Reply::text(503, "Service Unavailable"),
        Reply::json(201, create_body()),
    ])
    .await;
    let resp = server
        .client()
        .create_order(&order(Some("cid-1")))
        .await
        .unwrap();
    assert_eq!(resp.order_id, "o-1");
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        2,
        "a create with a client_order_id is idempotent, so retried"
    );
    assert_eq!(seen[0].body, seen[1].body, "the same order both times");
    assert!(seen.iter().all(|s| s.signature_ok));
}

#[tokio::test]
async fn a_create_whose_first_answer_was_lost_stays_unknown_after_429s() {
    let too_many = || Reply::json(429, json!({"error": "too many requests"}));
    let server = MockServer::start(vec![
        Reply::text(502, "Bad Gateway"),
        too_many(),
        too_many(),
        too_many(),
    ])
    .await;
    let err = server
        .client()
        .create_order(&order(Some("cid-1")))
        .await
        .unwrap_err();
    assert_eq!(server.seen().len(), 4, "retried to the cap");
    assert_eq!(
        err.status(),
        Some(502),
        "the 502 may have placed it; the later 429s cannot say otherwise"
    );
    assert!(err.outcome_unknown());
}

#[tokio::test]
async fn error_bodies_wrapped_and_flat() {
    let server = MockServer::start(vec![
        Reply::json(400, json!({"error": {"code": "invalid_order", "message": "invalid order", "details": "post only cross"}})),
        Reply::json(400, json!({"code": "invalid_parameters", "message": "invalid parameters"})),
    ])
    .await;
    let client = server.client();
    for (want_code, want_msg, want_details) in [
        ("invalid_order", "invalid order", Some("post only cross")),
        ("invalid_parameters", "invalid parameters", None),
    ] {
        match client
            .balance(&SubaccountParams::default())
            .await
            .unwrap_err()
        {
            Error::Api {
                status,
                code,
                message,
                details,
            } => {
                assert_eq!(status, 400);
                assert_eq!(code, want_code);
                assert_eq!(message, want_msg);
                assert_eq!(details.as_deref(), want_details);
            }
            other => panic!("expected Api, got {other:?}"),
        }
    }
    assert_eq!(server.seen().len(), 2, "400 is not retried");
}

#[tokio::test]
async fn malformed_body_is_a_decode_error_naming_endpoint_and_path() {
    let mut bad = market_json("KX-B");
    bad["status"] = json!("bogus");
    let server = MockServer::start(vec![
        Reply::json(
            200,
            json!({"markets": [market_json("KX-A"), bad], "cursor": ""}),
        ),
        Reply::text(200, "{\"balance\": 12"),
    ])
    .await;
    let client = server.client();
    match client
        .markets(&GetMarketsParams::default())
        .await
        .unwrap_err()
    {
        Error::Decode {
            endpoint,
            source,
            body_excerpt,
        } => {
            assert_eq!(endpoint, "GET /markets");
            assert_eq!(
                source.path, "markets[1].status",
                "the error names the JSON path"
            );
            assert!(source.message.contains("bogus"), "{source}");
            assert!(
                body_excerpt.starts_with("{\"") && body_excerpt.len() < 300,
                "a bounded excerpt: {body_excerpt}"
            );
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    match client
        .balance(&SubaccountParams::default())
        .await
        .unwrap_err()
    {
        Error::Decode { endpoint, .. } => assert_eq!(endpoint, "GET /portfolio/balance"),
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(server.seen().len(), 2, "decode errors are not retried");
}

#[tokio::test]
async fn markets_stream_follows_three_pages_repeating_filters() {
    let server = MockServer::start(vec![
        Reply::json(
            200,
            json!({"markets": [market_json("KX-1"), market_json("KX-2")], "cursor": "c1"}),
        ),
        Reply::json(
            200,
            json!({"markets": [market_json("KX-3")], "cursor": "c2"}),
        ),
        Reply::json(200, json!({"markets": [market_json("KX-4")], "cursor": ""})),
    ])
    .await;
    let params = GetMarketsParams {
        series_ticker: Some("KXHIGHNY".into()),
        status: Some(MarketStatusFilter::Open),
        limit: Some(2),
        ..Default::default()
    };
    let markets: Vec<_> = server
        .client()
        .markets_stream(params)
        .try_collect()
        .await
        .unwrap();
    let tickers: Vec<&str> = markets.iter().map(|m| m.ticker.as_str()).collect();
    assert_eq!(tickers, ["KX-1", "KX-2", "KX-3", "KX-4"]);
    let queries: Vec<String> = server
        .seen()
        .into_iter()
        .map(|s| s.query.unwrap_or_default())
        .collect();
    assert_eq!(
        queries,
        [
            "limit=2&series_ticker=KXHIGHNY&status=open",
            "limit=2&cursor=c1&series_ticker=KXHIGHNY&status=open",
            "limit=2&cursor=c2&series_ticker=KXHIGHNY&status=open",
        ],
        "cursor passed back verbatim and filters repeated on every page"
    );
}

#[tokio::test]
async fn signed_call_without_credentials_fails_before_sending() {
    let server = MockServer::start(vec![Reply::json(200, balance_body())]).await;
    let client = Client::builder(server.env.clone()).build().unwrap();
    let err = client
        .balance(&SubaccountParams::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NoCredentials { endpoint } if endpoint == "GET /portfolio/balance"),
        "{err:?}"
    );
    assert!(err.is_auth());
    let err = client.create_order(&order(Some("x"))).await.unwrap_err();
    assert!(matches!(err, Error::NoCredentials { .. }));
    assert_eq!(server.seen().len(), 0, "nothing was sent");
}

#[tokio::test]
async fn slow_answer_is_a_timeout() {
    let server = MockServer::start(vec![Reply::hang()]).await;
    let client = server
        .builder()
        .timeout(Duration::from_millis(300))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = harness::within("the client timeout", client.exchange_status())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout), "{err:?}");
    assert!(err.is_retryable());
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn typed_methods_use_the_documented_paths() {
    use kalshi::model::order_batch::BatchCancelOrder;
    use kalshi::model::order_entry::{
        AmendOrderRequest, CancelOrderParams, Decrease, DecreaseOrderRequest,
    };
    use kalshi::model::order_group::UpdateOrderGroupLimitRequest;

    let book = json!({"yes_dollars": [["0.4000", "25.00"]], "no_dollars": []});
    let server = MockServer::start(vec![
        Reply::json(200, json!({"market": market_json("KX-A")})),
        Reply::json(200, json!({"orderbook_fp": book})),
        Reply::json(200, json!({"orderbooks": [{"ticker": "KX-A", "orderbook_fp": book}]})),
        Reply::json(200, json!({"order_id": "o-1", "reduced_by": "1.00", "ts_ms": 1})),
        Reply::json(200, json!({"order_id": "o-1", "ts_ms": 2})),
        Reply::json(200, json!({"order_id": "o-1", "remaining_count": "1.00", "ts_ms": 3})),
        Reply::json(200, json!({"orders": [{"order_id": "o-1", "reduced_by": "1.00", "ts_ms": 4, "error": null}]})),
        Reply::json(200, json!({})),
    ])
    .await;
    // The PKCS#8 form of key A signs just as well as the PKCS#1 form.
    let pkcs8 = Credentials::from_pem("key-a", &harness::key_a_pkcs8_pem()).unwrap();
    let c = server.builder().credentials(pkcs8).build().unwrap();
    assert_eq!(c.market("KX-A").await.unwrap().ticker, "KX-A");
    assert_eq!(
        c.orderbook("KX-A", Some(5))
            .await
            .unwrap()
            .yes_dollars
            .len(),
        1
    );
    assert_eq!(
        c.orderbooks(&["KX-A".into(), "KX-B".into()])
            .await
            .unwrap()
            .len(),
        1
    );
    let cancel = c
        .cancel_order("o-1", &CancelOrderParams::default())
        .await
        .unwrap();
    assert_eq!(cancel.reduced_by, Count::from_contracts(1));
    let amend = AmendOrderRequest {
        ticker: "KX-A".into(),
        side: BookSide::Bid,
        price: Price::parse("0.43").unwrap(),
        count: Count::from_contracts(2),
        client_order_id: None,
        updated_client_order_id: None,
        exchange_index: None,
        subaccount: Some(2),
    };
    c.amend_order("o-1", &amend).await.unwrap();
    let mut decrease = DecreaseOrderRequest::new(Decrease::By(Count::from_contracts(1)));
    decrease.subaccount = Some(2);
    c.decrease_order("o-1", &decrease).await.unwrap();
    let results = c
        .batch_cancel_orders(&[BatchCancelOrder::new("o-1")])
        .await
        .unwrap();
    assert_eq!(results[0].order_id, "o-1");
    let limit = UpdateOrderGroupLimitRequest {
        contracts_limit: Some(10),
        contracts_limit_fp: None,
    };
    c.set_order_group_limit("og-1", &limit, &SubaccountParams::default())
        .await
        .unwrap();

    let seen: Vec<(String, String, Option<String>)> = server
        .seen()
        .into_iter()
        .map(|s| (s.method, s.path, s.query))
        .collect();
    let p = |s: &str| format!("/trade-api/v2{s}");
    assert_eq!(
        seen,
        vec![
            ("GET".into(), p("/markets/KX-A"), None),
            (
                "GET".into(),
                p("/markets/KX-A/orderbook"),
                Some("depth=5".into())
            ),
            (
                "GET".into(),
                p("/markets/orderbooks"),
                Some("tickers=KX-A&tickers=KX-B".into())
            ),
            ("DELETE".into(), p("/portfolio/events/orders/o-1"), None),
            (
                "POST".into(),
                p("/portfolio/events/orders/o-1/amend"),
                Some("subaccount=2".into())
            ),
            (
                "POST".into(),
                p("/portfolio/events/orders/o-1/decrease"),
                Some("subaccount=2".into())
            ),
            ("DELETE".into(), p("/portfolio/events/orders/batched"), None),
            ("PUT".into(), p("/portfolio/order_groups/og-1/limit"), None),
        ]
    );
    let bodies: Vec<String> = server.seen().into_iter().map(|s| s.body).collect();
    assert!(
        !bodies[4].contains("subaccount"),
        "the subaccount goes on the URL, not in the body: {}",
        bodies[4]
    );
    assert_eq!(bodies[5], r#"{"reduce_by":"1.00"}"#);
    assert_eq!(
        bodies[6], r#"{"orders":[{"order_id":"o-1"}]}"#,
        "batch cancel sends a JSON body on DELETE"
    );
    assert_eq!(bodies[7], r#"{"contracts_limit":10}"#);
    assert!(
        server.seen().iter().all(|s| s.signature_ok),
        "all calls signed when credentials exist"
    );
}

fn order_json(order_id: &str, client_order_id: &str) -> Value {
    let fixture: Value =
        serde_json::from_str(include_str!("../../test_data/rest/orders.json")).unwrap();
    let mut o = fixture["orders"][0].clone();
    o["order_id"] = json!(order_id);
    o["client_order_id"] = json!(client_order_id);
    o
}

#[tokio::test]
async fn retried_create_answered_already_exists_returns_the_placed_order() {
    // The first attempt reached the exchange but its answer was lost (502 from a
    // gateway); the retry is refused as a duplicate. The order exists, so the call must
    // report it placed, not failed.
    let server = MockServer::start(vec![
        Reply::text(502, "Bad Gateway"),
        Reply::json(
            409,
            json!({"error": {"code": "order_already_exists", "message": "order already exists"}}),
        ),
        Reply::json(
            200,
            json!({"orders": [order_json("o-other", "someone-else"), order_json("o-77", "cid-1")], "cursor": ""}),
        ),
    ])
    .await;
    let placed = server
        .client()
        .create_order(&order(Some("cid-1")))
        .await
        .expect("the order an earlier attempt placed is returned");
    assert_eq!(placed.order_id, "o-77", "found by its client_order_id");
    assert_eq!(placed.client_order_id.as_deref(), Some("cid-1"));
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "two create attempts, then one lookup");
    assert_eq!(seen[2].method, "GET");
    assert_eq!(seen[2].path, "/trade-api/v2/portfolio/orders");
    assert_eq!(
        seen[2].query.as_deref(),
        Some("ticker=KXHIGHNY-26AUG28-T88"),
        "the lookup is narrowed to the order's market"
    );
}

#[tokio::test]
async fn first_attempt_already_exists_is_a_real_duplicate() {
    // No earlier attempt was sent, so the id was reused by the caller: that is an error,
    // and no lookup may turn an old order into a "new" one.
    let server = MockServer::start(vec![Reply::json(
        409,
        json!({"error": {"code": "order_already_exists", "message": "order already exists"}}),
    )])
    .await;
    let err = server
        .client()
        .create_order(&order(Some("cid-1")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("order_already_exists"));
    assert_eq!(server.seen().len(), 1, "no retry and no lookup");
}

#[tokio::test]
async fn retried_create_whose_order_cannot_be_found_keeps_the_duplicate_error() {
    let server = MockServer::start(vec![
        Reply::text(503, "Service Unavailable"),
        Reply::json(
            409,
            json!({"error": {"code": "order_already_exists", "message": "order already exists"}}),
        ),
        Reply::json(
            200,
            json!({"orders": [order_json("o-other", "someone-else")], "cursor": ""}),
        ),
    ])
    .await;
    let err = server
        .client()
        .create_order(&order(Some("cid-1")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("order_already_exists"));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn retried_batch_create_reports_items_an_earlier_attempt_placed() {
    // The first batch reached the exchange but its answer was lost; the retry places
    // cid-2 and finds cid-1 already there. Both are placed; cid-1 is looked up.
    let server = MockServer::start(vec![
        Reply::text(502, "Bad Gateway"),
        Reply::json(
            201,
            json!({"orders": [
                {"client_order_id": "cid-1", "order_id": null, "ts_ms": null,
                 "error": {"code": "order_already_exists", "message": "order already exists"}},
                {"client_order_id": "cid-2", "order_id": "o-2", "fill_count": "0.00",
                 "remaining_count": "1.00", "ts_ms": 9, "error": null},
                {"client_order_id": "cid-3", "order_id": null, "ts_ms": null,
                 "error": {"code": "market_closed", "message": "market closed"}}
            ]}),
        ),
        Reply::json(
            200,
            json!({"orders": [order_json("o-1", "cid-1")], "cursor": ""}),
        ),
    ])
    .await;
    let orders = [
        order(Some("cid-1")),
        order(Some("cid-2")),
        order(Some("cid-3")),
    ];
    let results = server.client().batch_create_orders(&orders).await.unwrap();
    assert_eq!(
        results[0].order_id.as_deref(),
        Some("o-1"),
        "{:?}",
        results[0]
    );
    assert_eq!(results[0].error, None);
    assert_eq!(results[1].order_id.as_deref(), Some("o-2"));
    assert_eq!(
        results[2].error.as_ref().and_then(|e| e.code.as_deref()),
        Some("market_closed"),
        "other refusals stay refusals"
    );
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        3,
        "two batch attempts, one lookup for cid-1 only"
    );
    assert_eq!(seen[2].path, "/trade-api/v2/portfolio/orders");
}

#[tokio::test]
async fn first_batch_attempt_already_exists_stays_an_item_error() {
    let server = MockServer::start(vec![Reply::json(
        201,
        json!({"orders": [{"client_order_id": "cid-1", "order_id": null, "ts_ms": null,
            "error": {"code": "order_already_exists", "message": "order already exists"}}]}),
    )])
    .await;
    let results = server
        .client()
        .batch_create_orders(&[order(Some("cid-1"))])
        .await
        .unwrap();
    assert_eq!(
        results[0].error.as_ref().and_then(|e| e.code.as_deref()),
        Some("order_already_exists")
    );
    assert_eq!(server.seen().len(), 1, "no lookup without a retry");
}

#[tokio::test]
async fn recovered_batch_items_of_one_market_share_one_lookup() {
    let already = |cid: &str| {
        json!({"client_order_id": cid, "order_id": null, "ts_ms": null,
               "error": {"code": "order_already_exists", "message": "order already exists"}})
    };
    let server = MockServer::start(vec![
        Reply::text(503, "Service Unavailable"),
        Reply::json(201, json!({"orders": [already("cid-1"), already("cid-2")]})),
        Reply::json(
            200,
            json!({"orders": [order_json("o-2", "cid-2"), order_json("o-1", "cid-1")], "cursor": ""}),
        ),
    ])
    .await;
    let results = server
        .client()
        .batch_create_orders(&[order(Some("cid-1")), order(Some("cid-2"))])
        .await
        .unwrap();
    assert_eq!(results[0].order_id.as_deref(), Some("o-1"));
    assert_eq!(results[1].order_id.as_deref(), Some("o-2"));
    assert_eq!(
        server.seen().len(),
        3,
        "one listing of the market for both items"
    );
}

fn fill_json(fill_id: &str) -> Value {
    let fixture: Value =
        serde_json::from_str(include_str!("../../test_data/rest/fills.json")).unwrap();
    let mut f = fixture["fills"][0].clone();
    f["fill_id"] = json!(fill_id);
    f["trade_id"] = json!(fill_id);
    f
}

#[tokio::test]
async fn historical_reads_use_the_documented_paths_and_sign_the_private_ones() {
    use kalshi::model::historical::{GetHistoricalMarketsParams, HistoricalRangeParams};
    use kalshi::model::market::MveFilter;

    let cutoff = json!({"market_settled_ts": "2026-01-01T00:00:00Z",
        "trades_created_ts": "2026-01-02T00:00:00Z", "orders_updated_ts": "2026-01-03T00:00:00Z"});
    let server = MockServer::start(vec![
        Reply::json(200, cutoff),
        Reply::json(200, json!({"fills": [fill_json("f-1")], "cursor": ""})),
        Reply::json(
            200,
            json!({"orders": [order_json("o-1", "c-1")], "cursor": ""}),
        ),
        Reply::json(200, json!({"markets": [market_json("KX-A")], "cursor": ""})),
        Reply::json(200, json!({"market": market_json("KX-OLD")})),
    ])
    .await;
    let c = server.client();
    let cut = c.historical_cutoff().await.unwrap();
    assert_eq!(
        cut.orders_updated_ts.unix_timestamp(),
        1_767_398_400,
        "2026-01-03T00:00:00Z"
    );
    let range = HistoricalRangeParams {
        ticker: Some("KX-A".into()),
        min_ts: Some(10),
        max_ts: Some(20),
        limit: Some(7),
        cursor: None,
    };
    let fills = c.historical_fills(&range).await.unwrap();
    assert_eq!(fills.fills[0].fill_id, "f-1");
    let orders = c.historical_orders(&range).await.unwrap();
    assert_eq!(orders.orders[0].order_id, "o-1");
    let markets = c
        .historical_markets(&GetHistoricalMarketsParams {
            tickers: vec!["KX-A".into(), "KX-B".into()],
            mve_filter: Some(MveFilter::Exclude),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(markets.markets[0].ticker, "KX-A");
    assert_eq!(
        c.historical_market("KX-OLD").await.unwrap().ticker,
        "KX-OLD"
    );

    let seen = server.seen();
    let calls: Vec<(String, Option<String>, bool)> = seen
        .iter()
        .map(|s| (s.path.clone(), s.query.clone(), s.signature.is_some()))
        .collect();
    let p = |s: &str| format!("/trade-api/v2{s}");
    let range_query = Some("ticker=KX-A&min_ts=10&max_ts=20&limit=7".to_owned());
    assert_eq!(
        calls,
        vec![
            (p("/historical/cutoff"), None, true),
            (p("/historical/fills"), range_query.clone(), true),
            (p("/historical/orders"), range_query, true),
            (
                p("/historical/markets"),
                Some("tickers=KX-A%2CKX-B&mve_filter=exclude".into()),
                true
            ),
            (p("/historical/markets/KX-OLD"), None, true),
        ]
    );
    assert!(seen.iter().all(|s| s.method == "GET" && s.signature_ok));

    // Fills and orders are private: without credentials nothing is sent.
    let anonymous = Client::builder(server.env.clone()).build().unwrap();
    for err in [
        anonymous
            .historical_fills(&range_default())
            .await
            .unwrap_err(),
        anonymous
            .historical_orders(&range_default())
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, Error::NoCredentials { .. }), "{err:?}");
    }
    assert_eq!(server.seen().len(), 5);
}

fn range_default() -> kalshi::model::historical::HistoricalRangeParams {
    kalshi::model::historical::HistoricalRangeParams::default()
}

#[tokio::test]
async fn historical_streams_follow_cursors_repeating_filters() {
    use kalshi::model::historical::{GetHistoricalMarketsParams, HistoricalRangeParams};

    let server = MockServer::start(vec![
        Reply::json(
            200,
            json!({"fills": [fill_json("f-1"), fill_json("f-2")], "cursor": "c1"}),
        ),
        Reply::json(200, json!({"fills": [fill_json("f-3")], "cursor": ""})),
        Reply::json(
            200,
            json!({"orders": [order_json("o-1", "a")], "cursor": "d1"}),
        ),
        Reply::json(
            200,
            json!({"orders": [order_json("o-2", "b")], "cursor": ""}),
        ),
        Reply::json(
            200,
            json!({"markets": [market_json("KX-1")], "cursor": "e1"}),
        ),
        Reply::json(200, json!({"markets": [market_json("KX-2")], "cursor": ""})),
    ])
    .await;
    let c = server.client();
    let range = HistoricalRangeParams {
        ticker: Some("KX-A".into()),
        limit: Some(2),
        ..Default::default()
    };
    let fills: Vec<_> = c
        .historical_fills_stream(range.clone())
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = fills.iter().map(|f| f.fill_id.as_str()).collect();
    assert_eq!(ids, ["f-1", "f-2", "f-3"]);
    let orders: Vec<_> = c
        .historical_orders_stream(range)
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = orders.iter().map(|o| o.order_id.as_str()).collect();
    assert_eq!(ids, ["o-1", "o-2"]);
    let markets: Vec<_> = c
        .historical_markets_stream(GetHistoricalMarketsParams {
            series_ticker: Some("KXHIGHNY".into()),
            ..Default::default()
        })
        .try_collect()
        .await
        .unwrap();
    let tickers: Vec<&str> = markets.iter().map(|m| m.ticker.as_str()).collect();
    assert_eq!(tickers, ["KX-1", "KX-2"]);

    let seen: Vec<(String, String)> = server
        .seen()
        .into_iter()
        .map(|s| (s.path, s.query.unwrap_or_default()))
        .collect();
    let p = |s: &str| format!("/trade-api/v2{s}");
    assert_eq!(
        seen,
        vec![
            (p("/historical/fills"), "ticker=KX-A&limit=2".into()),
            (
                p("/historical/fills"),
                "ticker=KX-A&limit=2&cursor=c1".into()
            ),
            (p("/historical/orders"), "ticker=KX-A&limit=2".into()),
            (
                p("/historical/orders"),
                "ticker=KX-A&limit=2&cursor=d1".into()
            ),
            (p("/historical/markets"), "series_ticker=KXHIGHNY".into()),
            (
                p("/historical/markets"),
                "cursor=e1&series_ticker=KXHIGHNY".into()
            ),
        ]
    );
}
