//! The repository's RSA test keys (crates/kalshi/test_data/keys), written to a temp dir for
//! the simulator's `--api-key` and the peers' key files.

use std::path::{Path, PathBuf};

/// The key the clients sign with.
pub const KEY_A: &str = "bench-key-a";
/// The key of the WebSocket client in the core figures.
pub const KEY_B: &str = "bench-key-b";

fn armor(label: &str, body: &str) -> String {
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        body.trim()
    )
}

/// Key A's private key (PKCS#1 PEM).
pub fn a_private() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../kalshi/test_data/keys/test_key_a.pkcs1.b64"),
    )
}

/// Key A's public key (SPKI PEM).
pub fn a_public() -> String {
    armor(
        "PUBLIC KEY",
        include_str!("../../kalshi/test_data/keys/test_key_a.spki.b64"),
    )
}

/// Key B's private key (PKCS#1 PEM).
pub fn b_private() -> String {
    armor(
        "RSA PRIVATE KEY",
        include_str!("../../kalshi/test_data/keys/test_key_b.pkcs1.b64"),
    )
}

/// Key B's public key (SPKI PEM).
pub fn b_public() -> String {
    armor(
        "PUBLIC KEY",
        include_str!("../../kalshi/test_data/keys/test_key_b.spki.b64"),
    )
}

/// Writes `text` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf, String> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|e| format!("writing {}: {e}", path.display()))?;
    Ok(path)
}
