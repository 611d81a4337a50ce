//! Every WebSocket channel through the SDK feed: each action the test triggers over REST
//! arrives as the expected typed message, equal to what the client then reads over REST,
//! and the order book built with `kalshi::book` from a burst of orders equals
//! `GET orderbook` and the simulator's book.

use std::collections::HashSet;

use kalshi::book::NoPriceScale;
use kalshi::model::fill::GetFillsParams;
use kalshi::model::market::MarketResult;
use kalshi::model::order::{BookSide, OrderStatus, OutcomeSide};
use kalshi::model::order_batch::BatchCancelOrder;
use kalshi::model::order_entry::{AmendOrderRequest, CreateOrderRequest};
use kalshi::model::portfolio::GetPositionsParams;
use kalshi::model::ws::{
    Channel, Fill, MarketLifecycle, MarketLifecycleEvent, MarketPosition, Message, OrderbookDelta,
    Ticker, Trade, UserOrder,
};
use kalshi::model::{Money, Price};
use kalshi::rest::Client;
use kalshi::ws::FeedEvent;
use kalshi_sim::server::FaultPatch;
use reqwest::StatusCode;
use serde_json::json;
use tokio::time::Instant;

use super::books::{Books, converge};
use super::support::{
    TestFeed, cents, client, contracts, gtc, ioc, start_feed, start_sim, tradable_markets,
};
use crate::harness::{Sim, WAIT};

/// A check on one message, with a name for the failure report.
type Want<'a> = (&'static str, Box<dyn Fn(&Message) -> bool + 'a>);

/// The feed, the books it feeds, and every message seen (to check nothing private leaked).
struct Watch {
    feed: TestFeed,
    books: Books,
    seen: Vec<Message>,
}

impl Watch {
    /// Reads events until every `want` matched a message; returns the first match of each.
    async fn expect(&mut self, wants: Vec<Want<'_>>) -> Vec<Message> {
        let deadline = Instant::now() + WAIT;
        let mut found: Vec<Option<Message>> = vec![None; wants.len()];
        while found.iter().any(Option::is_none) {
            let missing: Vec<&str> = wants
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|((name, _), _)| *name)
                .collect();
            let event = match tokio::time::timeout_at(deadline, self.feed.events.recv()).await {
                Ok(Some(e)) => e,
                Ok(None) => panic!("the feed ended; still missing {missing:?}"),
                Err(_) => panic!("no {missing:?} within {WAIT:?}"),
            };
            self.books.apply(&event);
            if let FeedEvent::Message(m) = event {
                for ((_, want), slot) in wants.iter().zip(found.iter_mut()) {
                    if slot.is_none() && want(&m) {
                        *slot = Some((*m).clone());
                    }
                }
                self.seen.push(*m);
            }
        }
        found.into_iter().flatten().collect()
    }
}

fn user_order(m: &Message) -> Option<&UserOrder> {
    match m {
        Message::UserOrder(d) => Some(&d.msg),
        _ => None,
    }
}

fn ticker(m: &Message) -> Option<&Ticker> {
    match m {
        Message::Ticker(d) => Some(&d.msg),
        _ => None,
    }
}

fn delta(m: &Message) -> Option<&OrderbookDelta> {
    match m {
        Message::OrderbookDelta(d) => Some(&d.msg),
        _ => None,
    }
}

fn trade(m: &Message) -> Option<&Trade> {
    match m {
        Message::Trade(d) => Some(&d.msg),
        _ => None,
    }
}

fn fill(m: &Message) -> Option<&Fill> {
    match m {
        Message::Fill(d) => Some(&d.msg),
        _ => None,
    }
}

fn position(m: &Message) -> Option<&MarketPosition> {
    match m {
        Message::MarketPosition(d) => Some(&d.msg),
        _ => None,
    }
}

fn lifecycle(m: &Message) -> Option<&MarketLifecycle> {
    match m {
        Message::MarketLifecycleV2(d) => Some(&d.msg),
        _ => None,
    }
}

/// A lifecycle message of `kind` about `market`.
fn on_market(market: &str, kind: MarketLifecycleEvent) -> Want<'_> {
    (
        "market_lifecycle_v2",
        Box::new(move |msg: &Message| {
            lifecycle(msg).is_some_and(|l| l.market_ticker == market && l.event_type == kind)
        }),
    )
}

