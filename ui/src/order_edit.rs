//! Checking what a trader types to change a resting order in place, before anything is
//! sent: an amend (new price and resting count; the order loses its queue place) or a
//! decrease (fewer contracts; it keeps its place). Each mistake gets its own message,
//! shown under the row, and a valid edit comes back as the command to send plus what the
//! row shows while the exchange answers.

use ipc::commands::orders::{AmendOrder, Decrease, DecreaseOrder, OrderView, Outcome};
use ipc::{Count, Price};

use crate::format;

/// The row's figures while an edit is on its way: the order's own price leg and what
/// will rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// The price on the order's own leg (a NO order's NO price).
    pub leg_price: Price,
    /// Contracts resting once the edit is done.
    pub remaining: Count,
}

/// The price on the order's own leg: what the trader typed it in.
pub fn leg_price(o: &OrderView) -> Price {
    if o.outcome == Outcome::Yes {
        o.yes_price
    } else {
        o.no_price
    }
}

/// An amend of `o` to the typed price (cents, on its own leg) and resting count.
///
/// # Errors
/// A message for the person: which field is wrong and how to write it.
pub fn amend(o: &OrderView, price: &str, count: &str) -> Result<(AmendOrder, Pending), String> {
    let leg = format::parse_cents(price)
        .ok_or_else(|| "Type the price in cents, like 56 or 56.5".to_owned())?;
    if leg.units() <= 0 || leg >= Price::ONE {
        return Err("The price must be above 0¢ and below 100¢".to_owned());
    }
    let rest = format::parse_whole_count(count)
        .filter(|c| c.units() > 0)
        .ok_or_else(|| "The resting count must be a whole number above 0".to_owned())?;
    if leg == leg_price(o) && rest == o.remaining_count {
        return Err("That is the order as it rests: change the price or the count".to_owned());
    }
    let yes_price = if o.outcome == Outcome::Yes {
        Some(leg)
    } else {
        leg.complement()
    }
    .ok_or_else(|| "The price must be above 0¢ and below 100¢".to_owned())?;
    let total_count = o
        .fill_count
        .checked_add(rest)
        .ok_or_else(|| "That count is too large".to_owned())?;
    Ok((
        AmendOrder {
            order_id: o.order_id.clone(),
            yes_price,
            total_count,
        },
        Pending {
            leg_price: leg,
            remaining: rest,
        },
    ))
}

/// A decrease of `o` by the typed number of contracts (all of them cancels it).
///
/// # Errors
/// A message for the person: a count that is not a whole number above zero, or more than
/// rests.
pub fn decrease(o: &OrderView, by: &str) -> Result<(DecreaseOrder, Pending), String> {
    let count = format::parse_whole_count(by)
        .filter(|c| c.units() > 0)
        .ok_or_else(|| "Type how many contracts to take off: a whole number above 0".to_owned())?;
    let left = o
        .remaining_count
        .checked_sub(count)
        .filter(|c| !c.is_negative())
        .ok_or_else(|| {
            format!(
                "Only {} resting: take off at most that many",
                format::count(o.remaining_count)
            )
        })?;
    Ok((
        DecreaseOrder {
            order_id: o.order_id.clone(),
            decrease: Decrease::By { count },
        },
        Pending {
            leg_price: leg_price(o),
            remaining: left,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::order_view;

    fn order(outcome: Outcome, yes_cents: i64, filled: i64, resting: i64) -> OrderView {
        order_view(
            "ord-1",
            outcome,
            Price::from_units(yes_cents * 100),
            Count::from_contracts(filled),
            Count::from_contracts(resting),
        )
    }

    #[test]
    fn an_amend_sends_the_yes_price_and_the_filled_plus_resting_total() {
        let o = order(Outcome::No, 40, 3, 7);
        let (cmd, pending) = amend(&o, "55", "10").unwrap();
        assert_eq!(
            cmd.yes_price,
            Price::from_units(4500),
            "a NO order typed at 55¢ is a YES price of 45¢"
        );
        assert_eq!(
            cmd.total_count,
            Count::from_contracts(13),
            "the exchange counts the 3 filled in the total"
        );
        assert_eq!(pending.leg_price, Price::from_units(5500));
        assert_eq!(pending.remaining, Count::from_contracts(10));
    }

    #[test]
    fn amend_mistakes_get_their_own_message() {
        let o = order(Outcome::Yes, 40, 0, 5);
        let err = |p: &str, c: &str| amend(&o, p, c).unwrap_err();
        assert!(err("abc", "5").contains("in cents"));
        assert!(err("0", "5").contains("above 0¢"));
        assert!(err("100", "5").contains("below 100¢"));
        assert!(err("40", "0").contains("whole number above 0"));
        assert!(err("40", "2.5").contains("whole number"));
        assert!(err("40", "5").contains("as it rests"), "nothing to change");
        assert!(amend(&o, "40", "6").is_ok(), "the count alone may change");
    }

    #[test]
    fn a_decrease_takes_off_at_most_what_rests() {
        let o = order(Outcome::Yes, 40, 2, 5);
        let (cmd, pending) = decrease(&o, "3").unwrap();
        assert_eq!(
            cmd.decrease,
            Decrease::By {
                count: Count::from_contracts(3)
            }
        );
        assert_eq!(pending.remaining, Count::from_contracts(2));
        assert_eq!(
            pending.leg_price,
            Price::from_units(4000),
            "the price stays"
        );
        let (_, all) = decrease(&o, "5").unwrap();
        assert!(all.remaining.is_zero(), "taking off all of it cancels it");
        assert_eq!(
            decrease(&o, "6").unwrap_err(),
            "Only 5 resting: take off at most that many"
        );
        assert!(decrease(&o, "0").unwrap_err().contains("above 0"));
        assert!(decrease(&o, "").unwrap_err().contains("above 0"));
        assert!(decrease(&o, "x").unwrap_err().contains("whole number"));
    }
}
