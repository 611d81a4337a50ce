//! Event and series endpoints: the Series → Event → Market hierarchy above markets.

use futures_util::Stream;

use super::client::{Call, Client, segment};
use super::error::Error;
use super::paginate::paginate;
use crate::model::event::{
    Event, GetEventParams, GetEventResponse, GetEventsParams, GetEventsResponse,
};
use crate::model::series::{
    GetSeriesListParams, GetSeriesListResponse, GetSeriesParams, GetSeriesResponse, Series,
};

impl Client {
    /// `GET /events`: one page of events matching `params`.
    ///
    /// # Errors
    /// Any [`Error`] of the send path.
    pub async fn events(&self, params: &GetEventsParams) -> Result<GetEventsResponse, Error> {
        self.send(Call::get("/events").query(params.to_query()))
            .await
    }

    /// All events matching `params` as a stream, following cursors.
    ///
    /// # Errors
    /// The stream yields any [`Error`] of a page fetch, or [`Error::TooManyPages`], and ends.
    pub fn events_stream(
        &self,
        params: GetEventsParams,
    ) -> impl Stream<Item = Result<Event, Error>> + Send + 'static {
        let client = self.clone();
        let first = params.cursor.clone();
        paginate("GET /events", self.max_pages(), move |cursor| {
            let client = client.clone();
            let mut p = params.clone();
            p.cursor = cursor.or_else(|| first.clone());
            async move { client.events(&p).await }
        })
    }

    /// `GET /events/{event_ticker}`: one event and its markets.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 for an unknown event; any other [`Error`] of the send path.
    pub async fn event(
        &self,
        event_ticker: &str,
        params: &GetEventParams,
    ) -> Result<GetEventResponse, Error> {
        let path = format!("/events/{}", segment("event ticker", event_ticker)?);
        self.send(Call::get(path).query(params.to_query())).await
    }

    /// `GET /series/{series_ticker}`: one series.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 for an unknown series; any other [`Error`] of the send path.
    pub async fn series(
        &self,
        series_ticker: &str,
        params: &GetSeriesParams,
    ) -> Result<Series, Error> {
        let path = format!("/series/{}", segment("series ticker", series_ticker)?);
        let r: GetSeriesResponse = self.send(Call::get(path).query(params.to_query())).await?;
        Ok(r.series)
    }

    /// `GET /series`: every series matching `params` (the endpoint is not paginated).
    ///
    /// # Errors
    /// Any [`Error`] of the send path.
    pub async fn series_list(&self, params: &GetSeriesListParams) -> Result<Vec<Series>, Error> {
        let r: GetSeriesListResponse = self
            .send(Call::get("/series").query(params.to_query()))
            .await?;
        Ok(r.series)
    }
}
