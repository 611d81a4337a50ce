//! History filters (ticker, side, status, time range, text) and how each becomes SQL
//! conditions.

use kalshi::model::order::{BookSide, OrderStatus, OutcomeSide};
use sqlx::{QueryBuilder, Sqlite};
use time::OffsetDateTime;

use crate::rows::to_unix_ms;

/// A half-open time range `[from, until)`; either end may be open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    /// Inclusive start.
    pub from: Option<OffsetDateTime>,
    /// Exclusive end.
    pub until: Option<OffsetDateTime>,
}

impl TimeRange {
    /// Every time.
    pub const ALL: Self = Self {
        from: None,
        until: None,
    };

    /// `[from, until)`.
    pub fn between(from: OffsetDateTime, until: OffsetDateTime) -> Self {
        Self {
            from: Some(from),
            until: Some(until),
        }
    }

    /// Appends ` AND column >= from AND column < until` for the ends that are set.
    pub(crate) fn push_conditions(&self, qb: &mut QueryBuilder<'_, Sqlite>, column: &str) {
        if let Some(from) = self.from {
            qb.push(format!(" AND {column} >= "))
                .push_bind(to_unix_ms(from));
        }
        if let Some(until) = self.until {
            qb.push(format!(" AND {column} < "))
                .push_bind(to_unix_ms(until));
        }
    }
}

/// Which tickers a history query covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TickerFilter {
    /// Exactly this market.
    Exact(String),
    /// Every ticker starting with this text (a series or event prefix such as
    /// `KXHIGHNY-26AUG28`); an empty prefix matches everything.
    Prefix(String),
}

impl TickerFilter {
    /// Appends the condition on `column` (`ticker`, or `+ticker` to keep SQLite off the
    /// ticker index). A prefix becomes a range `ticker >= p AND ticker < p'` so the ticker
    /// index can serve it.
    pub(crate) fn push_conditions(&self, qb: &mut QueryBuilder<'_, Sqlite>, column: &str) {
        match self {
            Self::Exact(ticker) => {
                qb.push(format!(" AND {column} = "))
                    .push_bind(ticker.clone());
            }
            Self::Prefix(prefix) if prefix.is_empty() => {}
            Self::Prefix(prefix) => {
                qb.push(format!(" AND {column} >= "))
                    .push_bind(prefix.clone());
                if let Some(upper) = prefix_upper_bound(prefix) {
                    qb.push(format!(" AND {column} < ")).push_bind(upper);
                }
            }
        }
    }

    /// True when `ticker` passes the filter (the same rule as the SQL).
    pub(crate) fn matches(&self, ticker: &str) -> bool {
        match self {
            Self::Exact(t) => ticker == t,
            Self::Prefix(p) => ticker.starts_with(p.as_str()),
        }
    }

    /// True when the filter selects a single market.
    pub(crate) fn is_exact(&self) -> bool {
        matches!(self, Self::Exact(_))
    }

    /// True when the filter selects everything.
    pub(crate) fn is_everything(&self) -> bool {
        matches!(self, Self::Prefix(p) if p.is_empty())
    }
}

/// The smallest string greater than every string starting with `prefix` (SQLite compares
/// text bytewise, which for UTF-8 is code-point order): the prefix with its last
/// incrementable character incremented. `None` if no character can be incremented.
pub(crate) fn prefix_upper_bound(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32);
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// A `LIKE` pattern matching `text` anywhere, with `\` escaping `%`, `_` and `\` (tickers
/// contain `_`). Use with `ESCAPE '\'`; `LIKE` ignores ASCII case.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// How a history query writes its ticker conditions, decided per query by
/// [`crate::Store`] from how many rows they select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TickerPlan {
    /// `ticker` (let SQLite use the ticker index) or `+ticker` (scan by time instead).
    pub(crate) column: &'static str,
    /// JSON array of the tickers a free-text search resolved to.
    pub(crate) text_tickers: Option<String>,
}

