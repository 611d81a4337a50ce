//! Wire types of the Trade API v2, shared by the client and the simulator.
//!
//! Conventions: prices are `*_dollars` strings parsed into [`Price`], money amounts into
//! [`Money`], contract counts are `*_fp` strings parsed into [`Count`]; none of them ever
//! passes through `f64`. Unknown fields are tolerated because the exchange adds fields
//! without notice; unknown enum values are errors, so a changed vocabulary is noticed
//! instead of silently misread.
//!
//! Serialising a type produces Kalshi's JSON exactly (the simulator serves these types):
//! fields the SDK marks optional are omitted when `None`, nullable ones are written as
//! `null`. Decode with [`decode::from_slice`] so errors name the JSON path of the bad field.
//! REST types live in one module per domain; request query structs offer `to_query()`.

pub mod ws;

pub mod account;
pub mod candlestick;
pub mod decode;
pub mod error;
pub mod event;
pub mod exchange;
pub mod fill;
pub mod historical;
pub mod market;
pub mod order;
pub mod order_batch;
pub mod order_entry;
pub mod order_group;
pub mod orderbook;
pub mod page;
pub mod portfolio;
pub mod price_range;
mod query;
pub mod rfc3339;
pub mod series;
pub mod settlement;
pub mod trade;
mod wire_enum;

#[cfg(test)]
mod test_support;

pub use decode::{DecodeError, from_slice, from_str};
pub use money::{Count, FixedError, Money, Price, empty_as_none};
pub use page::Paginated;
pub use price_range::PriceRange;
