//! Behaviour tests of the matching engine through its public calls.

use kalshi::model::Count;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::testkit::*;
use super::*;

#[test]
fn a_resting_bid_fills_at_the_makers_price_with_every_event_in_order() {
    let (mut e, a, b, _) = engine();
    let out = e.create_order(a, &bid(M, "0.40", "10"), T0).unwrap();
    assert_eq!(
        kinds(&out.events),
        [
            "delta:bid:0.4000:10.00",
            "order:Created:resting",
            "position:0.00",
            "ticker"
        ]
    );
    assert_eq!(
        balance(&e, a),
        "9996.0000",
        "a resting bid reserves p per contract"
    );
    let Event::Ticker(t) = &out.events[3] else {
        panic!("ticker last")
    };
    assert_eq!((t.yes_bid, t.yes_bid_size), (Some(p("0.40")), c("10")));
    assert_eq!(t.yes_ask, None);

    let out = e.create_order(b, &ask(M, "0.35", "4"), T0 + 1).unwrap();
    assert_eq!(
        kinds(&out.events),
        [
            "delta:bid:0.4000:-4.00",
            "fill:maker:bid:4.00@0.4000",
            "fill:taker:ask:4.00@0.4000",
            "trade:4.00@0.4000",
            "order:Updated:resting",
            "order:Created:executed",
            "position:4.00",
            "position:-4.00",
            "ticker",
        ]
    );
    let v = &out.value;
    assert_eq!(v.fill_count, c("4"));
    assert_eq!(v.remaining_count, Count::ZERO);
    assert_eq!(
        v.average_fill_price,
        Some(p("0.40")),
        "maker's price, not 0.35"
    );
    // Taker fee 0.07 * 4 * 0.4 * 0.6 = 0.0672, 0.0168 per contract.
    assert_eq!(v.average_fee_paid, Some(m("0.0168")));
    assert_eq!(v.order.taker_fees, m("0.0672"));
    assert_eq!(v.order.taker_fill_cost, m("2.40"), "NO leg cost 0.60 each");
    // b bought 4 NO at 0.60 and paid the fee.
    assert_eq!(balance(&e, b), "9997.5328");
    assert_eq!(balance(&e, a), "9996.0000");
    assert_eq!(position(&e, a, M), "4.00");
    assert_eq!(position(&e, b, M), "-4.00");
    let market = e.market(M).unwrap();
    assert_eq!(market.volume(), c("4"));
    assert_eq!(market.open_interest(), c("4"));
    assert_eq!(market.last_price(), Some(p("0.40")));
    let fill = &e.account(a).unwrap().fills()[0];
    assert_eq!((fill.is_taker, fill.post_position), (false, c("4")));
    assert_eq!(fill.trade_id, e.account(b).unwrap().fills()[0].trade_id);
    e.audit().unwrap();
}

#[test]
fn better_prices_fill_first_then_earlier_orders() {
    let (mut e, a, b, c_) = engine();
    e.create_order(a, &bid(M, "0.40", "5"), T0).unwrap();
    e.create_order(b, &bid(M, "0.40", "5"), T0).unwrap();
    e.create_order(a, &bid(M, "0.41", "2"), T0).unwrap();
    let out = e.create_order(c_, &ioc(ask(M, "0.40", "8")), T0).unwrap();
    let fills: Vec<String> = kinds(&out.events)
        .into_iter()
        .filter(|k| k.starts_with("trade"))
        .collect();
    assert_eq!(
        fills,
        [
            "trade:2.00@0.4100",
            "trade:5.00@0.4000",
            "trade:1.00@0.4000"
        ]
    );
    assert_eq!(position(&e, a, M), "7.00");
    assert_eq!(position(&e, b, M), "1.00");
    assert_eq!(position(&e, c_, M), "-8.00");
    assert_eq!(levels(&e, M, BookSide::Bid), ["0.4000 x 4.00"]);
    e.audit().unwrap();
}

