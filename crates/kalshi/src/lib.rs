//! Client SDK for the Kalshi Trade API v2.
//!
//! The crate is split by concern so each part can be tested alone and reused by the
//! simulator: [`model`] holds the wire types (shared with `kalshi-sim` so the two cannot
//! drift), [`auth`] signs requests, [`rest`] is the typed HTTP client, [`ws`] the
//! WebSocket feed actor and [`book`] the local order book. Nothing here knows about
//! Tauri or the database.
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod auth;
pub mod book;
pub mod env;
pub mod fees;
pub mod model;
pub mod rest;
pub mod ws;
