//! The live pipeline: one task reads the feed's events in order, stores fills and order
//! updates (store first, then events), routes book and ticker messages to the market
//! subscriptions, follows the connection state, and asks for a REST catch-up once the
//! private channels are confirmed on each new connection (or for them again, through
//! [`crate::private`], when a reconnect lost them).

use std::collections::HashSet;
use std::sync::Arc;

use kalshi::model::fill::Fill;
use kalshi::model::order::Order;
use kalshi::model::ws::{Channel, Message, MessageDecodeError};
use kalshi::ws::FeedEvent;
use tokio::sync::{mpsc, watch};

use crate::convert;
use crate::event::{AppEvent, FillOrigin, PositionEvent};
use crate::private::PRIVATE_CHANNELS;
use crate::record;
use crate::shared::Shared;

/// Channels whose confirmation on a new connection starts the catch-up: once they are
/// live, anything that happens is seen on the socket, and anything before is in REST.
const CATCH_UP_AFTER: [Channel; 2] = [Channel::Fill, Channel::UserOrders];

/// Most feed events handled as one batch (fills and orders of a burst share a write).
const MAX_BATCH: usize = 512;

/// Runs until shutdown or until the feed ends.
pub(crate) async fn run(
    shared: Arc<Shared>,
    mut events: mpsc::Receiver<FeedEvent>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut state = shared.link.feed.state();
    let mut state_open = true;
    let mut pipeline = Pipeline {
        shared: &shared,
        awaiting: HashSet::new(),
        fills: Vec::new(),
        orders: Vec::new(),
    };
    loop {
        tokio::select! {
            biased;
            () = crate::shared::stopped(&mut shutdown) => return,
            changed = state.changed(), if state_open => match changed {
                Ok(()) => {
                    let now = state.borrow_and_update().clone();
                    shared.set_connection(now);
                }
                Err(_) => state_open = false,
            },
            event = events.recv() => {
                let Some(event) = event else { return };
                let mut batch = vec![event];
                while batch.len() < MAX_BATCH {
                    match events.try_recv() {
                        Ok(event) => batch.push(event),
                        Err(_) => break,
                    }
                }
                for event in batch {
                    pipeline.handle(event).await;
                }
                pipeline.flush().await;
            }
        }
    }
}

/// Message types of the private channels (which carry no `seq` to reveal a loss).
const PRIVATE_TYPES: [&str; 3] = ["fill", "user_order", "market_position"];

/// Whether a frame that could not be decoded may have been a private message: one of
/// their types, or a frame whose type could not even be read.
fn may_be_private(error: &MessageDecodeError) -> bool {
    error
        .message_type
        .as_deref()
        .is_none_or(|t| PRIVATE_TYPES.contains(&t))
}

struct Pipeline<'a> {
    shared: &'a Shared,
    /// Private channels not yet confirmed on the current connection.
    awaiting: HashSet<Channel>,
    /// Fills and orders collected from the current batch, not yet stored.
    fills: Vec<Fill>,
    orders: Vec<Order>,
}

