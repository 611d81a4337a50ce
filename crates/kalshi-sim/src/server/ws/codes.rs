//! Kalshi's WebSocket error codes (kalshi-api.md §5.3) with their exact texts, and the
//! `error` replies built from them.

use kalshi::model::ws::{ErrorReply, Message, WsError};

/// The WebSocket error codes the simulator answers with. The numbers and texts are
/// Kalshi's; clients branch on the number (10, 17 and 25 kill the subscription).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// 1: the frame is not JSON or a field has the wrong type.
    UnableToProcess,
    /// 2: `params` (or a required parameter) is missing.
    ParamsRequired,
    /// 3: `subscribe` without channels.
    ChannelsRequired,
    /// 4: `unsubscribe` without sids.
    SidsRequired,
    /// 5: `cmd` is missing or not a command.
    UnknownCommand,
    /// 7: the sid is not open on this connection.
    UnknownSid,
    /// 8: the channel name is unknown or removed.
    UnknownChannel,
    /// 9: the channel or action needs a permission the key does not have.
    AuthRequired,
    /// 11: a value is malformed or not applicable.
    InvalidParameter,
    /// 12: `update_subscription` needs exactly one sid.
    ExactlyOneSid,
    /// 13: the channel does not support that `update_subscription` action.
    UnsupportedAction,
    /// 14: the channel needs market tickers.
    MarketTickerRequired,
    /// 15: `update_subscription` without an action.
    ActionRequired,
    /// 16: no market with that ticker (or id).
    MarketNotFound,
    /// 24: `cfbenchmarks_value` needs index ids.
    IndexIdsRequired,
    /// 25: the connection fell behind; the subscription is dead (resubscribe).
    BufferOverflow,
    /// 28: `pyth_value` needs underlying tickers.
    UnderlyingTickersRequired,
}

impl Code {
    /// The numeric code on the wire.
    pub const fn number(self) -> u32 {
        match self {
            Code::UnableToProcess => 1,
            Code::ParamsRequired => 2,
            Code::ChannelsRequired => 3,
            Code::SidsRequired => 4,
            Code::UnknownCommand => 5,
            Code::UnknownSid => 7,
            Code::UnknownChannel => 8,
            Code::AuthRequired => 9,
            Code::InvalidParameter => 11,
            Code::ExactlyOneSid => 12,
            Code::UnsupportedAction => 13,
            Code::MarketTickerRequired => 14,
            Code::ActionRequired => 15,
            Code::MarketNotFound => 16,
            Code::IndexIdsRequired => 24,
            Code::BufferOverflow => 25,
            Code::UnderlyingTickersRequired => 28,
        }
    }

    /// Kalshi's text for the code.
    pub const fn text(self) -> &'static str {
        match self {
            Code::UnableToProcess => "Unable to process message",
            Code::ParamsRequired => "Params required",
            Code::ChannelsRequired => "Channels required",
            Code::SidsRequired => "Subscription IDs required",
            Code::UnknownCommand => "Unknown command",
            Code::UnknownSid => "Unknown subscription ID",
            Code::UnknownChannel => "Unknown channel name",
            Code::AuthRequired => "Authentication required",
            Code::InvalidParameter => "Invalid parameter",
            Code::ExactlyOneSid => "Exactly one subscription ID is required",
            Code::UnsupportedAction => "Unsupported action",
            Code::MarketTickerRequired => "Market Ticker required",
            Code::ActionRequired => "Action required",
            Code::MarketNotFound => "Market not found",
            Code::IndexIdsRequired => "Index IDs required",
            Code::BufferOverflow => "Subscription buffer overflow",
            Code::UnderlyingTickersRequired => "Underlying tickers required",
        }
    }

    /// The `msg` of an error reply with this code.
    pub fn error(self) -> WsError {
        WsError {
            code: self.number(),
            msg: self.text().to_owned(),
            market_ticker: None,
            market_id: None,
        }
    }

    /// An `error` reply to command `id` (about `sid`, when one is concerned).
    pub fn reply(self, id: Option<u64>, sid: Option<u64>) -> Message {
        reply(id, sid, self.error())
    }
}

/// An `error` frame carrying `msg`.
pub fn reply(id: Option<u64>, sid: Option<u64>, msg: WsError) -> Message {
    Message::Error(ErrorReply { id, sid, msg })
}

/// Error 16 naming the unknown market, as Kalshi does
/// (`{"code":16,"msg":"Market not found","market_ticker":"X"}`).
pub fn market_not_found(id: Option<u64>, ticker: &str) -> Message {
    let mut msg = Code::MarketNotFound.error();
    msg.market_ticker = Some(ticker.to_owned());
    reply(id, None, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_reply_json_is_kalshis() {
        assert_eq!(
            Code::UnknownChannel.reply(Some(9), None).to_json(),
            r#"{"type":"error","id":9,"msg":{"code":8,"msg":"Unknown channel name"}}"#
        );
        assert_eq!(
            market_not_found(Some(3), "INVALID-MARKET").to_json(),
            r#"{"type":"error","id":3,"msg":{"code":16,"msg":"Market not found","market_ticker":"INVALID-MARKET"}}"#
        );
    }

    #[test]
    fn overflow_is_terminal_for_clients() {
        assert!(
            Code::BufferOverflow.error().is_terminal(),
            "25 must read as terminal so clients resubscribe"
        );
        assert!(!Code::UnknownSid.error().is_terminal());
    }
}
