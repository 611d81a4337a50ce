//! RSA-PSS request signing and credentials: key loading, the [`Signer`], the
//! `KALSHI-ACCESS-*` headers, and the [`Verifier`] the simulator uses.
//!
//! What is signed (kalshi-api.md §2.3): `timestamp_ms + METHOD + path`, where path is the
//! full URL path including `/trade-api/v2` and excluding the query string; RSA-PSS with
//! SHA-256, MGF1-SHA-256 and salt length 32; base64 (standard) in the header.

mod credentials;
mod key;
mod pem;
mod secret;
mod signer;
mod verify;

#[cfg(test)]
mod tests;

pub use credentials::{
    AuthHeaders, Credentials, HEADER_KEY, HEADER_SIGNATURE, HEADER_TIMESTAMP, now_ms,
    signing_message,
};
pub use key::{KeyError, MAX_KEY_BITS, MIN_KEY_BITS, PrivateKey, public_key_from_pem};
pub use rsa::RsaPublicKey;
pub use secret::Secret;
pub use signer::{AuthError, RsaPssSigner, Signer};
pub use verify::{Verifier, VerifyError};
