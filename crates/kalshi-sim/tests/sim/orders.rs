//! Order entry through the V2 endpoints and the portfolio reads the app reconciles from.

use kalshi::model::fill::GetFillsResponse;
use kalshi::model::from_str;
use kalshi::model::order::{GetOrderResponse, GetOrdersResponse, OrderStatus};
use kalshi::model::order_batch::{BatchCancelOrdersResponse, BatchCreateOrdersResponse};
use kalshi::model::order_entry::{
    AmendOrderResponse, CancelOrderResponse, CreateOrderResponse, DecreaseOrderResponse,
};
use kalshi::model::portfolio::{GetBalanceResponse, GetPositionsResponse};
use kalshi::model::settlement::GetSettlementsResponse;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::harness::{Reply, Sim};

fn decode<T: DeserializeOwned>(r: &Reply, status: StatusCode) -> T {
    assert_eq!(r.status, status, "{:?}", r.body);
    from_str(&r.body.to_string()).unwrap_or_else(|e| panic!("{e}: {}", r.body))
}

fn order(ticker: &str, side: &str, count: &str, price: &str) -> Value {
    json!({"ticker": ticker, "side": side, "count": count, "price": price,
        "time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross"})
}

#[tokio::test]
async fn create_then_read_back_amend_decrease_cancel() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let mut body = order(ticker, "bid", "10", "0.42");
    body["client_order_id"] = json!("c-1");
    let created: CreateOrderResponse = decode(
        &sim.post_a("/portfolio/events/orders", &body).await,
        StatusCode::CREATED,
    );
    assert_eq!(created.client_order_id.as_deref(), Some("c-1"));
    assert_eq!(created.fill_count.to_string(), "0.00");
    assert_eq!(created.remaining_count.to_string(), "10.00");

    let list: GetOrdersResponse = decode(&sim.get_a("/portfolio/orders").await, StatusCode::OK);
    assert_eq!(list.orders.len(), 1);
    let o = &list.orders[0];
    assert_eq!(o.order_id, created.order_id);
    assert_eq!(o.ticker, ticker);
    assert_eq!(o.status, OrderStatus::Resting);
    assert_eq!(o.yes_price_dollars.to_string(), "0.4200");
    assert_eq!(o.no_price_dollars.to_string(), "0.5800");
    assert_eq!(o.client_order_id, "c-1");
    assert_eq!(list.cursor, "");

    let dup = sim.post_a("/portfolio/events/orders", &body).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    assert_eq!(dup.body["error"]["code"], "order_already_exists");

    let id = &created.order_id;
    let amended: AmendOrderResponse = decode(
        &sim.post_a(
            &format!("/portfolio/events/orders/{id}/amend"),
            &json!({"ticker": ticker, "side": "bid", "price": "0.43", "count": "8"}),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(
        amended.remaining_count.map(|c| c.to_string()).as_deref(),
        Some("8.00")
    );
    let decreased: DecreaseOrderResponse = decode(
        &sim.post_a(
            &format!("/portfolio/events/orders/{id}/decrease"),
            &json!({"reduce_by": "3"}),
        )
        .await,
        StatusCode::OK,
    );
    assert_eq!(decreased.remaining_count.to_string(), "5.00");
    let one: GetOrderResponse = decode(
        &sim.get_a(&format!("/portfolio/orders/{id}")).await,
        StatusCode::OK,
    );
    assert_eq!(one.order.yes_price_dollars.to_string(), "0.4300");
    assert_eq!(one.order.remaining_count_fp.to_string(), "5.00");

    let canceled: CancelOrderResponse = decode(
        &sim.delete_a(&format!("/portfolio/events/orders/{id}"), None)
            .await,
        StatusCode::OK,
    );
    assert_eq!(canceled.reduced_by.to_string(), "5.00");
    let after: GetOrdersResponse = decode(
        &sim.get_a("/portfolio/orders?status=canceled").await,
        StatusCode::OK,
    );
    assert_eq!(after.orders.len(), 1);
    let resting: GetOrdersResponse = decode(
        &sim.get_a("/portfolio/orders?status=resting").await,
        StatusCode::OK,
    );
    assert!(resting.orders.is_empty());

    // Another user cannot see or touch it.
    let theirs = sim
        .call(
            Method::GET,
            &format!("/portfolio/orders/{id}"),
            Some(&sim.b),
            None,
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn fills_positions_balance_and_settlement() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let before: GetBalanceResponse = decode(&sim.get_a("/portfolio/balance").await, StatusCode::OK);
    assert_eq!(before.balance_dollars.to_string(), "10000.0000");
    assert_eq!(before.balance, 1_000_000);

    // B offers 5 at 0.60 in three orders; A buys 5 at 0.60.
    for count in ["1", "2", "2"] {
        let r = sim
            .call(
                Method::POST,
                "/portfolio/events/orders",
                Some(&sim.b),
                Some(&order(ticker, "ask", count, "0.60")),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    }
    let taken: CreateOrderResponse = decode(
        &sim.post_a(
            "/portfolio/events/orders",
            &order(ticker, "bid", "5", "0.60"),
        )
        .await,
        StatusCode::CREATED,
    );
    assert_eq!(taken.fill_count.to_string(), "5.00");
    assert_eq!(
        taken.average_fill_price.map(|p| p.to_string()).as_deref(),
        Some("0.6000")
    );

    // Fills: newest first, two per page, then the cursor runs out.
    let first: GetFillsResponse =
        decode(&sim.get_a("/portfolio/fills?limit=2").await, StatusCode::OK);
    assert_eq!(first.fills.len(), 2);
    assert!(first.fills.iter().all(|f| f.is_taker && f.ticker == ticker));
    let rest: GetFillsResponse = decode(
        &sim.get_a(&format!("/portfolio/fills?limit=2&cursor={}", first.cursor))
            .await,
        StatusCode::OK,
    );
    assert_eq!(rest.fills.len(), 1);
    assert_eq!(rest.cursor, "");
    let total: i64 = first
        .fills
        .iter()
        .chain(&rest.fills)
        .map(|f| f.count_fp.units())
        .sum();
    assert_eq!(total, 500, "5 contracts in centi-contracts");
    let by_order: GetFillsResponse = decode(
        &sim.get_a(&format!("/portfolio/fills?order_id={}", taken.order_id))
            .await,
        StatusCode::OK,
    );
    assert_eq!(by_order.fills.len(), 3);
    let future: GetFillsResponse = decode(
        &sim.get_a("/portfolio/fills?min_ts=99999999999").await,
        StatusCode::OK,
    );
    assert!(future.fills.is_empty(), "min_ts filters by time");

    let pos: GetPositionsResponse =
        decode(&sim.get_a("/portfolio/positions").await, StatusCode::OK);
    assert_eq!(pos.market_positions.len(), 1);
    assert_eq!(pos.market_positions[0].position_fp.to_string(), "5.00");
    assert_eq!(pos.event_positions.len(), 1);
    let theirs: GetPositionsResponse = decode(
        &sim.call(Method::GET, "/portfolio/positions", Some(&sim.b), None)
            .await,
        StatusCode::OK,
    );
    assert_eq!(theirs.market_positions[0].position_fp.to_string(), "-5.00");

    let after: GetBalanceResponse = decode(&sim.get_a("/portfolio/balance").await, StatusCode::OK);
    assert!(
        after.balance_dollars < before.balance_dollars,
        "paid for the contracts"
    );

    // Close, determine YES and settle through the admin routes.
    for (route, body) in [
        ("close", json!({})),
        ("determine", json!({"result": "yes"})),
        ("settle", json!({})),
    ] {
        let r = sim
            .admin(&format!("/markets/{ticker}/{route}"), &body)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{route}: {:?}", r.body);
    }
    let settled: GetSettlementsResponse =
        decode(&sim.get_a("/portfolio/settlements").await, StatusCode::OK);
    assert_eq!(settled.settlements.len(), 1);
    let s = &settled.settlements[0];
    assert_eq!(s.ticker, ticker);
    assert_eq!(s.yes_count_fp.to_string(), "5.00");
    assert_eq!(s.revenue, 500, "5 winning contracts pay 100 cents each");
    let pos: GetPositionsResponse =
        decode(&sim.get_a("/portfolio/positions").await, StatusCode::OK);
    assert!(
        pos.market_positions.is_empty(),
        "settled positions leave the list"
    );
    let closed = sim
        .post_a(
            "/portfolio/events/orders",
            &order(ticker, "bid", "1", "0.50"),
        )
        .await;
    assert_eq!(closed.status, StatusCode::CONFLICT);
    assert_eq!(closed.body["error"]["code"], "market_closed");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn batch_create_and_cancel_report_per_item() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let batch = json!({"orders": [
        order(ticker, "bid", "1", "0.30"),
        order("NO-SUCH-MARKET", "bid", "1", "0.30"),
        order(ticker, "bid", "2", "0.31"),
    ]});
    let created: BatchCreateOrdersResponse = decode(
        &sim.post_a("/portfolio/events/orders/batched", &batch).await,
        StatusCode::CREATED,
    );
    assert_eq!(created.orders.len(), 3);
    assert!(created.orders[0].error.is_none());
    let err = created.orders[1]
        .error
        .as_ref()
        .expect("unknown market fails alone");
    assert_eq!(err.code.as_deref(), Some("market_not_found"));
    assert!(created.orders[1].order_id.is_none());
    let ids: Vec<String> = [0, 2]
        .iter()
        .map(|i| created.orders[*i].order_id.clone().unwrap())
        .collect();
    let cancel = json!({"orders": [
        {"order_id": ids[0]}, {"order_id": ids[1]}, {"order_id": "not-an-order"}
    ]});
    let canceled: BatchCancelOrdersResponse = decode(
        &sim.delete_a("/portfolio/events/orders/batched", Some(&cancel))
            .await,
        StatusCode::OK,
    );
    assert_eq!(
        canceled.orders[0]
            .reduced_by
            .map(|c| c.to_string())
            .as_deref(),
        Some("1.00")
    );
    assert_eq!(
        canceled.orders[1]
            .reduced_by
            .map(|c| c.to_string())
            .as_deref(),
        Some("2.00")
    );
    assert_eq!(
        canceled.orders[2]
            .error
            .as_ref()
            .and_then(|e| e.code.as_deref()),
        Some("not_found")
    );

    // Cancel-all leaves nothing resting.
    for price in ["0.20", "0.21"] {
        let r = sim
            .post_a(
                "/portfolio/events/orders",
                &order(ticker, "bid", "1", price),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED);
    }
    let r = sim.delete_a("/portfolio/events/orders", None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let resting: GetOrdersResponse = decode(
        &sim.get_a("/portfolio/orders?status=resting").await,
        StatusCode::OK,
    );
    assert!(resting.orders.is_empty());
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn order_pages_are_newest_first_and_stable() {
    let sim = Sim::start().await;
    let m = sim.open_market().await;
    let ticker = m["ticker"].as_str().unwrap();
    let mut ids = Vec::new();
    for i in 0..5 {
        let price = format!("0.{}", 20 + i);
        let r: CreateOrderResponse = decode(
            &sim.post_a(
                "/portfolio/events/orders",
                &order(ticker, "bid", "1", &price),
            )
            .await,
            StatusCode::CREATED,
        );
        ids.push(r.order_id);
    }
    let first: GetOrdersResponse = decode(
        &sim.get_a("/portfolio/orders?limit=2").await,
        StatusCode::OK,
    );
    // A new order between pages must not shift the next page.
    let r = sim
        .post_a(
            "/portfolio/events/orders",
            &order(ticker, "bid", "1", "0.10"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let mut seen: Vec<String> = first.orders.iter().map(|o| o.order_id.clone()).collect();
    let mut cursor = first.cursor;
    while !cursor.is_empty() {
        let page: GetOrdersResponse = decode(
            &sim.get_a(&format!("/portfolio/orders?limit=2&cursor={cursor}"))
                .await,
            StatusCode::OK,
        );
        seen.extend(page.orders.into_iter().map(|o| o.order_id));
        cursor = page.cursor;
    }
    ids.reverse();
    assert_eq!(seen, ids, "newest first, each once");
    sim.handle.shutdown().await;
}
