//! Fault injection: the [`FaultPlan`] (set by `--fault` flags and `POST /_sim/faults`),
//! the live [`Faults`] state the REST and WS layers consult, and the REST middleware that
//! delays requests and answers a seeded share of them with 429 / 500 / 503.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use super::error::ApiError;
use super::state::{SharedState, lock};

/// The standing fault settings. Serialised as the body of `GET /_sim/faults`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaultPlan {
    /// Close every WS connection every this many milliseconds (0 = never).
    pub drop_ws_every_ms: u64,
    /// Skip one `seq` value on every Nth orderbook message sent (0 = never).
    pub skip_seq_every: u64,
    /// Delay before every REST answer, in milliseconds.
    pub delay_ms: u64,
    /// Share (0..=1) of REST requests answered 429 `{"error":"too many requests"}`.
    pub share_429: f64,
    /// Share (0..=1) of REST requests answered 500.
    pub share_500: f64,
    /// Share (0..=1) of REST requests answered 503.
    pub share_503: f64,
    /// Exchange paused (maintenance): status says so and every state-changing request
    /// gets 503 `exchange_unavailable`.
    pub exchange_paused: bool,
    /// Sim time (ms since the epoch) until which WS upgrades are refused (0 = not refused).
    pub refuse_ws_until_ms: u64,
    /// Subscribes to private channels (fill, user_orders, ...) are answered with error 9,
    /// as Kalshi answers a key without portfolio permission.
    #[serde(default)]
    pub refuse_private_subscribe: bool,
    /// Subscribes naming one of these markets are answered with error 16 (market not
    /// found), as Kalshi answers for a market that has been delisted.
    #[serde(default)]
    pub refuse_markets: Vec<String>,
    /// REST requests whose path contains one of these are answered 503 before they are
    /// carried out (an outage of one part of the API, e.g. `/portfolio/orders`).
    #[serde(default)]
    pub fail_paths: Vec<String>,
}

/// A change to the fault plan: the body of `POST /_sim/faults`, and what `--fault` flags
/// build. Absent fields leave the setting as it is; the one-shot fields act once.
///
/// Unlike Kalshi's wire types, unknown fields are refused: this is our own test-control
/// API, and a misspelt fault silently ignored would make a test pass for the wrong reason.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultPatch {
    /// New [`FaultPlan::drop_ws_every_ms`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop_ws_every_ms: Option<u64>,
    /// New [`FaultPlan::skip_seq_every`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_seq_every: Option<u64>,
    /// New [`FaultPlan::delay_ms`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// New [`FaultPlan::share_429`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_429: Option<f64>,
    /// New [`FaultPlan::share_500`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_500: Option<f64>,
    /// New [`FaultPlan::share_503`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_503: Option<f64>,
    /// New [`FaultPlan::exchange_paused`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exchange_paused: Option<bool>,
    /// Refuse WS upgrades for this many milliseconds from now (0 = stop refusing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refuse_ws_for_ms: Option<u64>,
    /// New [`FaultPlan::refuse_private_subscribe`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refuse_private_subscribe: Option<bool>,
    /// New [`FaultPlan::refuse_markets`] (replaces the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refuse_markets: Option<Vec<String>>,
    /// New [`FaultPlan::fail_paths`] (replaces the list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_paths: Option<Vec<String>>,
    /// One-shot: close every WS connection now.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub drop_ws_now: bool,
    /// One-shot: skip a `seq` on this many upcoming orderbook messages.
    #[serde(skip_serializing_if = "is_zero")]
    pub skip_seq: u64,
    /// One-shot: carry out this many upcoming state-changing REST requests, then answer
    /// each with 503 as if the gateway lost the reply (the client cannot tell whether
    /// the order was placed).
    #[serde(skip_serializing_if = "is_zero")]
    pub lose_replies: u64,
    /// One-shot: send this many upcoming private-channel messages (`fill`, `user_order`,
    /// `market_position`) with their `msg` body replaced by a string, so the client cannot
    /// decode them (the message type stays readable).
    #[serde(skip_serializing_if = "is_zero")]
    pub corrupt_private: u64,
    /// Clear every standing fault before applying the rest of this patch.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub reset: bool,
}

