//! Adding an API key: read the pasted PEM, prove it signs, and, where the exchange can be
//! reached, prove the exchange accepts it, all before anything is stored.

use std::time::Duration;

use kalshi::auth::{PrivateKey, RsaPssSigner, Signer as _};
use kalshi::model::Money;
use kalshi::model::portfolio::SubaccountParams;
use kalshi::rest::{Client, Error as RestError};

use crate::credentials::StoredKey;
use crate::environment::DeskEnvironment;
use crate::error::CoreError;

/// How long the exchange gets to answer a key check.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// A key id as the credential stores file it (`<environment>:<key id>` accounts): not
/// blank, no colon, no control characters, at most 200 characters.
///
/// # Errors
/// [`CoreError::InvalidRequest`].
pub fn check_key_id(key_id: &str) -> Result<&str, CoreError> {
    let id = key_id.trim();
    if id.is_empty() || id.len() > 200 || id.chars().any(|c| c == ':' || c.is_control()) {
        return Err(CoreError::InvalidRequest(
            "the API key id must be the id Kalshi showed (no colons, at most 200 characters)"
                .into(),
        ));
    }
    Ok(id)
}

/// Reads a pasted PEM (PKCS#1 or PKCS#8) into the stored form and signs once with it, so
/// a key that cannot sign is refused here rather than on the first order.
///
/// # Errors
/// [`CoreError::InvalidRequest`] for a bad key id, [`CoreError::InvalidKey`] for text that
/// is not a usable RSA private key (the message says what was found, never the text).
pub fn key_from_pem(key_id: &str, pem: &str) -> Result<StoredKey, CoreError> {
    let key_id = check_key_id(key_id)?;
    let key = PrivateKey::from_pem(pem)?;
    let signer = RsaPssSigner::new(&key)?;
    signer
        .sign(b"kalshi-desk key check")
        .map_err(|e| CoreError::Exchange(RestError::from(e)))?;
    Ok(StoredKey::from_private_key(key_id, &key))
}

/// The URLs of a Demo or Production exchange (or `endpoint` instead).
fn exchange_of(
    environment: DeskEnvironment,
    endpoint: Option<kalshi::env::Environment>,
) -> Result<kalshi::env::Environment, CoreError> {
    match (environment, endpoint) {
        (_, Some(endpoint)) => Ok(endpoint),
        (DeskEnvironment::Demo, None) => Ok(kalshi::env::Environment::demo()),
        (DeskEnvironment::Production, None) => Ok(kalshi::env::Environment::production()),
        (DeskEnvironment::Simulator, None) => Err(CoreError::InvalidRequest(
            "the simulator's keys are checked by its open session".into(),
        )),
    }
}

/// Asks the exchange for the account's balance with `key`: proof it accepts the key.
///
/// # Errors
/// [`CoreError::Exchange`] (`auth_rejected` when the exchange refuses the key,
/// `exchange_unavailable` when it cannot be reached), [`CoreError::InvalidKey`].
pub async fn check_key(
    environment: DeskEnvironment,
    endpoint: Option<kalshi::env::Environment>,
    key: &StoredKey,
) -> Result<Money, CoreError> {
    let client = Client::builder(exchange_of(environment, endpoint)?)
        .credentials(key.credentials()?)
        .timeout(CHECK_TIMEOUT)
        .build()?;
    let balance = client.balance(&SubaccountParams::default()).await?;
    Ok(balance.balance_dollars)
}

/// Whether a key check failed only because the exchange could not be reached (then the
/// key may be saved and is checked again when the environment opens).
pub fn unreachable(e: &CoreError) -> bool {
    matches!(
        e,
        CoreError::Exchange(RestError::Transport(_) | RestError::Timeout)
    ) || matches!(e, CoreError::Exchange(r) if r.status().is_some_and(|s| s >= 500))
}

impl crate::session::Session {
    /// Tests the session's own key with one signed read (the balance).
    ///
    /// # Errors
    /// [`CoreError::Closed`], or the exchange's error (`auth_rejected`, ...).
    pub async fn check_own_key(&self) -> Result<Money, CoreError> {
        let shared = self.open_shared()?;
        let balance = shared
            .link
            .client
            .balance(&SubaccountParams::default())
            .await?;
        Ok(balance.balance_dollars)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{AppError, ErrorCode};

    #[test]
    fn bad_pems_and_ids_are_refused_with_their_codes() {
        let e = key_from_pem("key-1", "not a key").unwrap_err();
        let app = AppError::from(&e);
        assert_eq!(app.code, ErrorCode::InvalidKey);
        assert!(!app.message.contains("not a key"), "{}", app.message);
        for bad in ["", "  ", "a:b"] {
            let e = key_from_pem(bad, "x").unwrap_err();
            assert_eq!(
                AppError::from(&e).code,
                ErrorCode::InvalidRequest,
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_real_key_becomes_its_stored_form() {
        let key = PrivateKey::generate(2048).unwrap();
        let pem = key.to_pkcs8_pem();
        let stored = key_from_pem(" key-1 ", pem.expose()).unwrap();
        assert_eq!(stored.key_id, "key-1");
        assert_eq!(
            stored.private_key().unwrap().public_key_pem(),
            key.public_key_pem()
        );
    }
}
