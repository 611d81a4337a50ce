//! "Cancel all": every resting order of the account, or of one market, cancelled in
//! batches, with a result per order, for the panic button and "flatten this market".

use futures_util::TryStreamExt;
use kalshi::model::error::ErrorResponse;
use kalshi::model::order::{GetOrdersParams, Order, OrderStatus};
use kalshi::model::order_batch::BatchCancelOrder;
use kalshi::rest::Error as RestError;

use crate::error::{AppError, CoreError};
use crate::session::Session;

/// Orders per batch cancel: Kalshi's smallest batch cap so far (higher tiers allow more),
/// so no batch is refused for its size.
const BATCH: usize = 20;

/// Page size when listing the resting orders (Kalshi's maximum).
const LIST_PAGE: u32 = 1000;

/// What a cancel-all did, order by order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CancelAllReport {
    /// Orders the exchange cancelled.
    pub canceled: Vec<String>,
    /// Orders it did not cancel, with why (e.g. filled or cancelled meanwhile, or the
    /// batch did not get through).
    pub failed: Vec<(String, AppError)>,
}

impl Session {
    /// Cancels every resting order, or only those in `ticker`, as the exchange lists them
    /// at the call (the store may lag during a reconnect; the exchange does not). Batches
    /// go out one after another and a failed batch does not stop the rest. Orders still
    /// being placed are not covered: they are not resting yet. The stored orders follow as
    /// [`crate::OrderEvent::Stored`] (WebSocket, or the catch-up started here).
    ///
    /// # Errors
    /// [`CoreError::Closed`], [`CoreError::Offline`], [`CoreError::ProductionNotConfirmed`],
    /// or the exchange's error when the resting orders cannot be listed (then nothing was
    /// cancelled). Per-order failures are in the report.
    #[tracing::instrument(skip(self), fields(environment = %self.shared.env), err(Debug))]
    pub async fn cancel_all_orders(
        &self,
        ticker: Option<&str>,
    ) -> Result<CancelAllReport, CoreError> {
        let shared = self.live()?;
        shared.env.check_can_trade(shared.production_confirmed())?;
        let resting: Vec<Order> = shared
            .link
            .client
            .orders_stream(GetOrdersParams {
                ticker: ticker.map(str::to_owned),
                status: Some(OrderStatus::Resting),
                limit: Some(LIST_PAGE),
                ..GetOrdersParams::default()
            })
            .try_collect()
            .await?;
        let mut report = CancelAllReport::default();
        for chunk in resting.chunks(BATCH) {
            let items: Vec<BatchCancelOrder> = chunk
                .iter()
                .map(|o| BatchCancelOrder {
                    market_ticker: Some(o.ticker.clone()),
                    subaccount: o.subaccount_number,
                    ..BatchCancelOrder::new(o.order_id.clone())
                })
                .collect();
            match shared.link.client.batch_cancel_orders(&items).await {
                Ok(results) => {
                    for result in results {
                        match result.error {
                            None => report.canceled.push(result.order_id),
                            Some(e) => report.failed.push((result.order_id, item_error(&e))),
                        }
                    }
                }
                Err(e) => {
                    let error = AppError::from(CoreError::from(e));
                    tracing::warn!(%error, orders = chunk.len(), "a batch cancel failed");
                    report
                        .failed
                        .extend(chunk.iter().map(|o| (o.order_id.clone(), error.clone())));
                }
            }
        }
        tracing::info!(
            canceled = report.canceled.len(),
            failed = report.failed.len(),
            "cancel all"
        );
        if !resting.is_empty() {
            shared.reconcile.notify_one();
            shared.refresh.notify_one();
        }
        Ok(report)
    }
}

/// One batch item's refusal, mapped like a refused single request (404 for Kalshi's
/// `not_found`, so the UI sees the same codes either way).
fn item_error(e: &ErrorResponse) -> AppError {
    let code = e.code.clone().unwrap_or_default();
    let status = if code == "not_found" { 404 } else { 400 };
    AppError::from(CoreError::Exchange(RestError::Api {
        status,
        message: e.message.clone().unwrap_or_default(),
        details: e.details.clone(),
        code,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn refusal(code: &str) -> ErrorResponse {
        ErrorResponse {
            code: Some(code.to_owned()),
            message: Some("why".to_owned()),
            details: None,
        }
    }

    #[test]
    fn item_refusals_get_the_codes_of_single_requests() {
        assert_eq!(item_error(&refusal("not_found")).code, ErrorCode::NotFound);
        assert_eq!(
            item_error(&refusal("market_closed")).code,
            ErrorCode::MarketNotOpen
        );
        let other = item_error(&refusal("order_already_canceled"));
        assert_eq!(other.code, ErrorCode::ExchangeRejected);
        assert!(!other.retryable);
        assert!(other.message.contains("why"), "{}", other.message);
    }
}
