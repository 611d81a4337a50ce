//! Where API keys live: the [`CredentialStore`] interface (the shell backs it with the OS
//! keychain) and [`MemoryCredentialStore`] for session-only keys and tests.
//!
//! A stored key is an API key id plus the RSA private key as PKCS#8 DER, held in a
//! [`Secret`] so it never reaches a log, an error message or JSON.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use kalshi::auth::{Credentials, KeyError, PrivateKey, RsaPssSigner, Secret};

use crate::environment::DeskEnvironment;

/// One API key as kept by a [`CredentialStore`]. `Debug` shows the key id only.
#[derive(Clone)]
pub struct StoredKey {
    /// The API key id (public; the `KALSHI-ACCESS-KEY` header).
    pub key_id: String,
    /// The RSA private key, PKCS#8 DER.
    pub pkcs8_der: Secret<Vec<u8>>,
}

impl StoredKey {
    /// A stored form of `key` under `key_id`.
    pub fn from_private_key(key_id: impl Into<String>, key: &PrivateKey) -> Self {
        Self {
            key_id: key_id.into(),
            pkcs8_der: key.to_pkcs8_der(),
        }
    }

    /// Parses the private key back (to derive its public half, e.g. for the simulator).
    ///
    /// # Errors
    /// [`KeyError`] if the stored bytes are not a usable RSA key.
    pub fn private_key(&self) -> Result<PrivateKey, KeyError> {
        PrivateKey::from_pkcs8_der(self.pkcs8_der.expose())
    }

    /// Request-signing credentials for this key.
    ///
    /// # Errors
    /// [`KeyError`] if the stored bytes are not a usable RSA key.
    pub fn credentials(&self) -> Result<Credentials, KeyError> {
        let signer = RsaPssSigner::from_pkcs8_der(self.pkcs8_der.expose())?;
        Ok(Credentials::new(self.key_id.clone(), Arc::new(signer)))
    }
}

impl fmt::Debug for StoredKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredKey")
            .field("key_id", &self.key_id)
            .field("pkcs8_der", &self.pkcs8_der)
            .finish()
    }
}

/// Why a credential store could not do its job. Messages never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CredentialError {
    /// There is no usable keychain (e.g. headless Linux without Secret Service); the shell
    /// should offer session-only credentials instead.
    #[error("no keychain is available: {0}")]
    Unavailable(String),
    /// The keychain refused or failed the operation (locked, access denied, ...).
    #[error("the keychain failed: {0}")]
    Backend(String),
    /// An entry exists but does not hold a key in the expected form.
    #[error("the stored key for {0} is unreadable")]
    Corrupt(DeskEnvironment),
}

/// Keeps one API key per environment. Implementations are blocking (keychains are); the
/// session calls them off the async runtime's worker threads.
///
/// Semantics shared by every implementation: a missing entry is `Ok(None)`, deleting a
/// missing entry succeeds (returning `false`), and `put` replaces what was there.
pub trait CredentialStore: Send + Sync + fmt::Debug {
    /// The key stored for `environment`.
    ///
    /// # Errors
    /// [`CredentialError`] if the backing store fails.
    fn get(&self, environment: DeskEnvironment) -> Result<Option<StoredKey>, CredentialError>;

    /// Stores `key` for `environment`, replacing any previous key.
    ///
    /// # Errors
    /// [`CredentialError`] if the backing store fails.
    fn put(&self, environment: DeskEnvironment, key: &StoredKey) -> Result<(), CredentialError>;

    /// Removes the key of `environment`; `true` if there was one.
    ///
    /// # Errors
    /// [`CredentialError`] if the backing store fails.
    fn delete(&self, environment: DeskEnvironment) -> Result<bool, CredentialError>;
}

/// Session-only credentials: kept in memory, gone when the app exits. What the shell
/// offers when no keychain exists, and what tests use.
#[derive(Debug, Default)]
pub struct MemoryCredentialStore {
    keys: Mutex<HashMap<DeskEnvironment, StoredKey>>,
}

impl MemoryCredentialStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<DeskEnvironment, StoredKey>> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl CredentialStore for MemoryCredentialStore {
    fn get(&self, environment: DeskEnvironment) -> Result<Option<StoredKey>, CredentialError> {
        Ok(self.lock().get(&environment).cloned())
    }

    fn put(&self, environment: DeskEnvironment, key: &StoredKey) -> Result<(), CredentialError> {
        self.lock().insert(environment, key.clone());
        Ok(())
    }

    fn delete(&self, environment: DeskEnvironment) -> Result<bool, CredentialError> {
        Ok(self.lock().remove(&environment).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(key_id: &str) -> StoredKey {
        StoredKey {
            key_id: key_id.to_owned(),
            pkcs8_der: Secret::new(vec![1, 2, 3, 4]),
        }
    }

    #[test]
    fn memory_store_round_trips_per_environment() {
        let store = MemoryCredentialStore::new();
        assert!(
            store.get(DeskEnvironment::Demo).unwrap().is_none(),
            "missing is None"
        );
        store
            .put(DeskEnvironment::Demo, &sample("demo-key"))
            .unwrap();
        store
            .put(DeskEnvironment::Production, &sample("prod-key"))
            .unwrap();
        assert_eq!(
            store.get(DeskEnvironment::Demo).unwrap().unwrap().key_id,
            "demo-key"
        );
        store.put(DeskEnvironment::Demo, &sample("demo-2")).unwrap();
        assert_eq!(
            store.get(DeskEnvironment::Demo).unwrap().unwrap().key_id,
            "demo-2",
            "put replaces"
        );
        assert!(store.delete(DeskEnvironment::Demo).unwrap());
        assert!(
            !store.delete(DeskEnvironment::Demo).unwrap(),
            "deleting nothing succeeds"
        );
        assert_eq!(
            store
                .get(DeskEnvironment::Production)
                .unwrap()
                .unwrap()
                .key_id,
            "prod-key",
            "environments are separate"
        );
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let shown = format!("{:?}", sample("k"));
        assert!(shown.contains("\"k\""), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(!shown.contains("1, 2, 3"), "{shown}");
    }

    #[test]
    fn unusable_bytes_are_a_key_error() {
        assert!(sample("k").credentials().is_err());
        assert!(sample("k").private_key().is_err());
    }
}
