//! Lifecycle behaviour: time-driven open and close, determination, settlement, pauses.

use kalshi::model::{Count, Money};

use super::*;
use crate::engine::testkit::*;
use crate::engine::{BookSide, EngineConfig, OrderStatus};

#[test]
fn a_market_opens_at_its_open_time() {
    let (mut e, a, _, _) = engine();
    assert_eq!(
        e.create_order(a, &bid(LATER, "0.40", "1"), T0)
            .unwrap_err()
            .code(),
        "market_inactive"
    );
    let events = e.advance(T0 + HOUR);
    assert_eq!(kinds(&events), ["lifecycle:Opened"]);
    assert_eq!(
        e.market(LATER).unwrap().status(T0 + HOUR),
        MarketStatus::Active
    );
    assert!(
        e.create_order(a, &bid(LATER, "0.40", "1"), T0 + HOUR)
            .is_ok()
    );
}

#[test]
fn closing_cancels_resting_orders_and_refuses_every_order_operation() {
    let (mut e, a, b, _) = engine();
    let id = e
        .create_order(a, &bid(M, "0.40", "5"), T0)
        .unwrap()
        .value
        .order
        .id;
    e.create_order(b, &ask(M, "0.60", "5"), T0).unwrap();
    let close = T0 + 24 * HOUR;
    let events = e.advance(close);
    let k = kinds(&events);
    assert!(k.contains(&"lifecycle:Closed".to_owned()), "{k:?}");
    assert_eq!(
        k.iter().filter(|x| x.starts_with("order:Canceled")).count(),
        2
    );
    assert!(k.contains(&"delta:bid:0.4000:-5.00".to_owned()));
    assert_eq!(e.order(a, id).unwrap().status, OrderStatus::Canceled);
    assert_eq!(balance(&e, a), "10000.0000");
    assert_eq!(e.market(M).unwrap().status(close), MarketStatus::Closed);
    assert_eq!(
        e.create_order(a, &bid(M, "0.40", "1"), close)
            .unwrap_err()
            .code(),
        "market_closed"
    );
    assert_eq!(
        e.cancel_order(a, id, close).unwrap_err().code(),
        "market_closed"
    );
    assert_eq!(
        e.close_market(M, close).unwrap_err().code(),
        "market_closed"
    );
    e.audit().unwrap();
}

#[test]
fn settlement_pays_winners_and_records_kalshi_style_settlements() {
    let (mut e, a, b, _) = engine();
    e.create_order(a, &bid(M, "0.40", "10"), T0).unwrap();
    e.create_order(b, &ask(M, "0.40", "10"), T0).unwrap();
    let t = T0 + HOUR;
    let events = e.determine_market(M, MarketResult::Yes, t).unwrap();
    assert_eq!(
        kinds(&events),
        ["lifecycle:Closed", "lifecycle:Determined(Yes)"]
    );
    let market = e.market(M).unwrap();
    assert_eq!(market.status(t), MarketStatus::Determined);
    assert_eq!(market.result(), Some(MarketResult::Yes));
    assert_eq!(
        e.determine_market(M, MarketResult::No, t)
            .unwrap_err()
            .code(),
        "invalid_parameters"
    );

    let events = e.settle_market(M, t + 1).unwrap();
    assert_eq!(
        kinds(&events),
        [
            "settlement:1000",
            "settlement:0",
            "lifecycle:Settled",
            "position:0.00",
            "position:0.00",
        ]
    );
    let sa = &e.account(a).unwrap().settlements()[0];
    assert_eq!(sa.market_result, MarketResult::Yes);
    assert_eq!((sa.yes_count, sa.no_count), (c("10"), Count::ZERO));
    assert_eq!(sa.yes_total_cost, m("4"));
    assert_eq!((sa.revenue_cents, sa.value_cents), (1_000, 100));
    assert_eq!(sa.fee_cost, Money::ZERO, "maker paid no fee");
    assert_eq!(sa.settled_ms, t + 1);
    let sb = &e.account(b).unwrap().settlements()[0];
    assert_eq!((sb.no_count, sb.no_total_cost), (c("10"), m("6")));
    assert_eq!(sb.revenue_cents, 0);
    assert_eq!(sb.fee_cost, m("0.168"));
    assert_eq!(balance(&e, a), "10006.0000");
    assert_eq!(balance(&e, b), "9993.8320");
    let id = e.market_id(M).unwrap();
    assert!(
        e.account(a).unwrap().position(id).is_none(),
        "settled positions leave the list"
    );
    assert_eq!(e.market(M).unwrap().status(t + 1), MarketStatus::Finalized);
    assert_eq!(e.market(M).unwrap().open_interest(), Count::ZERO);
    e.audit().unwrap();
}

