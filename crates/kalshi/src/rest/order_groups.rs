//! Order-group endpoints (`/portfolio/order_groups`): groups cap the contracts matched in
//! a rolling 15 s window and cancel all their orders when the cap is hit.

use reqwest::Method;

use super::client::{Call, Client, segment};
use super::error::Error;
use crate::model::order_group::{
    CreateOrderGroupRequest, CreateOrderGroupResponse, GetOrderGroupResponse,
    GetOrderGroupsResponse, OrderGroup, UpdateOrderGroupLimitRequest,
};
use crate::model::portfolio::SubaccountParams;

fn group_path(group_id: &str, suffix: &str) -> Result<String, Error> {
    Ok(format!(
        "/portfolio/order_groups/{}{suffix}",
        segment("order group id", group_id)?
    ))
}

impl Client {
    /// `POST /portfolio/order_groups/create`: a new group with a contracts limit. Sent
    /// once (a retry could create a second group).
    ///
    /// # Errors
    /// [`Error::Api`] for an invalid limit or too many groups; [`Error::NoCredentials`];
    /// any other [`Error`] of the send path.
    pub async fn create_order_group(
        &self,
        req: &CreateOrderGroupRequest,
    ) -> Result<CreateOrderGroupResponse, Error> {
        let call = Call::write(Method::POST, "/portfolio/order_groups/create").json(req)?;
        self.send(call).await
    }

    /// `GET /portfolio/order_groups`: all of the account's order groups.
    ///
    /// # Errors
    /// [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn order_groups(&self, params: &SubaccountParams) -> Result<Vec<OrderGroup>, Error> {
        let call = Call::get("/portfolio/order_groups")
            .signed()
            .query(params.to_query());
        let r: GetOrderGroupsResponse = self.send(call).await?;
        Ok(r.order_groups)
    }

    /// `GET /portfolio/order_groups/{id}`: one group with its order ids.
    ///
    /// # Errors
    /// [`Error::Api`] with status 404 for an unknown group; [`Error::NoCredentials`];
    /// any other [`Error`] of the send path.
    pub async fn order_group(
        &self,
        group_id: &str,
        params: &SubaccountParams,
    ) -> Result<GetOrderGroupResponse, Error> {
        let call = Call::get(group_path(group_id, "")?)
            .signed()
            .query(params.to_query());
        self.send(call).await
    }

    /// `DELETE /portfolio/order_groups/{id}`: deletes the group (cancelling its orders).
    ///
    /// # Errors
    /// [`Error::Api`] (e.g. 404); [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn delete_order_group(
        &self,
        group_id: &str,
        params: &SubaccountParams,
    ) -> Result<(), Error> {
        let call = Call::write(Method::DELETE, group_path(group_id, "")?).query(params.to_query());
        self.send_no_content(call).await
    }

    /// `PUT /portfolio/order_groups/{id}/reset`: re-enables a triggered group.
    ///
    /// # Errors
    /// [`Error::Api`]; [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn reset_order_group(
        &self,
        group_id: &str,
        params: &SubaccountParams,
    ) -> Result<(), Error> {
        let call =
            Call::write(Method::PUT, group_path(group_id, "/reset")?).query(params.to_query());
        self.send_no_content(call).await
    }

    /// `PUT /portfolio/order_groups/{id}/trigger`: fires the group now (cancels its
    /// resting orders and blocks new ones until reset).
    ///
    /// # Errors
    /// [`Error::Api`]; [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn trigger_order_group(
        &self,
        group_id: &str,
        params: &SubaccountParams,
    ) -> Result<(), Error> {
        let call =
            Call::write(Method::PUT, group_path(group_id, "/trigger")?).query(params.to_query());
        self.send_no_content(call).await
    }

    /// `PUT /portfolio/order_groups/{id}/limit`: changes the contracts limit (lowering it
    /// below the current window's volume triggers the group).
    ///
    /// # Errors
    /// [`Error::Api`]; [`Error::NoCredentials`]; any other [`Error`] of the send path.
    pub async fn set_order_group_limit(
        &self,
        group_id: &str,
        limit: &UpdateOrderGroupLimitRequest,
        params: &SubaccountParams,
    ) -> Result<(), Error> {
        let call = Call::write(Method::PUT, group_path(group_id, "/limit")?)
            .query(params.to_query())
            .json(limit)?;
        self.send_no_content(call).await
    }
}
