//! An account as the simulator holds it, read under the engine lock (`state.read`) and
//! put into the SDK's wire types, next to the same account read through the client's
//! paginating streams: the two must be equal after any fault.

use std::cmp::Reverse;

use futures_util::TryStreamExt as _;
use kalshi::model::Money;
use kalshi::model::fill::{Fill, GetFillsParams};
use kalshi::model::order::{GetOrdersParams, Order};
use kalshi::model::portfolio::{GetPositionsParams, MarketPosition, SubaccountParams};
use kalshi::rest::Client;
use kalshi_sim::ids::UserId;
use kalshi_sim::lifecycle::MarketStatus;
use kalshi_sim::server::convert;

use crate::harness::Sim;

/// Everything the app reconciles an account from.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountView {
    /// Orders, newest first.
    pub orders: Vec<Order>,
    /// Fills, newest first.
    pub fills: Vec<Fill>,
    /// Unsettled positions in market order.
    pub positions: Vec<MarketPosition>,
    /// Cash free for new orders.
    pub balance: Money,
}

/// The account behind `key_id`.
pub fn user_of(sim: &Sim, key_id: &str) -> UserId {
    sim.handle
        .state()
        .key(key_id)
        .expect("the key is registered")
        .user
}

/// The simulator's view of `key_id`'s account.
pub fn simulator(sim: &Sim, key_id: &str) -> AccountView {
    let user = user_of(sim, key_id);
    let state = sim.handle.state();
    state.read(|engine, now| {
        let account = engine.account(user).expect("the key has an account");
        let mut orders: Vec<_> = engine.orders_of(user).collect();
        orders.sort_by_key(|o| Reverse(o.id));
        let groups = state.groups();
        let orders = orders
            .into_iter()
            .map(|o| convert::order(o, groups.group_of(o.id).map(str::to_owned)))
            .collect();
        let fills = account.fills().iter().rev().map(convert::fill).collect();
        let positions = account
            .positions()
            .filter_map(|(mid, p)| {
                let m = engine.market_by_id(mid)?;
                let listed = m.status(now) != MarketStatus::Finalized
                    && (!p.position().is_zero() || !p.volume().is_zero());
                listed.then(|| convert::market_position(p, m))
            })
            .collect();
        AccountView {
            orders,
            fills,
            positions,
            balance: account.balance(),
        }
    })
}

/// The same account read through the client, every list in small pages so the streams
/// follow several cursors.
pub async fn client_view(client: &Client) -> AccountView {
    let orders = client
        .orders_stream(GetOrdersParams {
            limit: Some(7),
            ..GetOrdersParams::default()
        })
        .try_collect()
        .await
        .expect("orders stream");
    let fills = client
        .fills_stream(GetFillsParams {
            limit: Some(5),
            ..GetFillsParams::default()
        })
        .try_collect()
        .await
        .expect("fills stream");
    let positions = client
        .positions_stream(GetPositionsParams {
            limit: Some(2),
            ..GetPositionsParams::default()
        })
        .try_collect()
        .await
        .expect("positions stream");
    let balance = client
        .balance(&SubaccountParams::default())
        .await
        .expect("balance")
        .balance_dollars;
    AccountView {
        orders,
        fills,
        positions,
        balance,
    }
}

/// Asserts the client's view of `key_id` equals the simulator's, part by part (so a
/// failure names the part). The simulator must be quiet for this account.
pub async fn assert_agree(sim: &Sim, client: &Client, key_id: &str) -> AccountView {
    let seen = client_view(client).await;
    let truth = simulator(sim, key_id);
    assert_eq!(seen.orders, truth.orders, "{key_id}: orders");
    assert_eq!(seen.fills, truth.fills, "{key_id}: fills");
    assert_eq!(seen.positions, truth.positions, "{key_id}: positions");
    assert_eq!(seen.balance, truth.balance, "{key_id}: balance");
    seen
}
