//! Typed REST client for the Trade API.
