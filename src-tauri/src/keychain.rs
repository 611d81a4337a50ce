//! API keys in the OS keychain (macOS Keychain, Windows Credential Manager, the Secret
//! Service on Linux) through `keyring`, behind core's [`CredentialStore`].
//!
//! Layout under service `kalshi-desk`:
//! - account `<environment>:<key id>` holds the key: its PKCS#8 DER as base64 text, written
//!   with `set_secret` as bytes (about 1.6 KB for RSA-2048). `set_password` would store it
//!   as UTF-16 on Windows, twice the size and over Credential Manager's 2,560-byte blob limit.
//! - account `<environment>` holds which key id is current, so one environment's key is
//!   found without listing the keychain (which not every backend can do).
//!
//! Platform failures are classified into [`CredentialError::Unavailable`] (no keychain at
//! all: offer session-only keys) and [`CredentialError::Backend`] (locked, denied) with
//! fixed English messages, because raw D-Bus and OS texts vary by distro and locale. No
//! message ever contains key material.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use desk_core::{CredentialError, CredentialStore, DeskEnvironment, StoredKey};
use kalshi::auth::Secret;

/// The keychain service every entry is filed under.
pub const SERVICE: &str = "kalshi-desk";

/// The OS keychain.
#[derive(Debug, Clone, Default)]
pub struct KeychainStore {
    service: String,
}

impl KeychainStore {
    /// The app's keychain entries (service [`SERVICE`]).
    pub fn new() -> Self {
        Self::with_service(SERVICE)
    }

    /// Entries under another service name (tests use a unique one so they never touch the
    /// person's real entries).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    /// Whether a keychain answers at all: a read of a missing entry succeeds on a working
    /// backend and fails with "no storage access" where there is none.
    ///
    /// # Errors
    /// [`CredentialError::Unavailable`] or [`CredentialError::Backend`].
    pub fn probe(&self) -> Result<(), CredentialError> {
        self.read(&format!("probe:{}", std::process::id()))
            .map(|_| ())
    }

    fn entry(&self, account: &str) -> Result<keyring::Entry, CredentialError> {
        keyring::Entry::new(&self.service, account).map_err(classify)
    }

    fn read(&self, account: &str) -> Result<Option<Vec<u8>>, CredentialError> {
        match self.entry(account)?.get_secret() {
            Ok(bytes) => Ok(Some(bytes)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(classify(e)),
        }
    }

    fn write(&self, account: &str, bytes: &[u8]) -> Result<(), CredentialError> {
        self.entry(account)?.set_secret(bytes).map_err(classify)
    }

    fn remove(&self, account: &str) -> Result<bool, CredentialError> {
        match self.entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(classify(e)),
        }
    }
}

/// The keychain to keep keys in, if one answers: `Err(why)` (for the person) when probing
/// `keychain` fails, and keys can then be kept for the session only ([`crate::keyring`]).
///
/// # Errors
/// The probe's failure, as text.
pub fn detect(keychain: KeychainStore) -> Result<Arc<dyn CredentialStore>, String> {
    match keychain.probe() {
        Ok(()) => Ok(Arc::new(keychain)),
        Err(e) => {
            tracing::warn!(error = %e, "no keychain: API keys are kept for this session only");
            Err(e.to_string())
        }
    }
}

fn key_account(environment: DeskEnvironment, key_id: &str) -> String {
    format!("{environment}:{key_id}")
}

impl CredentialStore for KeychainStore {
    fn get(&self, environment: DeskEnvironment) -> Result<Option<StoredKey>, CredentialError> {
        let Some(current) = self.read(environment.as_str())? else {
            return Ok(None);
        };
        let key_id =
            String::from_utf8(current).map_err(|_| CredentialError::Corrupt(environment))?;
        let Some(encoded) = self.read(&key_account(environment, &key_id))? else {
            return Ok(None);
        };
        let der = STANDARD
            .decode(&encoded)
            .map_err(|_| CredentialError::Corrupt(environment))?;
        Ok(Some(StoredKey {
            key_id,
            pkcs8_der: Secret::new(der),
        }))
    }

    fn put(&self, environment: DeskEnvironment, key: &StoredKey) -> Result<(), CredentialError> {
        let previous = self.read(environment.as_str())?;
        let encoded = Secret::new(STANDARD.encode(key.pkcs8_der.expose()));
        self.write(
            &key_account(environment, &key.key_id),
            encoded.expose().as_bytes(),
        )?;
        self.write(environment.as_str(), key.key_id.as_bytes())?;
        // The replaced key's entry goes too, so the keychain holds one key per environment.
        if let Some(old) = previous.and_then(|p| String::from_utf8(p).ok())
            && old != key.key_id
        {
            self.remove(&key_account(environment, &old))?;
        }
        Ok(())
    }

    fn delete(&self, environment: DeskEnvironment) -> Result<bool, CredentialError> {
        let Some(current) = self.read(environment.as_str())? else {
            return Ok(false);
        };
        if let Ok(key_id) = String::from_utf8(current) {
            self.remove(&key_account(environment, &key_id))?;
        }
        self.remove(environment.as_str())
    }
}

/// A keyring failure as a stable, secret-free error.
fn classify(e: keyring::Error) -> CredentialError {
    match e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            CredentialError::Unavailable(
                "the system keychain is not reachable (on Linux, a Secret Service such as \
                 GNOME Keyring or KWallet must be running and unlocked)"
                    .to_owned(),
            )
        }
        keyring::Error::TooLong(what, _) => {
            CredentialError::Backend(format!("the keychain refused an entry: {what} is too long"))
        }
        keyring::Error::Invalid(what, _) => {
            CredentialError::Backend(format!("the keychain refused an entry: invalid {what}"))
        }
        keyring::Error::Ambiguous(_) => CredentialError::Backend(
            "the keychain holds several entries for one key; remove the duplicates".to_owned(),
        ),
        keyring::Error::BadEncoding(_) => {
            CredentialError::Backend("a keychain entry is not in the expected form".to_owned())
        }
        keyring::Error::NoEntry => CredentialError::Backend("the entry is missing".to_owned()),
        _ => CredentialError::Backend("the keychain failed".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_errors_become_stable_messages_without_their_text() {
        let e = classify(keyring::Error::NoStorageAccess(Box::new(
            std::io::Error::other("org.freedesktop.DBus.Error.ServiceUnknown: secret-1234"),
        )));
        assert!(matches!(e, CredentialError::Unavailable(_)), "{e:?}");
        assert!(
            !e.to_string().contains("secret-1234"),
            "raw backend text is not echoed: {e}"
        );
    }
}
