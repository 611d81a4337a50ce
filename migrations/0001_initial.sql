-- Kalshi Desk local store, schema 1.
--
-- Conventions (crates/store documents them too):
-- * Money, prices and counts are INTEGER fixed point, the `units()` of kalshi::model's
--   Price (1/10,000 $), Money (1/1,000,000 $) and Count (1/100 contract). Never REAL.
-- * Timestamps are INTEGER Unix milliseconds (`*_ms`).
-- * Everything the exchange owns is keyed by a scope (environment + API key id), so data
--   of the simulator, demo and production never mix.
-- * Enum columns hold Kalshi's wire strings; the store rejects unknown ones when reading.

-- One row per (environment, API key id); the other tables refer to it by integer id so
-- their indexes stay small.
CREATE TABLE scopes (
    id          INTEGER PRIMARY KEY,
    environment TEXT    NOT NULL CHECK (environment IN ('simulator', 'demo', 'production')),
    key_id      TEXT    NOT NULL,
    UNIQUE (environment, key_id)
);

-- Orders as last reported by the exchange (REST or WS), newest state wins.
CREATE TABLE orders (
    id                    INTEGER PRIMARY KEY,
    scope_id              INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    order_id              TEXT    NOT NULL,
    user_id               TEXT    NOT NULL,
    client_order_id       TEXT    NOT NULL,
    ticker                TEXT    NOT NULL,
    side                  TEXT,
    action                TEXT,
    outcome_side          TEXT    NOT NULL,
    book_side             TEXT    NOT NULL,
    order_type            TEXT    NOT NULL,
    status                TEXT    NOT NULL,
    yes_price             INTEGER NOT NULL,
    no_price              INTEGER NOT NULL,
    fill_count            INTEGER NOT NULL,
    remaining_count       INTEGER NOT NULL,
    initial_count         INTEGER NOT NULL,
    taker_fill_cost       INTEGER NOT NULL,
    maker_fill_cost       INTEGER NOT NULL,
    taker_fees            INTEGER NOT NULL,
    maker_fees            INTEGER NOT NULL,
    expiration_ms         INTEGER,
    -- created_time, else last_update_time, else 0: the history sort key, never NULL.
    created_ms            INTEGER NOT NULL,
    -- last_update_time, else created_time, else 0: guards against stale overwrites.
    last_update_ms        INTEGER NOT NULL,
    self_trade_prevention TEXT,
    order_group_id        TEXT,
    cancel_order_on_pause INTEGER,
    subaccount_number     INTEGER,
    exchange_index        INTEGER,
    -- 1 when first stored, +1 on every accepted change.
    revision              INTEGER NOT NULL DEFAULT 1,
    UNIQUE (scope_id, order_id)
);
-- History indexes. `*_by_time` is append-only in practice (rows arrive in time order), so
-- it can carry the filter columns cheaply and a filtered scan never touches the table;
-- `*_by_ticker` serves one market (or a narrow prefix) directly. Fills have no order_id
-- index (random keys cost ~30% of the insert rate): an order's fills are found through
-- the order's ticker.
CREATE INDEX orders_by_time ON orders (scope_id, created_ms, id, ticker, status, book_side, outcome_side);
CREATE INDEX orders_by_ticker ON orders (scope_id, ticker, created_ms, id);
CREATE INDEX orders_by_client_id ON orders (scope_id, client_order_id);

-- Executions; immutable once reported, unique by fill id.
CREATE TABLE fills (
    id                INTEGER PRIMARY KEY,
    scope_id          INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    fill_id           TEXT    NOT NULL,
    trade_id          TEXT    NOT NULL,
    order_id          TEXT    NOT NULL,
    ticker            TEXT    NOT NULL,
    side              TEXT,
    action            TEXT,
    outcome_side      TEXT    NOT NULL,
    book_side         TEXT    NOT NULL,
    count             INTEGER NOT NULL,
    yes_price         INTEGER NOT NULL,
    no_price          INTEGER NOT NULL,
    is_taker          INTEGER NOT NULL,
    -- created_time, else ts * 1000, else 0.
    created_ms        INTEGER NOT NULL,
    fee_cost          INTEGER NOT NULL,
    subaccount_number INTEGER,
    exchange_index    INTEGER NOT NULL,
    ts                INTEGER,
    UNIQUE (scope_id, fill_id)
);
CREATE INDEX fills_by_time ON fills (scope_id, created_ms, id, ticker, book_side, outcome_side);
CREATE INDEX fills_by_ticker ON fills (scope_id, ticker, created_ms, id);

-- Every ticker a scope has orders or fills in: free-text search resolves to tickers here
-- first, so it never scans the whole history.
CREATE TABLE tickers (
    scope_id INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    ticker   TEXT    NOT NULL,
    PRIMARY KEY (scope_id, ticker)
) WITHOUT ROWID;

-- Settled market positions; one per market per scope.
CREATE TABLE settlements (
    id              INTEGER PRIMARY KEY,
    scope_id        INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    ticker          TEXT    NOT NULL,
    event_ticker    TEXT    NOT NULL,
    exchange_index  INTEGER NOT NULL,
    market_result   TEXT    NOT NULL,
    yes_count       INTEGER NOT NULL,
    yes_total_cost  INTEGER NOT NULL,
    no_count        INTEGER NOT NULL,
    no_total_cost   INTEGER NOT NULL,
    revenue_cents   INTEGER NOT NULL,
    settled_ms      INTEGER NOT NULL,
    fee_cost        INTEGER NOT NULL,
    value_cents     INTEGER,
    revision        INTEGER NOT NULL DEFAULT 1,
    UNIQUE (scope_id, ticker)
);
CREATE INDEX settlements_by_time ON settlements (scope_id, settled_ms);

-- Current unsettled positions (the last full list, plus WS updates).
CREATE TABLE positions (
    scope_id        INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    ticker          TEXT    NOT NULL,
    exchange_index  INTEGER NOT NULL,
    total_traded    INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    market_exposure INTEGER NOT NULL,
    realized_pnl    INTEGER NOT NULL,
    fees_paid       INTEGER NOT NULL,
    last_updated_ms INTEGER NOT NULL,
    revision        INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (scope_id, ticker)
);

-- Balance and positions at a moment, for the offline portfolio and the value chart.
CREATE TABLE portfolio_snapshots (
    id              INTEGER PRIMARY KEY,
    scope_id        INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    captured_ms     INTEGER NOT NULL,
    balance         INTEGER NOT NULL,
    portfolio_value INTEGER NOT NULL,
    -- JSON array of kalshi::model::MarketPosition, exactly as the exchange shapes it.
    positions_json  TEXT    NOT NULL
);
CREATE INDEX portfolio_snapshots_by_time ON portfolio_snapshots (scope_id, captured_ms);

-- Markets for offline browsing; `json` is the full kalshi::model::Market.
CREATE TABLE markets (
    scope_id      INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    ticker        TEXT    NOT NULL,
    event_ticker  TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    yes_sub_title TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    close_ms      INTEGER NOT NULL,
    updated_ms    INTEGER NOT NULL,
    fetched_ms    INTEGER NOT NULL,
    json          TEXT    NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (scope_id, ticker)
);
CREATE INDEX markets_by_event ON markets (scope_id, event_ticker);

-- Where each reconciliation stream got to (e.g. the fills min_ts), per scope.
CREATE TABLE sync_cursors (
    scope_id   INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    stream     TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (scope_id, stream)
);

-- App settings, not tied to an exchange account.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
