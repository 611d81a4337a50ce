-- Kalshi Desk local store, schema 3.
--
-- The markets list sorts and filters the cache in SQL (10,000+ markets page fast): the
-- figures it sorts by become integer columns (the fixed-point units of Count and Price,
-- as everywhere in this store), and each event's series, category and title are cached
-- so the list can filter by them and group by event.
ALTER TABLE markets ADD COLUMN volume        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE markets ADD COLUMN volume_24h    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE markets ADD COLUMN open_interest INTEGER NOT NULL DEFAULT 0;
ALTER TABLE markets ADD COLUMN last_price    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE markets ADD COLUMN change_24h    INTEGER NOT NULL DEFAULT 0;

-- Cached rows keep their figures: the JSON holds them as canonical fixed-point text
-- ("12.00", "0.5600"), whose digits without the point are exactly the units.
UPDATE markets SET
    volume        = CAST(REPLACE(json_extract(json, '$.volume_fp'), '.', '') AS INTEGER),
    volume_24h    = CAST(REPLACE(json_extract(json, '$.volume_24h_fp'), '.', '') AS INTEGER),
    open_interest = CAST(REPLACE(json_extract(json, '$.open_interest_fp'), '.', '') AS INTEGER),
    last_price    = CAST(REPLACE(json_extract(json, '$.last_price_dollars'), '.', '') AS INTEGER),
    change_24h    = CAST(REPLACE(json_extract(json, '$.last_price_dollars'), '.', '') AS INTEGER)
                  - CAST(REPLACE(json_extract(json, '$.previous_price_dollars'), '.', '') AS INTEGER);

CREATE INDEX markets_by_close ON markets (scope_id, close_ms);

-- The events the cached markets belong to: what the markets list shows and filters by.
CREATE TABLE market_events (
    scope_id      INTEGER NOT NULL REFERENCES scopes (id) ON DELETE CASCADE,
    event_ticker  TEXT    NOT NULL,
    series_ticker TEXT    NOT NULL,
    category      TEXT,
    title         TEXT    NOT NULL,
    fetched_ms    INTEGER NOT NULL,
    PRIMARY KEY (scope_id, event_ticker)
);
CREATE INDEX market_events_by_series ON market_events (scope_id, series_ticker);
CREATE INDEX market_events_by_category ON market_events (scope_id, category);
