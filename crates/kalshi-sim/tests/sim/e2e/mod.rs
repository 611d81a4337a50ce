//! End to end through the SDK: only `kalshi::rest::Client` and the `kalshi::ws` feed talk
//! to an in-process simulator, and every test ends by checking that what the client sees
//! equals the simulator's own state, read under the engine lock (`state.read`).
//!
//! Every wait is bounded and driven by feed events (REST calls here are synchronous with
//! the engine, so nothing needs polling); fault rolls and bot activity are seeded, so a
//! failure reproduces.

mod books;
mod channels;
mod lifecycle;
mod recovery;
mod storms;
mod support;
mod truth;
