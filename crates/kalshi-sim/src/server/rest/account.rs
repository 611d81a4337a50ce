//! `/account/limits`: the caller's usage tier and token buckets, as Kalshi documents them
//! (kalshi-api.md §3.10, §4.3). The simulator enforces none of them; it reports them so
//! clients can size their own limiters, as they would against Kalshi.

use axum::Json;
use axum::extract::State;
use kalshi::model::account::{BucketLimit, GetAccountApiLimitsResponse};

use crate::server::state::SharedState;

/// Kalshi's API usage tiers (what [`crate::SimConfig::usage_tier`] reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UsageTier {
    /// Every account starts here.
    #[default]
    Basic,
    /// Self-serve upgrade.
    Advanced,
    /// Earned from volume.
    Expert,
    /// Earned from volume.
    Premier,
    /// Earned from volume.
    Paragon,
    /// Earned from volume.
    Prime,
    /// Earned from volume.
    Prestige,
}

impl UsageTier {
    /// The wire name (`usage_tier`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Basic => "basic",
            Self::Advanced => "advanced",
            Self::Expert => "expert",
            Self::Premier => "premier",
            Self::Paragon => "paragon",
            Self::Prime => "prime",
            Self::Prestige => "prestige",
        }
    }

    /// Read and write buckets: refill = the tier's tokens per second; capacity = 2 s of
    /// budget for Basic/Advanced reads and every write above Basic, else 1 s.
    pub const fn buckets(self) -> (BucketLimit, BucketLimit) {
        let (read, write) = match self {
            Self::Basic => (200, 100),
            Self::Advanced => (300, 300),
            Self::Expert => (600, 600),
            Self::Premier => (1_000, 1_000),
            Self::Paragon => (2_000, 2_000),
            Self::Prime => (4_000, 4_000),
            Self::Prestige => (10_000, 8_000),
        };
        let read_seconds = if matches!(self, Self::Basic | Self::Advanced) {
            2
        } else {
            1
        };
        let write_seconds = if matches!(self, Self::Basic) { 1 } else { 2 };
        (
            BucketLimit {
                refill_rate: read,
                bucket_capacity: read * read_seconds,
            },
            BucketLimit {
                refill_rate: write,
                bucket_capacity: write * write_seconds,
            },
        )
    }
}

/// `GET /account/limits` (auth).
pub(crate) async fn limits(State(state): State<SharedState>) -> Json<GetAccountApiLimitsResponse> {
    let tier = state.settings.usage_tier;
    let (read, write) = tier.buckets();
    Json(GetAccountApiLimitsResponse {
        usage_tier: tier.as_str().to_owned(),
        read,
        write,
        grants: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_follow_the_documented_table() {
        let (read, write) = UsageTier::Basic.buckets();
        assert_eq!((read.refill_rate, read.bucket_capacity), (200, 400));
        assert_eq!((write.refill_rate, write.bucket_capacity), (100, 100));
        let (read, write) = UsageTier::Premier.buckets();
        assert_eq!((read.refill_rate, read.bucket_capacity), (1_000, 1_000));
        assert_eq!((write.refill_rate, write.bucket_capacity), (1_000, 2_000));
        assert_eq!(UsageTier::Prestige.buckets().1.refill_rate, 8_000);
    }
}
