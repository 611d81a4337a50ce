//! JSON decoding of wire types with errors that name the JSON path of the bad field.
//!
//! A plain `serde_json` error says "unknown variant `foo` at line 1 column 48213", which is
//! useless on a 2 MB market list. Everything that reads Kalshi JSON (REST client, WebSocket
//! feed, simulator) goes through [`from_slice`] / [`from_str`] so the error reads
//! ``at `markets[3].status`: unknown variant `foo`, expected one of ...`` instead.

use serde::de::DeserializeOwned;

/// A JSON document that did not match the expected wire type.
///
/// Carries only the path and serde's message (which may quote the offending value), never
/// the whole body, so it is safe to log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at `{path}`: {message}")]
pub struct DecodeError {
    /// JSON path of the field that failed, e.g. `markets[3].status`; `.` for the root.
    pub path: String,
    /// What was wrong there (serde's message, including line and column).
    pub message: String,
}

/// Decodes `T` from JSON bytes.
///
/// # Errors
/// [`DecodeError`] naming the path of the first field that did not match `T`: malformed
/// JSON, a missing required field, a wrong type, an unknown enum value or a malformed
/// fixed-point number. Unknown extra fields are not errors.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    finish(serde_path_to_error::deserialize(&mut de), de)
}

/// Decodes `T` from a JSON string; see [`from_slice`].
///
/// # Errors
/// As [`from_slice`].
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_str(text);
    finish(serde_path_to_error::deserialize(&mut de), de)
}

/// Turns the path-tracked result into ours and rejects trailing garbage after the value.
fn finish<'de, R: serde_json::de::Read<'de>, T>(
    result: Result<T, serde_path_to_error::Error<serde_json::Error>>,
    mut de: serde_json::Deserializer<R>,
) -> Result<T, DecodeError> {
    let value = result.map_err(|e| DecodeError {
        path: e.path().to_string(),
        message: e.into_inner().to_string(),
    })?;
    de.end().map_err(|e| DecodeError {
        path: ".".to_owned(),
        message: e.to_string(),
    })?;
    Ok(value)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use serde::Deserialize;

    use super::*;
    use crate::model::Price;

    #[derive(Debug, Deserialize)]
    struct Outer {
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    struct Inner {
        #[allow(dead_code)]
        price: Price,
    }

    #[test]
    fn error_names_the_json_path_of_the_bad_field() {
        let err = from_str::<Outer>(r#"{"items":[{"price":"0.5"},{"price":"0.5x"}]}"#)
            .expect_err("a malformed price must be rejected");
        assert_eq!(
            err.path, "items[1].price",
            "the path points at the bad element"
        );
        assert!(
            err.message.contains("0.5x"),
            "message quotes the input: {err}"
        );
        assert!(
            err.to_string().starts_with("at `items[1].price`: "),
            "Display leads with the path: {err}"
        );
    }

    #[test]
    fn from_slice_and_from_str_agree() {
        let json = r#"{"items":[{"price":"0.56"}],"extra":true}"#;
        let a = from_slice::<Outer>(json.as_bytes()).unwrap();
        let b = from_str::<Outer>(json).unwrap();
        assert_eq!(a.items.len(), 1, "unknown fields are tolerated");
        assert_eq!(a.items.len(), b.items.len());
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let err = from_str::<Outer>(r#"{"items":[]} x"#).expect_err("trailing data");
        assert!(err.message.contains("trailing"), "{err}");
    }

    #[test]
    fn malformed_json_is_an_error_not_a_panic() {
        let err = from_slice::<Outer>(b"{\"items\":[").expect_err("truncated JSON");
        assert!(err.message.contains("EOF"), "{err}");
    }
}
