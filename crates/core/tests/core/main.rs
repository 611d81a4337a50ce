//! Integration tests of `desk-core` against an in-process `kalshi-sim` on loopback, with
//! real SQLite files in temp directories and faults injected through the simulator.
#![allow(clippy::unwrap_used)]

mod archive;
mod embedded;
mod harness;
mod heard;
mod import;
mod live;
mod malformed;
mod offline;
mod orders;
mod paper;
mod reconnect;
mod refused;
mod restart;
mod stress;
mod tier;
mod unconfirmed;
mod views;
