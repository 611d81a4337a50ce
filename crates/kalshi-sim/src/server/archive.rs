//! The live/historical split Kalshi applies to old records (kalshi-api.md §3.9): fills
//! before `trades_created_ts`, orders cancelled or executed before `orders_updated_ts`
//! and markets settled before `market_settled_ts` leave the live endpoints and are served
//! only under `/historical/*`. The simulator's cutoff starts at the Unix epoch (nothing
//! archived) and moves when a test or tool says so (`SimConfig::historical_cutoff`,
//! `POST /_sim/historical/cutoff`), so clients can be tested across the boundary.

use std::sync::{PoisonError, RwLock};

use kalshi::model::historical::GetHistoricalCutoffResponse;
use serde::{Deserialize, Serialize};

use super::convert::time_of;
use crate::engine::{Market, Order};

/// Latest cutoff accepted (9999-12-31T23:59:59.999Z), so every cutoff has an RFC 3339 form.
pub const MAX_CUTOFF_MS: i64 = 253_402_300_799_999;

/// The three cutoffs, in Unix ms. A record strictly older than its cutoff is archived.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoricalCutoff {
    /// Markets settled before this are archived.
    pub market_settled_ms: i64,
    /// Fills before this are archived.
    pub trades_created_ms: i64,
    /// Orders cancelled or executed (last updated) before this are archived; resting
    /// orders never are.
    pub orders_updated_ms: i64,
}

impl HistoricalCutoff {
    /// All three cutoffs at `ts_ms`.
    pub fn at(ts_ms: i64) -> Self {
        Self {
            market_settled_ms: ts_ms,
            trades_created_ms: ts_ms,
            orders_updated_ms: ts_ms,
        }
    }

    /// Whether a fill made at `ts_ms` is archived.
    pub fn fill_archived(&self, ts_ms: i64) -> bool {
        ts_ms < self.trades_created_ms
    }

    /// Whether an order is archived: finished, and last updated before the cutoff.
    pub fn order_archived(&self, order: &Order) -> bool {
        !order.is_resting() && order.last_update_ms < self.orders_updated_ms
    }

    /// Whether a market is archived: settled before the cutoff.
    pub fn market_archived(&self, market: &Market) -> bool {
        market
            .settled_ms()
            .is_some_and(|t| t < self.market_settled_ms)
    }

    /// The `GET /historical/cutoff` body.
    pub fn to_wire(self) -> GetHistoricalCutoffResponse {
        GetHistoricalCutoffResponse {
            market_settled_ts: time_of(self.market_settled_ms),
            trades_created_ts: time_of(self.trades_created_ms),
            orders_updated_ts: time_of(self.orders_updated_ms),
            market_positions_last_updated_ts: None,
        }
    }

    fn check(self) -> Result<Self, CutoffError> {
        for (name, ms) in [
            ("market_settled_ms", self.market_settled_ms),
            ("trades_created_ms", self.trades_created_ms),
            ("orders_updated_ms", self.orders_updated_ms),
        ] {
            if !(0..=MAX_CUTOFF_MS).contains(&ms) {
                return Err(CutoffError { name, ms });
            }
        }
        Ok(self)
    }
}

/// A change of the cutoff (body of `POST /_sim/historical/cutoff`): `ts_ms` moves all
/// three, a named field moves just that one (and wins over `ts_ms`); absent = unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CutoffPatch {
    /// New cutoff for all three kinds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ts_ms: Option<i64>,
    /// New market cutoff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_settled_ms: Option<i64>,
    /// New fill cutoff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trades_created_ms: Option<i64>,
    /// New order cutoff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub orders_updated_ms: Option<i64>,
}

/// A cutoff outside the representable range.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("{name} must be between 0 and {MAX_CUTOFF_MS} (Unix ms), got {ms}")]
pub struct CutoffError {
    name: &'static str,
    ms: i64,
}

/// The live cutoff, shared by the handlers.
#[derive(Debug, Default)]
pub struct Archive {
    cutoff: RwLock<HistoricalCutoff>,
}

impl Archive {
    /// The cutoff in force.
    pub fn cutoff(&self) -> HistoricalCutoff {
        *self.cutoff.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces the cutoff.
    ///
    /// # Errors
    /// [`CutoffError`] for a value outside 0..=[`MAX_CUTOFF_MS`]; nothing changes then.
    pub fn set(&self, cutoff: HistoricalCutoff) -> Result<HistoricalCutoff, CutoffError> {
        let cutoff = cutoff.check()?;
        *self.cutoff.write().unwrap_or_else(PoisonError::into_inner) = cutoff;
        Ok(cutoff)
    }

    /// Applies a patch and returns the new cutoff.
    ///
    /// # Errors
    /// As [`Archive::set`].
    pub fn apply(&self, patch: &CutoffPatch) -> Result<HistoricalCutoff, CutoffError> {
        let mut guard = self.cutoff.write().unwrap_or_else(PoisonError::into_inner);
        let old = *guard;
        let all = |own: Option<i64>, current: i64| own.or(patch.ts_ms).unwrap_or(current);
        let new = HistoricalCutoff {
            market_settled_ms: all(patch.market_settled_ms, old.market_settled_ms),
            trades_created_ms: all(patch.trades_created_ms, old.trades_created_ms),
            orders_updated_ms: all(patch.orders_updated_ms, old.orders_updated_ms),
        }
        .check()?;
        *guard = new;
        Ok(new)
    }
}

/// Which side of the cutoff a listing serves: the live endpoints and their `/historical`
/// twins share one implementation that differs only in this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shelf {
    /// `/portfolio/*`, `/markets*`: records not archived.
    Live,
    /// `/historical/*`: archived records only.
    Historical,
}

impl Shelf {
    /// Whether a record that is (or is not) archived belongs on this shelf.
    pub fn holds(self, archived: bool) -> bool {
        archived == (self == Self::Historical)
    }

    /// The cursor kind of a listing on this shelf, so a live cursor is refused by the
    /// historical listing and the other way round.
    pub fn cursor_kind(self, live: &str) -> String {
        match self {
            Self::Live => live.to_owned(),
            Self::Historical => format!("historical_{live}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_moves_what_it_names_and_rejects_out_of_range() {
        let archive = Archive::default();
        assert_eq!(archive.cutoff(), HistoricalCutoff::at(0));
        let c = archive
            .apply(&CutoffPatch {
                ts_ms: Some(5_000),
                orders_updated_ms: Some(7_000),
                ..CutoffPatch::default()
            })
            .unwrap();
        assert_eq!(
            c,
            HistoricalCutoff {
                market_settled_ms: 5_000,
                trades_created_ms: 5_000,
                orders_updated_ms: 7_000,
            }
        );
        let bad = CutoffPatch {
            trades_created_ms: Some(-1),
            ..CutoffPatch::default()
        };
        assert!(archive.apply(&bad).is_err());
        assert_eq!(archive.cutoff(), c, "a refused patch changes nothing");
        assert!(
            archive
                .set(HistoricalCutoff::at(MAX_CUTOFF_MS + 1))
                .is_err()
        );
    }

    #[test]
    fn shelves_split_records_in_two() {
        for archived in [true, false] {
            assert_ne!(
                Shelf::Live.holds(archived),
                Shelf::Historical.holds(archived)
            );
        }
        assert_ne!(
            Shelf::Live.cursor_kind("fills"),
            Shelf::Historical.cursor_kind("fills")
        );
    }
}