#[test]
fn immediate_or_cancel_remainder_is_canceled_and_fill_or_kill_is_all_or_nothing() {
    let (mut e, a, b, _) = engine();
    e.create_order(a, &bid(M, "0.40", "5"), T0).unwrap();
    let out = e.create_order(b, &ioc(ask(M, "0.40", "8")), T0).unwrap();
    assert_eq!(out.value.fill_count, c("5"));
    assert_eq!(out.value.order.status, OrderStatus::Canceled);
    assert_eq!(
        out.value.order.fill_count,
        c("5"),
        "partly filled then canceled"
    );
    assert!(levels(&e, M, BookSide::Ask).is_empty(), "IOC never rests");

    e.create_order(a, &bid(M, "0.40", "5"), T0).unwrap();
    let fok = ask(M, "0.40", "6").with_tif(TimeInForce::FillOrKill);
    let out = e.create_order(b, &fok, T0).unwrap();
    assert_eq!(out.value.fill_count, Count::ZERO);
    assert_eq!(out.value.order.status, OrderStatus::Canceled);
    assert_eq!(
        levels(&e, M, BookSide::Bid),
        ["0.4000 x 5.00"],
        "book untouched"
    );
    let fok = ask(M, "0.40", "5").with_tif(TimeInForce::FillOrKill);
    let out = e.create_order(b, &fok, T0).unwrap();
    assert_eq!(out.value.order.status, OrderStatus::Executed);
    e.audit().unwrap();
}

#[test]
fn buy_max_cost_caps_the_cost_and_kills_otherwise() {
    let (mut e, a, b, _) = engine();
    e.create_order(a, &ask(M, "0.50", "10"), T0).unwrap();
    let mut req = bid(M, "0.60", "10");
    req.buy_max_cost = Some(m("4.99"));
    let out = e.create_order(b, &req, T0).unwrap();
    assert_eq!(out.value.fill_count, Count::ZERO);
    assert_eq!(out.value.order.time_in_force, TimeInForce::FillOrKill);
    assert_eq!(out.value.order.status, OrderStatus::Canceled);
    req.buy_max_cost = Some(m("5.00"));
    let out = e.create_order(b, &req, T0).unwrap();
    assert_eq!(out.value.fill_count, c("10"));
    assert_eq!(out.value.average_fill_price, Some(p("0.50")));
}

#[test]
fn good_till_time_orders_expire_when_the_clock_passes() {
    let (mut e, a, b, _) = engine();
    let mut req = bid(M, "0.40", "5");
    req.expiration_ms = Some(T0 + 1_000);
    let id = e.create_order(a, &req, T0).unwrap().value.order.id;
    assert!(e.advance(T0 + 999).is_empty());
    let events = e.advance(T0 + 1_000);
    assert_eq!(
        kinds(&events),
        [
            "delta:bid:0.4000:-5.00",
            "order:Canceled:canceled",
            "position:0.00",
            "ticker"
        ]
    );
    let order = e.order(a, id).unwrap();
    assert_eq!(order.cancel_reason, Some(CancelReason::Expired));
    assert_eq!(balance(&e, a), "10000.0000", "reserve released");

    // Without advance, matching skips (and cancels) an expired maker.
    req.expiration_ms = Some(T0 + 2_000);
    e.create_order(a, &req, T0 + 1_500).unwrap();
    let out = e.create_order(b, &ask(M, "0.40", "5"), T0 + 2_500).unwrap();
    assert_eq!(out.value.fill_count, Count::ZERO);
    assert_eq!(levels(&e, M, BookSide::Ask), ["0.4000 x 5.00"]);
    assert!(levels(&e, M, BookSide::Bid).is_empty());
    e.audit().unwrap();

    req.expiration_ms = Some(T0);
    let err = e.create_order(a, &req, T0 + 3_000).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid parameters: Expiration timestamp must be in the future"
    );
    let mut req = ioc(bid(M, "0.40", "5"));
    req.expiration_ms = Some(T0 + 99_000);
    assert_eq!(
        e.create_order(a, &req, T0).unwrap_err().code(),
        "invalid_parameters"
    );
}

#[test]
fn post_only_refuses_to_cross() {
    let (mut e, a, b, _) = engine();
    e.create_order(a, &bid(M, "0.40", "5"), T0).unwrap();
    let mut req = ask(M, "0.40", "1");
    req.post_only = true;
    let err = e.create_order(b, &req, T0).unwrap_err();
    assert_eq!(err, SimError::PostOnlyCross);
    assert_eq!(
        (err.code(), err.details()),
        ("invalid_order", Some("post only cross"))
    );
    req.price = p("0.41");
    let out = e.create_order(b, &req, T0).unwrap();
    assert_eq!(out.value.order.status, OrderStatus::Resting);
}

