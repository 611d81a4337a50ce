//! How a session reaches its exchange: the API key from the credential store (made on
//! first run for the Simulator), the embedded or external simulator with the key
//! registered, and the URLs of Demo and Production.

use std::sync::Arc;

use kalshi::auth::{Credentials, PrivateKey};
use kalshi::env::Environment;
use kalshi_sim::server::AdminToken;
use kalshi_sim::{SimHandle, Simulator};

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
        DeskEnvironment::Simulator => simulator(&config.simulator, &key).await?,
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
        let private = PrivateKey::generate(SIMULATOR_KEY_BITS)?;
        let key_id = format!("{SIMULATOR_KEY_PREFIX}{}", uuid::Uuid::new_v4().simple());
        let key = StoredKey::from_private_key(key_id, &private);
        store.put(environment, &key)?;
        tracing::info!(key_id = %key.key_id, "created the simulator API key");
        Ok(key)
    })
    .await;
    result.map_err(|e| CoreError::InvalidRequest(format!("key loading task failed: {e}")))?
}

/// Starts or finds the simulator and registers `key` with it.
async fn simulator(
    setup: &SimulatorSetup,
    key: &StoredKey,
) -> Result<(Environment, Option<SimHandle>), CoreError> {
    let public_pem = key.private_key()?.public_key_pem();
    match setup {
        SimulatorSetup::Embedded(config) => {
            let handle = Simulator::start((**config).clone())
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
        SimulatorSetup::External {
            base_url,
            admin_token,
        } => {
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
    }
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
