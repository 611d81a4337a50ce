//! Behaviour of the store against real SQLite files in temp directories.
#![allow(clippy::unwrap_used)]

mod harness;

mod export;
mod history;
mod markets;
mod open;
mod pnl;
mod portfolio;
mod scopes;
mod unconfirmed;
mod upsert;
