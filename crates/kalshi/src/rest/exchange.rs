//! Exchange endpoints: trading status, schedule, and portfolio-data freshness.

use super::client::{Call, Client};
use super::error::Error;
use crate::model::exchange::{
    ExchangeStatus, GetExchangeScheduleResponse, GetUserDataTimestampResponse, Schedule,
};

impl Client {
    /// `GET /exchange/status`: whether the exchange and trading are active (maintenance,
    /// the Thursday trading pause, incidents).
    ///
    /// # Errors
    /// Any [`Error`] of the send path: transport, timeout, an error status, or an
    /// undecodable body.
    pub async fn exchange_status(&self) -> Result<ExchangeStatus, Error> {
        self.send(Call::get("/exchange/status")).await
    }

    /// `GET /exchange/schedule`: weekly trading hours (US Eastern) and maintenance windows.
    ///
    /// # Errors
    /// Any [`Error`] of the send path.
    pub async fn exchange_schedule(&self) -> Result<Schedule, Error> {
        let r: GetExchangeScheduleResponse = self.send(Call::get("/exchange/schedule")).await?;
        Ok(r.schedule)
    }

    /// `GET /exchange/user_data_timestamp`: when balance, orders, fills and positions were
    /// last refreshed (REST portfolio data lags the matching engine slightly).
    ///
    /// # Errors
    /// [`Error::NoCredentials`] without credentials; otherwise any [`Error`] of the send path.
    pub async fn user_data_timestamp(&self) -> Result<GetUserDataTimestampResponse, Error> {
        self.send(Call::get("/exchange/user_data_timestamp").signed())
            .await
    }
}
