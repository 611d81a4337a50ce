//! Engine records → `kalshi::model` wire types. Every REST response is built here from the
//! SDK's own types, so the simulator and the client cannot drift. The WS layer reuses the
//! vocabulary mappings.

use kalshi::model::event::{Event as WireEvent, SettlementSource as WireSource};
use kalshi::model::fill::Fill as WireFill;
use kalshi::model::market::{
    Market as WireMarket, MarketResult as WireResult, MarketStatus as WireStatus, MarketType,
    StrikeType as WireStrike,
};
use kalshi::model::order::{
    BookSide as WireBookSide, Order as WireOrder, OrderStatus as WireOrderStatus, OrderType,
    OutcomeSide as WireOutcome, SelfTradePrevention as WireStp, TimeInForce as WireTif,
};
use kalshi::model::orderbook::{Level, OrderbookFp};
use kalshi::model::portfolio::MarketPosition as WireMarketPosition;
use kalshi::model::series::{FeeType as WireFeeType, Series as WireSeries};
use kalshi::model::settlement::{Settlement as WireSettlement, SettlementResult};
use kalshi::model::trade::Trade as WireTrade;
use kalshi::model::{Count, Price};
use time::OffsetDateTime;

use crate::accounts::{FeeType, Position};
use crate::engine::{
    BookSide, BookView, Fill, Market, Order, OrderStatus, OutcomeSide, SelfTradePrevention,
    TimeInForce, Trade,
};
use crate::ids::{OrderId, UserId};
use crate::lifecycle::{MarketResult, MarketStatus, Settlement};
use crate::universe::{EventSpec, SeriesSpec, StrikeType};

/// The single exchange shard the simulator runs.
pub const EXCHANGE_INDEX: i32 = 0;

