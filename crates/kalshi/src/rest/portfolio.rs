//! Portfolio endpoints (all signed): balance, positions, fills, settlements.

use futures_util::Stream;

use super::client::{Call, Client};
use super::error::Error;
use super::paginate::paginate;
use crate::model::fill::{Fill, GetFillsParams, GetFillsResponse};
use crate::model::portfolio::{
    GetBalanceResponse, GetPositionsParams, GetPositionsResponse, MarketPosition, SubaccountParams,
};
use crate::model::settlement::{GetSettlementsParams, GetSettlementsResponse, Settlement};

impl Client {
    /// `GET /portfolio/balance`: available cash (`balance_dollars` exact; `balance` in
    /// truncated cents) and portfolio value.
    ///
    /// # Errors
    /// [`Error::NoCredentials`] without credentials; [`Error::Auth`] if the key is
    /// refused; any other [`Error`] of the send path.
    pub async fn balance(&self, params: &SubaccountParams) -> Result<GetBalanceResponse, Error> {
        self.send(
            Call::get("/portfolio/balance")
                .signed()
                .query(params.to_query()),
        )
        .await
    }

    /// `GET /portfolio/positions`: one page of unsettled positions (market and event level).
    ///
    /// # Errors
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn positions(
        &self,
        params: &GetPositionsParams,
    ) -> Result<GetPositionsResponse, Error> {
        self.send(
            Call::get("/portfolio/positions")
                .signed()
                .query(params.to_query()),
        )
        .await
    }

    /// All market positions matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn positions_stream(
        &self,
        params: GetPositionsParams,
    ) -> impl Stream<Item = Result<MarketPosition, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate(
            "GET /portfolio/positions",
            self.max_pages(),
            move |cursor| {
                let client = client.clone();
                let mut p = params.clone();
                p.cursor = cursor.or_else(|| first.clone());
                async move { client.positions(&p).await }
            },
        )
    }

    /// `GET /portfolio/fills`: one page of the account's fills.
    ///
    /// # Errors
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn fills(&self, params: &GetFillsParams) -> Result<GetFillsResponse, Error> {
        self.send(
            Call::get("/portfolio/fills")
                .signed()
                .query(params.to_query()),
        )
        .await
    }

    /// All fills matching `params` as a stream, following cursors (reconciliation after
    /// a reconnect uses `min_ts` from the stored cursor).
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn fills_stream(
        &self,
        params: GetFillsParams,
    ) -> impl Stream<Item = Result<Fill, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /portfolio/fills", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.fills(&p).await }
        })
    }

    /// `GET /portfolio/settlements`: one page of settled markets' payouts.
    ///
    /// # Errors
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn settlements(
        &self,
        params: &GetSettlementsParams,
    ) -> Result<GetSettlementsResponse, Error> {
        self.send(
            Call::get("/portfolio/settlements")
                .signed()
                .query(params.to_query()),
        )
        .await
    }

    /// All settlements matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn settlements_stream(
        &self,
        params: GetSettlementsParams,
    ) -> impl Stream<Item = Result<Settlement, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate(
            "GET /portfolio/settlements",
            self.max_pages(),
            move |cursor| {
                let client = client.clone();
                let mut p = params.clone();
                p.cursor = cursor.or_else(|| first.clone());
                async move { client.settlements(&p).await }
            },
        )
    }
}
