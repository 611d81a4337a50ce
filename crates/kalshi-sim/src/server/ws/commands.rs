//! Client frames → [`Command`]s (the SDK's own type), and for frames that do not parse,
//! the error code Kalshi would answer with.
//!
//! The common case is one typed parse. Only a frame that fails it is looked at again as
//! plain JSON to pick the right code (bad JSON 1, missing params 2, no channels 3, no sids
//! 4, unknown command 5, unknown channel 8, missing action 15, unsupported action 13).

use kalshi::model::ws::{Channel, Command, UpdateAction, WsError};
use serde_json::{Map, Value};

use super::codes::Code;

/// A frame that is not a usable command: the id to echo (when one could be read) and the
/// error to answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The frame's `id`, when it had a readable one (0 counts as none).
    pub id: Option<u64>,
    /// What to answer.
    pub error: WsError,
}

impl Rejected {
    fn new(id: Option<u64>, code: Code) -> Self {
        Self {
            id,
            error: code.error(),
        }
    }
}

/// Parses one text frame into a command. A frame without `id` gets id 0, which Kalshi
/// treats as "no id" (replies then carry none).
///
/// # Errors
/// [`Rejected`] with Kalshi's code for what is wrong.
pub fn parse(text: &str) -> Result<Command, Rejected> {
    if let Ok(cmd) = serde_json::from_str::<Command>(text) {
        return Ok(cmd);
    }
    diagnose(text)
}

#[cold]
fn diagnose(text: &str) -> Result<Command, Rejected> {
    let Ok(Value::Object(mut frame)) = serde_json::from_str::<Value>(text) else {
        return Err(Rejected::new(None, Code::UnableToProcess));
    };
    let id = match frame.get("id") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_u64() {
            Some(n) => Some(n),
            None => return Err(Rejected::new(None, Code::UnableToProcess)),
        },
    };
    let echo = id.filter(|n| *n != 0);
    let reject = |code| Err(Rejected::new(echo, code));
    let Some(cmd) = frame.get("cmd").and_then(Value::as_str).map(str::to_owned) else {
        return reject(Code::UnknownCommand);
    };
    if id.is_none() {
        // Everything else may be fine: retry with Kalshi's "no id".
        frame.insert("id".to_owned(), Value::from(0u64));
        if let Ok(cmd) = serde_json::from_value::<Command>(Value::Object(frame.clone())) {
            return Ok(cmd);
        }
    }
    let params = match frame.get("params") {
        None | Some(Value::Null) => None,
        Some(Value::Object(p)) => Some(p),
        Some(_) => return reject(Code::UnableToProcess),
    };
    match cmd.as_str() {
        "list_subscriptions" => Ok(Command::list_subscriptions(id.unwrap_or(0))),
        "subscribe" => reject(subscribe_problem(params)),
        "unsubscribe" => reject(match params {
            None => Code::ParamsRequired,
            Some(p) if is_empty_list(p.get("sids")) => Code::SidsRequired,
            Some(_) => Code::UnableToProcess,
        }),
        "update_subscription" => reject(update_problem(params)),
        _ => reject(Code::UnknownCommand),
    }
}

