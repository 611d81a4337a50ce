//! Decoding and encoding tests over the examples of kalshi-api.md §5.

use super::*;
use crate::model::order::OutcomeSide as Side;
use crate::model::{Count, Money, Price};

fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}
fn c(s: &str) -> Count {
    Count::parse(s).unwrap()
}

/// Every documented example, as Kalshi prints it.
const EXAMPLES: &[&str] = &[
    r#"{ "id": 1, "type": "subscribed", "msg": { "channel": "orderbook_delta", "sid": 1 } }"#,
    r#"{ "id": 5, "sid": 2, "seq": 7, "type": "unsubscribed" }"#,
    r#"{ "id": 6, "sid": 1, "seq": 222, "type": "ok", "msg": { "market_tickers": ["KXFOO-26JAN01-T50", "KXNEW-26JAN01"] } }"#,
    r#"{ "id": 7, "type": "ok", "msg": [ { "channel": "orderbook_delta", "sid": 1 }, { "channel": "fill", "sid": 3 } ] }"#,
    r#"{ "id": 9, "type": "error", "msg": { "code": 8, "msg": "Unknown channel name" } }"#,
    r#"{ "type": "orderbook_snapshot", "sid": 2, "seq": 1,
  "msg": { "market_ticker": "KXFOO-26JAN01-T50", "market_id": "9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1",
           "yes_dollars_fp": [ ["0.0800", "300.00"], ["0.2200", "333.00"] ],
           "no_dollars_fp":  [ ["0.5400", "20.00"],  ["0.5600", "146.00"] ] } }"#,
    r#"{ "type": "orderbook_delta", "sid": 2, "seq": 2,
  "msg": { "market_ticker": "KXFOO-26JAN01-T50", "market_id": "9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1",
           "price_dollars": "0.2200", "delta_fp": "-33.00", "side": "yes",
           "ts": "2026-01-01T12:00:00Z", "ts_ms": 1767268800000,
           "client_order_id": "only-present-if-your-order-caused-it", "subaccount": 0 } }"#,
    r#"{ "type": "ticker", "sid": 11,
  "msg": { "market_ticker": "KXFOO-26JAN01-T50", "market_id": "9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1",
           "price_dollars": "0.4800", "yes_bid_dollars": "0.4500", "yes_ask_dollars": "0.5300",
           "yes_bid_size_fp": "300.00", "yes_ask_size_fp": "150.00", "last_trade_size_fp": "25.00",
           "volume_fp": "33896.00", "open_interest_fp": "20422.00",
           "dollar_volume": 16948, "dollar_open_interest": 10211,
           "ts": 1767268800, "ts_ms": 1767268800000, "time": "2026-01-01T12:00:00Z" } }"#,
    r#"{ "type": "trade", "sid": 12,
  "msg": { "trade_id": "d91bc706-ee49-470d-82d8-11418bda6fed", "market_ticker": "KXFOO-26JAN01-T50",
           "yes_price_dollars": "0.3600", "no_price_dollars": "0.6400", "count_fp": "136.00",
           "taker_outcome_side": "no", "taker_book_side": "ask", "taker_side": "no",
           "is_block_trade": false, "ts": 1767268800, "ts_ms": 1767268800000 } }"#,
    r#"{ "type": "fill", "sid": 13,
  "msg": { "trade_id": "d91bc706-ee49-470d-82d8-11418bda6fed", "order_id": "ee587a1c-8b87-4dcf-b721-9f6f790619fa",
           "market_ticker": "KXFOO-26JAN01-T50", "exchange_index": 0, "is_taker": true,
           "outcome_side": "yes", "book_side": "bid", "side": "yes", "action": "buy", "purchased_side": "yes",
           "yes_price_dollars": "0.7500", "count_fp": "278.00", "fee_cost": "1.2345",
           "post_position_fp": "500.00", "client_order_id": "my-order-1", "subaccount": 0,
           "ts": 1767268800, "ts_ms": 1767268800000 } }"#,
    r#"{ "type": "market_position", "sid": 14,
  "msg": { "user_id": "user123", "market_ticker": "KXFOO-26JAN01-T50", "position_fp": "100.00",
           "position_cost_dollars": "50.0000", "realized_pnl_dollars": "10.0000", "fees_paid_dollars": "1.0000",
           "position_fee_cost_dollars": "0.5000", "volume_fp": "15.00", "subaccount": 0 } }"#,
    r#"{ "type": "user_order", "sid": 22,
  "msg": { "order_id": "ee587a1c-8b87-4dcf-b721-9f6f790619fa", "user_id": "a1b2c3d4-...", "ticker": "KXFOO-26JAN01-T50",
           "status": "resting", "outcome_side": "yes", "book_side": "bid", "side": "yes", "is_yes": true,
           "yes_price_dollars": "0.3500", "initial_count_fp": "10.00", "fill_count_fp": "0.00",
           "remaining_count_fp": "10.00", "taker_fill_cost_dollars": "0.0000", "maker_fill_cost_dollars": "0.0000",
           "taker_fees_dollars": "0.0000", "maker_fees_dollars": "0.0000", "client_order_id": "my-order-1",
           "order_group_id": "og_123", "self_trade_prevention_type": "taker_at_cross",
           "created_time": "2026-01-01T12:00:00Z", "created_ts_ms": 1767268800000,
           "last_update_time": "2026-01-01T12:00:00Z", "last_updated_ts_ms": 1767268800000,
           "expiration_time": "2026-01-01T13:00:00Z", "expiration_ts_ms": 1767272400000,
           "subaccount_number": 0 } }"#,
    r#"{ "type": "order_group_updates", "sid": 21, "seq": 7,
  "msg": { "event_type": "limit_updated", "order_group_id": "og_123", "contracts_limit_fp": "150.00",
           "ts_ms": 1767268800000 } }"#,
    r#"{ "type": "market_lifecycle_v2", "sid": 13,
  "msg": { "market_ticker": "INXD-23SEP14-B4487", "event_type": "created", "exchange_index": 0,
           "open_ts": 1694635200, "close_ts": 1694721600, "price_level_structure": "linear_cent",
           "price_ranges": [ { "start": "0.0000", "end": "1.0000", "step": "0.0100" } ],
           "additional_metadata": { "name": "...", "title": "...", "yes_sub_title": "...", "no_sub_title": "...",
             "rules_primary": "...", "rules_secondary": "", "can_close_early": true, "event_ticker": "INXD-23SEP14",
             "expected_expiration_ts": 1694721600, "strike_type": "greater", "floor_strike": 4487 } } }"#,
    r#"{ "type": "event_lifecycle", "sid": 13,
  "msg": { "event_ticker": "KXQUICK-26JAN25H2150", "exchange_index": 0, "title": "...", "subtitle": "...",
           "collateral_return_type": "MECNET", "series_ticker": "KXQUICK", "strike_date": 1769378400,
           "strike_period": "" } }"#,
    r#"{ "type": "event_fee_update", "sid": 13,
  "msg": { "event_ticker": "KXBTCD-26MAY2018", "fee_type_override": "quadratic", "fee_multiplier_override": 1 } }"#,
];

