//! `cargo xtask screenshots`: the real app on the paper exchange with a filled order,
//! every page in both themes, saved as `<page>-<theme>.png` in the folder
//! `KALSHI_DESK_SCREENSHOTS` names (xtask passes `docs/screenshots`).
#![allow(clippy::unwrap_used)]

#[path = "e2e/harness.rs"]
#[allow(dead_code)]
mod harness;

use std::path::{Path, PathBuf};

use fantoccini::{Client, Locator};
use harness::{
    Driver, Step, buy_yes, click_text, ladder_moves, nav, open_a_market, type_into, wait_find,
    wait_text,
};

async fn save(c: &Client, dir: &Path, name: &str) -> Step {
    // Let transitions and the last live frame settle before the picture.
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let png = c
        .screenshot()
        .await
        .map_err(|e| format!("screenshot {name}: {e}"))?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).map_err(|e| format!("writing {}: {e}", path.display()))?;
    eprintln!("saved {}", path.display());
    Ok(())
}

async fn set_theme(c: &Client, theme: &str) -> Step {
    nav(c, "Settings").await?;
    wait_find(c, "[data-testid=theme]")
        .await?
        .select_by_value(theme)
        .await
        .map_err(|e| format!("choosing the {theme} theme: {e}"))?;
    let started = std::time::Instant::now();
    loop {
        let applied = c
            .execute(
                "return document.documentElement.dataset.theme || ''",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned));
        if applied.as_deref() == Some(theme) {
            return Ok(());
        }
        if started.elapsed() > harness::WAIT {
            return Err(format!("the {theme} theme was not applied ({applied:?})"));
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

async fn shoot(c: Client, dir: PathBuf) -> Step {
    // Something to show: a filled order and a resting one.
    let ticker = open_a_market(&c).await?;
    ladder_moves(&c).await?;
    buy_yes(&c, "99", "2").await?;
    wait_text(&c, ".toast", "the fill", |t| t.starts_with("Filled")).await?;
    eprintln!("first order filled");
    // And one resting far from the market, for the orders page's Amend / Decrease / Cancel.
    buy_yes(&c, "1", "5").await?;
    wait_text(&c, ".toast", "the resting order", |t| {
        t.starts_with("Placed") && t.contains("5 resting")
    })
    .await?;
    for theme in ["light", "dark"] {
        set_theme(&c, theme).await?;
        eprintln!("{theme} theme applied");
        save(&c, &dir, &format!("settings-{theme}")).await?;
        nav(&c, "Markets").await?;
        type_into(&c, "[data-testid=market-search]", "").await?;
        wait_text(&c, ".mrow .mticker", "the market list", |t| t != ticker).await?;
        save(&c, &dir, &format!("markets-{theme}")).await?;
        click_text(&c, ".mrow .mticker", "a market", |t| !t.is_empty()).await?;
        wait_find(&c, ".ladder-row").await?;
        save(&c, &dir, &format!("market-{theme}")).await?;
        for page in ["Orders", "Portfolio", "History"] {
            nav(&c, page).await?;
            wait_find(&c, ".page").await?;
            let _ = c.find(Locator::Css("tbody tr")).await;
            save(&c, &dir, &format!("{}-{theme}", page.to_lowercase())).await?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "cargo xtask screenshots runs it (needs Xvfb, D-Bus and tauri-driver)"]
async fn every_page_in_both_themes() {
    let Some(dir) = std::env::var_os("KALSHI_DESK_SCREENSHOTS") else {
        eprintln!("KALSHI_DESK_SCREENSHOTS is not set: nothing to do");
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).unwrap();
    let data = tempfile::tempdir().unwrap();
    // Watching the bus as the journey does (fill notifications go there).
    let _monitor = harness::Notifications::start();
    let driver = Driver::start(data.path(), &[]);
    let client = driver.launch().await;
    harness::run("screenshots", &client, |c| shoot(c, dir)).await;
    let _ = client.close().await;
}
