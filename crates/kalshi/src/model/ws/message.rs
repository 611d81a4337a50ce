//! The inbound frame `{type, id?, sid?, seq?, msg}` as one typed enum, [`Message`].
//!
//! Decoding is a single pass over the text: the envelope visitor reads `type` first (Kalshi
//! always sends it first) and then deserialises `msg` straight into the payload struct of
//! that type. Only when `msg` arrives before `type` is it buffered as a JSON value.
//! A type we do not know becomes [`Message::Unknown`]; a known type with a malformed body
//! is an error naming the field (see [`super::decode`]).

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lifecycle::{EventFeeUpdate, EventLifecycle, MarketLifecycle};
use super::market_data::{OrderbookDelta, OrderbookSnapshot, Ticker, Trade};
use super::reply::{
    ErrorReply, MarketList, OkBody, OkReply, Subscribed, SubscriptionInfo, Unsubscribed, WsError,
};
use super::user::{Fill, MarketPosition, OrderGroupUpdate, UserOrder};

/// A data message on a channel whose `seq` must be contiguous per sid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sequenced<T> {
    /// The subscription that produced it.
    pub sid: u64,
    /// Position in the subscription's stream; `previous + 1` unless messages were lost.
    pub seq: u64,
    /// The payload.
    pub msg: T,
}

/// A data message on a channel without sequence numbers (`seq` kept if a server sends one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Data<T> {
    /// The subscription that produced it.
    pub sid: u64,
    /// Sequence number, when present (not documented for these types).
    pub seq: Option<u64>,
    /// The payload.
    pub msg: T,
}

/// A message of a type this crate does not know. Kalshi adds types without notice, so
/// these are tolerated; the header is kept so sequence tracking stays correct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMessage {
    /// The `type` string as sent.
    pub message_type: String,
    /// Command id, if any.
    pub id: Option<u64>,
    /// Subscription id, if any.
    pub sid: Option<u64>,
    /// Sequence number, if any.
    pub seq: Option<u64>,
}

/// One server → client frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    /// A `subscribe` succeeded for one channel.
    Subscribed(Subscribed),
    /// An `unsubscribe` closed one sid.
    Unsubscribed(Unsubscribed),
    /// An `update_subscription` or `list_subscriptions` succeeded.
    Ok(OkReply),
    /// A command failed or a subscription died.
    Error(ErrorReply),
    /// Whole book of one market.
    OrderbookSnapshot(Sequenced<OrderbookSnapshot>),
    /// One level change.
    OrderbookDelta(Sequenced<OrderbookDelta>),
    /// Top of book and stats of one market.
    Ticker(Data<Ticker>),
    /// A public trade.
    Trade(Data<Trade>),
    /// One of the user's executions.
    Fill(Data<Fill>),
    /// The user's position in a market (`market_position`).
    MarketPosition(Data<MarketPosition>),
    /// One of the user's orders changed (`user_order`).
    UserOrder(Data<UserOrder>),
    /// An order group changed.
    OrderGroupUpdates(Sequenced<OrderGroupUpdate>),
    /// A market lifecycle event.
    MarketLifecycleV2(Data<MarketLifecycle>),
    /// A multivariate (combo) market lifecycle event.
    MultivariateMarketLifecycle(Data<MarketLifecycle>),
    /// An event was created or changed.
    EventLifecycle(Data<EventLifecycle>),
    /// An event's fee schedule changed.
    EventFeeUpdate(Data<EventFeeUpdate>),
    /// A type this crate does not know.
    Unknown(UnknownMessage),
}

/// The known `type` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Subscribed,
    Unsubscribed,
    Ok,
    Error,
    OrderbookSnapshot,
    OrderbookDelta,
    Ticker,
    Trade,
    Fill,
    MarketPosition,
    UserOrder,
    OrderGroupUpdates,
    MarketLifecycleV2,
    MultivariateMarketLifecycle,
    EventLifecycle,
    EventFeeUpdate,
}