#[test]
fn reduce_only_is_capped_at_the_position_and_refused_without_one() {
    let (mut e, a, b, c_) = engine();
    let mut req = ask(M, "0.30", "10");
    req.reduce_only = true;
    assert_eq!(
        e.create_order(a, &req, T0).unwrap_err(),
        SimError::NothingToReduce
    );

    e.create_order(b, &ask(M, "0.40", "5"), T0).unwrap();
    e.create_order(a, &bid(M, "0.40", "5"), T0).unwrap();
    e.create_order(c_, &bid(M, "0.35", "10"), T0).unwrap();
    let out = e.create_order(a, &ioc(req.clone()), T0).unwrap();
    assert_eq!(
        out.value.order.initial_count,
        c("5"),
        "capped at the 5 held"
    );
    assert_eq!(out.value.fill_count, c("5"));
    assert_eq!(position(&e, a, M), "0.00");

    // A resting reduce-only order whose position went away is canceled, not filled.
    e.create_order(b, &ask(M, "0.40", "5"), T0).unwrap();
    e.create_order(a, &bid(M, "0.40", "5"), T0).unwrap();
    let mut sell = ask(M, "0.60", "5");
    sell.reduce_only = true;
    let resting = e.create_order(a, &sell, T0).unwrap().value.order.id;
    e.create_order(a, &ioc(ask(M, "0.35", "5")), T0).unwrap();
    assert_eq!(position(&e, a, M), "0.00");
    let out = e.create_order(b, &ioc(bid(M, "0.60", "5")), T0).unwrap();
    assert_eq!(out.value.fill_count, Count::ZERO);
    let order = e.order(a, resting).unwrap();
    assert_eq!(order.cancel_reason, Some(CancelReason::ReduceOnly));
    e.audit().unwrap();
}

#[test]
fn self_trade_prevention_taker_at_cross_cancels_the_incoming_remainder() {
    let (mut e, a, b, _) = engine();
    e.create_order(b, &bid(M, "0.41", "3"), T0).unwrap();
    e.create_order(a, &bid(M, "0.40", "5"), T0).unwrap();
    e.create_order(b, &bid(M, "0.39", "5"), T0).unwrap();
    let out = e.create_order(a, &ask(M, "0.39", "10"), T0).unwrap();
    assert_eq!(
        out.value.fill_count,
        c("3"),
        "fills before the own order stand"
    );
    assert_eq!(out.value.order.status, OrderStatus::Canceled);
    assert_eq!(out.value.order.cancel_reason, Some(CancelReason::SelfTrade));
    assert_eq!(
        levels(&e, M, BookSide::Bid),
        ["0.3900 x 5.00", "0.4000 x 5.00"],
        "own resting order kept"
    );
    e.audit().unwrap();
}

#[test]
fn self_trade_prevention_maker_cancels_the_resting_own_order_and_continues() {
    let (mut e, a, b, _) = engine();
    e.create_order(b, &bid(M, "0.41", "3"), T0).unwrap();
    let own = e
        .create_order(a, &bid(M, "0.40", "5"), T0)
        .unwrap()
        .value
        .order
        .id;
    e.create_order(b, &bid(M, "0.39", "5"), T0).unwrap();
    let mut req = ask(M, "0.39", "10");
    req.self_trade_prevention = SelfTradePrevention::Maker;
    let out = e.create_order(a, &req, T0).unwrap();
    assert_eq!(out.value.fill_count, c("8"));
    assert_eq!(out.value.remaining_count, c("2"));
    assert_eq!(
        e.order(a, own).unwrap().cancel_reason,
        Some(CancelReason::SelfTrade)
    );
    assert!(levels(&e, M, BookSide::Bid).is_empty());
    assert_eq!(levels(&e, M, BookSide::Ask), ["0.3900 x 2.00"]);
    e.audit().unwrap();
}

