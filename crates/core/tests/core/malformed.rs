//! A private message the session cannot decode is not lost: private channels carry no
//! `seq`, so the bad frame itself starts a REST catch-up, which stores and announces what
//! the frame carried, once.

use desk_core::{AppEvent, FillOrigin, OrderEvent};
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use kalshi_sim::server::FaultPatch;

use crate::harness::{Env, fill_ids, price, rest, take};

#[tokio::test]
async fn a_fill_whose_frame_was_corrupted_is_caught_up_at_once_and_announced_once() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticker = env.market().await.ticker;
    // Key A's bid, placed outside the session (no read-back): only the feed tells it.
    let bid = rest(
        &env.a,
        &ticker,
        BookSide::Bid,
        price("0.45"),
        Count::from_contracts(2),
    )
    .await;
    events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::Stored(o)) if o.order_id == bid.order_id),
            "the resting bid",
        )
        .await;
    // Every private message the trade causes (order update, fill, position) arrives
    // undecodable. Nothing else would start a catch-up.
    env.faults(FaultPatch {
        corrupt_private: 3,
        ..FaultPatch::default()
    });
    take(
        &env.b,
        &ticker,
        BookSide::Ask,
        price("0.45"),
        Count::from_contracts(2),
    )
    .await;
    let mut seen = events
        .collect_until(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == bid.order_id),
            "the fill, through the catch-up the bad frame started",
        )
        .await;
    let Some(AppEvent::Fill(fill)) = seen.last() else {
        unreachable!()
    };
    assert_eq!(fill.origin, FillOrigin::CatchUp, "its live frame was lost");
    let fill_id = fill.fill.fill_id.clone();
    seen.extend(
        events
            .collect_until(|e| matches!(e, AppEvent::Synced(_)), "that catch-up's end")
            .await,
    );
    session.request_sync();
    seen.extend(
        events
            .collect_until(|e| matches!(e, AppEvent::Synced(_)), "one more catch-up")
            .await,
    );
    assert_eq!(
        fill_ids(&seen).iter().filter(|id| **id == fill_id).count(),
        1,
        "announced once"
    );
    let stored = session
        .store()
        .fill_history(
            session.scope(),
            &store::FillFilter::default(),
            &store::PageRequest::first(10),
        )
        .await
        .unwrap();
    assert_eq!(
        stored.items.iter().map(|f| &f.fill_id).collect::<Vec<_>>(),
        [&fill_id]
    );
    session.close().await;
    env.sim.shutdown().await;
}
