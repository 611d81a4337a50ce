//! What a fill notification says: the market (its title when cached, else its ticker), the
//! side in the person's words, the count and the price in cents as Kalshi shows them.
//!
//! A fill itself is in book terms (a bid or an ask on the single YES book), where "buy NO at
//! 30¢" and "sell YES at 70¢" look the same. For orders placed from this app the ticket said
//! which one the person meant, so [`Labels`] remembers it per order and the text uses it;
//! other fills read in book terms (a bid is "Buy Yes", an ask "Sell Yes", at the YES price).

use std::collections::HashMap;

use ipc::commands::history::FillView;
use ipc::commands::orders::{Action, BookSide, Outcome};
use ipc::events::{AppEvent, OrderEvent};
use money::text;

/// Remembered entries per map before it starts over (a long session places many orders;
/// the ones that matter are recent).
const MEMORY: usize = 2000;

/// Fills listed one per line in a grouped notification before "and N more".
const LISTED: usize = 4;

/// The text of one notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The summary line.
    pub title: String,
    /// The body.
    pub body: String,
}

/// What the notifier learns from the event stream to word fills: market titles and the
/// intent (action and outcome) of orders placed from this app.
#[derive(Debug, Default)]
pub struct Labels {
    titles: HashMap<String, String>,
    by_client_id: HashMap<String, (Action, Outcome)>,
    by_order_id: HashMap<String, (Action, Outcome)>,
}

impl Labels {
    /// Learns from one event of the app's stream (market rows, pending and accepted orders).
    pub fn observe(&mut self, event: &AppEvent) {
        match event {
            AppEvent::Market(row) => {
                remember(&mut self.titles, row.ticker.clone(), row.title.clone());
            }
            AppEvent::Order(OrderEvent::Pending(pending)) => remember(
                &mut self.by_client_id,
                pending.client_order_id.clone(),
                (pending.ticket.action, pending.ticket.outcome),
            ),
            AppEvent::Order(OrderEvent::Accepted {
                client_order_id,
                order_id,
                ..
            }) => self.link(client_order_id, order_id),
            AppEvent::Order(OrderEvent::Stored { order }) => {
                if let Some(client_order_id) = &order.client_order_id {
                    self.link(client_order_id, &order.order_id);
                }
            }
            _ => {}
        }
    }

    /// Records a market's title (e.g. from a market list the command layer loaded).
    pub fn set_title(&mut self, ticker: impl Into<String>, title: impl Into<String>) {
        remember(&mut self.titles, ticker.into(), title.into());
    }

    fn link(&mut self, client_order_id: &str, order_id: &str) {
        if let Some(intent) = self.by_client_id.get(client_order_id).copied() {
            remember(&mut self.by_order_id, order_id.to_owned(), intent);
        }
    }

    /// The market's title when known, else its ticker.
    pub fn market_name<'a>(&'a self, ticker: &'a str) -> &'a str {
        self.titles
            .get(ticker)
            .map(String::as_str)
            .filter(|t| !t.trim().is_empty())
            .unwrap_or(ticker)
    }

    /// "Buy Yes 5 at 40¢" for one fill.
    pub fn trade(&self, fill: &FillView) -> String {
        let (action, outcome) = self
            .by_order_id
            .get(&fill.order_id)
            .copied()
            .unwrap_or(match fill.book_side {
                BookSide::Bid => (Action::Buy, Outcome::Yes),
                BookSide::Ask => (Action::Sell, Outcome::Yes),
            });
        let price = match outcome {
            Outcome::Yes => fill.yes_price,
            Outcome::No => fill.no_price,
        };
        let action = match action {
            Action::Buy => "Buy",
            Action::Sell => "Sell",
        };
        let outcome = match outcome {
            Outcome::Yes => "Yes",
            Outcome::No => "No",
        };
        format!(
            "{action} {outcome} {} at {}",
            text::count(fill.count),
            text::cents(price)
        )
    }