async fn admin_ok(sim: &Sim, endpoint: &str, body: serde_json::Value) {
    let r = sim.admin(endpoint, &body).await;
    assert_eq!(r.status, StatusCode::OK, "{endpoint}: {:?}", r.body);
}

async fn place(c: &Client, req: &CreateOrderRequest) -> String {
    c.create_order(req).await.expect("order accepted").order_id
}

#[tokio::test]
async fn every_channel_delivers_its_typed_message() {
    let sim = start_sim(40).await;
    let maker = client(&sim, &sim.a);
    let taker = client(&sim, &sim.b);
    let markets = tradable_markets(&maker, 2).await;
    let (m, doomed) = (markets[0].ticker.clone(), markets[1].ticker.clone());
    let feed = start_feed(&sim, &sim.a).await;
    feed.subscribe(
        &[Channel::OrderbookDelta, Channel::Ticker, Channel::Trade],
        std::slice::from_ref(&m),
    )
    .await;
    feed.subscribe(
        &[
            Channel::Fill,
            Channel::UserOrders,
            Channel::MarketPositions,
            Channel::MarketLifecycleV2,
        ],
        &[],
    )
    .await;
    let mut w = Watch {
        feed,
        books: Books::new(std::slice::from_ref(&m), NoPriceScale::NoLeg),
        seen: Vec::new(),
    };
    let mut taker_orders = HashSet::new();

    // A resting bid: user_orders, ticker and orderbook_delta (with our client order id).
    let id = place(&maker, &gtc(&m, BookSide::Bid, 45, 5, "ch-bid")).await;
    let got = w
        .expect(vec![
            (
                "user_order resting",
                Box::new(|msg: &Message| user_order(msg).is_some_and(|o| o.order_id == id)),
            ),
            (
                "ticker with the new bid",
                Box::new(|msg: &Message| {
                    ticker(msg).is_some_and(|t| t.yes_bid_dollars == Some(cents(45)))
                }),
            ),
            (
                "orderbook_delta +5 at 0.45",
                Box::new(|msg: &Message| {
                    delta(msg)
                        .is_some_and(|d| d.price_dollars == cents(45) && d.side == OutcomeSide::Yes)
                }),
            ),
        ])
        .await;
    let o = user_order(&got[0]).expect("user order");
    assert_eq!(o.status, OrderStatus::Resting);
    assert_eq!(
        (o.fill_count_fp, o.remaining_count_fp),
        (contracts(0), contracts(5))
    );
    assert_eq!(o.client_order_id.as_deref(), Some("ch-bid"));
    assert_eq!(o.yes_price_dollars, cents(45));
    let t = ticker(&got[1]).expect("ticker");
    assert_eq!(
        (t.market_ticker.as_str(), t.yes_bid_size_fp),
        (m.as_str(), Some(contracts(5)))
    );
    let d = delta(&got[2]).expect("delta");
    assert_eq!(d.delta_fp, contracts(5));
    assert_eq!(
        d.client_order_id.as_deref(),
        Some("ch-bid"),
        "shown to its owner"
    );

    // The taker sells into it: trade, fill, user_orders, market_positions, ticker.
    let took = place(&taker, &ioc(&m, BookSide::Ask, 45, 2, "ch-take")).await;
    taker_orders.insert(took);
    let got = w
        .expect(vec![
            ("trade", Box::new(|msg: &Message| trade(msg).is_some())),
            (
                "fill",
                Box::new(|msg: &Message| fill(msg).is_some_and(|f| f.order_id == id)),
            ),
            (
                "user_order partly filled",
                Box::new(|msg: &Message| {
                    user_order(msg)
                        .is_some_and(|o| o.order_id == id && o.fill_count_fp == contracts(2))
                }),
            ),
            (
                "market_position after the fill",
                Box::new(|msg: &Message| {
                    position(msg).is_some_and(|p| p.market_ticker == m && !p.position_fp.is_zero())
                }),
            ),
            (
                "ticker after the trade",
                Box::new(|msg: &Message| ticker(msg).is_some_and(|t| t.volume_fp == contracts(2))),
            ),
        ])
        .await;
    let tr = trade(&got[0]).expect("trade");
    assert_eq!(tr.market_ticker, m);
    assert_eq!(
        (tr.yes_price_dollars, tr.count_fp),
        (cents(45), contracts(2))
    );
    assert_eq!(tr.no_price_dollars, cents(55));
    assert_eq!(tr.taker_outcome_side, Some(OutcomeSide::No));
    assert_eq!(tr.taker_book_side, Some(BookSide::Ask));
    let f = fill(&got[1]).expect("fill");
    assert!(!f.is_taker, "the resting bid made the trade");
    assert_eq!((f.yes_price_dollars, f.count_fp), (cents(45), contracts(2)));
    assert_eq!(f.trade_id, tr.trade_id, "the fill is that trade");
    assert_eq!(f.post_position_fp, Some(contracts(2)));
    assert_eq!(f.client_order_id.as_deref(), Some("ch-bid"));
    let rest_fill = maker
        .fills(&GetFillsParams::default())
        .await
        .expect("fills")
        .fills
        .remove(0);
    assert_eq!(rest_fill.trade_id, f.trade_id, "REST has the same fill");
    assert_eq!(Some(rest_fill.fee_cost), f.fee_cost);
    assert_eq!(rest_fill.count_fp, f.count_fp);
    let o = user_order(&got[2]).expect("user order");
    assert_eq!(
        (o.status, o.remaining_count_fp),
        (OrderStatus::Resting, contracts(3))
    );
    let rest_order = maker.order(&id).await.expect("order");
    assert_eq!(rest_order.fill_count_fp, o.fill_count_fp);
    assert_eq!(Some(rest_order.maker_fees_dollars), o.maker_fees_dollars);
    let p = position(&got[3]).expect("position");
    let rest_pos = maker
        .positions(&GetPositionsParams {
            ticker: Some(m.clone()),
            ..GetPositionsParams::default()
        })
        .await
        .expect("positions")
        .market_positions
        .remove(0);
    assert_eq!(p.position_fp, contracts(2));
    assert_eq!(p.position_fp, rest_pos.position_fp);
    assert_eq!(p.position_cost_dollars, rest_pos.market_exposure_dollars);
    assert_eq!(
        p.position_cost_dollars,
        Money::cost(cents(45), contracts(2)).expect("cost")
    );
    assert_eq!(p.fees_paid_dollars, rest_pos.fees_paid_dollars);
    assert_eq!(p.realized_pnl_dollars, rest_pos.realized_pnl_dollars);
    let t = ticker(&got[4]).expect("ticker");
    assert_eq!(t.price_dollars, Some(cents(45)), "last price");
    assert_eq!(t.last_trade_size_fp, Some(contracts(2)));

    // A burst from both keys (rests, crosses, cancels, an amend): the book the SDK built
    // from snapshot + deltas equals GET orderbook and the simulator's book.
    let mut resting = Vec::new();
    for i in 0..12 {
        let req = gtc(
            &m,
            BookSide::Bid,
            30 + i,
            1 + i % 3,
            &format!("burst-bid-{i}"),
        );
        resting.push(place(&maker, &req).await);
        let req = gtc(
            &m,
            BookSide::Ask,
            52 + i,
            2 + i % 2,
            &format!("burst-ask-{i}"),
        );
        taker_orders.insert(place(&taker, &req).await);
    }
    taker_orders.insert(place(&taker, &ioc(&m, BookSide::Ask, 38, 7, "burst-cross")).await);
    let cancels: Vec<_> = resting[..3]
        .iter()
        .cloned()
        .map(BatchCancelOrder::new)
        .collect();
    maker
        .batch_cancel_orders(&cancels)
        .await
        .expect("batch cancel");
    let amended = maker
        .amend_order(
            &resting[4],
            &AmendOrderRequest {
                ticker: m.clone(),
                side: BookSide::Bid,
                price: cents(36),
                count: contracts(5),
                client_order_id: Some("burst-bid-4".into()),
                updated_client_order_id: None,
                exchange_index: None,
                subaccount: None,
            },
        )
        .await
        .expect("amend");
    assert_eq!(amended.remaining_count, Some(contracts(5)));
    converge(&sim, &mut w.feed, &mut w.books, &maker).await;
    let levels = w.books.levels();
    assert!(levels[&m].depth() > 10, "a real book: {}", levels[&m]);
    assert!(w.books.seen.deltas > 30, "{:?}", w.books.seen);

    // Lifecycle of the other market: pause, resume, (close), determine, settle.
    let on_doomed = |kind| on_market(&doomed, kind);
    admin_ok(&sim, &format!("/markets/{doomed}/pause"), json!({})).await;
    let got = w
        .expect(vec![on_doomed(MarketLifecycleEvent::Deactivated)])
        .await;
    assert_eq!(
        lifecycle(&got[0]).and_then(|l| l.is_deactivated),
        Some(true)
    );
    admin_ok(&sim, &format!("/markets/{doomed}/activate"), json!({})).await;
    w.expect(vec![on_doomed(MarketLifecycleEvent::Activated)])
        .await;
    admin_ok(&sim, &format!("/markets/{doomed}/close"), json!({})).await;
    admin_ok(
        &sim,
        &format!("/markets/{doomed}/determine"),
        json!({"result": "no"}),
    )
    .await;
    let got = w
        .expect(vec![on_doomed(MarketLifecycleEvent::Determined)])
        .await;
    let l = lifecycle(&got[0]).expect("lifecycle");
    assert_eq!(l.result, Some(MarketResult::No));
    assert_eq!(l.settlement_value, Some(Price::ZERO));
    admin_ok(&sim, &format!("/markets/{doomed}/settle"), json!({})).await;
    let got = w
        .expect(vec![on_doomed(MarketLifecycleEvent::Settled)])
        .await;
    assert!(lifecycle(&got[0]).and_then(|l| l.settled_ts).is_some());

    // After a dropped connection every channel is subscribed again and delivers.
    sim.handle
        .set_faults(&FaultPatch {
            drop_ws_now: true,
            ..FaultPatch::default()
        })
        .expect("drop");
    w.books
        .follow_until(&mut w.feed, |e| matches!(e, FeedEvent::Reconnected))
        .await;
    let held = maker
        .positions(&GetPositionsParams {
            ticker: Some(m.clone()),
            ..GetPositionsParams::default()
        })
        .await
        .expect("positions")
        .market_positions
        .remove(0)
        .position_fp;
    let after = held.checked_add(contracts(1)).expect("fits");
    let again = place(&maker, &gtc(&m, BookSide::Bid, 44, 3, "ch-again")).await;
    taker_orders.insert(place(&taker, &ioc(&m, BookSide::Ask, 44, 1, "ch-again-take")).await);
    let got = w
        .expect(vec![
            (
                "trade",
                Box::new(|msg: &Message| {
                    trade(msg).is_some_and(|t| t.yes_price_dollars == cents(44))
                }),
            ),
            (
                "fill",
                Box::new(|msg: &Message| fill(msg).is_some_and(|f| f.order_id == again)),
            ),
            (
                "user_order",
                Box::new(|msg: &Message| {
                    user_order(msg)
                        .is_some_and(|o| o.order_id == again && o.fill_count_fp == contracts(1))
                }),
            ),
            (
                "market_position",
                Box::new(|msg: &Message| {
                    position(msg).is_some_and(|p| p.market_ticker == m && p.position_fp == after)
                }),
            ),
            (
                "ticker",
                Box::new(|msg: &Message| {
                    ticker(msg).is_some_and(|t| t.price_dollars == Some(cents(44)))
                }),
            ),
            (
                "orderbook_delta",
                Box::new(|msg: &Message| {
                    delta(msg).is_some_and(|d| d.client_order_id.as_deref() == Some("ch-again"))
                }),
            ),
        ])
        .await;
    let p = position(&got[3]).expect("position");
    let rest_pos = maker
        .positions(&GetPositionsParams {
            ticker: Some(m.clone()),
            ..GetPositionsParams::default()
        })
        .await
        .expect("positions")
        .market_positions
        .remove(0);
    assert_eq!(p.position_fp, rest_pos.position_fp);

    // Private channels carried only the maker's own orders.
    for msg in &w.seen {
        let order = fill(msg)
            .map(|f| f.order_id.as_str())
            .or_else(|| user_order(msg).map(|o| o.order_id.as_str()));
        if let Some(order) = order {
            assert!(
                !taker_orders.contains(order),
                "someone else's order leaked: {msg:?}"
            );
        }
    }
    converge(&sim, &mut w.feed, &mut w.books, &maker).await;
    w.feed.shutdown().await;
    sim.handle.shutdown().await;
}
