//! What the end-to-end tests drive the real app with: `tauri-driver` (which starts
//! `WebKitWebDriver`, which starts the app binary) on free ports, a fantoccini WebDriver
//! session, polling waits on what the page shows, and a screenshot of the window when a
//! step fails. Everything started here is ended on drop.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

/// How long a step may take to show what it should (the debug app on a busy 2-core box).
pub const WAIT: Duration = Duration::from_secs(30);

/// A step's failure: what the person did not see.
pub type Step<T = ()> = Result<T, String>;

/// The app binary under test: the debug build with the bundled UI.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kalshi-desk"))
}

/// The workspace's target folder, where failure screenshots go.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// `tauri-driver` on free ports, in its own process group so that `WebKitWebDriver` and
/// the app it starts end with it.
#[derive(Debug)]
pub struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    /// Starts tauri-driver; the app it launches gets `data_dir` as its data folder plus
    /// `env`.
    pub fn start(data_dir: &Path, env: &[(&str, String)]) -> Self {
        use std::os::unix::process::CommandExt as _;
        let port = free_port();
        let native = free_port();
        let child = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &native.to_string(),
            ])
            .env("KALSHI_DESK_DATA_DIR", data_dir)
            .env("RUST_LOG", "warn")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("tauri-driver runs (cargo xtask test installs it)");
        let driver = Self { child, port };
        let started = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < WAIT,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    /// Opens a WebDriver session: launches the app and connects to its webview.
    pub async fn launch(&self) -> Client {
        let caps = serde_json::json!({
            "tauri:options": { "application": app_binary() },
        });
        let serde_json::Value::Object(caps) = caps else {
            unreachable!("a JSON object literal")
        };
        let started = Instant::now();
        loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{}", self.port))
                .await
            {
                Ok(client) => return client,
                Err(e) if started.elapsed() > WAIT => panic!("no WebDriver session: {e}"),
                Err(_) => {
                    // An app a failed attempt started must be gone before the next starts.
                    let _ = wait_instance_released();
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}

impl Driver {
    /// The app's process id: the app binary's process in this driver's process group.
    pub fn app_pid(&self) -> Option<u32> {
        let app = std::fs::canonicalize(app_binary()).ok()?;
        let group = self.child.id();
        pids().find(|pid| {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == app)
                && proc_stat(*pid).is_some_and(|s| s.pgrp == group && s.state != 'Z')
        })
    }

    /// Ends the app at once with SIGKILL, as a crash or a power cut would: nothing it
    /// holds in memory is saved.
    pub fn kill_app(&self) -> Step {
        let pid = self.app_pid().ok_or("the app is not running")?;
        let killed = Command::new("kill")
            .args(["-s", "KILL", "--", &pid.to_string()])
            .status()
            .map_err(|e| format!("kill: {e}"))?;
        if !killed.success() {
            return Err(format!("kill -KILL {pid} failed"));
        }
        wait_gone_pid(pid)
    }
}

/// Every process id in `/proc`.
pub fn pids() -> impl Iterator<Item = u32> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
}

/// The fields of `/proc/PID/stat` the tests look at.
// `comm` and `ppid` are read by measure.rs, which only the window bench includes.
#[allow(dead_code)]
pub struct ProcStat {
    /// The command name (at most 15 bytes).
    pub comm: String,
    /// The state letter (`Z` for a zombie).
    pub state: char,
    /// The parent's pid.
    pub ppid: u32,
    /// The process group.
    pub pgrp: u32,
}

/// `pid`'s `/proc/PID/stat`, if it still exists.
pub fn proc_stat(pid: u32) -> Option<ProcStat> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `pid (comm) state ppid pgrp …`: the command may hold spaces and parentheses.
    let (head, tail) = stat.rsplit_once(')')?;
    let comm = head.split_once('(')?.1.to_owned();
    let mut rest = tail.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    let pgrp = rest.next()?.parse().ok()?;
    Some(ProcStat {
        comm,
        state,
        ppid,
        pgrp,
    })
}