#[test]
fn client_order_ids_are_unique_per_user_forever() {
    let (mut e, a, b, _) = engine();
    let req = bid(M, "0.40", "1").with_client_order_id("x-1");
    let id = e.create_order(a, &req, T0).unwrap().value.order.id;
    assert_eq!(e.account(a).unwrap().order_by_client_id("x-1"), Some(id));
    let err = e.create_order(a, &req, T0).unwrap_err();
    assert_eq!(
        (err.code(), err.http_status()),
        ("order_already_exists", 409)
    );
    e.cancel_order(a, id, T0).unwrap();
    assert!(
        e.create_order(a, &req, T0).is_err(),
        "still taken after cancel"
    );
    assert!(
        e.create_order(b, &req, T0).is_ok(),
        "another user may use it"
    );
    let bad = bid(M, "0.40", "1").with_client_order_id("");
    assert_eq!(
        e.create_order(a, &bad, T0).unwrap_err().code(),
        "invalid_parameters"
    );
}

#[test]
fn bad_orders_are_refused_with_kalshi_codes() {
    let (mut e, a, _, _) = engine();
    let cases: Vec<(OrderRequest, &str)> = vec![
        (bid(M, "0", "1"), "invalid_order"),
        (bid(M, "1", "1"), "invalid_order"),
        (bid(M, "0.405", "1"), "invalid_order"),
        (bid(M, "0.40", "0"), "invalid_order_size"),
        (bid(M, "0.40", "-1"), "invalid_order_size"),
        (bid(M, "0.40", "1000000.01"), "invalid_order_size"),
        (bid("NOPE", "0.40", "1"), "market_not_found"),
        (bid(LATER, "0.40", "1"), "market_inactive"),
    ];
    for (req, code) in cases {
        let err = e.create_order(a, &req, T0).unwrap_err();
        assert_eq!(err.code(), code, "{req:?} -> {err}");
    }
    assert!(
        e.create_order(a, &bid(DECI, "0.405", "0.01"), T0).is_ok(),
        "deci_cent tick"
    );
    let closed = e
        .create_order(a, &bid(M, "0.40", "1"), T0 + 24 * HOUR)
        .unwrap_err();
    assert_eq!(
        (closed.code(), closed.http_status()),
        ("market_closed", 409)
    );
    let stranger = crate::ids::UserId(99);
    assert_eq!(
        e.create_order(stranger, &bid(M, "0.40", "1"), T0)
            .unwrap_err(),
        SimError::UserNotFound
    );
}

#[test]
fn orders_the_balance_cannot_cover_are_refused_and_sells_of_held_contracts_need_no_collateral() {
    let (mut e, _, b, _) = engine();
    let poor = e.register_user("poor", m("1")).unwrap();
    let err = e.create_order(poor, &bid(M, "0.50", "2"), T0).unwrap_err();
    assert_eq!(
        err,
        SimError::InsufficientBalance {
            required: m("1.035"),
            available: m("1")
        }
    );
    e.create_order(poor, &bid(M, "0.50", "1.9"), T0).unwrap();
    assert_eq!(balance(&e, poor), "0.0500");
    assert_eq!(
        e.create_order(poor, &bid(M, "0.05", "1"), T0)
            .unwrap_err()
            .code(),
        "insufficient_balance"
    );

    let holder = e.register_user("holder", m("5")).unwrap();
    e.create_order(b, &ask(M, "0.60", "10"), T0).unwrap();
    let err = e
        .create_order(holder, &ioc(bid(M, "0.60", "10")), T0)
        .unwrap_err();
    assert_eq!(err.code(), "insufficient_balance", "6.00 plus fees > 5.00");
    e.create_order(holder, &ioc(bid(M, "0.60", "7")), T0)
        .unwrap();
    assert_eq!(position(&e, holder, M), "7.00");
    // 5 - 4.20 - 0.07*7*0.24 (0.1176) = 0.6824 left.
    assert_eq!(balance(&e, holder), "0.6824");
    let out = e.create_order(holder, &ask(M, "0.90", "7"), T0).unwrap();
    assert_eq!(
        out.value.order.status,
        OrderStatus::Resting,
        "covered by the YES held"
    );
    assert_eq!(
        balance(&e, holder),
        "0.6824",
        "nothing locked for a covered sell"
    );
    let err = e
        .create_order(holder, &ask(M, "0.95", "20"), T0)
        .unwrap_err();
    assert_eq!(
        err.code(),
        "insufficient_balance",
        "20 uncovered NO at 0.05 plus fees"
    );
    e.audit().unwrap();
}

