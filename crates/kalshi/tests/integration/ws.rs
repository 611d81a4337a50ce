//! WebSocket feed behaviour tests.
