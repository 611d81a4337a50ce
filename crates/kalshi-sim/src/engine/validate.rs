//! Field checks on incoming requests that need nothing but the request, the market's grid
//! and the time: sizes, prices, time-in-force combinations, client order ids.

use kalshi::model::{Count, Price};

use super::order::{OrderRequest, TimeInForce};
use crate::error::SimError;
use crate::grid::PriceGrid;

/// The largest order the exchange accepts: one million contracts. Keeps every product of
/// count and price far inside `i64`.
pub const MAX_ORDER_COUNT: Count = Count::from_contracts(1_000_000);

/// Longest client_order_id accepted.
pub const MAX_CLIENT_ORDER_ID_LEN: usize = 100;

pub(crate) fn count(count: Count) -> Result<(), SimError> {
    if count.units() <= 0 {
        return Err(SimError::InvalidOrderSize(format!(
            "count must be positive, got {count}"
        )));
    }
    if count > MAX_ORDER_COUNT {
        return Err(SimError::InvalidOrderSize(format!(
            "count must be at most {MAX_ORDER_COUNT}, got {count}"
        )));
    }
    Ok(())
}

pub(crate) fn price(grid: &PriceGrid, price: Price) -> Result<(), SimError> {
    if grid.contains(price) {
        Ok(())
    } else {
        Err(SimError::PriceOffGrid(price))
    }
}

pub(crate) fn client_order_id(id: &str) -> Result<(), SimError> {
    if id.is_empty() || id.len() > MAX_CLIENT_ORDER_ID_LEN {
        return Err(SimError::InvalidParameters(format!(
            "client_order_id must be 1 to {MAX_CLIENT_ORDER_ID_LEN} bytes"
        )));
    }
    if id.chars().any(char::is_control) {
        return Err(SimError::InvalidParameters(
            "client_order_id must not contain control characters".into(),
        ));
    }
    Ok(())
}

pub(crate) fn order(req: &OrderRequest, grid: &PriceGrid, now_ms: i64) -> Result<(), SimError> {
    count(req.count)?;
    price(grid, req.price)?;
    if let Some(exp) = req.expiration_ms {
        match req.time_in_force {
            TimeInForce::GoodTillCanceled => {}
            TimeInForce::ImmediateOrCancel => {
                return Err(SimError::InvalidParameters(
                    "Cannot specify both immediate_or_cancel and expiration_ts".into(),
                ));
            }
            TimeInForce::FillOrKill => {
                return Err(SimError::InvalidParameters(
                    "Cannot specify both fill_or_kill and expiration_ts".into(),
                ));
            }
        }
        if exp <= now_ms {
            return Err(SimError::InvalidParameters(
                "Expiration timestamp must be in the future".into(),
            ));
        }
    }
    if req.post_only && req.time_in_force != TimeInForce::GoodTillCanceled {
        return Err(SimError::InvalidParameters(
            "post_only requires good_till_canceled".into(),
        ));
    }
    if let Some(max) = req.buy_max_cost {
        if max.units() <= 0 {
            return Err(SimError::InvalidParameters(
                "buy_max_cost must be positive".into(),
            ));
        }
        if req.post_only || req.expiration_ms.is_some() {
            return Err(SimError::InvalidParameters(
                "buy_max_cost implies fill_or_kill; it cannot rest".into(),
            ));
        }
    }
    if let Some(id) = &req.client_order_id {
        client_order_id(id)?;
    }
    Ok(())
}