#[test]
fn every_documented_example_decodes_to_its_variant() {
    let expected = [
        "subscribed",
        "unsubscribed",
        "ok",
        "ok",
        "error",
        "orderbook_snapshot",
        "orderbook_delta",
        "ticker",
        "trade",
        "fill",
        "market_position",
        "user_order",
        "order_group_updates",
        "market_lifecycle_v2",
        "event_lifecycle",
        "event_fee_update",
    ];
    assert_eq!(EXAMPLES.len(), expected.len());
    for (text, ty) in EXAMPLES.iter().zip(expected) {
        let m = Message::from_json(text).unwrap_or_else(|e| panic!("{ty}: {e}"));
        assert_eq!(m.type_name(), ty);
        assert!(
            !matches!(m, Message::Unknown(_)),
            "{ty} is a known type and must not decode as Unknown"
        );
    }
}

#[test]
fn every_example_round_trips_through_our_encoder() {
    for text in EXAMPLES {
        let m = Message::from_json(text).unwrap();
        let again = Message::from_json(&m.to_json()).unwrap();
        assert_eq!(
            again, m,
            "encode then decode must give the same message: {text}"
        );
    }
}

#[test]
fn snapshot_fields_are_exact() {
    let Message::OrderbookSnapshot(s) = Message::from_json(EXAMPLES[5]).unwrap() else {
        panic!("expected a snapshot")
    };
    assert_eq!((s.sid, s.seq), (2, 1));
    assert_eq!(s.msg.market_ticker, "KXFOO-26JAN01-T50");
    assert_eq!(
        s.msg.yes_dollars_fp,
        vec![
            PriceLevel {
                price: p("0.08"),
                count: c("300")
            },
            PriceLevel {
                price: p("0.22"),
                count: c("333")
            },
        ]
    );
    assert_eq!(
        s.msg.no_dollars_fp[1],
        PriceLevel {
            price: p("0.56"),
            count: c("146")
        }
    );
}

