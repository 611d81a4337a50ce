-- Kalshi Desk local store, schema 2.
--
-- An order the store still holds as resting but that the exchange no longer knows (its
-- live endpoint answers 404 and its historical archive does not list it) is closed by the
-- store: status 'canceled', nothing remaining, and the reason here. NULL for every order
-- whose state came from the exchange; an exchange report of the order clears it.
ALTER TABLE orders ADD COLUMN closed_unknown TEXT;
