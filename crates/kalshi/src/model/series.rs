//! Series (recurring event templates): the `Series` object and `GET /series[/{ticker}]`.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::Count;
use super::event::SettlementSource;
use super::page::paginated;
use super::query::QueryPairs;
use super::wire_enum::wire_enum;

wire_enum! {
    /// Fee structure of a series (Kalshi's fee schedule); decides whether makers pay.
    pub enum FeeType {
        /// Taker fee ∝ P(1−P); makers free.
        Quadratic => "quadratic",
        /// Quadratic fees for takers and makers.
        QuadraticWithMakerFees => "quadratic_with_maker_fees",
        /// Quadratic with maker fees on combo markets.
        QuadraticWithComboMakerFees => "quadratic_with_combo_maker_fees",
        /// Flat fee.
        Flat => "flat",
    }
}

/// A series: the recurring template events are made from, with category and fee terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Series ticker, e.g. `KXHIGHNY`.
    pub ticker: String,
    /// Human-readable frequency, e.g. `"daily"`.
    pub frequency: String,
    /// Title.
    pub title: String,
    /// Primary category, e.g. `"Climate and Weather"`.
    pub category: String,
    /// Discovery categories (may be empty).
    #[serde(default)]
    pub categories: Vec<String>,
    /// Subject tags.
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    /// Sources used to determine outcomes.
    #[serde(default)]
    pub settlement_sources: Option<Vec<SettlementSource>>,
    /// Link to the original contract filing.
    pub contract_url: String,
    /// Link to the current contract terms.
    pub contract_terms_url: String,
    /// Free-form product metadata.
    #[serde(default)]
    pub product_metadata: Option<serde_json::Value>,
    /// Fee structure.
    pub fee_type: FeeType,
    /// Multiplier applied to the fee formula (a JSON number kept exactly).
    pub fee_multiplier: serde_json::Number,
    /// Extra trading prohibitions.
    #[serde(default)]
    pub additional_prohibitions: Option<Vec<String>>,
    /// Contracts traded across the series (only with `include_volume=true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_fp: Option<Count>,
    /// Last metadata update.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated_ts: Option<OffsetDateTime>,
    /// Exchange shard of the series' markets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

/// `GET /series/{series_ticker}` response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetSeriesResponse {
    /// The series.
    pub series: Series,
}

/// `GET /series` response (not paginated: one page holds everything).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetSeriesListResponse {
    /// All matching series.
    pub series: Vec<Series>,
}

paginated!(GetSeriesListResponse, series, Series, no_cursor);

/// Query of `GET /series`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetSeriesListParams {
    /// Only series with this category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Only series with these tags (Kalshi's own comma-separated text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<String>,
    /// Include `product_metadata`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_product_metadata: Option<bool>,
    /// Include `volume_fp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_volume: Option<bool>,
    /// Only series updated at or after (Unix seconds).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_updated_ts: Option<i64>,
}

impl GetSeriesListParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("category", self.category.as_ref())
            .opt("tags", self.tags.as_ref())
            .opt(
                "include_product_metadata",
                self.include_product_metadata.as_ref(),
            )
            .opt("include_volume", self.include_volume.as_ref())
            .opt("min_updated_ts", self.min_updated_ts.as_ref())
            .finish()
    }
}

/// Query of `GET /series/{series_ticker}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GetSeriesParams {
    /// Include `volume_fp`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_volume: Option<bool>,
}

impl GetSeriesParams {
    /// The query pairs to send, absent values skipped.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        QueryPairs::new()
            .opt("include_volume", self.include_volume.as_ref())
            .finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Paginated;
    use crate::model::query::tests::assert_query_matches_serde;
    use crate::model::test_support::{assert_canonical, decode_err};

    const SERIES: &str = include_str!("../../test_data/rest/series_list.json");

    #[test]
    fn series_fixture_is_canonical() {
        let r: GetSeriesListResponse = assert_canonical(SERIES);
        let s = &r.series[0];
        assert_eq!(s.ticker, "KXHIGHNY");
        assert_eq!(s.category, "Climate and Weather");
        assert_eq!(s.fee_type, FeeType::Quadratic);
        assert_eq!(s.fee_multiplier.to_string(), "1");
        assert_eq!(s.volume_fp, Some(Count::parse("1523400.00").unwrap()));
        assert_eq!(r.series[1].fee_type, FeeType::QuadraticWithMakerFees);
        assert_eq!(r.series[1].tags, None);
        assert_eq!(r.cursor(), None, "the series list is a single page");
        assert_eq!(r.into_items().len(), 2);
    }

    #[test]
    fn unknown_fee_type_fails_naming_the_field() {
        let mut v: serde_json::Value = serde_json::from_str(SERIES).unwrap();
        v["series"][1]["fee_type"] = serde_json::json!("cubic");
        let err = decode_err::<GetSeriesListResponse>(&v.to_string());
        assert_eq!(err.path, "series[1].fee_type");
    }

    #[test]
    fn single_series_response() {
        let v: serde_json::Value = serde_json::from_str(SERIES).unwrap();
        let json = serde_json::json!({ "series": v["series"][0] }).to_string();
        let r: GetSeriesResponse = assert_canonical(&json);
        assert_eq!(r.series.frequency, "daily");
    }

    #[test]
    fn params_to_query() {
        let params = GetSeriesListParams {
            category: Some("Economics".into()),
            include_volume: Some(true),
            ..Default::default()
        };
        let q = params.to_query();
        assert_eq!(
            q,
            vec![
                ("category", "Economics".to_owned()),
                ("include_volume", "true".to_owned())
            ]
        );
        assert_query_matches_serde(&params, &q);
        let one = GetSeriesParams {
            include_volume: Some(true),
        };
        assert_query_matches_serde(&one, &one.to_query());
    }
}
