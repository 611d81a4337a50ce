//! The window benchmarks of BENCHMARKS.md: the real app (the binary of the test's profile,
//! debug under `cargo xtask bench-window`, with the bundled release UI) in a real window (Xvfb), driven like the end-to-end tests through
//! `tauri-driver` and `WebKitWebDriver`, on its embedded paper exchange. Every timing is
//! taken inside the page (`performance.now()` at the click, a `MutationObserver` for the
//! row, the next animation frame for "shown"), so no WebDriver round trip is in it.
//!
//! The figures go to the JSON file named by `KALSHI_DESK_BENCH_OUT` (the shared row
//! format `cargo xtask bench` reads); `KALSHI_DESK_BENCH_QUICK=1` is the short smoke run.
//! `cargo xtask bench-window` runs them under `xvfb-run` on a private D-Bus; a plain
//! `cargo test` skips them. The tests take turns: the app is single-instance.
#![allow(clippy::unwrap_used)]

#[path = "e2e/harness.rs"]
#[allow(dead_code)]
mod harness;
#[path = "e2e/measure.rs"]
mod measure;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fantoccini::Client;
use harness::{Driver, Step, click_text, nav, open_a_market, type_into, wait_find, wait_text};
use measure::{Figure, exec, exec_async, quick};
use serde_json::{Value, json};

/// One app at a time (single instance), whatever the test runner's threads.
static ONE_APP: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A WebDriver session: the app launched and its page reachable. The harness retries
/// refused connections; this bounds a session request that hangs (an app that quit at
/// once, e.g. handing over to another instance).
async fn session(driver: &Driver) -> Step<Client> {
    tokio::time::timeout(harness::WAIT * 2, driver.launch())
        .await
        .map_err(|_| "no WebDriver session: the app did not come up".to_owned())
}

/// A launched app with its own data folder, XDG folders and simulator overrides.
struct App {
    dir: tempfile::TempDir,
    driver: Driver,
    client: Client,
    pid: u32,
}

impl App {
    fn xdg_data(&self) -> PathBuf {
        self.dir.path().join("xdg-data")
    }
}

/// Starts tauri-driver for a new folder in `dir` (the app's data folder `dir/data`, its
/// logs under `dir/xdg-data`), with `sim` as the paper exchange's overrides.
fn driver_in(dir: &Path, sim: &Value, env: &[(&str, &str)]) -> Driver {
    let sim_file = dir.join("sim.json");
    std::fs::write(&sim_file, sim.to_string()).unwrap();
    let xdg_data = dir.join("xdg-data");
    let xdg_config = dir.join("xdg-config");
    let sim_file = sim_file.to_string_lossy().into_owned();
    let xdg_data = xdg_data.to_string_lossy().into_owned();
    let xdg_config = xdg_config.to_string_lossy().into_owned();
    let mut all = vec![
        ("KALSHI_DESK_SIM_CONFIG", sim_file),
        ("XDG_DATA_HOME", xdg_data),
        ("XDG_CONFIG_HOME", xdg_config),
    ];
    all.extend(env.iter().map(|(k, v)| (*k, (*v).to_owned())));
    Driver::start(&dir.join("data"), &all)
}

async fn launch(sim: Value, env: &[(&str, &str)]) -> App {
    // An app of a test that failed may still be leaving.
    let _ = harness::wait_instance_released();
    let dir = tempfile::tempdir().unwrap();
    let driver = driver_in(dir.path(), &sim, env);
    let client = session(&driver).await.unwrap();
    let pid = measure::wait_app_pid(&dir.path().join("data"))
        .await
        .unwrap();
    set_script_timeout(&client).await;
    App {
        dir,
        driver,
        client,
        pid,
    }
}

async fn set_script_timeout(c: &Client) {
    let timeouts =
        fantoccini::wd::TimeoutConfiguration::new(Some(Duration::from_secs(120)), None, None);
    let _ = c.update_timeouts(timeouts).await;
}

async fn close(app: App) {
    let App {
        dir,
        driver,
        client,
        pid,
    } = app;
    let _ = client.close().await;
    drop(driver);
    let _ = harness::wait_gone_pid(pid);
    drop(dir);
}

// ---- order click → pending row, → accepted row ----

