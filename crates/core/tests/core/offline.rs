//! Offline: with the simulator gone, a reopened session still answers history and the last
//! portfolio from the store, marked stale, and refuses orders.

use desk_core::{AppEvent, CoreError, OrderTicket};
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use store::{FillFilter, PageRequest};

use crate::harness::{Env, price, take};

#[tokio::test]
async fn history_and_the_cached_portfolio_answer_without_the_exchange() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let market = env.market().await;
    let ticker = market.ticker.clone();
    let ticket = OrderTicket::limit(
        &ticker,
        BookSide::Bid,
        price("0.30"),
        Count::from_contracts(3),
    );
    let placed = session.place_order(ticket.clone()).await.unwrap();
    take(
        &env.b,
        &ticker,
        BookSide::Ask,
        price("0.30"),
        Count::from_contracts(3),
    )
    .await;
    events
        .wait(
            |e| matches!(e, AppEvent::Fill(f) if f.fill.order_id == placed.order_id),
            "the fill",
        )
        .await;
    // A catch-up records a snapshot of the portfolio it fetched.
    session.request_sync();
    events
        .wait(|e| matches!(e, AppEvent::Synced(_)), "a catch-up")
        .await;
    let online = session.portfolio().await.unwrap();
    session.close().await;

    let config = env.config();
    env.sim.shutdown().await;

    let session = desk_core::Session::open(config)
        .await
        .expect("opens without the exchange");
    assert!(session.is_offline(), "marked offline");
    let fills = session
        .fill_history(&FillFilter::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(fills.items.len(), 1, "history answers offline");
    assert_eq!(fills.items[0].order_id, placed.order_id);
    let portfolio = session.portfolio().await.unwrap();
    assert!(portfolio.stale, "the cached portfolio is marked stale");
    assert_eq!(
        portfolio.balance, online.balance,
        "the last snapshot's balance"
    );
    assert_eq!(portfolio.portfolio_value, online.portfolio_value);
    assert_eq!(portfolio.positions.len(), 1);
    assert_eq!(portfolio.positions[0].position, Count::from_contracts(3));
    let cached = session.market(&ticker).await.unwrap();
    assert_eq!(
        cached.ticker, ticker,
        "markets seen online are browsable offline"
    );
    let refused = session.place_order(ticket).await.unwrap_err();
    assert!(matches!(refused, CoreError::Offline), "{refused:?}");
    session.close().await;
}

#[tokio::test]
async fn a_refused_key_is_reported_and_the_session_stays_offline() {
    let env = Env::start().await;
    // Key A under "demo", pointed at the simulator, which has never heard of it.
    let session = desk_core::Session::open(env.demo_config()).await.unwrap();
    let mut events = crate::harness::Events(session.events());
    let error = events
        .wait(|e| matches!(e, AppEvent::Error(_)), "the refusal")
        .await;
    let AppEvent::Error(error) = error else {
        unreachable!()
    };
    assert_eq!(error.code, desk_core::ErrorCode::AuthRejected, "{error:?}");
    assert!(!error.retryable);
    assert!(session.is_offline(), "nothing was synced");
    session.close().await;
    env.sim.shutdown().await;
}
