//! What the end-to-end tests drive the real app with: `tauri-driver` (which starts
//! `WebKitWebDriver`, which starts the app binary) on free ports, a fantoccini WebDriver
//! session, polling waits on what the page shows, and a screenshot of the window when a
//! step fails. Everything started here is ended on drop.

use std::io::{BufRead as _, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
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
    pub fn start(data_dir: &Path, env: &[(&str, &str)]) -> Self {
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
            .envs(env.iter().copied())
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
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
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

/// Runs `journey`; if a step fails, saves the window as `target/e2e-failures/<name>.png`,
/// prints its path and fails the test with the step's message.
pub async fn run<F, Fut>(name: &str, client: &Client, journey: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = Step>,
{
    if let Err(failure) = journey(client.clone()).await {
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

/// `dbus-monitor` on the session bus, reporting the summaries of `Notify` calls; ended on
/// drop. No notification server is needed to see the calls.
#[derive(Debug)]
pub struct Notifications {
    child: Child,
    calls: mpsc::Receiver<String>,
}

impl Notifications {
    /// Starts watching; returns once the monitor sees every call.
    pub fn watch() -> Self {
        assert!(
            std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
            "run under dbus-run-session (cargo xtask test does)"
        );
        let mut child = Command::new("dbus-monitor")
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-monitor runs");
        let stdout = child.stdout.take().expect("piped stdout");
        let (ready_tx, ready) = mpsc::channel();
        let (tx, calls) = mpsc::channel();
        std::thread::spawn(move || {
            // After `member=Notify`: app name, replaces id, icon, then the summary.
            let mut strings_left: Option<u8> = None;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if line.contains("member=NameLost") {
                    let _ = ready_tx.send(());
                }
                if line.starts_with("method call") && line.contains("member=Notify") {
                    strings_left = Some(3);
                    continue;
                }
                let trimmed = line.trim_start();
                if let (Some(n), Some(s)) = (strings_left, trimmed.strip_prefix("string \"")) {
                    if n == 1 {
                        let _ = tx.send(s.trim_end_matches('"').to_owned());
                        strings_left = None;
                    } else {
                        strings_left = Some(n - 1);
                    }
                }
            }
        });
        ready
            .recv_timeout(WAIT)
            .expect("dbus-monitor became a monitor");
        Self { child, calls }
    }

    /// Waits for a notification whose summary satisfies `want`.
    pub fn expect(&self, what: &str, want: impl Fn(&str) -> bool) -> Step<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.calls.recv_timeout(left) {
                Ok(summary) if want(&summary) => return Ok(summary),
                Ok(_) => {}
                Err(_) => return Err(format!("no OS notification for {what} on D-Bus")),
            }
        }
    }
}

impl Drop for Notifications {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
