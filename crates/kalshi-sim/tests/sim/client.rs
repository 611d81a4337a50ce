//! The SDK's typed REST client against the simulator: the two must agree on every shape.

use futures_util::StreamExt;
use kalshi::env::Environment;
use kalshi::model::market::GetMarketsParams;
use kalshi::model::order::{
    BookSide, GetOrdersParams, OrderStatus, SelfTradePrevention, TimeInForce,
};
use kalshi::model::order_entry::{CancelOrderParams, CreateOrderRequest};
use kalshi::model::portfolio::SubaccountParams;
use kalshi::model::{Count, Price};
use kalshi::rest::{Client, Error};

use crate::harness::Sim;

fn client(sim: &Sim) -> Client {
    let env = Environment::custom(&sim.handle.rest_url(), &sim.handle.ws_url()).unwrap();
    Client::new(env, Some(sim.a.clone())).unwrap()
}

#[tokio::test]
async fn the_typed_client_trades_against_the_simulator() {
    let sim = Sim::start().await;
    let c = client(&sim);
    let status = c.exchange_status().await.unwrap();
    assert!(status.exchange_active);

    let params = GetMarketsParams {
        limit: Some(9),
        ..GetMarketsParams::default()
    };
    let markets: Vec<_> = c.markets_stream(params).collect().await;
    assert_eq!(
        markets.len(),
        60,
        "the stream follows every cursor to the end"
    );
    let open = markets
        .into_iter()
        .map(Result::unwrap)
        .find(|m| m.status.is_tradable())
        .expect("an open market");

    let mut req = CreateOrderRequest::new(
        open.ticker.clone(),
        BookSide::Bid,
        Price::parse("0.33").unwrap(),
        Count::from_contracts(4),
        TimeInForce::GoodTillCanceled,
        SelfTradePrevention::TakerAtCross,
    );
    req.client_order_id = Some("typed-1".into());
    let created = c.create_order(&req).await.unwrap();
    assert_eq!(created.remaining_count, Count::from_contracts(4));
    let listed = c.orders(&GetOrdersParams::default()).await.unwrap();
    assert_eq!(listed.orders[0].order_id, created.order_id);
    assert_eq!(listed.orders[0].status, OrderStatus::Resting);
    let canceled = c
        .cancel_order(&created.order_id, &CancelOrderParams::default())
        .await
        .unwrap();
    assert_eq!(canceled.reduced_by, Count::from_contracts(4));
    let balance = c.balance(&SubaccountParams::default()).await.unwrap();
    assert_eq!(balance.balance_dollars.to_string(), "10000.0000");

    match c.market("NOPE-1").await {
        Err(Error::Api { status, code, .. }) => {
            assert_eq!(status, 404);
            assert_eq!(code, "market_not_found");
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn the_client_adopts_the_tier_the_account_reports() {
    let sim = Sim::start_with(|c| c.usage_tier = kalshi_sim::server::UsageTier::Premier).await;
    let c = client(&sim);
    assert_eq!(
        c.tier(),
        kalshi::rest::Tier::Basic,
        "the default before asking"
    );
    let limits = c.account_limits().await.unwrap();
    assert_eq!(limits.usage_tier, "premier");
    assert_eq!(limits.read.refill_rate, 1_000);
    assert_eq!(
        c.adopt_account_tier().await.unwrap(),
        kalshi::rest::Tier::Premier
    );
    assert_eq!(c.tier(), kalshi::rest::Tier::Premier);

    let anonymous = Client::new(
        Environment::custom(&sim.handle.rest_url(), &sim.handle.ws_url()).unwrap(),
        None,
    )
    .unwrap();
    assert!(
        matches!(
            anonymous.account_limits().await,
            Err(Error::NoCredentials { .. })
        ),
        "limits are per account: no key, no call"
    );
    sim.handle.shutdown().await;
}
