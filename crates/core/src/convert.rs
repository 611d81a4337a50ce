//! WebSocket payloads (`fill`, `user_order`) turned into the REST shapes the store keeps,
//! so a fill or order reads the same whichever way it arrived.
//!
//! A payload that lacks something the stored row needs (an old server without
//! `outcome_side`, a fill without `fee_cost`) is not guessed at: the conversion returns
//! `None` and the caller lets the next REST catch-up store the full record instead.

use kalshi::model::fill::Fill;
use kalshi::model::order::{Order, OrderType};
use kalshi::model::ws::{Fill as WsFill, UserOrder};
use store::from_unix_ms as from_ms;
use time::OffsetDateTime;

/// A WS `fill` as the REST `Fill` it will also appear as; `None` if it lacks the sides, the
/// fee or a time.
pub(crate) fn fill(f: &WsFill) -> Option<Fill> {
    let created = match (f.ts_ms, f.ts) {
        (Some(ms), _) => from_ms(ms)?,
        (None, Some(secs)) => OffsetDateTime::from_unix_timestamp(secs).ok()?,
        (None, None) => return None,
    };
    Some(Fill {
        fill_id: f.trade_id.clone(),
        exchange_index: f
            .exchange_index
            .map_or(Some(0), |i| i32::try_from(i).ok())?,
        trade_id: f.trade_id.clone(),
        order_id: f.order_id.clone(),
        ticker: f.market_ticker.clone(),
        market_ticker: f.market_ticker.clone(),
        side: None,
        action: None,
        outcome_side: f.outcome_side?,
        book_side: f.book_side?,
        count_fp: f.count_fp,
        yes_price_dollars: f.yes_price_dollars,
        no_price_dollars: f.yes_price_dollars.complement()?,
        is_taker: f.is_taker,
        created_time: Some(created),
        fee_cost: f.fee_cost?,
        subaccount_number: f.subaccount.and_then(|s| i32::try_from(s).ok()),
        ts: Some(created.unix_timestamp()),
    })
}

/// A WS `user_order` as the REST `Order`; `None` if it lacks the sides, the sizes or the
/// update time (which orders updates against older states).
pub(crate) fn order(o: &UserOrder) -> Option<Order> {
    let created = time_of(o.created_time, o.created_ts_ms)?;
    let updated = time_of(o.last_update_time, o.last_updated_ts_ms)?;
    let initial = match o.initial_count_fp {
        Some(c) => c,
        None => o.fill_count_fp.checked_add(o.remaining_count_fp)?,
    };
    Some(Order {
        order_id: o.order_id.clone(),
        user_id: o.user_id.clone().unwrap_or_default(),
        client_order_id: o.client_order_id.clone().unwrap_or_default(),
        ticker: o.ticker.clone(),
        side: None,
        action: None,
        outcome_side: o.outcome_side?,
        book_side: o.book_side?,
        // V2 order entry only has limit orders.
        order_type: OrderType::Limit,
        status: o.status,
        yes_price_dollars: o.yes_price_dollars,
        no_price_dollars: o.yes_price_dollars.complement()?,
        fill_count_fp: o.fill_count_fp,
        remaining_count_fp: o.remaining_count_fp,
        initial_count_fp: initial,
        taker_fill_cost_dollars: o.taker_fill_cost_dollars?,
        maker_fill_cost_dollars: o.maker_fill_cost_dollars?,
        taker_fees_dollars: o.taker_fees_dollars?,
        maker_fees_dollars: o.maker_fees_dollars?,
        expiration_time: match (o.expiration_time, o.expiration_ts_ms) {
            (Some(t), _) => Some(t),
            (None, Some(ms)) => Some(from_ms(ms)?),
            (None, None) => None,
        },
        created_time: Some(created),
        last_update_time: Some(updated),
        self_trade_prevention_type: o.self_trade_prevention_type,
        order_group_id: o.order_group_id.clone(),
        cancel_order_on_pause: None,
        subaccount_number: o.subaccount_number.and_then(|s| i32::try_from(s).ok()),
        exchange_index: None,
    })
}

fn time_of(rfc3339: Option<OffsetDateTime>, ms: Option<i64>) -> Option<OffsetDateTime> {
    match (ms, rfc3339) {
        (Some(ms), _) => from_ms(ms),
        (None, t) => t,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kalshi::model::order::{BookSide, OrderStatus, OutcomeSide};
    use kalshi::model::{Count, Money, Price};

    fn ws_fill() -> WsFill {
        serde_json::from_value(serde_json::json!({
            "trade_id": "t-1", "order_id": "o-1", "market_ticker": "MKT",
            "exchange_index": 0, "is_taker": true, "outcome_side": "no", "book_side": "ask",
            "yes_price_dollars": "0.6100", "count_fp": "3.00", "fee_cost": "0.0500",
            "ts_ms": 1_755_700_000_123_i64
        }))
        .unwrap()
    }

    #[test]
    fn ws_fill_becomes_the_rest_fill() {
        let f = fill(&ws_fill()).unwrap();
        assert_eq!(f.fill_id, "t-1", "trade_id is the fill id (dedupe key)");
        assert_eq!(f.trade_id, "t-1");
        assert_eq!(f.ticker, "MKT");
        assert_eq!(f.outcome_side, OutcomeSide::No);
        assert_eq!(f.book_side, BookSide::Ask);
        assert_eq!(f.no_price_dollars, Price::parse("0.39").unwrap());
        assert_eq!(f.count_fp, Count::from_contracts(3));
        assert_eq!(f.fee_cost, Money::parse("0.05").unwrap());
        assert_eq!(f.created_time.unwrap().unix_timestamp(), 1_755_700_000);
        assert_eq!(f.ts, Some(1_755_700_000));
    }

    #[test]
    fn incomplete_fills_are_left_to_rest() {
        let mut f = ws_fill();
        f.fee_cost = None;
        assert!(fill(&f).is_none(), "no fee: not guessed");
        let mut f = ws_fill();
        f.book_side = None;
        assert!(fill(&f).is_none(), "no side: not guessed");
        let mut f = ws_fill();
        f.ts_ms = None;
        assert!(fill(&f).is_none(), "no time: not guessed");
    }

    #[test]
    fn ws_order_becomes_the_rest_order() {
        let o: UserOrder = serde_json::from_value(serde_json::json!({
            "order_id": "o-1", "user_id": "u", "ticker": "MKT", "status": "resting",
            "outcome_side": "yes", "book_side": "bid", "yes_price_dollars": "0.4000",
            "fill_count_fp": "1.00", "remaining_count_fp": "4.00",
            "taker_fill_cost_dollars": "0.4000", "maker_fill_cost_dollars": "0.0000",
            "taker_fees_dollars": "0.0200", "maker_fees_dollars": "0.0000",
            "client_order_id": "c-1", "created_ts_ms": 1_000_i64, "last_updated_ts_ms": 2_000_i64
        }))
        .unwrap();
        let r = order(&o).unwrap();
        assert_eq!(r.client_order_id, "c-1");
        assert_eq!(r.status, OrderStatus::Resting);
        assert_eq!(
            r.initial_count_fp,
            Count::from_contracts(5),
            "filled + remaining"
        );
        assert_eq!(r.no_price_dollars, Price::parse("0.6").unwrap());
        assert_eq!(r.last_update_time, from_ms(2_000));
        let mut missing = o.clone();
        missing.last_updated_ts_ms = None;
        assert!(
            order(&missing).is_none(),
            "an update without a time cannot be ordered"
        );
    }
}
