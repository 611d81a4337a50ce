//! The contract's JSON, pinned: one realistic example of every command's request and
//! response, every event variant and every error code, compared with the committed
//! `tests/wire.json`. Any change to the contract shows up as a diff of that file;
//! `UPDATE_WIRE=1 cargo test -p ipc --test wire` rewrites it after a deliberate change
//! (then `UPDATE_WIRE=1 cargo test -p ipc --test api_doc` renders API.md from it).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::PathBuf;

use ipc::commands::credentials::{
    AddKey, KeyInfo, KeyList, KeySource, KeyStorage, KeyTestResult, ListKeys, PrivateKeyPem,
    RemoveKey, TestKey,
};
use ipc::commands::environment::{
    ConfirmProduction, ConnectionState, ConnectionStatus, Environment, GetSession, OpenEnvironment,
    RequestSync, ResetPaperAccount, SessionInfo, SubscribeEvents,
};
use ipc::commands::history::{
    Cursor, ExportCsv, ExportedCsv, FillFilter, FillHistory, FillView, HistoryExport, OrderFilter,
    OrderHistory, Page, PageRequest, TickerMatch,
};
use ipc::commands::market::{
    Candle, CandleRange, CandleSeries, Candles, CloseMarketView, GetMarket, MarketDetail,
    MarketType, MarketUpdate, OpenMarketView, PriceLevel, PriceRange, RecentTrades, TradeView,
    ViewId, ViewSnapshot,
};
use ipc::commands::markets::{
    ListMarkets, MarketPage, MarketResult, MarketRow, MarketSort, MarketStatus, SortDirection,
};
use ipc::commands::orders::{
    Action, AmendOrder, BookSide, CancelAll, CancelAllReport, CancelFailure, CancelOrder, Decrease,
    DecreaseOrder, OrderList, OrderStatus, OrderView, Outcome, PendingOrder, PlaceOrder,
    PlacedOrder, RestingOrders, RetryOrder, Ticket, TimeInForce, UnconfirmedOrder,
};
use ipc::commands::portfolio::{
    DailyPnl, GetPortfolio, MarketPnl, PnlBasis, PnlByMarket, PortfolioHistory, PortfolioPoint,
    PortfolioSeries, PortfolioView, PositionView, SettledAs, SettlementResult, SettlementView,
    Settlements,
};
use ipc::commands::settings::{GetSettings, RateTier, SaveSettings, Settings, Theme};
use ipc::commands::{self, Command};
use ipc::events::{
    BalanceUpdate, FillEvent, FillOrigin, HistoryImport, OrderEvent, PositionEvent, SyncSummary,
};
use ipc::{AppError, AppEvent, Count, ErrorCode, Money, Price};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// The examples
// ---------------------------------------------------------------------------------------

/// 2026-08-28T12:00:00Z, the examples' "now".
const NOW: i64 = 1_787_918_400_000;
const TICKER: &str = "KXHIGHNY-26AUG28-T84";

fn p(s: &str) -> Price {
    Price::parse(s).unwrap()
}
fn c(s: &str) -> Count {
    Count::parse(s).unwrap()
}
fn m(s: &str) -> Money {
    Money::parse(s).unwrap()
}

/// Reads JSON text back into the example's type and compares it with the example.
type ReadBack = Box<dyn Fn(&str) -> Result<(), String>>;

/// One pinned example: its JSON, and a check that the JSON reads back to the same value.
struct Case {
    json: Value,
    reads_back: ReadBack,
}

#[derive(Default)]
struct Examples {
    cases: BTreeMap<String, Case>,
    /// `Command::NAME` of every command given an example.
    commands: Vec<&'static str>,
}

impl Examples {
    fn add<T>(&mut self, name: impl Into<String>, value: T)
    where
        T: Serialize + DeserializeOwned + PartialEq + Debug + 'static,
    {
        let name = name.into();
        let json = serde_json::to_value(&value).unwrap();
        let reads_back = Box::new(move |text: &str| {
            let back: T = serde_json::from_str(text).map_err(|e| e.to_string())?;
            if back == value {
                Ok(())
            } else {
                Err(format!("read back as {back:?}, wrote {value:?}"))
            }
        });
        let previous = self.cases.insert(name.clone(), Case { json, reads_back });
        assert!(previous.is_none(), "example {name} is defined twice");
    }

    /// A command's request and response, named `command.<NAME>.request|response`.
    fn command<C>(&mut self, request: C, response: C::Response)
    where
        C: Command + PartialEq + Debug + 'static,
        C::Response: PartialEq + Debug + 'static,
    {
        self.commands.push(C::NAME);
        self.add(format!("command.{}.request", C::NAME), request);
        self.add(format!("command.{}.response", C::NAME), response);
    }
}

fn key_info(environment: Environment, storage: KeyStorage) -> KeyInfo {
    KeyInfo {
        environment,
        key_id: "a952bcbe-ec3b-4b5b-b8f9-11dae589608c".into(),
        storage,
    }
}

