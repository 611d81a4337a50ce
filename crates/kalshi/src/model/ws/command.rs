//! Client → server commands: `subscribe`, `unsubscribe`, `update_subscription`,
//! `list_subscriptions`, each `{"id": n, "cmd": name, "params": {...}}`.
//!
//! Optional parameters are omitted from the JSON when unset, because Kalshi treats a
//! present-but-null parameter differently from an absent one on some channels.

use serde::{Deserialize, Serialize};

use super::channel::Channel;
use super::vocab::UpdateAction;

/// One command frame. `id` is chosen by the client and echoed on every reply, which is how
/// replies are matched to requests; `0` means "no id" to the server, so use ids from 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// Client-chosen id, unique within the connection.
    pub id: u64,
    /// The command name and its parameters.
    #[serde(flatten)]
    pub body: CommandBody,
}

/// The command name (`cmd`) with its parameters (`params`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", content = "params", rename_all = "snake_case")]
pub enum CommandBody {
    /// Open subscriptions: one `subscribed` reply (and one sid) per channel.
    Subscribe(SubscribeParams),
    /// Close subscriptions by sid: one `unsubscribed` reply per sid.
    Unsubscribe(UnsubscribeParams),
    /// Change the markets of one subscription, or ask it for fresh snapshots.
    UpdateSubscription(UpdateSubscriptionParams),
    /// Ask which subscriptions are open; the reply is an `ok` whose `msg` is an array.
    ListSubscriptions,
}

/// Parameters of `subscribe`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeParams {
    /// Channels to open (at least one).
    pub channels: Vec<Channel>,
    /// Single-market filter (alternative to `market_tickers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<String>,
    /// Market filter; required for `orderbook_delta`, omitted means all markets elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_tickers: Option<Vec<String>>,
    /// Single market-id filter (`ticker` channel only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
    /// Market-id filter (`ticker` channel only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ids: Option<Vec<String>>,
    /// `ticker` channel: send the current ticker of each market at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_initial_snapshot: Option<bool>,
    /// Leave the (possibly huge) market list out of `ok` replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_ticker_ack: Option<bool>,
    /// `orderbook_delta`: report NO levels in YES-leg prices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_yes_price: Option<bool>,
    /// `communications` fan-out sharding: number of shards (1-100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_factor: Option<u32>,
    /// `communications` fan-out sharding: this connection's shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard_key: Option<u32>,
}

/// Parameters of `unsubscribe`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsubscribeParams {
    /// Subscriptions to close.
    pub sids: Vec<u64>,
}

/// Parameters of `update_subscription`; exactly one sid, via `sid` or a one-element `sids`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateSubscriptionParams {
    /// The subscription (alternative to `sids`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<u64>,
    /// The subscription as a one-element list (what Kalshi's examples send).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sids: Option<Vec<u64>>,
    /// Markets to add, delete or snapshot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_tickers: Option<Vec<String>>,
    /// Market ids to add or delete (`ticker` channel).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ids: Option<Vec<String>>,
    /// What to do.
    pub action: UpdateAction,
    /// `ticker` channel: send the current ticker of newly added markets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_initial_snapshot: Option<bool>,
}

impl UpdateSubscriptionParams {
    /// The single sid this update targets, whichever way it was given; `None` when zero or
    /// several sids were given (Kalshi's error 12).
    pub fn target_sid(&self) -> Option<u64> {
        match (&self.sid, self.sids.as_deref()) {
            (Some(sid), None) => Some(*sid),
            (None, Some([sid])) => Some(*sid),
            (Some(sid), Some([other])) if sid == other => Some(*sid),
            _ => None,
        }
    }
}

impl Command {
    /// `subscribe` to `channels` for `market_tickers` (empty = no market filter).
    pub fn subscribe(id: u64, channels: Vec<Channel>, market_tickers: Vec<String>) -> Self {
        Self {
            id,
            body: CommandBody::Subscribe(SubscribeParams {
                channels,
                market_tickers: (!market_tickers.is_empty()).then_some(market_tickers),
                ..SubscribeParams::default()
            }),
        }
    }

    /// `unsubscribe` from `sids`.
    pub fn unsubscribe(id: u64, sids: Vec<u64>) -> Self {
        Self {
            id,
            body: CommandBody::Unsubscribe(UnsubscribeParams { sids }),
        }
    }

    /// `update_subscription` of `sid` with `action` over `market_tickers`, in the
    /// one-element `sids` form Kalshi's documentation uses.
    pub fn update_subscription(
        id: u64,
        sid: u64,
        action: UpdateAction,
        market_tickers: Vec<String>,
    ) -> Self {
        Self {
            id,
            body: CommandBody::UpdateSubscription(UpdateSubscriptionParams {
                sid: None,
                sids: Some(vec![sid]),
                market_tickers: Some(market_tickers),
                market_ids: None,
                action,
                send_initial_snapshot: None,
            }),
        }
    }

    /// `list_subscriptions`.
    pub fn list_subscriptions(id: u64) -> Self {
        Self {
            id,
            body: CommandBody::ListSubscriptions,
        }
    }

