//! The credential operations behind the key commands, on [`AppState`]: where keys go,
//! how they are checked, and reading a key file the person picked.

use std::path::Path;

use desk_core::{
    AppError, CoreError, CredentialError, CredentialStore as _, DeskEnvironment, ErrorCode,
    StoredKey, keys,
};
use ipc::commands::credentials::{KeyInfo, KeyList, KeyStorage, KeyTestResult, PrivateKeyPem};

use crate::state::AppState;

/// Largest key file read (an RSA-4096 PEM is about 3.3 KB).
const MAX_KEY_FILE: u64 = 64 * 1024;

fn now_ms() -> i64 {
    desk_core::ipc_view::ms(time::OffsetDateTime::now_utc())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, CredentialError> + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::new(ErrorCode::Internal, format!("keychain task failed: {e}")))?
        .map_err(|e| CoreError::from(e).into())
}

impl AppState {
    /// Every stored key (public ids only) and whether a keychain exists.
    ///
    /// # Errors
    /// The keychain's failure.
    pub async fn list_keys(&self) -> Result<KeyList, AppError> {
        let ring = self.keys.clone();
        let keys = blocking(move || {
            let mut keys = Vec::new();
            for environment in DeskEnvironment::ALL {
                if let Some((key_id, storage)) = ring.storage_of(environment)? {
                    keys.push(KeyInfo {
                        environment: environment.to_ui(),
                        key_id,
                        storage,
                    });
                }
            }
            Ok(keys)
        })
        .await?;
        Ok(KeyList {
            keys,
            keychain_available: self.keys.keychain_available(),
        })
    }

    /// The text of a key file the person picked.
    ///
    /// # Errors
    /// `invalid_request` for a relative path, a missing, unreadable or oversized file
    /// (the message names the path, never the content).
    pub async fn read_key_file(&self, path: &str) -> Result<PrivateKeyPem, AppError> {
        let file = Path::new(path);
        let invalid = |why: String| AppError::new(ErrorCode::InvalidRequest, why);
        if !file.is_absolute() {
            return Err(invalid(format!(
                "The key file path {path:?} is not absolute."
            )));
        }
        let meta = tokio::fs::metadata(file)
            .await
            .map_err(|e| invalid(format!("The key file {path:?} cannot be read: {e}.")))?;
        if !meta.is_file() || meta.len() > MAX_KEY_FILE {
            return Err(invalid(format!(
                "{path:?} is not a key file (a PEM file of at most 64 KB)."
            )));
        }
        let text = tokio::fs::read_to_string(file)
            .await
            .map_err(|_| invalid(format!("The key file {path:?} is not a text (PEM) file.")))?;
        Ok(PrivateKeyPem::new(text))
    }

    /// Checks `key` with the exchange of `environment` (not the Simulator's, which learns
    /// its keys when it opens) and stores it where asked.
    ///
    /// # Errors
    /// `keychain_unavailable` for keychain storage without a keychain; the exchange's
    /// refusal (`auth_rejected`); the keychain's failure. Nothing is stored on any error.
    pub async fn add_key(
        &self,
        environment: DeskEnvironment,
        key: StoredKey,
        storage: KeyStorage,
    ) -> Result<KeyInfo, AppError> {
        if storage == KeyStorage::Keychain && !self.keys.keychain_available() {
            return Err(AppError::new(
                ErrorCode::KeychainUnavailable,
                "No system keychain is available on this computer (on Linux, a Secret Service \
                 such as GNOME Keyring must be running). Keep the key for this session only \
                 instead: it is forgotten when the app exits.",
            ));
        }
        if environment != DeskEnvironment::Simulator {
            match keys::check_key(environment, self.endpoint(environment), &key).await {
                Ok(_) => {}
                Err(e) if keys::unreachable(&e) => {
                    tracing::warn!(%environment, "the exchange is unreachable; saving the key unchecked");
                }
                Err(e) => return Err(e.into()),
            }
        }
        let ring = self.keys.clone();
        let key_id = key.key_id.clone();
        blocking(move || ring.put_in(environment, &key, storage)).await?;
        tracing::info!(%environment, key_id = %key_id, ?storage, "API key saved");
        Ok(KeyInfo {
            environment: environment.to_ui(),
            key_id,
            storage,
        })
    }

    /// One signed read with `environment`'s key.
    ///
    /// # Errors
    /// `no_credentials` without a key; the exchange's refusal; `invalid_request` for the
    /// Simulator while another environment is open.
    pub async fn test_key(&self, environment: DeskEnvironment) -> Result<KeyTestResult, AppError> {
        let ring = self.keys.clone();
        let Some((key_id, storage)) = blocking(move || ring.storage_of(environment)).await? else {
            return Err(CoreError::NoCredentials(environment).into());
        };
        let session = self.session().await.ok();
        let balance = match session.filter(|s| s.environment() == environment) {
            Some(session) => session.check_own_key().await?,
            None if environment == DeskEnvironment::Simulator => {
                return Err(AppError::new(
                    ErrorCode::InvalidRequest,
                    "Open the Simulator to test its key.",
                ));
            }
            None => {
                let ring = self.keys.clone();
                let key = blocking(move || ring.get(environment))
                    .await?
                    .ok_or(CoreError::NoCredentials(environment))?;
                keys::check_key(environment, self.endpoint(environment), &key).await?
            }
        };
        Ok(KeyTestResult {
            key: KeyInfo {
                environment: environment.to_ui(),
                key_id,
                storage,
            },
            balance,
            tested_ms: now_ms(),
        })
    }

    /// Removes `environment`'s key from both places.
    ///
    /// # Errors
    /// The keychain's failure.
    pub async fn remove_key(&self, environment: DeskEnvironment) -> Result<bool, AppError> {
        let ring = self.keys.clone();
        blocking(move || ring.delete(environment)).await
    }
}
