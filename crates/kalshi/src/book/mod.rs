//! Local L2 order book built from snapshots and deltas.