impl Kind {
    fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "subscribed" => Kind::Subscribed,
            "unsubscribed" => Kind::Unsubscribed,
            "ok" => Kind::Ok,
            "error" => Kind::Error,
            "orderbook_snapshot" => Kind::OrderbookSnapshot,
            "orderbook_delta" => Kind::OrderbookDelta,
            "ticker" => Kind::Ticker,
            "trade" => Kind::Trade,
            "fill" => Kind::Fill,
            "market_position" => Kind::MarketPosition,
            "user_order" => Kind::UserOrder,
            "order_group_updates" => Kind::OrderGroupUpdates,
            "market_lifecycle_v2" => Kind::MarketLifecycleV2,
            "multivariate_market_lifecycle" => Kind::MultivariateMarketLifecycle,
            "event_lifecycle" => Kind::EventLifecycle,
            "event_fee_update" => Kind::EventFeeUpdate,
            _ => return None,
        })
    }

    const fn name(self) -> &'static str {
        match self {
            Kind::Subscribed => "subscribed",
            Kind::Unsubscribed => "unsubscribed",
            Kind::Ok => "ok",
            Kind::Error => "error",
            Kind::OrderbookSnapshot => "orderbook_snapshot",
            Kind::OrderbookDelta => "orderbook_delta",
            Kind::Ticker => "ticker",
            Kind::Trade => "trade",
            Kind::Fill => "fill",
            Kind::MarketPosition => "market_position",
            Kind::UserOrder => "user_order",
            Kind::OrderGroupUpdates => "order_group_updates",
            Kind::MarketLifecycleV2 => "market_lifecycle_v2",
            Kind::MultivariateMarketLifecycle => "multivariate_market_lifecycle",
            Kind::EventLifecycle => "event_lifecycle",
            Kind::EventFeeUpdate => "event_fee_update",
        }
    }
}

impl Message {
    /// The wire `type` string.
    pub fn type_name(&self) -> &str {
        match self {
            Message::Unknown(u) => &u.message_type,
            other => other.kind().map_or("", Kind::name),
        }
    }

    fn kind(&self) -> Option<Kind> {
        Some(match self {
            Message::Subscribed(_) => Kind::Subscribed,
            Message::Unsubscribed(_) => Kind::Unsubscribed,
            Message::Ok(_) => Kind::Ok,
            Message::Error(_) => Kind::Error,
            Message::OrderbookSnapshot(_) => Kind::OrderbookSnapshot,
            Message::OrderbookDelta(_) => Kind::OrderbookDelta,
            Message::Ticker(_) => Kind::Ticker,
            Message::Trade(_) => Kind::Trade,
            Message::Fill(_) => Kind::Fill,
            Message::MarketPosition(_) => Kind::MarketPosition,
            Message::UserOrder(_) => Kind::UserOrder,
            Message::OrderGroupUpdates(_) => Kind::OrderGroupUpdates,
            Message::MarketLifecycleV2(_) => Kind::MarketLifecycleV2,
            Message::MultivariateMarketLifecycle(_) => Kind::MultivariateMarketLifecycle,
            Message::EventLifecycle(_) => Kind::EventLifecycle,
            Message::EventFeeUpdate(_) => Kind::EventFeeUpdate,
            Message::Unknown(_) => return None,
        })
    }

    /// The command id this frame answers, if any.
    pub fn id(&self) -> Option<u64> {
        match self {
            Message::Subscribed(m) => m.id,
            Message::Unsubscribed(m) => m.id,
            Message::Ok(m) => m.id,
            Message::Error(m) => m.id,
            Message::Unknown(m) => m.id,
            _ => None,
        }
    }

    /// The subscription the frame belongs to, if any (for `subscribed`, the new sid).
    pub fn sid(&self) -> Option<u64> {
        self.header().1
    }

    /// The frame's sequence number, if any.
    pub fn seq(&self) -> Option<u64> {
        self.header().2
    }

