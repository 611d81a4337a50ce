//! Engine records → the SDK's WebSocket payload types (`kalshi::model::ws`), so what the
//! simulator sends is exactly what the client decodes.
//!
//! The book is one YES book: bids are YES bids, asks are YES asks, which Kalshi publishes
//! as NO bids at 1 − price (or at the YES price when the subscription set
//! `use_yes_price`).

use kalshi::model::market::MarketResult as WireResult;
use kalshi::model::order::{Action, OutcomeSide as WireOutcome, SelfTradePrevention as WireStp};
use kalshi::model::ws::{
    Fill as WireFill, MarketLifecycle, MarketLifecycleEvent, MarketPosition, OrderbookDelta,
    OrderbookSnapshot, PriceLevel, Ticker as WireTicker, Trade as WireTrade, UserOrder,
};
use kalshi::model::{Count, Price};

use crate::engine::{
    BookDelta, BookSide, BookView, Fill, Lifecycle, LifecycleKind, Order, PositionUpdate,
    SelfTradePrevention, Ticker, Trade,
};
use crate::lifecycle::MarketResult;
use crate::server::convert::{self, secs_of, time_of};
use crate::universe::MarketSpec;

/// The simulator's one subaccount.
const SUBACCOUNT: u32 = 0;
/// The simulator's one exchange shard, as the WS payloads type it.
const EXCHANGE_INDEX: u32 = 0;

/// The price a NO-side level is published at: the NO-leg price 1 − `yes`, or `yes` itself
/// with `use_yes_price`.
fn no_side_price(yes: Price, use_yes_price: bool) -> Price {
    if use_yes_price {
        yes
    } else {
        yes.complement().unwrap_or(Price::ZERO)
    }
}

/// `orderbook_snapshot` of `ticker`: YES bids and NO bids, each ascending by the price
/// published (like REST, best last).
pub fn snapshot(ticker: &str, view: &BookView, use_yes_price: bool) -> OrderbookSnapshot {
    let yes = view
        .bids
        .iter()
        .map(|&(price, count)| PriceLevel { price, count })
        .collect();
    let no_level = |&(price, count): &(Price, Count)| PriceLevel {
        price: no_side_price(price, use_yes_price),
        count,
    };
    // Asks ascend in YES price, so in NO-leg prices they descend.
    let no = if use_yes_price {
        view.asks.iter().map(no_level).collect()
    } else {
        view.asks.iter().rev().map(no_level).collect()
    };
    OrderbookSnapshot {
        market_ticker: ticker.to_owned(),
        market_id: None,
        yes_dollars_fp: yes,
        no_dollars_fp: no,
    }
}

/// `orderbook_delta` for one level change; `own` says whether the subscriber placed the
/// order that caused it (only then are `client_order_id` and `subaccount` shown).
pub fn delta(d: &BookDelta, use_yes_price: bool, own: bool) -> OrderbookDelta {
    let (side, price) = match d.side {
        BookSide::Bid => (WireOutcome::Yes, d.price),
        BookSide::Ask => (WireOutcome::No, no_side_price(d.price, use_yes_price)),
    };
    OrderbookDelta {
        market_ticker: d.ticker.to_string(),
        market_id: None,
        price_dollars: price,
        delta_fp: d.delta,
        side,
        ts: Some(time_of(d.ts_ms)),
        ts_ms: Some(d.ts_ms),
        client_order_id: own
            .then(|| d.client_order_id.as_deref().map(str::to_owned))
            .flatten(),
        subaccount: own.then_some(SUBACCOUNT),
    }
}

/// `ticker`: top of book, last price, volume and open interest.
pub fn ticker(t: &Ticker) -> WireTicker {
    WireTicker {
        market_ticker: t.ticker.to_string(),
        market_id: None,
        price_dollars: t.last_price,
        yes_bid_dollars: t.yes_bid,
        yes_ask_dollars: t.yes_ask,
        yes_bid_size_fp: Some(t.yes_bid_size),
        yes_ask_size_fp: Some(t.yes_ask_size),
        last_trade_size_fp: Some(t.last_trade_size),
        volume_fp: t.volume,
        open_interest_fp: t.open_interest,
        dollar_volume: None,
        dollar_open_interest: None,
        ts: Some(secs_of(t.ts_ms)),
        ts_ms: Some(t.ts_ms),
        time: Some(time_of(t.ts_ms)),
    }
}