#[test]
fn amend_keeps_priority_only_when_shrinking_at_the_same_price() {
    let (mut e, a, b, c_) = engine();
    let a1 = e
        .create_order(a, &bid(M, "0.40", "5"), T0)
        .unwrap()
        .value
        .order
        .id;
    e.create_order(b, &bid(M, "0.40", "5"), T0).unwrap();
    let amend = |price: &str, count: &str| AmendRequest {
        ticker: M.to_owned(),
        side: BookSide::Bid,
        price: p(price),
        count: c(count),
        client_order_id: None,
        updated_client_order_id: None,
    };
    let out = e.amend_order(a, a1, &amend("0.40", "3"), T0).unwrap();
    assert_eq!(out.value.remaining_count, c("3"));
    assert_eq!(kinds(&out.events)[0], "delta:bid:0.4000:-2.00");
    e.create_order(c_, &ioc(ask(M, "0.40", "1")), T0).unwrap();
    assert_eq!(position(&e, a, M), "1.00", "a kept the front of the queue");

    // Total 10 = 1 filled + 9 remaining: a larger size goes to the back.
    let out = e.amend_order(a, a1, &amend("0.40", "10"), T0).unwrap();
    assert_eq!(out.value.remaining_count, c("9"));
    assert_eq!(out.value.order.initial_count, c("10"));
    e.create_order(c_, &ioc(ask(M, "0.40", "1")), T0).unwrap();
    assert_eq!(position(&e, b, M), "1.00", "b is now ahead");
    assert_eq!(e.queue_position(a, a1).unwrap(), c("4"));

    // A crossing price trades as a taker first.
    e.create_order(c_, &ask(M, "0.45", "4"), T0).unwrap();
    let out = e.amend_order(a, a1, &amend("0.45", "10"), T0).unwrap();
    assert_eq!(out.value.fill_count, c("4"));
    assert_eq!(out.value.average_fill_price, Some(p("0.45")));
    assert_eq!(out.value.remaining_count, c("5"));
    assert_eq!(
        levels(&e, M, BookSide::Bid),
        ["0.4000 x 4.00", "0.4500 x 5.00"]
    );

    let err = e.amend_order(a, a1, &amend("0.45", "5"), T0).unwrap_err();
    assert_eq!(
        err.code(),
        "invalid_order_size",
        "total must exceed the 5 filled"
    );
    let mut wrong = amend("0.45", "9");
    wrong.side = BookSide::Ask;
    assert_eq!(
        e.amend_order(a, a1, &wrong, T0).unwrap_err(),
        SimError::OrderSideMismatch
    );
    let mut wrong = amend("0.45", "9");
    wrong.ticker = DECI.to_owned();
    assert_eq!(
        e.amend_order(a, a1, &wrong, T0).unwrap_err(),
        SimError::OrderTickerMismatch
    );
    let mut wrong = amend("0.45", "9");
    wrong.client_order_id = Some("nope".into());
    assert_eq!(
        e.amend_order(a, a1, &wrong, T0).unwrap_err().code(),
        "order_id_and_client_order_id_mismatch"
    );
    assert_eq!(
        e.amend_order(b, a1, &amend("0.45", "9"), T0)
            .unwrap_err()
            .code(),
        "not_found"
    );
    e.cancel_order(a, a1, T0).unwrap();
    assert_eq!(
        e.amend_order(a, a1, &amend("0.45", "9"), T0)
            .unwrap_err()
            .code(),
        "invalid_order"
    );
    e.audit().unwrap();
}

#[test]
fn amend_can_rename_the_client_order_id() {
    let (mut e, a, _, _) = engine();
    let id = e
        .create_order(a, &bid(M, "0.40", "5").with_client_order_id("one"), T0)
        .unwrap()
        .value
        .order
        .id;
    e.create_order(a, &bid(M, "0.30", "1").with_client_order_id("taken"), T0)
        .unwrap();
    let mut req = AmendRequest {
        ticker: M.to_owned(),
        side: BookSide::Bid,
        price: p("0.41"),
        count: c("5"),
        client_order_id: Some("one".into()),
        updated_client_order_id: Some("taken".into()),
    };
    assert_eq!(
        e.amend_order(a, id, &req, T0).unwrap_err().code(),
        "order_already_exists"
    );
    req.updated_client_order_id = Some("two".into());
    let out = e.amend_order(a, id, &req, T0).unwrap();
    assert_eq!(out.value.order.client_order_id.as_deref(), Some("two"));
    assert_eq!(e.account(a).unwrap().order_by_client_id("two"), Some(id));
}