    /// `(id, sid, seq)` as written in the envelope.
    fn header(&self) -> (Option<u64>, Option<u64>, Option<u64>) {
        fn data<T>(d: &Data<T>) -> (Option<u64>, Option<u64>, Option<u64>) {
            (None, Some(d.sid), d.seq)
        }
        fn seqd<T>(d: &Sequenced<T>) -> (Option<u64>, Option<u64>, Option<u64>) {
            (None, Some(d.sid), Some(d.seq))
        }
        match self {
            Message::Subscribed(m) => (m.id, Some(m.msg.sid), None),
            Message::Unsubscribed(m) => (m.id, Some(m.sid), m.seq),
            Message::Ok(m) => (m.id, m.sid, m.seq),
            Message::Error(m) => (m.id, m.sid, None),
            Message::OrderbookSnapshot(d) => seqd(d),
            Message::OrderbookDelta(d) => seqd(d),
            Message::OrderGroupUpdates(d) => seqd(d),
            Message::Ticker(d) => data(d),
            Message::Trade(d) => data(d),
            Message::Fill(d) => data(d),
            Message::MarketPosition(d) => data(d),
            Message::UserOrder(d) => data(d),
            Message::MarketLifecycleV2(d) => data(d),
            Message::MultivariateMarketLifecycle(d) => data(d),
            Message::EventLifecycle(d) => data(d),
            Message::EventFeeUpdate(d) => data(d),
            Message::Unknown(m) => (m.id, m.sid, m.seq),
        }
    }

    /// Decodes one text frame.
    ///
    /// # Errors
    /// [`super::MessageDecodeError`] naming the message type and the offending field when the frame
    /// is not JSON, lacks `type`, or a known type has a malformed body.
    pub fn from_json(text: &str) -> Result<Self, super::MessageDecodeError> {
        super::decode::decode(text)
    }

    /// The JSON text of this frame, in Kalshi's shape (what the simulator sends).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .expect("a Message has only string keys and infallible values, so it always serialises")
    }
}

// ---------------------------------------------------------------------------------------
// Serialisation

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (id, sid, seq) = match self {
            // `subscribed` carries its sid inside `msg` only.
            Message::Subscribed(m) => (m.id, None, None),
            other => other.header(),
        };
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("type", self.type_name())?;
        if let Some(id) = id {
            map.serialize_entry("id", &id)?;
        }
        if let Some(sid) = sid {
            map.serialize_entry("sid", &sid)?;
        }
        if let Some(seq) = seq {
            map.serialize_entry("seq", &seq)?;
        }
        match self {
            Message::Subscribed(m) => map.serialize_entry("msg", &m.msg)?,
            Message::Unsubscribed(_) | Message::Unknown(_) => {}
            Message::Ok(m) => map.serialize_entry("msg", &m.msg)?,
            Message::Error(m) => map.serialize_entry("msg", &m.msg)?,
            Message::OrderbookSnapshot(d) => map.serialize_entry("msg", &d.msg)?,
            Message::OrderbookDelta(d) => map.serialize_entry("msg", &d.msg)?,
            Message::OrderGroupUpdates(d) => map.serialize_entry("msg", &d.msg)?,
            Message::Ticker(d) => map.serialize_entry("msg", &d.msg)?,
            Message::Trade(d) => map.serialize_entry("msg", &d.msg)?,
            Message::Fill(d) => map.serialize_entry("msg", &d.msg)?,
            Message::MarketPosition(d) => map.serialize_entry("msg", &d.msg)?,
            Message::UserOrder(d) => map.serialize_entry("msg", &d.msg)?,
            Message::MarketLifecycleV2(d) => map.serialize_entry("msg", &d.msg)?,
            Message::MultivariateMarketLifecycle(d) => map.serialize_entry("msg", &d.msg)?,
            Message::EventLifecycle(d) => map.serialize_entry("msg", &d.msg)?,
            Message::EventFeeUpdate(d) => map.serialize_entry("msg", &d.msg)?,
        }
        map.end()
    }
}

// ---------------------------------------------------------------------------------------
// Deserialisation

/// Deserialises `msg` as the payload of a known kind, straight into the final [`Message`]
/// with a blank header that [`set_header`] fills in once the whole envelope is read. The
/// payload is built in place once, not moved through an intermediate enum (moves of these
/// few-hundred-byte values showed up in profiles).
struct BodySeed(Kind);

fn blank_data<T>(msg: T) -> Data<T> {
    Data {
        sid: 0,
        seq: None,
        msg,
    }
}

fn blank_seqd<T>(msg: T) -> Sequenced<T> {
    Sequenced {
        sid: 0,
        seq: 0,
        msg,
    }
}

