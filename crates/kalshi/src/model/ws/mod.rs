//! WebSocket wire messages of Kalshi's `/trade-api/ws/v2`: outbound commands, the inbound
//! envelope as a typed [`Message`], and every channel payload (kalshi-api.md §5).
//!
//! Both directions serialise and deserialise, because the simulator speaks the server side
//! with the same types (so client and simulator cannot drift). Outbound commands omit unset
//! parameters; inbound payloads tolerate unknown fields but reject unknown enum values and
//! malformed numbers. A message *type* we do not know decodes as [`Message::Unknown`].

mod channel;
mod command;
mod decode;
mod lifecycle;
mod market_data;
mod message;
mod reply;
mod user;
mod vocab;

#[cfg(test)]
mod tests;

pub use channel::Channel;
pub use command::{
    Command, CommandBody, SubscribeParams, UnsubscribeParams, UpdateSubscriptionParams,
};
pub use decode::MessageDecodeError;
pub use lifecycle::{EventFeeUpdate, EventLifecycle, MarketLifecycle};
pub use market_data::{OrderbookDelta, OrderbookSnapshot, PriceLevel, Ticker, Trade};
pub use message::{Data, Message, Sequenced, UnknownMessage};
pub use reply::{
    ErrorReply, MarketList, OkBody, OkReply, Subscribed, SubscriptionInfo, Unsubscribed, WsError,
};
pub use user::{Fill, MarketPosition, OrderGroupUpdate, UserOrder};
pub use vocab::{MarketLifecycleEvent, OrderGroupEvent, UpdateAction};