/// True when the value is absent, null or an empty array.
fn is_empty_list(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

fn subscribe_problem(params: Option<&Map<String, Value>>) -> Code {
    let Some(p) = params else {
        return Code::ParamsRequired;
    };
    if is_empty_list(p.get("channels")) {
        return Code::ChannelsRequired;
    }
    let Some(Value::Array(channels)) = p.get("channels") else {
        return Code::UnableToProcess;
    };
    let unknown = channels
        .iter()
        .any(|c| serde_json::from_value::<Channel>(c.clone()).is_err());
    if unknown {
        Code::UnknownChannel
    } else {
        Code::UnableToProcess
    }
}

fn update_problem(params: Option<&Map<String, Value>>) -> Code {
    let Some(p) = params else {
        return Code::ParamsRequired;
    };
    match p.get("action") {
        None | Some(Value::Null) => Code::ActionRequired,
        Some(a @ Value::String(_))
            if serde_json::from_value::<UpdateAction>(a.clone()).is_err() =>
        {
            Code::UnsupportedAction
        }
        Some(_) => Code::UnableToProcess,
    }
}

#[cfg(test)]
mod tests {
    use kalshi::model::ws::CommandBody;

    use super::*;

    fn code_of(text: &str) -> (Option<u64>, u32) {
        let r = parse(text).expect_err("the frame must be refused");
        (r.id, r.error.code)
    }

    #[test]
    fn valid_commands_parse_with_the_sdk_type() {
        let cmd = parse(r#"{"id":1,"cmd":"subscribe","params":{"channels":["ticker"]}}"#).unwrap();
        assert_eq!(cmd.id, 1);
        assert!(matches!(cmd.body, CommandBody::Subscribe(_)));
        let cmd = parse(r#"{"id":7,"cmd":"list_subscriptions"}"#).unwrap();
        assert_eq!(cmd, Command::list_subscriptions(7));
    }

    #[test]
    fn a_missing_id_is_kalshis_no_id() {
        let cmd = parse(r#"{"cmd":"unsubscribe","params":{"sids":[1]}}"#).unwrap();
        assert_eq!(cmd.id, 0, "id 0 means no id");
    }

    #[test]
    fn list_subscriptions_ignores_params() {
        let cmd = parse(r#"{"id":4,"cmd":"list_subscriptions","params":{}}"#).unwrap();
        assert_eq!(cmd, Command::list_subscriptions(4));
    }

    #[test]
    fn each_problem_gets_kalshis_code() {
        let cases = [
            ("not json", (None, 1)),
            ("[1,2]", (None, 1)),
            (r#"{"id":"x","cmd":"subscribe"}"#, (None, 1)),
            (r#"{"id":2,"cmd":"nope"}"#, (Some(2), 5)),
            (r#"{"id":2}"#, (Some(2), 5)),
            (r#"{"id":3,"cmd":"subscribe"}"#, (Some(3), 2)),
            (r#"{"id":3,"cmd":"subscribe","params":{}}"#, (Some(3), 3)),
            (
                r#"{"id":3,"cmd":"subscribe","params":{"channels":["multivariate"]}}"#,
                (Some(3), 8),
            ),
            (
                r#"{"id":3,"cmd":"subscribe","params":{"channels":"ticker"}}"#,
                (Some(3), 1),
            ),
            (
                r#"{"id":3,"cmd":"subscribe","params":{"channels":["ticker"],"market_tickers":5}}"#,
                (Some(3), 1),
            ),
            (r#"{"id":4,"cmd":"unsubscribe"}"#, (Some(4), 2)),
            (r#"{"id":4,"cmd":"unsubscribe","params":{}}"#, (Some(4), 4)),
            (
                r#"{"id":5,"cmd":"update_subscription","params":{"sids":[1]}}"#,
                (Some(5), 15),
            ),
            (
                r#"{"id":5,"cmd":"update_subscription","params":{"sids":[1],"action":"explode"}}"#,
                (Some(5), 13),
            ),
            (r#"{"id":5,"cmd":"update_subscription"}"#, (Some(5), 2)),
        ];
        for (text, want) in cases {
            assert_eq!(code_of(text), want, "frame {text}");
        }
    }

    #[test]
    fn empty_channel_list_parses_and_is_refused_later() {
        // The typed parse accepts `[]`; the session answers 3 for it.
        let cmd = parse(r#"{"id":1,"cmd":"subscribe","params":{"channels":[]}}"#).unwrap();
        match cmd.body {
            CommandBody::Subscribe(p) => assert!(p.channels.is_empty()),
            other => panic!("expected subscribe, got {other:?}"),
        }
    }
}
