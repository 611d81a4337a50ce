//! The account's private channels (fills, orders, positions): subscribing them once per
//! session, and again whenever the exchange refuses them, at start or on a reconnect.
//!
//! A refusal (e.g. a key without portfolio permission) takes them out of the feed's
//! desired set; without them no fill arrives live and no reconnect starts a catch-up. So
//! the person is told once per run of refusals, a REST catch-up follows every refusal,
//! and the subscribe is retried with a doubling delay until the exchange accepts it.

use std::sync::Arc;
use std::time::Duration;

use kalshi::model::ws::Channel;
use kalshi::ws::FeedError;
use tokio::sync::watch;

use crate::error::CoreError;
use crate::shared::{Shared, stopped};

/// The private channels every session subscribes to.
pub(crate) const PRIVATE_CHANNELS: [Channel; 3] =
    [Channel::Fill, Channel::UserOrders, Channel::MarketPositions];

/// Longest wait between two attempts at refused private channels.
const RETRY_MAX: Duration = Duration::from_secs(60);

/// Runs for the session's life: subscribes the private channels (the feed then re-sends
/// them on every reconnect), and again each time the pipeline reports them lost.
pub(crate) async fn run(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    let mut woken = false;
    loop {
        if woken && already_live(&shared).await {
            tracing::debug!("private channels already restored");
        } else if !subscribe_until_accepted(&shared, &mut shutdown).await {
            return;
        }
        tokio::select! {
            () = stopped(&mut shutdown) => return,
            () = shared.private_lost.notified() => woken = true,
        }
    }
}

/// Subscribes until the exchange accepts (`true`) or the session stops (`false`). A
/// subscribe cut short by a disconnect counts as accepted: it stays in the feed's desired
/// set, and the next connection sends it.
async fn subscribe_until_accepted(shared: &Shared, shutdown: &mut watch::Receiver<bool>) -> bool {
    let mut delay = shared.tuning.private_retry;
    let mut told = false;
    loop {
        let result = tokio::select! {
            () = stopped(shutdown) => return false,
            r = shared.link.feed.subscribe(PRIVATE_CHANNELS, Vec::<String>::new()) => r,
        };
        match result {
            Ok(subs) => {
                tracing::debug!(?subs, "private channels subscribed");
                return true;
            }
            Err(FeedError::Server(refusal)) => {
                tracing::warn!(code = refusal.code, msg = %refusal.msg, "private channels refused");
                if !told {
                    told = true;
                    shared.emit_error(&CoreError::LiveUpdatesRefused(refusal));
                }
                shared.reconcile.notify_one();
            }
            Err(e) => {
                tracing::warn!(error = %e, "private subscribe did not complete");
                return true;
            }
        }
        tokio::select! {
            () = stopped(shutdown) => return false,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(RETRY_MAX);
    }
}

/// Whether the server already carries every private channel on this connection (a wake-up
/// that a later subscribe already answered must not subscribe twice).
async fn already_live(shared: &Shared) -> bool {
    match shared.link.feed.list_subscriptions().await {
        Ok(subs) => PRIVATE_CHANNELS
            .iter()
            .all(|c| subs.iter().any(|s| s.channel == *c)),
        Err(_) => false,
    }
}
