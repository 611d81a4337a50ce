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
        let mut report = Self::default();
        let mut seen = HashSet::new();
        for id in batch_ids {
            if !seen.insert(id) {
                continue;
            }
            if new.contains(id) {
                report.inserted.push(id.to_owned());
            } else {
                report.unchanged += 1;
            }
        }
        report
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
        let mut report = Self::default();
        let mut seen = HashSet::new();
        for id in batch_ids {
            if !seen.insert(id) {
                continue;
            }
            if new.contains(id) {
                report.inserted.push(id.to_owned());
            } else if changed.contains(id) {
                report.updated.push(id.to_owned());
            } else {
                report.unchanged += 1;
            }
        }
        report
    }
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
