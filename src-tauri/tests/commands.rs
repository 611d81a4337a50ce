//! Every command through Tauri's mock runtime against the embedded simulator, in a temp
//! data folder with memory keys (never the real keychain or home): the markets list, a
//! live view with rising seqs, place → fill → history, cancel, switching environment,
//! and each bad input's exact code with nothing changed in the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use desk_core::{
    CredentialStore, DeskEnvironment, MemoryCredentialStore, SimulatorSetup, StoredKey, Tuning,
};
use ipc::commands::credentials::*;
use ipc::commands::environment::*;
use ipc::commands::history::*;
use ipc::commands::market::*;
use ipc::commands::markets::*;
use ipc::commands::orders::*;
use ipc::commands::portfolio::*;
use ipc::commands::settings::*;
use ipc::{AppError, Command, Count, ErrorCode, Price};
use kalshi_desk::state::{AppOptions, AppState, Keychain};
use kalshi_sim::{SimConfig, SimHandle, Simulator};
use tauri::ipc::{CallbackFn, Channel, InvokeBody, InvokeResponseBody};
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tauri::{App, Manager, WebviewWindow, WebviewWindowBuilder};
use tempfile::TempDir;

/// Long enough for a catch-up on a loaded 2-core machine.
const WAIT: Duration = Duration::from_secs(60);

struct Desk {
    _dir: TempDir,
    app: App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

fn sim_config() -> SimConfig {
    SimConfig {
        markets: 12,
        activity: 20,
        ..SimConfig::default()
    }
}

fn desk(
    keychain: Arc<dyn CredentialStore>,
    endpoints: HashMap<DeskEnvironment, kalshi::env::Environment>,
) -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let options = AppOptions {
        data_dir: Some(dir.path().join("data")),
        keychain: Some(Keychain::Store(keychain)),
        simulator: SimulatorSetup::Embedded(Box::new(sim_config())),
        endpoints,
        tuning: Tuning::default(),
    };
    let mut app = kalshi_desk::build(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    kalshi_desk::init(&mut app, options).unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    Desk {
        _dir: dir,
        app,
        window,
    }
}

fn simulator_desk() -> Desk {
    desk(Arc::new(MemoryCredentialStore::new()), HashMap::new())
}

fn raw(
    window: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: serde_json::Value,
) -> Result<InvokeResponseBody, serde_json::Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: if cfg!(windows) {
                "http://tauri.localhost"
            } else {
                "tauri://localhost"
            }
            .parse()
            .unwrap(),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
}

impl Desk {
    fn invoke<C: Command>(&self, request: &C) -> Result<C::Response, AppError> {
        match raw(
            &self.window,
            C::NAME,
            serde_json::json!({ "request": request }),
        ) {
            Ok(body) => Ok(body.deserialize().expect("the response reads as its type")),
            Err(e) => Err(serde_json::from_value(e.clone())
                .unwrap_or_else(|_| panic!("{} failed without an AppError: {e}", C::NAME))),
        }
    }

    fn ok<C: Command>(&self, request: &C) -> C::Response {
        self.invoke(request)
            .unwrap_or_else(|e| panic!("{} failed: {e}", C::NAME))
    }

    fn code<C: Command>(&self, request: &C) -> ErrorCode {
        match self.invoke(request) {
            Ok(_) => panic!("{} succeeded", C::NAME),
            Err(e) => e.code,
        }
    }

