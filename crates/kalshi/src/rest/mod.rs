//! Typed REST client for the Trade API v2.
//!
//! [`Client`] (built by [`ClientBuilder`]) sends every request through one path that
//! rate-limits ([`rate_limit`]), signs with a fresh timestamp per attempt, retries what
//! is safe to retry ([`RetryPolicy`]) and maps failures to [`Error`]. The endpoint methods
//! are grouped by domain in the files below; list endpoints also come as `Stream`s built
//! by [`paginate::paginate`].

mod account;
mod client;
mod error;
mod events;
mod exchange;
mod historical;
mod markets;
mod order_groups;
mod orders;
pub mod paginate;
mod portfolio;
pub mod rate_limit;
mod retry;

pub use client::{Client, ClientBuilder, DEFAULT_MAX_PAGES, DEFAULT_TIMEOUT};
pub use error::{AuthFailure, Error};
pub use rate_limit::{RateLimiter, RequestClass, Tier};
pub use retry::RetryPolicy;
