//! The contract's JSON, pinned.
#![allow(clippy::unwrap_used)]

use ipc::{AppError, ErrorCode};

/// The JSON of every code, pinned: the UI switches on these strings.
#[test]
fn wire_json_of_every_code_is_pinned() {
    let pinned = [
        (
            ErrorCode::ProductionNotConfirmed,
            r#"{"code":"production_not_confirmed","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::Offline,
            r#"{"code":"offline","message":"m","retryable":true}"#,
        ),
        (
            ErrorCode::NoCredentials,
            r#"{"code":"no_credentials","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::KeychainUnavailable,
            r#"{"code":"keychain_unavailable","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::CredentialStoreFailed,
            r#"{"code":"credential_store_failed","message":"m","retryable":true}"#,
        ),
        (
            ErrorCode::InvalidKey,
            r#"{"code":"invalid_key","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::DatabaseNewerVersion,
            r#"{"code":"database_newer_version","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::DatabaseUnreadable,
            r#"{"code":"database_unreadable","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::StorageFailed,
            r#"{"code":"storage_failed","message":"m","retryable":true}"#,
        ),
        (
            ErrorCode::SimulatorUnavailable,
            r#"{"code":"simulator_unavailable","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::RateLimited,
            r#"{"code":"rate_limited","message":"m","retryable":true}"#,
        ),
        (
            ErrorCode::ExchangeUnavailable,
            r#"{"code":"exchange_unavailable","message":"m","retryable":true}"#,
        ),
        (
            ErrorCode::AuthRejected,
            r#"{"code":"auth_rejected","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::ExchangeRejected,
            r#"{"code":"exchange_rejected","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::UnexpectedResponse,
            r#"{"code":"unexpected_response","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::NotFound,
            r#"{"code":"not_found","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::PriceOutOfRange,
            r#"{"code":"price_out_of_range","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::PriceOffGrid,
            r#"{"code":"price_off_grid","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::InvalidCount,
            r#"{"code":"invalid_count","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::CountAboveMax,
            r#"{"code":"count_above_max","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::MarketNotOpen,
            r#"{"code":"market_not_open","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::MarketNotFound,
            r#"{"code":"market_not_found","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::InsufficientBalance,
            r#"{"code":"insufficient_balance","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::FeedFailed,
            r#"{"code":"feed_failed","message":"m","retryable":true}"#,
        ),
        (
            ErrorCode::SessionClosed,
            r#"{"code":"session_closed","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::InvalidRequest,
            r#"{"code":"invalid_request","message":"m","retryable":false}"#,
        ),
        (
            ErrorCode::Internal,
            r#"{"code":"internal","message":"m","retryable":false}"#,
        ),
    ];
    assert_eq!(pinned.len(), ErrorCode::ALL.len(), "every code is pinned");
    for (code, json) in pinned {
        let e = AppError::new(code, "m");
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            json,
            "{code:?} keeps its wire form"
        );
        let back: AppError = serde_json::from_str(json).unwrap();
        assert_eq!(back, e, "{code:?} reads back");
    }
}

#[test]
fn retryable_always_follows_the_code() {
    for code in ErrorCode::ALL {
        let e = AppError::new(code, "x");
        assert_eq!(e.retryable, code.retryable(), "{code}");
    }
}

#[test]
fn wire_name_is_what_serde_writes() {
    for code in ErrorCode::ALL {
        assert_eq!(
            serde_json::to_value(code).unwrap(),
            serde_json::Value::String(code.wire_name().to_owned()),
            "wire_name and serde agree for {code:?}"
        );
    }
}
