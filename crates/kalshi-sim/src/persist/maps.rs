//! Serde adapters for the engine's maps whose keys JSON cannot hold or need not repeat:
//! the order map is written as a list (each order carries its id) and tuple-keyed maps
//! as lists of pairs.

/// `HashMap<OrderId, Order>` as a list of orders, keyed again by `Order::id` on load.
pub(crate) mod order_list {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::engine::{Order, OrderMap};

    pub(crate) fn serialize<S: Serializer>(map: &OrderMap, s: S) -> Result<S::Ok, S::Error> {
        // Sorted by id so the same state always writes the same bytes.
        let mut orders: Vec<&Order> = map.values().collect();
        orders.sort_unstable_by_key(|o| o.id);
        s.collect_seq(orders)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OrderMap, D::Error> {
        let orders = Vec::<Order>::deserialize(d)?;
        let mut map = OrderMap::default();
        map.reserve(orders.len());
        for order in orders {
            if map.insert(order.id, order).is_some() {
                return Err(serde::de::Error::custom("an order id appears twice"));
            }
        }
        Ok(map)
    }
}

/// Public trades kept per market in the state file: the newest ones, enough for a chart's
/// recent prints; the full tape (up to `EngineConfig::trade_history`) would make the file
/// grow to tens of megabytes on a busy default universe.
pub const SAVED_TRADES_PER_MARKET: usize = 100;

/// A market's trade tape, newest [`SAVED_TRADES_PER_MARKET`] only.
pub(crate) fn recent_trades<S: serde::Serializer>(
    trades: &std::collections::VecDeque<crate::engine::Trade>,
    s: S,
) -> Result<S::Ok, S::Error> {
    let skip = trades.len().saturating_sub(SAVED_TRADES_PER_MARKET);
    s.collect_seq(trades.iter().skip(skip))
}

/// `HashMap<K, V>` with a key JSON cannot hold (a tuple) as a list of `[key, value]` pairs.
pub(crate) mod pair_list {
    use std::collections::HashMap;
    use std::hash::{BuildHasher, Hash};

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<K, V, H, S>(map: &HashMap<K, V, H>, s: S) -> Result<S::Ok, S::Error>
    where
        K: Serialize + Ord,
        V: Serialize,
        S: Serializer,
    {
        let mut pairs: Vec<(&K, &V)> = map.iter().collect();
        pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
        s.collect_seq(pairs)
    }

    pub(crate) fn deserialize<'de, K, V, H, D>(d: D) -> Result<HashMap<K, V, H>, D::Error>
    where
        K: Deserialize<'de> + Eq + Hash,
        V: Deserialize<'de>,
        H: BuildHasher + Default,
        D: Deserializer<'de>,
    {
        let pairs = Vec::<(K, V)>::deserialize(d)?;
        Ok(pairs.into_iter().collect())
    }
}
