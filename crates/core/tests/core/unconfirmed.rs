//! Creates whose answer is lost: held as unconfirmed (never called rejected), settled by
//! client order id into the exchange's order or a definite "not placed", and retried
//! under the same id so they can never double.

use desk_core::{
    AppEvent, CoreError, ErrorCode, OrderEvent, OrderTicket, Session, UnconfirmedOrder,
};
use kalshi::model::Count;
use kalshi::model::order::BookSide;
use kalshi_sim::server::FaultPatch;

use crate::harness::{Env, Events, price};

/// Every create attempt (the client tries 8 times) is carried out, its answer lost.
const ALL_ATTEMPTS: u64 = 8;

fn lookups_fail(fail: bool) -> FaultPatch {
    FaultPatch {
        fail_paths: Some(if fail {
            vec!["/portfolio/orders".into()]
        } else {
            Vec::new()
        }),
        ..FaultPatch::default()
    }
}

async fn ticket(env: &Env) -> OrderTicket {
    let ticker = env.market().await.ticker;
    OrderTicket::limit(
        &ticker,
        BookSide::Bid,
        price("0.25"),
        Count::from_contracts(3),
    )
}

/// Places `ticket`, which must come back unconfirmed; returns its client order id.
async fn place_unconfirmed(session: &Session, events: &mut Events, ticket: OrderTicket) -> String {
    let err = session.place_order(ticket).await.unwrap_err();
    let CoreError::Unconfirmed {
        client_order_id, ..
    } = &err
    else {
        panic!("expected an unconfirmed order, got {err:?}");
    };
    assert_eq!(
        desk_core::AppError::from(&err).code,
        ErrorCode::OrderUnconfirmed
    );
    let seen = events
        .collect_until(
            |e| matches!(e, AppEvent::Order(OrderEvent::Unconfirmed(u)) if u.client_order_id == *client_order_id),
            "the unconfirmed event",
        )
        .await;
    assert!(
        !seen
            .iter()
            .any(|e| matches!(e, AppEvent::Order(OrderEvent::Rejected { .. }))),
        "never called rejected: {seen:?}"
    );
    assert_eq!(session.unconfirmed_orders().len(), 1);
    assert!(session.pending_orders().is_empty());
    client_order_id.clone()
}

/// The exchange's orders placed with `client_order_id`.
async fn on_exchange(env: &Env, client_order_id: &str) -> Vec<String> {
    env.exchange_orders()
        .await
        .into_iter()
        .filter(|o| o.client_order_id == client_order_id)
        .map(|o| o.order_id)
        .collect()
}

#[tokio::test]
async fn a_placed_order_whose_answer_was_lost_is_settled_by_the_catch_up() {
    let env = Env::start().await;
    // No live order reports: only a REST lookup can find the order.
    env.faults(FaultPatch {
        refuse_private_subscribe: Some(true),
        ..FaultPatch::default()
    });
    let (session, mut events) = env.open().await;
    let ticket = ticket(&env).await;
    env.faults(FaultPatch {
        lose_replies: ALL_ATTEMPTS,
        ..lookups_fail(true)
    });
    let cid = place_unconfirmed(&session, &mut events, ticket).await;
    // The lookups work again: the next catch-up (already retrying) finds it.
    env.faults(lookups_fail(false));
    let accepted = events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::Accepted { client_order_id, .. }) if *client_order_id == cid),
            "the order accepted",
        )
        .await;
    let AppEvent::Order(OrderEvent::Accepted { order_id, .. }) = accepted else {
        unreachable!()
    };
    assert_eq!(
        on_exchange(&env, &cid).await,
        std::slice::from_ref(&order_id)
    );
    assert!(session.unconfirmed_orders().is_empty());
    let stored = session
        .store()
        .order(session.scope(), &order_id)
        .await
        .unwrap();
    assert!(stored.is_some(), "stored as the exchange's order");
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn a_lost_answer_found_at_once_is_placed() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticket = ticket(&env).await;
    env.faults(FaultPatch {
        lose_replies: ALL_ATTEMPTS,
        ..FaultPatch::default()
    });
    let placed = session.place_order(ticket).await.expect("found by its id");
    let seen = events
        .collect_until(
            |e| matches!(e, AppEvent::Order(OrderEvent::Accepted { .. })),
            "the acceptance",
        )
        .await;
    assert!(
        seen.iter()
            .any(|e| matches!(e, AppEvent::Order(OrderEvent::Unconfirmed(_)))),
        "shown as unconfirmed meanwhile: {seen:?}"
    );
    assert_eq!(
        on_exchange(&env, &placed.client_order_id).await,
        [placed.order_id]
    );
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn an_order_that_never_reached_the_exchange_is_not_placed() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticket = ticket(&env).await;
    // Every write refused with 503 before it is carried out; the lookup fails too.
    env.faults(FaultPatch {
        exchange_paused: Some(true),
        ..lookups_fail(true)
    });
    let cid = place_unconfirmed(&session, &mut events, ticket).await;
    env.faults(FaultPatch {
        exchange_paused: Some(false),
        ..lookups_fail(false)
    });
    events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::NotPlaced { client_order_id, .. }) if *client_order_id == cid),
            "not placed",
        )
        .await;
    assert!(on_exchange(&env, &cid).await.is_empty());
    assert!(session.unconfirmed_orders().is_empty());
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn retrying_an_unconfirmed_order_never_doubles_it() {
    let env = Env::start().await;
    // No live order reports: only a REST lookup can find the order.
    env.faults(FaultPatch {
        refuse_private_subscribe: Some(true),
        ..FaultPatch::default()
    });
    let (session, mut events) = env.open().await;
    let ticket = ticket(&env).await;
    env.faults(FaultPatch {
        lose_replies: ALL_ATTEMPTS,
        ..lookups_fail(true)
    });
    let cid = place_unconfirmed(&session, &mut events, ticket).await;
    // The retry reaches the exchange, which refuses the id as a duplicate; the lookup
    // that would tell which order it is still fails: still unconfirmed.
    let err = session.retry_unconfirmed(&cid).await.unwrap_err();
    assert!(matches!(err, CoreError::Unconfirmed { .. }), "{err:?}");
    assert_eq!(session.unconfirmed_orders().len(), 1);
    env.faults(lookups_fail(false));
    let placed = match session.retry_unconfirmed(&cid).await {
        Ok(placed) => placed,
        // The catch-up settled it first.
        Err(CoreError::UnknownOrder(_)) => {
            let row = session
                .store()
                .order_by_client_id(session.scope(), &cid)
                .await
                .unwrap()
                .expect("settled as placed");
            desk_core::PlacedOrder {
                client_order_id: cid.clone(),
                order_id: row.order_id,
                fill_count: row.fill_count,
                remaining_count: row.remaining_count,
            }
        }
        Err(e) => panic!("retry failed: {e:?}"),
    };
    assert_eq!(placed.client_order_id, cid);
    assert_eq!(
        on_exchange(&env, &cid).await,
        std::slice::from_ref(&placed.order_id)
    );
    assert_eq!(env.exchange_orders().await.len(), 1, "one order in all");
    // Retrying a settled order returns it and sends nothing.
    let again = session.retry_unconfirmed(&cid).await.unwrap();
    assert_eq!(again.order_id, placed.order_id);
    assert_eq!(env.exchange_orders().await.len(), 1);
    session.close().await;
    env.sim.shutdown().await;
}

