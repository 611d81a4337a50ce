//! API keys: list, add (or replace), test, remove. One key per environment.
//!
//! The private key travels only UI → shell, in a [`PrivateKeyPem`] whose `Debug` is
//! redacted; no response or event ever carries it back.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::command;
use super::environment::Environment;
use crate::Money;

/// Where a key is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStorage {
    /// The OS keychain: survives restarts.
    Keychain,
    /// Memory only, gone when the app exits: what is left where no keychain exists
    /// (headless Linux without Secret Service), or when the person prefers it.
    Session,
}

/// A key as the UI may see it: the public id and where it is kept, never the key itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyInfo {
    /// The environment it belongs to.
    pub environment: Environment,
    /// The API key id (public; shown so the person can tell keys apart).
    pub key_id: String,
    /// Where it is kept.
    pub storage: KeyStorage,
}

/// An RSA private key in PEM (PKCS#1 or PKCS#8), as pasted by the person.
///
/// `Debug` prints `[redacted]` and there is no `Display`, so it cannot end up in a log or
/// an error message by accident; the text is reached through [`PrivateKeyPem::expose`].
/// It implements `Serialize` only because the UI has to send it (UI → shell is its one
/// trip): nothing the shell sends back contains one.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PrivateKeyPem(String);

impl PrivateKeyPem {
    /// Wraps the pasted text.
    pub fn new(pem: impl Into<String>) -> Self {
        Self(pem.into())
    }

    /// The PEM text, for parsing it into a key (greppable on purpose).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PrivateKeyPem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where the private key comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum KeySource {
    /// Pasted into the form.
    Pem {
        /// The PEM text.
        pem: PrivateKeyPem,
    },
    /// A file the person picked in the file dialog. The shell reads it, so the webview
    /// needs no file-system access and the key never crosses the IPC boundary.
    File {
        /// Absolute path of the `.pem` / `.key` file.
        path: String,
    },
}

/// Every stored key, and whether a keychain exists (if not, only session-only storage
/// can be offered).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyList {
    /// At most one per environment.
    pub keys: Vec<KeyInfo>,
    /// False where no OS keychain is available.
    pub keychain_available: bool,
}

/// The stored keys. `invoke("list_keys", {"request": {}})`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListKeys {}
command!(ListKeys => "list_keys", KeyList);

/// Stores a key for an environment, replacing any key it had. The key is validated
/// (parsed and used to sign once) before anything is stored; an unusable key is
/// `invalid_key` and changes nothing. Keychain storage where none exists is
/// `keychain_unavailable`. Reopen the environment to start using it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddKey {
    /// The environment the key belongs to (Kalshi's demo and production keys differ).
    pub environment: Environment,
    /// The API key id Kalshi showed with the key.
    pub key_id: String,
    /// The private key.
    pub key: KeySource,
    /// Where to keep it.
    pub storage: KeyStorage,
}
command!(AddKey => "add_key", KeyInfo);

/// What a successful key test saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyTestResult {
    /// The key tested.
    pub key: KeyInfo,
    /// The account's available balance, proof the exchange accepted the key.
    pub balance: Money,
    /// When the test ran.
    pub tested_ms: i64,
}

/// Tests an environment's stored key against its exchange with one signed read. A key the
/// exchange refuses is `auth_rejected` (e.g. a demo key on production).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestKey {
    /// Whose key.
    pub environment: Environment,
}
command!(TestKey => "test_key", KeyTestResult);

/// Removes an environment's key; answers whether there was one (removing nothing is not an
/// error). The open session keeps working until the environment is reopened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveKey {
    /// Whose key.
    pub environment: Environment,
}
command!(RemoveKey => "remove_key", bool);
