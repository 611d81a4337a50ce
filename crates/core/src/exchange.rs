//! How a session reaches its exchange: the API key from the credential store (made on
//! first run for the Simulator), the embedded or external simulator with the key
//! registered, and the URLs of Demo and Production.

use std::sync::Arc;

use kalshi::auth::{Credentials, PrivateKey};
use kalshi::env::Environment;
use kalshi_sim::server::AdminToken;
use kalshi_sim::{SimConfig, SimHandle, Simulator};

use crate::config::{SessionConfig, SimulatorSetup};
use crate::credentials::{CredentialStore, StoredKey};
use crate::environment::DeskEnvironment;
use crate::error::CoreError;

/// RSA size of the simulator key made on first run.
const SIMULATOR_KEY_BITS: usize = 2048;

/// Prefix of the simulator key id (the rest is random, so ids never collide).
const SIMULATOR_KEY_PREFIX: &str = "desk-sim-";

/// Where and as whom a session trades.
#[derive(Debug)]
pub(crate) struct Endpoint {
    /// REST and WebSocket URLs.
    pub environment: Environment,
    /// Key id and signer.
    pub credentials: Credentials,
    /// The embedded simulator, if this session started one (stopped on close).
    pub simulator: Option<SimHandle>,
}

/// Resolves the key and the exchange of `config`.
///
/// # Errors
/// [`CoreError::NoCredentials`] on Demo/Production without a stored key;
/// [`CoreError::Credentials`] or [`CoreError::InvalidKey`] for an unusable store or key;
/// [`CoreError::Simulator`] if the embedded simulator does not start.
pub(crate) async fn connect(config: &SessionConfig) -> Result<Endpoint, CoreError> {
    let key = load_key(config.environment, config.credentials.clone()).await?;
    let credentials = key.credentials()?;
    let (environment, simulator) = match config.environment {
        DeskEnvironment::Simulator => simulator(config, &key).await?,
        DeskEnvironment::Demo => (
            config.endpoint.clone().unwrap_or_else(Environment::demo),
            None,
        ),
        DeskEnvironment::Production => (
            config
                .endpoint
                .clone()
                .unwrap_or_else(Environment::production),
            None,
        ),
    };
    Ok(Endpoint {
        environment,
        credentials,
        simulator,
    })
}

/// The stored key of `environment`; for the Simulator, one is made and stored on first
/// run (and reused afterwards, so the simulator account keeps its id).
async fn load_key(
    environment: DeskEnvironment,
    store: Arc<dyn CredentialStore>,
) -> Result<StoredKey, CoreError> {
    let result = tokio::task::spawn_blocking(move || -> Result<StoredKey, CoreError> {
        if let Some(key) = store.get(environment)? {
            return Ok(key);
        }
        if environment != DeskEnvironment::Simulator {
            return Err(CoreError::NoCredentials(environment));
        }
        new_simulator_key(store.as_ref())?;
        store
            .get(environment)?
            .ok_or(CoreError::NoCredentials(environment))
    })
    .await;
    result.map_err(|e| CoreError::InvalidRequest(format!("key loading task failed: {e}")))?
}

/// Starts or finds the simulator and registers `key` with it.
async fn simulator(
    session: &SessionConfig,
    key: &StoredKey,
) -> Result<(Environment, Option<SimHandle>), CoreError> {
    let public_pem = key.private_key()?.public_key_pem();
    let embedded = match &session.simulator {
        SimulatorSetup::Embedded(config) => Some((**config).clone()),
        SimulatorSetup::Paper(config) => {
            let path = paper_exchange_path(session, &key.key_id)?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    CoreError::Simulator(format!(
                        "cannot create the paper exchange folder {}: {e}",
                        dir.display()
                    ))
                })?;
            }
            Some(SimConfig {
                state_path: Some(path),
                ..(**config).clone()
            })
        }
        SimulatorSetup::External { .. } => None,
    };
    match (&session.simulator, embedded) {
        (_, Some(config)) => {
            let handle = Simulator::start(config)
                .await
                .map_err(|e| CoreError::Simulator(e.to_string()))?;
            if let Err(e) = handle.register_key(&key.key_id, &public_pem) {
                handle.shutdown().await;
                return Err(CoreError::Simulator(e.to_string()));
            }
            let environment = Environment::custom(&handle.rest_url(), &handle.ws_url())
                .map_err(|e| CoreError::Simulator(e.to_string()))?;
            tracing::info!(addr = %handle.addr(), "embedded simulator started");
            Ok((environment, Some(handle)))
        }
        (
            SimulatorSetup::External {
                base_url,
                admin_token,
            },
            None,
        ) => {
            let base = base_url.trim_end_matches('/');
            let ws_base = if let Some(rest) = base.strip_prefix("https://") {
                format!("wss://{rest}")
            } else if let Some(rest) = base.strip_prefix("http://") {
                format!("ws://{rest}")
            } else {
                return Err(CoreError::InvalidRequest(format!(
                    "simulator URL {base_url:?} must start with http:// or https://"
                )));
            };
            let environment = Environment::custom(
                &format!("{base}{}", kalshi_sim::server::REST_PREFIX),
                &format!("{ws_base}{}", kalshi_sim::server::WS_PATH),
            )
            .map_err(|e| CoreError::InvalidRequest(e.to_string()))?;
            // An unreachable simulator is not fatal: the session opens offline.
            if let Err(e) = register_external(base, admin_token, &key.key_id, &public_pem).await {
                tracing::warn!(error = %e, "could not register the key with the simulator");
            }
            Ok((environment, None))
        }
        (_, None) => Err(CoreError::InvalidRequest(
            "no simulator is configured".to_owned(),
        )),
    }
}

