//! Order endpoints: reading orders (`/portfolio/orders`) and V2 order entry
//! (`/portfolio/events/orders`: create, amend, decrease, cancel, batch create/cancel).
//!
//! Only creates that carry a `client_order_id` are retried automatically: the exchange
//! rejects a repeated id (409 `order_already_exists`), so a retry can never double an
//! order. When that 409 answers a *retry*, an earlier attempt did reach the exchange (its
//! answer was lost to a timeout or a gateway error), so the create looks the order up by
//! its id and reports it as placed rather than failed (a batch create does the same per
//! item). Every other write is sent exactly
//! once; on a timeout the caller should look the order up before trying again.

use std::collections::{BTreeMap, HashMap};

use futures_util::{Stream, StreamExt as _};
use reqwest::Method;

use super::client::{Call, Client, segment};
use super::error::Error;
use super::paginate::paginate;
use crate::model::order::{
    GetOrderQueuePositionResponse, GetOrderQueuePositionsResponse, GetOrderResponse,
    GetOrdersParams, GetOrdersResponse, GetQueuePositionsParams, Order, OrderQueuePosition,
};
use crate::model::order_batch::{
    BatchCancelOrder, BatchCancelOrderResult, BatchCancelOrdersRequest, BatchCancelOrdersResponse,
    BatchCreateOrderResult, BatchCreateOrdersRequest, BatchCreateOrdersResponse,
};
use crate::model::order_entry::{
    AmendOrderRequest, AmendOrderResponse, CancelOrderParams, CancelOrderResponse,
    CreateOrderRequest, CreateOrderResponse, DecreaseOrderRequest, DecreaseOrderResponse,
    subaccount_query,
};

/// Kalshi's code for a create whose `client_order_id` is already in use.
const ALREADY_EXISTS: &str = "order_already_exists";

/// Whether a create may be repeated safely: it names itself with a `client_order_id`.
fn has_client_order_id(req: &CreateOrderRequest) -> bool {
    req.client_order_id
        .as_deref()
        .is_some_and(|id| !id.is_empty())
}

fn order_path(order_id: &str, suffix: &str) -> Result<String, Error> {
    Ok(format!(
        "/portfolio/events/orders/{}{suffix}",
        segment("order id", order_id)?
    ))
}

impl Client {
    /// `GET /portfolio/orders`: one page of the account's orders matching `params`.
    ///
    /// # Errors
    /// [`Error::NoCredentials`] without credentials; any other [`Error`] of the send path.
    pub async fn orders(&self, params: &GetOrdersParams) -> Result<GetOrdersResponse, Error> {
        self.send(
            Call::get("/portfolio/orders")
                .signed()
                .query(params.to_query()),
        )
        .await
    }