#[test]
fn decrease_keeps_priority_and_cancel_reports_what_it_took() {
    let (mut e, a, b, c_) = engine();
    let a1 = e
        .create_order(a, &bid(M, "0.40", "5"), T0)
        .unwrap()
        .value
        .order
        .id;
    e.create_order(b, &bid(M, "0.40", "5"), T0).unwrap();
    let out = e.decrease_order(a, a1, Decrease::By(c("2")), T0).unwrap();
    assert_eq!(out.value.remaining_count, c("3"));
    assert_eq!(balance(&e, a), "9998.8000");
    e.create_order(c_, &ioc(ask(M, "0.40", "1")), T0).unwrap();
    assert_eq!(position(&e, a, M), "1.00", "still first in line");
    for bad in [
        Decrease::By(c("0")),
        Decrease::To(c("3")),
        Decrease::To(c("-1")),
    ] {
        assert_eq!(
            e.decrease_order(a, a1, bad, T0).unwrap_err().code(),
            "invalid_parameters"
        );
    }
    let out = e.decrease_order(a, a1, Decrease::To(c("1")), T0).unwrap();
    assert_eq!(out.value.remaining_count, c("1"));
    let out = e.cancel_order(a, a1, T0).unwrap();
    assert_eq!(out.value.reduced_by, c("1"));
    assert_eq!(out.value.order.status, OrderStatus::Canceled);
    assert_eq!(kinds(&out.events)[1], "order:Canceled:canceled");
    let again = e.cancel_order(a, a1, T0).unwrap();
    assert_eq!(
        again.value.reduced_by,
        Count::ZERO,
        "already canceled: nothing left"
    );
    assert_eq!(e.cancel_order(b, a1, T0).unwrap_err().code(), "not_found");
    let b1 = e
        .create_order(b, &bid(M, "0.30", "5"), T0)
        .unwrap()
        .value
        .order
        .id;
    let out = e.decrease_order(b, b1, Decrease::By(c("50")), T0).unwrap();
    assert_eq!(
        out.value.status,
        OrderStatus::Canceled,
        "decreased to nothing"
    );
    assert_eq!(
        e.decrease_order(b, b1, Decrease::By(c("1")), T0)
            .unwrap_err()
            .code(),
        "invalid_order"
    );
    e.audit().unwrap();
}

#[test]
fn batches_report_per_item_results() {
    let (mut e, a, _, _) = engine();
    let out = e.batch_create(
        a,
        &[
            bid(M, "0.40", "1").with_client_order_id("k"),
            bid(M, "0.405", "1"),
            bid(M, "0.41", "1").with_client_order_id("k"),
            ask(M, "0.60", "2"),
        ],
        T0,
    );
    let codes: Vec<&str> = out
        .value
        .iter()
        .map(|r| r.as_ref().map_or_else(SimError::code, |_| "ok"))
        .collect();
    assert_eq!(codes, ["ok", "invalid_order", "order_already_exists", "ok"]);
    let ids: Vec<_> = out.value.iter().flatten().map(|o| o.order.id).collect();
    let bogus = crate::ids::OrderId(12_345);
    let out = e.batch_cancel(a, &[ids[0], bogus, ids[1]], T0);
    let reduced: Vec<String> = out
        .value
        .iter()
        .map(|r| {
            r.as_ref()
                .map_or_else(|e| e.code().to_owned(), |o| o.reduced_by.to_string())
        })
        .collect();
    assert_eq!(reduced, ["1.00", "not_found", "2.00"]);
    assert!(levels(&e, M, BookSide::Bid).is_empty());
}

#[test]
fn makers_pay_fees_in_maker_fee_series() {
    let (mut e, a, b, _) = engine();
    e.create_order(a, &bid(MAKER, "0.50", "100"), T0).unwrap();
    e.create_order(b, &ask(MAKER, "0.50", "100"), T0).unwrap();
    let fees = |u| e.account(u).unwrap().fees_paid().to_string();
    assert_eq!(fees(a), "0.4375");
    assert_eq!(fees(b), "1.7500");
    assert_eq!(balance(&e, a), "9949.5625");
    e.audit().unwrap();
}