    /// The notification for a group of fills (in arrival order, at least one).
    pub fn notice(&self, fills: &[FillView]) -> Option<Notice> {
        let first = fills.first()?;
        if fills.len() == 1 {
            return Some(Notice {
                title: format!("Filled: {}", self.market_name(&first.ticker)),
                body: self.trade(first),
            });
        }
        let one_market = fills.iter().all(|f| f.ticker == first.ticker);
        let title = if one_market {
            format!(
                "{} fills in {}",
                fills.len(),
                self.market_name(&first.ticker)
            )
        } else {
            let mut tickers: Vec<&str> = fills.iter().map(|f| f.ticker.as_str()).collect();
            tickers.sort_unstable();
            tickers.dedup();
            format!("{} fills in {} markets", fills.len(), tickers.len())
        };
        let mut lines: Vec<String> = fills
            .iter()
            .take(LISTED)
            .map(|f| {
                if one_market {
                    self.trade(f)
                } else {
                    format!("{}: {}", self.market_name(&f.ticker), self.trade(f))
                }
            })
            .collect();
        if fills.len() > LISTED {
            lines.push(format!("and {} more", fills.len() - LISTED));
        }
        Some(Notice {
            title,
            body: lines.join("\n"),
        })
    }
}

fn remember<V>(map: &mut HashMap<String, V>, key: String, value: V) {
    if map.len() >= MEMORY && !map.contains_key(&key) {
        map.clear();
    }
    map.insert(key, value);
}

#[cfg(test)]
mod tests {
    use ipc::commands::orders::{PendingOrder, Ticket, TimeInForce};
    use ipc::{Count, Price};

    use super::super::group::tests::fill;
    use super::*;

    fn price(text: &str) -> Price {
        Price::parse(text).unwrap()
    }

    #[test]
    fn one_fill_names_the_market_title_when_cached_else_the_ticker() {
        let mut labels = Labels::default();
        let mut f = fill("a", "KXBTC-26DEC31-T100000");
        f.count = Count::from_contracts(5);
        let notice = labels.notice(std::slice::from_ref(&f)).unwrap();
        assert_eq!(notice.title, "Filled: KXBTC-26DEC31-T100000");
        assert_eq!(notice.body, "Buy Yes 5 at 40¢");

        labels.set_title("KXBTC-26DEC31-T100000", "Bitcoin above $100k on Dec 31?");
        let notice = labels.notice(&[f]).unwrap();
        assert_eq!(notice.title, "Filled: Bitcoin above $100k on Dec 31?");
    }

    #[test]
    fn an_ask_fill_reads_as_selling_yes_unless_the_ticket_said_buy_no() {
        let mut labels = Labels::default();
        let mut f = fill("a", "M");
        f.book_side = BookSide::Ask;
        f.outcome = Outcome::No;
        f.yes_price = price("0.7000");
        f.no_price = price("0.3000");
        assert_eq!(labels.trade(&f), "Sell Yes 1 at 70¢", "book terms");

        labels.observe(&AppEvent::Order(OrderEvent::Pending(PendingOrder {
            client_order_id: "c1".into(),
            ticket: Ticket {
                ticker: "M".into(),
                action: Action::Buy,
                outcome: Outcome::No,
                price: price("0.3000"),
                count: Count::from_contracts(1),
                time_in_force: TimeInForce::GoodTillCanceled,
                post_only: false,
                reduce_only: false,
            },
            sent_ms: 0,
        })));
        labels.observe(&AppEvent::Order(OrderEvent::Accepted {
            client_order_id: "c1".into(),
            order_id: f.order_id.clone(),
            fill_count: Count::ZERO,
            remaining_count: Count::from_contracts(1),
        }));
        assert_eq!(
            labels.trade(&f),
            "Buy No 1 at 30¢",
            "the person's own words"
        );
    }

    #[test]
    fn a_group_counts_its_fills_and_lists_a_few() {
        let labels = Labels::default();
        let fills: Vec<FillView> = (0..6).map(|i| fill(&i.to_string(), "KXBTC")).collect();
        let notice = labels.notice(&fills[..3]).unwrap();
        assert_eq!(notice.title, "3 fills in KXBTC");
        assert_eq!(notice.body.lines().count(), 3);
        let notice = labels.notice(&fills).unwrap();
        assert_eq!(notice.title, "6 fills in KXBTC");
        assert_eq!(notice.body.lines().last(), Some("and 2 more"));

        let mixed = [fill("a", "A"), fill("b", "B"), fill("c", "A")];
        let notice = labels.notice(&mixed).unwrap();
        assert_eq!(notice.title, "3 fills in 2 markets");
        assert_eq!(notice.body.lines().next(), Some("A: Buy Yes 1 at 40¢"));
        assert!(labels.notice(&[]).is_none());
    }
}
