//! Server replies to commands: `subscribed`, `unsubscribed`, `ok`, `error`.

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::channel::Channel;

/// A subscription as Kalshi names it: the `msg` of `subscribed` and each element of the
/// `list_subscriptions` reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionInfo {
    /// The channel subscribed to.
    pub channel: Channel,
    /// Server-assigned subscription id (≥ 1, unique within the connection).
    pub sid: u64,
}

/// `subscribed`: one per channel of a `subscribe` command, all with the command's id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribed {
    /// The id of the `subscribe` command.
    pub id: Option<u64>,
    /// The subscription that was opened.
    pub msg: SubscriptionInfo,
}

/// `unsubscribed`: one per sid of an `unsubscribe` command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribed {
    /// The id of the `unsubscribe` command.
    pub id: Option<u64>,
    /// The subscription that was closed.
    pub sid: u64,
    /// The subscription's seq at the time it closed, when sent.
    pub seq: Option<u64>,
}

/// `ok`: the reply to `update_subscription` and to `list_subscriptions`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OkReply {
    /// The id of the command.
    pub id: Option<u64>,
    /// The updated subscription (update replies only).
    pub sid: Option<u64>,
    /// The subscription's seq (update replies only).
    pub seq: Option<u64>,
    /// What the reply says.
    pub msg: OkBody,
}

/// The two shapes of an `ok` reply's `msg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OkBody {
    /// `update_subscription`: the subscription's full market list after the update.
    /// Both lists are `None` when the server left them out (`skip_ticker_ack`, or an
    /// `ok` without `msg`). LEGACY servers sent `market_tickers` at the top level; the
    /// envelope decoder moves it here, and the encoder always writes it inside `msg`.
    Markets(MarketList),
    /// `list_subscriptions`: `msg` is an array.
    Subscriptions(Vec<SubscriptionInfo>),
}

/// The market list of an `update_subscription` reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketList {
    /// Market tickers now in the subscription.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_tickers: Option<Vec<String>>,
    /// Market ids now in the subscription (`ticker` channel filters by id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ids: Option<Vec<String>>,
}

impl Serialize for OkBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OkBody::Markets(m) => m.serialize(s),
            OkBody::Subscriptions(list) => list.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for OkBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OkVisitor;
        impl<'de> Visitor<'de> for OkVisitor {
            type Value = OkBody;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object with market_tickers, or an array of subscriptions")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<OkBody, A::Error> {
                MarketList::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(OkBody::Markets)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<OkBody, A::Error> {
                Vec::<SubscriptionInfo>::deserialize(de::value::SeqAccessDeserializer::new(seq))
                    .map(OkBody::Subscriptions)
            }
            fn visit_unit<E: de::Error>(self) -> Result<OkBody, E> {
                Ok(OkBody::Markets(MarketList::default()))
            }
        }
        d.deserialize_any(OkVisitor)
    }
}

/// `error`: a command failed, or (without an id) a subscription died.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorReply {
    /// The id of the failed command, when the error answers one.
    pub id: Option<u64>,
    /// The subscription concerned, when the server names one.
    pub sid: Option<u64>,
    /// Code and text.
    pub msg: WsError,
}

/// The body of an `error` reply, e.g. `{"code":16,"msg":"Market not found","market_ticker":"X"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WsError {
    /// Kalshi's numeric error code (see [`WsError::is_terminal`]).
    pub code: u32,
    /// Kalshi's text for the code.
    pub msg: String,
    /// The market concerned, for market-specific errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_ticker: Option<String>,
    /// The market id concerned, for market-specific errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market_id: Option<String>,
}

impl WsError {
    /// Channel error: internal failure, the subscription is dead.
    pub const CHANNEL_ERROR: u32 = 10;
    /// Internal error: the subscription is dead.
    pub const INTERNAL_ERROR: u32 = 17;
    /// Slow consumer: the subscription's buffer overflowed and it is dead.
    pub const BUFFER_OVERFLOW: u32 = 25;

    /// True for the codes after which the subscription no longer exists and must be
    /// subscribed again (10, 17, 25).
    pub const fn is_terminal(&self) -> bool {
        matches!(
            self.code,
            Self::CHANNEL_ERROR | Self::INTERNAL_ERROR | Self::BUFFER_OVERFLOW
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_body_accepts_both_shapes() {
        let m: OkBody = serde_json::from_str(r#"{"market_tickers":["A","B"]}"#).unwrap();
        assert_eq!(
            m,
            OkBody::Markets(MarketList {
                market_tickers: Some(vec!["A".into(), "B".into()]),
                market_ids: None
            })
        );
        let l: OkBody = serde_json::from_str(
            r#"[{"channel":"orderbook_delta","sid":1},{"channel":"fill","sid":3}]"#,
        )
        .unwrap();
        assert_eq!(
            l,
            OkBody::Subscriptions(vec![
                SubscriptionInfo {
                    channel: Channel::OrderbookDelta,
                    sid: 1
                },
                SubscriptionInfo {
                    channel: Channel::Fill,
                    sid: 3
                },
            ])
        );
    }

    #[test]
    fn terminal_codes() {
        let e = |code| WsError {
            code,
            msg: String::new(),
            market_ticker: None,
            market_id: None,
        };
        assert!(e(10).is_terminal() && e(17).is_terminal() && e(25).is_terminal());
        assert!(!e(8).is_terminal() && !e(16).is_terminal());
    }
}
