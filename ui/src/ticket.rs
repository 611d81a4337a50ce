//! The order ticket's maths: reading the form, validating it with specific messages,
//! and what the order would do against the visible book: contracts filled at once, their
//! average price, cost, fee, payout and the resulting position. Pure, so every rule has a
//! native test; the ticket component only renders [`Evaluation`].

use ipc::commands::market::{PriceLevel, PriceRange};
use ipc::commands::orders::{Action, Outcome, Ticket, TimeInForce};
use ipc::{Count, Money, Price};
use money::fees::{ExactFee, FeeRate, Variance};

use crate::format::{cents, count, dollars, parse_cents, parse_whole_count};
use crate::ticks;

/// Time in force as the form offers it (good-till-time takes minutes from now).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tif {
    /// Good till cancelled.
    #[default]
    Gtc,
    /// Good till a time.
    Gtt,
    /// Immediate or cancel.
    Ioc,
    /// Fill or kill.
    Fok,
}

/// The form as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketInput {
    /// Buy or sell.
    pub action: Action,
    /// YES or NO.
    pub outcome: Outcome,
    /// Limit price in cents, as typed.
    pub price: String,
    /// Contracts, as typed.
    pub count: String,
    /// Time in force.
    pub tif: Tif,
    /// Minutes until a good-till-time order expires, as typed.
    pub expires_min: String,
    /// Post only.
    pub post_only: bool,
    /// Reduce only.
    pub reduce_only: bool,
}

impl Default for TicketInput {
    fn default() -> Self {
        Self {
            action: Action::Buy,
            outcome: Outcome::Yes,
            price: String::new(),
            count: String::new(),
            tif: Tif::Gtc,
            expires_min: "60".to_owned(),
            post_only: false,
            reduce_only: false,
        }
    }
}

/// What the ticket knows about the market and the account.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The market ticker.
    pub ticker: &'a str,
    /// The price grid.
    pub ranges: &'a [PriceRange],
    /// YES bids, best first.
    pub yes_bids: &'a [PriceLevel],
    /// YES asks, best first.
    pub yes_asks: &'a [PriceLevel],
    /// The position, signed (above zero long YES).
    pub position: Count,
    /// Available cash, when known.
    pub balance: Option<Money>,
    /// Whether the market takes orders.
    pub open: bool,
    /// Now, for a good-till-time expiry.
    pub now_ms: i64,
}

/// Which input a message is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The limit price.
    Price,
    /// The count.
    Count,
    /// The good-till-time expiry.
    Expiry,
    /// The order as a whole.
    Order,
}

/// A validation message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// Which input.
    pub field: Field,
    /// What is wrong, specifically.
    pub message: String,
}

/// What the order would do against the visible book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Estimate {
    /// Contracts that would fill at once.
    pub fill_now: Count,
    /// Their average price per contract in the ticket's outcome.
    pub avg_fill: Option<Money>,
    /// Buying: the most it can cost (fills plus the resting part at the limit). Selling:
    /// the least it brings in.
    pub cost: Money,
    /// Buying: what the contracts pay if the outcome happens.
    pub max_payout: Money,
    /// Taker fee on the part that fills at once (resting fills are maker fills: free,
    /// or 1.75 % in series with maker fees).
    pub fee: Money,
    /// The position if the whole order fills, signed (above zero long YES).
    pub resulting_position: Count,
}

/// The form judged: errors block sending, warnings do not.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Evaluation {
    /// What must be fixed.
    pub errors: Vec<Issue>,
    /// What the person should know.
    pub warnings: Vec<String>,
    /// Figures, once price and count read.
    pub estimate: Option<Estimate>,
    /// The order to send, when there is no error.
    pub ticket: Option<Ticket>,
}

impl Evaluation {
    /// The first error about `field`.
    pub fn error(&self, field: Field) -> Option<&str> {
        self.errors
            .iter()
            .find(|i| i.field == field)
            .map(|i| i.message.as_str())
    }
}

fn complement(p: Price) -> Price {
    p.complement().unwrap_or(Price::ZERO)
}

