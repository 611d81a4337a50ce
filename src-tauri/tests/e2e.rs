//! End to end on the real app: the debug binary with the bundled UI, in a real window
//! (Xvfb), on the embedded paper exchange with a temp data folder, driven through
//! `tauri-driver` and `WebKitWebDriver` like a person would. Each step asserts what the
//! window shows (text in the DOM); a failing step saves a screenshot under
//! `target/e2e-failures/`.
//!
//! `cargo xtask test` runs these under `xvfb-run` and a private `dbus-run-session` with
//! temp XDG folders; a plain `cargo test` skips them.
#![allow(clippy::unwrap_used)]

#[path = "e2e/harness.rs"]
mod harness;

use fantoccini::Client;
use harness::{Driver, Notifications, Step, buy_yes, ladder_moves, nav, open_a_market, wait_text};

async fn journey(c: Client, monitor: &Notifications) -> Step {
    let ticker = open_a_market(&c).await?;

    // The ladder updates live: the market's activity changes what it shows.
    ladder_moves(&c).await?;

    // A marketable order from the ticket: buy 1 YES at 99¢ (every open market has asks).
    buy_yes(&c, "99", "1").await?;

    // It fills: a toast in the window and a notification on the desktop.
    wait_text(&c, ".toast", "the fill toast", |t| {
        t.starts_with("Filled 1 YES") && t.contains(&ticker)
    })
    .await?;
    monitor.expect("the fill", |s| s.starts_with("Filled"))?;

    // The position shows on the portfolio page.
    nav(&c, "Portfolio").await?;
    wait_text(&c, ".grid-table tbody tr", "the new position", |t| {
        t.contains(&ticker) && t.contains("1 YES")
    })
    .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, D-Bus and tauri-driver (cargo xtask test runs it)"]
async fn a_trader_finds_a_market_trades_it_and_sees_the_position() {
    let data = tempfile::tempdir().unwrap();
    let monitor = Notifications::watch();
    let driver = Driver::start(data.path(), &[]);
    let client = driver.launch().await;
    harness::run("journey", &client, |c| journey(c, &monitor)).await;
    let _ = client.close().await;
}
