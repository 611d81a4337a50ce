//! Turning a text frame into a [`Message`], with errors that name the message type and the
//! JSON path of the field that was wrong.

use std::fmt;

use serde::Deserialize;

use super::message::Message;
use crate::model::decode::{self, DecodeError};

/// Why a frame could not be decoded: which message type (if it could be read) and where in
/// the JSON it went wrong. Never contains the frame itself (it can be large).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MessageDecodeError {
    /// The frame's `type`, when it could be read.
    pub message_type: Option<String>,
    /// Path (e.g. `msg.side`) and reason.
    #[source]
    pub error: DecodeError,
}

impl MessageDecodeError {
    /// An error about the frame as a whole (e.g. a binary frame where text was expected).
    pub fn frame(reason: impl Into<String>) -> Self {
        Self {
            message_type: None,
            error: DecodeError {
                path: ".".to_owned(),
                message: reason.into(),
            },
        }
    }
}

impl fmt::Display for MessageDecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message_type {
            Some(t) => write!(f, "malformed `{t}` message {}", self.error),
            None => write!(f, "malformed WebSocket frame {}", self.error),
        }
    }
}

/// Decodes one frame. The common case is one pass with no path tracking (path tracking
/// allocates per key); only a failing frame is parsed again, through
/// [`crate::model::decode`], to say where it failed.
pub(super) fn decode(text: &str) -> Result<Message, MessageDecodeError> {
    match serde_json::from_str::<Message>(text) {
        Ok(message) => Ok(message),
        Err(first) => Err(explain(text, first)),
    }
}

#[cold]
fn explain(text: &str, first: serde_json::Error) -> MessageDecodeError {
    let error = match decode::from_str::<Message>(text) {
        Err(e) => e,
        // Cannot happen (same input, same decoder); keep the first error rather than panic.
        Ok(_) => DecodeError {
            path: ".".to_owned(),
            message: first.to_string(),
        },
    };
    MessageDecodeError {
        message_type: type_of(text),
        error,
    }
}

/// The `type` of a frame, if it is a JSON object with a string `type`.
fn type_of(text: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct TypeOnly {
        #[serde(rename = "type")]
        message_type: Option<String>,
    }
    serde_json::from_str::<TypeOnly>(text).ok()?.message_type
}
