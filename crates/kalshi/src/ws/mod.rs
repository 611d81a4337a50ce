//! WebSocket feed: one signed connection, a desired subscription set, typed messages.
