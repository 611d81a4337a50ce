//! API account limits: `GET /account/limits` (the caller's rate-limit buckets, so the
//! client can size its token buckets) and `GET /account/endpoint_costs`.

use serde::{Deserialize, Serialize};

use super::wire_enum::wire_enum;

/// One token bucket: refill per second and burst capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketLimit {
    /// Tokens added per second.
    pub refill_rate: u64,
    /// Maximum tokens held (burst headroom above `refill_rate`).
    pub bucket_capacity: u64,
}

wire_enum! {
    /// Exchange lane a usage-level grant applies to.
    pub enum ExchangeInstance {
        /// The event-contract exchange (this API).
        EventContract => "event_contract",
        /// The margined (perps) exchange.
        Margined => "margined",
    }
}

/// A usage-level (tier) grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiUsageLevelGrant {
    /// Lane the grant applies to.
    pub exchange_instance: ExchangeInstance,
    /// Tier granted, e.g. `"premier"`.
    pub level: String,
    /// Expiry, Unix seconds; `None` for a permanent grant.
    #[serde(default)]
    pub expires_ts: Option<i64>,
    /// `"volume"` (earned) or `"manual"` (assigned).
    pub source: String,
}

/// `GET /account/limits` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccountApiLimitsResponse {
    /// Effective tier, e.g. `"basic"`, `"advanced"`, `"premier"` (free text: tiers get added).
    pub usage_tier: String,
    /// Read bucket (GETs).
    pub read: BucketLimit,
    /// Write bucket (order entry, order groups, ...).
    pub write: BucketLimit,
    /// Active grants.
    #[serde(default)]
    pub grants: Vec<ApiUsageLevelGrant>,
}

/// Token cost of one endpoint whose cost differs from the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointTokenCost {
    /// HTTP method, e.g. `"DELETE"`.
    pub method: String,
    /// Route with placeholders, e.g. `/trade-api/v2/portfolio/events/orders/{order_id}`.
    pub path: String,
    /// Tokens per call.
    pub cost: u64,
}

/// `GET /account/endpoint_costs` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetAccountEndpointCostsResponse {
    /// Cost of every endpoint not listed (currently 10).
    pub default_cost: u64,
    /// Endpoints with a non-default cost.
    pub endpoint_costs: Vec<EndpointTokenCost>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::test_support::{assert_canonical, decode_err};

    /// The example of kalshi-api.md §3.10.
    #[test]
    fn limits_doc_example_is_canonical() {
        let r: GetAccountApiLimitsResponse = assert_canonical(
            r#"{ "usage_tier": "basic", "read": { "refill_rate": 200, "bucket_capacity": 400 },
  "write": { "refill_rate": 100, "bucket_capacity": 100 }, "grants": [ { "exchange_instance": "event_contract",
  "level": "premier", "expires_ts": 1751558400, "source": "volume" } ] }"#,
        );
        assert_eq!(r.usage_tier, "basic");
        assert_eq!(
            r.read,
            BucketLimit {
                refill_rate: 200,
                bucket_capacity: 400
            }
        );
        assert_eq!(r.write.bucket_capacity, 100);
        assert_eq!(
            r.grants[0].exchange_instance,
            ExchangeInstance::EventContract
        );
        assert_eq!(r.grants[0].expires_ts, Some(1_751_558_400));
    }

    #[test]
    fn unknown_exchange_instance_names_the_field() {
        let err = decode_err::<GetAccountApiLimitsResponse>(
            r#"{"usage_tier":"basic","read":{"refill_rate":1,"bucket_capacity":1},
                "write":{"refill_rate":1,"bucket_capacity":1},
                "grants":[{"exchange_instance":"fx","level":"x","source":"manual"}]}"#,
        );
        assert_eq!(err.path, "grants[0].exchange_instance");
    }

    /// The example of kalshi-api.md §3.10.
    #[test]
    fn endpoint_costs_doc_example_is_canonical() {
        let r: GetAccountEndpointCostsResponse = assert_canonical(
            r#"{ "default_cost": 10, "endpoint_costs": [ { "method": "DELETE",
  "path": "/trade-api/v2/portfolio/events/orders/{order_id}", "cost": 2 } ] }"#,
        );
        assert_eq!(r.default_cost, 10);
        assert_eq!(r.endpoint_costs[0].cost, 2);
    }
}
