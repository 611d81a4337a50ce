//! The admin routes cannot be used to take an account or change the exchange without the
//! per-start token: each refusal, and that a refused request changes nothing.

use kalshi_sim::server::FaultPlan;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::harness::{KEY_A, Sim, key_a_public, key_b_public, reply};

/// Every admin route, with a body that would change something if it were accepted.
fn routes(ticker: &str) -> Vec<(Method, String, Value)> {
    let m = |route: &str| format!("/markets/{ticker}/{route}");
    vec![
        (Method::GET, "/faults".into(), Value::Null),
        (
            Method::POST,
            "/faults".into(),
            json!({"exchange_paused": true}),
        ),
        (Method::DELETE, "/faults".into(), Value::Null),
        (Method::POST, m("close"), json!({})),
        (Method::POST, m("determine"), json!({"result": "yes"})),
        (Method::POST, m("settle"), json!({})),
        (Method::POST, m("pause"), json!({})),
        (Method::POST, m("activate"), json!({})),
        (Method::POST, "/activity/step".into(), json!({"steps": 1})),
        (
            Method::POST,
            "/clock/advance".into(),
            json!({"ms": 86_400_000}),
        ),
        (
            Method::POST,
            "/keys".into(),
            json!({"key_id": KEY_A, "public_key_pem": key_b_public()}),
        ),
        (
            Method::POST,
            "/historical/cutoff".into(),
            json!({"ts_ms": 1}),
        ),
    ]
}

/// What the admin routes could change, to compare before and after refusals.
async fn observable(sim: &Sim, ticker: &str) -> (FaultPlan, Value, Value) {
    let market = sim.get(&format!("/markets/{ticker}")).await.body["market"]["status"].clone();
    let balance = sim.get_a("/portfolio/balance").await.body["balance"].clone();
    (sim.handle.faults().plan(), market, balance)
}

#[tokio::test]
async fn requests_without_the_right_token_or_as_json_are_refused_and_change_nothing() {
    let sim = Sim::start().await;
    let ticker = sim.open_market().await["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = observable(&sim, &ticker).await;
    let clock_before = sim.handle.state().clock.now_ms();
    let token = sim.handle.admin_token().to_owned();
    let url = |path: &str| sim.url(&format!("/_sim{path}"));
    for (method, path, body) in routes(&ticker) {
        let json_req = |req: reqwest::RequestBuilder| {
            if body.is_null() {
                req.header("content-type", "application/json")
            } else {
                req.json(&body)
            }
        };
        // No token (what a web page's request looks like).
        let r = reply(
            json_req(sim.http.request(method.clone(), url(&path)))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(r.body["error"]["code"], "admin_token_required");
        // A wrong token (same length, and a prefix of the right one).
        for wrong in ["0".repeat(token.len()), token[..token.len() - 1].to_owned()] {
            let r = reply(
                json_req(sim.http.request(method.clone(), url(&path)))
                    .bearer_auth(&wrong)
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
            assert_eq!(r.body["error"]["code"], "admin_token_invalid");
            assert!(
                !r.body.to_string().contains(&token),
                "the token never leaks"
            );
        }
        if method == Method::GET {
            continue;
        }
        // The right token, but a browser's "simple" content types.
        let text = body.to_string();
        for (content_type, payload) in [
            ("text/plain", text.clone()),
            (
                "application/x-www-form-urlencoded",
                "exchange_paused=true".into(),
            ),
            ("multipart/form-data; boundary=x", text.clone()),
        ] {
            let r = sim
                .admin_request(method.clone(), &path)
                .header("content-type", content_type)
                .body(payload)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{method} {path} as {content_type}"
            );
        }
        let bare = sim
            .admin_request(method.clone(), &path)
            .send()
            .await
            .unwrap();
        assert_eq!(
            bare.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "no content type"
        );
    }
    assert_eq!(observable(&sim, &ticker).await, before, "nothing changed");
    let elapsed = sim.handle.state().clock.now_ms() - clock_before;
    assert!(
        elapsed < 3_600_000,
        "the clock was not advanced a day: {elapsed} ms"
    );
    assert_eq!(
        sim.get("/historical/cutoff").await.body["trades_created_ts"],
        "1970-01-01T00:00:00Z"
    );

    // The right token as JSON is accepted.
    let r = sim.admin("/faults", &json!({"share_429": 0.0})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_key_id_cannot_be_rebound_to_another_key() {
    let sim = Sim::start().await;
    let ticker = sim.open_market().await["ticker"]
        .as_str()
        .unwrap()
        .to_owned();
    // Give account A something to lose: a resting order holding collateral.
    let order = json!({"ticker": ticker, "side": "bid", "count": "3.00", "price": "0.30",
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"});
    let placed = sim.post_a("/portfolio/events/orders", &order).await;
    assert_eq!(placed.status, StatusCode::CREATED, "{:?}", placed.body);
    let balance = sim.get_a("/portfolio/balance").await.body;

    let same = sim
        .admin(
            "/keys",
            &json!({"key_id": KEY_A, "public_key_pem": key_a_public()}),
        )
        .await;
    assert_eq!(
        same.status,
        StatusCode::OK,
        "the same key again is fine: {:?}",
        same.body
    );
    let user = same.body["user_id"].clone();

    let other = sim
        .admin(
            "/keys",
            &json!({"key_id": KEY_A, "public_key_pem": key_b_public()}),
        )
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT, "{:?}", other.body);
    assert_eq!(other.body["error"]["code"], "api_key_id_taken");
    let err = sim.handle.register_key(KEY_A, &key_b_public()).unwrap_err();
    assert!(
        matches!(err, kalshi_sim::server::RegisterError::KeyIdTaken { .. }),
        "{err:?}"
    );

    // Key A still signs for the same account, untouched; key B's signature is not A's.
    assert_eq!(sim.get_a("/portfolio/balance").await.body, balance);
    let orders = sim.get_a("/portfolio/orders").await.body;
    assert_eq!(orders["orders"].as_array().unwrap().len(), 1);
    let again = sim
        .admin(
            "/keys",
            &json!({"key_id": KEY_A, "public_key_pem": key_a_public()}),
        )
        .await;
    assert_eq!(again.body["user_id"], user, "still the same account");
    let b_as_a =
        kalshi::auth::Credentials::from_pem(KEY_A, &crate::harness::key_b_private()).unwrap();
    let r = sim
        .call(Method::GET, "/portfolio/balance", Some(&b_as_a), None)
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "B's key does not open A's account"
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn without_admin_routes_there_is_no_sim_path_at_all() {
    let sim = Sim::start_with(|c| c.admin_routes = false).await;
    for path in ["/faults", "/keys", "/clock/advance"] {
        let r = sim
            .admin_request(Method::POST, path)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let r = sim
        .admin_request(Method::GET, "/faults")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The handle still drives it in-process.
    assert!(sim.handle.register_key("key-c", &key_b_public()).is_ok());
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn a_fixed_token_is_the_one_required() {
    let fixed = kalshi_sim::server::AdminToken::fixed("tooling-token-0123456789").unwrap();
    let sim = Sim::start_with(|c| c.admin_token = Some(fixed)).await;
    assert_eq!(sim.handle.admin_token(), "tooling-token-0123456789");
    let r = sim.admin("/faults", &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    sim.handle.shutdown().await;
}