/// Waits until `pid` has exited (gone, or a zombie nobody reaped yet) and the session bus
/// has let go of its single-instance name: until then a new launch would find the name
/// taken, forward its arguments to the dying instance and quit.
pub fn wait_gone_pid(pid: u32) -> Step {
    let started = Instant::now();
    while proc_stat(pid).is_some_and(|s| s.state != 'Z') {
        if started.elapsed() > WAIT {
            return Err(format!("the app (pid {pid}) did not exit"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    wait_instance_released()
}

/// The app's single-instance name on the session bus (tauri-plugin-single-instance:
/// the identifier in tauri.conf.json, then `.SingleInstance`).
const INSTANCE_NAME: &str = "com.kalshidesk.desk.SingleInstance";

/// Waits until no app owns its single-instance name on the session bus.
pub fn wait_instance_released() -> Step {
    let started = Instant::now();
    loop {
        let names = Command::new("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.ListNames",
            ])
            .output()
            .map_err(|e| format!("dbus-send: {e}"))?;
        if !String::from_utf8_lossy(&names.stdout).contains(INSTANCE_NAME) {
            return Ok(());
        }
        if started.elapsed() > WAIT {
            return Err(format!("{INSTANCE_NAME} is still owned on the session bus"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Quits the app as a person does, by closing its window, and waits until it has exited
/// (its exit path saves the paper exchange and closes the store).
pub async fn quit(c: &Client, driver: &Driver) -> Step {
    let pid = driver.app_pid().ok_or("the app is not running")?;
    // The window goes, and with it the WebDriver session's page: the answer may be an
    // error about the vanished window.
    let _ = c.clone().close_window().await;
    wait_gone_pid(pid)
}

/// The app's paper exchange as a test reaches it: a fixed port and admin token handed to
/// the app through `KALSHI_DESK_SIM_CONFIG` (see `src-tauri/src/sim_overrides.rs`).
#[derive(Debug)]
pub struct Exchange {
    port: u16,
    token: String,
    dir: tempfile::TempDir,
}

impl Exchange {
    /// A free port and a fresh token.
    pub fn new() -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        Self {
            port: free_port(),
            token: format!("e2e-admin-{}-{nanos}", std::process::id()),
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    /// The app's environment for this exchange: reachable with its `/_sim` routes, or
    /// (`offline`) unreachable, nobody listening on its port, as in an outage.
    pub fn env(&self, offline: bool) -> Vec<(&'static str, String)> {
        let path = self.dir.path().join(if offline {
            "offline.json"
        } else {
            "online.json"
        });
        let body = if offline {
            serde_json::json!({ "port": self.port, "offline": true })
        } else {
            serde_json::json!({ "port": self.port, "admin_token": self.token })
        };
        std::fs::write(&path, body.to_string()).expect("the overrides file is written");
        vec![(
            "KALSHI_DESK_SIM_CONFIG",
            path.to_string_lossy().into_owned(),
        )]
    }

    /// Changes the exchange's fault plan (`POST /_sim/faults` with `patch`).
    pub fn fault(&self, patch: &serde_json::Value) -> Step {
        use std::io::{Read as _, Write as _};
        let body = patch.to_string();
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))
            .map_err(|e| format!("the exchange on port {} is not reachable: {e}", self.port))?;
        write!(
            stream,
            "POST /_sim/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.token,
            body.len()
        )
        .map_err(|e| format!("sending the fault: {e}"))?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|e| format!("reading the fault's answer: {e}"))?;
        if answer.starts_with("HTTP/1.1 200") {
            Ok(())
        } else {
            Err(format!("the exchange refused the fault {body}: {answer}"))
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // The whole group: tauri-driver, WebKitWebDriver and any app still running.
        // `--` so that the negative id is read as a process group, not as an option.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `step`; if it fails, saves the window as `target/e2e-failures/<name>.png`, prints
/// its path and fails the test with the step's message. Answers what the step found.
pub async fn run<T, F, Fut>(name: &str, client: &Client, step: F) -> T
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Step<T>>,
{
    match step(client.clone()).await {
        Ok(found) => found,
        Err(failure) => {
            let dir = target_dir().join("e2e-failures");
            let saved = match client.screenshot().await {
                Ok(png) => std::fs::create_dir_all(&dir)
                    .and_then(|()| std::fs::write(dir.join(format!("{name}.png")), png))
                    .map(|()| dir.join(format!("{name}.png")).display().to_string())
                    .unwrap_or_else(|e| format!("(could not save the screenshot: {e})")),
                Err(e) => format!("(no screenshot: {e})"),
            };
            let shown = match client.find(Locator::Css("body")).await {
                Ok(body) => body.text().await.unwrap_or_default(),
                Err(e) => format!("(no page: {e})"),
            };
            panic!("{name}: {failure}\nscreenshot: {saved}\nthe window showed:\n{shown}");
        }
    }
}

/// The texts of every element matching `css`.
pub async fn texts(c: &Client, css: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Ok(found) = c.find_all(Locator::Css(css)).await {
        for e in found {
            if let Ok(t) = e.text().await {
                out.push(t);
            }
        }
    }
    out
}

/// Waits until some element matching `css` shows text for which `want` holds; returns it.
pub async fn wait_text(
    c: &Client,
    css: &str,
    what: &str,
    want: impl Fn(&str) -> bool,
) -> Step<String> {
    let started = Instant::now();
    loop {
        let seen = texts(c, css).await;
        if let Some(t) = seen.iter().find(|t| want(t)) {
            return Ok(t.clone());
        }
        if started.elapsed() > WAIT {
            return Err(format!(
                "never saw {what} (`{css}` showed {:?})",
                seen.iter().take(5).collect::<Vec<_>>()
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks the first element matching `css` whose text satisfies `want`, waiting for it.
pub async fn click_text(c: &Client, css: &str, what: &str, want: impl Fn(&str) -> bool) -> Step {
    let started = Instant::now();
    loop {
        if let Ok(found) = c.find_all(Locator::Css(css)).await {
            for e in found {
                if e.text().await.is_ok_and(|t| want(&t)) && e.click().await.is_ok() {
                    return Ok(());
                }
            }
        }
        if started.elapsed() > WAIT {
            return Err(format!("could not click {what} (`{css}`)"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Replaces the text of the input matching `css` with `text` by typing: End, a Backspace
/// per character there, then the text, so the page sees every keystroke.
pub async fn type_into(c: &Client, css: &str, text: &str) -> Step {
    let input = wait_find(c, css).await?;
    type_in(&input, css, text).await
}

/// [`type_into`] the element `input` (`what` names it in errors).
pub async fn type_in(input: &fantoccini::elements::Element, css: &str, text: &str) -> Step {
    // Into the field first, as a person would: keys sent elsewhere are shortcuts.
    input
        .click()
        .await
        .map_err(|e| format!("clicking `{css}`: {e}"))?;
    let old = input
        .prop("value")
        .await
        .map_err(|e| format!("reading `{css}`: {e}"))?
        .unwrap_or_default();
    let keys = format!("\u{E010}{}{text}", "\u{E003}".repeat(old.chars().count()));
    input
        .send_keys(&keys)
        .await
        .map_err(|e| format!("typing into `{css}`: {e}"))
}

/// Waits for an element matching `css`.
pub async fn wait_find(c: &Client, css: &str) -> Step<fantoccini::elements::Element> {
    let started = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            return Ok(e);
        }
        if started.elapsed() > WAIT {
            return Err(format!("`{css}` never appeared"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Goes to a page through the top bar, as a person would.
pub async fn nav(c: &Client, page: &str) -> Step {
    click_text(c, ".nav .nav-item", page, |t| t.starts_with(page)).await
}

/// The OS notifications the app sends, as seen on the session bus (not every suite that
/// includes the harness watches them).
#[allow(unused_imports)]
pub use notify_monitor::Monitor as Notifications;

#[path = "../common/notify_monitor.rs"]
mod notify_monitor;

/// Opens the first market whose row shows in the list, after finding it by search;
/// returns its ticker.
pub async fn open_a_market(c: &Client) -> Step<String> {
    // The list loads with real rows (not skeletons).
    let ticker = wait_text(c, ".mrow .mticker", "a market in the list", |t| {
        !t.trim().is_empty()
    })
    .await?;
    let rows = texts(c, ".mrow .mticker").await;
    let other = rows.iter().find(|t| **t != ticker).cloned();

    // Search narrows the list to the market.
    type_into(c, "[data-testid=market-search]", &ticker).await?;
    if let Some(other) = other {
        let started = Instant::now();
        while texts(c, ".mrow .mticker").await.contains(&other) {
            if started.elapsed() > WAIT {
                return Err(format!("searching {ticker} still lists {other}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    wait_text(c, ".mrow .mticker", "the searched market", |t| t == ticker).await?;

    // Open it: its ladder shows both sides.
    click_text(c, ".mrow .mticker", "the market's row", |t| t == ticker).await?;
    wait_find(c, ".ladder-row").await?;
    Ok(ticker)
}

/// Buys `count` YES at `cents` from the open market's ticket, confirming the order.
pub async fn buy_yes(c: &Client, cents: &str, count: &str) -> Step {
    click_text(c, ".ticket .seg", "Buy", |t| t == "Buy").await?;
    click_text(c, ".ticket .seg", "YES", |t| t == "YES").await?;
    type_into(c, "[data-testid=ticket-price]", cents).await?;
    type_into(c, "[data-testid=ticket-count]", count).await?;
    click_text(c, "[data-testid=ticket-submit]", "the ticket's send", |t| {
        t.starts_with("Buy")
    })
    .await?;
    click_text(c, "[data-testid=confirm-send]", "Send order", |_| true).await
}

/// Waits until the open market's ladder shows something new on its own (live updates).
pub async fn ladder_moves(c: &Client) -> Step {
    let before = texts(c, ".ladder").await.join("\n");
    wait_text(c, ".ladder", "the ladder change on its own", |t| {
        !t.is_empty() && t != before
    })
    .await
    .map(drop)
}

/// Waits until no element matches `css`.
pub async fn wait_gone(c: &Client, css: &str, what: &str) -> Step {
    let started = Instant::now();
    loop {
        match c.find_all(Locator::Css(css)).await {
            Ok(found) if found.is_empty() => return Ok(()),
            _ => {}
        }
        if started.elapsed() > WAIT {
            return Err(format!("{what} never went away (`{css}`)"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many elements matching `css` show text for which `want` holds.
pub async fn count(c: &Client, css: &str, want: impl Fn(&str) -> bool) -> usize {
    texts(c, css).await.iter().filter(|t| want(t)).count()
}

/// The form field whose label starts with `label` (the text a person reads beside it).
pub async fn field(c: &Client, label: &str) -> Step<fantoccini::elements::Element> {
    let xpath = format!(
        "//*[self::label or self::div][span[starts-with(normalize-space(.), '{label}')]]//*[self::input or self::textarea]"
    );
    let started = Instant::now();
    loop {
        if let Ok(e) = c.find(Locator::XPath(&xpath)).await {
            return Ok(e);
        }
        if started.elapsed() > WAIT {
            return Err(format!("no field labelled {label:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The status bar's connection text (e.g. `Connected`, `Reconnecting in 1s (attempt 2)`).
const STATUS: &str = ".statusbar .status-text";
/// The status bar's mark that shown figures may be old.
const STALE: &str = ".statusbar .chip-stale";

/// Waits until the status bar says connected and caught up (no STALE mark).
pub async fn connected(c: &Client) -> Step {
    wait_text(c, STATUS, "the status bar connected", |t| t == "Connected").await?;
    wait_gone(c, STALE, "the status bar's STALE mark").await
}

/// The exchange drops every WebSocket and refuses new ones for a moment: the status bar
/// shows the app reconnecting, then connected and caught up again.
pub async fn feed_drops_and_recovers(c: &Client, exchange: &Exchange) -> Step {
    connected(c).await?;
    exchange.fault(&serde_json::json!({ "drop_ws_now": true, "refuse_ws_for_ms": 1500 }))?;
    wait_text(c, STATUS, "the status bar reconnecting", |t| {
        t.starts_with("Reconnecting")
    })
    .await?;
    wait_text(c, STALE, "the status bar's STALE mark", |t| t == "STALE").await?;
    connected(c).await
}

/// Waits for rows mentioning `ticker` in the page's table to show, then answers how many
/// there are (rows of one query render together).
async fn rows_of(c: &Client, ticker: &str, what: &str, want: impl Fn(&str) -> bool) -> Step<usize> {
    let rows = ".grid-table tbody tr";
    wait_text(c, rows, what, |t| t.contains(ticker) && want(t)).await?;
    Ok(count(c, rows, |t| t.contains(ticker)).await)
}

/// The History page shows exactly one fill and one order of `ticker`: bought 1 YES, filled.
pub async fn history_shows_one_trade(c: &Client, ticker: &str) -> Step {
    nav(c, "History").await?;
    click_text(c, ".toolbar .seg", "the Fills tab", |t| t == "Fills").await?;
    wait_text(c, ".grid-table thead", "the fills table", |t| {
        t.to_lowercase().contains("liquidity")
    })
    .await?;
    let fills = rows_of(c, ticker, "the fill in History", |t| t.contains("YES")).await?;
    if fills != 1 {
        return Err(format!("History lists {fills} fills of {ticker}, not 1"));
    }
    click_text(c, ".toolbar .seg", "the Orders tab", |t| t == "Orders").await?;
    wait_text(c, ".grid-table thead", "the orders table", |t| {
        t.to_lowercase().contains("placed")
    })
    .await?;
    let orders = rows_of(c, ticker, "the order in History", |t| t.contains("1 / 1")).await?;
    if orders != 1 {
        return Err(format!("History lists {orders} orders of {ticker}, not 1"));
    }
    Ok(())
}

/// The status bar says the exchange cannot be reached and figures may be old.
pub async fn shows_offline(c: &Client) -> Step {
    wait_text(c, STALE, "the status bar's STALE mark", |t| t == "STALE").await?;
    wait_text(c, STATUS, "the status bar not connected", |t| {
        t.starts_with("Reconnecting") || t.starts_with("Offline") || t.starts_with("Connecting")
    })
    .await
    .map(drop)
}

/// The Markets page lists markets from the local cache, marked as such.
pub async fn markets_from_cache(c: &Client) -> Step {
    nav(c, "Markets").await?;
    wait_text(
        c,
        ".chip-stale",
        "the markets' OFFLINE · CACHED mark",
        |t| t.starts_with("OFFLINE · CACHED"),
    )
    .await?;
    wait_text(c, ".mrow .mticker", "a cached market in the list", |t| {
        !t.trim().is_empty()
    })
    .await
    .map(drop)
}

/// Typing nonsense into the ticket shows what is wrong beside the field and leaves the
/// send button disabled; nothing is sent (no confirmation, no toast).
pub async fn invalid_ticket_sends_nothing(c: &Client) -> Step {
    click_text(c, ".ticket .seg", "Buy", |t| t == "Buy").await?;
    click_text(c, ".ticket .seg", "YES", |t| t == "YES").await?;
    let price_error = "[data-testid=ticket-price] ~ .field-error";
    let count_error = "[data-testid=ticket-count] ~ .field-error";
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "0",
            "1",
            price_error,
            "The price must be above 0¢ and below 100¢.",
        ),
        (
            "100",
            "1",
            price_error,
            "The price must be above 0¢ and below 100¢.",
        ),
        (
            "abc",
            "1",
            price_error,
            "\u{201c}abc\u{201d} is not a price",
        ),
        (
            "50",
            "0",
            count_error,
            "The count must be at least 1 contract.",
        ),
    ];
    for (price, count, css, message) in cases {
        type_into(c, "[data-testid=ticket-price]", price).await?;
        type_into(c, "[data-testid=ticket-count]", count).await?;
        wait_text(
            c,
            css,
            &format!("{message:?} for {price}¢ × {count}"),
            |t| t.starts_with(message),
        )
        .await?;
        refuses_to_send(c, &format!("{price}¢ × {count}")).await?;
    }
    // A blank count: nothing to send yet (the button says so; an empty field shows no
    // error until a send is tried, which the disabled button does not allow).
    type_into(c, "[data-testid=ticket-price]", "50").await?;
    type_into(c, "[data-testid=ticket-count]", "").await?;
    refuses_to_send(c, "a blank count").await?;
    if !texts(c, "[data-testid=confirm-send]").await.is_empty() {
        return Err("an invalid ticket asked to confirm an order".into());
    }
    let toasts = texts(c, ".toast").await;
    if let Some(t) = toasts.iter().find(|t| t.to_lowercase().contains("placed")) {
        return Err(format!("an invalid ticket sent an order: {t}"));
    }
    Ok(())
}

/// The ticket's send button is disabled and asks for a review; Enter in the count field
/// does not send either.
async fn refuses_to_send(c: &Client, what: &str) -> Step {
    let started = Instant::now();
    loop {
        let button = wait_find(c, "[data-testid=ticket-submit]").await?;
        let label = button.text().await.unwrap_or_default();
        let disabled = button.prop("disabled").await.ok().flatten();
        if label.starts_with("Review the ticket") && disabled.as_deref() == Some("true") {
            break;
        }
        if started.elapsed() > WAIT {
            return Err(format!(
                "with {what} the send button shows {label:?} (disabled: {disabled:?})"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let count = wait_find(c, "[data-testid=ticket-count]").await?;
    count
        .send_keys("\u{E007}")
        .await
        .map_err(|e| format!("pressing Enter: {e}"))
}

/// A malformed PEM, then a file that is not a key, are refused with the reason, and the
/// API keys list is the same afterwards (read again after leaving the page).
pub async fn bad_key_stores_nothing(c: &Client, not_a_key: &Path) -> Step {
    let keys = "//div[contains(@class, 'panel')][.//h2[normalize-space(.) = 'API keys']]";
    let listed = |c: Client| async move {
        let started = Instant::now();
        loop {
            // Loaded: the table is there (skeleton rows are not a table).
            if let Ok(panel) = c.find(Locator::XPath(keys)).await
                && panel.find(Locator::Css("table")).await.is_ok()
            {
                return Ok::<_, String>(panel.text().await.unwrap_or_default());
            }
            if started.elapsed() > WAIT {
                return Err("the API keys list never loaded".to_owned());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    nav(c, "Settings").await?;
    let before = listed(c.clone()).await?;

    type_in(&field(c, "API key id").await?, "API key id", "e2e-bad-key").await?;
    type_in(
        &field(c, "…or paste the PEM").await?,
        "the PEM",
        "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
    )
    .await?;
    click_text(c, "button", "Add key", |t| t == "Add key").await?;
    let pasted = wait_text(c, ".toast", "the pasted key's error", |t| {
        t.starts_with("Key not added")
    })
    .await?;

    // The same with a file that holds no key.
    type_in(&field(c, "…or paste the PEM").await?, "the PEM", "").await?;
    type_in(
        &field(c, "Private key file").await?,
        "the key file",
        &not_a_key.to_string_lossy(),
    )
    .await?;
    click_text(c, "button", "Add key", |t| t == "Add key").await?;
    // Error toasts stay until dismissed: the file's is the second.
    let started = Instant::now();
    while count(c, ".toast", |t| t.starts_with("Key not added")).await < 2 {
        if started.elapsed() > WAIT {
            return Err(format!(
                "no error for the key file that is not a key (after {pasted:?})"
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    nav(c, "Markets").await?;
    nav(c, "Settings").await?;
    let after = listed(c.clone()).await?;
    if after != before {
        return Err(format!(
            "the API keys changed:\nbefore: {before}\nafter: {after}"
        ));
    }
    if after.contains("e2e-bad-key") {
        return Err("the refused key is listed".into());
    }
    Ok(())
}
