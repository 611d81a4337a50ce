//! `/series*`: the series list (category and tag filters) and one series.

use axum::Json;
use axum::extract::State;
use kalshi::model::Count;
use kalshi::model::series::{
    GetSeriesListParams, GetSeriesListResponse, GetSeriesParams, GetSeriesResponse,
};

use crate::engine::Engine;
use crate::server::convert;
use crate::server::error::{ApiError, ApiResult};
use crate::server::extract::{PathParam, QueryParams};
use crate::server::state::SharedState;

/// Contracts traded across every market of a series.
fn volume(engine: &Engine, series: &str) -> Count {
    Count::from_units(
        engine
            .markets()
            .iter()
            .filter(|m| m.spec().series_ticker == series)
            .map(|m| m.volume().units())
            .sum(),
    )
}

/// `GET /series`.
pub(crate) async fn list(
    State(state): State<SharedState>,
    QueryParams(params): QueryParams<GetSeriesListParams>,
) -> ApiResult<Json<GetSeriesListResponse>> {
    let tags: Vec<&str> = params
        .tags
        .as_deref()
        .map(|t| {
            t.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let with_volume = params.include_volume.unwrap_or(false);
    let catalog = state.catalog();
    let series = state.read(|engine, _| {
        catalog
            .series()
            .iter()
            .filter(|s| params.category.as_ref().is_none_or(|c| *c == s.category))
            .filter(|s| tags.is_empty() || s.tags.iter().any(|t| tags.contains(&t.as_str())))
            .map(|s| convert::series(s, with_volume.then(|| volume(engine, &s.ticker))))
            .collect()
    });
    Ok(Json(GetSeriesListResponse { series }))
}

/// `GET /series/{series_ticker}`.
pub(crate) async fn get(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
    QueryParams(params): QueryParams<GetSeriesParams>,
) -> ApiResult<Json<GetSeriesResponse>> {
    let catalog = state.catalog();
    let spec = catalog
        .series_by_ticker(&ticker)
        .ok_or_else(|| ApiError::not_found(format!("no series with ticker {ticker:?}")))?;
    let with_volume = params.include_volume.unwrap_or(false);
    let volume = with_volume.then(|| state.read(|engine, _| volume(engine, &ticker)));
    Ok(Json(GetSeriesResponse {
        series: convert::series(spec, volume),
    }))
}
