//! Identifiers of users, markets, orders and trades, and their UUID-shaped wire form.
//!
//! Internally every id is a small integer so the engine can index and hash it cheaply.
//! On the wire Kalshi uses UUIDs, so orders, trades and users render as version-4-shaped
//! UUIDs derived from the integer by an invertible scramble: the same counter always gives
//! the same string (determinism), ids of different kinds never collide, and parsing a
//! string back recovers the integer without a lookup table.

use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use uuid::Uuid;

/// An account on the exchange (one per registered API key).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct UserId(pub(crate) u32);

/// A market's index in the engine (the universe order).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct MarketId(pub(crate) u32);

/// An order, numbered in creation order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct OrderId(pub(crate) u64);

/// A trade (one match between a taker and a maker; both fills share it).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct TradeId(pub(crate) u64);

/// Order and trade counters carry the exchange's start epoch from this bit up (see
/// [`crate::persist`]): 2^40 ids per run, 2^22 runs, all within the 62 bits the wire
/// form keeps.
pub const EPOCH_SHIFT: u32 = 40;
/// The largest start epoch: past it, ids could leave the 62 bits the wire form keeps.
pub const MAX_EPOCH: u64 = (1 << (62 - EPOCH_SHIFT)) - 1;

const ORDER_SALT: u64 = 0x6f72_6465_7273_2121;
const TRADE_SALT: u64 = 0x7472_6164_6573_2121;
const USER_SALT: u64 = 0x7573_6572_7321_2121;

/// Low 62 bits: what survives next to the two RFC 4122 variant bits.
const MASK62: u64 = (1 << 62) - 1;
/// Odd multiplier for the reversible scramble of the low half.
const ODD: u64 = 0x9e37_79b9_7f4a_7c15;
const ODD_INV: u64 = mod_inverse(ODD);

/// The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration).
const fn mod_inverse(a: u64) -> u64 {
    let mut x = a;
    let mut i = 0;
    while i < 6 {
        x = x.wrapping_mul(2u64.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x
}

/// SplitMix64's finaliser: a good cheap mixer for the cosmetic high half.
fn mix64(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn encode(salt: u64, n: u64) -> Uuid {
    let lo_bits = (n.wrapping_mul(ODD) ^ salt) & MASK62;
    let lo = 0x8000_0000_0000_0000 | lo_bits;
    let hi = (mix64(lo_bits ^ salt) & !0xf000) | 0x4000;
    Uuid::from_u64_pair(hi, lo)
}

fn decode(salt: u64, text: &str) -> Option<u64> {
    let uuid = Uuid::try_parse(text).ok()?;
    let (hi, lo) = uuid.as_u64_pair();
    if lo >> 62 != 0b10 {
        return None;
    }
    let lo_bits = lo & MASK62;
    if hi != (mix64(lo_bits ^ salt) & !0xf000) | 0x4000 {
        return None;
    }
    Some(((lo_bits ^ salt) & MASK62).wrapping_mul(ODD_INV) & MASK62)
}

impl OrderId {
    /// The order's UUID as sent on the wire.
    pub fn to_uuid(self) -> Uuid {
        encode(ORDER_SALT, self.0)
    }

    /// Recovers an order id from its wire form; `None` for anything this exchange never issued.
    pub fn parse(text: &str) -> Option<Self> {
        decode(ORDER_SALT, text).map(Self)
    }
}

impl TradeId {
    /// The trade's UUID as sent on the wire (`trade_id` / `fill_id`).
    pub fn to_uuid(self) -> Uuid {
        encode(TRADE_SALT, self.0)
    }

    /// Recovers a trade id from its wire form; `None` for anything this exchange never issued.
    pub fn parse(text: &str) -> Option<Self> {
        decode(TRADE_SALT, text).map(Self)
    }
}

impl UserId {
    /// The user's UUID as sent on the wire (`user_id`).
    pub fn to_uuid(self) -> Uuid {
        encode(USER_SALT, u64::from(self.0))
    }

    /// The position of this user in registration order.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl MarketId {
    /// The position of this market in the universe.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for OrderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_uuid(), f)
    }
}

impl fmt::Display for TradeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_uuid(), f)
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_uuid(), f)
    }
}

/// A fast hasher for the engine's integer-keyed maps.
///
/// Order ids are sequential and chosen by the exchange, not by clients, so a
/// multiplicative hash is enough and much cheaper than SipHash on the matching path.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(ODD);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(ODD);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

/// `BuildHasher` for [`IdHasher`].
pub type IdBuildHasher = BuildHasherDefault<IdHasher>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_uuid_strings() {
        for n in [0, 1, 2, 41, 1 << 40, MASK62] {
            let id = OrderId(n);
            let text = id.to_string();
            assert_eq!(OrderId::parse(&text), Some(id), "order {n} via {text}");
            let t = TradeId(n);
            assert_eq!(TradeId::parse(&t.to_string()), Some(t));
        }
    }

    #[test]
    fn wire_form_is_a_version_4_uuid() {
        let u = OrderId(7).to_uuid();
        assert_eq!(u.get_version_num(), 4);
        assert_eq!(u.get_variant(), uuid::Variant::RFC4122);
    }

    #[test]
    fn kinds_do_not_collide_and_foreign_ids_are_refused() {
        let order = OrderId(5).to_string();
        assert_eq!(
            TradeId::parse(&order),
            None,
            "an order id is not a trade id"
        );
        assert_ne!(OrderId(5).to_uuid(), TradeId(5).to_uuid());
        assert_eq!(
            OrderId::parse("3b23c1c7-f4ef-4f0d-8b9a-9e53c61f1a0d"),
            None,
            "a random UUID was never issued here"
        );
        assert_eq!(OrderId::parse("not a uuid"), None);
        assert_eq!(OrderId::parse(""), None);
    }

    #[test]
    fn consecutive_ids_look_unrelated() {
        let a = OrderId(1).to_string();
        let b = OrderId(2).to_string();
        assert_ne!(a[..8], b[..8], "{a} vs {b}");
    }
}
