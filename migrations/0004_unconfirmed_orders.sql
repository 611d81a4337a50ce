-- Kalshi Desk local store, schema 4.
--
-- Orders whose create went unanswered (a timeout, a lost connection, a 5xx): they may or
-- may not be on the exchange, so the app holds them until the exchange's own records
-- settle them. Kept here so a restart does not forget them. `ticket` is what was asked
-- for and `error` the failure that left it unconfirmed, both as JSON the app core writes
-- and reads; neither holds any secret. A row is deleted once the order is settled.
CREATE TABLE unconfirmed_orders (
    scope_id        INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    client_order_id TEXT    NOT NULL,
    ticker          TEXT    NOT NULL,
    ticket          TEXT    NOT NULL,
    error           TEXT    NOT NULL,
    sent_ms         INTEGER NOT NULL,
    PRIMARY KEY (scope_id, client_order_id)
);
