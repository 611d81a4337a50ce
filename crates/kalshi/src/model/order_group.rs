//! Order groups (auto-cancel when matched volume over a rolling 15 s window exceeds a
//! limit): `/portfolio/order_groups` bodies. Their query is `portfolio::SubaccountParams`.

use serde::{Deserialize, Serialize};

use super::Count;
use super::page::paginated;

/// An order group as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderGroup {
    /// Group id (what orders pass as `order_group_id`).
    pub id: String,
    /// Contracts that may match per rolling 15 s window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Count>,
    /// True once triggered: resting orders were cancelled and new ones are blocked until reset.
    pub is_auto_cancel_enabled: bool,
    /// Shard of the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

/// `GET /portfolio/order_groups` response (not paginated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderGroupsResponse {
    /// All groups.
    #[serde(default)]
    pub order_groups: Vec<OrderGroup>,
}

paginated!(GetOrderGroupsResponse, order_groups, OrderGroup, no_cursor);

/// `GET /portfolio/order_groups/{id}` response: the group with its orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GetOrderGroupResponse {
    /// See [`OrderGroup::is_auto_cancel_enabled`].
    pub is_auto_cancel_enabled: bool,
    /// Contracts that may match per rolling 15 s window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Count>,
    /// Ids of the group's orders.
    pub orders: Vec<String>,
    /// Shard of the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

/// Body of `POST /portfolio/order_groups/create`: give `contracts_limit` or
/// `contracts_limit_fp` (whole contracts, 1–1,000,000).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderGroupRequest {
    /// Subaccount owning the group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subaccount: Option<i32>,
    /// Limit as an integer number of contracts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit: Option<i64>,
    /// Limit as a fixed-point count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Count>,
    /// Shard (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

/// Response of a group create (201).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateOrderGroupResponse {
    /// The new group's id.
    pub order_group_id: String,
    /// Subaccount owning it.
    pub subaccount: i32,
    /// Its shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exchange_index: Option<i32>,
}

/// Body of `PUT /portfolio/order_groups/{id}/limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateOrderGroupLimitRequest {
    /// New limit as an integer number of contracts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit: Option<i64>,
    /// New limit as a fixed-point count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contracts_limit_fp: Option<Count>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::Paginated;
    use crate::model::test_support::{assert_canonical, assert_round_trip};

    #[test]
    fn list_and_get() {
        let r: GetOrderGroupsResponse = assert_canonical(
            r#"{"order_groups":[{"id":"og-7f1c","contracts_limit_fp":"100.00","is_auto_cancel_enabled":false,"exchange_index":0}]}"#,
        );
        assert_eq!(
            r.order_groups[0].contracts_limit_fp,
            Some(Count::from_contracts(100))
        );
        assert_eq!(r.cursor(), None);
        let empty: GetOrderGroupsResponse = assert_round_trip("{}");
        assert!(empty.order_groups.is_empty());
        let g: GetOrderGroupResponse = assert_canonical(
            r#"{"is_auto_cancel_enabled":true,"contracts_limit_fp":"5.00","orders":["o1","o2"]}"#,
        );
        assert!(g.is_auto_cancel_enabled);
        assert_eq!(g.orders.len(), 2);
    }

    #[test]
    fn create_and_limit_bodies() {
        let req = CreateOrderGroupRequest {
            contracts_limit_fp: Some(Count::from_contracts(50)),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&req).unwrap(),
            r#"{"contracts_limit_fp":"50.00"}"#
        );
        let r: CreateOrderGroupResponse =
            assert_canonical(r#"{"order_group_id":"og-1","subaccount":0,"exchange_index":0}"#);
        assert_eq!(r.order_group_id, "og-1");
        let l = UpdateOrderGroupLimitRequest {
            contracts_limit: Some(10),
            contracts_limit_fp: None,
        };
        assert_eq!(
            serde_json::to_string(&l).unwrap(),
            r#"{"contracts_limit":10}"#
        );
    }
}
