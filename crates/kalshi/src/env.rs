//! Where the exchange lives: REST and WebSocket base URLs per environment.