/// The levels an order of `action` on `outcome` would trade against, in that outcome's
/// prices, best first: a NO ask at q is a YES bid at 1 − q.
pub fn opposite_levels(
    action: Action,
    outcome: Outcome,
    yes_bids: &[PriceLevel],
    yes_asks: &[PriceLevel],
) -> Vec<PriceLevel> {
    let mirror = |levels: &[PriceLevel]| {
        levels
            .iter()
            .map(|l| PriceLevel {
                price: complement(l.price),
                count: l.count,
            })
            .collect()
    };
    match (action, outcome) {
        (Action::Buy, Outcome::Yes) => yes_asks.to_vec(),
        (Action::Sell, Outcome::Yes) => yes_bids.to_vec(),
        (Action::Buy, Outcome::No) => mirror(yes_bids),
        (Action::Sell, Outcome::No) => mirror(yes_asks),
    }
}

/// The fills an order at `limit` would take from `levels` (best first), up to `want`.
pub fn sweep(
    action: Action,
    limit: Price,
    want: Count,
    levels: &[PriceLevel],
) -> Vec<(Price, Count)> {
    let mut left = want.units();
    let mut fills = Vec::new();
    for level in levels {
        let crosses = match action {
            Action::Buy => level.price <= limit,
            Action::Sell => level.price >= limit,
        };
        if !crosses || left <= 0 {
            break;
        }
        let take = left.min(level.count.units());
        if take > 0 {
            fills.push((level.price, Count::from_units(take)));
            left -= take;
        }
    }
    fills
}

fn money_sum(fills: &[(Price, Count)]) -> Money {
    Money::from_units(
        fills
            .iter()
            .map(|&(p, c)| Money::cost(p, c).map_or(i64::MAX, Money::units))
            .fold(0i64, i64::saturating_add),
    )
}

/// The signed change of the YES-positive position an order makes.
fn position_delta(action: Action, outcome: Outcome, n: Count) -> Count {
    match (action, outcome) {
        (Action::Buy, Outcome::Yes) | (Action::Sell, Outcome::No) => n,
        (Action::Sell, Outcome::Yes) | (Action::Buy, Outcome::No) => -n,
    }
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Yes => "YES",
        Outcome::No => "NO",
    }
}

