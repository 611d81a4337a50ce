//! Signature verification (the exchange's side): used by the simulator and by tests.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rsa::RsaPublicKey;
use rsa::pss::{Signature, VerifyingKey};
use rsa::sha2::Sha256;
use rsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts;

use super::credentials::message_from_parts;
use super::key::{KeyError, public_key_from_pem};

/// Why a signature was not accepted. Carries no signature or key bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The signature header is not valid standard base64.
    #[error("the signature is not valid base64")]
    Base64,
    /// The decoded signature does not have the key's modulus length.
    #[error("the signature is {got} bytes; expected {expected} for this key")]
    Length {
        /// Expected length (modulus bytes).
        expected: usize,
        /// Decoded length.
        got: usize,
    },
    /// The signature does not verify (wrong key, tampered message or signature, wrong
    /// padding or salt length).
    #[error("the signature does not match the message (RSA-PSS, SHA-256, salt 32)")]
    Mismatch,
}

/// Verifies RSA-PSS (SHA-256, MGF1-SHA-256, salt length 32) signatures over the Kalshi
/// pre-sign string, exactly as the exchange does. Uses the pure-Rust `rsa` crate:
/// verification is cheap (public exponent), so speed does not matter here.
#[derive(Clone)]
pub struct Verifier {
    key: VerifyingKey<Sha256>,
    modulus_len: usize,
}

/// Two verifiers are equal when they hold the same public key, whatever PEM form it came
/// in (the simulator refuses to re-bind a key id to a different key).
impl PartialEq for Verifier {
    fn eq(&self, other: &Self) -> bool {
        AsRef::<RsaPublicKey>::as_ref(&self.key) == AsRef::<RsaPublicKey>::as_ref(&other.key)
    }
}

impl Eq for Verifier {}

impl Verifier {
    /// Builds a verifier from a public key PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1
    /// (`BEGIN RSA PUBLIC KEY`).
    ///
    /// # Errors
    /// A specific [`KeyError`]; a private key PEM gives [`KeyError::PrivateKeyGiven`].
    pub fn from_public_pem(pem: &str) -> Result<Self, KeyError> {
        Ok(Self::from_public_key(public_key_from_pem(pem)?))
    }

    /// Builds a verifier from a parsed public key (e.g. [`super::PrivateKey::public_key`]).
    pub fn from_public_key(key: RsaPublicKey) -> Self {
        let modulus_len = key.size();
        Self {
            key: VerifyingKey::new(key),
            modulus_len,
        }
    }

    /// Checks the three header values of a request: rebuilds `timestamp + METHOD + path`
    /// (query stripped) and verifies `signature_b64` over it.
    ///
    /// # Errors
    /// [`VerifyError::Base64`], [`VerifyError::Length`] or [`VerifyError::Mismatch`].
    pub fn verify(
        &self,
        timestamp: &str,
        method: &str,
        path: &str,
        signature_b64: &str,
    ) -> Result<(), VerifyError> {
        let sig = STANDARD
            .decode(signature_b64.trim())
            .map_err(|_| VerifyError::Base64)?;
        self.verify_message(message_from_parts(timestamp, method, path).as_bytes(), &sig)
    }

    /// Verifies raw signature bytes over an arbitrary message.
    ///
    /// # Errors
    /// [`VerifyError::Length`] or [`VerifyError::Mismatch`].
    pub fn verify_message(&self, message: &[u8], signature: &[u8]) -> Result<(), VerifyError> {
        if signature.len() != self.modulus_len {
            return Err(VerifyError::Length {
                expected: self.modulus_len,
                got: signature.len(),
            });
        }
        let sig = Signature::try_from(signature).map_err(|_| VerifyError::Mismatch)?;
        self.key
            .verify(message, &sig)
            .map_err(|_| VerifyError::Mismatch)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("bits", &(self.modulus_len * 8))
            .finish_non_exhaustive()
    }
}