fn is_zero(v: &u64) -> bool {
    *v == 0
}

/// Why a `--fault` spec or a fault patch was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FaultSpecError {
    /// The spec's kind is not one of the known fault kinds.
    #[error(
        "unknown fault {0:?}; expected one of drop-ws-every=SECS, skip-seq-every=N, delay=MS, \
         429=SHARE, 500=SHARE, 503=SHARE, refuse-ws=SECS, refuse-private, refuse-market=TICKER, \
         paused, corrupt-private=N"
    )]
    UnknownKind(String),
    /// The value is missing or does not parse.
    #[error("fault {kind:?}: bad value {value:?} ({expected})")]
    BadValue {
        /// The fault kind.
        kind: String,
        /// The value given.
        value: String,
        /// What was expected instead.
        expected: &'static str,
    },
    /// A share is outside 0..=1, or the shares add up to more than 1.
    #[error("fault shares must each be within 0..=1 and sum to at most 1 (got {0})")]
    BadShare(String),
}

impl FaultPatch {
    /// Merges one `--fault KIND[=VALUE]` spec into this patch.
    ///
    /// Kinds: `drop-ws-every=SECS`, `skip-seq-every=N`, `delay=MS`, `429=SHARE`,
    /// `500=SHARE`, `503=SHARE` (share of REST requests, 0..=1), `refuse-ws=SECS`
    /// (refuse WS upgrades for the first SECS seconds), `refuse-private` (refuse subscribes
    /// to private channels), `refuse-market=TICKER` (refuse subscribes naming that market;
    /// repeatable), `paused` (exchange paused), `corrupt-private=N` (send the next N
    /// private-channel messages undecodable).
    /// `_` and `-` are interchangeable in kinds.
    ///
    /// # Errors
    /// [`FaultSpecError`] naming the bad kind or value.
    pub fn add_spec(&mut self, spec: &str) -> Result<(), FaultSpecError> {
        let (kind, value) = match spec.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (spec.trim(), None),
        };
        let kind_norm = kind.replace('_', "-").to_ascii_lowercase();
        let bad = |expected: &'static str| FaultSpecError::BadValue {
            kind: kind.to_owned(),
            value: value.unwrap_or_default().to_owned(),
            expected,
        };
        let int = |expected| {
            value
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| bad(expected))
        };
        let flag = || match value {
            None | Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(_) => Err(bad("true or false")),
        };
        let share = || {
            value
                .and_then(|v| v.parse::<f64>().ok())
                .filter(|s| s.is_finite() && (0.0..=1.0).contains(s))
                .ok_or_else(|| bad("a share between 0 and 1"))
        };
        match kind_norm.as_str() {
            "drop-ws-every" => {
                self.drop_ws_every_ms = Some(int("whole seconds")?.saturating_mul(1000));
            }
            "skip-seq-every" => self.skip_seq_every = Some(int("a message count")?),
            "delay" => self.delay_ms = Some(int("milliseconds")?),
            "429" => self.share_429 = Some(share()?),
            "500" => self.share_500 = Some(share()?),
            "503" => self.share_503 = Some(share()?),
            "refuse-ws" => {
                self.refuse_ws_for_ms = Some(int("whole seconds")?.saturating_mul(1000));
            }
            "paused" => self.exchange_paused = Some(flag()?),
            "corrupt-private" => self.corrupt_private = int("a message count")?,
            "refuse-private" => self.refuse_private_subscribe = Some(flag()?),
            "refuse-market" => {
                let ticker = value
                    .filter(|v| !v.is_empty())
                    .ok_or_else(|| bad("a ticker"))?;
                self.refuse_markets
                    .get_or_insert_with(Vec::new)
                    .push(ticker.to_owned());
            }
            _ => return Err(FaultSpecError::UnknownKind(kind.to_owned())),
        }
        Ok(())
    }
}

