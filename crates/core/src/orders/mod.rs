//! Order entry: validation before sending, placing with a generated `client_order_id`
//! behind an optimistic pending order, amend, decrease, cancel and cancel-all. After every write the
//! order is read back and stored, so the store and the events never wait for the
//! WebSocket (which may be down) to learn the outcome.

mod cancel_all;
mod persisted;
mod ticket;
mod unconfirmed;
pub(crate) mod validate;

use kalshi::model::market::Market;
use kalshi::model::order::{SelfTradePrevention, TimeInForce};
use kalshi::model::order_entry::{
    AmendOrderRequest, CancelOrderParams, CreateOrderRequest, DecreaseOrderRequest,
};
use kalshi::model::portfolio::SubaccountParams;
use kalshi::model::{Count, Money, Price};
use time::OffsetDateTime;

pub use cancel_all::CancelAllReport;
pub use kalshi::model::order_entry::Decrease;
pub(crate) use persisted::restore as restore_unconfirmed;
pub use ticket::OrderTicket;
pub(crate) use unconfirmed::{Unconfirmed, adopt, confirmed, settle_all};

use crate::error::{AppError, CoreError, OrderRejection};
use crate::event::{AppEvent, OrderEvent, PendingOrder};
use crate::record;
use crate::session::Session;
use crate::shared::Shared;
use validate::Account;

/// What placing an order returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedOrder {
    /// The idempotency key it was sent with (the pending order's key).
    pub client_order_id: String,
    /// The exchange's id.
    pub order_id: String,
    /// Contracts filled at once.
    pub fill_count: Count,
    /// Contracts left resting.
    pub remaining_count: Count,
}

impl Session {
    /// Validates and places an order. An [`OrderEvent::Pending`] keyed by a new
    /// `client_order_id` goes out first; then [`OrderEvent::Accepted`] and the stored
    /// order, or [`OrderEvent::Rejected`] with the error.
    ///
    /// The create is retried on 429/5xx/timeouts under the same `client_order_id`, so it
    /// can never be placed twice. If it still fails in a way that may have placed it (a
    /// timeout, a lost connection, a 5xx), it is not rejected but held as
    /// [`OrderEvent::Unconfirmed`] and looked up by its id at once, after every catch-up
    /// and on any report carrying the id, until it becomes [`OrderEvent::Accepted`] or
    /// [`OrderEvent::NotPlaced`]; [`Session::retry_unconfirmed`] re-sends it safely.
    /// Only a definite refusal (4xx, 429) is [`OrderEvent::Rejected`].
    ///
    /// # Errors
    /// [`CoreError::Closed`], [`CoreError::Offline`], [`CoreError::ProductionNotConfirmed`],
    /// [`CoreError::Order`] (validation: range, grid, count, market open, balance),
    /// [`CoreError::Unconfirmed`] (the order is held until settled), or the exchange's
    /// [`CoreError::Exchange`].
    #[tracing::instrument(skip(self), fields(environment = %self.shared.env), err(Debug))]
    pub async fn place_order(&self, ticket: OrderTicket) -> Result<PlacedOrder, CoreError> {
        let shared = self.live()?;
        shared.env.check_can_trade(shared.production_confirmed())?;
        validate::check_price_range(ticket.price)?;
        validate::check_count(ticket.count, shared.tuning.max_order_count)?;
        let market = ask_market(shared, &ticket.ticker).await?;
        let account = Account {
            balance: Some(available_balance(shared).await?),
            position: position_in(shared, &ticket.ticker),
        };
        validate::check(&ticket, &market, account, shared.tuning.max_order_count)?;

        let client_order_id = uuid::Uuid::new_v4().to_string();
        let pending = PendingOrder {
            client_order_id: client_order_id.clone(),
            ticket: ticket.clone(),
            sent_at: OffsetDateTime::now_utc(),
        };
        shared
            .pending()
            .insert(client_order_id.clone(), pending.clone());
        shared.emit(AppEvent::Order(OrderEvent::Pending(pending.clone())));

        let request = create_request(&ticket, &client_order_id)?;
        let response = match shared.link.client.create_order(&request).await {
            Ok(response) => response,
            Err(e) if e.outcome_unknown() => return unconfirmed::hold(shared, pending, e).await,
            Err(e) => {
                shared.pending().remove(&client_order_id);
                let error = CoreError::from(e);
                let app = AppError::from(&error);
                shared.emit(AppEvent::Order(OrderEvent::Rejected {
                    client_order_id,
                    error: app,
                }));
                return Err(error);
            }
        };
        shared.emit(AppEvent::Order(OrderEvent::Accepted {
            client_order_id: client_order_id.clone(),
            order_id: response.order_id.clone(),
            fill_count: response.fill_count,
            remaining_count: response.remaining_count,
        }));
        shared.pending().remove(&client_order_id);
        cache_market(shared, &market).await;
        read_back(shared, &response.order_id).await;
        if !response.fill_count.is_zero() {
            shared.refresh.notify_one();
        }
        Ok(PlacedOrder {
            client_order_id,
            order_id: response.order_id,
            fill_count: response.fill_count,
            remaining_count: response.remaining_count,
        })
    }

