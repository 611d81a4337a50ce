//! Test fixtures for the WS logic: a two-market fake exchange, fake hooks with a scripted
//! seq skip, engine events with known values, and JSON rendering of messages.

use std::cell::Cell;
use std::sync::Arc;

use kalshi::model::ws::Message;
use kalshi::model::{Count, Money, Price};

use super::env::{Exchange, Hooks};
use crate::engine::{BookView, Event, Ticker};
use crate::ids::OrderId;
use crate::server::state::EventBatch;

/// 2026-01-01T12:00:00Z.
pub(crate) const TS: i64 = 1_767_268_800_000;

pub(crate) fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}

pub(crate) fn c(s: &str) -> Count {
    Count::parse(s).unwrap()
}

/// `KXA-1` with a YES bid 0.40 × 10 and a YES ask 0.45 × 5; `KXB-2` with an empty book.
#[derive(Debug)]
pub(crate) struct FakeExchange {
    books: Vec<(&'static str, BookView)>,
}

impl FakeExchange {
    pub(crate) fn two_markets() -> Self {
        Self {
            books: vec![
                (
                    "KXA-1",
                    BookView {
                        bids: vec![(p("0.40"), c("10"))],
                        asks: vec![(p("0.45"), c("5"))],
                    },
                ),
                (
                    "KXB-2",
                    BookView {
                        bids: vec![],
                        asks: vec![],
                    },
                ),
            ],
        }
    }
}

impl Exchange for FakeExchange {
    fn has_market(&self, ticker: &str) -> bool {
        self.books.iter().any(|(t, _)| *t == ticker)
    }

    fn book(&self, ticker: &str) -> Option<BookView> {
        self.books
            .iter()
            .find(|(t, _)| *t == ticker)
            .map(|(_, b)| b.clone())
    }

    fn ticker(&self, ticker: &str) -> Option<Ticker> {
        self.has_market(ticker).then(|| events::ticker_line(ticker))
    }
}

/// Hooks that skip a seq on the next `skips` sequenced messages and refuse private
/// channels or one market if told to; every order is in group `og-1`.
#[derive(Debug, Default)]
pub(crate) struct FakeHooks {
    skips: Cell<u64>,
    refuse_private: Cell<bool>,
    refuse_market: Option<&'static str>,
}

impl FakeHooks {
    pub(crate) fn skipping(n: u64) -> Self {
        Self {
            skips: Cell::new(n),
            ..Self::default()
        }
    }

    pub(crate) fn refusing_market(ticker: &'static str) -> Self {
        Self {
            refuse_market: Some(ticker),
            ..Self::default()
        }
    }

    pub(crate) fn refusing_private() -> Self {
        Self {
            refuse_private: Cell::new(true),
            ..Self::default()
        }
    }
}

impl Hooks for FakeHooks {
    fn take_seq_skip(&self) -> bool {
        let n = self.skips.get();
        self.skips.set(n.saturating_sub(1));
        n > 0
    }

    fn order_group(&self, _order: OrderId) -> Option<String> {
        Some("og-1".to_owned())
    }

    fn refuses_private(&self) -> bool {
        self.refuse_private.get()
    }

    fn refuses_market(&self, ticker: &str) -> bool {
        self.refuse_market == Some(ticker)
    }
}

pub(crate) fn json_of(out: &[Message]) -> Vec<String> {
    out.iter().map(Message::to_json).collect()
}

pub(crate) fn batch(events: Vec<Event>) -> EventBatch {
    EventBatch {
        id: 1,
        ts_ms: TS,
        events,
    }
}

/// Engine events with fixed values.
pub(crate) mod events {
    use super::*;
    use crate::engine::{
        BookDelta, BookSide, Fill, Lifecycle, LifecycleKind, Order, OrderStatus, OrderUpdate,
        OrderUpdateKind, PositionUpdate, SelfTradePrevention, TimeInForce, Trade,
    };
    use crate::ids::{MarketId, TradeId, UserId};

    pub(crate) fn delta(ticker: &str, owner: UserId, coid: Option<&str>) -> Event {
        Event::BookDelta(BookDelta {
            market: MarketId(0),
            ticker: Arc::from(ticker),
            side: BookSide::Bid,
            price: p("0.40"),
            delta: c("5"),
            owner,
            client_order_id: coid.map(Arc::from),
            ts_ms: TS,
        })
    }

    pub(crate) fn ticker_line(ticker: &str) -> Ticker {
        Ticker {
            market: MarketId(0),
            ticker: Arc::from(ticker),
            last_price: None,
            yes_bid: Some(p("0.40")),
            yes_ask: Some(p("0.45")),
            yes_bid_size: c("10"),
            yes_ask_size: c("5"),
            last_trade_size: Count::ZERO,
            volume: Count::ZERO,
            open_interest: Count::ZERO,
            ts_ms: TS,
        }
    }

    pub(crate) fn ticker(ticker: &str) -> Event {
        Event::Ticker(ticker_line(ticker))
    }

    pub(crate) fn trade(ticker: &str) -> Event {
        Event::Trade(Trade {
            trade_id: TradeId(1),
            market: MarketId(0),
            ticker: Arc::from(ticker),
            yes_price: p("0.40"),
            count: c("2"),
            taker_side: BookSide::Ask,
            ts_ms: TS,
        })
    }

    pub(crate) fn fill(ticker: &str, user: UserId) -> Event {
        Event::Fill(Fill {
            trade_id: TradeId(1),
            order_id: OrderId(1),
            user,
            market: MarketId(0),
            ticker: Arc::from(ticker),
            side: BookSide::Bid,
            yes_price: p("0.40"),
            count: c("2"),
            is_taker: false,
            fee: Money::ZERO,
            post_position: c("2"),
            client_order_id: None,
            ts_ms: TS,
        })
    }

    pub(crate) fn order(ticker: &str, user: UserId) -> Event {
        Event::Order(OrderUpdate {
            kind: OrderUpdateKind::Created,
            order: Order {
                id: OrderId(1),
                user,
                market: MarketId(0),
                ticker: Arc::from(ticker),
                client_order_id: Some(Arc::from("c-1")),
                side: BookSide::Bid,
                price: p("0.40"),
                initial_count: c("10"),
                fill_count: Count::ZERO,
                remaining_count: c("10"),
                status: OrderStatus::Resting,
                time_in_force: TimeInForce::GoodTillCanceled,
                self_trade_prevention: SelfTradePrevention::TakerAtCross,
                post_only: false,
                reduce_only: false,
                cancel_order_on_pause: false,
                expiration_ms: None,
                created_ms: TS,
                last_update_ms: TS,
                taker_fill_cost: Money::ZERO,
                maker_fill_cost: Money::ZERO,
                taker_fees: Money::ZERO,
                maker_fees: Money::ZERO,
                cancel_reason: None,
                fees: Default::default(),
                queue_seq: 0,
                fee_reserved: 0,
            },
        })
    }

    pub(crate) fn position(ticker: &str, user: UserId) -> Event {
        Event::Position(PositionUpdate {
            user,
            market: MarketId(0),
            ticker: Arc::from(ticker),
            position: c("2"),
            position_cost: Money::parse("0.80").unwrap(),
            realized_pnl: Money::ZERO,
            fees_paid: Money::ZERO,
            volume: c("2"),
            ts_ms: TS,
        })
    }

    pub(crate) fn lifecycle(ticker: &str, kind: LifecycleKind) -> Event {
        Event::Lifecycle(Lifecycle {
            market: MarketId(0),
            ticker: Arc::from(ticker),
            kind,
            ts_ms: TS,
        })
    }
}