/// Folder of the paper exchanges, beside the store.
const PAPER_DIR: &str = "paper-exchange";

/// The state file of the paper exchange of `key_id`: `paper-exchange/<key id>.sim` in the
/// store's folder. One file per key, so a new key is a new exchange and a new store scope.
///
/// # Errors
/// [`CoreError::InvalidRequest`] for a key id that is not a plain file name.
pub(crate) fn paper_exchange_path(
    config: &SessionConfig,
    key_id: &str,
) -> Result<std::path::PathBuf, CoreError> {
    let plain = !key_id.is_empty()
        && key_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !plain {
        return Err(CoreError::InvalidRequest(format!(
            "the simulator key id {key_id:?} cannot name a paper exchange file"
        )));
    }
    let dir = match config.store_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => std::path::PathBuf::from("."),
    };
    Ok(dir.join(PAPER_DIR).join(format!("{key_id}.sim")))
}

/// Starts a new paper account: a new simulator key (so a new exchange and a new store
/// scope) replaces the stored one. The old scope's rows stay in the store, readable under
/// the old key id, and the old exchange file is kept (nothing reads it unless that key
/// comes back, but deleting a user's history is not this call's business). Refused while
/// a session has the current paper exchange open.
///
/// # Errors
/// [`CoreError::InvalidRequest`] outside the Simulator environment or while the paper
/// exchange is open; [`CoreError::Credentials`] / [`CoreError::InvalidKey`] from the store.
#[tracing::instrument(skip(config), err(Debug))]
pub async fn reset_paper_account(config: &SessionConfig) -> Result<String, CoreError> {
    if config.environment != DeskEnvironment::Simulator {
        return Err(CoreError::InvalidRequest(
            "only the Simulator's paper account can be reset".to_owned(),
        ));
    }
    let store = config.credentials.clone();
    let current = {
        let store = store.clone();
        tokio::task::spawn_blocking(move || store.get(DeskEnvironment::Simulator))
            .await
            .map_err(|e| CoreError::InvalidRequest(format!("key loading task failed: {e}")))??
    };
    // Hold the open exchange's lock while the key changes, so no session opens it halfway.
    let _lock = match &current {
        Some(key) => {
            let path = paper_exchange_path(config, &key.key_id)?;
            match kalshi_sim::persist::StateLock::acquire(&path) {
                Ok(lock) => Some(lock),
                Err(kalshi_sim::persist::LockError::InUse(_)) => {
                    return Err(CoreError::InvalidRequest(
                        "close the Simulator session before resetting the paper account".to_owned(),
                    ));
                }
                // A folder that cannot be locked (e.g. never created) has no open exchange.
                Err(kalshi_sim::persist::LockError::Io { .. }) => None,
            }
        }
        None => None,
    };
    let key = tokio::task::spawn_blocking(move || new_simulator_key(store.as_ref()))
        .await
        .map_err(|e| CoreError::InvalidRequest(format!("key making task failed: {e}")))??;
    tracing::info!(
        old = current.as_ref().map(|k| k.key_id.as_str()),
        new = %key,
        "reset the paper account"
    );
    Ok(key)
}

/// Makes a simulator key and stores it (replacing any); returns its id.
fn new_simulator_key(store: &dyn CredentialStore) -> Result<String, CoreError> {
    let private = PrivateKey::generate(SIMULATOR_KEY_BITS)?;
    let key_id = format!("{SIMULATOR_KEY_PREFIX}{}", uuid::Uuid::new_v4().simple());
    let key = StoredKey::from_private_key(key_id.clone(), &private);
    store.put(DeskEnvironment::Simulator, &key)?;
    tracing::info!(key_id = %key.key_id, "created the simulator API key");
    Ok(key_id)
}

/// `POST {base}/_sim/keys` with the public key, authorized by the admin token.
async fn register_external(
    base: &str,
    admin_token: &AdminToken,
    key_id: &str,
    public_pem: &str,
) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .map_err(|e| e.to_string())?;
    let body = serde_json::json!({ "key_id": key_id, "public_key_pem": public_pem });
    let response = client
        .post(format!("{base}{}/keys", kalshi_sim::server::ADMIN_PREFIX))
        .bearer_auth(admin_token.expose())
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("the simulator answered HTTP {}", response.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MemoryCredentialStore;

    #[tokio::test]
    async fn demo_without_a_key_is_no_credentials() {
        let store: Arc<dyn CredentialStore> = Arc::new(MemoryCredentialStore::new());
        let err = load_key(DeskEnvironment::Demo, store).await.unwrap_err();
        assert!(
            matches!(err, CoreError::NoCredentials(DeskEnvironment::Demo)),
            "{err:?}"
        );
    }
}