/// Kills `session` (no close) while `cid` is unconfirmed, and reopens the same database
/// while the exchange's order listings still fail (so nothing can settle it yet): the
/// reopened session lists it as the old one held it.
async fn restart_holding(env: &Env, session: Session, cid: &str) -> (Session, Events) {
    let held = session.unconfirmed_orders();
    let rows = session
        .store()
        .unconfirmed_orders(session.scope())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "stored while unconfirmed");
    drop(session);
    let session = Session::open(env.config()).await.expect("reopens");
    let events = Events(session.events());
    // The store keeps times to the millisecond.
    let ms = |orders: Vec<UnconfirmedOrder>| -> Vec<UnconfirmedOrder> {
        orders
            .into_iter()
            .map(|mut o| {
                o.sent_at = o
                    .sent_at
                    .replace_nanosecond(o.sent_at.millisecond() as u32 * 1_000_000)
                    .unwrap();
                o
            })
            .collect()
    };
    assert_eq!(
        ms(session.unconfirmed_orders()),
        ms(held.clone()),
        "restored as it was"
    );
    assert_eq!(held[0].client_order_id, cid);
    (session, events)
}

#[tokio::test]
async fn an_unconfirmed_order_placed_before_a_restart_is_settled_as_placed_after_it() {
    let env = Env::start().await;
    env.faults(FaultPatch {
        refuse_private_subscribe: Some(true),
        ..FaultPatch::default()
    });
    let (session, mut events) = env.open().await;
    let ticket = ticket(&env).await;
    env.faults(FaultPatch {
        lose_replies: ALL_ATTEMPTS,
        ..lookups_fail(true)
    });
    let cid = place_unconfirmed(&session, &mut events, ticket).await;
    let (session, mut events) = restart_holding(&env, session, &cid).await;

    env.faults(lookups_fail(false));
    let accepted = events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::Accepted { client_order_id, .. }) if *client_order_id == cid),
            "the order accepted after the restart",
        )
        .await;
    let AppEvent::Order(OrderEvent::Accepted { order_id, .. }) = accepted else {
        unreachable!()
    };
    assert_eq!(
        on_exchange(&env, &cid).await,
        std::slice::from_ref(&order_id)
    );
    assert!(session.unconfirmed_orders().is_empty());
    let rows = session
        .store()
        .unconfirmed_orders(session.scope())
        .await
        .unwrap();
    assert!(rows.is_empty(), "its row is gone: {rows:?}");
    session.close().await;
    env.sim.shutdown().await;
}

#[tokio::test]
async fn an_unconfirmed_order_never_placed_before_a_restart_is_not_placed_after_it() {
    let env = Env::start().await;
    let (session, mut events) = env.open().await;
    let ticket = ticket(&env).await;
    env.faults(FaultPatch {
        exchange_paused: Some(true),
        ..lookups_fail(true)
    });
    let cid = place_unconfirmed(&session, &mut events, ticket).await;
    let (session, mut events) = restart_holding(&env, session, &cid).await;

    env.faults(FaultPatch {
        exchange_paused: Some(false),
        ..lookups_fail(false)
    });
    events
        .wait(
            |e| matches!(e, AppEvent::Order(OrderEvent::NotPlaced { client_order_id, .. }) if *client_order_id == cid),
            "not placed, by a lookup after the restart",
        )
        .await;
    assert!(on_exchange(&env, &cid).await.is_empty());
    assert!(session.unconfirmed_orders().is_empty());
    let rows = session
        .store()
        .unconfirmed_orders(session.scope())
        .await
        .unwrap();
    assert!(rows.is_empty(), "its row is gone: {rows:?}");
    session.close().await;
    env.sim.shutdown().await;
}