/// `trade`: a public execution at the maker's YES price.
pub fn trade(t: &Trade) -> WireTrade {
    let taker = convert::outcome_side(t.taker_outcome_side());
    WireTrade {
        trade_id: t.trade_id.to_uuid().to_string(),
        market_ticker: t.ticker.to_string(),
        yes_price_dollars: t.yes_price,
        no_price_dollars: t.yes_price.complement().unwrap_or(Price::ZERO),
        count_fp: t.count,
        taker_outcome_side: Some(taker),
        taker_book_side: Some(convert::book_side(t.taker_side)),
        taker_side: Some(taker),
        is_block_trade: Some(false),
        ts: Some(secs_of(t.ts_ms)),
        ts_ms: Some(t.ts_ms),
    }
}

/// `fill`: the owner's side of a trade. The deprecated `side` / `action` /
/// `purchased_side` are filled in the V2 way: every order buys its outcome side.
pub fn fill(f: &Fill) -> WireFill {
    let outcome = convert::outcome_side(f.outcome_side());
    WireFill {
        trade_id: f.trade_id.to_uuid().to_string(),
        order_id: f.order_id.to_uuid().to_string(),
        market_ticker: f.ticker.to_string(),
        exchange_index: Some(EXCHANGE_INDEX),
        is_taker: f.is_taker,
        outcome_side: Some(outcome),
        book_side: Some(convert::book_side(f.side)),
        side: Some(outcome),
        action: Some(Action::Buy),
        purchased_side: Some(outcome),
        yes_price_dollars: f.yes_price,
        count_fp: f.count,
        fee_cost: Some(f.fee),
        post_position_fp: Some(f.post_position),
        client_order_id: f.client_order_id.as_deref().map(str::to_owned),
        subaccount: Some(SUBACCOUNT),
        ts: Some(secs_of(f.ts_ms)),
        ts_ms: Some(f.ts_ms),
    }
}

/// `market_position`: the owner's position in one market after a change.
pub fn position(p: &PositionUpdate) -> MarketPosition {
    MarketPosition {
        user_id: Some(p.user.to_uuid().to_string()),
        market_ticker: p.ticker.to_string(),
        position_fp: p.position,
        position_cost_dollars: p.position_cost,
        realized_pnl_dollars: p.realized_pnl,
        fees_paid_dollars: p.fees_paid,
        position_fee_cost_dollars: None,
        volume_fp: Some(p.volume),
        subaccount: Some(SUBACCOUNT),
    }
}

fn stp(s: SelfTradePrevention) -> WireStp {
    match s {
        SelfTradePrevention::TakerAtCross => WireStp::TakerAtCross,
        SelfTradePrevention::Maker => WireStp::Maker,
    }
}

/// `user_order`: the order as it now stands (note the market field is `ticker`).
pub fn user_order(o: &Order, order_group_id: Option<String>) -> UserOrder {
    let outcome = convert::outcome_side(o.outcome_side());
    UserOrder {
        order_id: o.id.to_uuid().to_string(),
        user_id: Some(o.user.to_uuid().to_string()),
        ticker: o.ticker.to_string(),
        status: convert::order_status(o.status),
        outcome_side: Some(outcome),
        book_side: Some(convert::book_side(o.side)),
        side: Some(outcome),
        is_yes: Some(outcome == WireOutcome::Yes),
        yes_price_dollars: o.price,
        initial_count_fp: Some(o.initial_count),
        fill_count_fp: o.fill_count,
        remaining_count_fp: o.remaining_count,
        taker_fill_cost_dollars: Some(o.taker_fill_cost),
        maker_fill_cost_dollars: Some(o.maker_fill_cost),
        taker_fees_dollars: Some(o.taker_fees),
        maker_fees_dollars: Some(o.maker_fees),
        client_order_id: o.client_order_id.as_deref().map(str::to_owned),
        order_group_id,
        self_trade_prevention_type: Some(stp(o.self_trade_prevention)),
        created_time: Some(time_of(o.created_ms)),
        created_ts_ms: Some(o.created_ms),
        last_update_time: Some(time_of(o.last_update_ms)),
        last_updated_ts_ms: Some(o.last_update_ms),
        expiration_time: o.expiration_ms.map(time_of),
        expiration_ts_ms: o.expiration_ms,
        subaccount_number: Some(SUBACCOUNT),
    }
}

