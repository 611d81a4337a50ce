//! Signature checks: every failure is a 401 with Kalshi's wrapped body; public routes work
//! without credentials.

use kalshi::auth::{Credentials, HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, now_ms};
use reqwest::StatusCode;
use serde_json::json;

use crate::harness::{KEY_A, Sim, key_b_private, reply};

fn unauthorized(details: &str) -> serde_json::Value {
    json!({"error": {"code": "invalid_credentials", "message": "invalid credentials", "details": details}})
}

#[tokio::test]
async fn missing_headers_are_401_naming_the_header() {
    let sim = Sim::start().await;
    let r = sim.get("/portfolio/balance").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body, unauthorized("missing KALSHI-ACCESS-KEY header"));

    let path = "/trade-api/v2/portfolio/balance";
    let h = sim.a.headers_now("GET", path).unwrap();
    let r = reply(
        sim.http
            .get(sim.url(path))
            .header(HEADER_KEY, &h.key)
            .header(HEADER_TIMESTAMP, &h.timestamp)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.body,
        unauthorized("missing KALSHI-ACCESS-SIGNATURE header")
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_signature_by_another_key_is_rejected() {
    let sim = Sim::start().await;
    // Key B's private key signing for key A's id.
    let impostor = Credentials::from_pem(KEY_A, &key_b_private()).unwrap();
    let r = sim
        .call(
            reqwest::Method::GET,
            "/portfolio/balance",
            Some(&impostor),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        r.body,
        unauthorized(
            "signature rejected: the signature does not match the message (RSA-PSS, SHA-256, salt 32)"
        )
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn stale_and_non_millisecond_timestamps_are_rejected() {
    let sim = Sim::start().await;
    let path = "/trade-api/v2/portfolio/balance";
    let send = |ts: u64| {
        let h = sim.a.headers("GET", path, ts).unwrap();
        let req = sim.http.get(sim.url(path));
        async move {
            let mut req = req;
            for (k, v) in h.pairs() {
                req = req.header(k, v);
            }
            reply(req.send().await.unwrap()).await
        }
    };
    let now = now_ms().unwrap();
    let stale = send(now - 60_000).await;
    assert_eq!(stale.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        stale.body,
        unauthorized("KALSHI-ACCESS-TIMESTAMP is outside the allowed window of 30000 ms")
    );
    let future = send(now + 60_000).await;
    assert_eq!(
        future.status,
        StatusCode::UNAUTHORIZED,
        "the window is two-sided"
    );
    let seconds = send(now / 1000).await;
    assert_eq!(
        seconds.status,
        StatusCode::UNAUTHORIZED,
        "seconds are not milliseconds"
    );
    let fresh = send(now).await;
    assert_eq!(fresh.status, StatusCode::OK, "{:?}", fresh.body);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn unknown_keys_are_rejected() {
    let sim = Sim::start().await;
    let stranger = Credentials::from_pem("nobody", &key_b_private()).unwrap();
    let r = sim
        .call(
            reqwest::Method::GET,
            "/portfolio/balance",
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.body, unauthorized("unknown API key"));
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn the_signed_path_has_the_prefix_and_no_query() {
    let sim = Sim::start().await;
    // Signed over the path only: the query string is not part of the message.
    let r = sim.get_a("/portfolio/orders?limit=5&status=resting").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Signed without the /trade-api/v2 prefix: rejected.
    let path = "/trade-api/v2/portfolio/balance";
    let h = sim.a.headers_now("GET", "/portfolio/balance").unwrap();
    let mut req = sim.http.get(sim.url(path));
    for (k, v) in h.pairs() {
        req = req.header(k, v);
    }
    let r = reply(req.send().await.unwrap()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Signed as POST but sent as GET: rejected.
    let h = sim.a.headers_now("POST", path).unwrap();
    let mut req = sim.http.get(sim.url(path));
    for (k, v) in h.pairs() {
        req = req.header(k, v);
    }
    assert_eq!(
        reply(req.send().await.unwrap()).await.status,
        StatusCode::UNAUTHORIZED
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn public_routes_work_with_and_without_credentials() {
    let sim = Sim::start().await;
    for endpoint in [
        "/exchange/status",
        "/markets?limit=2",
        "/series",
        "/events?limit=1",
    ] {
        let anon = sim.get(endpoint).await;
        assert_eq!(
            anon.status,
            StatusCode::OK,
            "{endpoint} without auth: {:?}",
            anon.body
        );
        let signed = sim.get_a(endpoint).await;
        assert_eq!(signed.status, StatusCode::OK, "{endpoint} with auth");
    }
    let impostor = Credentials::from_pem(KEY_A, &key_b_private()).unwrap();
    let r = sim
        .call(reqwest::Method::GET, "/markets", Some(&impostor), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "credentials that are sent must be valid, even on public routes"
    );
    let sig_only = reply(
        sim.http
            .get(sim.url("/trade-api/v2/markets"))
            .header(HEADER_SIGNATURE, "x")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        sig_only.status,
        StatusCode::OK,
        "no key header means anonymous"
    );
    sim.handle.shutdown().await;
}
