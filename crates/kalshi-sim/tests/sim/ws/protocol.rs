//! Commands and their replies: error codes, unsubscribe, list_subscriptions.

use kalshi::model::ws::{Channel, Command, Message, OkBody, SubscriptionInfo};

use super::client::{connect, open_markets};
use crate::harness::Sim;

#[tokio::test]
async fn bad_commands_get_kalshis_error_codes() {
    let sim = Sim::start().await;
    let ticker = &open_markets(&sim, 1).await[0];
    let mut ws = connect(&sim, &sim.a).await;
    let cases = [
        ("{not json".to_owned(), (None, 1)),
        (r#"{"id":2,"cmd":"explode"}"#.to_owned(), (Some(2), 5)),
        (r#"{"id":3,"cmd":"subscribe"}"#.to_owned(), (Some(3), 2)),
        (
            r#"{"id":4,"cmd":"subscribe","params":{"channels":[]}}"#.to_owned(),
            (Some(4), 3),
        ),
        (r#"{"id":5,"cmd":"unsubscribe","params":{"sids":[]}}"#.to_owned(), (Some(5), 4)),
        (
            r#"{"id":6,"cmd":"unsubscribe","params":{"sids":[42]}}"#.to_owned(),
            (Some(6), 7),
        ),
        (
            r#"{"id":7,"cmd":"subscribe","params":{"channels":["multivariate"]}}"#.to_owned(),
            (Some(7), 8),
        ),
        (
            r#"{"id":8,"cmd":"update_subscription","params":{"sids":[1,2],"action":"add_markets"}}"#
                .to_owned(),
            (Some(8), 12),
        ),
        (
            r#"{"id":9,"cmd":"subscribe","params":{"channels":["orderbook_delta"]}}"#.to_owned(),
            (Some(9), 14),
        ),
        (
            r#"{"id":10,"cmd":"subscribe","params":{"channels":["ticker"],"market_ticker":"NO-SUCH-MARKET"}}"#
                .to_owned(),
            (Some(10), 16),
        ),
        (
            format!(
                r#"{{"id":11,"cmd":"update_subscription","params":{{"sids":[1],"market_tickers":["{ticker}"]}}}}"#
            ),
            (Some(11), 15),
        ),
    ];
    for (frame, want) in &cases {
        ws.send_text(frame).await;
        assert_eq!(ws.error_code().await, *want, "reply to {frame}");
    }
    // 13 needs a live subscription whose channel lacks the action.
    let id = ws.subscribe(&[Channel::Ticker], &[]).await;
    let sid = ws.subscribed(id, Channel::Ticker).await;
    let id = ws.id();
    ws.send(&Command::update_subscription(
        id,
        sid,
        kalshi::model::ws::UpdateAction::GetSnapshot,
        vec![ticker.clone()],
    ))
    .await;
    assert_eq!(
        ws.error_code().await,
        (Some(id), 13),
        "get_snapshot is orderbook only"
    );
    // Market not found names the market.
    ws.send_text(r#"{"id":99,"cmd":"subscribe","params":{"channels":["trade"],"market_tickers":["NOPE-1"]}}"#)
        .await;
    match ws.next().await {
        Message::Error(e) => {
            assert_eq!(e.msg.code, 16);
            assert_eq!(e.msg.msg, "Market not found");
            assert_eq!(e.msg.market_ticker.as_deref(), Some("NOPE-1"));
        }
        other => panic!("expected error 16, got {other:?}"),
    }
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn list_then_unsubscribe() {
    let sim = Sim::start().await;
    let ticker = &open_markets(&sim, 1).await[0];
    let mut ws = connect(&sim, &sim.a).await;
    let id = ws
        .subscribe(&[Channel::OrderbookDelta, Channel::Fill], &[ticker])
        .await;
    let book = ws.subscribed(id, Channel::OrderbookDelta).await;
    let snap = ws.snapshot().await;
    assert_eq!((snap.sid, snap.seq), (book, 1));
    let fill = ws.subscribed(id, Channel::Fill).await;
    assert_ne!(book, fill, "one sid per channel");

    let id = ws.id();
    ws.send(&Command::list_subscriptions(id)).await;
    match ws.next().await {
        Message::Ok(ok) => {
            assert_eq!(ok.id, Some(id));
            assert_eq!(
                ok.msg,
                OkBody::Subscriptions(vec![
                    SubscriptionInfo {
                        channel: Channel::OrderbookDelta,
                        sid: book
                    },
                    SubscriptionInfo {
                        channel: Channel::Fill,
                        sid: fill
                    },
                ])
            );
        }
        other => panic!("expected ok with the list, got {other:?}"),
    }

    let id = ws.id();
    ws.send(&Command::unsubscribe(id, vec![book, fill])).await;
    for sid in [book, fill] {
        match ws.next().await {
            Message::Unsubscribed(u) => {
                assert_eq!((u.id, u.sid), (Some(id), sid));
                let want_seq = (sid == book).then_some(1);
                assert_eq!(u.seq, want_seq, "order-book sids report their last seq");
            }
            other => panic!("expected unsubscribed {sid}, got {other:?}"),
        }
    }
    let id = ws.id();
    ws.send(&Command::list_subscriptions(id)).await;
    match ws.next().await {
        Message::Ok(ok) => assert_eq!(ok.msg, OkBody::Subscriptions(vec![])),
        other => panic!("expected an empty list, got {other:?}"),
    }
    sim.handle.shutdown().await;
}