    /// All orders matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn orders_stream(
        &self,
        params: GetOrdersParams,
    ) -> impl Stream<Item = Result<Order, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /portfolio/orders", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.orders(&p).await }
        })
    }

    /// `GET /portfolio/orders/{order_id}`: one order's full state.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 for an unknown order; [`Error::NoCredentials`];
    /// any other [`Error`] of the send path.
    pub async fn order(&self, order_id: &str) -> Result<Order, Error> {
        let path = format!("/portfolio/orders/{}", segment("order id", order_id)?);
        let r: GetOrderResponse = self.send(Call::get(path).signed()).await?;
        Ok(r.order)
    }

    /// `GET /portfolio/orders/{order_id}/queue_position`: contracts ahead of the order at
    /// its price level.
    ///
    /// # Errors
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn order_queue_position(
        &self,
        order_id: &str,
    ) -> Result<GetOrderQueuePositionResponse, Error> {
        let path = format!(
            "/portfolio/orders/{}/queue_position",
            segment("order id", order_id)?
        );
        self.send(Call::get(path).signed()).await
    }

    /// `GET /portfolio/orders/queue_positions`: queue positions of resting orders.
    ///
    /// # Errors
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn queue_positions(
        &self,
        params: &GetQueuePositionsParams,
    ) -> Result<Vec<OrderQueuePosition>, Error> {
        let call = Call::get("/portfolio/orders/queue_positions")
            .signed()
            .query(params.to_query());
        let r: GetOrderQueuePositionsResponse = self.send(call).await?;
        Ok(r.queue_positions)
    }

    /// `POST /portfolio/events/orders`: places an order (V2, YES-book `side`/`price`).
    /// Retried on 429/5xx/timeouts only if it carries a `client_order_id`; if a retry is
    /// answered 409 `order_already_exists`, the order an earlier attempt placed is looked
    /// up and returned (its `average_*` fields are then `None`: read the order for costs).
    ///
    /// # Errors
    /// [`Error::Api`] for a rejected order (400 `invalid_order`, 409
    /// `order_already_exists` on a first attempt or `market_closed`, …);
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path. After
    /// [`Error::Timeout`] without a `client_order_id` the order may or may not exist.
    pub async fn create_order(
        &self,
        order: &CreateOrderRequest,
    ) -> Result<CreateOrderResponse, Error> {
        let call = Call::write(Method::POST, "/portfolio/events/orders")
            .json(order)?
            .idempotent(has_client_order_id(order));
        match self.send_counted(call).await {
            (Err(e), attempts) if attempts > 1 && e.code() == Some(ALREADY_EXISTS) => {
                let Some(id) = order.client_order_id.as_deref() else {
                    return Err(e);
                };
                let mut placed = self.placed_by_earlier_attempt(&order.ticker, &[id]).await?;
                placed.remove(id).ok_or(e)
            }
            (result, _) => result,
        }
    }

    /// Finds the orders earlier attempts of creates placed in `ticker`, by client order id,
    /// shaped as the creates' answers: one listing of the market, however many ids (ids
    /// not found are absent from the map).
    async fn placed_by_earlier_attempt(
        &self,
        ticker: &str,
        client_order_ids: &[&str],
    ) -> Result<HashMap<String, CreateOrderResponse>, Error> {
        tracing::info!(
            ticker,
            ?client_order_ids,
            "a retried create found its order already placed; looking it up"
        );
        let orders = self.orders_by_client_id(ticker, client_order_ids).await?;
        let mut found = HashMap::new();
        for order in orders.into_values() {
            let ts_ms = order.created_time.map_or(0, |t| {
                i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
            });
            found.insert(
                order.client_order_id.clone(),
                CreateOrderResponse {
                    order_id: order.order_id,
                    client_order_id: Some(order.client_order_id),
                    fill_count: order.fill_count_fp,
                    remaining_count: order.remaining_count_fp,
                    average_fill_price: None,
                    average_fee_paid: None,
                    ts_ms,
                },
            );
        }
        Ok(found)
    }

    /// The account's orders in `ticker` placed with any of `client_order_ids`, by client
    /// order id, from one listing of the market (ids not found are absent). How a create
    /// whose answer was lost is resolved: an id absent from the answer was not placed.
    ///
    /// # Errors
    /// Any [`Error`] of a page fetch; then nothing is known.
    pub async fn orders_by_client_id(
        &self,
        ticker: &str,
        client_order_ids: &[&str],
    ) -> Result<HashMap<String, Order>, Error> {
        let params = GetOrdersParams {
            ticker: Some(ticker.to_owned()),
            ..GetOrdersParams::default()
        };
        let mut found = HashMap::new();
        let mut orders = std::pin::pin!(self.orders_stream(params));
        while found.len() < client_order_ids.len()
            && let Some(order) = orders.next().await
        {
            let order = order?;
            if client_order_ids.contains(&order.client_order_id.as_str()) {
                found.insert(order.client_order_id.clone(), order);
            }
        }
        Ok(found)
    }

    /// `POST /portfolio/events/orders/{order_id}/amend`: new price and/or new *total*
    /// size (filled + desired remaining), keeping the order id.
    ///
    /// # Errors
    /// [`Error::Api`] if the exchange refuses (mismatched ticker/side, closed market, …);
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn amend_order(
        &self,
        order_id: &str,
        amend: &AmendOrderRequest,
    ) -> Result<AmendOrderResponse, Error> {
        let call = Call::write(Method::POST, order_path(order_id, "/amend")?)
            .query(subaccount_query(amend.subaccount))
            .json(amend)?;
        self.send(call).await
    }

    /// `POST /portfolio/events/orders/{order_id}/decrease`: shrinks the resting size by or
    /// to a count.
    ///
    /// # Errors
    /// [`Error::Api`] if the exchange refuses; [`Error::NoCredentials`]; any other
    /// [`Error`] of the send path.
    pub async fn decrease_order(
        &self,
        order_id: &str,
        decrease: &DecreaseOrderRequest,
    ) -> Result<DecreaseOrderResponse, Error> {
        let call = Call::write(Method::POST, order_path(order_id, "/decrease")?)
            .query(subaccount_query(decrease.subaccount))
            .json(decrease)?;
        self.send(call).await
    }

    /// `DELETE /portfolio/events/orders/{order_id}`: cancels the resting remainder
    /// (`reduced_by` 0 means it had already filled).
    ///
    /// # Errors
    /// [`Error::Api`] (404 unknown order, 409 closed market, …); [`Error::NoCredentials`];
    /// any other [`Error`] of the send path.
    pub async fn cancel_order(
        &self,
        order_id: &str,
        params: &CancelOrderParams,
    ) -> Result<CancelOrderResponse, Error> {
        let call = Call::write(Method::DELETE, order_path(order_id, "")?).query(params.to_query());
        self.send(call).await
    }

    /// `POST /portfolio/events/orders/batched`: places several orders; each item has its
    /// own result (with `error` set for items that failed). Retried automatically only if
    /// every order carries a `client_order_id`; an item a retry finds `order_already_exists`
    /// was placed by an earlier attempt, and is looked up and reported as placed.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty batch; [`Error::RateLimited`] if the batch
    /// does not fit the write bucket; [`Error::NoCredentials`]; any other [`Error`] of the
    /// send path. Per-item failures are in the returned results, not errors.
    pub async fn batch_create_orders(
        &self,
        orders: &[CreateOrderRequest],
    ) -> Result<Vec<BatchCreateOrderResult>, Error> {
        if orders.is_empty() {
            return Err(Error::InvalidRequest(
                "a batch needs at least one order".into(),
            ));
        }
        let body = BatchCreateOrdersRequest {
            orders: orders.to_vec(),
        };
        let call = Call::write(Method::POST, "/portfolio/events/orders/batched")
            .json(&body)?
            .cost(orders.len())
            .idempotent(orders.iter().all(has_client_order_id));
        let (result, attempts) = self.send_counted::<BatchCreateOrdersResponse>(call).await;
        let mut results = result?.orders;
        if attempts > 1 {
            self.recover_batch_items(orders, &mut results).await?;
        }
        Ok(results)
    }

    /// Replaces a retried batch's `order_already_exists` items with the orders an earlier
    /// attempt placed, found by their requests' ticker and client order id (the item's
    /// `client_order_id`, else the request at the same position), with one listing per
    /// market. Items whose order is not found are left as they are.
    async fn recover_batch_items(
        &self,
        orders: &[CreateOrderRequest],
        results: &mut [BatchCreateOrderResult],
    ) -> Result<(), Error> {
        let mut wanted: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
        for (index, item) in results.iter().enumerate() {
            let duplicate = item
                .error
                .as_ref()
                .is_some_and(|e| e.code.as_deref() == Some(ALREADY_EXISTS));
            if !duplicate {
                continue;
            }
            let request = match item.client_order_id.as_deref() {
                Some(id) => orders
                    .iter()
                    .find(|o| o.client_order_id.as_deref() == Some(id)),
                None => orders.get(index),
            };
            if let Some(o) = request
                && let Some(id) = o.client_order_id.as_deref()
            {
                wanted
                    .entry(o.ticker.as_str())
                    .or_default()
                    .push((index, id));
            }
        }
        for (ticker, items) in wanted {
            let ids: Vec<&str> = items.iter().map(|(_, id)| *id).collect();
            let mut placed = self.placed_by_earlier_attempt(ticker, &ids).await?;
            for (index, id) in items {
                if let (Some(found), Some(item)) = (placed.remove(id), results.get_mut(index)) {
                    *item = BatchCreateOrderResult {
                        order_id: Some(found.order_id),
                        client_order_id: found.client_order_id,
                        fill_count: Some(found.fill_count),
                        remaining_count: Some(found.remaining_count),
                        average_fill_price: None,
                        average_fee_paid: None,
                        ts_ms: Some(found.ts_ms),
                        error: None,
                    };
                }
            }
        }
        Ok(())
    }

    /// `DELETE /portfolio/events/orders/batched`: cancels several orders (JSON body on
    /// DELETE); each item has its own result.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty batch; [`Error::NoCredentials`]; any other
    /// [`Error`] of the send path. Per-item failures are in the returned results.
    pub async fn batch_cancel_orders(
        &self,
        orders: &[BatchCancelOrder],
    ) -> Result<Vec<BatchCancelOrderResult>, Error> {
        if orders.is_empty() {
            return Err(Error::InvalidRequest(
                "a batch needs at least one order".into(),
            ));
        }
        let body = BatchCancelOrdersRequest {
            orders: orders.to_vec(),
        };
        // A cancel costs a fifth of a default request (2 of 10 tokens).
        let call = Call::write(Method::DELETE, "/portfolio/events/orders/batched")
            .json(&body)?
            .cost(orders.len().div_ceil(5));
        let r: BatchCancelOrdersResponse = self.send(call).await?;
        Ok(r.orders)
    }
}
