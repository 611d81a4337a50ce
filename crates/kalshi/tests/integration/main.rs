//! Behaviour tests of the REST client and the WebSocket feed against small servers on
//! 127.0.0.1 that verify every signature. One binary, so the dependency tree links once.
#![allow(clippy::unwrap_used)]

mod harness;
mod rest;
mod ws;