    /// Changes an order's price and/or total size (`total_count` = already filled + the
    /// desired resting remainder), keeping its id. Validated against the market's grid.
    ///
    /// # Errors
    /// As for [`Session::place_order`], plus [`CoreError::UnknownOrder`].
    #[tracing::instrument(skip(self), fields(environment = %self.shared.env), err(Debug))]
    pub async fn amend_order(
        &self,
        order_id: &str,
        price: Price,
        total_count: Count,
    ) -> Result<(), CoreError> {
        let shared = self.live()?;
        shared.env.check_can_trade(shared.production_confirmed())?;
        validate::check_price_range(price)?;
        validate::check_count(total_count, shared.tuning.max_order_count)?;
        let order = known_order(shared, order_id).await?;
        let market = fetch_market(shared, &order.ticker).await?;
        validate::check_grid(&market, price)?;
        let request = AmendOrderRequest {
            ticker: order.ticker.clone(),
            side: order.book_side,
            price,
            count: total_count,
            client_order_id: non_empty(&order.client_order_id),
            updated_client_order_id: None,
            exchange_index: None,
            subaccount: order.subaccount_number,
        };
        let response = shared.link.client.amend_order(order_id, &request).await?;
        read_back(shared, order_id).await;
        if response.fill_count.is_some_and(|c| !c.is_zero()) {
            shared.refresh.notify_one();
        }
        Ok(())
    }

    /// Shrinks an order's resting size by or to a count, keeping its queue position.
    ///
    /// # Errors
    /// [`CoreError::Closed`], [`CoreError::Offline`], [`CoreError::ProductionNotConfirmed`],
    /// [`CoreError::Order`] for a non-positive count, or the exchange's error.
    #[tracing::instrument(skip(self), fields(environment = %self.shared.env), err(Debug))]
    pub async fn decrease_order(
        &self,
        order_id: &str,
        decrease: Decrease,
    ) -> Result<(), CoreError> {
        let shared = self.live()?;
        shared.env.check_can_trade(shared.production_confirmed())?;
        match decrease {
            Decrease::By(count) => validate::check_count(count, shared.tuning.max_order_count)?,
            Decrease::To(count) if count.is_negative() => {
                return Err(OrderRejection::CountNotPositive { count }.into());
            }
            Decrease::To(_) => {}
        }
        let order = known_order(shared, order_id).await?;
        let mut request = DecreaseOrderRequest::new(decrease);
        request.market_ticker = Some(order.ticker.clone());
        request.subaccount = order.subaccount_number;
        shared
            .link
            .client
            .decrease_order(order_id, &request)
            .await?;
        read_back(shared, order_id).await;
        Ok(())
    }

    /// Cancels an order's resting remainder (it stays in history as `canceled`).
    ///
    /// # Errors
    /// [`CoreError::Closed`], [`CoreError::Offline`], [`CoreError::ProductionNotConfirmed`],
    /// [`CoreError::UnknownOrder`], or the exchange's error.
    #[tracing::instrument(skip(self), fields(environment = %self.shared.env), err(Debug))]
    pub async fn cancel_order(&self, order_id: &str) -> Result<(), CoreError> {
        let shared = self.live()?;
        shared.env.check_can_trade(shared.production_confirmed())?;
        let order = known_order(shared, order_id).await?;
        let params = CancelOrderParams {
            market_ticker: Some(order.ticker.clone()),
            subaccount: order.subaccount_number,
            ..CancelOrderParams::default()
        };
        shared.link.client.cancel_order(order_id, &params).await?;
        read_back(shared, order_id).await;
        Ok(())
    }

