//! Cursor pagination: opaque cursors that name the sort key of the last row served, so
//! pages stay stable while new rows arrive, and `""` once the listing is exhausted.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::error::ApiError;

/// Page size when the request gives none.
pub const DEFAULT_LIMIT: u32 = 100;
/// Largest page size most listings allow.
pub const MAX_LIMIT: u32 = 1000;

/// A validated page request: how many rows, and the key to continue after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    /// Rows per page.
    pub limit: usize,
    /// The sort key of the last row of the previous page, if continuing.
    pub after: Option<u64>,
}

impl PageRequest {
    /// A request with Kalshi's usual limits (default 100, at most 1000), which most
    /// listings use.
    ///
    /// # Errors
    /// As [`PageRequest::new`].
    pub fn standard(
        kind: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
    ) -> Result<Self, ApiError> {
        Self::new(kind, limit, cursor, DEFAULT_LIMIT, MAX_LIMIT)
    }

    /// Validates `limit` (1..=`max`, default `default`) and decodes `cursor`, which must be
    /// one this listing (`kind`) issued; an empty cursor starts from the beginning.
    ///
    /// # Errors
    /// 400 `invalid_parameters` for an out-of-range limit or a foreign or garbled cursor.
    pub fn new(
        kind: &str,
        limit: Option<u32>,
        cursor: Option<&str>,
        default: u32,
        max: u32,
    ) -> Result<Self, ApiError> {
        let limit = limit.unwrap_or(default);
        if limit == 0 || limit > max {
            return Err(ApiError::invalid_parameters(format!(
                "limit must be between 1 and {max}"
            )));
        }
        let after = match cursor.map(str::trim) {
            None | Some("") => None,
            Some(c) => Some(
                decode(kind, c)
                    .ok_or_else(|| ApiError::invalid_parameters(format!("invalid cursor {c:?}")))?,
            ),
        };
        Ok(Self {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            after,
        })
    }
}

/// The cursor naming `key` in listing `kind`.
pub fn encode(kind: &str, key: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{kind}:{key}"))
}

fn decode(kind: &str, cursor: &str) -> Option<u64> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (k, key) = text.split_once(':')?;
    if k != kind {
        return None;
    }
    key.parse().ok()
}

/// Cuts one page from `rows`, which must already be in listing order, filtered, and
/// keyed so that every row after the cursor satisfies `after(key)`: takes up to
/// `req.limit` rows and returns them with the cursor for the next page (`""` at the end).
pub fn page<T>(
    kind: &str,
    req: PageRequest,
    rows: impl Iterator<Item = (u64, T)>,
    is_after: impl Fn(u64, u64) -> bool,
) -> (Vec<T>, String) {
    let mut rows = rows.filter(|(key, _)| req.after.is_none_or(|a| is_after(*key, a)));
    let mut out = Vec::with_capacity(req.limit.min(1024));
    let mut last = None;
    for (key, row) in rows.by_ref().take(req.limit) {
        last = Some(key);
        out.push(row);
    }
    let more = rows.next().is_some();
    let cursor = match (more, last) {
        (true, Some(key)) => encode(kind, key),
        _ => String::new(),
    };
    (out, cursor)
}

/// Ordering predicate for ascending listings.
pub fn ascending(key: u64, after: u64) -> bool {
    key > after
}

/// Ordering predicate for newest-first (descending) listings.
pub fn descending(key: u64, after: u64) -> bool {
    key < after
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn req(cursor: Option<&str>, limit: u32) -> PageRequest {
        PageRequest::new("t", Some(limit), cursor, DEFAULT_LIMIT, MAX_LIMIT).unwrap()
    }

    #[test]
    fn walks_every_row_once_and_ends_with_empty_cursor() {
        let rows: Vec<u64> = (0..7).collect();
        let mut cursor = String::new();
        let mut seen = Vec::new();
        loop {
            let r = req(Some(&cursor), 3);
            let (page_rows, next) = page("t", r, rows.iter().map(|k| (*k, *k)), ascending);
            seen.extend(page_rows);
            if next.is_empty() {
                break;
            }
            cursor = next;
        }
        assert_eq!(seen, rows);
    }

    #[test]
    fn exact_multiple_ends_without_an_empty_extra_page() {
        let (rows, cursor) = page(
            "t",
            req(None, 2),
            [(1, 'a'), (2, 'b')].into_iter(),
            ascending,
        );
        assert_eq!(rows, ['a', 'b']);
        assert_eq!(cursor, "");
    }

    #[test]
    fn descending_listings_continue_below_the_cursor() {
        let keys = [9u64, 7, 4, 2];
        let (first, cursor) = page("d", req(None, 2), keys.iter().map(|k| (*k, *k)), descending);
        assert_eq!(first, [9, 7]);
        let r = PageRequest::new("d", Some(2), Some(&cursor), 100, 1000).unwrap();
        let (second, end) = page("d", r, keys.iter().map(|k| (*k, *k)), descending);
        assert_eq!(second, [4, 2]);
        assert_eq!(end, "");
    }

    #[test]
    fn foreign_or_garbled_cursors_and_bad_limits_are_400() {
        let c = encode("markets", 5);
        assert!(PageRequest::new("fills", None, Some(&c), 100, 1000).is_err());
        assert!(PageRequest::new("fills", None, Some("%%%"), 100, 1000).is_err());
        assert!(PageRequest::new("fills", Some(0), None, 100, 1000).is_err());
        assert!(PageRequest::new("fills", Some(1001), None, 100, 1000).is_err());
        assert_eq!(
            PageRequest::new("markets", None, Some(&c), 100, 1000)
                .unwrap()
                .after,
            Some(5)
        );
    }
}