impl FaultPlan {
    /// The plan after `patch`, validated; `now_ms` anchors `refuse_ws_for_ms`.
    fn patched(&self, patch: &FaultPatch, now_ms: u64) -> Result<Self, FaultSpecError> {
        let mut next = if patch.reset {
            Self::default()
        } else {
            self.clone()
        };
        if let Some(v) = patch.drop_ws_every_ms {
            next.drop_ws_every_ms = v;
        }
        if let Some(v) = patch.skip_seq_every {
            next.skip_seq_every = v;
        }
        if let Some(v) = patch.delay_ms {
            next.delay_ms = v;
        }
        if let Some(v) = patch.share_429 {
            next.share_429 = v;
        }
        if let Some(v) = patch.share_500 {
            next.share_500 = v;
        }
        if let Some(v) = patch.share_503 {
            next.share_503 = v;
        }
        if let Some(v) = patch.exchange_paused {
            next.exchange_paused = v;
        }
        if let Some(v) = patch.refuse_private_subscribe {
            next.refuse_private_subscribe = v;
        }
        if let Some(v) = &patch.refuse_markets {
            next.refuse_markets.clone_from(v);
        }
        if let Some(v) = &patch.fail_paths {
            next.fail_paths.clone_from(v);
        }
        if let Some(v) = patch.refuse_ws_for_ms {
            next.refuse_ws_until_ms = if v == 0 { 0 } else { now_ms.saturating_add(v) };
        }
        let shares = [next.share_429, next.share_500, next.share_503];
        let valid = shares
            .iter()
            .all(|s| s.is_finite() && (0.0..=1.0).contains(s))
            && shares.iter().sum::<f64>() <= 1.0 + 1e-9;
        if !valid {
            return Err(FaultSpecError::BadShare(format!("{shares:?}")));
        }
        Ok(next)
    }
}

/// Commands the fault plan sends to the WS layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsControl {
    /// Close every open WS connection now (the client must reconnect and resubscribe).
    DropAll,
}

/// The live fault state, shared by every request.
#[derive(Debug)]
pub struct Faults {
    plan: Mutex<FaultPlan>,
    rng: Mutex<ChaCha8Rng>,
    pending_seq_skips: AtomicU64,
    lost_replies: AtomicU64,
    private_corruptions: AtomicU64,
    seq_counter: AtomicU64,
    ws_control: broadcast::Sender<WsControl>,
    drop_every: watch::Sender<u64>,
}