impl<'de> DeserializeSeed<'de> for BodySeed {
    type Value = Message;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Message, D::Error> {
        Ok(match self.0 {
            Kind::Subscribed => Message::Subscribed(Subscribed {
                id: None,
                msg: SubscriptionInfo::deserialize(d)?,
            }),
            Kind::Unsubscribed => {
                IgnoredAny::deserialize(d)?;
                Message::Unsubscribed(Unsubscribed {
                    id: None,
                    sid: 0,
                    seq: None,
                })
            }
            Kind::Ok => Message::Ok(OkReply {
                id: None,
                sid: None,
                seq: None,
                msg: OkBody::deserialize(d)?,
            }),
            Kind::Error => Message::Error(ErrorReply {
                id: None,
                sid: None,
                msg: WsError::deserialize(d)?,
            }),
            Kind::OrderbookSnapshot => {
                Message::OrderbookSnapshot(blank_seqd(OrderbookSnapshot::deserialize(d)?))
            }
            Kind::OrderbookDelta => {
                Message::OrderbookDelta(blank_seqd(OrderbookDelta::deserialize(d)?))
            }
            Kind::OrderGroupUpdates => {
                Message::OrderGroupUpdates(blank_seqd(OrderGroupUpdate::deserialize(d)?))
            }
            Kind::Ticker => Message::Ticker(blank_data(Ticker::deserialize(d)?)),
            Kind::Trade => Message::Trade(blank_data(Trade::deserialize(d)?)),
            Kind::Fill => Message::Fill(blank_data(Fill::deserialize(d)?)),
            Kind::MarketPosition => {
                Message::MarketPosition(blank_data(MarketPosition::deserialize(d)?))
            }
            Kind::UserOrder => Message::UserOrder(blank_data(UserOrder::deserialize(d)?)),
            Kind::MarketLifecycleV2 => {
                Message::MarketLifecycleV2(blank_data(MarketLifecycle::deserialize(d)?))
            }
            Kind::MultivariateMarketLifecycle => {
                Message::MultivariateMarketLifecycle(blank_data(MarketLifecycle::deserialize(d)?))
            }
            Kind::EventLifecycle => {
                Message::EventLifecycle(blank_data(EventLifecycle::deserialize(d)?))
            }
            Kind::EventFeeUpdate => {
                Message::EventFeeUpdate(blank_data(EventFeeUpdate::deserialize(d)?))
            }
        })
    }
}

/// The `type` value: a known kind, or the text of an unknown one.
enum TypeName {
    Known(Kind),
    Unknown(String),
}

