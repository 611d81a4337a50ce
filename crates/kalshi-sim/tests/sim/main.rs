//! End-to-end tests of the simulator's network layer over real sockets: signatures, the
//! REST surface with Kalshi's shapes (decoded with `kalshi::model`, which is strict about
//! vocabularies and numbers), error bodies, faults and the binary's CLI contract.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod admin;
mod auth;
mod cli;
mod client;
mod conformance;
mod e2e;
mod errors;
mod faults;
mod harness;
mod historical;
mod live;
mod markets;
mod orders;
mod persist;
mod roll;
mod ws;
