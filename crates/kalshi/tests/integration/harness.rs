//! Shared fixtures: test keys (armored at runtime so no PEM block is committed) and waiting helpers.

use std::time::Duration;

/// Test key A as PKCS#1 PEM (`BEGIN RSA PRIVATE KEY`).
pub fn key_a_pkcs1_pem() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../test_data/keys/test_key_a.pkcs1.b64"),
    )
}

/// Test key A as PKCS#8 PEM (`BEGIN PRIVATE KEY`).
pub fn key_a_pkcs8_pem() -> String {
    armor(
        "PRIVATE KEY",
        include_str!("../../test_data/keys/test_key_a.pkcs8.b64"),
    )
}

/// Public half of test key A (SPKI PEM).
pub fn key_a_public_pem() -> String {
    armor(
        "PUBLIC KEY",
        include_str!("../../test_data/keys/test_key_a.spki.b64"),
    )
}

/// Test key B as PKCS#1 PEM; a second, unrelated identity.
pub fn key_b_pkcs1_pem() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../test_data/keys/test_key_b.pkcs1.b64"),
    )
}

/// Public half of test key B (SPKI PEM).
pub fn key_b_public_pem() -> String {
    armor(
        "PUBLIC KEY",
        include_str!("../../test_data/keys/test_key_b.spki.b64"),
    )
}

fn armor(label: &str, body: &str) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.trim()
    )
}

/// How long a test waits for something that should happen promptly before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// Awaits `fut`, failing the test with `what` if it takes longer than [`WAIT`].
pub async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
    match tokio::time::timeout(WAIT, fut).await {
        Ok(v) => v,
        Err(_) => panic!("timed out after {WAIT:?} waiting for {what}"),
    }
}
