//! Cursor pagination: the [`Paginated`] trait of list responses and the cursor field's serde.
//!
//! Kalshi ends a listing with an empty cursor per the spec, `null` per the docs' prose, and
//! some endpoints omit it; all three mean "no more pages" (kalshi-api.md §3.0).

/// A list response that may continue on another page.
///
/// The REST client loops `cursor()` → next request's `cursor` parameter until it is `None`,
/// repeating the same filters on every page.
pub trait Paginated {
    /// The row type of the listing.
    type Item;

    /// The cursor for the next page, or `None` at the end (`""`, `null` and absent alike).
    fn cursor(&self) -> Option<&str>;

    /// The rows of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// `Some(cursor)` unless the cursor is empty (the end marker).
pub(crate) fn next_cursor(cursor: &str) -> Option<&str> {
    if cursor.is_empty() {
        None
    } else {
        Some(cursor)
    }
}

/// Serde adapter for the response `cursor` field: `null` reads as `""`, and the field is
/// always written as a string because the SDK's list responses require it.
/// Use with `#[serde(default, deserialize_with = "crate::model::page::null_as_empty")]`.
pub(crate) fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    use serde::Deserialize;
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// Implements [`Paginated`] for a response with a `cursor: String` field and one list.
macro_rules! paginated {
    ($resp:ty, $field:ident, $item:ty) => {
        impl $crate::model::page::Paginated for $resp {
            type Item = $item;
            fn cursor(&self) -> Option<&str> {
                $crate::model::page::next_cursor(&self.cursor)
            }
            fn into_items(self) -> Vec<$item> {
                self.$field
            }
        }
    };
    ($resp:ty, $field:ident, $item:ty, no_cursor) => {
        impl $crate::model::page::Paginated for $resp {
            type Item = $item;
            fn cursor(&self) -> Option<&str> {
                None
            }
            fn into_items(self) -> Vec<$item> {
                self.$field
            }
        }
    };
}

pub(crate) use paginated;
