//! Accounts: one per API key, with cash, the collateral locked by resting orders, fees,
//! netted positions per market, and the user's order, fill and settlement history.
//!
//! `balance` (what `GET /portfolio/balance` reports) is cash not locked by resting orders.
//! Every change goes through the engine, which keeps three invariants that the
//! conservation test checks: locked never exceeds cash, positions in a market sum to zero
//! across users, and cash plus what positions pay at settlement equals the deposits minus
//! the fees collected, whatever the result.

mod fees;
mod position;

#[cfg(test)]
mod conservation;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use kalshi::model::Money;

pub(crate) use fees::{FeeAccumulator, pp, worst_taker_pp};
pub use fees::{FeeSchedule, FeeType};
pub use position::Position;
pub(crate) use position::{FillEffect, Resting};

use crate::engine::{BookSide, Fill};
use crate::error::SimError;
use crate::ids::{MarketId, OrderId, UserId};
use crate::lifecycle::Settlement;

/// The balance every new account starts with unless told otherwise: $10,000.
pub const DEFAULT_BALANCE: Money = Money::from_units(10_000 * 1_000_000);

/// The most cash an account may be given ($1 trillion): far above any use, and far enough
/// below `i64::MAX` money units that no sequence of trades can overflow.
pub const MAX_BALANCE: Money = Money::from_units(1_000_000_000_000 * 1_000_000);

/// One user of the exchange.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Account {
    key_id: String,
    user: UserId,
    keep_history: bool,
    cash: i64,
    locked: i64,
    fees_paid: i64,
    deposited: i64,
    pub(crate) positions: BTreeMap<MarketId, Position>,
    pub(crate) client_order_ids: HashMap<Arc<str>, OrderId>,
    pub(crate) orders: Vec<OrderId>,
    pub(crate) fills: Vec<Fill>,
    pub(crate) settlements: Vec<Settlement>,
}

impl Account {
    /// The API key id this account was registered under.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The account's id.
    pub fn user(&self) -> UserId {
        self.user
    }

    /// Whether the exchange keeps this account's orders, fills and private events. Off for
    /// the simulator's own bots so a long run does not grow without bound.
    pub fn keeps_history(&self) -> bool {
        self.keep_history
    }

    /// Cash free for new orders (`balance` / `balance_dollars`).
    pub fn balance(&self) -> Money {
        Money::from_units(self.cash - self.locked)
    }

    /// All cash, including what resting orders have locked.
    pub fn cash(&self) -> Money {
        Money::from_units(self.cash)
    }

    /// Cash locked as collateral (and maker-fee reserve) for resting orders.
    pub fn locked(&self) -> Money {
        Money::from_units(self.locked)
    }

    /// Fees paid over the account's life.
    pub fn fees_paid(&self) -> Money {
        Money::from_units(self.fees_paid)
    }

    /// Everything ever deposited (the starting balance plus deposits).
    pub fn deposited(&self) -> Money {
        Money::from_units(self.deposited)
    }

    /// Unsettled positions by market, in market order.
    pub fn positions(&self) -> impl Iterator<Item = (MarketId, &Position)> {
        self.positions.iter().map(|(m, p)| (*m, p))
    }

    /// The unsettled position in one market, if the user has traded or ordered there.
    pub fn position(&self, market: MarketId) -> Option<&Position> {
        self.positions.get(&market)
    }

    /// Ids of the user's orders in creation order (empty unless history is kept).
    pub fn order_ids(&self) -> &[OrderId] {
        &self.orders
    }

    /// The user's fills, oldest first (empty unless history is kept).
    pub fn fills(&self) -> &[Fill] {
        &self.fills
    }

    /// The user's settlement records, oldest first.
    pub fn settlements(&self) -> &[Settlement] {
        &self.settlements
    }

    /// The order this user created with `client_order_id`, if any.
    pub fn order_by_client_id(&self, client_order_id: &str) -> Option<OrderId> {
        self.client_order_ids.get(client_order_id).copied()
    }

    pub(crate) fn add_cash(&mut self, delta: i64) {
        self.cash += delta;
    }

    /// Removes a market's position (at settlement), releasing anything still reserved.
    pub(crate) fn take_position(&mut self, market: MarketId) -> Option<Position> {
        let pos = self.positions.remove(&market)?;
        self.locked -= pos.reserved;
        Some(pos)
    }
}

/// All accounts, indexed by [`UserId`] and by API key id.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Accounts {
    users: Vec<Account>,
    by_key: HashMap<String, UserId>,
}

impl Accounts {
    /// Opens an account for `key_id` with `balance` in cash.
    ///
    /// # Errors
    /// [`SimError::KeyAlreadyRegistered`] if the key has an account, and
    /// [`SimError::InvalidParameters`] for a negative balance.
    pub fn register(
        &mut self,
        key_id: &str,
        balance: Money,
        keep_history: bool,
    ) -> Result<UserId, SimError> {
        if self.by_key.contains_key(key_id) {
            return Err(SimError::KeyAlreadyRegistered(key_id.to_owned()));
        }
        if balance.units() < 0 || balance > MAX_BALANCE {
            return Err(SimError::InvalidParameters(format!(
                "balance must be between 0 and {MAX_BALANCE}"
            )));
        }
        let index = u32::try_from(self.users.len())
            .map_err(|_| SimError::InvalidParameters("too many accounts".into()))?;
        let user = UserId(index);
        self.users.push(Account {
            key_id: key_id.to_owned(),
            user,
            keep_history,
            cash: balance.units(),
            locked: 0,
            fees_paid: 0,
            deposited: balance.units(),
            positions: BTreeMap::new(),
            client_order_ids: HashMap::new(),
            orders: Vec::new(),
            fills: Vec::new(),
            settlements: Vec::new(),
        });
        self.by_key.insert(key_id.to_owned(), user);
        Ok(user)
    }

