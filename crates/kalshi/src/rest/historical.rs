//! Historical endpoints: the archive of records older than Kalshi's cutoff.
//!
//! Kalshi moves fills, finished orders and settled markets older than the
//! [`Client::historical_cutoff`] timestamps out of the live endpoints; these reads return
//! them in the live shapes with the same cursor pagination, so a complete history reads
//! both sides of the cutoff. Fills and orders are signed; cutoff and markets are public.

use futures_util::Stream;

use super::client::{Call, Client, segment};
use super::error::Error;
use super::paginate::paginate;
use crate::model::fill::{Fill, GetFillsResponse};
use crate::model::historical::{
    GetHistoricalCutoffResponse, GetHistoricalMarketsParams, HistoricalRangeParams,
};
use crate::model::market::{GetMarketResponse, GetMarketsResponse, Market};
use crate::model::order::{GetOrdersResponse, Order};

impl Client {
    /// `GET /historical/cutoff`: where the live endpoints end and the archive begins.
    ///
    /// # Errors
    /// Any [`Error`] of the send path.
    pub async fn historical_cutoff(&self) -> Result<GetHistoricalCutoffResponse, Error> {
        self.send(Call::get("/historical/cutoff")).await
    }

    /// `GET /historical/fills`: one page of the account's fills older than
    /// `trades_created_ts`.
    ///
    /// # Errors
    /// [`Error::NoCredentials`] without credentials; any other [`Error`] of the send path.
    pub async fn historical_fills(
        &self,
        params: &HistoricalRangeParams,
    ) -> Result<GetFillsResponse, Error> {
        self.send(
            Call::get("/historical/fills")
                .signed()
                .query(params.to_query()),
        )
        .await
    }

    /// All archived fills matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn historical_fills_stream(
        &self,
        params: HistoricalRangeParams,
    ) -> impl Stream<Item = Result<Fill, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /historical/fills", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.historical_fills(&p).await }
        })
    }

    /// `GET /historical/orders`: one page of the account's orders cancelled or executed
    /// before `orders_updated_ts` (resting orders are always live).
    ///
    /// # Errors
    /// [`Error::NoCredentials`] without credentials; any other [`Error`] of the send path.
    pub async fn historical_orders(
        &self,
        params: &HistoricalRangeParams,
    ) -> Result<GetOrdersResponse, Error> {
        self.send(
            Call::get("/historical/orders")
                .signed()
                .query(params.to_query()),
        )
        .await
    }

    /// All archived orders matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn historical_orders_stream(
        &self,
        params: HistoricalRangeParams,
    ) -> impl Stream<Item = Result<Order, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /historical/orders", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.historical_orders(&p).await }
        })
    }

    /// `GET /historical/markets`: one page of markets settled before `market_settled_ts`.
    ///
    /// # Errors
    /// Any [`Error`] of the send path; a 400 if the filters are combined (Kalshi takes
    /// one at a time).
    pub async fn historical_markets(
        &self,
        params: &GetHistoricalMarketsParams,
    ) -> Result<GetMarketsResponse, Error> {
        self.send(Call::get("/historical/markets").query(params.to_query()))
            .await
    }

    /// All archived markets matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn historical_markets_stream(
        &self,
        params: GetHistoricalMarketsParams,
    ) -> impl Stream<Item = Result<Market, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /historical/markets", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.historical_markets(&p).await }
        })
    }

    /// `GET /historical/markets/{ticker}`: one archived market.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 for a ticker not in the archive (a live market is
    /// not); any other [`Error`] of the send path.
    pub async fn historical_market(&self, ticker: &str) -> Result<Market, Error> {
        let path = format!("/historical/markets/{}", segment("ticker", ticker)?);
        let r: GetMarketResponse = self.send(Call::get(path)).await?;
        Ok(r.market)
    }
}