#[test]
fn refused_calls_change_nothing() {
    let (mut e, a, b, _) = engine();
    e.create_order(a, &bid(M, "0.40", "5").with_client_order_id("q"), T0)
        .unwrap();
    e.create_order(b, &ask(M, "0.45", "5"), T0).unwrap();
    let before = format!("{e:?}");
    let mut post = ask(M, "0.40", "1");
    post.post_only = true;
    let refused = [
        bid(M, "0.40", "5").with_client_order_id("q"),
        post,
        bid(M, "0.50", "100000"),
        bid(M, "0.999", "1"),
    ];
    for req in &refused {
        assert!(e.create_order(a, req, T0).is_err(), "{req:?}");
    }
    assert_eq!(format!("{e:?}"), before, "a refused call leaves no trace");
}

#[test]
fn bot_history_is_not_kept() {
    let (mut e, a, _, _) = engine();
    let bot = e.register_bot("bot", m("1000")).unwrap();
    let out = e.create_order(bot, &bid(M, "0.40", "5"), T0).unwrap();
    assert_eq!(
        kinds(&out.events),
        ["delta:bid:0.4000:5.00", "ticker"],
        "public events only"
    );
    let id = out.value.order.id;
    e.create_order(a, &ask(M, "0.40", "5"), T0).unwrap();
    assert!(
        e.order(bot, id).is_err(),
        "finished bot orders are forgotten"
    );
    assert!(e.account(bot).unwrap().fills().is_empty());
    assert_eq!(position(&e, bot, M), "5.00", "but positions are kept");
    e.audit().unwrap();
}

#[test]
fn random_operations_never_panic_and_keep_the_books_consistent() {
    let (mut e, a, b, c_) = engine();
    let users = [a, b, c_, crate::ids::UserId(42)];
    let tickers = [M, MAKER, DECI, LATER, "NOPE"];
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut ids = Vec::new();
    let mut now = T0;
    for step in 0..3_000 {
        now += rng.gen_range(0..50);
        let user = users[rng.gen_range(0..users.len())];
        let ticker = tickers[rng.gen_range(0..tickers.len())];
        let price = Price::from_units(rng.gen_range(-100..10_200));
        let count = Count::from_units(rng.gen_range(-100..5_000));
        let side = if rng.gen_bool(0.5) {
            BookSide::Bid
        } else {
            BookSide::Ask
        };
        match rng.gen_range(0..10) {
            0..=5 => {
                let mut req = OrderRequest::limit(ticker, side, price, count);
                req.time_in_force = [
                    TimeInForce::GoodTillCanceled,
                    TimeInForce::ImmediateOrCancel,
                    TimeInForce::FillOrKill,
                ][rng.gen_range(0..3)];
                req.post_only = rng.gen_bool(0.1);
                req.reduce_only = rng.gen_bool(0.1);
                if rng.gen_bool(0.1) {
                    req.expiration_ms = Some(now + rng.gen_range(-100..2_000));
                }
                if rng.gen_bool(0.2) {
                    req.self_trade_prevention = SelfTradePrevention::Maker;
                }
                if rng.gen_bool(0.05) {
                    req.buy_max_cost = Some(kalshi::model::Money::from_units(
                        rng.gen_range(-10..50_000_000),
                    ));
                }
                if rng.gen_bool(0.2) {
                    req.client_order_id = Some(format!("c{}", rng.gen_range(0..50)));
                }
                if let Ok(out) = e.create_order(user, &req, now) {
                    ids.push((user, out.value.order.id));
                }
            }
            6 if !ids.is_empty() => {
                let (u, id) = ids[rng.gen_range(0..ids.len())];
                let _ = e.cancel_order(u, id, now);
            }
            7 if !ids.is_empty() => {
                let (u, id) = ids[rng.gen_range(0..ids.len())];
                let d = if rng.gen_bool(0.5) {
                    Decrease::By(count)
                } else {
                    Decrease::To(count)
                };
                let _ = e.decrease_order(u, id, d, now);
            }
            8 if !ids.is_empty() => {
                let (u, id) = ids[rng.gen_range(0..ids.len())];
                let req = AmendRequest {
                    ticker: ticker.to_owned(),
                    side,
                    price,
                    count,
                    client_order_id: None,
                    updated_client_order_id: None,
                };
                let _ = e.amend_order(u, id, &req, now);
            }
            _ => {
                e.advance(now);
            }
        }
        if let Err(msg) = e.audit() {
            panic!("step {step}: {msg}");
        }
    }
}