    /// Adds cash to an account (a deposit).
    ///
    /// # Errors
    /// [`SimError::UserNotFound`], or [`SimError::InvalidParameters`] for a negative amount.
    pub fn deposit(&mut self, user: UserId, amount: Money) -> Result<(), SimError> {
        if amount.units() < 0 {
            return Err(SimError::InvalidParameters(
                "deposit must not be negative".into(),
            ));
        }
        let acct = self.get_mut(user).ok_or(SimError::UserNotFound)?;
        let cash = acct
            .cash
            .checked_add(amount.units())
            .filter(|c| *c <= MAX_BALANCE.units())
            .ok_or_else(|| {
                SimError::InvalidParameters(format!("cash may not exceed {MAX_BALANCE}"))
            })?;
        acct.cash = cash;
        acct.deposited = acct.deposited.saturating_add(amount.units());
        Ok(())
    }

    /// The account registered under an API key id.
    pub fn by_key(&self, key_id: &str) -> Option<UserId> {
        self.by_key.get(key_id).copied()
    }

    /// One account.
    pub fn get(&self, user: UserId) -> Option<&Account> {
        self.users.get(user.index())
    }

    /// Every account, in registration order.
    pub fn iter(&self) -> impl Iterator<Item = &Account> {
        self.users.iter()
    }

    pub(crate) fn get_mut(&mut self, user: UserId) -> Option<&mut Account> {
        self.users.get_mut(user.index())
    }

    /// Recomputes the reserve of one position and the account's locked total.
    fn refresh(acct: &mut Account, market: MarketId) {
        if let Some(pos) = acct.positions.get_mut(&market) {
            let need = pos.required_reserve();
            acct.locked += need - pos.reserved;
            pos.reserved = need;
        }
    }

    /// Adds `new` (side, price, qty) to the user's resting orders in `market` and removes
    /// `old`, then checks that cash covers everything locked plus `extra` (the incoming
    /// order's worst-case taker fee). On failure nothing changes.
    pub(crate) fn reserve(
        &mut self,
        user: UserId,
        market: MarketId,
        old: Option<(BookSide, i64, i64)>,
        new: (BookSide, i64, i64),
        extra: i64,
    ) -> Result<(), SimError> {
        let acct = self.get_mut(user).ok_or(SimError::UserNotFound)?;
        let locked_before = acct.locked;
        let pos = acct.positions.entry(market).or_default();
        if let Some((side, price, qty)) = old {
            pos.resting.remove(side, price, qty);
        }
        pos.resting.add(new.0, new.1, new.2);
        Self::refresh(acct, market);
        if acct.cash >= acct.locked + extra {
            return Ok(());
        }
        let required = acct.locked - locked_before + extra;
        let available = acct.cash - locked_before;
        let pos = acct.positions.entry(market).or_default();
        pos.resting.remove(new.0, new.1, new.2);
        if let Some((side, price, qty)) = old {
            pos.resting.add(side, price, qty);
        }
        Self::refresh(acct, market);
        if acct
            .positions
            .get(&market)
            .is_some_and(Position::is_pristine)
        {
            acct.positions.remove(&market);
        }
        Err(SimError::InsufficientBalance {
            required: Money::from_units(required),
            available: Money::from_units(available.max(0)),
        })
    }

    /// Takes `qty` of a resting (or incoming) order out of the reserve.
    pub(crate) fn release(
        &mut self,
        user: UserId,
        market: MarketId,
        side: BookSide,
        price: i64,
        qty: i64,
    ) {
        if let Some(acct) = self.get_mut(user) {
            if let Some(pos) = acct.positions.get_mut(&market) {
                pos.resting.remove(side, price, qty);
            }
            Self::refresh(acct, market);
        }
    }

    /// Changes the maker-fee reserve of the user's resting orders in `market`.
    pub(crate) fn adjust_fee_reserve(&mut self, user: UserId, market: MarketId, delta: i64) {
        if delta == 0 {
            return;
        }
        if let Some(acct) = self.get_mut(user) {
            acct.positions.entry(market).or_default().fee_reserved += delta;
            Self::refresh(acct, market);
        }
    }

    /// Books a fill: the order (`order_side` at `order_price`) loses `qty` of its resting
    /// quantity, the position and cash move, the fee is paid.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn fill(
        &mut self,
        user: UserId,
        market: MarketId,
        order_side: BookSide,
        order_price: i64,
        fill_price: i64,
        qty: i64,
        fee: i64,
        now_ms: i64,
    ) -> FillEffect {
        let Some(acct) = self.get_mut(user) else {
            return FillEffect {
                pre_position: 0,
                post_position: 0,
                cash_delta: 0,
            };
        };
        let pos = acct.positions.entry(market).or_default();
        pos.resting.remove(order_side, order_price, qty);
        let effect = pos.apply_fill(order_side, fill_price, qty, fee, now_ms);
        acct.cash += effect.cash_delta;
        acct.fees_paid += fee;
        Self::refresh(acct, market);
        effect
    }
}
