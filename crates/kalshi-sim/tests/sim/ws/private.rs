//! Private channels (fill, user_orders, market_positions) reach only their owner; the
//! public trade and ticker channels reach everyone.

use kalshi::model::order::{BookSide, OrderStatus, OutcomeSide};
use kalshi::model::ws::{Channel, Message};
use kalshi::model::{Count, Price};

use super::client::{WsClient, connect, open_markets, order, place};
use crate::harness::Sim;

fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}

fn c(s: &str) -> Count {
    Count::parse(s).unwrap()
}

/// Messages up to the `user_order` of the order with client id `barrier`.
async fn up_to_order(ws: &mut WsClient, barrier: &str) -> Vec<Message> {
    ws.until(
        |m| matches!(m, Message::UserOrder(o) if o.msg.client_order_id.as_deref() == Some(barrier)),
    )
    .await
}

fn fills(msgs: &[Message]) -> Vec<&kalshi::model::ws::Fill> {
    msgs.iter()
        .filter_map(|m| match m {
            Message::Fill(f) => Some(&f.msg),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn fills_orders_and_positions_go_only_to_their_owner() {
    let sim = Sim::start().await;
    let ticker = open_markets(&sim, 1).await.remove(0);
    let private = [Channel::Fill, Channel::UserOrders, Channel::MarketPositions];
    let mut a = connect(&sim, &sim.a).await;
    let id = a.subscribe(&private, &[]).await;
    for ch in private {
        a.subscribed(id, ch).await;
    }
    let mut b = connect(&sim, &sim.b).await;
    let id = b.subscribe(&private, &[&ticker]).await;
    for ch in private {
        b.subscribed(id, ch).await;
    }

    let a_order = place(&sim, &sim.a, &order(&ticker, "bid", "10", "0.42", "a-1")).await;
    let first = a.until(|m| matches!(m, Message::UserOrder(_))).await.pop();
    match first.expect("a user_order") {
        Message::UserOrder(o) => {
            assert_eq!(o.msg.order_id, a_order);
            assert_eq!(o.msg.ticker, ticker, "user_order names the market `ticker`");
            assert_eq!(o.msg.status, OrderStatus::Resting);
            assert_eq!(o.msg.book_side, Some(BookSide::Bid));
            assert_eq!(o.msg.remaining_count_fp, c("10"));
            assert_eq!(o.msg.client_order_id.as_deref(), Some("a-1"));
        }
        other => panic!("expected A's user_order, got {other:?}"),
    }
    let b_order = place(&sim, &sim.b, &order(&ticker, "ask", "4", "0.42", "b-1")).await;
    // Barriers: a later resting order of each user.
    place(&sim, &sim.a, &order(&ticker, "bid", "1", "0.10", "a-2")).await;
    place(&sim, &sim.b, &order(&ticker, "ask", "1", "0.90", "b-2")).await;

    let seen = up_to_order(&mut a, "a-2").await;
    let a_fills = fills(&seen);
    assert_eq!(a_fills.len(), 1, "A sees exactly its own fill: {seen:#?}");
    let f = a_fills[0];
    assert_eq!(f.order_id, a_order);
    assert!(!f.is_taker, "A's bid was resting");
    assert_eq!((f.yes_price_dollars, f.count_fp), (p("0.42"), c("4")));
    assert_eq!(f.outcome_side, Some(OutcomeSide::Yes));
    assert_eq!(f.post_position_fp, Some(c("4")));
    assert_eq!(f.client_order_id.as_deref(), Some("a-1"));
    let positions: Vec<_> = seen
        .iter()
        .filter_map(|m| match m {
            Message::MarketPosition(p) => Some(&p.msg),
            _ => None,
        })
        .collect();
    let last = positions.last().expect("A's position after the fill");
    assert_eq!(last.position_fp, c("4"), "{seen:#?}");
    assert!(positions.iter().all(|p| p.market_ticker == ticker));
    assert!(
        seen.iter().all(|m| match m {
            Message::UserOrder(o) => o.msg.order_id != b_order,
            _ => true,
        }),
        "B's order never reaches A"
    );

    let seen = up_to_order(&mut b, "b-2").await;
    let b_fills = fills(&seen);
    assert_eq!(b_fills.len(), 1, "B sees exactly its own fill: {seen:#?}");
    assert_eq!(b_fills[0].order_id, b_order);
    assert!(b_fills[0].is_taker);
    assert_eq!(b_fills[0].post_position_fp, Some(c("-4")), "B is long 4 NO");
    let executed = seen.iter().any(|m| {
        matches!(m, Message::UserOrder(o)
            if o.msg.order_id == b_order && o.msg.status == OrderStatus::Executed)
    });
    assert!(executed, "B's order executed: {seen:#?}");
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn trades_and_tickers_are_public() {
    let sim = Sim::start().await;
    let ticker = open_markets(&sim, 1).await.remove(0);
    let mut ws = connect(&sim, &sim.b).await;
    let id = ws
        .subscribe_with(&[Channel::Ticker, Channel::Trade], &[&ticker], |p| {
            p.send_initial_snapshot = Some(true);
        })
        .await;
    let ticker_sid = ws.subscribed(id, Channel::Ticker).await;
    match ws.next().await {
        Message::Ticker(t) => {
            assert_eq!(t.sid, ticker_sid);
            assert_eq!(t.msg.market_ticker, ticker);
            assert_eq!(t.msg.yes_bid_dollars, None, "the book is empty");
        }
        other => panic!("expected the initial ticker, got {other:?}"),
    }
    let trade_sid = ws.subscribed(id, Channel::Trade).await;

    place(&sim, &sim.a, &order(&ticker, "bid", "10", "0.42", "a-1")).await;
    match ws.next().await {
        Message::Ticker(t) => assert_eq!(t.msg.yes_bid_dollars, Some(p("0.42"))),
        other => panic!("expected a ticker update, got {other:?}"),
    }
    place(&sim, &sim.b, &order(&ticker, "ask", "2", "0.42", "b-1")).await;
    let seen = ws.until(|m| matches!(m, Message::Ticker(_))).await;
    let trade = seen
        .iter()
        .find_map(|m| match m {
            Message::Trade(t) => Some(t),
            _ => None,
        })
        .unwrap_or_else(|| panic!("a trade before the ticker update: {seen:#?}"));
    assert_eq!(trade.sid, trade_sid);
    assert_eq!(
        (
            trade.msg.yes_price_dollars,
            trade.msg.no_price_dollars,
            trade.msg.count_fp
        ),
        (p("0.42"), p("0.58"), c("2"))
    );
    assert_eq!(trade.msg.taker_book_side, Some(BookSide::Ask));
    assert_eq!(trade.msg.taker_outcome_side, Some(OutcomeSide::No));
    sim.handle.shutdown().await;
}
