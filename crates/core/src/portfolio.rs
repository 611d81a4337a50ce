//! Balance and positions: the REST refresh (after fills, rate-limited), portfolio
//! snapshots (on change, rate-limited, and periodically), and the [`Portfolio`] read model
//! that also answers offline from the store.

use std::collections::HashSet;
use std::sync::Arc;

use futures_util::TryStreamExt;
use kalshi::model::Money;
use kalshi::model::portfolio::{GetPositionsParams, MarketPosition, SubaccountParams};
use store::{NewSnapshot, PositionRow};
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::time::{Instant, sleep, sleep_until};

use crate::error::CoreError;
use crate::event::{AppEvent, BalanceUpdate, PositionEvent};
use crate::shared::Shared;

/// What was last fetched, and whether a snapshot is owed.
#[derive(Debug, Default)]
pub(crate) struct PortfolioCache {
    /// The last balance.
    pub balance: Option<BalanceUpdate>,
    /// The last full position list.
    pub positions: Vec<MarketPosition>,
    /// Changed since the last snapshot.
    pub dirty: bool,
}

/// The portfolio as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Portfolio {
    /// Available cash (`None` if never fetched in this environment).
    pub balance: Option<Money>,
    /// Cash plus the mark value of positions.
    pub portfolio_value: Option<Money>,
    /// When the balance figures were taken.
    pub as_of: Option<OffsetDateTime>,
    /// Stored positions.
    pub positions: Vec<PositionRow>,
    /// True when the figures may be out of date (the session is offline).
    pub stale: bool,
}

/// Fetches balance and positions, stores the positions, updates the cache and emits what
/// changed. Returns how many positions changed.
pub(crate) async fn refresh(shared: &Shared) -> Result<usize, CoreError> {
    let _one_at_a_time = shared.refreshing.lock().await;
    let client = &shared.link.client;
    let balance = client.balance(&SubaccountParams::default()).await?;
    let positions: Vec<MarketPosition> = client
        .positions_stream(GetPositionsParams {
            limit: Some(1000),
            ..GetPositionsParams::default()
        })
        .try_collect()
        .await?;
    let report = shared
        .store
        .replace_positions(&shared.scope, &positions)
        .await?;
    let changed: HashSet<&str> = report
        .inserted
        .iter()
        .chain(&report.updated)
        .map(String::as_str)
        .collect();
    for position in positions
        .iter()
        .filter(|p| changed.contains(p.ticker.as_str()))
    {
        shared.emit(AppEvent::Position(PositionEvent::Stored(position.clone())));
    }
    for ticker in &report.removed {
        shared.emit(AppEvent::Position(PositionEvent::Closed {
            ticker: ticker.clone(),
        }));
    }
    let update = BalanceUpdate {
        balance: balance.balance_dollars,
        portfolio_value: Money::from_cents(balance.portfolio_value),
        at: OffsetDateTime::now_utc(),
    };
    let balance_changed = {
        let mut cache = shared.portfolio();
        let changed = cache.balance.is_none_or(|b| {
            (b.balance, b.portfolio_value) != (update.balance, update.portfolio_value)
        });
        cache.balance = Some(update);
        cache.positions = positions;
        if changed || !report.is_empty() {
            cache.dirty = true;
        }
        changed
    };
    if balance_changed {
        shared.emit(AppEvent::Balance(update));
    }
    Ok(changed.len() + report.removed.len())
}

/// Records a snapshot of the cached portfolio if it changed since the last one (or always,
/// with `force`). Nothing is recorded before the first balance.
pub(crate) async fn snapshot(shared: &Shared, force: bool) -> Result<bool, CoreError> {
    let snapshot = {
        let mut cache = shared.portfolio();
        let Some(balance) = cache.balance else {
            return Ok(false);
        };
        if !cache.dirty && !force {
            return Ok(false);
        }
        cache.dirty = false;
        NewSnapshot {
            captured_at: balance.at,
            balance: balance.balance,
            portfolio_value: balance.portfolio_value,
            positions: cache.positions.clone(),
        }
    };
    if let Err(e) = shared.store.record_snapshot(&shared.scope, &snapshot).await {
        shared.portfolio().dirty = true;
        return Err(e.into());
    }
    Ok(true)
}

/// Refreshes whenever woken, at most once per `refresh_min_interval`.
pub(crate) async fn run_refresher(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut last: Option<Instant> = None;
    loop {
        tokio::select! {
            () = crate::shared::stopped(&mut shutdown) => return,
            () = shared.refresh.notified() => {}
        }
        if let Some(last) = last {
            tokio::select! {
                () = crate::shared::stopped(&mut shutdown) => return,
                () = sleep_until(last + shared.tuning.refresh_min_interval) => {}
            }
        }
        last = Some(Instant::now());
        let result = tokio::select! {
            () = crate::shared::stopped(&mut shutdown) => return,
            r = refresh(&shared) => r,
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "portfolio refresh failed");
            if !e.is_retryable() {
                shared.emit_error(&e);
            }
        }
    }
}

/// Takes owed snapshots every `snapshot_min_interval`, and a fresh one every
/// `snapshot_every`, while online.
pub(crate) async fn run_snapshots(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut last_periodic = Instant::now();
    loop {
        tokio::select! {
            () = crate::shared::stopped(&mut shutdown) => return,
            () = sleep(shared.tuning.snapshot_min_interval) => {}
        }
        if shared.is_offline() {
            continue;
        }
        let periodic = last_periodic.elapsed() >= shared.tuning.snapshot_every;
        if periodic {
            last_periodic = Instant::now();
            let refreshed = tokio::select! {
                () = crate::shared::stopped(&mut shutdown) => return,
                r = refresh(&shared) => r,
            };
            if let Err(e) = refreshed {
                tracing::warn!(error = %e, "periodic portfolio refresh failed");
                continue;
            }
        }
        if let Err(e) = snapshot(&shared, periodic).await {
            tracing::warn!(error = %e, "portfolio snapshot failed");
        }
    }
}
