//! The REST rate-limit tier of a session: Kalshi's Basic (the safe default) until the
//! account's real limits are read, when the exchange first answers, so a Premier account
//! is not held to Basic's 20 reads per second.

use crate::environment::DeskEnvironment;
use crate::shared::Shared;

/// Reads the account's limits and sizes the client's limiter to them, on Demo and
/// Production unless [`crate::Tuning::tier`] fixed a tier (the simulator enforces none).
/// A failure keeps the tier in force: it only costs speed.
pub(crate) async fn adopt_account_tier(shared: &Shared) {
    if shared.tuning.tier.is_some() || shared.env == DeskEnvironment::Simulator {
        return;
    }
    if let Err(e) = shared.link.client.adopt_account_tier().await {
        tracing::warn!(
            error = %e,
            tier = ?shared.link.client.tier(),
            "account limits unavailable; keeping the current rate-limit tier"
        );
    }
}