/// `market_lifecycle_v2` for a transition; `None` for the time-driven open and close,
/// which Kalshi does not announce on this channel.
pub fn lifecycle(l: &Lifecycle) -> Option<MarketLifecycle> {
    let mut msg = MarketLifecycle {
        market_ticker: l.ticker.to_string(),
        event_type: MarketLifecycleEvent::Created,
        exchange_index: None,
        open_ts: None,
        close_ts: None,
        result: None,
        determination_ts: None,
        settlement_value: None,
        settled_ts: None,
        is_deactivated: None,
        price_level_structure: None,
        price_ranges: None,
        strike_type: None,
        floor_strike: None,
        cap_strike: None,
        custom_strike: None,
        yes_sub_title: None,
        additional_metadata: None,
    };
    match &l.kind {
        LifecycleKind::Created(spec) => {
            msg.event_type = MarketLifecycleEvent::Created;
            msg.exchange_index = Some(0);
            msg.open_ts = Some(secs_of(spec.open_ms));
            msg.close_ts = Some(secs_of(spec.close_ms));
            msg.price_level_structure = Some(spec.grid.structure().as_str().to_owned());
            msg.price_ranges = Some(spec.grid.ranges().to_vec());
            msg.additional_metadata = Some(created_metadata(spec));
        }
        LifecycleKind::Opened | LifecycleKind::Closed => return None,
        LifecycleKind::Deactivated => {
            msg.event_type = MarketLifecycleEvent::Deactivated;
            msg.is_deactivated = Some(true);
        }
        LifecycleKind::Activated => {
            msg.event_type = MarketLifecycleEvent::Activated;
            msg.is_deactivated = Some(false);
        }
        &LifecycleKind::Determined(result) => {
            msg.event_type = MarketLifecycleEvent::Determined;
            msg.result = Some(match result {
                MarketResult::Yes => WireResult::Yes,
                MarketResult::No => WireResult::No,
            });
            msg.determination_ts = Some(secs_of(l.ts_ms));
            msg.settlement_value = Some(result.yes_value());
        }
        LifecycleKind::Settled => {
            msg.event_type = MarketLifecycleEvent::Settled;
            msg.settled_ts = Some(secs_of(l.ts_ms));
        }
    }
    Some(msg)
}

