//! Market views: two views of one market share one subscription, updates carry a seq, and
//! the last release unsubscribes.

use desk_core::{MarketUpdate, MarketView};
use kalshi::model::order::BookSide;
use kalshi::model::ws::Channel;
use kalshi::model::{Count, Price};

use crate::harness::{Env, WAIT, price, rest};

/// The next update whose book has a YES bid at `at`.
async fn until_bid(view: &mut MarketView, at: Price) -> MarketUpdate {
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut last_seq = None;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let update = tokio::time::timeout(left, view.next())
            .await
            .expect("an update in time")
            .expect("the session is open");
        if let Some(prev) = last_seq {
            assert_eq!(update.seq, prev + 1, "a view's seq has no gaps");
        }
        last_seq = Some(update.seq);
        if !update.stale && update.depth.bids.iter().any(|l| l.price == at) {
            return update;
        }
    }
}

async fn book_sids(session: &desk_core::Session) -> usize {
    session
        .feed_subscriptions()
        .await
        .unwrap()
        .iter()
        .filter(|s| s.channel == Channel::OrderbookDelta)
        .count()
}

#[tokio::test]
async fn views_share_one_subscription_until_the_last_release() {
    let env = Env::start().await;
    let (session, _events) = env.open().await;
    let markets = env.markets(2).await;
    let (one, two) = (markets[0].ticker.as_str(), markets[1].ticker.as_str());

    let mut first = session.watch_market(one).unwrap();
    let mut second = session.watch_market(one).unwrap();
    let mut other = session.watch_market(two).unwrap();
    session.sync_subscriptions().await;
    assert_eq!(
        session.watched_markets(),
        [one, two].map(str::to_owned).to_vec().tap_sort()
    );
    assert_eq!(
        book_sids(&session).await,
        1,
        "one book subscription for all views"
    );

    rest(
        &env.b,
        one,
        BookSide::Bid,
        price("0.31"),
        Count::from_contracts(2),
    )
    .await;
    let a = until_bid(&mut first, price("0.31")).await;
    let b = until_bid(&mut second, price("0.31")).await;
    assert_eq!(a.ticker, one);
    assert_eq!(a.depth, b.depth, "both views see the same book");

    drop(first);
    session.sync_subscriptions().await;
    rest(
        &env.b,
        one,
        BookSide::Bid,
        price("0.32"),
        Count::from_contracts(1),
    )
    .await;
    until_bid(&mut second, price("0.32")).await;

    rest(
        &env.b,
        two,
        BookSide::Bid,
        price("0.33"),
        Count::from_contracts(1),
    )
    .await;
    until_bid(&mut other, price("0.33")).await;
    drop(second);
    session.sync_subscriptions().await;
    assert_eq!(session.watched_markets(), [two.to_owned()]);
    assert_eq!(
        book_sids(&session).await,
        1,
        "the other market keeps the subscription"
    );
    drop(other);
    session.sync_subscriptions().await;
    assert_eq!(
        book_sids(&session).await,
        0,
        "the last release unsubscribes"
    );

    session.close().await;
    env.sim.shutdown().await;
}

trait TapSort {
    fn tap_sort(self) -> Self;
}

impl TapSort for Vec<String> {
    fn tap_sort(mut self) -> Self {
        self.sort();
        self
    }
}

/// The next update that says the market was refused.
async fn until_refused(view: &mut MarketView) -> String {
    loop {
        let update = tokio::time::timeout(WAIT, view.next())
            .await
            .expect("an update in time")
            .expect("the session is open");
        if let Some(why) = update.refused {
            assert!(update.stale, "a refused market's book is not trusted");
            return why;
        }
    }
}

#[tokio::test]
async fn a_market_the_exchange_refuses_says_so_and_leaves_the_others_alone() {
    let env = Env::start().await;
    let (session, _events) = env.open().await;
    let markets = env.markets(2).await;
    let (kept, delisted) = (markets[0].ticker.as_str(), markets[1].ticker.as_str());

    let mut unknown = session.watch_market("KXNOSUCH-26JAN01-T1").unwrap();
    let why = until_refused(&mut unknown).await;
    assert!(why.contains("code 16"), "{why}");

    let mut kept_view = session.watch_market(kept).unwrap();
    let mut delisted_view = session.watch_market(delisted).unwrap();
    session.sync_subscriptions().await;
    rest(
        &env.b,
        kept,
        BookSide::Bid,
        price("0.21"),
        Count::from_contracts(1),
    )
    .await;
    rest(
        &env.b,
        delisted,
        BookSide::Bid,
        price("0.22"),
        Count::from_contracts(1),
    )
    .await;
    until_bid(&mut kept_view, price("0.21")).await;
    until_bid(&mut delisted_view, price("0.22")).await;

    // The exchange stops knowing one market while the socket is down: the re-subscribe of
    // both is refused, and the session restores them one by one.
    env.faults(kalshi_sim::server::FaultPatch {
        refuse_markets: Some(vec![delisted.to_owned()]),
        drop_ws_now: true,
        ..kalshi_sim::server::FaultPatch::default()
    });
    let why = until_refused(&mut delisted_view).await;
    assert!(why.contains("code 16"), "{why}");
    rest(
        &env.b,
        kept,
        BookSide::Bid,
        price("0.23"),
        Count::from_contracts(1),
    )
    .await;
    let update = until_bid(&mut kept_view, price("0.23")).await;
    assert_eq!(update.refused, None);
    assert_eq!(
        book_sids(&session).await,
        1,
        "the kept market is live again on one subscription"
    );
    session.close().await;
    env.sim.shutdown().await;
}