/// Records, for the next click on the confirmation's "Send order": the click time, when
/// the order shows as pending (a "Sending…" row in the market page's resting orders, or
/// the ticket's button saying "Sending…", whichever comes first) and when an accepted row
/// (one with its Cancel button) is in the resting orders, and the animation frame after
/// each (the frame that paints it).
const ORDER_RECORDER: &str = r#"
const b = window.__bench = { cur: null };
document.addEventListener('click', (e) => {
  if (e.target.closest && e.target.closest('[data-testid=confirm-send]')) {
    b.cur = { click: performance.now(), pendingDom: null, pendingFrame: null,
              acceptedDom: null, acceptedFrame: null };
  }
}, true);
const check = () => {
  const c = b.cur;
  if (!c) return;
  const now = performance.now();
  const row = document.querySelector('.split tr.pending');
  const ticket = [...document.querySelectorAll('[data-testid=ticket-submit]')]
    .some((b) => b.textContent.includes('Sending'));
  if (c.pendingDom === null && (row || ticket)) {
    c.pendingDom = now;
    c.pendingRow = !!row;
    requestAnimationFrame(() => { c.pendingFrame = performance.now(); });
  }
  if (c.acceptedDom === null && document.querySelector('.split tr:not(.pending) button.danger')) {
    c.acceptedDom = now;
    requestAnimationFrame(() => { c.acceptedFrame = performance.now(); });
  }
};
new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
return 'null';
"#;

/// Waits (in the page) for the accepted row's frame, then hands back the record.
const ORDER_RESULT: &str = r#"
const done = arguments[arguments.length - 1];
const until = performance.now() + 30000;
(function tick() {
  const c = window.__bench && window.__bench.cur;
  if ((c && c.acceptedFrame !== null) || performance.now() > until) {
    done(JSON.stringify(c));
    return;
  }
  setTimeout(tick, 10);
})();
"#;

#[derive(Debug, Default)]
struct OrderTimes {
    pending: Vec<f64>,
    accepted: Vec<f64>,
    pending_dom: Vec<f64>,
    accepted_dom: Vec<f64>,
    /// Orders whose first pending sign was a resting-orders row (else the ticket's).
    pending_rows: usize,
}