fn session_info() -> SessionInfo {
    SessionInfo {
        environment: Environment::Demo,
        key: Some(key_info(Environment::Demo, KeyStorage::Keychain)),
        connection: ConnectionStatus {
            state: ConnectionState::Connected {
                since_ms: NOW - 60_000,
            },
            offline: false,
            last_message_age_ms: Some(140),
        },
        production_confirmed: false,
        rate_tier: RateTier::Basic,
        last_synced_ms: Some(NOW - 55_000),
    }
}

fn market_row() -> MarketRow {
    MarketRow {
        ticker: TICKER.into(),
        event_ticker: "KXHIGHNY-26AUG28".into(),
        event_title: Some("Highest temperature in NYC on Aug 28, 2026?".into()),
        series_ticker: Some("KXHIGHNY".into()),
        category: Some("Climate and Weather".into()),
        title: "Will the high temp in NYC be >84° on Aug 28, 2026?".into(),
        yes_sub_title: "85° or above".into(),
        no_sub_title: "84° or below".into(),
        status: MarketStatus::Active,
        result: None,
        yes_bid: Some(p("0.4200")),
        yes_bid_size: c("310.00"),
        yes_ask: Some(p("0.4400")),
        yes_ask_size: c("125.50"),
        last_price: Some(p("0.4300")),
        previous_price: Some(p("0.3800")),
        volume: c("48210.00"),
        volume_24h: c("6120.00"),
        open_interest: c("15230.00"),
        open_ms: NOW - 86_400_000,
        close_ms: NOW + 43_200_000,
    }
}

fn settled_row() -> MarketRow {
    MarketRow {
        ticker: "KXHIGHNY-26AUG27-T82".into(),
        event_ticker: "KXHIGHNY-26AUG27".into(),
        event_title: None,
        series_ticker: None,
        category: None,
        title: "Will the high temp in NYC be >82° on Aug 27, 2026?".into(),
        yes_sub_title: "83° or above".into(),
        no_sub_title: "82° or below".into(),
        status: MarketStatus::Finalized,
        result: Some(MarketResult::No),
        yes_bid: None,
        yes_bid_size: Count::ZERO,
        yes_ask: None,
        yes_ask_size: Count::ZERO,
        last_price: Some(p("0.0100")),
        previous_price: None,
        volume: c("30011.00"),
        volume_24h: Count::ZERO,
        open_interest: Count::ZERO,
        open_ms: NOW - 2 * 86_400_000,
        close_ms: NOW - 43_200_000,
    }
}

fn ticket() -> Ticket {
    Ticket {
        ticker: TICKER.into(),
        action: Action::Buy,
        outcome: Outcome::No,
        price: p("0.5700"),
        count: c("10.00"),
        time_in_force: TimeInForce::GoodTillCanceled,
        post_only: false,
        reduce_only: false,
    }
}

fn pending_order() -> PendingOrder {
    PendingOrder {
        client_order_id: "3f0d5a4e-6c1b-4d0e-9a57-2f7a1c9e8b21".into(),
        ticket: ticket(),
        sent_ms: NOW,
    }
}

fn order_view() -> OrderView {
    OrderView {
        order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
        client_order_id: Some("3f0d5a4e-6c1b-4d0e-9a57-2f7a1c9e8b21".into()),
        ticker: TICKER.into(),
        outcome: Outcome::No,
        book_side: BookSide::Ask,
        status: OrderStatus::Resting,
        yes_price: p("0.4300"),
        no_price: p("0.5700"),
        initial_count: c("10.00"),
        fill_count: c("4.00"),
        remaining_count: c("6.00"),
        fill_cost: m("2.2800"),
        fees: m("0.070000"),
        expires_ms: None,
        created_ms: NOW,
        updated_ms: NOW + 120,
        closed_unknown: None,
    }
}

fn closed_unknown_order() -> OrderView {
    OrderView {
        order_id: "0b8c7e55-1d2f-4a9e-8f3b-5e6a7c8d9e0f".into(),
        client_order_id: None,
        status: OrderStatus::Canceled,
        book_side: BookSide::Bid,
        outcome: Outcome::Yes,
        yes_price: p("0.0550"),
        no_price: p("0.9450"),
        fill_count: Count::ZERO,
        remaining_count: Count::ZERO,
        fill_cost: Money::ZERO,
        fees: Money::ZERO,
        expires_ms: Some(NOW + 3_600_000),
        closed_unknown: Some(
            "The exchange no longer knows this order (not live, not archived).".into(),
        ),
        ..order_view()
    }
}

fn fill_view() -> FillView {
    FillView {
        fill_id: "f1a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8".into(),
        order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
        ticker: TICKER.into(),
        outcome: Outcome::No,
        book_side: BookSide::Ask,
        count: c("4.00"),
        yes_price: p("0.4300"),
        no_price: p("0.5700"),
        is_taker: true,
        fee: m("0.070000"),
        created_ms: NOW + 100,
    }
}