    /// Polls `check` until it answers `Some`, failing after [`WAIT`].
    fn until<T>(&self, what: &str, mut check: impl FnMut(&Self) -> Option<T>) -> T {
        let start = Instant::now();
        loop {
            if let Some(t) = check(self) {
                return t;
            }
            assert!(start.elapsed() < WAIT, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn synced(&self) -> SessionInfo {
        self.until("the first catch-up", |d| {
            d.invoke(&GetSession {})
                .ok()
                .filter(|s| s.last_synced_ms.is_some())
        })
    }

    fn state(&self) -> tauri::State<'_, AppState> {
        self.app.state::<AppState>()
    }

    /// The store's orders and fills as the history pages show them.
    fn history(&self) -> (Vec<OrderView>, Vec<FillView>) {
        let page = PageRequest {
            after: None,
            limit: 1000,
        };
        let orders = self.ok(&OrderHistory {
            filter: OrderFilter::default(),
            page: page.clone(),
        });
        let fills = self.ok(&FillHistory {
            filter: FillFilter::default(),
            page,
        });
        (orders.items, fills.items)
    }

    fn open_view(&self, ticker: &str) -> (ViewId, mpsc::Receiver<MarketUpdate>) {
        let (tx, rx) = mpsc::channel();
        let channel = Channel::new(move |body| {
            if let InvokeResponseBody::Json(json) = body {
                let _ = tx.send(serde_json::from_str(&json).expect("an update"));
            }
            Ok(())
        });
        let id = tauri::async_runtime::block_on(kalshi_desk::commands::market::open_market_view(
            self.state(),
            self.window.as_ref().clone(),
            OpenMarketView {
                ticker: ticker.to_owned(),
            },
            channel,
        ))
        .expect("the view opens");
        (id, rx)
    }
}

fn list(desk: &Desk) -> MarketPage {
    desk.ok(&ListMarkets {
        query: None,
        status: Some(MarketStatus::Active),
        category: None,
        series_ticker: None,
        event_ticker: None,
        tickers: None,
        closing_within_ms: None,
        sort: MarketSort::Volume24h,
        direction: SortDirection::Descending,
        offset: 0,
        limit: 50,
    })
}

fn ticket(ticker: &str, price: Price, count: Count, tif: TimeInForce) -> PlaceOrder {
    PlaceOrder {
        ticket: Ticket {
            ticker: ticker.to_owned(),
            action: Action::Buy,
            outcome: Outcome::Yes,
            price,
            count,
            time_in_force: tif,
            post_only: false,
            reduce_only: false,
        },
    }
}

/// A market with a live ask to buy from, and that ask.
fn market_with_ask(desk: &Desk) -> (String, PriceLevel) {
    let page = list(desk);
    assert!(!page.markets.is_empty(), "the simulator lists markets");
    for row in &page.markets {
        let (id, rx) = desk.open_view(&row.ticker);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(update) = rx.recv_timeout(Duration::from_millis(500))
                && !update.stale
                && let Some(ask) = update.best_ask
            {
                desk.ok(&CloseMarketView { view_id: id });
                return (row.ticker.clone(), ask);
            }
        }
        desk.ok(&CloseMarketView { view_id: id });
    }
    panic!("no market has an ask");
}

/// Buys one contract at a market's best ask (IOC); its ticker and the fill once stored.
fn buy_one(desk: &Desk) -> (String, FillView) {
    let (ticker, ask) = market_with_ask(desk);
    let one = Count::from_contracts(1);
    let placed = desk.ok(&ticket(
        &ticker,
        ask.price,
        one,
        TimeInForce::ImmediateOrCancel,
    ));
    let fill = desk.until("the fill in history", |d| {
        d.history()
            .1
            .into_iter()
            .find(|f| f.order_id == placed.order_id)
    });
    (ticker, fill)
}

#[test]
fn every_command_is_registered_and_allowed() {
    let desk = simulator_desk();
    for name in ipc::commands::ALL {
        let answer = raw(&desk.window, name, serde_json::json!({ "request": {} }));
        if let Err(serde_json::Value::String(text)) = &answer {
            assert!(
                !text.contains("not found"),
                "{name} must be registered: {text}"
            );
        }
    }
    let capability: serde_json::Value =
        serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
    let allowed: BTreeSet<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let mut expected: BTreeSet<String> = ipc::commands::ALL
        .iter()
        .map(|n| format!("allow-{}", n.replace('_', "-")))
        .collect();
    expected.insert("core:event:default".into());
    expected.insert("notification:default".into());
    // The native open and save dialogs (a key file, a CSV export), none of the plugin's
    // other calls.
    expected.insert("dialog:allow-open".into());
    expected.insert("dialog:allow-save".into());
    assert_eq!(
        allowed, expected,
        "the window may call our commands, notifications and the two file dialogs, nothing else"
    );
}

#[test]
fn markets_views_orders_history_and_bad_inputs_on_the_simulator() {
    let desk = simulator_desk();
    let session = desk.synced();
    assert_eq!(
        session.environment,
        Environment::Simulator,
        "the default environment"
    );
    assert_eq!(
        session.key.as_ref().map(|k| k.storage),
        Some(KeyStorage::Keychain),
        "the simulator key made on first run is kept like any other"
    );

    // The list: from the cache, refreshed from the exchange, sorted and paged.
    let page = list(&desk);
    assert!(!page.stale, "online: fresh");
    assert!(page.total >= page.markets.len() as u64);
    let volumes: Vec<Count> = page.markets.iter().map(|m| m.volume_24h).collect();
    let mut sorted = volumes.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(volumes, sorted, "busiest first");

    // A live view: coalesced updates with seq 1, 2, 3, …
    let ticker = page.markets[0].ticker.clone();
    let (id, rx) = desk.open_view(&ticker);
    let start = Instant::now();
    let mut seqs = Vec::new();
    let mut booked = false;
    while start.elapsed() < Duration::from_secs(3) || !booked {
        assert!(start.elapsed() < WAIT, "no book arrived");
        if let Ok(update) = rx.recv_timeout(Duration::from_millis(200)) {
            assert_eq!(update.view_id, id);
            assert_eq!(update.ticker, ticker);
            booked |= !update.stale && !update.yes_bids.is_empty();
            seqs.push(update.seq);
        }
    }
    let elapsed = start.elapsed();
    assert_eq!(
        seqs,
        (1..=seqs.len() as u64).collect::<Vec<_>>(),
        "seq rises by one"
    );
    let allowed = 1 + (elapsed.as_millis() as usize * 30).div_ceil(1000);
    assert!(
        seqs.len() <= allowed,
        "{} updates in {elapsed:?} exceed 30/s",
        seqs.len()
    );
    let snapshot = desk.ok(&ViewSnapshot { view_id: id });
    assert!(
        snapshot.seq >= *seqs.last().unwrap(),
        "the snapshot continues the seq"
    );
    desk.ok(&CloseMarketView { view_id: id });
    assert_eq!(
        desk.code(&ViewSnapshot { view_id: id }),
        ErrorCode::NotFound,
        "closed"
    );
    assert!(desk.state().views.is_empty(), "closing released the view");

    let detail = desk.ok(&GetMarket {
        ticker: ticker.clone(),
    });
    assert!(
        !detail.price_ranges.is_empty(),
        "the price grid comes with the market"
    );

    // Bad inputs: the specific code, and nothing stored.
    let before = desk.history();
    let one = Count::from_contracts(1);
    let gtc = TimeInForce::GoodTillCanceled;
    assert_eq!(
        desk.code(&ticket(
            "NO-SUCH-MARKET",
            Price::parse("0.50").unwrap(),
            one,
            gtc
        )),
        ErrorCode::MarketNotFound
    );
    assert_eq!(
        desk.code(&GetMarket {
            ticker: "NO-SUCH-MARKET".into()
        }),
        ErrorCode::MarketNotFound
    );
    assert_eq!(
        desk.code(&ticket(&ticker, Price::parse("0.5050").unwrap(), one, gtc)),
        ErrorCode::PriceOffGrid
    );
    assert_eq!(
        desk.code(&ticket(
            &ticker,
            Price::parse("0.50").unwrap(),
            Count::ZERO,
            gtc
        )),
        ErrorCode::InvalidCount
    );
    let keys_before = desk.ok(&ListKeys {});
    assert_eq!(
        desk.code(&AddKey {
            environment: Environment::Demo,
            key_id: "demo-key".into(),
            key: KeySource::Pem {
                pem: PrivateKeyPem::new(
                    "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
                ),
            },
            storage: KeyStorage::Keychain,
        }),
        ErrorCode::InvalidKey
    );
    assert_eq!(
        desk.ok(&ListKeys {}),
        keys_before,
        "a bad key stores nothing"
    );
    assert_eq!(desk.history(), before, "refused orders store nothing");

    // Place → fill → history.
    let (ticker, fill) = buy_one(&desk);
    assert_eq!(fill.ticker, ticker);
    assert_eq!(fill.count, one);

    // Cancel a resting order.
    let resting = desk.ok(&ticket(&ticker, Price::parse("0.01").unwrap(), one, gtc));
    assert_eq!(
        resting.remaining_count, one,
        "rests at the bottom of the book"
    );
    desk.ok(&CancelOrder {
        order_id: resting.order_id.clone(),
    });
    let canceled = desk.until("the cancel in history", |d| {
        d.history()
            .0
            .into_iter()
            .find(|o| o.order_id == resting.order_id && o.status == OrderStatus::Canceled)
    });
    assert_eq!(canceled.remaining_count, Count::ZERO);
    let open = desk.ok(&RestingOrders { ticker: None });
    assert!(open.orders.iter().all(|o| o.order_id != resting.order_id));

    // Export what history shows.
    let csv = desk._dir.path().join("fills.csv");
    let exported = desk.ok(&ExportCsv {
        export: HistoryExport::Fills {
            filter: FillFilter::default(),
        },
        path: csv.to_str().unwrap().to_owned(),
    });
    assert!(exported.rows >= 1);
    assert_eq!(
        desk.code(&ExportCsv {
            export: HistoryExport::Fills {
                filter: FillFilter::default()
            },
            path: "relative.csv".into(),
        }),
        ErrorCode::InvalidRequest
    );

    // Settings persist and reach the bus.
    let mut settings = desk.ok(&GetSettings {});
    settings.confirm_orders = false;
    assert_eq!(
        desk.ok(&SaveSettings {
            settings: settings.clone()
        }),
        settings
    );
    assert_eq!(*desk.state().bus.settings().borrow(), settings);
}

#[test]
fn resting_orders_trades_candles_pnl_and_the_key_on_the_simulator() {
    let desk = simulator_desk();
    let session = desk.synced();
    let one = Count::from_contracts(1);
    let gtc = TimeInForce::GoodTillCanceled;

    // A fill, then the market's public tape, candles and P&L all show it.
    let (ticker, fill) = buy_one(&desk);
    let tape = desk.ok(&RecentTrades {
        ticker: ticker.clone(),
        limit: 100,
    });
    assert!(tape.iter().all(|t| t.ticker == ticker), "one market's tape");
    assert!(
        tape.windows(2).all(|w| w[0].created_ms >= w[1].created_ms),
        "newest first"
    );
    assert!(
        tape.iter()
            .any(|t| t.yes_price == fill.yes_price && t.created_ms >= fill.created_ms - 1_000),
        "our trade is on the tape: {tape:?}"
    );
    let candles = desk.ok(&Candles {
        ticker: ticker.clone(),
        range: CandleRange::Hour,
    });
    assert_eq!(candles.period_minutes, 1, "an hour in minutes");
    assert!(
        candles
            .candles
            .windows(2)
            .all(|w| w[0].end_ms < w[1].end_ms),
        "oldest first"
    );
    let minute = candles
        .candles
        .iter()
        .find(|c| c.end_ms >= fill.created_ms)
        .unwrap_or_else(|| {
            panic!(
                "the fill's minute ({}): {:?}",
                fill.created_ms,
                candles.candles.iter().rev().take(3).collect::<Vec<_>>()
            )
        });
    assert!(
        minute.volume >= one,
        "the fill's minute has volume: {minute:?}"
    );
    assert!(minute.close.is_some(), "and a last trade price");
    let pnl = desk.ok(&PnlByMarket {
        tickers: Some(vec![ticker.clone()]),
    });
    assert_eq!(pnl.len(), 1, "one market asked, one row");
    assert_eq!(pnl[0].ticker, ticker);
    assert_eq!((pnl[0].fills, pnl[0].bought), (1, one));
    assert_eq!(pnl[0].net_position, one);
    assert!(
        desk.ok(&Settlements {
            from_ms: None,
            until_ms: None
        })
        .is_empty(),
        "nothing has settled on a new account"
    );

    // A resting order: amend it, decrease it, then the panic button.
    let three = Count::from_contracts(3);
    let low = Price::parse("0.01").unwrap();
    let resting = desk.ok(&ticket(&ticker, low, three, gtc));
    assert_eq!(resting.remaining_count, three, "rests at the bottom");
    let id = resting.order_id.clone();
    let order = |d: &Desk| {
        d.ok(&RestingOrders {
            ticker: Some(ticker.clone()),
        })
        .orders
        .into_iter()
        .find(|o| o.order_id == id)
    };
    assert_eq!(
        desk.code(&AmendOrder {
            order_id: id.clone(),
            yes_price: Price::parse("0.0250").unwrap(),
            total_count: three,
        }),
        ErrorCode::PriceOffGrid
    );
    assert_eq!(
        desk.code(&AmendOrder {
            order_id: "no-such-order".into(),
            yes_price: Price::parse("0.02").unwrap(),
            total_count: three,
        }),
        ErrorCode::NotFound
    );
    assert_eq!(
        order(&desk).unwrap().yes_price,
        low,
        "refusals change nothing"
    );
    desk.ok(&AmendOrder {
        order_id: id.clone(),
        yes_price: Price::parse("0.02").unwrap(),
        total_count: three,
    });
    desk.until("the amended price", |d| {
        order(d).filter(|o| o.yes_price == Price::parse("0.02").unwrap())
    });
    assert_eq!(
        desk.code(&DecreaseOrder {
            order_id: id.clone(),
            decrease: Decrease::By { count: Count::ZERO },
        }),
        ErrorCode::InvalidCount
    );
    desk.ok(&DecreaseOrder {
        order_id: id.clone(),
        decrease: Decrease::By { count: one },
    });
    desk.until("two left", |d| {
        order(d).filter(|o| o.remaining_count == Count::from_contracts(2))
    });
    let report = desk.ok(&CancelAll {
        ticker: Some(ticker.clone()),
    });
    assert_eq!(report.canceled, vec![id.clone()], "{report:?}");
    assert!(report.failed.is_empty());
    desk.until("the cancel in history", |d| {
        d.history()
            .0
            .into_iter()
            .find(|o| o.order_id == id && o.status == OrderStatus::Canceled)
    });
    assert!(order(&desk).is_none(), "nothing rests any more");

    // The key: tested against the exchange, then removed from the keychain.
    let key = session.key.expect("the simulator key");
    let tested = desk.ok(&TestKey {
        environment: Environment::Simulator,
    });
    assert_eq!(tested.key, key);
    desk.until("the portfolio's balance to match the test's", |d| {
        (d.ok(&GetPortfolio {}).balance == Some(tested.balance)).then_some(())
    });
    assert!(
        !desk.ok(&RemoveKey {
            environment: Environment::Demo
        }),
        "no demo key to remove"
    );
    assert!(desk.ok(&RemoveKey {
        environment: Environment::Simulator
    }));
    assert!(
        desk.ok(&ListKeys {}).keys.is_empty(),
        "the key is gone from the list"
    );
    assert_eq!(
        desk.code(&TestKey {
            environment: Environment::Simulator
        }),
        ErrorCode::NoCredentials
    );
}

struct Production {
    sim: SimHandle,
    keychain: Arc<MemoryCredentialStore>,
}

/// A second simulator standing in for Production, with a key registered.
fn production() -> Production {
    tauri::async_runtime::block_on(async {
        let sim = Simulator::start(sim_config()).await.unwrap();
        let private = kalshi::auth::PrivateKey::generate(2048).unwrap();
        sim.register_key("prod-key", &private.public_key_pem())
            .unwrap();
        let keychain = Arc::new(MemoryCredentialStore::new());
        keychain
            .put(
                DeskEnvironment::Production,
                &StoredKey::from_private_key("prod-key", &private),
            )
            .unwrap();
        Production { sim, keychain }
    })
}

#[test]
fn switching_to_production_and_orders_without_confirmation() {
    let prod = production();
    let endpoint =
        kalshi::env::Environment::custom(&prod.sim.rest_url(), &prod.sim.ws_url()).unwrap();
    let desk = desk(
        prod.keychain.clone(),
        HashMap::from([(DeskEnvironment::Production, endpoint)]),
    );
    desk.synced();
    assert_eq!(
        desk.code(&OpenEnvironment {
            environment: Environment::Demo,
            confirm_production: false,
        }),
        ErrorCode::NoCredentials,
        "Demo without a key"
    );
    assert_eq!(
        desk.ok(&GetSession {}).environment,
        Environment::Simulator,
        "a refused switch keeps the open environment"
    );

    let info = desk.ok(&OpenEnvironment {
        environment: Environment::Production,
        confirm_production: false,
    });
    assert_eq!(info.environment, Environment::Production);
    assert!(!info.production_confirmed);
    assert_eq!(
        *desk.state().bus.environment().borrow(),
        Some(Environment::Production)
    );
    desk.synced();
    let ticker = list(&desk).markets[0].ticker.clone();
    let before = desk.history();
    assert_eq!(
        desk.code(&ticket(
            &ticker,
            Price::parse("0.01").unwrap(),
            Count::from_contracts(1),
            TimeInForce::GoodTillCanceled
        )),
        ErrorCode::ProductionNotConfirmed
    );
    assert_eq!(desk.history(), before, "nothing stored");

    let confirmed = desk.ok(&ConfirmProduction { confirmed: true });
    assert!(confirmed.production_confirmed);
    desk.ok(&ticket(
        &ticker,
        Price::parse("0.01").unwrap(),
        Count::from_contracts(1),
        TimeInForce::GoodTillCanceled,
    ));

    let back = desk.ok(&OpenEnvironment {
        environment: Environment::Simulator,
        confirm_production: false,
    });
    assert_eq!(back.environment, Environment::Simulator);
    desk.synced();
    assert!(
        desk.history().0.is_empty(),
        "the Simulator's store scope does not see Production's order"
    );
    tauri::async_runtime::block_on(prod.sim.shutdown());
}

#[test]
fn session_only_keys_where_no_keychain_exists() {
    let dir = tempfile::tempdir().unwrap();
    let options = AppOptions {
        data_dir: Some(dir.path().join("data")),
        keychain: Some(Keychain::Unavailable("no Secret Service".into())),
        simulator: SimulatorSetup::Embedded(Box::new(sim_config())),
        ..AppOptions::default()
    };
    let mut app = kalshi_desk::build(mock_builder())
        .build(mock_context(noop_assets()))
        .unwrap();
    kalshi_desk::init(&mut app, options).unwrap();
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .unwrap();
    let desk = Desk {
        _dir: dir,
        app,
        window,
    };
    let private = kalshi::auth::PrivateKey::generate(2048).unwrap();
    let pem = PrivateKeyPem::new(private.to_pkcs8_pem().expose().clone());
    let add = |storage| AddKey {
        environment: Environment::Simulator,
        key_id: "my-sim-key".into(),
        key: KeySource::Pem { pem: pem.clone() },
        storage,
    };
    let refused = desk.invoke(&add(KeyStorage::Keychain)).unwrap_err();
    assert_eq!(refused.code, ErrorCode::KeychainUnavailable);
    assert!(
        refused.message.contains("session only"),
        "{}",
        refused.message
    );
    let keys = desk.ok(&ListKeys {});
    assert!(!keys.keychain_available);
    let info = desk.ok(&add(KeyStorage::Session));
    assert_eq!(info.storage, KeyStorage::Session);
    assert!(desk.ok(&ListKeys {}).keys.contains(&info));
}