impl<'de> Deserialize<'de> for TypeName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = TypeName;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message type string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TypeName, E> {
                Ok(match Kind::from_name(v) {
                    Some(k) => TypeName::Known(k),
                    None => TypeName::Unknown(v.to_owned()),
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// The envelope keys we read; everything else is skipped.
enum EnvKey {
    Type,
    Id,
    Sid,
    Seq,
    Msg,
    MarketTickers,
    MarketIds,
    Other,
}

impl<'de> Deserialize<'de> for EnvKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = EnvKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an envelope key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnvKey, E> {
                Ok(match v {
                    "type" => EnvKey::Type,
                    "id" => EnvKey::Id,
                    "sid" => EnvKey::Sid,
                    "seq" => EnvKey::Seq,
                    "msg" => EnvKey::Msg,
                    "market_tickers" => EnvKey::MarketTickers,
                    "market_ids" => EnvKey::MarketIds,
                    _ => EnvKey::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopeVisitor)
    }
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = Message;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a WebSocket message object with a `type`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Message, A::Error> {
        let mut type_name: Option<TypeName> = None;
        let (mut id, mut sid, mut seq) = (None, None, None);
        let mut message: Option<Message> = None;
        let mut buffered: Option<serde_json::Value> = None;
        let mut legacy = MarketList::default();
        while let Some(key) = map.next_key::<EnvKey>()? {
            match key {
                EnvKey::Type => {
                    if type_name.is_some() {
                        return Err(de::Error::duplicate_field("type"));
                    }
                    type_name = Some(map.next_value()?);
                }
                EnvKey::Id => id = map.next_value::<Option<u64>>()?,
                EnvKey::Sid => sid = map.next_value::<Option<u64>>()?,
                EnvKey::Seq => seq = map.next_value::<Option<u64>>()?,
                EnvKey::Msg => match &type_name {
                    Some(TypeName::Known(kind)) => {
                        message = Some(map.next_value_seed(BodySeed(*kind))?);
                    }
                    Some(TypeName::Unknown(_)) => {
                        map.next_value::<IgnoredAny>()?;
                    }
                    // `msg` before `type`: keep it until we know what it is.
                    None => buffered = Some(map.next_value()?),
                },
                EnvKey::MarketTickers => legacy.market_tickers = map.next_value()?,
                EnvKey::MarketIds => legacy.market_ids = map.next_value()?,
                EnvKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let kind = match type_name {
            None => return Err(de::Error::missing_field("type")),
            Some(TypeName::Unknown(message_type)) => {
                return Ok(Message::Unknown(UnknownMessage {
                    message_type,
                    id,
                    sid,
                    seq,
                }));
            }
            Some(TypeName::Known(kind)) => kind,
        };
        if let Some(value) = buffered {
            message = Some(
                BodySeed(kind)
                    .deserialize(value)
                    .map_err(|e| de::Error::custom(format_args!("msg: {e}")))?,
            );
        }
        let mut message = match (message, kind) {
            (Some(message), _) => message,
            (None, Kind::Unsubscribed) => Message::Unsubscribed(Unsubscribed {
                id: None,
                sid: 0,
                seq: None,
            }),
            // No `msg`: LEGACY top-level market list, or nothing (`skip_ticker_ack`).
            (None, Kind::Ok) => Message::Ok(OkReply {
                id: None,
                sid: None,
                seq: None,
                msg: OkBody::Markets(legacy),
            }),
            (None, _) => return Err(de::Error::missing_field("msg")),
        };
        set_header(&mut message, id, sid, seq)?;
        Ok(message)
    }
}

/// Copies the envelope's `id`/`sid`/`seq` into `message`, requiring `sid` on data and
/// `seq` on sequenced messages.
fn set_header<E: de::Error>(
    message: &mut Message,
    id: Option<u64>,
    sid: Option<u64>,
    seq: Option<u64>,
) -> Result<(), E> {
    let need_sid = || sid.ok_or_else(|| E::missing_field("sid"));
    let need_seq = || seq.ok_or_else(|| E::missing_field("seq"));
    fn data<T>(d: &mut Data<T>, sid: u64, seq: Option<u64>) {
        d.sid = sid;
        d.seq = seq;
    }
    fn seqd<T>(d: &mut Sequenced<T>, sid: u64, seq: u64) {
        d.sid = sid;
        d.seq = seq;
    }
    match message {
        Message::Subscribed(m) => m.id = id,
        Message::Unsubscribed(m) => {
            m.id = id;
            m.sid = need_sid()?;
            m.seq = seq;
        }
        Message::Ok(m) => {
            m.id = id;
            m.sid = sid;
            m.seq = seq;
        }
        Message::Error(m) => {
            m.id = id;
            m.sid = sid;
        }
        Message::OrderbookSnapshot(d) => seqd(d, need_sid()?, need_seq()?),
        Message::OrderbookDelta(d) => seqd(d, need_sid()?, need_seq()?),
        Message::OrderGroupUpdates(d) => seqd(d, need_sid()?, need_seq()?),
        Message::Ticker(d) => data(d, need_sid()?, seq),
        Message::Trade(d) => data(d, need_sid()?, seq),
        Message::Fill(d) => data(d, need_sid()?, seq),
        Message::MarketPosition(d) => data(d, need_sid()?, seq),
        Message::UserOrder(d) => data(d, need_sid()?, seq),
        Message::MarketLifecycleV2(d) => data(d, need_sid()?, seq),
        Message::MultivariateMarketLifecycle(d) => data(d, need_sid()?, seq),
        Message::EventLifecycle(d) => data(d, need_sid()?, seq),
        Message::EventFeeUpdate(d) => data(d, need_sid()?, seq),
        Message::Unknown(_) => {}
    }
    Ok(())
}