fn position_view() -> PositionView {
    PositionView {
        ticker: TICKER.into(),
        position: c("-4.00"),
        average_price: Some(m("0.5700")),
        market_exposure: m("2.2800"),
        mark_price: Some(p("0.4300")),
        unrealized_pnl: Some(m("0.0000")),
        realized_pnl: m("-1.1500"),
        fees_paid: m("0.1400"),
        total_traded: m("8.4100"),
        updated_ms: Some(NOW + 150),
    }
}

fn market_update() -> MarketUpdate {
    let level = |price: &str, count: &str| PriceLevel {
        price: p(price),
        count: c(count),
    };
    MarketUpdate {
        view_id: ViewId(7),
        seq: 42,
        ticker: TICKER.into(),
        yes_bids: vec![level("0.4200", "310.00"), level("0.4100", "95.00")],
        yes_asks: vec![level("0.4400", "125.50"), level("0.4600", "40.00")],
        best_bid: Some(level("0.4200", "310.00")),
        best_ask: Some(level("0.4400", "125.50")),
        last_price: Some(p("0.4300")),
        volume: Some(c("48210.00")),
        open_interest: Some(c("15230.00")),
        stale: false,
        refused: None,
    }
}

fn app_error(code: ErrorCode, message: &str) -> AppError {
    AppError::new(code, message)
}

fn fill_filter() -> FillFilter {
    FillFilter {
        from_ms: Some(NOW - 7 * 86_400_000),
        until_ms: Some(NOW),
        ticker: Some(TickerMatch::Prefix {
            prefix: "KXHIGHNY-".into(),
        }),
        outcome: Some(Outcome::No),
        book_side: None,
        order_id: None,
        text: Some("temp".into()),
    }
}

fn order_filter() -> OrderFilter {
    OrderFilter {
        from_ms: None,
        until_ms: None,
        ticker: Some(TickerMatch::Exact {
            ticker: TICKER.into(),
        }),
        outcome: None,
        book_side: Some(BookSide::Ask),
        status: Some(OrderStatus::Canceled),
        text: None,
    }
}