impl Pipeline<'_> {
    async fn handle(&mut self, event: FeedEvent) {
        match event {
            FeedEvent::Connected | FeedEvent::Reconnected => {
                self.shared.new_epoch();
                self.awaiting = CATCH_UP_AFTER.into_iter().collect();
                // Books are rebuilt from the fresh snapshots the resubscribe brings.
                self.shared.markets.mark_all_stale();
            }
            FeedEvent::Disconnected { reason } => {
                self.shared.new_epoch();
                tracing::info!(%reason, "feed disconnected");
                self.shared.markets.mark_all_stale();
            }
            FeedEvent::Reconnecting { .. } | FeedEvent::Resynced { .. } => {}
            FeedEvent::Gap { channel, sid, .. } => {
                if channel == Some(Channel::OrderbookDelta) {
                    // One sid carries every book: all of them are suspect until their
                    // fresh snapshots (already requested by the feed) arrive.
                    self.shared.markets.mark_all_stale();
                } else {
                    tracing::warn!(sid, ?channel, "sequence gap");
                }
            }
            FeedEvent::SubscribeRefused { channels, error } => {
                if channels.iter().any(|c| PRIVATE_CHANNELS.contains(c)) {
                    // Gone from the feed's desired set: ask again (and tell the person if
                    // the exchange keeps refusing).
                    self.shared.private_lost.notify_one();
                } else {
                    tracing::warn!(?channels, code = error.code, msg = %error.msg,
                        "market data not restored after a reconnect; subscribing market by market");
                    self.shared.markets.restore();
                }
            }
            FeedEvent::Malformed { error } => {
                if may_be_private(&error) {
                    // Private channels carry no seq: a lost fill or order update is only
                    // found by a catch-up, as for an incomplete message.
                    tracing::warn!(%error, "malformed private message; catching up over REST");
                    self.shared.reconcile.notify_one();
                } else {
                    tracing::warn!(%error, "malformed message from the exchange");
                }
            }
            FeedEvent::Message(message) => self.message(*message).await,
        }
    }

    async fn message(&mut self, message: Message) {
        match message {
            Message::Subscribed(s) if CATCH_UP_AFTER.contains(&s.msg.channel) => {
                // On a new connection, once all of them are live; a private channel
                // re-subscribed later (a dead sid replaced) may have missed messages too.
                self.awaiting.remove(&s.msg.channel);
                if self.awaiting.is_empty() {
                    // Store what came before the catch-up reads REST.
                    self.flush().await;
                    self.shared.reconcile.notify_one();
                }
            }
            Message::Fill(d) => match convert::fill(&d.msg) {
                Some(fill) => self.fills.push(fill),
                None => self.incomplete("fill", &d.msg.trade_id),
            },
            Message::UserOrder(d) => match convert::order(&d.msg) {
                Some(order) => self.orders.push(order),
                None => self.incomplete("user_order", &d.msg.order_id),
            },
            Message::MarketPosition(d) => {
                self.shared
                    .emit(AppEvent::Position(PositionEvent::Live(d.msg)));
                self.shared.refresh.notify_one();
            }
            Message::OrderbookSnapshot(s) => self.shared.markets.apply_snapshot(&s.msg, s.seq),
            Message::OrderbookDelta(d) => self.shared.markets.apply_delta(&d.msg, d.seq),
            Message::Ticker(d) => self.shared.markets.apply_ticker(d.msg),
            Message::Error(e) => {
                tracing::warn!(code = e.msg.code, msg = %e.msg.msg, sid = ?e.sid, "feed error");
            }
            _ => {}
        }
    }

    /// A private message we cannot store as is: the catch-up fetches the full record.
    fn incomplete(&self, kind: &str, id: &str) {
        tracing::warn!(
            kind,
            id,
            "incomplete private message; catching up over REST"
        );
        self.shared.reconcile.notify_one();
    }

    /// Stores what the batch collected; on failure, leaves it to a catch-up.
    async fn flush(&mut self) {
        let orders = std::mem::take(&mut self.orders);
        let fills = std::mem::take(&mut self.fills);
        if let Err(e) = record::orders(self.shared, &orders).await {
            tracing::error!(error = %e, "storing live orders failed; catching up over REST");
            self.shared.emit_error(&e);
            self.shared.reconcile.notify_one();
        }
        match record::fills(self.shared, &fills, FillOrigin::Live).await {
            Ok(0) => {}
            Ok(_) => self.shared.refresh.notify_one(),
            Err(e) => {
                tracing::error!(error = %e, "storing live fills failed; catching up over REST");
                self.shared.emit_error(&e);
                self.shared.reconcile.notify_one();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_private_messages_start_a_catch_up_and_market_data_does_not() {
        let broken = |t: &str| {
            let text = format!(r#"{{"type":"{t}","sid":1,"msg":{{"bad":true}}}}"#);
            Message::from_json(&text).expect_err("malformed")
        };
        for t in PRIVATE_TYPES {
            assert!(may_be_private(&broken(t)), "{t}");
        }
        assert!(may_be_private(&MessageDecodeError::frame("binary")));
        assert!(!may_be_private(&broken("orderbook_delta")));
        assert!(!may_be_private(&broken("ticker")));
    }
}
