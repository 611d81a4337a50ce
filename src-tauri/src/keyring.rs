//! The app's credential store: session-only keys (memory) in front of the OS keychain, so
//! a key kept "for this session" wins while the app runs, and where no keychain exists
//! keys can still be used until the app exits.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use desk_core::{
    CredentialError, CredentialStore, DeskEnvironment, MemoryCredentialStore, StoredKey,
};
use ipc::commands::credentials::KeyStorage;

/// Session keys first, then the keychain (when there is one).
#[derive(Debug)]
pub struct KeyRing {
    session: MemoryCredentialStore,
    session_envs: Mutex<HashSet<DeskEnvironment>>,
    keychain: Option<Arc<dyn CredentialStore>>,
    unavailable: String,
}

impl KeyRing {
    /// A ring over `keychain`; `Err(why)` when there is no keychain (session-only keys).
    pub fn new(keychain: Result<Arc<dyn CredentialStore>, String>) -> Self {
        let (keychain, unavailable) = match keychain {
            Ok(k) => (Some(k), String::new()),
            Err(why) => (None, why),
        };
        Self {
            session: MemoryCredentialStore::new(),
            session_envs: Mutex::new(HashSet::new()),
            keychain,
            unavailable,
        }
    }

    /// Whether an OS keychain is available.
    pub fn keychain_available(&self) -> bool {
        self.keychain.is_some()
    }

    fn session_envs(&self) -> std::sync::MutexGuard<'_, HashSet<DeskEnvironment>> {
        self.session_envs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn keychain(&self) -> Result<&Arc<dyn CredentialStore>, CredentialError> {
        self.keychain
            .as_ref()
            .ok_or_else(|| CredentialError::Unavailable(self.unavailable.clone()))
    }

    /// Where `environment`'s key is kept (`None` without a key).
    ///
    /// # Errors
    /// The keychain's failure.
    pub fn storage_of(
        &self,
        environment: DeskEnvironment,
    ) -> Result<Option<(String, KeyStorage)>, CredentialError> {
        if let Some(key) = self.session.get(environment)? {
            return Ok(Some((key.key_id, KeyStorage::Session)));
        }
        match &self.keychain {
            Some(k) => Ok(k
                .get(environment)?
                .map(|key| (key.key_id, KeyStorage::Keychain))),
            None => Ok(None),
        }
    }

    /// Stores `key` where asked, removing it from the other place so one key per
    /// environment stays.
    ///
    /// # Errors
    /// [`CredentialError::Unavailable`] for keychain storage without a keychain (nothing
    /// changes), or the keychain's failure.
    pub fn put_in(
        &self,
        environment: DeskEnvironment,
        key: &StoredKey,
        storage: KeyStorage,
    ) -> Result<(), CredentialError> {
        match storage {
            KeyStorage::Keychain => {
                self.keychain()?.put(environment, key)?;
                self.session.delete(environment)?;
                self.session_envs().remove(&environment);
            }
            KeyStorage::Session => {
                self.session.put(environment, key)?;
                self.session_envs().insert(environment);
            }
        }
        Ok(())
    }
}

impl CredentialStore for KeyRing {
    fn get(&self, environment: DeskEnvironment) -> Result<Option<StoredKey>, CredentialError> {
        if let Some(key) = self.session.get(environment)? {
            return Ok(Some(key));
        }
        match &self.keychain {
            Some(k) => k.get(environment),
            None => Ok(None),
        }
    }

    /// Keys the core makes (the Simulator's) go to the keychain, or to the session where
    /// there is none.
    fn put(&self, environment: DeskEnvironment, key: &StoredKey) -> Result<(), CredentialError> {
        match &self.keychain {
            Some(k) if !self.session_envs().contains(&environment) => k.put(environment, key),
            _ => {
                self.session_envs().insert(environment);
                self.session.put(environment, key)
            }
        }
    }

    fn delete(&self, environment: DeskEnvironment) -> Result<bool, CredentialError> {
        let in_session = self.session.delete(environment)?;
        self.session_envs().remove(&environment);
        let in_keychain = match &self.keychain {
            Some(k) => k.delete(environment)?,
            None => false,
        };
        Ok(in_session || in_keychain)
    }
}
