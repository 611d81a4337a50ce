//! An order's whole life through the typed client with two keys (maker A, taker B):
//! place, partial fill, amend, decrease, cancel; batch create and cancel with bad items;
//! paginated orders and fills; then close, determine and settle, after which the balance
//! is exactly the start minus costs and fees plus the payout, computed from the fills the
//! client received.

use std::collections::HashSet;

use futures_util::TryStreamExt as _;
use kalshi::model::fill::Fill;
use kalshi::model::market::{MarketResult, MarketStatus};
use kalshi::model::order::{BookSide, OrderStatus, OutcomeSide};
use kalshi::model::order_batch::BatchCancelOrder;
use kalshi::model::order_entry::{
    AmendOrderRequest, CancelOrderParams, CreateOrderRequest, Decrease, DecreaseOrderRequest,
};
use kalshi::model::portfolio::{GetPositionsParams, SubaccountParams};
use kalshi::model::settlement::{GetSettlementsParams, Settlement, SettlementResult};
use kalshi::model::{Count, Money, Price};
use kalshi::rest::Client;
use reqwest::StatusCode;
use serde_json::json;

use super::support::{cents, client, contracts, count, gtc, ioc, start_sim, tradable_markets};
use super::truth::assert_agree;
use crate::harness::{KEY_A, KEY_B, Sim};

/// What a set of fills in one market cost and bought, from the fills alone. Each test
/// account only ever opens positions (the maker only buys YES, the taker only buys NO),
/// so every fill costs its side's price times its count.
#[derive(Debug, Default, PartialEq, Eq)]
struct Ledger {
    cost: Money,
    fees: Money,
    yes: Count,
    no: Count,
}

fn ledger(fills: &[Fill], ticker: &str) -> Ledger {
    let mut l = Ledger::default();
    for f in fills.iter().filter(|f| f.market_ticker == ticker) {
        let (price, held) = match f.outcome_side {
            OutcomeSide::Yes => (f.yes_price_dollars, &mut l.yes),
            OutcomeSide::No => (f.no_price_dollars, &mut l.no),
        };
        *held = held.checked_add(f.count_fp).expect("count fits");
        let cost = Money::cost(price, f.count_fp).expect("cost fits");
        l.cost = l.cost.checked_add(cost).expect("cost fits");
        l.fees = l.fees.checked_add(f.fee_cost).expect("fees fit");
    }
    l
}

/// `req` with a fractional size.
fn fractional(mut req: CreateOrderRequest, size: &str) -> CreateOrderRequest {
    req.count = count(size);
    req
}

async fn balance(c: &Client) -> Money {
    c.balance(&SubaccountParams::default())
        .await
        .expect("balance")
        .balance_dollars
}

async fn admin_ok(sim: &Sim, endpoint: &str, body: serde_json::Value) {
    let r = sim.admin(endpoint, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint}: {:?}", r.body);
}

async fn settlements(c: &Client) -> Vec<Settlement> {
    c.settlements_stream(GetSettlementsParams::default())
        .try_collect()
        .await
        .expect("settlements")
}

