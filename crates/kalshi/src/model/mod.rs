//! Wire types of the Trade API v2, shared by the client and the simulator.
//!
//! Conventions: prices are `*_dollars` strings parsed into [`Price`], money amounts into
//! [`Money`], contract counts are `*_fp` strings parsed into [`Count`]; none of them ever
//! passes through `f64`. Unknown fields are tolerated because the exchange adds fields
//! without notice; unknown enum values are errors, so a changed vocabulary is noticed
//! instead of silently misread.

mod fixed;
pub mod ws;

pub use fixed::{Count, FixedError, Money, Price, empty_as_none};
