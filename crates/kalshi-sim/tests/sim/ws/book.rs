//! The `orderbook_delta` channel: a snapshot, then deltas with consecutive seqs driven by
//! real orders through REST; the owner-only `client_order_id`; `use_yes_price`; and
//! `update_subscription` (add_markets, delete_markets, get_snapshot).

use kalshi::model::order::OutcomeSide;
use kalshi::model::ws::{Channel, Command, Message, OkBody, UpdateAction};
use kalshi::model::{Count, Price};

use super::client::{connect, open_markets, order, place};
use crate::harness::Sim;

fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}

fn c(s: &str) -> Count {
    Count::parse(s).unwrap()
}

#[tokio::test]
async fn snapshot_then_deltas_with_consecutive_seqs() {
    let sim = Sim::start().await;
    let ticker = open_markets(&sim, 1).await.remove(0);
    place(&sim, &sim.b, &order(&ticker, "bid", "7", "0.30", "b-0")).await;

    let mut a = connect(&sim, &sim.a).await;
    let id = a.subscribe(&[Channel::OrderbookDelta], &[&ticker]).await;
    let sid = a.subscribed(id, Channel::OrderbookDelta).await;
    let snap = a.snapshot().await;
    assert_eq!((snap.sid, snap.seq), (sid, 1), "the snapshot is seq 1");
    assert_eq!(snap.msg.market_ticker, ticker);
    assert_eq!(
        snap.msg
            .yes_dollars_fp
            .iter()
            .map(|l| (l.price, l.count))
            .collect::<Vec<_>>(),
        [(p("0.30"), c("7"))],
        "the snapshot holds the book as it was"
    );
    assert!(snap.msg.no_dollars_fp.is_empty());

    let mut b = connect(&sim, &sim.b).await;
    let id = b
        .subscribe_with(&[Channel::OrderbookDelta], &[&ticker], |p| {
            p.use_yes_price = Some(true);
        })
        .await;
    let b_sid = b.subscribed(id, Channel::OrderbookDelta).await;
    assert_eq!(b.snapshot().await.seq, 1);

    place(&sim, &sim.a, &order(&ticker, "bid", "10", "0.42", "a-1")).await;
    place(&sim, &sim.b, &order(&ticker, "ask", "3", "0.45", "b-1")).await;

    let d = a.delta().await;
    assert_eq!((d.sid, d.seq), (sid, 2));
    assert_eq!(
        (d.msg.side, d.msg.price_dollars, d.msg.delta_fp),
        (OutcomeSide::Yes, p("0.42"), c("10"))
    );
    assert_eq!(
        d.msg.client_order_id.as_deref(),
        Some("a-1"),
        "the owner sees its id"
    );
    let d = a.delta().await;
    assert_eq!(d.seq, 3, "one more per message");
    assert_eq!(
        (d.msg.side, d.msg.price_dollars, d.msg.delta_fp),
        (OutcomeSide::No, p("0.55"), c("3")),
        "an ask at 0.45 is a NO bid at 0.55"
    );
    assert_eq!(
        d.msg.client_order_id, None,
        "someone else's order shows no id"
    );

    let d = b.delta().await;
    assert_eq!((d.sid, d.seq), (b_sid, 2));
    assert_eq!(d.msg.client_order_id, None);
    let d = b.delta().await;
    assert_eq!(d.seq, 3);
    assert_eq!(
        (d.msg.side, d.msg.price_dollars),
        (OutcomeSide::No, p("0.45")),
        "use_yes_price keeps the YES price"
    );
    assert_eq!(d.msg.client_order_id.as_deref(), Some("b-1"));

    // A cross removes liquidity: a negative delta at the touched level.
    place(&sim, &sim.b, &order(&ticker, "ask", "4", "0.42", "b-2")).await;
    let d = a.delta().await;
    assert_eq!(d.seq, 4);
    assert_eq!(
        (d.msg.side, d.msg.price_dollars, d.msg.delta_fp),
        (OutcomeSide::Yes, p("0.42"), c("-4"))
    );
    sim.handle.shutdown().await;
}

#[tokio::test]
async fn update_subscription_adds_deletes_and_resnapshots() {
    let sim = Sim::start().await;
    let markets = open_markets(&sim, 2).await;
    let (m1, m2) = (markets[0].clone(), markets[1].clone());
    let mut ws = connect(&sim, &sim.a).await;
    let id = ws.subscribe(&[Channel::OrderbookDelta], &[&m1]).await;
    let sid = ws.subscribed(id, Channel::OrderbookDelta).await;
    assert_eq!(ws.snapshot().await.seq, 1);

    let id = ws.id();
    ws.send(&Command::update_subscription(
        id,
        sid,
        UpdateAction::AddMarkets,
        vec![m2.clone()],
    ))
    .await;
    let mut both = vec![m1.clone(), m2.clone()];
    both.sort();
    match ws.next().await {
        Message::Ok(ok) => {
            assert_eq!((ok.id, ok.sid), (Some(id), Some(sid)));
            match ok.msg {
                OkBody::Markets(list) => assert_eq!(list.market_tickers, Some(both)),
                other => panic!("expected the market list, got {other:?}"),
            }
        }
        other => panic!("expected ok, got {other:?}"),
    }
    let snap = ws.snapshot().await;
    assert_eq!(
        (snap.seq, snap.msg.market_ticker.as_str()),
        (2, m2.as_str())
    );

    place(&sim, &sim.a, &order(&m2, "bid", "5", "0.20", "a-1")).await;
    let d = ws.delta().await;
    assert_eq!((d.seq, d.msg.market_ticker.as_str()), (3, m2.as_str()));
    place(&sim, &sim.a, &order(&m1, "bid", "6", "0.21", "a-2")).await;
    let d = ws.delta().await;
    assert_eq!(
        (d.seq, d.msg.market_ticker.as_str()),
        (4, m1.as_str()),
        "seq counts across the sid's markets"
    );

    let id = ws.id();
    ws.send(&Command::update_subscription(
        id,
        sid,
        UpdateAction::GetSnapshot,
        vec![m1.clone()],
    ))
    .await;
    assert!(matches!(ws.next().await, Message::Ok(ok) if ok.id == Some(id)));
    let snap = ws.snapshot().await;
    assert_eq!(snap.seq, 5, "a requested snapshot continues the sequence");
    assert_eq!(snap.msg.market_ticker, m1);
    assert_eq!(snap.msg.yes_dollars_fp.len(), 1);
    assert_eq!(snap.msg.yes_dollars_fp[0].count, c("6"));

    let id = ws.id();
    ws.send(&Command::update_subscription(
        id,
        sid,
        UpdateAction::DeleteMarkets,
        vec![m1.clone()],
    ))
    .await;
    match ws.next().await {
        Message::Ok(ok) => match ok.msg {
            OkBody::Markets(list) => assert_eq!(list.market_tickers, Some(vec![m2.clone()])),
            other => panic!("expected the market list, got {other:?}"),
        },
        other => panic!("expected ok, got {other:?}"),
    }
    place(&sim, &sim.a, &order(&m1, "bid", "1", "0.22", "a-3")).await;
    place(&sim, &sim.a, &order(&m2, "bid", "1", "0.23", "a-4")).await;
    let d = ws.delta().await;
    assert_eq!(
        (d.seq, d.msg.market_ticker.as_str()),
        (6, m2.as_str()),
        "the deleted market's delta never came, so the next one is the kept market's"
    );
    sim.handle.shutdown().await;
}