impl Faults {
    /// No faults; `seed` seeds the RNG that picks which requests fail.
    pub fn new(seed: u64) -> Self {
        Self {
            plan: Mutex::new(FaultPlan::default()),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(seed ^ 0x6661_756c_7473)),
            pending_seq_skips: AtomicU64::new(0),
            lost_replies: AtomicU64::new(0),
            private_corruptions: AtomicU64::new(0),
            seq_counter: AtomicU64::new(0),
            ws_control: broadcast::channel(16).0,
            drop_every: watch::channel(0).0,
        }
    }

    /// A copy of the standing plan.
    pub fn plan(&self) -> FaultPlan {
        lock(&self.plan).clone()
    }

    /// Applies `patch` (validated first; a refused patch changes nothing) and returns the
    /// new plan. `now_ms` is the sim clock, for `refuse_ws_for_ms`.
    ///
    /// # Errors
    /// [`FaultSpecError::BadShare`] for shares outside 0..=1 or summing above 1.
    pub fn apply(&self, patch: &FaultPatch, now_ms: u64) -> Result<FaultPlan, FaultSpecError> {
        let next = {
            let mut plan = lock(&self.plan);
            let next = plan.patched(patch, now_ms)?;
            *plan = next.clone();
            next
        };
        if patch.reset {
            self.pending_seq_skips.store(0, Ordering::Relaxed);
            self.lost_replies.store(0, Ordering::Relaxed);
            self.private_corruptions.store(0, Ordering::Relaxed);
        }
        if patch.corrupt_private > 0 {
            self.private_corruptions
                .fetch_add(patch.corrupt_private, Ordering::Relaxed);
        }
        if patch.lose_replies > 0 {
            self.lost_replies
                .fetch_add(patch.lose_replies, Ordering::Relaxed);
        }
        if patch.skip_seq > 0 {
            self.pending_seq_skips
                .fetch_add(patch.skip_seq, Ordering::Relaxed);
        }
        self.drop_every.send_if_modified(|v| {
            let changed = *v != next.drop_ws_every_ms;
            *v = next.drop_ws_every_ms;
            changed
        });
        if patch.drop_ws_now {
            self.drop_ws_now();
        }
        tracing::info!(?next, "fault plan changed");
        Ok(next)
    }

    /// Closes every WS connection now.
    pub fn drop_ws_now(&self) {
        // No receivers simply means no WS connection is open.
        let _ = self.ws_control.send(WsControl::DropAll);
    }

    /// Commands for the WS layer; every connection task should hold one receiver and
    /// close its socket on [`WsControl::DropAll`].
    pub fn ws_control(&self) -> broadcast::Receiver<WsControl> {
        self.ws_control.subscribe()
    }

    /// Watches the `drop_ws_every_ms` setting (the server's drop timer task uses it).
    pub(crate) fn drop_every(&self) -> watch::Receiver<u64> {
        self.drop_every.subscribe()
    }

    /// Whether the exchange is paused for maintenance.
    pub fn exchange_paused(&self) -> bool {
        lock(&self.plan).exchange_paused
    }

    /// Whether subscribes to private channels are refused.
    pub fn private_subscribe_refused(&self) -> bool {
        lock(&self.plan).refuse_private_subscribe
    }

    /// Whether subscribes naming `ticker` are refused.
    pub fn market_refused(&self, ticker: &str) -> bool {
        lock(&self.plan).refuse_markets.iter().any(|t| t == ticker)
    }

    /// Whether a WS upgrade arriving at `now_ms` must be refused.
    pub fn ws_refused(&self, now_ms: u64) -> bool {
        now_ms < lock(&self.plan).refuse_ws_until_ms
    }

    /// Called by the WS layer once per orderbook message before assigning its `seq`:
    /// `true` means "skip a seq value here" (advance the counter by 2 instead of 1).
    pub fn take_seq_skip(&self) -> bool {
        let taken = self
            .pending_seq_skips
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok();
        if taken {
            return true;
        }
        let every = lock(&self.plan).skip_seq_every;
        every > 0 && (self.seq_counter.fetch_add(1, Ordering::Relaxed) + 1).is_multiple_of(every)
    }

    /// Whether a REST request to `path` is to fail ([`FaultPlan::fail_paths`]).
    pub fn path_fails(&self, path: &str) -> bool {
        lock(&self.plan)
            .fail_paths
            .iter()
            .any(|p| !p.is_empty() && path.contains(p.as_str()))
    }

    /// Whether this state-changing request's reply is to be lost (uses up one).
    pub fn take_lost_reply(&self) -> bool {
        self.lost_replies
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }

    /// Whether this private-channel message is to be sent corrupted (uses up one).
    pub fn take_private_corruption(&self) -> bool {
        self.private_corruptions
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_ok()
    }

    /// The delay to apply before answering a REST request.
    pub fn delay(&self) -> Duration {
        Duration::from_millis(lock(&self.plan).delay_ms)
    }

    /// Decides (seeded) whether this REST request fails with an injected error.
    pub fn roll_http(&self) -> Option<ApiError> {
        let (s429, s500, s503) = {
            let p = lock(&self.plan);
            (p.share_429, p.share_500, p.share_503)
        };
        if s429 + s500 + s503 <= 0.0 {
            return None;
        }
        let r: f64 = lock(&self.rng).r#gen();
        if r < s429 {
            Some(ApiError::too_many_requests())
        } else if r < s429 + s500 {
            Some(ApiError::internal())
        } else if r < s429 + s500 + s503 {
            Some(ApiError::service_unavailable())
        } else {
            None
        }
    }
}