impl TickerPlan {
    /// Appends the ticker filter and the resolved text tickers.
    pub(crate) fn push_conditions(
        &self,
        qb: &mut QueryBuilder<'_, Sqlite>,
        ticker: Option<&TickerFilter>,
    ) {
        if let Some(ticker) = ticker {
            ticker.push_conditions(qb, self.column);
        }
        if let Some(list) = &self.text_tickers {
            qb.push(format!(
                " AND {} IN (SELECT value FROM json_each(",
                self.column
            ))
            .push_bind(list.clone())
            .push("))");
        }
    }
}

/// Which orders [`crate::Store::order_history`] returns. Every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// Market or ticker prefix.
    pub ticker: Option<TickerFilter>,
    /// Exposure side (`yes` / `no`).
    pub outcome_side: Option<OutcomeSide>,
    /// Book side (`bid` / `ask`).
    pub book_side: Option<BookSide>,
    /// Order state.
    pub status: Option<OrderStatus>,
    /// Creation time.
    pub range: TimeRange,
    /// Case-insensitive text in the ticker or the cached market's title.
    pub text: Option<String>,
}

impl OrderFilter {
    /// Appends every set condition; `ticker` (the filter's, possibly narrowed by the
    /// caller) and the text as `plan` says.
    pub(crate) fn push_conditions(
        &self,
        qb: &mut QueryBuilder<'_, Sqlite>,
        ticker: Option<&TickerFilter>,
        plan: &TickerPlan,
    ) {
        plan.push_conditions(qb, ticker);
        if let Some(side) = self.outcome_side {
            qb.push(" AND outcome_side = ").push_bind(side.as_str());
        }
        if let Some(side) = self.book_side {
            qb.push(" AND book_side = ").push_bind(side.as_str());
        }
        if let Some(status) = self.status {
            qb.push(" AND status = ").push_bind(status.as_str());
        }
        self.range.push_conditions(qb, "created_ms");
    }
}

/// Which fills [`crate::Store::fill_history`] returns. Every set field must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FillFilter {
    /// Market or ticker prefix.
    pub ticker: Option<TickerFilter>,
    /// Exposure side (`yes` / `no`).
    pub outcome_side: Option<OutcomeSide>,
    /// Book side (`bid` / `ask`).
    pub book_side: Option<BookSide>,
    /// Only fills of this order.
    pub order_id: Option<String>,
    /// Execution time.
    pub range: TimeRange,
    /// Case-insensitive text in the ticker or the cached market's title.
    pub text: Option<String>,
}

impl FillFilter {
    /// Appends every set condition; `ticker` (the filter's, possibly narrowed by the
    /// caller) and the text as `plan` says.
    pub(crate) fn push_conditions(
        &self,
        qb: &mut QueryBuilder<'_, Sqlite>,
        ticker: Option<&TickerFilter>,
        plan: &TickerPlan,
    ) {
        plan.push_conditions(qb, ticker);
        if let Some(side) = self.outcome_side {
            qb.push(" AND outcome_side = ").push_bind(side.as_str());
        }
        if let Some(side) = self.book_side {
            qb.push(" AND book_side = ").push_bind(side.as_str());
        }
        if let Some(order_id) = &self.order_id {
            qb.push(" AND order_id = ").push_bind(order_id.clone());
        }
        self.range.push_conditions(qb, "created_ms");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_bounds() {
        assert_eq!(prefix_upper_bound("KXHIGH").as_deref(), Some("KXHIGI"));
        assert_eq!(prefix_upper_bound("A-").as_deref(), Some("A."));
        assert_eq!(prefix_upper_bound("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(
            prefix_upper_bound("\u{D7FF}").as_deref(),
            Some("\u{E000}"),
            "skips surrogates"
        );
        assert_eq!(prefix_upper_bound("\u{10FFFF}"), None);
        assert_eq!(prefix_upper_bound(""), None);
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
        assert_eq!(like_pattern("high"), "%high%");
    }
}
