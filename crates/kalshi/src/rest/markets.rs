//! Market data endpoints: markets, order books, the public trade tape.

use futures_util::Stream;

use super::client::{Call, Client, segment};
use super::error::Error;
use super::paginate::paginate;
use crate::model::candlestick::{
    BatchCandlesticksParams, BatchGetMarketCandlesticksResponse, CandlesticksParams,
    GetMarketCandlesticksResponse, MarketCandlesticks,
};
use crate::model::market::{GetMarketResponse, GetMarketsParams, GetMarketsResponse, Market};
use crate::model::orderbook::{
    GetMarketOrderbookResponse, GetMarketOrderbooksResponse, GetOrderbookParams,
    GetOrderbooksParams, MarketOrderbook, OrderbookFp,
};
use crate::model::trade::{GetTradesParams, GetTradesResponse, Trade};

impl Client {
    /// `GET /markets`: one page of markets matching `params` (filters, `limit`, `cursor`).
    ///
    /// # Errors
    /// Any [`Error`] of the send path; a 400 if the filters are incompatible (the server
    /// enforces which timestamp filters go with which status).
    pub async fn markets(&self, params: &GetMarketsParams) -> Result<GetMarketsResponse, Error> {
        self.send(Call::get("/markets").query(params.to_query()))
            .await
    }

    /// All markets matching `params` as a stream, following cursors (the filters are
    /// repeated on every page; `params.cursor` is the starting point).
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn markets_stream(
        &self,
        params: GetMarketsParams,
    ) -> impl Stream<Item = Result<Market, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /markets", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.markets(&p).await }
        })
    }

    /// `GET /markets/{ticker}`: one market.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 for an unknown ticker (also briefly right after a
    /// market is created); any other [`Error`] of the send path.
    pub async fn market(&self, ticker: &str) -> Result<Market, Error> {
        let path = format!("/markets/{}", segment("ticker", ticker)?);
        let r: GetMarketResponse = self.send(Call::get(path)).await?;
        Ok(r.market)
    }

    /// `GET /markets/{ticker}/orderbook`: YES and NO bids, `depth` best levels per side
    /// (`None` or 0 = all).
    ///
    /// # Errors
    /// Any [`Error`] of the send path.
    pub async fn orderbook(&self, ticker: &str, depth: Option<u32>) -> Result<OrderbookFp, Error> {
        let path = format!("/markets/{}/orderbook", segment("ticker", ticker)?);
        let query = GetOrderbookParams { depth }.to_query();
        let r: GetMarketOrderbookResponse = self.send(Call::get(path).query(query)).await?;
        Ok(r.orderbook_fp)
    }

    /// `GET /markets/orderbooks`: several order books in one call (1–100 tickers).
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty ticker list; any other [`Error`] of the send path.
    pub async fn orderbooks(&self, tickers: &[String]) -> Result<Vec<MarketOrderbook>, Error> {
        if tickers.is_empty() {
            return Err(Error::InvalidRequest(
                "orderbooks needs at least one ticker".into(),
            ));
        }
        let query = GetOrderbooksParams {
            tickers: tickers.to_vec(),
        }
        .to_query();
        let r: GetMarketOrderbooksResponse = self
            .send(Call::get("/markets/orderbooks").query(query))
            .await?;
        Ok(r.orderbooks)
    }

    /// `GET /markets/trades`: one page of the public trade tape.
    ///
    /// # Errors
    /// Any [`Error`] of the send path.
    pub async fn trades(&self, params: &GetTradesParams) -> Result<GetTradesResponse, Error> {
        self.send(Call::get("/markets/trades").query(params.to_query()))
            .await
    }

    /// All trades matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn trades_stream(
        &self,
        params: GetTradesParams,
    ) -> impl Stream<Item = Result<Trade, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /markets/trades", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.trades(&p).await }
        })
    }

    /// `GET /series/{series_ticker}/markets/{ticker}/candlesticks`: OHLC candles of one
    /// market between `start_ts` and `end_ts` (Unix seconds) at the given period.
    ///
    /// # Errors
    /// Any [`Error`] of the send path (400 for a bad range or period).
    pub async fn candlesticks(
        &self,
        series_ticker: &str,
        ticker: &str,
        params: &CandlesticksParams,
    ) -> Result<GetMarketCandlesticksResponse, Error> {
        let path = format!(
            "/series/{}/markets/{}/candlesticks",
            segment("series ticker", series_ticker)?,
            segment("ticker", ticker)?
        );
        self.send(Call::get(path).query(params.to_query())).await
    }

    /// `GET /markets/candlesticks`: candles of up to 100 markets in one call.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an empty ticker list; any other [`Error`] of the send path.
    pub async fn batch_candlesticks(
        &self,
        params: &BatchCandlesticksParams,
    ) -> Result<Vec<MarketCandlesticks>, Error> {
        if params.market_tickers.is_empty() {
            return Err(Error::InvalidRequest(
                "batch candlesticks needs at least one ticker".into(),
            ));
        }
        let r: BatchGetMarketCandlesticksResponse = self
            .send(Call::get("/markets/candlesticks").query(params.to_query()))
            .await?;
        Ok(r.markets)
    }
}