/// REST middleware: waits out the configured delay, then answers the seeded share of
/// requests with an injected 429 / 500 / 503 before they reach auth or a handler. A
/// state-changing request whose reply is to be lost is carried out first, then answered
/// 503 whatever the handler said.
pub(crate) async fn inject(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let delay = state.faults.delay();
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if state.faults.path_fails(req.uri().path()) {
        return ApiError::service_unavailable().into_response();
    }
    if req.method() != axum::http::Method::GET && state.faults.take_lost_reply() {
        let path = req.uri().path().to_owned();
        let done = next.run(req).await;
        tracing::debug!(%path, status = %done.status(), "reply lost (injected)");
        return ApiError::service_unavailable().into_response();
    }
    if let Some(err) = state.faults.roll_http() {
        tracing::debug!(path = %req.uri().path(), status = %err.status, "injected fault");
        return err.into_response();
    }
    next.run(req).await
}

/// Middleware for state-changing routes: refused with 503 while the exchange is paused.
pub(crate) async fn refuse_when_paused(
    State(state): State<SharedState>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != axum::http::Method::GET && state.faults.exchange_paused() {
        return ApiError::exchange_paused().into_response();
    }
    next.run(req).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn specs_build_a_patch() {
        let mut p = FaultPatch::default();
        for spec in [
            "drop-ws-every=5",
            "skip_seq_every=10",
            "delay=250",
            "429=0.25",
            "503=0.5",
            "refuse-ws=3",
            "refuse-private",
            "paused",
        ] {
            p.add_spec(spec).unwrap();
        }
        assert_eq!(p.drop_ws_every_ms, Some(5_000));
        assert_eq!(p.skip_seq_every, Some(10));
        assert_eq!(p.delay_ms, Some(250));
        assert_eq!(p.share_429, Some(0.25));
        assert_eq!(p.share_503, Some(0.5));
        assert_eq!(p.refuse_ws_for_ms, Some(3_000));
        assert_eq!(p.exchange_paused, Some(true));
        assert_eq!(p.refuse_private_subscribe, Some(true));
        p.add_spec("refuse_private=false").unwrap();
        assert_eq!(p.refuse_private_subscribe, Some(false));
        assert!(p.add_spec("refuse-private=maybe").is_err());
        p.add_spec("refuse-market=KXA-1").unwrap();
        p.add_spec("refuse_market=KXB-2").unwrap();
        assert_eq!(p.refuse_markets, Some(vec!["KXA-1".into(), "KXB-2".into()]));
        assert!(p.add_spec("refuse-market").is_err());
        p.add_spec("corrupt-private=2").unwrap();
        assert_eq!(p.corrupt_private, 2);
        assert!(p.add_spec("corrupt-private").is_err());
    }

    #[test]
    fn bad_specs_name_the_problem() {
        let mut p = FaultPatch::default();
        assert!(matches!(
            p.add_spec("explode=1"),
            Err(FaultSpecError::UnknownKind(k)) if k == "explode"
        ));
        assert!(matches!(
            p.add_spec("503=1.5"),
            Err(FaultSpecError::BadValue { .. })
        ));
        assert!(matches!(
            p.add_spec("delay"),
            Err(FaultSpecError::BadValue { .. })
        ));
    }

    #[test]
    fn shares_summing_above_one_are_refused_and_change_nothing() {
        let f = Faults::new(1);
        let patch = FaultPatch {
            share_429: Some(0.6),
            share_503: Some(0.6),
            ..FaultPatch::default()
        };
        assert!(matches!(
            f.apply(&patch, 0),
            Err(FaultSpecError::BadShare(_))
        ));
        assert_eq!(f.plan(), FaultPlan::default());
    }

    #[test]
    fn a_full_share_always_fails_and_none_never_does() {
        let f = Faults::new(7);
        assert!((0..100).all(|_| f.roll_http().is_none()));
        f.apply(
            &FaultPatch {
                share_503: Some(1.0),
                ..FaultPatch::default()
            },
            0,
        )
        .unwrap();
        assert!((0..100).all(|_| f.roll_http().map(|e| e.status.as_u16()) == Some(503)));
    }

    #[test]
    fn seeded_rolls_are_reproducible() {
        let patch = FaultPatch {
            share_429: Some(0.3),
            share_500: Some(0.2),
            ..FaultPatch::default()
        };
        let rolls = |seed| {
            let f = Faults::new(seed);
            f.apply(&patch, 0).unwrap();
            (0..200)
                .map(|_| f.roll_http().map(|e| e.status.as_u16()))
                .collect::<Vec<_>>()
        };
        let a = rolls(42);
        assert_eq!(a, rolls(42), "same seed, same failures");
        let n429 = a.iter().filter(|s| **s == Some(429)).count();
        assert!(n429 > 20 && n429 < 110, "about 30% are 429: {n429}");
    }

    #[test]
    fn seq_skips_one_shot_and_periodic() {
        let f = Faults::new(1);
        assert!(!f.take_seq_skip());
        f.apply(
            &FaultPatch {
                skip_seq: 2,
                ..FaultPatch::default()
            },
            0,
        )
        .unwrap();
        assert!(f.take_seq_skip());
        assert!(f.take_seq_skip());
        assert!(!f.take_seq_skip(), "one-shots are used up");
        f.apply(
            &FaultPatch {
                skip_seq_every: Some(3),
                ..FaultPatch::default()
            },
            0,
        )
        .unwrap();
        let pattern: Vec<bool> = (0..6).map(|_| f.take_seq_skip()).collect();
        assert_eq!(pattern.iter().filter(|b| **b).count(), 2, "{pattern:?}");
    }

    #[test]
    fn lost_replies_are_one_shot_and_reset_clears_them() {
        let f = Faults::new(1);
        assert!(!f.take_lost_reply());
        let lose = |n| FaultPatch {
            lose_replies: n,
            ..FaultPatch::default()
        };
        f.apply(&lose(2), 0).unwrap();
        assert!(f.take_lost_reply());
        assert!(f.take_lost_reply());
        assert!(!f.take_lost_reply(), "used up");
        f.apply(&lose(1), 0).unwrap();
        f.apply(
            &FaultPatch {
                reset: true,
                ..FaultPatch::default()
            },
            0,
        )
        .unwrap();
        assert!(!f.take_lost_reply(), "reset clears them");
        f.apply(
            &FaultPatch {
                fail_paths: Some(vec!["/portfolio/orders".into()]),
                ..FaultPatch::default()
            },
            0,
        )
        .unwrap();
        assert!(f.path_fails("/trade-api/v2/portfolio/orders/o-1"));
        assert!(!f.path_fails("/trade-api/v2/markets/M"));
    }

    #[test]
    fn ws_refusal_window_is_anchored_at_now() {
        let f = Faults::new(1);
        f.apply(
            &FaultPatch {
                refuse_ws_for_ms: Some(1_000),
                ..FaultPatch::default()
            },
            5_000,
        )
        .unwrap();
        assert!(f.ws_refused(5_999));
        assert!(!f.ws_refused(6_000));
    }

    #[tokio::test]
    async fn drop_now_reaches_ws_receivers() {
        let f = Faults::new(1);
        let mut rx = f.ws_control();
        f.apply(
            &FaultPatch {
                drop_ws_now: true,
                ..FaultPatch::default()
            },
            0,
        )
        .unwrap();
        assert_eq!(rx.recv().await.unwrap(), WsControl::DropAll);
    }
}
