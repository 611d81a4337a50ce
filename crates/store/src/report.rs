//! `UpsertReport`: what a batch write changed, so `core` emits events only for real changes.

use std::collections::HashSet;

/// Outcome of one batch write, by exchange id (order id, fill id, ticker), in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpsertReport {
    /// Ids that were not stored before.
    pub inserted: Vec<String>,
    /// Ids whose stored state changed.
    pub updated: Vec<String>,
    /// Ids removed (only [`crate::Store::replace_positions`] removes).
    pub removed: Vec<String>,
    /// Distinct ids of the batch that changed nothing: identical, or older than what is
    /// stored.
    pub unchanged: usize,
}

impl UpsertReport {
    /// True when the batch changed nothing.
    pub fn is_empty(&self) -> bool {
        self.inserted.is_empty() && self.updated.is_empty() && self.removed.is_empty()
    }

    /// Classifies an insert-only batch from the ids it inserted: those are new, every
    /// other distinct id changed nothing.
    pub(crate) fn from_new<'a>(
        batch_ids: impl IntoIterator<Item = &'a str>,
        new: &HashSet<String>,
    ) -> Self {
        Self::classify(batch_ids, |id| {
            if new.contains(id) {
                Change::New
            } else {
                Change::None
            }
        })
    }

    /// Classifies a batch from the `(id, revision)` pairs its statements returned: a
    /// revision of 1 is a new row, a higher one an update; ids not returned changed
    /// nothing. An id inserted and then updated within the batch counts as inserted.
    pub(crate) fn from_revisions<'a>(
        batch_ids: impl IntoIterator<Item = &'a str>,
        returned: &[(String, i64)],
    ) -> Self {
        let mut new = HashSet::new();
        let mut changed = HashSet::new();
        for (id, revision) in returned {
            if *revision == 1 {
                new.insert(id.as_str());
            } else {
                changed.insert(id.as_str());
            }
        }
        Self::classify(batch_ids, |id| {
            if new.contains(id) {
                Change::New
            } else if changed.contains(id) {
                Change::Updated
            } else {
                Change::None
            }
        })
    }

    /// Each distinct id of the batch, in input order, under what `change` says of it.
    fn classify<'a>(
        batch_ids: impl IntoIterator<Item = &'a str>,
        change: impl Fn(&str) -> Change,
    ) -> Self {
        let mut report = Self::default();
        let mut seen = HashSet::new();
        for id in batch_ids {
            if !seen.insert(id) {
                continue;
            }
            match change(id) {
                Change::New => report.inserted.push(id.to_owned()),
                Change::Updated => report.updated.push(id.to_owned()),
                Change::None => report.unchanged += 1,
            }
        }
        report
    }
}

/// What a batch did to one id.
enum Change {
    New,
    Updated,
    None,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_in_input_order_without_duplicates() {
        let returned = vec![
            ("b".to_owned(), 3),
            ("a".to_owned(), 1),
            ("a".to_owned(), 2),
        ];
        let r = UpsertReport::from_revisions(["a", "b", "c", "a", "d"], &returned);
        assert_eq!(
            r.inserted,
            ["a"],
            "inserted then updated in one batch is new"
        );
        assert_eq!(r.updated, ["b"]);
        assert_eq!(r.unchanged, 2, "c and d, each once");
        assert!(!r.is_empty());
        assert!(UpsertReport::from_revisions(["x"], &[]).is_empty());
    }
}