fn commands(ex: &mut Examples) {
    // environment
    ex.command(GetSession {}, session_info());
    ex.command(
        OpenEnvironment {
            environment: Environment::Production,
            confirm_production: true,
        },
        SessionInfo {
            environment: Environment::Production,
            key: Some(key_info(Environment::Production, KeyStorage::Session)),
            connection: ConnectionStatus {
                state: ConnectionState::Connecting,
                offline: true,
                last_message_age_ms: None,
            },
            production_confirmed: true,
            rate_tier: RateTier::Advanced,
            last_synced_ms: None,
        },
    );
    ex.command(
        ConfirmProduction { confirmed: true },
        SessionInfo {
            environment: Environment::Production,
            production_confirmed: true,
            ..session_info()
        },
    );
    ex.command(
        ResetPaperAccount {},
        SessionInfo {
            environment: Environment::Simulator,
            key: Some(key_info(Environment::Simulator, KeyStorage::Keychain)),
            rate_tier: RateTier::Custom {
                read_per_sec: 200,
                write_per_sec: 200,
            },
            ..session_info()
        },
    );
    ex.command(RequestSync {}, ());
    ex.command(SubscribeEvents {}, ());

    // credentials
    ex.command(
        ListKeys {},
        KeyList {
            keys: vec![
                key_info(Environment::Simulator, KeyStorage::Keychain),
                key_info(Environment::Demo, KeyStorage::Session),
            ],
            keychain_available: true,
        },
    );
    ex.command(
        AddKey {
            environment: Environment::Demo,
            key_id: "a952bcbe-ec3b-4b5b-b8f9-11dae589608c".into(),
            key: KeySource::File {
                path: "/home/trader/kalshi/demo.pem".into(),
            },
            storage: KeyStorage::Keychain,
        },
        key_info(Environment::Demo, KeyStorage::Keychain),
    );
    ex.add(
        "command.add_key.request.pasted",
        AddKey {
            environment: Environment::Demo,
            key_id: "a952bcbe-ec3b-4b5b-b8f9-11dae589608c".into(),
            key: KeySource::Pem {
                pem: PrivateKeyPem::new("<pasted PEM text>"),
            },
            storage: KeyStorage::Session,
        },
    );
    ex.command(
        TestKey {
            environment: Environment::Demo,
        },
        KeyTestResult {
            key: key_info(Environment::Demo, KeyStorage::Keychain),
            balance: m("1000.0000"),
            tested_ms: NOW,
        },
    );
    ex.command(
        RemoveKey {
            environment: Environment::Demo,
        },
        true,
    );

    // markets
    ex.command(
        ListMarkets {
            query: Some("nyc high".into()),
            status: Some(MarketStatus::Active),
            category: Some("Climate and Weather".into()),
            series_ticker: Some("KXHIGHNY".into()),
            event_ticker: None,
            tickers: None,
            closing_within_ms: Some(86_400_000),
            sort: MarketSort::Volume24h,
            direction: SortDirection::Descending,
            offset: 0,
            limit: 50,
        },
        MarketPage {
            markets: vec![market_row(), settled_row()],
            total: 2,
            stale: false,
            as_of_ms: Some(NOW - 2_000),
        },
    );
    ex.add(
        "command.list_markets.request.watchlist",
        ListMarkets {
            query: None,
            status: None,
            category: None,
            series_ticker: None,
            event_ticker: None,
            tickers: Some(vec![TICKER.into()]),
            closing_within_ms: None,
            sort: MarketSort::Change24h,
            direction: SortDirection::Ascending,
            offset: 100,
            limit: 100,
        },
    );

    // market
    ex.command(
        GetMarket {
            ticker: TICKER.into(),
        },
        MarketDetail {
            market: market_row(),
            market_type: MarketType::Binary,
            rules_primary: "If the highest temperature recorded in Central Park, New York on \
                            Aug 28, 2026 is above 84°, then the market resolves to Yes."
                .into(),
            rules_secondary: "Source: National Weather Service Daily Climate Report.".into(),
            can_close_early: false,
            price_ranges: vec![
                PriceRange {
                    start: p("0.0000"),
                    end: p("0.1000"),
                    step: p("0.0010"),
                },
                PriceRange {
                    start: p("0.1000"),
                    end: p("0.9000"),
                    step: p("0.0100"),
                },
                PriceRange {
                    start: p("0.9000"),
                    end: p("1.0000"),
                    step: p("0.0010"),
                },
            ],
            notional_value: Price::ONE,
            settlement_value: None,
            expected_expiration_ms: Some(NOW + 50_400_000),
            latest_expiration_ms: NOW + 8 * 86_400_000,
            settled_ms: None,
            fetched_ms: NOW - 1_000,
            stale: false,
        },
    );
    ex.command(
        OpenMarketView {
            ticker: TICKER.into(),
        },
        ViewId(7),
    );
    ex.command(CloseMarketView { view_id: ViewId(7) }, ());
    ex.command(ViewSnapshot { view_id: ViewId(7) }, market_update());
    ex.command(
        Candles {
            ticker: TICKER.into(),
            range: CandleRange::Day,
        },
        CandleSeries {
            ticker: TICKER.into(),
            range: CandleRange::Day,
            period_minutes: 60,
            candles: vec![
                Candle {
                    end_ms: NOW - 3_600_000,
                    open: Some(p("0.3900")),
                    high: Some(p("0.4400")),
                    low: Some(p("0.3800")),
                    close: Some(p("0.4300")),
                    yes_bid_close: Some(p("0.4200")),
                    yes_ask_close: Some(p("0.4400")),
                    volume: c("812.00"),
                    open_interest: c("15100.00"),
                },
                Candle {
                    end_ms: NOW,
                    open: None,
                    high: None,
                    low: None,
                    close: None,
                    yes_bid_close: Some(p("0.4200")),
                    yes_ask_close: None,
                    volume: Count::ZERO,
                    open_interest: c("15230.00"),
                },
            ],
        },
    );
    ex.command(
        RecentTrades {
            ticker: TICKER.into(),
            limit: 100,
        },
        vec![TradeView {
            trade_id: "d2b6f1c0-8a3e-4e57-9b1d-6c0f2a4e8d13".into(),
            ticker: TICKER.into(),
            count: c("25.00"),
            yes_price: p("0.4300"),
            no_price: p("0.5700"),
            taker_outcome: Outcome::Yes,
            taker_book_side: BookSide::Bid,
            created_ms: NOW - 4_000,
        }],
    );

    // orders
    let placed = PlacedOrder {
        client_order_id: "3f0d5a4e-6c1b-4d0e-9a57-2f7a1c9e8b21".into(),
        order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
        fill_count: c("4.00"),
        remaining_count: c("6.00"),
    };
    ex.command(PlaceOrder { ticket: ticket() }, placed.clone());
    ex.add(
        "command.place_order.request.good_till_time",
        PlaceOrder {
            ticket: Ticket {
                action: Action::Sell,
                outcome: Outcome::Yes,
                price: p("0.0450"),
                count: c("2.50"),
                time_in_force: TimeInForce::GoodTillTime {
                    expires_ms: NOW + 3_600_000,
                },
                post_only: true,
                reduce_only: true,
                ..ticket()
            },
        },
    );
    for (name, tif) in [
        ("immediate_or_cancel", TimeInForce::ImmediateOrCancel),
        ("fill_or_kill", TimeInForce::FillOrKill),
    ] {
        ex.add(
            format!("command.place_order.request.{name}"),
            PlaceOrder {
                ticket: Ticket {
                    time_in_force: tif,
                    ..ticket()
                },
            },
        );
    }
    ex.command(
        AmendOrder {
            order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
            yes_price: p("0.4100"),
            total_count: c("12.00"),
        },
        (),
    );
    ex.command(
        DecreaseOrder {
            order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
            decrease: Decrease::By { count: c("2.00") },
        },
        (),
    );
    ex.add(
        "command.decrease_order.request.to",
        DecreaseOrder {
            order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
            decrease: Decrease::To { count: c("1.00") },
        },
    );
    ex.command(
        CancelOrder {
            order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
        },
        (),
    );
    ex.command(
        CancelAll {
            ticker: Some(TICKER.into()),
        },
        CancelAllReport {
            canceled: vec!["ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into()],
            failed: vec![CancelFailure {
                order_id: "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f".into(),
                error: app_error(ErrorCode::NotFound, "Not found: order already executed."),
            }],
        },
    );
    ex.command(
        RestingOrders { ticker: None },
        OrderList {
            orders: vec![order_view()],
            pending: vec![pending_order()],
            unconfirmed: vec![UnconfirmedOrder {
                order: PendingOrder {
                    client_order_id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".into(),
                    sent_ms: NOW - 30_000,
                    ..pending_order()
                },
                error: app_error(
                    ErrorCode::ExchangeUnavailable,
                    "The exchange did not answer. Check the connection and try again.",
                ),
            }],
        },
    );
    ex.command(
        RetryOrder {
            client_order_id: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d".into(),
        },
        placed,
    );

    // portfolio
    ex.command(
        GetPortfolio {},
        PortfolioView {
            balance: Some(m("997.7200")),
            portfolio_value: Some(m("999.4400")),
            as_of_ms: Some(NOW + 200),
            positions: vec![position_view()],
            stale: false,
        },
    );
    ex.command(
        PnlByMarket {
            tickers: Some(vec![TICKER.into(), "KXHIGHNY-26AUG27-T82".into()]),
        },
        vec![
            MarketPnl {
                ticker: TICKER.into(),
                fills: 1,
                bought: Count::ZERO,
                sold: c("4.00"),
                net_position: c("-4.00"),
                trading_cash: m("1.7200"),
                fees: m("0.070000"),
                settlement: None,
                mark_price: Some(p("0.4300")),
                pnl: Some(m("-0.070000")),
                realized: false,
                basis: PnlBasis::Fills,
            },
            MarketPnl {
                ticker: "KXHIGHNY-26AUG27-T82".into(),
                fills: 0,
                bought: Count::ZERO,
                sold: Count::ZERO,
                net_position: Count::ZERO,
                trading_cash: Money::ZERO,
                fees: m("0.0200"),
                settlement: Some(SettledAs {
                    result: SettlementResult::No,
                    yes_payout: Some(Price::ZERO),
                    settled_ms: NOW - 36_000_000,
                }),
                mark_price: None,
                pnl: Some(m("3.3800")),
                realized: true,
                basis: PnlBasis::Settlement,
            },
        ],
    );
    ex.command(
        PortfolioSeries {
            from_ms: Some(NOW - 2 * 86_400_000),
            until_ms: None,
        },
        PortfolioHistory {
            points: vec![
                PortfolioPoint {
                    at_ms: NOW - 86_400_000,
                    balance: m("1000.0000"),
                    portfolio_value: m("1000.0000"),
                },
                PortfolioPoint {
                    at_ms: NOW + 200,
                    balance: m("997.7200"),
                    portfolio_value: m("999.4400"),
                },
            ],
            daily_pnl: vec![DailyPnl {
                day_ms: NOW - 43_200_000,
                pnl: m("3.3800"),
                markets: 1,
                cumulative: m("3.3800"),
            }],
        },
    );
    ex.command(
        Settlements {
            from_ms: None,
            until_ms: Some(NOW),
        },
        vec![SettlementView {
            ticker: "KXHIGHNY-26AUG27-T82".into(),
            event_ticker: "KXHIGHNY-26AUG27".into(),
            result: SettlementResult::No,
            yes_count: Count::ZERO,
            yes_total_cost: Money::ZERO,
            no_count: c("6.00"),
            no_total_cost: m("2.6000"),
            revenue: m("6.0000"),
            fee: m("0.0200"),
            value: None,
            settled_ms: NOW - 36_000_000,
        }],
    );

    // history
    ex.command(
        FillHistory {
            filter: fill_filter(),
            page: PageRequest {
                after: None,
                limit: 200,
            },
        },
        Page {
            items: vec![fill_view()],
            next: Some(Cursor("v1:1787918400100:5012".into())),
        },
    );
    ex.command(
        OrderHistory {
            filter: order_filter(),
            page: PageRequest {
                after: Some(Cursor("v1:1787918400000:311".into())),
                limit: 200,
            },
        },
        Page {
            items: vec![closed_unknown_order()],
            next: None,
        },
    );
    ex.command(
        ExportCsv {
            export: HistoryExport::Fills {
                filter: FillFilter::default(),
            },
            path: "/home/trader/Documents/fills.csv".into(),
        },
        ExportedCsv {
            rows: 18_204,
            path: "/home/trader/Documents/fills.csv".into(),
        },
    );
    ex.add(
        "command.export_csv.request.orders",
        ExportCsv {
            export: HistoryExport::Orders {
                filter: order_filter(),
            },
            path: "C:\\Users\\trader\\orders.csv".into(),
        },
    );

    // settings
    ex.command(GetSettings {}, Settings::default());
    let settings = Settings {
        notifications: false,
        confirm_orders: true,
        theme: Theme::Dark,
        close_to_tray: true,
        rate_tier: Some(RateTier::Premier),
        watchlist: vec![TICKER.into(), "KXBTCD-26AUG2817-T60000".into()],
    };
    ex.command(
        SaveSettings {
            settings: settings.clone(),
        },
        settings,
    );
    for (name, theme, tier) in [
        ("light_prime", Theme::Light, RateTier::Prime),
        (
            "system_custom",
            Theme::System,
            RateTier::Custom {
                read_per_sec: 60,
                write_per_sec: 60,
            },
        ),
    ] {
        ex.add(
            format!("settings.{name}"),
            Settings {
                theme,
                rate_tier: Some(tier),
                ..Settings::default()
            },
        );
    }
}

fn events(ex: &mut Examples) {
    let statuses = [
        (
            "connecting",
            ConnectionStatus {
                state: ConnectionState::Connecting,
                offline: true,
                last_message_age_ms: None,
            },
        ),
        (
            "connected",
            ConnectionStatus {
                state: ConnectionState::Connected { since_ms: NOW },
                offline: false,
                last_message_age_ms: Some(0),
            },
        ),
        (
            "reconnecting",
            ConnectionStatus {
                state: ConnectionState::Reconnecting {
                    attempt: 3,
                    retry_in_ms: 4_000,
                },
                offline: true,
                last_message_age_ms: Some(31_250),
            },
        ),
        (
            "offline",
            ConnectionStatus {
                state: ConnectionState::Offline {
                    reason: "The exchange cannot be reached.".into(),
                },
                offline: true,
                last_message_age_ms: Some(600_000),
            },
        ),
    ];
    for (name, status) in statuses {
        ex.add(
            format!("event.connection.{name}"),
            AppEvent::Connection(status),
        );
    }

    let client_order_id = "3f0d5a4e-6c1b-4d0e-9a57-2f7a1c9e8b21".to_owned();
    let orders = [
        ("pending", OrderEvent::Pending(pending_order())),
        (
            "accepted",
            OrderEvent::Accepted {
                client_order_id: client_order_id.clone(),
                order_id: "ee39a5a8-5b4c-4c3e-a3a6-8c1f0d1b7f10".into(),
                fill_count: c("4.00"),
                remaining_count: c("6.00"),
            },
        ),
        (
            "rejected",
            OrderEvent::Rejected {
                client_order_id: client_order_id.clone(),
                error: app_error(
                    ErrorCode::InsufficientBalance,
                    "Not enough balance: the order needs 5.7000.",
                ),
            },
        ),
        (
            "unconfirmed",
            OrderEvent::Unconfirmed {
                client_order_id: client_order_id.clone(),
                error: app_error(
                    ErrorCode::ExchangeUnavailable,
                    "The exchange did not answer. Check the connection and try again.",
                ),
            },
        ),
        (
            "not_placed",
            OrderEvent::NotPlaced {
                client_order_id,
                reason: "The exchange has no order with this client order id.".into(),
            },
        ),
        (
            "stored",
            OrderEvent::Stored {
                order: order_view(),
            },
        ),
        (
            "stored_closed_unknown",
            OrderEvent::Stored {
                order: closed_unknown_order(),
            },
        ),
    ];
    for (name, event) in orders {
        ex.add(format!("event.order.{name}"), AppEvent::Order(event));
    }

    for (name, origin) in [
        ("live", FillOrigin::Live),
        ("catch_up", FillOrigin::CatchUp),
    ] {
        ex.add(
            format!("event.fill.{name}"),
            AppEvent::Fill(FillEvent {
                fill: fill_view(),
                origin,
            }),
        );
    }
    ex.add(
        "event.history_imported",
        AppEvent::HistoryImported(HistoryImport {
            fills: 18_204,
            orders: 2_310,
        }),
    );
    ex.add(
        "event.position.stored",
        AppEvent::Position(PositionEvent::Stored {
            position: PositionView {
                average_price: None,
                mark_price: None,
                unrealized_pnl: None,
                updated_ms: None,
                ..position_view()
            },
        }),
    );
    ex.add(
        "event.position.closed",
        AppEvent::Position(PositionEvent::Closed {
            ticker: TICKER.into(),
        }),
    );
    ex.add(
        "event.balance",
        AppEvent::Balance(BalanceUpdate {
            balance: m("997.7200"),
            portfolio_value: m("999.4400"),
            at_ms: NOW + 200,
        }),
    );
    ex.add("event.market", AppEvent::Market(settled_row()));
    ex.add(
        "event.synced",
        AppEvent::Synced(SyncSummary {
            new_fills: 3,
            changed_orders: 2,
            changed_positions: 1,
            changed_settlements: 0,
            at_ms: NOW + 5_000,
        }),
    );
    ex.add(
        "event.error",
        AppEvent::Error(app_error(
            ErrorCode::FeedFailed,
            "The exchange refused live fills and order updates (unauthorized, code 9). \
             Retrying; until then they are fetched over REST, with a delay.",
        )),
    );

    ex.add("market_update.stream", market_update());
    ex.add(
        "market_update.refused",
        MarketUpdate {
            seq: 1,
            yes_bids: vec![],
            yes_asks: vec![],
            best_bid: None,
            best_ask: None,
            last_price: None,
            volume: None,
            open_interest: None,
            stale: true,
            refused: Some("Market is not active (code 17).".into()),
            ..market_update()
        },
    );
}

fn error_codes(ex: &mut Examples) {
    for code in ErrorCode::ALL {
        ex.add(
            format!("error.{}", code.wire_name()),
            app_error(code, "A sentence for a person."),
        );
    }
}

fn examples() -> Examples {
    let mut ex = Examples::default();
    commands(&mut ex);
    events(&mut ex);
    error_codes(&mut ex);
    ex
}

fn golden_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/wire.json")
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

/// The JSON of every example equals the committed file; `UPDATE_WIRE=1` rewrites it.
#[test]
fn every_type_has_its_pinned_json() {
    let ex = examples();
    let current: BTreeMap<&str, &Value> = ex
        .cases
        .iter()
        .map(|(k, v)| (k.as_str(), &v.json))
        .collect();
    let text = serde_json::to_string_pretty(&current).unwrap() + "\n";
    if std::env::var_os("UPDATE_WIRE").is_some() {
        std::fs::write(golden_path(), &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(golden_path())
        .expect("tests/wire.json is missing: run UPDATE_WIRE=1 cargo test -p ipc --test wire");
    let pinned: BTreeMap<String, Value> = serde_json::from_str(&committed).unwrap();
    let mut problems = Vec::new();
    for (name, json) in &current {
        match pinned.get(*name) {
            None => problems.push(format!("{name}: new, not in wire.json")),
            Some(old) if old != *json => problems.push(format!(
                "{name}: changed\n  pinned:  {old}\n  current: {json}"
            )),
            Some(_) => {}
        }
    }
    for name in pinned.keys() {
        if !current.contains_key(name.as_str()) {
            problems.push(format!("{name}: in wire.json, no longer produced"));
        }
    }
    assert!(
        problems.is_empty(),
        "the contract changed; if deliberate, run UPDATE_WIRE=1 cargo test -p ipc --test wire \
         and commit tests/wire.json:\n{}",
        problems.join("\n")
    );
    assert_eq!(
        committed, text,
        "wire.json holds the right values but not in canonical form: rewrite it with UPDATE_WIRE=1"
    );
}

#[test]
fn every_example_reads_back_equal() {
    for (name, case) in examples().cases {
        let text = serde_json::to_string_pretty(&case.json).unwrap();
        (case.reads_back)(&text).unwrap_or_else(|e| panic!("{name} does not read back: {e}"));
    }
}

#[test]
fn every_command_has_an_example_and_a_unique_snake_case_name_in_all() {
    let ex = examples();
    let listed: BTreeSet<&str> = commands::ALL.iter().copied().collect();
    assert_eq!(
        listed.len(),
        commands::ALL.len(),
        "command names are unique"
    );
    for name in commands::ALL {
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                && !name.starts_with('_')
                && !name.ends_with('_')
                && !name.contains("__"),
            "{name} is snake_case"
        );
    }
    let exemplified: BTreeSet<&str> = ex.commands.iter().copied().collect();
    assert_eq!(
        exemplified.len(),
        ex.commands.len(),
        "one example pair per command"
    );
    assert_eq!(
        exemplified, listed,
        "commands::ALL lists exactly the commands with pinned examples"
    );
    for name in commands::CHANNEL_COMMANDS {
        assert!(listed.contains(name), "{name} (takes a channel) is in ALL");
    }
}

/// Fields that are plain integers on the wire (times, durations, sequence numbers, row
/// counts, ids); every other number would be a money or count value that escaped its
/// string form.
fn is_integer_field(key: &str) -> bool {
    key.ends_with("_ms")
        || [
            "seq",
            "view_id",
            "attempt",
            "total",
            "offset",
            "limit",
            "rows",
            "fills",
            "orders",
            "markets",
            "new_fills",
            "changed_orders",
            "changed_positions",
            "changed_settlements",
            "read_per_sec",
            "write_per_sec",
            "period_minutes",
        ]
        .contains(&key)
}

fn numbers_outside_integer_fields(value: &Value, key: &str, path: &str, out: &mut Vec<String>) {
    match value {
        Value::Number(_) if !is_integer_field(key) => out.push(format!("{path} = {value}")),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                numbers_outside_integer_fields(item, key, &format!("{path}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                numbers_outside_integer_fields(v, k, &format!("{path}.{k}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn money_and_counts_are_strings_never_json_numbers() {
    let mut found = Vec::new();
    for (name, case) in examples().cases {
        // A bare view id is the one top-level number (open_market_view's answer).
        let key = if name == "command.open_market_view.response" {
            "view_id"
        } else {
            ""
        };
        numbers_outside_integer_fields(&case.json, key, &name, &mut found);
    }
    assert!(
        found.is_empty(),
        "only integer fields may be JSON numbers; money, prices and counts are decimal \
         strings:\n{}",
        found.join("\n")
    );
    let ticket = serde_json::to_value(ticket()).unwrap();
    assert_eq!(ticket["price"], "0.5700", "a price is its canonical text");
    assert_eq!(ticket["count"], "10.00", "a count is its canonical text");
}

#[test]
fn unknown_enum_values_are_errors_naming_the_value() {
    let e = serde_json::from_str::<OpenEnvironment>(
        r#"{"environment":"staging","confirm_production":false}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("staging"), "{e}");
    let e = serde_json::from_str::<AppEvent>(r#"{"type":"weather","data":{}}"#).unwrap_err();
    assert!(e.to_string().contains("weather"), "{e}");
    let e = serde_json::from_str::<TimeInForce>(r#"{"type":"good_till_tuesday"}"#).unwrap_err();
    assert!(e.to_string().contains("good_till_tuesday"), "{e}");
    let e = serde_json::from_str::<AppError>(
        r#"{"code":"out_of_coffee","message":"m","retryable":false}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("out_of_coffee"),
        "an error code this version does not know is an error, not a default: {e}"
    );
}

#[test]
fn extra_fields_are_ignored_and_absent_options_read_as_none() {
    let mut json = serde_json::to_value(PlaceOrder { ticket: ticket() }).unwrap();
    json["added_later"] = Value::from("by a newer UI");
    json["ticket"]["display_hint"] = Value::from(3);
    let back: PlaceOrder = serde_json::from_value(json).unwrap();
    assert_eq!(back.ticket, ticket(), "unknown fields are tolerated");

    let back: RestingOrders = serde_json::from_str("{}").unwrap();
    assert_eq!(back.ticker, None, "an absent optional field is None");
    assert!(
        serde_json::from_str::<CancelOrder>("{}").is_err(),
        "a required field must be present"
    );
    let settings: Settings = serde_json::from_str(r#"{"theme":"dark"}"#).unwrap();
    assert_eq!(
        settings,
        Settings {
            theme: Theme::Dark,
            ..Settings::default()
        },
        "settings saved by an older version load with defaults for the new fields"
    );
}

#[test]
fn fixed_point_fields_are_read_exactly() {
    let read = |price: Value| {
        let mut json = serde_json::to_value(ticket()).unwrap();
        json["price"] = price;
        serde_json::from_value::<Ticket>(json).map(|t| t.price)
    };
    assert_eq!(
        read(Value::from("0.5")).unwrap(),
        p("0.5000"),
        "fewer decimals than the unit are exact"
    );
    assert!(read(Value::from("abc")).is_err(), "text that is no number");
    assert!(read(Value::from("0.56001")).is_err(), "finer than $0.0001");
    assert!(read(Value::from("-0.5")).is_err(), "a negative price");
    assert!(read(Value::from("")).is_err(), "an empty price");
    // The money crate reads a JSON number by its shortest decimal text (Kalshi's WebSocket
    // sends some), so a number is either exact or refused, never rounded: what an f64
    // sum in JavaScript produces is refused.
    assert_eq!(read(serde_json::json!(0.5)).unwrap(), p("0.5000"));
    assert!(read(serde_json::json!(0.1 + 0.2)).is_err());
    let count = |text: &str| serde_json::from_value::<Count>(Value::from(text));
    assert_eq!(count("10").unwrap(), c("10.00"));
    assert!(count("1.001").is_err(), "finer than 0.01 contract");
}

#[test]
fn a_private_key_never_shows_in_debug_output() {
    let request = AddKey {
        environment: Environment::Demo,
        key_id: "k".into(),
        key: KeySource::Pem {
            pem: PrivateKeyPem::new("-----BEGIN PRIVATE KEY-----\nMIIEvQ\n"),
        },
        storage: KeyStorage::Session,
    };
    let debug = format!("{request:?}");
    assert!(!debug.contains("MIIEvQ"), "{debug}");
    assert!(debug.contains("[redacted]"), "{debug}");
}

#[test]
fn retryable_always_follows_the_code() {
    for code in ErrorCode::ALL {
        let e = AppError::new(code, "x");
        assert_eq!(e.retryable, code.retryable(), "{code}");
    }
}

#[test]
fn wire_name_is_what_serde_writes() {
    for code in ErrorCode::ALL {
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            Value::String(code.wire_name().to_owned()),
            "wire_name and serde agree for {code:?}"
        );
    }
}