async fn orders(c: Client, n: usize, times: &mut OrderTimes) -> Step {
    open_a_market(&c).await?;
    click_text(&c, ".ticket .seg", "Buy", |t| t == "Buy").await?;
    click_text(&c, ".ticket .seg", "YES", |t| t == "YES").await?;
    // 1¢: below every seeded maker's bid, so the order rests.
    type_into(&c, "[data-testid=ticket-price]", "1").await?;
    exec(&c, "installing the order recorder", ORDER_RECORDER).await?;
    for i in 0..n {
        type_into(&c, "[data-testid=ticket-count]", "1").await?;
        click_text(
            &c,
            "[data-testid=ticket-submit]",
            "the ticket's send",
            |t| t.starts_with("Buy"),
        )
        .await?;
        click_text(&c, "[data-testid=confirm-send]", "Send order", |_| true).await?;
        let r = exec_async(&c, "the order's timings", ORDER_RESULT).await?;
        let at = |k: &str| r[k].as_f64();
        let click = at("click").ok_or(format!("order {i}: the click was not seen: {r}"))?;
        let accepted = at("acceptedFrame").ok_or(format!("order {i}: never accepted: {r}"))?;
        times.accepted.push(accepted - click);
        if let Some(d) = at("acceptedDom") {
            times.accepted_dom.push(d - click);
        }
        if let Some(p) = at("pendingFrame") {
            times.pending.push(p - click);
        }
        if let Some(d) = at("pendingDom") {
            times.pending_dom.push(d - click);
        }
        if r["pendingRow"].as_bool() == Some(true) {
            times.pending_rows += 1;
        }
        // Cancel it, and wait for the empty list before the next one.
        click_text(&c, ".split tbody tr button.danger", "Cancel", |t| {
            t == "Cancel"
        })
        .await?;
        wait_text(&c, ".split .small", "no resting orders", |t| {
            t.contains("No resting orders")
        })
        .await?;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, D-Bus and tauri-driver (cargo xtask bench-window runs it)"]
async fn order_click_to_pending_and_accepted_rows() {
    let _turn = ONE_APP.lock().await;
    let n = if quick() { 5 } else { 50 };
    let app = launch(json!({}), &[]).await;
    let mut times = OrderTimes::default();
    harness::run("bench-orders", &app.client, |c| orders(c, n, &mut times)).await;
    close(app).await;
    let (pending_dom, _) = measure::median_p99(&times.pending_dom);
    let (accepted_dom, _) = measure::median_p99(&times.accepted_dom);
    let how = "buy 1 YES at 1¢ (resting, cancelled after each) from the market page's ticket on the \
        default paper exchange; from the click on the confirmation's Send order \
        (performance.now() in a capturing click listener) to the animation frame after a \
        MutationObserver saw the row in the market page's resting orders";
    let missed = n - times.pending.len();
    let rows = times.pending_rows;
    measure::record(&[
        Figure {
            id: "click_to_pending",
            label: "order click → pending shown".into(),
            unit: "ms",
            samples: times.pending,
            goal: "< 50 ms p50",
            goal_value: Some(50.0),
            goal_stat: "median",
            seed_target: "< 200 ms",
            note: format!(
                "{how}; pending = the first of a Sending… row in the resting orders ({rows} of \
                 {n} orders) or the ticket's button saying Sending… (the others: the button \
                 changes in the click's own handler, the row follows from the order's Pending \
                 event); in the DOM: median {pending_dom:.1} ms; {missed} of {n} \
                 orders showed no pending sign before the accepted row"
            ),
        },
        Figure {
            id: "click_to_accepted",
            label: "order click → accepted row shown".into(),
            unit: "ms",
            samples: times.accepted,
            goal: "< 50 ms p50",
            goal_value: Some(50.0),
            goal_stat: "median",
            seed_target: "< 200 ms",
            note: format!(
                "{how}; the row is drawn from the order's Accepted event (ui/src/live_orders.rs), \
                 before the resting orders' re-read answers; the row in the DOM: median \
                 {accepted_dom:.1} ms"
            ),
        },
    ]);
}

// ---- market list of 10,000 markets: command → first paint ----

/// Records, for the next click on the top bar's Markets: the click time, when a market
/// row with a ticker is in the list, and the animation frame after it.
const LIST_RECORDER: &str = r#"
const b = window.__benchList = { cur: null };
document.addEventListener('click', (e) => {
  const item = e.target.closest && e.target.closest('.nav .nav-item');
  if (item && item.textContent.trim().startsWith('Markets')) {
    b.cur = { click: performance.now(), dom: null, frame: null };
  }
}, true);
const rows = () => [...document.querySelectorAll('.mrow .mticker')].some((e) => e.textContent.trim() !== '');
new MutationObserver(() => {
  const c = b.cur;
  if (c && c.dom === null && rows()) {
    c.dom = performance.now();
    requestAnimationFrame(() => { c.frame = performance.now(); });
  }
}).observe(document.body, { childList: true, subtree: true, characterData: true });
return 'null';
"#;

const LIST_RESULT: &str = r#"
const done = arguments[arguments.length - 1];
const until = performance.now() + 60000;
(function tick() {
  const c = window.__benchList && window.__benchList.cur;
  if ((c && c.frame !== null) || performance.now() > until) {
    done(JSON.stringify(c));
    return;
  }
  setTimeout(tick, 10);
})();
"#;

/// The Markets page's first request (open markets, busiest first, the first page of 500).
const LIST_REQUEST: &str = r#"{ query: null, status: 'active', category: null, series_ticker: null,
  event_ticker: null, tickers: null, closing_within_ms: null, sort: 'volume24h',
  direction: 'descending', offset: 0, limit: 500 }"#;

/// The list command alone, from the page: `n` calls, their durations.
fn list_command_script(n: usize) -> String {
    format!(
        r#"
const done = arguments[arguments.length - 1];
(async () => {{
  const I = window.__TAURI_INTERNALS__;
  const out = [];
  let total = null;
  for (let i = 0; i < {n}; i++) {{
    const t = performance.now();
    const page = await I.invoke('list_markets', {{ request: {LIST_REQUEST} }});
    out.push(performance.now() - t);
    total = page.total;
  }}
  done(JSON.stringify({{ ms: out, total }}));
}})().catch((e) => done(JSON.stringify({{ error: String(e && (e.message || JSON.stringify(e))) }})));
"#
    )
}

/// Waits until the session has every market (all statuses, not from a stale cache).
const SYNCED_MARKETS: &str = r#"
const done = arguments[arguments.length - 1];
const until = performance.now() + 110000;
const I = window.__TAURI_INTERNALS__;
(async function tick() {
  let last = null;
  try {
    const page = await I.invoke('list_markets', { request: { query: null, status: null,
      category: null, series_ticker: null, event_ticker: null, tickers: null,
      closing_within_ms: null, sort: 'volume24h', direction: 'descending', offset: 0, limit: 1 } });
    last = { total: page.total, stale: page.stale };
  } catch (e) {
    last = { error: String(e && (e.message || JSON.stringify(e))) };
  }
  if ((last.total !== undefined && !last.stale && last.total >= WANT) || performance.now() > until) {
    done(JSON.stringify(last));
    return;
  }
  setTimeout(tick, 200);
})();
"#;

/// Waits until the session's list is fresh from the exchange (not the cache) with at
/// least `want` markets; returns its total.
async fn synced(c: &Client, want: usize) -> Step<Value> {
    let script = SYNCED_MARKETS.replace("WANT", &want.to_string());
    let r = exec_async(c, "waiting for every market", &script).await?;
    if r["total"].as_u64().is_some_and(|t| t >= want as u64) {
        Ok(r)
    } else {
        Err(format!("the session never had {want} markets: {r}"))
    }
}

#[derive(Debug, Default)]
struct ListTimes {
    paint: Vec<f64>,
    dom: Vec<f64>,
    command: Vec<f64>,
    /// Markets in the session's list (every status).
    listed: u64,
    /// Of which open (the Markets page's default filter).
    active: u64,
}

async fn market_list(c: Client, n: usize, times: &mut ListTimes) -> Step {
    wait_text(&c, ".mrow .mticker", "a market in the list", |t| {
        !t.trim().is_empty()
    })
    .await?;
    let all = synced(&c, 1).await?;
    times.listed = all["total"].as_u64().unwrap_or(0);
    exec(&c, "installing the list recorder", LIST_RECORDER).await?;
    for i in 0..n {
        nav(&c, "Portfolio").await?;
        wait_find(&c, ".page").await?;
        let gone = "return JSON.stringify(document.querySelector('.mrow .mticker') === null)";
        let started = Instant::now();
        while exec(&c, "the list gone", gone).await? != Value::Bool(true) {
            if started.elapsed() > harness::WAIT {
                return Err("the markets list stayed on screen".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        nav(&c, "Markets").await?;
        let r = exec_async(&c, "the list's timings", LIST_RESULT).await?;
        let at = |k: &str| r[k].as_f64();
        let click = at("click").ok_or(format!("list {i}: the click was not seen: {r}"))?;
        let frame = at("frame").ok_or(format!("list {i}: no rows painted: {r}"))?;
        times.paint.push(frame - click);
        if let Some(d) = at("dom") {
            times.dom.push(d - click);
        }
    }
    let r = exec_async(&c, "the list command", &list_command_script(n)).await?;
    times.command = r["ms"]
        .as_array()
        .ok_or(format!("the list command failed: {r}"))?
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    times.active = r["total"].as_u64().unwrap_or(0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, D-Bus and tauri-driver (cargo xtask bench-window runs it)"]
async fn market_list_of_10000_markets_to_first_paint() {
    let _turn = ONE_APP.lock().await;
    let n = if quick() { 3 } else { 20 };
    let app = launch(json!({ "markets": 10_000, "open_all": true }), &[]).await;
    let mut times = ListTimes::default();
    harness::run("bench-market-list", &app.client, |c| {
        market_list(c, n, &mut times)
    })
    .await;
    close(app).await;
    let (dom, _) = measure::median_p99(&times.dom);
    let (command, command_p99) = measure::median_p99(&times.command);
    let listed = times.listed;
    let active = times.active;
    measure::record(&[Figure {
        id: "market_list_10k_first_paint",
        label: format!(
            "market list, 10,000-market exchange ({listed} listed): command → first paint"
        ),
        unit: "ms",
        samples: times.paint,
        goal: "< 300 ms",
        goal_value: Some(300.0),
        goal_stat: "median",
        seed_target: "< 500 ms",
        note: format!(
            "paper exchange with a 10,000-market universe, every market opened at the start \
             (open_all): {listed} rows in the session's list, {active} in the default Open \
             filter. From the click on the top bar's Markets (from Portfolio; the \
             page mounts and issues list_markets for the first 500 open markets, busiest first) \
             to the animation frame after the first row with a ticker is in the DOM (rows in the \
             DOM: median {dom:.1} ms); the list_markets command alone, invoked from the page: \
             median {command:.1} ms, p99 {command_p99:.1} ms; the list renders only the visible \
             rows"
        ),
    }]);
}

// ---- cold start → markets visible ----

/// Waits for a market row with a ticker; returns when it was in the DOM and the frame
/// after, in Unix ms (`performance.timeOrigin` + `performance.now()`), and whether it was
/// already there when the script ran (then the times are only upper bounds).
const ROWS_VISIBLE: &str = r#"
const done = arguments[arguments.length - 1];
const epoch = () => performance.timeOrigin + performance.now();
const rows = () => [...document.querySelectorAll('.mrow .mticker')].some((e) => e.textContent.trim() !== '');
const finish = (already) => {
  const dom = epoch();
  requestAnimationFrame(() => done(JSON.stringify({ already, dom, frame: epoch(), origin: performance.timeOrigin })));
};
if (rows()) {
  finish(true);
} else {
  const obs = new MutationObserver(() => {
    if (rows()) { obs.disconnect(); finish(false); }
  });
  obs.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
}
"#;

/// Log lines of a start, reported with their time after the process start.
const START_MARKS: [&str; 4] = [
    "Kalshi Desk starting",
    "embedded simulator started",
    "caught up with the exchange",
    "market list refreshed",
];

#[derive(Debug)]
struct Start {
    /// When each of [`START_MARKS`] was logged, after the process start.
    marks: Vec<Option<f64>>,
    /// App process start → rows painted.
    visible: f64,
    /// App process start → the page's navigation start.
    page: f64,
    /// WebDriver session request → app process start (WebKitWebDriver's own start).
    driver: f64,
    /// WebDriver session request → session answered.
    session: f64,
    already: bool,
}

async fn cold_start(dir: &Path) -> Step<Start> {
    let _ = harness::wait_instance_released();
    let driver = driver_in(
        dir,
        &json!({}),
        &[("RUST_LOG", "info,desk_core::markets=debug")],
    );
    let requested = measure::now_epoch_ms();
    let client = session(&driver).await?;
    let session = measure::now_epoch_ms() - requested;
    set_script_timeout(&client).await;
    let data = dir.join("data");
    let pid = measure::wait_app_pid(&data).await?;
    let started = measure::start_epoch_ms(pid).ok_or("no start time of the app process")?;
    let mut result = Err(String::new());
    let deadline = Instant::now() + harness::WAIT;
    // The first script may meet the page before the app's document replaced it.
    while Instant::now() < deadline {
        result = exec_async(&client, "rows visible", ROWS_VISIBLE).await;
        if result.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = client.close().await;
    drop(driver);
    let _ = harness::wait_gone_pid(pid);
    let r = result?;
    let marks = measure::log_marks(&dir.join("xdg-data"), started, &START_MARKS);
    let at = |k: &str| r[k].as_f64().ok_or(format!("no {k} in {r}"));
    Ok(Start {
        marks,
        visible: at("frame")? - started,
        page: at("origin")? - started,
        driver: started - requested,
        session,
        already: r["already"].as_bool().unwrap_or(false),
    })
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, D-Bus and tauri-driver (cargo xtask bench-window runs it)"]
async fn cold_start_to_markets_visible() {
    let _turn = ONE_APP.lock().await;
    // The first launch is a first run (new store, new paper key and exchange); the
    // figure is the median of the launches after it, on the same data folder.
    let launches = if quick() { 4 } else { 8 };
    let dir = tempfile::tempdir().unwrap();
    // A keychain, as on a desktop: the paper key, its exchange and the cached list are
    // there again at the next launch.
    let keychain = if measure::keychain_on_bus() {
        "gnome-keyring on the bus: the paper key, its exchange and the cached list carry over"
    } else {
        "no keychain on the bus: a new paper key and exchange each launch"
    };
    let mut starts = Vec::new();
    for i in 0..launches {
        match cold_start(dir.path()).await {
            Ok(s) => {
                eprintln!("launch {i}: {s:?}");
                starts.push(s);
            }
            Err(e) => panic!("launch {i}: {e}"),
        }
    }
    let first = starts.remove(0);
    let visible: Vec<f64> = starts.iter().map(|s| s.visible).collect();
    let (page, _) = measure::median_p99(&starts.iter().map(|s| s.page).collect::<Vec<_>>());
    let (driver, _) = measure::median_p99(&starts.iter().map(|s| s.driver).collect::<Vec<_>>());
    let (session, _) = measure::median_p99(&starts.iter().map(|s| s.session).collect::<Vec<_>>());
    let already = starts.iter().filter(|s| s.already).count();
    let marks: Vec<String> = START_MARKS
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let at: Vec<f64> = starts.iter().filter_map(|s| s.marks[i]).collect();
            if at.is_empty() {
                // The list is fetched again only when the cached one is stale.
                format!("{name:?} not logged (the cached list was fresh)")
            } else {
                format!(
                    "{name:?} at {:.0} ms ({} of {} launches)",
                    measure::median_p99(&at).0,
                    at.len(),
                    starts.len()
                )
            }
        })
        .collect();
    let marks = marks.join(", ");
    measure::record(&[Figure {
        id: "cold_start_markets_visible",
        label: "cold start → interactive window (markets visible)".into(),
        unit: "ms",
        samples: visible,
        goal: "< 1 s",
        goal_value: Some(1000.0),
        goal_stat: "median",
        seed_target: "–",
        note: format!(
            "from the app process's start (/proc starttime, 10 ms resolution) to the animation \
             frame after the first market row is in the DOM (page clock, Unix ms); launches \
             after a first run on the same data folder ({keychain}); the page's navigation start came \
             {page:.0} ms after the process start; excluded: WebKitWebDriver's own start before \
             it spawns the app ({driver:.0} ms) and the WebDriver session ({session:.0} ms from \
             request to answer, overlapping the start); first run: {:.0} ms; rows already there \
             when the observer started in {already} launches (then an upper bound); the app's \
             log, medians after the process start: {marks}",
            first.visible
        ),
    }]);
}

// ---- memory with 50 live book subscriptions ----

/// Opens a live view on each of the first 50 open markets, exactly as the market page
/// opens its own (the `open_market_view` command with a channel), and counts the updates
/// the page receives. The UI shows one market page at a time; these views stay open until
/// the app closes.
const OPEN_VIEWS: &str = r#"
const done = arguments[arguments.length - 1];
(async () => {
  const I = window.__TAURI_INTERNALS__;
  const page = await I.invoke('list_markets', { request: { query: null, status: 'active',
    category: null, series_ticker: null, event_ticker: null, tickers: null,
    closing_within_ms: null, sort: 'ticker', direction: 'ascending', offset: 0, limit: 50 } });
  const v = window.__benchViews = { updates: 0, views: [] };
  for (const m of page.markets) {
    const cb = I.transformCallback(() => { v.updates++; }, false);
    const id = await I.invoke('open_market_view', { request: { ticker: m.ticker }, channel: '__CHANNEL__:' + cb });
    v.views.push(id);
  }
  done(JSON.stringify({ views: v.views.length }));
})().catch((e) => done(JSON.stringify({ error: String(e && (e.message || JSON.stringify(e))) })));
"#;

/// The bots' steps per second that give about 2,000 messages per second to the app on
/// the 60-market exchange (calibrated with the simulator's own count; see the row's note).
const ACTIVITY: u32 = 300;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, D-Bus and tauri-driver (cargo xtask bench-window runs it)"]
async fn memory_with_50_live_books() {
    let _turn = ONE_APP.lock().await;
    let (warm_up, window, every, edge) = if quick() {
        (5, 30, 1, 10)
    } else {
        (60, 600, 5, 60)
    };
    let activity = std::env::var("KALSHI_DESK_BENCH_ACTIVITY")
        .ok()
        .and_then(|a| a.parse().ok())
        .unwrap_or(ACTIVITY);
    let app = launch(
        json!({ "markets": 60, "activity": activity, "seed": 1 }),
        &[("RUST_LOG", "warn,kalshi_sim::server::ws::connection=debug")],
    )
    .await;
    harness::run("bench-memory", &app.client, |c| async move {
        wait_text(&c, ".mrow .mticker", "a market in the list", |t| {
            !t.trim().is_empty()
        })
        .await?;
        synced(&c, 50).await.map(drop)
    })
    .await;
    let idle = measure::rss_mib(app.pid).expect("the app runs");
    harness::run("bench-memory", &app.client, |c| async move {
        let opened = exec_async(&c, "opening 50 views", OPEN_VIEWS).await?;
        if opened["views"].as_u64() == Some(50) {
            Ok(())
        } else {
            Err(format!("could not open 50 views: {opened}"))
        }
    })
    .await;
    let web = measure::web_process(app.pid).expect("the WebKit web process of the app");
    // Warm-up, then a sample every `every` seconds for `window` seconds.
    tokio::time::sleep(Duration::from_secs(warm_up)).await;
    let from = measure::now_epoch_ms();
    let before = exec(
        &app.client,
        "updates",
        "return JSON.stringify(window.__benchViews.updates)",
    )
    .await
    .unwrap();
    let mut ticks = tokio::time::interval(Duration::from_secs(every));
    let mut core = Vec::new();
    let mut anon = Vec::new();
    let mut file = Vec::new();
    let mut webp = Vec::new();
    for _ in 0..=window / every {
        ticks.tick().await;
        core.push(measure::rss_mib(app.pid).expect("the app runs"));
        anon.push(measure::status_mib(app.pid, "RssAnon").unwrap_or(f64::NAN));
        file.push(measure::status_mib(app.pid, "RssFile").unwrap_or(f64::NAN));
        webp.push(measure::rss_mib(web).expect("the web process runs"));
    }
    let (anon, _) = measure::median_p99(&anon);
    let (file, _) = measure::median_p99(&file);
    let to = measure::now_epoch_ms();
    let after = exec(
        &app.client,
        "updates",
        "return JSON.stringify(window.__benchViews.updates)",
    )
    .await
    .unwrap();
    let views = exec(
        &app.client,
        "views",
        "return JSON.stringify(window.__benchViews.views.length)",
    )
    .await
    .unwrap();
    let xdg = app.xdg_data();
    let rate = measure::message_rate(&xdg, from, to + 1.0);
    close(app).await;

    let per_edge = (edge / every) as usize;
    let (first, _) = measure::median_p99(&core[..per_edge.min(core.len())]);
    let (last, _) = measure::median_p99(&core[core.len().saturating_sub(per_edge)..]);
    let growth = (last - first) / first * 100.0;
    let secs = (to - from) / 1000.0;
    let updates = (after.as_f64().unwrap_or(0.0) - before.as_f64().unwrap_or(0.0)) / secs;
    let rate = rate.map_or_else(
        || "unknown (no heartbeat lines)".to_owned(),
        |r| format!("{r:.0}"),
    );
    let load = format!(
        "50 live market views ({views} open at the end; opened through open_market_view from the \
         page, as the market page does) on a 60-market paper exchange, bots at {activity} steps/s: \
         {rate} WebSocket messages/s to the app (the simulator's own count, from its heartbeat \
         log lines), {updates:.0} coalesced view updates/s delivered to the page; warm-up \
         {warm_up} s, then {window} s sampled every {every} s"
    );
    measure::record(&[
        Figure {
            id: "memory_core_rss",
            label: "app core process RSS, 50 live book subscriptions".into(),
            unit: "MiB",
            samples: core.clone(),
            goal: "< 60 MB",
            goal_value: Some(60.0),
            goal_stat: "max",
            seed_target: "< 100 MB",
            note: format!(
                "{load}; VmRSS of the kalshi-desk process, which also runs the embedded paper \
                 exchange and WebKitGTK's UI side: median RssAnon (heap, stacks) {anon:.1} MiB, \
                 RssFile (shared libraries' pages) {file:.1} MiB; {idle:.1} MiB before the views \
                 were opened"
            ),
        },
        Figure {
            id: "memory_core_growth",
            label: "app core process RSS growth after warm-up".into(),
            unit: "%",
            samples: vec![growth],
            goal: "< 5 %",
            goal_value: Some(5.0),
            goal_stat: "growth_pct",
            seed_target: "–",
            note: format!(
                "median of the last {edge} s ({last:.1} MiB) against the first {edge} s after \
                 warm-up ({first:.1} MiB); {load}"
            ),
        },
        Figure {
            id: "memory_web_rss",
            label: "WebKit web process RSS, beside the core".into(),
            unit: "MiB",
            samples: webp,
            goal: "reported beside the core",
            goal_value: None,
            goal_stat: "max",
            seed_target: "–",
            note: format!("VmRSS of the app's WebKitWebProcess; {load}"),
        },
    ]);
}