#[test]
fn snapshot_with_absent_sides_is_empty_and_encodes_without_the_keys() {
    let text = r#"{"type":"orderbook_snapshot","sid":3,"seq":9,"msg":{"market_ticker":"A-1"}}"#;
    let m = Message::from_json(text).unwrap();
    let Message::OrderbookSnapshot(s) = &m else {
        panic!("expected a snapshot")
    };
    assert!(s.msg.yes_dollars_fp.is_empty() && s.msg.no_dollars_fp.is_empty());
    assert_eq!(
        m.to_json(),
        text,
        "an empty side is an absent key, as Kalshi sends it"
    );
}

#[test]
fn delta_fields_are_exact_and_encode_in_kalshis_shape() {
    let m = Message::from_json(EXAMPLES[6]).unwrap();
    let Message::OrderbookDelta(d) = &m else {
        panic!("expected a delta")
    };
    assert_eq!((d.sid, d.seq), (2, 2));
    assert_eq!(d.msg.price_dollars, p("0.22"));
    assert_eq!(d.msg.delta_fp, c("-33"));
    assert_eq!(d.msg.side, Side::Yes);
    assert_eq!(d.msg.ts_ms, Some(1_767_268_800_000));
    assert_eq!(
        m.to_json(),
        r#"{"type":"orderbook_delta","sid":2,"seq":2,"msg":{"market_ticker":"KXFOO-26JAN01-T50","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1","price_dollars":"0.2200","delta_fp":"-33.00","side":"yes","ts":"2026-01-01T12:00:00Z","ts_ms":1767268800000,"client_order_id":"only-present-if-your-order-caused-it","subaccount":0}}"#
    );
}

