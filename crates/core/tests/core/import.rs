//! The first catch-up of a key imports the account's history (live listings and the
//! historical archive) with one summary event, so a long history never makes a receiver
//! of the event channel lag.

use desk_core::{AppEvent, FillOrigin, HistoryImport, OrderEvent, Session};
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use kalshi_sim::server::CutoffPatch;

use crate::harness::{Env, Events, WAIT, price, rest, take};

/// Event channel capacity of the session: far less than the history it imports.
const CAPACITY: usize = 32;

/// Key A rests `n` one-contract bids on `ticker`; key B sells into all of them at once.
async fn trade(env: &Env, ticker: &str, n: usize) {
    for _ in 0..n {
        rest(
            &env.a,
            ticker,
            BookSide::Bid,
            price("0.40"),
            Count::from_contracts(1),
        )
        .await;
    }
    let n = i64::try_from(n).unwrap();
    take(
        &env.b,
        ticker,
        BookSide::Ask,
        price("0.40"),
        Count::from_contracts(n),
    )
    .await;
}

#[tokio::test]
async fn a_first_sync_larger_than_the_event_channel_is_one_summary_and_never_lags() {
    let env = Env::start().await;
    env.register_a();
    let ticker = env.market().await.ticker;
    // History made before the app ever ran: 60 fills Kalshi has since archived, 60 still
    // on the live listings, each from its own order.
    trade(&env, &ticker, 60).await;
    let now = env.sim.state().clock.now_ms();
    env.sim
        .set_historical_cutoff(&CutoffPatch {
            ts_ms: Some(now + 1),
            ..CutoffPatch::default()
        })
        .expect("a valid cutoff");
    trade(&env, &ticker, 60).await;
    assert_eq!(env.exchange_fills().await.len(), 60, "half are archived");

    let mut config = env.config();
    config.tuning.event_capacity = CAPACITY;
    let session = Session::open(config).await.expect("session opens");
    let mut events = Events(session.events());
    // Read nothing until the import is done: a per-row announcement would have overrun
    // the channel by now.
    let mut status = session.status_watch();
    tokio::time::timeout(WAIT, status.wait_for(|s| s.syncs > 0))
        .await
        .expect("the first catch-up in time")
        .expect("the session is open");
    let opening = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "the first catch-up")
        .await;
    let imports: Vec<&HistoryImport> = opening
        .iter()
        .filter_map(|e| match e {
            AppEvent::HistoryImported(i) => Some(i),
            _ => None,
        })
        .collect();
    assert_eq!(
        imports,
        [&HistoryImport {
            fills: 120,
            orders: 120
        }],
        "one summary with every fill and order"
    );
    assert!(
        !opening.iter().any(|e| matches!(
            e,
            AppEvent::Fill(_) | AppEvent::Order(OrderEvent::Stored(_))
        )),
        "no per-row events for the import: {opening:?}"
    );
    let stored = session
        .store()
        .fill_history(
            session.scope(),
            &store::FillFilter::default(),
            &store::PageRequest::first(store::MAX_PAGE),
        )
        .await
        .unwrap();
    assert_eq!(stored.items.len(), 120, "stored before the summary");

    // Live fills afterwards are announced one by one, as live.
    trade(&env, &ticker, 2).await;
    let mut live = Vec::new();
    while live.len() < 2 {
        let AppEvent::Fill(fill) = events
            .wait(|e| matches!(e, AppEvent::Fill(_)), "a live fill")
            .await
        else {
            unreachable!()
        };
        live.push(fill);
    }
    assert!(
        live.iter().all(|f| f.origin == FillOrigin::Live),
        "{live:?}"
    );
    session.close().await;
    env.sim.shutdown().await;
}
