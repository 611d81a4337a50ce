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
use harness::{
    Driver, Notifications, Step, click_text, nav, texts, type_into, wait_find, wait_text,
};

/// Opens the first market whose row shows in the list, after finding it by search;
/// returns its ticker.
async fn open_a_market(c: &Client) -> Step<String> {
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
        let started = std::time::Instant::now();
        while texts(c, ".mrow .mticker").await.contains(&other) {
            if started.elapsed() > harness::WAIT {
                return Err(format!("searching {ticker} still lists {other}"));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    wait_text(c, ".mrow .mticker", "the searched market", |t| t == ticker).await?;

    // Open it: its ladder shows both sides.
    click_text(c, ".mrow .mticker", "the market's row", |t| t == ticker).await?;
    wait_find(c, ".ladder-row").await?;
    Ok(ticker)
}

async fn journey(c: Client, monitor: &Notifications) -> Step {
    let ticker = open_a_market(&c).await?;

    // The ladder updates live: the market's activity changes what it shows.
    let before = texts(&c, ".ladder").await.join("\n");
    wait_text(&c, ".ladder", "the ladder change on its own", |t| {
        !t.is_empty() && t != before
    })
    .await?;

    // A marketable order from the ticket: buy 1 YES at 99¢ (every open market has asks).
    click_text(&c, ".ticket .seg", "Buy", |t| t == "Buy").await?;
    click_text(&c, ".ticket .seg", "YES", |t| t == "YES").await?;
    type_into(&c, "[data-testid=ticket-price]", "99").await?;
    type_into(&c, "[data-testid=ticket-count]", "1").await?;
    click_text(
        &c,
        "[data-testid=ticket-submit]",
        "the ticket's send",
        |t| t.starts_with("Buy"),
    )
    .await?;
    click_text(&c, "[data-testid=confirm-send]", "Send order", |_| true).await?;

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
