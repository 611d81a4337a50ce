//! Account endpoints: the caller's rate-limit buckets (`GET /account/limits`), which let
//! the client size its limiter to the account's real tier instead of the Basic default.

use super::client::{Call, Client};
use super::error::Error;
use super::rate_limit::Tier;
use crate::model::account::GetAccountApiLimitsResponse;

impl Client {
    /// `GET /account/limits`: the account's usage tier and token buckets.
    ///
    /// # Errors
    /// [`Error::NoCredentials`] without credentials; otherwise any [`Error`] of the send path.
    pub async fn account_limits(&self) -> Result<GetAccountApiLimitsResponse, Error> {
        self.send(Call::get("/account/limits").signed()).await
    }

    /// Reads the account's limits and makes the limiter enforce them: a Premier account
    /// is then not held to Basic's 20 reads per second. Returns the tier now in force.
    ///
    /// # Errors
    /// As [`Client::account_limits`]; the tier is unchanged then.
    pub async fn adopt_account_tier(&self) -> Result<Tier, Error> {
        let limits = self.account_limits().await?;
        let tier = Tier::from_limits(&limits);
        self.set_tier(tier);
        tracing::info!(usage_tier = %limits.usage_tier, ?tier, "rate limits adopted from the account");
        Ok(tier)
    }
}
