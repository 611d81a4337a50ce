//! End to end on the real app: the debug binary with the bundled UI, in a real window
//! (Xvfb), on the embedded paper exchange with a temp data folder, driven through
//! `tauri-driver` and `WebKitWebDriver` like a person would. Each step asserts what the
//! window shows (text in the DOM); a failing step saves a screenshot under
//! `target/e2e-failures/`.
//!
//! `cargo xtask test` runs these one at a time under `xvfb-run` and a private
//! `dbus-run-session` with temp XDG folders and an unlocked gnome-keyring (the paper
//! account's key lives in the keychain, so a relaunch finds the same account); a plain
//! `cargo test` skips them.
#![allow(clippy::unwrap_used)]

#[path = "e2e/harness.rs"]
mod harness;

use fantoccini::Client;
use harness::{
    Driver, Exchange, Notifications, Step, bad_key_stores_nothing, buy_yes,
    feed_drops_and_recovers, history_shows_one_trade, invalid_ticket_sends_nothing, ladder_moves,
    markets_from_cache, nav, open_a_market, shows_offline, wait_text,
};

/// Buys 1 YES at 99¢ (every open market has asks) and sees it fill: a toast in the window
/// and a notification on the desktop.
async fn buy_and_see_the_fill(c: &Client, monitor: &Notifications, ticker: &str) -> Step {
    buy_yes(c, "99", "1").await?;
    wait_text(c, ".toast", "the fill toast", |t| {
        t.starts_with("Filled 1 YES") && t.contains(ticker)
    })
    .await?;
    monitor.expect("the fill", |s| s.starts_with("Filled"))?;
    Ok(())
}

/// Markets load → search → open, the ladder moves → nonsense in the ticket sends nothing →
/// a buy fills (toast, OS notification) → the position on the portfolio. Answers the
/// market's ticker.
async fn journey(c: Client, monitor: &Notifications) -> Step<String> {
    let ticker = open_a_market(&c).await?;
    ladder_moves(&c).await?;
    invalid_ticket_sends_nothing(&c).await?;
    buy_and_see_the_fill(&c, monitor, &ticker).await?;
    nav(&c, "Portfolio").await?;
    wait_text(&c, ".grid-table tbody tr", "the new position", |t| {
        t.contains(&ticker) && t.contains("1 YES")
    })
    .await?;
    Ok(ticker)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, D-Bus and tauri-driver (cargo xtask test runs it)"]
async fn a_trader_trades_rides_out_a_feed_drop_and_reads_history_offline() {
    let data = tempfile::tempdir().unwrap();
    let exchange = Exchange::new();
    let monitor = Notifications::start();

    let driver = Driver::start(data.path(), &exchange.env(false));
    let client = driver.launch().await;
    let ticker = harness::run("journey", &client, |c| journey(c, &monitor)).await;
    let (ticker, exchange_ref) = (ticker.as_str(), &exchange);
    // The feed drops: reconnecting, connected again, and the fill is still there once.
    harness::run("feed drop", &client, |c| async move {
        feed_drops_and_recovers(&c, exchange_ref).await?;
        history_shows_one_trade(&c, ticker).await?;
        nav(&c, "Portfolio").await?;
        wait_text(
            &c,
            ".grid-table tbody tr",
            "the position, not doubled",
            |t| t.contains(ticker) && t.contains("1 YES"),
        )
        .await
        .map(drop)
    })
    .await;
    let driver_ref = &driver;
    harness::run("quit", &client, |c| async move {
        harness::quit(&c, driver_ref).await
    })
    .await;
    drop(driver);

    // Relaunched with the exchange gone: the history is there, marked stale.
    let driver = Driver::start(data.path(), &exchange.env(true));
    let client = driver.launch().await;
    harness::run("offline relaunch", &client, |c| async move {
        shows_offline(&c).await?;
        history_shows_one_trade(&c, ticker).await
    })
    .await;

    // A bad key in Settings is refused and stores nothing.
    let not_a_key = data.path().join("notes.txt");
    std::fs::write(&not_a_key, "not a key\n").unwrap();
    let not_a_key = not_a_key.as_path();
    harness::run("bad key", &client, |c| async move {
        bad_key_stores_nothing(&c, not_a_key).await
    })
    .await;
    let _ = client.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, D-Bus and tauri-driver (cargo xtask test runs it)"]
async fn the_app_killed_mid_stream_reopens_with_its_data() {
    let data = tempfile::tempdir().unwrap();
    let exchange = Exchange::new();
    let monitor = Notifications::start();

    let driver = Driver::start(data.path(), &exchange.env(false));
    let client = driver.launch().await;
    let monitor = &monitor;
    let ticker = harness::run("before the kill", &client, |c| async move {
        let ticker = open_a_market(&c).await?;
        buy_and_see_the_fill(&c, monitor, &ticker).await?;
        // Mid-stream: the book is still moving when the app dies.
        ladder_moves(&c).await?;
        Ok(ticker)
    })
    .await;
    let driver_ref = &driver;
    harness::run("kill", &client, |_| async move { driver_ref.kill_app() }).await;
    drop(client);
    drop(driver);

    // Reopened (with the exchange unreachable, so that all it shows is what it kept).
    let ticker = ticker.as_str();
    let driver = Driver::start(data.path(), &exchange.env(true));
    let client = driver.launch().await;
    harness::run("after the kill", &client, |c| async move {
        shows_offline(&c).await?;
        markets_from_cache(&c).await?;
        history_shows_one_trade(&c, ticker).await
    })
    .await;
    let _ = client.close().await;
}