#[tokio::test]
async fn an_order_lives_from_placement_to_settlement() {
    let sim = start_sim(40).await;
    let maker = client(&sim, &sim.a);
    let taker = client(&sim, &sim.b);
    let markets = tradable_markets(&maker, 2).await;
    let (m, other) = (markets[0].ticker.as_str(), markets[1].ticker.as_str());
    let start = balance(&maker).await;
    assert_eq!(start, balance(&taker).await, "both keys start alike");

    // Place, then a partial fill by the taker.
    let placed = maker
        .create_order(&fractional(
            gtc(m, BookSide::Bid, 40, 0, "life-bid"),
            "10.50",
        ))
        .await
        .expect("placed");
    assert_eq!(
        (placed.fill_count, placed.remaining_count),
        (Count::ZERO, count("10.50"))
    );
    assert_eq!(placed.client_order_id.as_deref(), Some("life-bid"));
    let id = placed.order_id.clone();
    let took = taker
        .create_order(&fractional(
            ioc(m, BookSide::Ask, 40, 0, "life-take-1"),
            "4.25",
        ))
        .await
        .expect("taken");
    assert_eq!(
        (took.fill_count, took.remaining_count),
        (count("4.25"), Count::ZERO)
    );
    let o = maker.order(&id).await.expect("order");
    assert_eq!(o.status, OrderStatus::Resting);
    assert_eq!(
        (o.fill_count_fp, o.remaining_count_fp),
        (count("4.25"), count("6.25"))
    );

    // Amend: a new price and a new total (4.25 filled + 8.25 resting), and a new client id.
    let amended = maker
        .amend_order(
            &id,
            &AmendOrderRequest {
                ticker: m.to_owned(),
                side: BookSide::Bid,
                price: cents(42),
                count: count("12.50"),
                client_order_id: Some("life-bid".into()),
                updated_client_order_id: Some("life-bid-2".into()),
                exchange_index: None,
                subaccount: None,
            },
        )
        .await
        .expect("amended");
    assert_eq!(amended.order_id, id, "an amend keeps the order id");
    assert_eq!(amended.remaining_count, Some(count("8.25")));
    let o = maker.order(&id).await.expect("order");
    assert_eq!(o.yes_price_dollars, cents(42));
    assert_eq!(
        (o.fill_count_fp, o.remaining_count_fp),
        (count("4.25"), count("8.25"))
    );
    assert_eq!(o.client_order_id, "life-bid-2");

    // Decrease by 3, then to 4.
    let d = maker
        .decrease_order(&id, &DecreaseOrderRequest::new(Decrease::By(contracts(3))))
        .await
        .expect("decreased by");
    assert_eq!(d.remaining_count, count("5.25"));
    let d = maker
        .decrease_order(&id, &DecreaseOrderRequest::new(Decrease::To(contracts(4))))
        .await
        .expect("decreased to");
    assert_eq!(d.remaining_count, contracts(4));
    let book = maker.orderbook(m, None).await.expect("book");
    assert_eq!(
        book.best_yes_bid().map(|l| (l.price, l.count)),
        Some((cents(42), contracts(4))),
        "{book:?}"
    );

    // Another fill at the amended price, then cancel the rest.
    let took = taker
        .create_order(&ioc(m, BookSide::Ask, 42, 2, "life-take-2"))
        .await
        .expect("taken");
    assert_eq!(took.fill_count, contracts(2));
    let canceled = maker
        .cancel_order(&id, &CancelOrderParams::default())
        .await
        .expect("canceled");
    assert_eq!(canceled.reduced_by, contracts(2));
    let o = maker.order(&id).await.expect("order");
    assert_eq!(o.status, OrderStatus::Canceled);
    assert_eq!(
        (o.fill_count_fp, o.remaining_count_fp),
        (count("6.25"), Count::ZERO)
    );

    // Batch create with one bad item (an unknown market): the others still rest.
    let results = maker
        .batch_create_orders(&[
            gtc(m, BookSide::Bid, 31, 1, "batch-1"),
            gtc(other, BookSide::Bid, 32, 2, "batch-2"),
            gtc("NOPE-NOT-A-MARKET", BookSide::Bid, 33, 1, "batch-bad"),
        ])
        .await
        .expect("batch answered");
    assert_eq!(results.len(), 3);
    for (r, rest) in results[..2].iter().zip([1, 2]) {
        assert!(r.error.is_none(), "{r:?}");
        assert_eq!(r.remaining_count, Some(contracts(rest)));
    }
    let bad = &results[2];
    assert!(bad.order_id.is_none() && bad.error.is_some(), "{bad:?}");
    assert_eq!(bad.client_order_id.as_deref(), Some("batch-bad"));
    let ids: Vec<String> = results[..2]
        .iter()
        .map(|r| r.order_id.clone().expect("order id"))
        .collect();

    // Batch cancel, with one item naming the taker's order (not the maker's to cancel).
    let results = maker
        .batch_cancel_orders(&[
            BatchCancelOrder::new(ids[0].clone()),
            BatchCancelOrder::new(ids[1].clone()),
            BatchCancelOrder::new(took.order_id.clone()),
        ])
        .await
        .expect("batch cancel answered");
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].reduced_by, Some(contracts(1)));
    assert_eq!(results[1].reduced_by, Some(contracts(2)));
    assert!(
        results[..2].iter().all(|r| r.error.is_none()),
        "{results:?}"
    );
    assert!(results[2].error.is_some(), "{:?}", results[2]);

    // A ladder of 20 one-lot bids, swept by one taker order: 20 fills a side.
    let ladder: Vec<_> = (0..20)
        .map(|i| gtc(m, BookSide::Bid, 30 + i % 10, 1, &format!("ladder-{i}")))
        .collect();
    let placed = maker.batch_create_orders(&ladder).await.expect("ladder");
    assert!(placed.iter().all(|r| r.error.is_none()), "{placed:?}");
    let swept = taker
        .create_order(&ioc(m, BookSide::Ask, 30, 20, "sweep"))
        .await
        .expect("sweep");
    assert_eq!(swept.fill_count, contracts(20));
    let book = maker.orderbook(m, None).await.expect("book");
    assert!(
        book.yes_dollars.is_empty(),
        "the sweep took every bid: {book:?}"
    );

    // Pagination: the streams (pages of 7 orders / 5 fills / 2 positions) return exactly
    // the simulator's lists, in order, nothing doubled or missed at page edges.
    let maker_view = assert_agree(&sim, &maker, KEY_A).await;
    let taker_view = assert_agree(&sim, &taker, KEY_B).await;
    assert_eq!(
        maker_view.orders.len(),
        1 + 2 + 20,
        "every order the maker placed, none for the refused item"
    );
    assert_eq!(maker_view.fills.len(), 2 + 20);
    assert_eq!(taker_view.fills.len(), 2 + 20);
    let unique: HashSet<&str> = maker_view
        .fills
        .iter()
        .map(|f| f.fill_id.as_str())
        .collect();
    assert_eq!(unique.len(), maker_view.fills.len(), "no fill twice");
    assert!(
        !maker_view
            .orders
            .iter()
            .any(|o| o.client_order_id == "batch-bad"),
        "the refused batch item created nothing"
    );

    // Close, determine YES, settle: through the admin routes.
    admin_ok(&sim, &format!("/markets/{m}/close"), json!({})).await;
    assert_eq!(
        maker.market(m).await.expect("market").status,
        MarketStatus::Closed
    );
    admin_ok(
        &sim,
        &format!("/markets/{m}/determine"),
        json!({"result": "yes"}),
    )
    .await;
    admin_ok(&sim, &format!("/markets/{m}/settle"), json!({})).await;
    let settled = maker.market(m).await.expect("market");
    assert_eq!(settled.status, MarketStatus::Finalized);
    assert_eq!(settled.result, MarketResult::Yes);

    // The money, from the fills each client received.
    let won = |l: &Ledger| Money::cost(Price::ONE, l.yes).expect("payout fits");
    for (who, c, view, key) in [
        ("maker", &maker, &maker_view, KEY_A),
        ("taker", &taker, &taker_view, KEY_B),
    ] {
        let l = ledger(&view.fills, m);
        let expected = start
            .checked_sub(l.cost)
            .and_then(|b| b.checked_sub(l.fees))
            .and_then(|b| b.checked_add(won(&l)))
            .expect("balance fits");
        assert_eq!(
            balance(c).await,
            expected,
            "{who}: start − cost − fees + payout"
        );
        let s = settlements(c).await;
        assert_eq!(s.len(), 1, "{who}: one settled market: {s:?}");
        let s = &s[0];
        assert_eq!(s.ticker, m);
        assert_eq!(s.market_result, SettlementResult::Yes);
        assert_eq!((s.yes_count_fp, s.no_count_fp), (l.yes, l.no), "{who}");
        let (yes_cost, no_cost) = if l.yes.is_zero() {
            (Money::ZERO, l.cost)
        } else {
            (l.cost, Money::ZERO)
        };
        assert_eq!(
            (s.yes_total_cost_dollars, s.no_total_cost_dollars),
            (yes_cost, no_cost),
            "{who}"
        );
        assert_eq!(
            s.revenue,
            won(&l).to_cents_trunc(),
            "{who}: revenue in cents"
        );
        assert_eq!(s.fee_cost, l.fees, "{who}");
        let positions: Vec<_> = c
            .positions_stream(GetPositionsParams::default())
            .try_collect()
            .await
            .expect("positions");
        assert!(
            positions.iter().all(|p| p.ticker != m),
            "{who}: the settled position is gone: {positions:?}"
        );
        assert_agree(&sim, c, key).await;
    }
    let maker_fills = ledger(&maker_view.fills, m);
    assert_eq!(
        maker_fills.yes,
        count("26.25"),
        "the maker bought 26.25 YES"
    );
    assert_eq!(ledger(&taker_view.fills, m).no, count("26.25"));
    sim.handle.shutdown().await;
}
