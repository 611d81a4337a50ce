//! WebSocket wire messages (commands, responses, channel payloads).
