//! Keyset pagination of history: the opaque [`PageCursor`], [`PageRequest`] and [`Page`].

use std::fmt;
use std::str::FromStr;

use crate::error::StoreError;

/// Largest page the history queries return.
pub const MAX_PAGE: u32 = 1000;

/// Where the next page starts: the `(created_ms, id)` of the last row returned, newest
/// first. Opaque to callers; its text form (`Display` / `FromStr`) can cross the IPC
/// boundary and come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageCursor {
    pub(crate) created_ms: i64,
    pub(crate) id: i64,
}

impl fmt::Display for PageCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v1:{}:{}", self.created_ms, self.id)
    }
}

impl FromStr for PageCursor {
    type Err = StoreError;

    fn from_str(text: &str) -> Result<Self, StoreError> {
        let invalid = || StoreError::InvalidCursor(text.chars().take(64).collect());
        let mut parts = text.split(':');
        let (Some("v1"), Some(ms), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(invalid());
        };
        Ok(Self {
            created_ms: ms.parse().map_err(|_| invalid())?,
            id: id.parse().map_err(|_| invalid())?,
        })
    }
}

/// One page request: its size and where it starts (`None` = newest).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows per page, 1–[`MAX_PAGE`].
    pub limit: u32,
    /// The previous page's [`Page::next`].
    pub after: Option<PageCursor>,
}

impl PageRequest {
    /// The first (newest) page of `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self { limit, after: None }
    }

    /// Checks the limit.
    pub(crate) fn validate(&self) -> Result<(), StoreError> {
        if (1..=MAX_PAGE).contains(&self.limit) {
            Ok(())
        } else {
            Err(StoreError::InvalidQuery(format!(
                "page size {} is outside 1..={MAX_PAGE}",
                self.limit
            )))
        }
    }
}

/// One page of history, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The rows.
    pub items: Vec<T>,
    /// Cursor of the next (older) page; `None` when this is the last.
    pub next: Option<PageCursor>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cursor_text_round_trips_and_rejects_foreign_text() {
        let c = PageCursor {
            created_ms: -5,
            id: 42,
        };
        assert_eq!(c.to_string(), "v1:-5:42");
        assert_eq!("v1:-5:42".parse::<PageCursor>().unwrap(), c);
        for bad in ["", "v1:1", "v2:1:2", "v1:1:2:3", "v1:x:2", "v1:1:"] {
            assert!(
                matches!(bad.parse::<PageCursor>(), Err(StoreError::InvalidCursor(_))),
                "{bad:?} must be rejected"
            );
        }
    }

    #[test]
    fn page_size_is_bounded() {
        assert!(PageRequest::first(0).validate().is_err());
        assert!(PageRequest::first(1).validate().is_ok());
        assert!(PageRequest::first(MAX_PAGE + 1).validate().is_err());
    }
}