    /// The optimistic orders not yet answered by the exchange.
    pub fn pending_orders(&self) -> Vec<PendingOrder> {
        let mut pending: Vec<PendingOrder> = self.shared.pending().values().cloned().collect();
        pending.sort_by_key(|p| p.sent_at);
        pending
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn create_request(
    ticket: &OrderTicket,
    client_order_id: &str,
) -> Result<CreateOrderRequest, CoreError> {
    let mut request = CreateOrderRequest::new(
        ticket.ticker.clone(),
        ticket.side,
        ticket.price,
        ticket.count,
        ticket.time_in_force,
        SelfTradePrevention::TakerAtCross,
    );
    request.client_order_id = Some(client_order_id.to_owned());
    request.post_only = ticket.post_only.then_some(true);
    request.reduce_only = ticket.reduce_only.then_some(true);
    if let Some(expiry) = ticket.expires_at {
        if ticket.time_in_force != TimeInForce::GoodTillCanceled {
            return Err(CoreError::InvalidRequest(
                "only good-till-cancelled orders can expire".into(),
            ));
        }
        request.expiration_time = Some(expiry.unix_timestamp());
    }
    Ok(request)
}

/// The market from the exchange (stored in the cache); unknown tickers are
/// [`OrderRejection::MarketNotFound`].
pub(crate) async fn fetch_market(shared: &Shared, ticker: &str) -> Result<Market, CoreError> {
    let market = ask_market(shared, ticker).await?;
    cache_market(shared, &market).await;
    Ok(market)
}

/// The market as the exchange has it now, not yet cached: an order validates against it
/// and caches it only after the exchange's answer, so the cache write is not on the path
/// from the click to the acknowledgement.
async fn ask_market(shared: &Shared, ticker: &str) -> Result<Market, CoreError> {
    match shared.link.client.market(ticker).await {
        Ok(market) => Ok(market),
        Err(e) if e.status() == Some(404) => Err(OrderRejection::MarketNotFound {
            ticker: ticker.to_owned(),
        }
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// Keeps `market` in the store's cache (for offline views); a failure is only logged,
/// since the market itself was read.
async fn cache_market(shared: &Shared, market: &Market) {
    if let Err(e) = record::market(shared, market).await {
        tracing::warn!(error = %e, ticker = %market.ticker, "caching a market failed");
    }
}

/// Available cash: the last fetched balance, or a fresh one.
async fn available_balance(shared: &Shared) -> Result<Money, CoreError> {
    if let Some(balance) = shared.portfolio().balance {
        return Ok(balance.balance);
    }
    let balance = shared
        .link
        .client
        .balance(&SubaccountParams::default())
        .await?;
    Ok(balance.balance_dollars)
}

/// The signed position in `ticker` from the last refresh.
fn position_in(shared: &Shared, ticker: &str) -> Count {
    shared
        .portfolio()
        .positions
        .iter()
        .find(|p| p.ticker == ticker)
        .map_or(Count::ZERO, |p| p.position_fp)
}

/// The order from the store, else from the exchange.
async fn known_order(
    shared: &Shared,
    order_id: &str,
) -> Result<kalshi::model::order::Order, CoreError> {
    if let Some(row) = shared.store.order(&shared.scope, order_id).await? {
        return Ok(row.into());
    }
    match shared.link.client.order(order_id).await {
        Ok(order) => Ok(order),
        Err(e) if e.status() == Some(404) => Err(CoreError::UnknownOrder(order_id.to_owned())),
        Err(e) => Err(e.into()),
    }
}

/// Reads the order back after a write and stores it (announcing it if it changed). Best
/// effort: the WebSocket or the next catch-up brings it otherwise.
async fn read_back(shared: &Shared, order_id: &str) {
    match shared.link.client.order(order_id).await {
        Ok(order) => {
            if let Err(e) = record::orders(shared, &[order]).await {
                tracing::warn!(error = %e, order_id, "storing an order after a write failed");
            }
        }
        Err(e) => tracing::warn!(error = %e, order_id, "reading an order back failed"),
    }
}
