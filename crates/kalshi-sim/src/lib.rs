//! `kalshi-sim`: a protocol-faithful simulator of the Kalshi exchange.
//!
//! This crate is the venue every test, benchmark and the app's default environment trade
//! against, so it must behave like Kalshi down to the rules that bite clients: one YES book
//! per market (a bid buys YES at p, an ask sells YES at p, which is buying NO at 1 − p),
//! price grids, fractional counts, fees, collateral, netted positions and settlement.
//!
//! This layer is the pure exchange core: no I/O, no clock reads, no async. Every mutating
//! call takes the time in milliseconds and returns the typed [`engine::Event`]s it caused,
//! so the HTTP / WebSocket layer can fan them out and tests can assert them exactly.
//!
//! - [`universe`] builds a seeded, deterministic set of series, events and markets.
//! - [`engine`] matches orders with price-time priority and owns all exchange state.
//! - [`accounts`] holds balances, collateral, fees and positions.
//! - [`lifecycle`] moves markets from open to closed, determined and finalized.
//! - [`activity`] drives seeded market makers and takers so books move.
//! - [`persist`] saves and restores the whole exchange (`SimConfig::state_path`).
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod accounts;
pub mod activity;
pub mod engine;
pub mod error;
pub mod grid;
pub mod ids;
pub mod lifecycle;
pub mod persist;
pub mod server;
pub mod universe;

pub use error::SimError;
pub use server::{SimConfig, SimHandle, Simulator};