#[test]
fn markets_resolve_and_settle_on_their_own_reproducibly() {
    let run = || {
        let mut e = Engine::new(
            &universe(),
            EngineConfig {
                seed: 5,
                ..EngineConfig::default()
            },
        );
        let a = e.register_user("a", m("100")).unwrap();
        let b = e.register_user("b", m("100")).unwrap();
        e.create_order(a, &bid(M, "0.70", "10"), T0).unwrap();
        e.create_order(b, &ask(M, "0.70", "10"), T0).unwrap();
        let spec = e.market(M).unwrap().spec().clone();
        let mut all = e.advance(spec.close_ms);
        all.extend(e.advance(spec.expected_expiration_ms));
        all.extend(e.advance(spec.expected_expiration_ms + spec.settlement_timer_seconds * 1_000));
        let k: Vec<String> = kinds(&all)
            .into_iter()
            .filter(|k| k.starts_with("lifecycle") || k.starts_with("settlement"))
            .filter(|k| !k.contains("Opened"))
            .collect();
        (k, e.market(M).unwrap().result(), balance(&e, a))
    };
    let (k, result, a_balance) = run();
    assert!(result.is_some());
    let count = |prefix: &str| k.iter().filter(|x| x.starts_with(prefix)).count();
    assert_eq!(
        count("lifecycle"),
        4 * 3,
        "closed, determined, settled x 4 markets: {k:?}"
    );
    assert_eq!(
        count("settlement"),
        2,
        "one per trader in the traded market"
    );
    assert_eq!(run(), (k, result, a_balance), "same seed, same results");
}

#[test]
fn a_paused_market_refuses_orders_and_reactivation_cancels_resting_ones() {
    let (mut e, a, b, _) = engine();
    let keep = e
        .create_order(a, &bid(M, "0.40", "5"), T0)
        .unwrap()
        .value
        .order
        .id;
    let mut req = bid(M, "0.39", "5");
    req.cancel_order_on_pause = true;
    let gone = e.create_order(b, &req, T0).unwrap().value.order.id;
    let events = e.pause_market(M, T0).unwrap();
    assert!(kinds(&events).contains(&"lifecycle:Deactivated".to_owned()));
    assert_eq!(e.order(b, gone).unwrap().status, OrderStatus::Canceled);
    assert_eq!(e.order(a, keep).unwrap().status, OrderStatus::Resting);
    assert_eq!(
        e.create_order(a, &bid(M, "0.40", "1"), T0)
            .unwrap_err()
            .code(),
        "market_inactive"
    );
    assert_eq!(levels(&e, M, BookSide::Bid), ["0.4000 x 5.00"]);
    let events = e.activate_market(M, T0 + 1).unwrap();
    assert!(kinds(&events).contains(&"lifecycle:Activated".to_owned()));
    assert_eq!(e.order(a, keep).unwrap().status, OrderStatus::Canceled);
    assert!(e.create_order(a, &bid(M, "0.40", "1"), T0 + 1).is_ok());
    assert_eq!(
        e.activate_market(M, T0 + 1).unwrap_err().code(),
        "invalid_parameters"
    );
    e.audit().unwrap();
}

#[test]
fn status_words_match_the_wire() {
    assert_eq!(MarketStatus::Finalized.as_str(), "finalized");
    assert_eq!(MarketStatus::Finalized.filter_word(), "settled");
    assert_eq!(MarketStatus::Initialized.filter_word(), "unopened");
    assert_eq!(MarketStatus::Determined.filter_word(), "closed");
    assert_eq!(MarketResult::No.as_str(), "no");
}