    /// The wire name of the command (`subscribe`, ...), for logs.
    pub fn name(&self) -> &'static str {
        match self.body {
            CommandBody::Subscribe(_) => "subscribe",
            CommandBody::Unsubscribe(_) => "unsubscribe",
            CommandBody::UpdateSubscription(_) => "update_subscription",
            CommandBody::ListSubscriptions => "list_subscriptions",
        }
    }

    /// The JSON text to put in a WebSocket text frame.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .expect("a Command has only string keys and infallible values, so it always serialises")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tickers(t: &[&str]) -> Vec<String> {
        t.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn subscribe_json_is_exactly_kalshis() {
        let cmd = Command::subscribe(
            1,
            vec![Channel::OrderbookDelta, Channel::Ticker],
            tickers(&["KXFOO-26JAN01-T50", "KXBAR-26JAN01"]),
        );
        assert_eq!(
            cmd.to_json(),
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta","ticker"],"market_tickers":["KXFOO-26JAN01-T50","KXBAR-26JAN01"]}}"#
        );
    }

    #[test]
    fn subscribe_without_markets_omits_the_filter() {
        let cmd = Command::subscribe(2, vec![Channel::Fill], vec![]);
        assert_eq!(
            cmd.to_json(),
            r#"{"id":2,"cmd":"subscribe","params":{"channels":["fill"]}}"#,
            "an empty market list means all markets, which Kalshi expresses by omitting the key"
        );
    }

    #[test]
    fn subscribe_with_options_json() {
        let mut cmd = Command::subscribe(3, vec![Channel::OrderbookDelta], tickers(&["A-1"]));
        if let CommandBody::Subscribe(p) = &mut cmd.body {
            p.use_yes_price = Some(true);
            p.skip_ticker_ack = Some(true);
        }
        assert_eq!(
            cmd.to_json(),
            r#"{"id":3,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["A-1"],"skip_ticker_ack":true,"use_yes_price":true}}"#
        );
    }

    #[test]
    fn unsubscribe_json_is_exactly_kalshis() {
        assert_eq!(
            Command::unsubscribe(5, vec![1, 2]).to_json(),
            r#"{"id":5,"cmd":"unsubscribe","params":{"sids":[1,2]}}"#
        );
    }

    #[test]
    fn update_subscription_json_for_each_action() {
        let cases = [
            (UpdateAction::AddMarkets, "add_markets"),
            (UpdateAction::DeleteMarkets, "delete_markets"),
            (UpdateAction::GetSnapshot, "get_snapshot"),
        ];
        for (action, name) in cases {
            let cmd = Command::update_subscription(6, 1, action, tickers(&["KXNEW-26JAN01"]));
            assert_eq!(
                cmd.to_json(),
                format!(
                    r#"{{"id":6,"cmd":"update_subscription","params":{{"sids":[1],"market_tickers":["KXNEW-26JAN01"],"action":"{name}"}}}}"#
                )
            );
        }
    }

    #[test]
    fn list_subscriptions_json_has_no_params() {
        assert_eq!(
            Command::list_subscriptions(7).to_json(),
            r#"{"id":7,"cmd":"list_subscriptions"}"#
        );
    }

    #[test]
    fn commands_round_trip_through_deserialize() {
        let cmds = [
            Command::subscribe(1, vec![Channel::Trade], tickers(&["X"])),
            Command::unsubscribe(2, vec![9]),
            Command::update_subscription(3, 4, UpdateAction::GetSnapshot, tickers(&["Y"])),
            Command::list_subscriptions(4),
        ];
        for cmd in cmds {
            let back: Command = serde_json::from_str(&cmd.to_json()).unwrap();
            assert_eq!(back, cmd, "{} must parse back to itself", cmd.name());
        }
    }

    #[test]
    fn kalshi_documented_commands_parse() {
        let sub: Command = serde_json::from_str(
            r#"{ "id": 1, "cmd": "subscribe", "params": { "channels": ["orderbook_delta", "ticker"], "market_tickers": ["KXFOO-26JAN01-T50", "KXBAR-26JAN01"] } }"#,
        )
        .unwrap();
        assert_eq!(sub.name(), "subscribe");
        let upd: Command = serde_json::from_str(
            r#"{ "id": 6, "cmd": "update_subscription", "params": { "sid": 1, "market_tickers": ["KXNEW-26JAN01"], "action": "add_markets" } }"#,
        )
        .unwrap();
        match upd.body {
            CommandBody::UpdateSubscription(p) => assert_eq!(p.target_sid(), Some(1)),
            other => panic!("expected update_subscription, got {other:?}"),
        }
        assert!(
            serde_json::from_str::<Command>(
                r#"{"id":1,"cmd":"subscribe","params":{"channels":["multivariate"]}}"#
            )
            .is_err(),
            "a removed channel name is rejected"
        );
    }

    #[test]
    fn target_sid_needs_exactly_one() {
        let mut p = UpdateSubscriptionParams {
            sid: None,
            sids: Some(vec![1, 2]),
            market_tickers: None,
            market_ids: None,
            action: UpdateAction::AddMarkets,
            send_initial_snapshot: None,
        };
        assert_eq!(p.target_sid(), None);
        p.sids = None;
        assert_eq!(p.target_sid(), None);
        p.sid = Some(3);
        assert_eq!(p.target_sid(), Some(3));
    }
}