/// The `additional_metadata` of a `created` message: the new market's titles, rules and
/// strikes, as Kalshi sends them.
fn created_metadata(spec: &MarketSpec) -> serde_json::Value {
    let mut meta = serde_json::json!({
        "name": spec.title,
        "title": spec.title,
        "yes_sub_title": spec.yes_sub_title,
        "no_sub_title": spec.no_sub_title,
        "rules_primary": spec.rules_primary,
        "rules_secondary": spec.rules_secondary,
        "can_close_early": spec.can_close_early,
        "event_ticker": spec.event_ticker,
        "expected_expiration_ts": secs_of(spec.expected_expiration_ms),
        "strike_type": spec.strike_type.as_str(),
    });
    for (key, strike) in [
        ("floor_strike", spec.floor_strike),
        ("cap_strike", spec.cap_strike),
    ] {
        if let Some(n) = strike.and_then(|s| convert::strike_number(&s.to_string())) {
            meta[key] = serde_json::Value::Number(n);
        }
    }
    meta
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ids::{MarketId, UserId};

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }

    fn c(s: &str) -> Count {
        Count::parse(s).unwrap()
    }

    fn book_delta(side: BookSide, price: &str) -> BookDelta {
        BookDelta {
            market: MarketId(0),
            ticker: Arc::from("KXT-1"),
            side,
            price: p(price),
            delta: c("-3"),
            owner: UserId(1),
            client_order_id: Some(Arc::from("mine")),
            ts_ms: 1_767_268_800_000,
        }
    }

    #[test]
    fn snapshot_levels_in_no_leg_or_yes_leg_prices() {
        let view = BookView {
            bids: vec![(p("0.40"), c("5")), (p("0.42"), c("1"))],
            asks: vec![(p("0.44"), c("2")), (p("0.47"), c("3"))],
        };
        let no_leg = serde_json::to_string(&snapshot("KXT-1", &view, false)).unwrap();
        assert_eq!(
            no_leg,
            r#"{"market_ticker":"KXT-1","yes_dollars_fp":[["0.4000","5.00"],["0.4200","1.00"]],"no_dollars_fp":[["0.5300","3.00"],["0.5600","2.00"]]}"#
        );
        let yes_leg = snapshot("KXT-1", &view, true);
        let prices: Vec<String> = yes_leg
            .no_dollars_fp
            .iter()
            .map(|l| l.price.to_string())
            .collect();
        assert_eq!(
            prices,
            ["0.4400", "0.4700"],
            "use_yes_price keeps YES prices"
        );
    }

    #[test]
    fn empty_sides_are_absent_from_the_snapshot() {
        let view = BookView {
            bids: vec![],
            asks: vec![],
        };
        assert_eq!(
            serde_json::to_string(&snapshot("KXT-1", &view, false)).unwrap(),
            r#"{"market_ticker":"KXT-1"}"#
        );
    }

    #[test]
    fn deltas_show_client_order_id_only_to_the_owner() {
        let d = book_delta(BookSide::Ask, "0.44");
        let own = delta(&d, false, true);
        assert_eq!(own.side, WireOutcome::No);
        assert_eq!(own.price_dollars, p("0.56"), "an ask is a NO bid at 1 - p");
        assert_eq!(own.client_order_id.as_deref(), Some("mine"));
        assert_eq!(own.subaccount, Some(0));
        let other = delta(&d, true, false);
        assert_eq!(other.price_dollars, p("0.44"));
        assert_eq!(other.client_order_id, None, "never shown to someone else");
        assert_eq!(other.subaccount, None);
        let json = serde_json::to_string(&other).unwrap();
        assert_eq!(
            json,
            r#"{"market_ticker":"KXT-1","price_dollars":"0.4400","delta_fp":"-3.00","side":"no","ts":"2026-01-01T12:00:00Z","ts_ms":1767268800000}"#
        );
    }

    #[test]
    fn bids_are_yes_levels() {
        let d = delta(&book_delta(BookSide::Bid, "0.41"), false, false);
        assert_eq!((d.side, d.price_dollars), (WireOutcome::Yes, p("0.41")));
    }

    #[test]
    fn open_and_close_are_not_announced() {
        let l = |kind| Lifecycle {
            market: MarketId(0),
            ticker: Arc::from("KXT-1"),
            kind,
            ts_ms: 1_767_268_800_000,
        };
        assert!(lifecycle(&l(LifecycleKind::Opened)).is_none());
        assert!(lifecycle(&l(LifecycleKind::Closed)).is_none());
        let det = lifecycle(&l(LifecycleKind::Determined(MarketResult::No))).unwrap();
        assert_eq!(
            serde_json::to_string(&det).unwrap(),
            r#"{"market_ticker":"KXT-1","event_type":"determined","result":"no","determination_ts":1767268800,"settlement_value":"0.0000"}"#
        );
        let paused = lifecycle(&l(LifecycleKind::Deactivated)).unwrap();
        assert_eq!(paused.is_deactivated, Some(true));
        let settled = lifecycle(&l(LifecycleKind::Settled)).unwrap();
        assert_eq!(settled.event_type, MarketLifecycleEvent::Settled);
        assert_eq!(settled.settled_ts, Some(1_767_268_800));
    }
}
