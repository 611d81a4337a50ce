//! Bad requests get Kalshi-shaped 4xx bodies, never axum's plain text or a 500.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::harness::Sim;

fn order(ticker: &str) -> Value {
    json!({"ticker": ticker, "side": "bid", "count": "1", "price": "0.50",
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"})
}

#[tokio::test]
async fn malformed_bodies_are_invalid_parameters() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();

    let mut missing = order(ticker);
    missing.as_object_mut().unwrap().remove("count");
    let r = sim.post_a("/portfolio/events/orders", &missing).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "invalid_parameters");
    assert_eq!(r.body["error"]["message"], "invalid parameters");
    assert!(
        r.body["error"]["details"]
            .as_str()
            .unwrap()
            .contains("count"),
        "details name the missing field: {}",
        r.body
    );

    let mut wrong_type = order(ticker);
    wrong_type["count"] = json!(true);
    let r = sim.post_a("/portfolio/events/orders", &wrong_type).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "invalid_parameters");
    assert!(
        r.body["error"]["details"]
            .as_str()
            .unwrap()
            .contains("`count`"),
        "{}",
        r.body
    );

    let mut bad_enum = order(ticker);
    bad_enum["side"] = json!("buy");
    let r = sim.post_a("/portfolio/events/orders", &bad_enum).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let r = sim
        .post_a("/portfolio/events/orders", &json!("not an object"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);

    let path = "/trade-api/v2/portfolio/events/orders";
    let h = sim.a.headers_now("POST", path).unwrap();
    let mut req = sim.http.post(sim.url(path)).body("{not json");
    for (k, v) in h.pairs() {
        req = req.header(k, v);
    }
    let r = crate::harness::reply(req.send().await.unwrap()).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "invalid_parameters");

    let r = sim
        .post_a(
            "/portfolio/events/orders/00000000-0000-4000-8000-000000000000/decrease",
            &json!({"reduce_by": "1", "reduce_to": "1"}),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "exactly one of reduce_by / reduce_to"
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn off_tick_prices_and_unknown_tickers() {
    let sim = Sim::start().await;
    let markets = sim.get("/markets?status=open&limit=1000").await;
    let linear = markets.body["markets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["price_level_structure"] == "linear_cent")
        .expect("some market trades in whole cents")
        .clone();
    let mut off_tick = order(linear["ticker"].as_str().unwrap());
    off_tick["price"] = json!("0.555");
    let r = sim.post_a("/portfolio/events/orders", &off_tick).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "invalid_order");
    assert_eq!(r.body["error"]["details"], "price off tick grid");

    let mut zero = order(linear["ticker"].as_str().unwrap());
    zero["count"] = json!("0");
    let r = sim.post_a("/portfolio/events/orders", &zero).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.body["error"]["code"], "invalid_order_size");

    let r = sim
        .post_a("/portfolio/events/orders", &order("NOPE-26JAN01-X"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["error"]["code"], "market_not_found");
    let r = sim.get("/markets/NOPE-26JAN01-X").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["error"]["code"], "market_not_found");
    let r = sim.get_a("/portfolio/orders/not-an-order-id").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["error"]["code"], "not_found");

    let mut rich = order(linear["ticker"].as_str().unwrap());
    rich["count"] = json!("100000");
    rich["price"] = json!("0.99");
    let r = sim.post_a("/portfolio/events/orders", &rich).await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "more than the balance: {}",
        r.body
    );
    assert_eq!(r.body["error"]["code"], "insufficient_balance");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn v1_mutations_are_gone() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let id = "00000000-0000-4000-8000-000000000000";
    let v1 = json!({"ticker": ticker, "side": "yes", "action": "buy", "count": 1, "yes_price": 50});
    let calls = [
        (reqwest::Method::POST, "/portfolio/orders".to_owned()),
        (reqwest::Method::DELETE, format!("/portfolio/orders/{id}")),
        (
            reqwest::Method::POST,
            format!("/portfolio/orders/{id}/amend"),
        ),
        (
            reqwest::Method::POST,
            format!("/portfolio/orders/{id}/decrease"),
        ),
        (
            reqwest::Method::POST,
            "/portfolio/orders/batched".to_owned(),
        ),
        (
            reqwest::Method::DELETE,
            "/portfolio/orders/batched".to_owned(),
        ),
    ];
    for (method, endpoint) in calls {
        let r = sim
            .call(method.clone(), &endpoint, Some(&sim.a), Some(&v1))
            .await;
        assert_eq!(r.status, StatusCode::GONE, "{method} {endpoint}");
        assert_eq!(r.body["error"]["code"], "deprecated_v1_order_endpoint");
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let sim = Sim::start().await;
    let r = sim.get("/no/such/endpoint").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.body["error"]["code"], "not_found");
    let r = sim
        .call(reqwest::Method::PUT, "/markets", None, Some(&json!({})))
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.body["error"]["code"], "method_not_allowed");
    let r = sim.get("/markets?limit=abc").await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a query of the wrong type"
    );
    assert_eq!(r.body["error"]["code"], "invalid_parameters");
    sim.handle.shutdown().await;
}
