//! The one task that sends market-data subscribe, unsubscribe and snapshot commands to
//! the feed, in the order views opened and closed, and that tells views when the exchange
//! refuses their market.

use std::collections::BTreeSet;
use std::sync::Arc;

use kalshi::model::ws::{Channel, UpdateAction};
use kalshi::ws::{FeedError, FeedHandle};
use tokio::sync::{mpsc, watch};

use super::{Command, MarketSubscriptions};

/// The channels behind every market view.
const CHANNELS: [Channel; 2] = [Channel::OrderbookDelta, Channel::Ticker];

/// Sends the feed commands for [`Command`]s, one at a time and in order, so an add and a
/// remove of the same market can never overtake each other.
pub(crate) async fn run(
    feed: Arc<FeedHandle>,
    subs: MarketSubscriptions,
    mut commands: mpsc::UnboundedReceiver<Command>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut manager = Manager {
        feed,
        subs,
        wanted: BTreeSet::new(),
    };
    loop {
        let command = tokio::select! {
            () = crate::shared::stopped(&mut shutdown) => return,
            c = commands.recv() => match c {
                Some(c) => c,
                None => return,
            },
        };
        if let Err(e) = manager.handle(command).await {
            tracing::warn!(error = %e, "market subscription command failed");
        }
    }
}

struct Manager {
    feed: Arc<FeedHandle>,
    subs: MarketSubscriptions,
    /// Markets subscribed (or being subscribed) for at least one view.
    wanted: BTreeSet<String>,
}

impl Manager {
    async fn handle(&mut self, command: Command) -> Result<(), FeedError> {
        match command {
            Command::Add(ticker) => {
                if self.wanted.insert(ticker.clone()) {
                    self.subscribe(ticker).await?;
                }
                Ok(())
            }
            Command::Remove(ticker) => {
                if !self.wanted.remove(&ticker) {
                    return Ok(());
                }
                if self.wanted.is_empty() {
                    return self.feed.unsubscribe(CHANNELS).await.map(drop);
                }
                let mut result = Ok(());
                for channel in CHANNELS {
                    let r = self
                        .feed
                        .update_subscription(channel, UpdateAction::DeleteMarkets, [&ticker])
                        .await;
                    result = result.and(r.map(drop));
                }
                result
            }
            Command::Snapshot(ticker) => {
                self.subs.snapshot_taken(&ticker);
                if !self.wanted.contains(&ticker) {
                    return Ok(());
                }
                self.feed
                    .update_subscription(
                        Channel::OrderbookDelta,
                        UpdateAction::GetSnapshot,
                        [ticker],
                    )
                    .await
                    .map(drop)
            }
            Command::Restore => {
                // One market per command, so a market the exchange no longer knows cannot
                // take the others down with it again.
                let markets: Vec<String> = self.wanted.iter().cloned().collect();
                tracing::info!(markets = markets.len(), "restoring market data");
                let mut result = Ok(());
                for ticker in markets {
                    result = result.and(self.subscribe(ticker).await);
                }
                result
            }
            Command::Barrier(done) => {
                let _ = done.send(());
                Ok(())
            }
        }
    }

    /// Subscribes one market (an open channel takes it onto its existing sid). A refusal
    /// is final for this market: it is no longer wanted and its views are told why.
    async fn subscribe(&mut self, ticker: String) -> Result<(), FeedError> {
        match self.feed.subscribe(CHANNELS, [ticker.clone()]).await {
            Ok(_) => Ok(()),
            Err(FeedError::Server(refusal)) => {
                tracing::warn!(%ticker, code = refusal.code, msg = %refusal.msg, "market refused");
                self.wanted.remove(&ticker);
                self.subs
                    .refuse(&ticker, format!("{} (code {})", refusal.msg, refusal.code));
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}