/// Engine ms → RFC 3339 time (clamped to the epoch for nonsense values).
pub fn time_of(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Engine ms → Unix seconds.
pub fn secs_of(ms: i64) -> i64 {
    ms.div_euclid(1000)
}

/// Wire book side.
pub fn book_side(side: BookSide) -> WireBookSide {
    match side {
        BookSide::Bid => WireBookSide::Bid,
        BookSide::Ask => WireBookSide::Ask,
    }
}

/// Engine book side from the wire.
pub fn engine_side(side: WireBookSide) -> BookSide {
    match side {
        WireBookSide::Bid => BookSide::Bid,
        WireBookSide::Ask => BookSide::Ask,
    }
}

/// Wire outcome side.
pub fn outcome_side(side: OutcomeSide) -> WireOutcome {
    match side {
        OutcomeSide::Yes => WireOutcome::Yes,
        OutcomeSide::No => WireOutcome::No,
    }
}

/// Engine time in force from the wire.
pub fn engine_tif(tif: WireTif) -> TimeInForce {
    match tif {
        WireTif::GoodTillCanceled => TimeInForce::GoodTillCanceled,
        WireTif::ImmediateOrCancel => TimeInForce::ImmediateOrCancel,
        WireTif::FillOrKill => TimeInForce::FillOrKill,
    }
}

/// Engine self-trade prevention from the wire.
pub fn engine_stp(stp: WireStp) -> SelfTradePrevention {
    match stp {
        WireStp::TakerAtCross => SelfTradePrevention::TakerAtCross,
        WireStp::Maker => SelfTradePrevention::Maker,
    }
}

fn wire_stp(stp: SelfTradePrevention) -> WireStp {
    match stp {
        SelfTradePrevention::TakerAtCross => WireStp::TakerAtCross,
        SelfTradePrevention::Maker => WireStp::Maker,
    }
}

/// Wire order status.
pub fn order_status(status: OrderStatus) -> WireOrderStatus {
    match status {
        OrderStatus::Resting => WireOrderStatus::Resting,
        OrderStatus::Canceled => WireOrderStatus::Canceled,
        OrderStatus::Executed => WireOrderStatus::Executed,
    }
}

/// Wire market status.
pub fn market_status(status: MarketStatus) -> WireStatus {
    match status {
        MarketStatus::Initialized => WireStatus::Initialized,
        MarketStatus::Active => WireStatus::Active,
        MarketStatus::Inactive => WireStatus::Inactive,
        MarketStatus::Closed => WireStatus::Closed,
        MarketStatus::Determined => WireStatus::Determined,
        MarketStatus::Finalized => WireStatus::Finalized,
    }
}

fn strike_type(t: StrikeType) -> WireStrike {
    match t {
        StrikeType::Greater => WireStrike::Greater,
        StrikeType::Less => WireStrike::Less,
        StrikeType::Between => WireStrike::Between,
        StrikeType::Custom => WireStrike::Custom,
    }
}

fn fee_type(t: FeeType) -> WireFeeType {
    match t {
        FeeType::Quadratic => WireFeeType::Quadratic,
        FeeType::QuadraticWithMakerFees => WireFeeType::QuadraticWithMakerFees,
    }
}

/// A strike as a JSON number with exactly its decimal digits.
pub(crate) fn strike_number(text: &str) -> Option<serde_json::Number> {
    serde_json::from_str(text).ok()
}

/// The price of the complementary leg (1 − p), 0 if `p` is out of range.
fn complement(p: Price) -> Price {
    p.complement().unwrap_or(Price::ZERO)
}

/// A market as `GET /markets` shows it at `now_ms`.
pub fn market(m: &Market, now_ms: i64) -> WireMarket {
    let spec = m.spec();
    let status = m.status(now_ms);
    let (yes_bid, yes_bid_size) = m.best_bid().unwrap_or((Price::ZERO, Count::ZERO));
    let (yes_ask, yes_ask_size) = m.best_ask().unwrap_or((Price::ONE, Count::ZERO));
    let last = m.last_price().unwrap_or(Price::ZERO);
    let result = m.result();
    WireMarket {
        ticker: spec.ticker.clone(),
        event_ticker: spec.event_ticker.clone(),
        market_type: MarketType::Binary,
        title: Some(spec.title.clone()),
        subtitle: Some(spec.subtitle.clone()),
        yes_sub_title: spec.yes_sub_title.clone(),
        no_sub_title: spec.no_sub_title.clone(),
        created_time: time_of(spec.created_ms),
        updated_time: time_of(m.updated_ms().max(spec.created_ms)),
        open_time: time_of(spec.open_ms),
        close_time: time_of(m.close_ms()),
        expected_expiration_time: Some(time_of(spec.expected_expiration_ms)),
        expiration_time: Some(time_of(spec.latest_expiration_ms)),
        latest_expiration_time: time_of(spec.latest_expiration_ms),
        settlement_timer_seconds: spec.settlement_timer_seconds,
        status: market_status(status),
        yes_bid_dollars: yes_bid,
        yes_bid_size_fp: yes_bid_size,
        yes_ask_dollars: yes_ask,
        yes_ask_size_fp: yes_ask_size,
        no_bid_dollars: complement(yes_ask),
        no_ask_dollars: complement(yes_bid),
        last_price_dollars: last,
        volume_fp: m.volume(),
        // The sim keeps no 24-hour history; runs are shorter than a day.
        volume_24h_fp: m.volume(),
        result: match result {
            None => WireResult::Undetermined,
            Some(MarketResult::Yes) => WireResult::Yes,
            Some(MarketResult::No) => WireResult::No,
        },
        can_close_early: spec.can_close_early,
        open_interest_fp: m.open_interest(),
        notional_value_dollars: Price::ONE,
        previous_yes_bid_dollars: yes_bid,
        previous_yes_ask_dollars: yes_ask,
        previous_price_dollars: last,
        liquidity_dollars: Some(Price::ZERO),
        settlement_value_dollars: result.map(MarketResult::yes_value),
        settlement_ts: m.settled_ms().map(time_of),
        expiration_value: result.map_or_else(String::new, |r| r.as_str().to_owned()),
        occurrence_datetime: None,
        fee_waiver_expiration_time: None,
        early_close_condition: None,
        strike_type: Some(strike_type(spec.strike_type)),
        floor_strike: spec
            .floor_strike
            .and_then(|s| strike_number(&s.to_string())),
        cap_strike: spec.cap_strike.and_then(|s| strike_number(&s.to_string())),
        functional_strike: None,
        custom_strike: None,
        rules_primary: spec.rules_primary.clone(),
        rules_secondary: spec.rules_secondary.clone(),
        mve_collection_ticker: None,
        mve_selected_legs: None,
        primary_participant_key: None,
        price_level_structure: spec.grid.structure().as_str().to_owned(),
        price_ranges: spec.grid.ranges().to_vec(),
        is_provisional: Some(false),
        exchange_index: Some(EXCHANGE_INDEX),
    }
}

/// An order book as REST shows it: YES bids, and YES asks as NO bids at 1 − price, both
/// ascending by price (best last).
pub fn orderbook(view: &BookView) -> OrderbookFp {
    let yes = view
        .bids
        .iter()
        .map(|(price, count)| Level {
            price: *price,
            count: *count,
        })
        .collect();
    // Asks ascend in YES price; as NO prices they descend, so reverse for ascending order.
    let no = view
        .asks
        .iter()
        .rev()
        .map(|(price, count)| Level {
            price: complement(*price),
            count: *count,
        })
        .collect();
    OrderbookFp {
        yes_dollars: yes,
        no_dollars: no,
    }
}

/// An order as `GET /portfolio/orders` shows it.
pub fn order(o: &Order, order_group_id: Option<String>) -> WireOrder {
    WireOrder {
        order_id: o.id.to_uuid().to_string(),
        user_id: o.user.to_uuid().to_string(),
        client_order_id: o.client_order_id.as_deref().unwrap_or_default().to_owned(),
        ticker: o.ticker.to_string(),
        side: None,
        action: None,
        outcome_side: outcome_side(o.outcome_side()),
        book_side: book_side(o.side),
        order_type: OrderType::Limit,
        status: order_status(o.status),
        yes_price_dollars: o.price,
        no_price_dollars: o.no_price(),
        fill_count_fp: o.fill_count,
        remaining_count_fp: o.remaining_count,
        initial_count_fp: o.initial_count,
        taker_fill_cost_dollars: o.taker_fill_cost,
        maker_fill_cost_dollars: o.maker_fill_cost,
        taker_fees_dollars: o.taker_fees,
        maker_fees_dollars: o.maker_fees,
        expiration_time: o.expiration_ms.map(time_of),
        created_time: Some(time_of(o.created_ms)),
        last_update_time: Some(time_of(o.last_update_ms)),
        self_trade_prevention_type: Some(wire_stp(o.self_trade_prevention)),
        order_group_id,
        cancel_order_on_pause: Some(o.cancel_order_on_pause),
        subaccount_number: Some(0),
        exchange_index: Some(EXCHANGE_INDEX),
    }
}

/// A fill as `GET /portfolio/fills` shows it.
pub fn fill(f: &Fill) -> WireFill {
    let id = f.trade_id.to_uuid().to_string();
    WireFill {
        fill_id: id.clone(),
        exchange_index: EXCHANGE_INDEX,
        trade_id: id,
        order_id: f.order_id.to_uuid().to_string(),
        ticker: f.ticker.to_string(),
        market_ticker: f.ticker.to_string(),
        side: None,
        action: None,
        outcome_side: outcome_side(f.outcome_side()),
        book_side: book_side(f.side),
        count_fp: f.count,
        yes_price_dollars: f.yes_price,
        no_price_dollars: f.no_price(),
        is_taker: f.is_taker,
        created_time: Some(time_of(f.ts_ms)),
        fee_cost: f.fee,
        subaccount_number: Some(0),
        ts: Some(secs_of(f.ts_ms)),
    }
}

/// An account's position in market `m` as `GET /portfolio/positions` shows it (the
/// end-to-end tests build their expected view with it too).
pub fn market_position(p: &Position, m: &Market) -> WireMarketPosition {
    WireMarketPosition {
        ticker: m.ticker().to_string(),
        exchange_index: EXCHANGE_INDEX,
        total_traded_dollars: p.total_traded(),
        position_fp: p.position(),
        market_exposure_dollars: p.market_exposure(),
        realized_pnl_dollars: p.realized_pnl(),
        fees_paid_dollars: p.fees_paid(),
        last_updated_ts: time_of(p.last_updated_ms()),
    }
}

/// A public trade as `GET /markets/trades` shows it.
pub fn trade(t: &Trade) -> WireTrade {
    let taker = outcome_side(t.taker_outcome_side());
    WireTrade {
        trade_id: t.trade_id.to_uuid().to_string(),
        ticker: t.ticker.to_string(),
        count_fp: t.count,
        yes_price_dollars: t.yes_price,
        no_price_dollars: complement(t.yes_price),
        taker_side: Some(taker),
        taker_outcome_side: taker,
        taker_book_side: book_side(t.taker_side),
        created_time: time_of(t.ts_ms),
        is_block_trade: false,
    }
}

/// A settlement record as `GET /portfolio/settlements` shows it.
pub fn settlement(s: &Settlement) -> WireSettlement {
    WireSettlement {
        ticker: s.ticker.to_string(),
        exchange_index: EXCHANGE_INDEX,
        event_ticker: s.event_ticker.to_string(),
        market_result: match s.market_result {
            MarketResult::Yes => SettlementResult::Yes,
            MarketResult::No => SettlementResult::No,
        },
        yes_count_fp: s.yes_count,
        yes_total_cost_dollars: s.yes_total_cost,
        no_count_fp: s.no_count,
        no_total_cost_dollars: s.no_total_cost,
        revenue: s.revenue_cents,
        settled_time: time_of(s.settled_ms),
        fee_cost: s.fee_cost,
        value: Some(s.value_cents),
    }
}

/// An event, with its markets when nesting was asked for.
pub fn event(e: &EventSpec, markets: Option<Vec<WireMarket>>) -> WireEvent {
    WireEvent {
        event_ticker: e.event_ticker.clone(),
        series_ticker: e.series_ticker.clone(),
        sub_title: e.sub_title.clone(),
        title: e.title.clone(),
        collateral_return_type: if e.mutually_exclusive {
            "MECNET".to_owned()
        } else {
            String::new()
        },
        mutually_exclusive: e.mutually_exclusive,
        category: Some(e.category.clone()),
        strike_date: Some(time_of(e.strike_date_ms)),
        strike_period: None,
        markets,
        product_metadata: None,
        settlement_sources: None,
        last_updated_ts: None,
        fee_type_override: None,
        fee_multiplier_override: None,
        exchange_index: Some(EXCHANGE_INDEX),
    }
}

/// A series.
pub fn series(s: &SeriesSpec, volume: Option<Count>) -> WireSeries {
    WireSeries {
        ticker: s.ticker.clone(),
        frequency: s.frequency.clone(),
        title: s.title.clone(),
        category: s.category.clone(),
        categories: vec![s.category.clone()],
        tags: Some(s.tags.clone()),
        settlement_sources: Some(
            s.settlement_sources
                .iter()
                .map(|src| WireSource {
                    name: Some(src.name.clone()),
                    url: Some(src.url.clone()),
                })
                .collect(),
        ),
        contract_url: s.contract_url.clone(),
        contract_terms_url: s.contract_url.clone(),
        product_metadata: None,
        fee_type: fee_type(s.fee_type),
        fee_multiplier: serde_json::Number::from(1),
        additional_prohibitions: Some(Vec::new()),
        volume_fp: volume,
        last_updated_ts: None,
        exchange_index: Some(EXCHANGE_INDEX),
    }
}

/// Parses an order id from the wire; `None` for anything this exchange never issued.
pub fn parse_order_id(text: &str) -> Option<OrderId> {
    OrderId::parse(text)
}

/// The wire `user_id` of a user.
pub fn user_id(user: UserId) -> String {
    user.to_uuid().to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn times_render_from_ms() {
        assert_eq!(secs_of(1_755_700_000_999), 1_755_700_000);
        assert_eq!(time_of(1_500).unix_timestamp_nanos(), 1_500_000_000);
    }

    #[test]
    fn book_asks_become_ascending_no_bids() {
        let p = |s: &str| Price::parse(s).unwrap();
        let c = |s: &str| Count::parse(s).unwrap();
        let view = BookView {
            bids: vec![(p("0.40"), c("5")), (p("0.42"), c("1"))],
            asks: vec![(p("0.44"), c("2")), (p("0.47"), c("3"))],
        };
        let fp = orderbook(&view);
        assert_eq!(fp.best_yes_bid().unwrap().price, p("0.42"));
        let no: Vec<String> = fp.no_dollars.iter().map(|l| l.price.to_string()).collect();
        assert_eq!(no, ["0.5300", "0.5600"], "ascending, best NO bid last");
        assert_eq!(fp.best_yes_ask().unwrap().price, p("0.44"));
    }
}