/// Judges the form against the market.
pub fn evaluate(input: &TicketInput, ctx: &Context<'_>) -> Evaluation {
    let mut ev = Evaluation::default();
    let mut err = |field, message: String| ev.errors.push(Issue { field, message });
    if !ctx.open {
        err(
            Field::Order,
            "This market is not open: it takes no orders now.".to_owned(),
        );
    }

    let price = if input.price.trim().is_empty() {
        err(Field::Price, "Enter a limit price in cents.".to_owned());
        None
    } else {
        match parse_cents(&input.price) {
            None => {
                err(
                    Field::Price,
                    format!(
                        "\u{201c}{}\u{201d} is not a price: type cents, like 56 or 56.5.",
                        input.price.trim()
                    ),
                );
                None
            }
            Some(p) if p.units() <= 0 || p >= Price::ONE => {
                err(
                    Field::Price,
                    "The price must be above 0¢ and below 100¢.".to_owned(),
                );
                None
            }
            Some(p) if !ticks::on_grid(p, ctx.ranges) => {
                let near = ticks::snap(p, ctx.ranges)
                    .map(|s| format!(" Nearest: {}.", cents(s)))
                    .unwrap_or_default();
                err(
                    Field::Price,
                    format!("{} is not on this market's ticks.{near}", cents(p)),
                );
                None
            }
            Some(p) => Some(p),
        }
    };

    let n = if input.count.trim().is_empty() {
        err(Field::Count, "Enter how many contracts.".to_owned());
        None
    } else {
        match parse_whole_count(&input.count) {
            None => {
                err(
                    Field::Count,
                    "The count must be a whole number of contracts.".to_owned(),
                );
                None
            }
            Some(c) if c.units() <= 0 => {
                err(
                    Field::Count,
                    "The count must be at least 1 contract.".to_owned(),
                );
                None
            }
            Some(c) => Some(c),
        }
    };

    let tif = match input.tif {
        Tif::Gtc => Some(TimeInForce::GoodTillCanceled),
        Tif::Ioc => Some(TimeInForce::ImmediateOrCancel),
        Tif::Fok => Some(TimeInForce::FillOrKill),
        Tif::Gtt => match input.expires_min.trim().parse::<i64>() {
            Ok(min) if (1..=525_600).contains(&min) => Some(TimeInForce::GoodTillTime {
                expires_ms: ctx.now_ms + min * 60_000,
            }),
            _ => {
                err(
                    Field::Expiry,
                    "Expiry must be 1 to 525,600 minutes from now.".to_owned(),
                );
                None
            }
        },
    };

    let (Some(price), Some(n)) = (price, n) else {
        return ev;
    };
    let side = outcome_name(input.outcome);
    let levels = opposite_levels(input.action, input.outcome, ctx.yes_bids, ctx.yes_asks);
    let fills = sweep(input.action, price, n, &levels);
    let fill_now = Count::from_units(fills.iter().map(|f| f.1.units()).sum());
    let filled_money = money_sum(&fills);
    let avg_fill = (fill_now.units() > 0)
        .then(|| Money::from_units(filled_money.units().saturating_mul(100) / fill_now.units()));
    let rests = matches!(input.tif, Tif::Gtc | Tif::Gtt);
    let rest = Count::from_units(n.units() - fill_now.units());
    let rest_money = if rests {
        Money::cost(price, rest).unwrap_or(Money::from_units(i64::MAX))
    } else {
        Money::ZERO
    };
    let cost = Money::from_units(filled_money.units().saturating_add(rest_money.units()));
    // Kalshi's formula on each fill, summed exactly and rounded up to the cent once.
    let fee = fills
        .iter()
        .map(|&(price, count)| FeeRate::TAKER.fee(count, Variance::at(price)))
        .sum::<ExactFee>()
        .ceil_to(Money::from_cents(1));
    let max_payout = match input.action {
        Action::Buy => Money::cost(Price::ONE, n).unwrap_or(Money::ZERO),
        Action::Sell => Money::ZERO,
    };
    let delta = position_delta(input.action, input.outcome, n);
    let resulting_position = Count::from_units(ctx.position.units().saturating_add(delta.units()));

    if input.post_only && fill_now.units() > 0 {
        let best = levels.first().map(|l| cents(l.price)).unwrap_or_default();
        ev.errors.push(Issue {
            field: Field::Price,
            message: format!(
                "Post-only at {} would cross the book ({side} at {best}): it would be cancelled.",
                cents(price)
            ),
        });
    }
    if input.post_only && matches!(input.tif, Tif::Ioc | Tif::Fok) {
        ev.errors.push(Issue {
            field: Field::Order,
            message: "Post-only orders must be able to rest: choose GTC or good-till-time."
                .to_owned(),
        });
    }
    if input.reduce_only {
        let held = ctx.position.units();
        let reduces = held != 0 && (held > 0) != (delta.units() > 0);
        if !reduces {
            ev.errors.push(Issue {
                field: Field::Order,
                message: "Reduce-only: this order would open or grow a position.".to_owned(),
            });
        } else if n.units() > held.abs() {
            ev.errors.push(Issue {
                field: Field::Count,
                message: format!(
                    "Reduce-only: at most {} contracts reduce your position.",
                    count(Count::from_units(held.abs()))
                ),
            });
        }
    }
    if input.action == Action::Buy
        && let Some(balance) = ctx.balance
    {
        let need = cost.units().saturating_add(fee.units());
        if need > balance.units() {
            ev.errors.push(Issue {
                field: Field::Count,
                message: format!(
                    "Needs {} with fees; your balance is {}.",
                    dollars(Money::from_units(need)),
                    dollars(balance)
                ),
            });
        }
    }
    if input.action == Action::Sell {
        let held_in_outcome = match input.outcome {
            Outcome::Yes => ctx.position.units().max(0),
            Outcome::No => (-ctx.position.units()).max(0),
        };
        if held_in_outcome < n.units() && !input.reduce_only {
            let other = outcome_name(match input.outcome {
                Outcome::Yes => Outcome::No,
                Outcome::No => Outcome::Yes,
            });
            ev.warnings.push(format!(
                "You hold {} {side}: selling more opens a {other} position.",
                count(Count::from_units(held_in_outcome))
            ));
        }
    }
    match input.tif {
        Tif::Fok if fill_now < n => ev.warnings.push(format!(
            "Only {} visible at {} or better: fill-or-kill would be cancelled.",
            count(fill_now),
            cents(price)
        )),
        Tif::Ioc if fill_now.units() == 0 => ev.warnings.push(format!(
            "Nothing visible at {} or better: immediate-or-cancel would cancel at once.",
            cents(price)
        )),
        _ => {}
    }

    ev.estimate = Some(Estimate {
        fill_now,
        avg_fill,
        cost,
        max_payout,
        fee,
        resulting_position,
    });
    if ev.errors.is_empty()
        && let Some(time_in_force) = tif
    {
        ev.ticket = Some(Ticket {
            ticker: ctx.ticker.to_owned(),
            action: input.action,
            outcome: input.outcome,
            price,
            count: n,
            time_in_force,
            post_only: input.post_only,
            reduce_only: input.reduce_only,
        });
    }
    ev
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Price {
        Price::parse(s).unwrap()
    }
    fn c(s: &str) -> Count {
        Count::parse(s).unwrap()
    }
    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }
    fn lvl(price: &str, n: &str) -> PriceLevel {
        PriceLevel {
            price: p(price),
            count: c(n),
        }
    }

    struct Book {
        ranges: Vec<PriceRange>,
        bids: Vec<PriceLevel>,
        asks: Vec<PriceLevel>,
    }

    fn book() -> Book {
        Book {
            ranges: ticks::default_grid(),
            bids: vec![lvl("0.55", "10"), lvl("0.54", "20")],
            asks: vec![lvl("0.57", "5"), lvl("0.58", "10"), lvl("0.60", "100")],
        }
    }

    fn ctx(b: &Book) -> Context<'_> {
        Context {
            ticker: "KX-1",
            ranges: &b.ranges,
            yes_bids: &b.bids,
            yes_asks: &b.asks,
            position: Count::ZERO,
            balance: Some(m("1000")),
            open: true,
            now_ms: 1_000,
        }
    }

    fn input(price: &str, n: &str) -> TicketInput {
        TicketInput {
            price: price.into(),
            count: n.into(),
            ..TicketInput::default()
        }
    }

    #[test]
    fn a_resting_buy_costs_price_times_count() {
        let b = book();
        let ev = evaluate(&input("56", "10"), &ctx(&b));
        assert!(ev.errors.is_empty(), "{:?}", ev.errors);
        let est = ev.estimate.unwrap();
        assert_eq!(est.fill_now, Count::ZERO);
        assert_eq!(est.avg_fill, None);
        assert_eq!(est.cost, m("5.60"));
        assert_eq!(est.max_payout, m("10"));
        assert_eq!(est.fee, Money::ZERO);
        assert_eq!(est.resulting_position, c("10"));
        let t = ev.ticket.unwrap();
        assert_eq!(t.price, p("0.56"));
        assert_eq!(t.time_in_force, TimeInForce::GoodTillCanceled);
    }

    #[test]
    fn a_marketable_buy_averages_across_the_levels_it_sweeps() {
        let b = book();
        let ev = evaluate(&input("58", "12"), &ctx(&b));
        let est = ev.estimate.unwrap();
        // 5 at 57 + 7 at 58 = 2.85 + 4.06 = 6.91; 6.91 / 12 = 0.575833.
        assert_eq!(est.fill_now, c("12"));
        assert_eq!(est.cost, m("6.91"));
        assert_eq!(est.avg_fill, Some(m("0.575833")));
        // 0.07 × (5 × 0.57 × 0.43 + 7 × 0.58 × 0.42) = 0.205149 → 0.21.
        assert_eq!(est.fee, m("0.21"));
    }

    #[test]
    fn buying_no_trades_against_the_yes_bids_mirrored() {
        let b = book();
        let mut i = input("46", "15");
        i.outcome = Outcome::No;
        let est = evaluate(&i, &ctx(&b)).estimate.unwrap();
        // NO asks: 45 (10), 46 (20).
        assert_eq!(est.fill_now, c("15"));
        assert_eq!(est.cost, m("6.80"), "10 × 0.45 + 5 × 0.46");
        assert_eq!(est.resulting_position, c("-15"));
    }

    #[test]
    fn prices_and_counts_get_specific_messages() {
        let b = book();
        let cx = ctx(&b);
        let msg =
            |price: &str, n: &str, f| evaluate(&input(price, n), &cx).error(f).map(str::to_owned);
        assert_eq!(
            msg("", "1", Field::Price).unwrap(),
            "Enter a limit price in cents."
        );
        assert!(
            msg("abc", "1", Field::Price)
                .unwrap()
                .contains("is not a price")
        );
        assert!(
            msg("100", "1", Field::Price)
                .unwrap()
                .contains("below 100¢")
        );
        assert!(msg("0", "1", Field::Price).unwrap().contains("above 0¢"));
        assert_eq!(
            msg("56.5", "1", Field::Price).unwrap(),
            "56.5¢ is not on this market's ticks. Nearest: 56¢."
        );
        assert_eq!(
            msg("56", "", Field::Count).unwrap(),
            "Enter how many contracts."
        );
        assert!(
            msg("56", "1.5", Field::Count)
                .unwrap()
                .contains("whole number")
        );
        assert!(msg("56", "0", Field::Count).unwrap().contains("at least 1"));
        assert!(evaluate(&input("56", "0"), &cx).ticket.is_none());
    }

    #[test]
    fn balance_post_only_and_reduce_only_are_checked() {
        let b = book();
        let mut cx = ctx(&b);
        cx.balance = Some(m("5"));
        let ev = evaluate(&input("56", "10"), &cx);
        assert_eq!(
            ev.error(Field::Count).unwrap(),
            "Needs $5.60 with fees; your balance is $5.00."
        );
        let cx = ctx(&b);
        let mut i = input("57", "1");
        i.post_only = true;
        assert!(
            evaluate(&i, &cx)
                .error(Field::Price)
                .unwrap()
                .contains("would cross")
        );
        let mut i = input("50", "5");
        i.reduce_only = true;
        i.action = Action::Sell;
        assert!(
            evaluate(&i, &cx)
                .error(Field::Order)
                .unwrap()
                .contains("open or grow")
        );
        let mut cx = ctx(&b);
        cx.position = c("3");
        let ev = evaluate(&i, &cx);
        assert_eq!(
            ev.error(Field::Count).unwrap(),
            "Reduce-only: at most 3 contracts reduce your position."
        );
        i.count = "3".into();
        assert!(evaluate(&i, &cx).ticket.is_some());
    }

    #[test]
    fn immediate_orders_warn_and_do_not_count_a_resting_part() {
        let b = book();
        let mut i = input("57", "10");
        i.tif = Tif::Fok;
        let ev = evaluate(&i, &ctx(&b));
        assert!(
            ev.warnings[0].contains("Only 5 visible"),
            "{:?}",
            ev.warnings
        );
        assert_eq!(
            ev.estimate.unwrap().cost,
            m("2.85"),
            "IOC/FOK remainder never rests"
        );
        i.tif = Tif::Gtt;
        i.expires_min = "0".into();
        assert!(evaluate(&i, &ctx(&b)).error(Field::Expiry).is_some());
        i.expires_min = "30".into();
        let t = evaluate(&i, &ctx(&b)).ticket.unwrap();
        assert_eq!(
            t.time_in_force,
            TimeInForce::GoodTillTime {
                expires_ms: 1_000 + 30 * 60_000
            }
        );
    }

    #[test]
    fn a_closed_market_takes_no_orders() {
        let b = book();
        let mut cx = ctx(&b);
        cx.open = false;
        let ev = evaluate(&input("56", "1"), &cx);
        assert!(ev.error(Field::Order).unwrap().contains("not open"));
        assert!(ev.ticket.is_none());
    }
}