#[test]
fn replies_encode_in_kalshis_shape() {
    let cases = [
        (
            0,
            r#"{"type":"subscribed","id":1,"msg":{"channel":"orderbook_delta","sid":1}}"#,
        ),
        (1, r#"{"type":"unsubscribed","id":5,"sid":2,"seq":7}"#),
        (
            2,
            r#"{"type":"ok","id":6,"sid":1,"seq":222,"msg":{"market_tickers":["KXFOO-26JAN01-T50","KXNEW-26JAN01"]}}"#,
        ),
        (
            3,
            r#"{"type":"ok","id":7,"msg":[{"channel":"orderbook_delta","sid":1},{"channel":"fill","sid":3}]}"#,
        ),
        (
            4,
            r#"{"type":"error","id":9,"msg":{"code":8,"msg":"Unknown channel name"}}"#,
        ),
    ];
    for (i, json) in cases {
        assert_eq!(Message::from_json(EXAMPLES[i]).unwrap().to_json(), json);
    }
}

#[test]
fn reply_fields_are_typed() {
    let Message::Subscribed(s) = Message::from_json(EXAMPLES[0]).unwrap() else {
        panic!()
    };
    assert_eq!(
        (s.id, s.msg.channel, s.msg.sid),
        (Some(1), Channel::OrderbookDelta, 1)
    );
    let Message::Unsubscribed(u) = Message::from_json(EXAMPLES[1]).unwrap() else {
        panic!()
    };
    assert_eq!((u.id, u.sid, u.seq), (Some(5), 2, Some(7)));
    let Message::Ok(ok) = Message::from_json(EXAMPLES[3]).unwrap() else {
        panic!()
    };
    assert_eq!(
        ok.msg,
        OkBody::Subscriptions(vec![
            SubscriptionInfo {
                channel: Channel::OrderbookDelta,
                sid: 1
            },
            SubscriptionInfo {
                channel: Channel::Fill,
                sid: 3
            },
        ])
    );
    let Message::Error(e) = Message::from_json(EXAMPLES[4]).unwrap() else {
        panic!()
    };
    assert_eq!(
        (e.id, e.msg.code, e.msg.msg.as_str()),
        (Some(9), 8, "Unknown channel name")
    );
}

#[test]
fn error_with_market_ticker() {
    let m = Message::from_json(
        r#"{"id":3,"type":"error","msg":{"code":16,"msg":"Market not found","market_ticker":"INVALID-MARKET"}}"#,
    )
    .unwrap();
    let Message::Error(e) = m else {
        panic!("expected an error reply")
    };
    assert_eq!(e.msg.market_ticker.as_deref(), Some("INVALID-MARKET"));
}

#[test]
fn legacy_ok_with_top_level_market_tickers_is_moved_into_msg() {
    let m =
        Message::from_json(r#"{"id":6,"sid":1,"seq":3,"type":"ok","market_tickers":["A","B"]}"#)
            .unwrap();
    let Message::Ok(ok) = &m else {
        panic!("expected ok")
    };
    assert_eq!(
        ok.msg,
        OkBody::Markets(MarketList {
            market_tickers: Some(vec!["A".into(), "B".into()]),
            market_ids: None,
        })
    );
    assert_eq!(
        m.to_json(),
        r#"{"type":"ok","id":6,"sid":1,"seq":3,"msg":{"market_tickers":["A","B"]}}"#,
        "we always write the current shape"
    );
    let bare = Message::from_json(r#"{"id":2,"type":"ok"}"#).unwrap();
    assert!(matches!(
        bare,
        Message::Ok(OkReply {
            msg: OkBody::Markets(MarketList {
                market_tickers: None,
                ..
            }),
            ..
        })
    ));
}

#[test]
fn unknown_type_is_tolerated_and_keeps_its_header() {
    let m = Message::from_json(
        r#"{"type":"rfq_created","sid":4,"seq":12,"msg":{"id":"r1","whatever":[1,2,3]}}"#,
    )
    .unwrap();
    assert_eq!(
        m,
        Message::Unknown(UnknownMessage {
            message_type: "rfq_created".into(),
            id: None,
            sid: Some(4),
            seq: Some(12),
        })
    );
}

#[test]
fn msg_before_type_still_decodes() {
    let m = Message::from_json(
        r#"{"msg":{"market_ticker":"A-1","price_dollars":"0.5","delta_fp":"2","side":"no"},"seq":5,"sid":1,"type":"orderbook_delta"}"#,
    )
    .unwrap();
    let Message::OrderbookDelta(d) = m else {
        panic!("expected a delta")
    };
    assert_eq!(
        (d.sid, d.seq, d.msg.price_dollars, d.msg.side),
        (1, 5, p("0.5"), Side::No)
    );
}

#[test]
fn prices_and_counts_sent_as_numbers_decode_exactly() {
    let m = Message::from_json(
        r#"{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"A","price_dollars":0.56,"delta_fp":-3,"side":"yes"}}"#,
    )
    .unwrap();
    let Message::OrderbookDelta(d) = m else {
        panic!("expected a delta")
    };
    assert_eq!(d.msg.price_dollars, p("0.56"));
    assert_eq!(d.msg.delta_fp, c("-3"));
}

#[test]
fn ticker_with_empty_last_price() {
    let m = Message::from_json(
        r#"{"type":"ticker","sid":1,"msg":{"market_ticker":"A","price_dollars":"","yes_bid_dollars":"0.4500","yes_ask_dollars":"0.5300","volume_fp":"0.00","open_interest_fp":"0.00"}}"#,
    )
    .unwrap();
    let Message::Ticker(t) = m else {
        panic!("expected a ticker")
    };
    assert_eq!(t.msg.price_dollars, None, "\"\" means no trade yet");
    assert_eq!(t.msg.yes_bid_dollars, Some(p("0.45")));
}

#[test]
fn money_fields_are_exact() {
    let Message::Fill(f) = Message::from_json(EXAMPLES[9]).unwrap() else {
        panic!()
    };
    assert_eq!(f.msg.fee_cost, Some(Money::parse("1.2345").unwrap()));
    assert_eq!(f.msg.post_position_fp, Some(c("500")));
    let Message::MarketPosition(mp) = Message::from_json(EXAMPLES[10]).unwrap() else {
        panic!()
    };
    assert_eq!(mp.msg.position_cost_dollars, Money::parse("50").unwrap());
}

fn decode_err(text: &str) -> MessageDecodeError {
    match Message::from_json(text) {
        Ok(m) => panic!("expected an error, decoded {m:?}"),
        Err(e) => e,
    }
}

#[test]
fn unknown_enum_value_in_a_known_type_is_an_error_naming_the_field() {
    let e = decode_err(
        r#"{"type":"orderbook_delta","sid":1,"seq":2,"msg":{"market_ticker":"A","price_dollars":"0.5","delta_fp":"1","side":"maybe"}}"#,
    );
    assert_eq!(e.message_type.as_deref(), Some("orderbook_delta"));
    assert_eq!(e.error.path, "msg.side");
    assert!(e.error.message.contains("maybe"), "{e}");
    assert!(e.to_string().contains("msg.side"), "{e}");
}

#[test]
fn malformed_price_is_an_error_naming_the_field() {
    let e = decode_err(
        r#"{"type":"ticker","sid":1,"msg":{"market_ticker":"A","price_dollars":"0.5x","volume_fp":"1","open_interest_fp":"1"}}"#,
    );
    assert_eq!(e.error.path, "msg.price_dollars");
    let e = decode_err(
        r#"{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"A","yes_dollars_fp":[["0.1","1.00"],["0.2","x"]]}}"#,
    );
    assert_eq!(e.error.path, "msg.yes_dollars_fp[1][1]");
}

#[test]
fn unknown_channel_in_a_subscribed_reply_is_an_error() {
    let e = decode_err(r#"{"id":1,"type":"subscribed","msg":{"channel":"multivariate","sid":1}}"#);
    assert_eq!(e.error.path, "msg.channel");
}

#[test]
fn missing_header_fields_are_errors() {
    let e = decode_err(
        r#"{"type":"orderbook_delta","sid":1,"msg":{"market_ticker":"A","price_dollars":"0.5","delta_fp":"1","side":"yes"}}"#,
    );
    assert!(
        e.error.message.contains("seq"),
        "a delta without seq cannot be sequenced: {e}"
    );
    let e = decode_err(r#"{"sid":1,"msg":{}}"#);
    assert!(e.error.message.contains("type"), "{e}");
    assert_eq!(e.message_type, None);
    let e = decode_err(r#"{"type":"ticker","sid":1}"#);
    assert!(e.error.message.contains("msg"), "{e}");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    for bad in [
        "",
        "{",
        "[]",
        "null",
        "{\"type\":5}",
        "not json",
        "{\"type\":\"ok\"} trailing",
    ] {
        assert!(Message::from_json(bad).is_err(), "{bad:?} must be rejected");
    }
}

#[test]
fn header_accessors() {
    let m = Message::from_json(EXAMPLES[6]).unwrap();
    assert_eq!((m.id(), m.sid(), m.seq()), (None, Some(2), Some(2)));
    let m = Message::from_json(EXAMPLES[0]).unwrap();
    assert_eq!((m.id(), m.sid(), m.seq()), (Some(1), Some(1), None));
}
