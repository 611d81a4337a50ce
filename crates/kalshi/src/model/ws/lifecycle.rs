//! Lifecycle payloads of the `market_lifecycle_v2` channel: `market_lifecycle_v2`,
//! `event_lifecycle`, `event_fee_update` (also used by `multivariate_market_lifecycle`).

use serde::{Deserialize, Serialize};

use super::vocab::MarketLifecycleEvent;
use crate::model::market::MarketResult;
use crate::model::price_range::PriceRange;
use crate::model::{Price, empty_as_none};

/// `market_lifecycle_v2`: a market was created, paused, resumed, re-timed, determined,
/// settled or re-described. Which optional keys are present depends on `event_type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketLifecycle {
    /// The market.
    pub market_ticker: String,
    /// What happened.
    pub event_type: MarketLifecycleEvent,
    /// Matching-engine shard (on `created`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<u32>,
    /// Open time, Unix seconds (on `created`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_ts: Option<i64>,
    /// Close time, Unix seconds (on `created`, `close_date_updated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_ts: Option<i64>,
    /// The result (on `determined`; `""` decodes as `Undetermined`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<MarketResult>,
    /// When the result was determined, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub determination_ts: Option<i64>,
    /// Payout per YES contract in dollars (on `determined`).
    #[serde(
        default,
        with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub settlement_value: Option<Price>,
    /// When it settled, Unix seconds (on `settled`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_ts: Option<i64>,
    /// Paused or not (on `activated`/`deactivated`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_deactivated: Option<bool>,
    /// Label of the tick structure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_level_structure: Option<String>,
    /// The authoritative tick grid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price_ranges: Option<Vec<PriceRange>>,
    /// Strike type (`greater`, `between`, ...; metadata updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_type: Option<String>,
    /// Lower strike (a plain number, not money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor_strike: Option<serde_json::Number>,
    /// Upper strike (a plain number, not money).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_strike: Option<serde_json::Number>,
    /// Structured strike of custom markets, kept as sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_strike: Option<serde_json::Value>,
    /// YES subtitle (metadata updates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yes_sub_title: Option<String>,
    /// Titles, rules and strikes of a new market, kept as sent (free-form, only shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_metadata: Option<serde_json::Value>,
}

/// `event_lifecycle`: an event was created or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLifecycle {
    /// The event.
    pub event_ticker: String,
    /// Matching-engine shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<u32>,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Subtitle (LEGACY name `sub_title`).
    #[serde(default, alias = "sub_title", skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// How collateral is returned (`MECNET`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collateral_return_type: Option<String>,
    /// The parent series.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series_ticker: Option<String>,
    /// Strike date, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_date: Option<i64>,
    /// Strike period label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strike_period: Option<String>,
}

/// `event_fee_update`: the fee schedule of an event changed; `None` means the override
/// was cleared (sent as `null`, so it is always written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventFeeUpdate {
    /// The event.
    pub event_ticker: String,
    /// Fee type override (`quadratic`, ...), `None` when cleared.
    #[serde(default)]
    pub fee_type_override: Option<String>,
    /// Fee multiplier override (a plain number), `None` when cleared.
    #[serde(default)]
    pub fee_multiplier_override: Option<serde_json::Number>,
}
