//! Admin routes under `/_sim` (outside `/trade-api`, for tests and tools; mounted only
//! with `SimConfig::admin_routes`, behind the admin token of [`super::admin_guard`]):
//! the fault plan, market lifecycle (close / determine / settle / pause / activate),
//! activity steps, the sim clock, key registration, and the historical cutoff.

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::archive::{CutoffPatch, HistoricalCutoff};
use super::error::{ApiError, ApiResult};
use super::extract::{JsonBody, PathParam};
use super::faults::{FaultPatch, FaultPlan};
use super::state::SharedState;
use crate::engine::Outcome;
use crate::lifecycle::MarketResult;

/// Body of `POST /_sim/markets/{ticker}/determine`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DetermineRequest {
    /// `"yes"` or `"no"`.
    pub result: String,
}

/// Body of `POST /_sim/activity/step` (all optional).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct StepRequest {
    /// Activity messages to generate (default 1).
    pub steps: Option<u32>,
}

/// Body of `POST /_sim/clock/advance`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct AdvanceRequest {
    /// Milliseconds to move sim time forward.
    pub ms: u64,
}

/// Body of `POST /_sim/keys`.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RegisterKeyRequest {
    /// The API key id clients will send.
    pub key_id: String,
    /// The public key (SPKI or PKCS#1 PEM).
    pub public_key_pem: String,
}

/// What the lifecycle, activity and clock routes answer.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct AdminReply {
    /// Engine events the call produced (published to WS subscribers).
    pub events: usize,
    /// Sim time after the call (Unix ms).
    pub now_ms: i64,
}

/// The `/_sim` router.
pub(crate) fn router() -> Router<SharedState> {
    Router::new()
        .route(
            "/faults",
            get(get_faults).post(patch_faults).delete(reset_faults),
        )
        .route("/markets/{ticker}/close", post(close))
        .route("/markets/{ticker}/determine", post(determine))
        .route("/markets/{ticker}/settle", post(settle))
        .route("/markets/{ticker}/pause", post(pause))
        .route("/markets/{ticker}/activate", post(activate))
        .route("/activity/step", post(step))
        .route("/clock/advance", post(advance))
        .route("/keys", post(register_key))
        .route("/historical/cutoff", post(set_cutoff))
}

async fn set_cutoff(
    State(state): State<SharedState>,
    JsonBody(patch): JsonBody<CutoffPatch>,
) -> ApiResult<Json<HistoricalCutoff>> {
    state
        .archive
        .apply(&patch)
        .map(Json)
        .map_err(|e| ApiError::invalid_parameters(e.to_string()))
}

async fn get_faults(State(state): State<SharedState>) -> Json<FaultPlan> {
    Json(state.faults.plan())
}

async fn patch_faults(
    State(state): State<SharedState>,
    JsonBody(patch): JsonBody<FaultPatch>,
) -> ApiResult<Json<FaultPlan>> {
    state
        .faults
        .apply(&patch, u64::try_from(state.clock.now_ms()).unwrap_or(0))
        .map(Json)
        .map_err(|e| ApiError::invalid_parameters(e.to_string()))
}

async fn reset_faults(State(state): State<SharedState>) -> ApiResult<Json<FaultPlan>> {
    let patch = FaultPatch {
        reset: true,
        ..FaultPatch::default()
    };
    state
        .faults
        .apply(&patch, 0)
        .map(Json)
        .map_err(|e| ApiError::invalid_parameters(e.to_string()))
}

/// Runs a lifecycle call and reports how many events it published.
fn lifecycle(
    state: &SharedState,
    f: impl FnOnce(
        &mut crate::engine::Engine,
        i64,
    ) -> Result<Vec<crate::engine::Event>, crate::SimError>,
) -> ApiResult<Json<AdminReply>> {
    let (events, now) = state.mutate(|engine, now| {
        let events = f(engine, now)?;
        Ok::<_, crate::SimError>(Outcome {
            value: (events.len(), now),
            events,
        })
    })?;
    Ok(Json(AdminReply {
        events,
        now_ms: now,
    }))
}

async fn close(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
) -> ApiResult<Json<AdminReply>> {
    lifecycle(&state, |e, now| e.close_market(&ticker, now))
}

async fn determine(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
    JsonBody(req): JsonBody<DetermineRequest>,
) -> ApiResult<Json<AdminReply>> {
    let result = match req.result.as_str() {
        "yes" => MarketResult::Yes,
        "no" => MarketResult::No,
        other => {
            return Err(ApiError::invalid_parameters(format!(
                "result must be \"yes\" or \"no\", got {other:?}"
            )));
        }
    };
    lifecycle(&state, |e, now| e.determine_market(&ticker, result, now))
}

async fn settle(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
) -> ApiResult<Json<AdminReply>> {
    lifecycle(&state, |e, now| e.settle_market(&ticker, now))
}

async fn pause(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
) -> ApiResult<Json<AdminReply>> {
    lifecycle(&state, |e, now| e.pause_market(&ticker, now))
}

async fn activate(
    State(state): State<SharedState>,
    PathParam(ticker): PathParam<String>,
) -> ApiResult<Json<AdminReply>> {
    lifecycle(&state, |e, now| e.activate_market(&ticker, now))
}

async fn step(
    State(state): State<SharedState>,
    body: axum::body::Bytes,
) -> ApiResult<Json<AdminReply>> {
    let req: StepRequest = if body.iter().all(u8::is_ascii_whitespace) {
        StepRequest::default()
    } else {
        kalshi::model::from_slice(&body).map_err(|e| ApiError::invalid_parameters(e.to_string()))?
    };
    let steps = req.steps.unwrap_or(1);
    let events = state.step_activity(steps);
    Ok(Json(AdminReply {
        events,
        now_ms: state.clock.now_ms(),
    }))
}

async fn advance(
    State(state): State<SharedState>,
    JsonBody(req): JsonBody<AdvanceRequest>,
) -> Json<AdminReply> {
    state.clock.advance(req.ms);
    let now_ms = state.advance();
    Json(AdminReply { events: 0, now_ms })
}

async fn register_key(
    State(state): State<SharedState>,
    JsonBody(req): JsonBody<RegisterKeyRequest>,
) -> ApiResult<Json<serde_json::Value>> {
    let user =
        super::register_key(&state, &req.key_id, &req.public_key_pem).map_err(|e| match e {
            super::RegisterError::KeyIdTaken { .. } => ApiError::new(
                axum::http::StatusCode::CONFLICT,
                "api_key_id_taken",
                "key id already registered",
            )
            .with_details(e.to_string()),
            _ => ApiError::invalid_parameters(e.to_string()),
        })?;
    Ok(Json(serde_json::json!({
        "key_id": req.key_id,
        "user_id": user.to_uuid().to_string(),
    })))
}
