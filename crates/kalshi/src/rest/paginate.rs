//! Cursor pagination as a `Stream`: one generic helper for every list endpoint.
//!
//! Kalshi signals the last page with an empty cursor (spec), `null` (docs prose) or no
//! cursor at all; [`crate::model::Paginated::cursor`] folds the three into `None`. Filters
//! must be repeated on every page, which is why the fetch closure receives only the
//! cursor and rebuilds the full request itself.

use std::future::Future;

use futures_util::stream::{self, Stream, StreamExt as _, TryStreamExt as _};

use super::error::Error;
use crate::model::Paginated;

/// Turns a page-fetching closure into a stream of items.
///
/// `fetch(None)` gets the first page, `fetch(Some(cursor))` the next ones, until a page
/// has no cursor. After `max_pages` pages with a cursor still present the stream yields
/// [`Error::TooManyPages`] and ends, so a server that loops cannot hang the caller. Any
/// fetch error is yielded once and ends the stream. The stream is boxed (`Unpin`), so
/// callers can use `StreamExt::next` on it directly.
pub fn paginate<R, F, Fut>(
    endpoint: impl Into<String>,
    max_pages: usize,
    fetch: F,
) -> impl Stream<Item = Result<R::Item, Error>> + Send
where
    R: Paginated + Send + 'static,
    R::Item: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Result<R, Error>> + Send + 'static,
{
    let endpoint = endpoint.into();
    // State: the next cursor to fetch (`Some(None)` = first page, `None` = finished).
    let start: (F, Option<Option<String>>, usize) = (fetch, Some(None), 0);
    stream::unfold(start, move |(mut fetch, next, pages)| {
        let endpoint = endpoint.clone();
        async move {
            let cursor = next?;
            if pages >= max_pages {
                let err = Error::TooManyPages {
                    endpoint,
                    max_pages,
                };
                return Some((Err(err), (fetch, None, pages)));
            }
            match fetch(cursor).await {
                Ok(page) => {
                    let following = page.cursor().map(|c| Some(c.to_owned()));
                    Some((Ok(page.into_items()), (fetch, following, pages + 1)))
                }
                Err(e) => Some((Err(e), (fetch, None, pages))),
            }
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt as _;

    use super::*;

    #[derive(Debug)]
    struct Page {
        items: Vec<u32>,
        cursor: Option<&'static str>,
    }

    impl Paginated for Page {
        type Item = u32;
        fn cursor(&self) -> Option<&str> {
            self.cursor.filter(|c| !c.is_empty())
        }
        fn into_items(self) -> Vec<u32> {
            self.items
        }
    }

    /// The cursors the fake server was asked for, in order.
    type Log = Arc<Mutex<Vec<Option<String>>>>;
    type Fetched = futures_util::future::Ready<Result<Page, Error>>;

    fn server(pages: Vec<Page>) -> (Log, impl FnMut(Option<String>) -> Fetched + Send) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let mut pages = pages.into_iter();
        let fetch = move |cursor: Option<String>| {
            log.lock().unwrap().push(cursor);
            futures_util::future::ready(
                pages
                    .next()
                    .ok_or_else(|| Error::InvalidRequest("no more pages".into())),
            )
        };
        (seen, fetch)
    }

    #[tokio::test]
    async fn follows_cursors_until_the_end_marker() {
        for end in [None, Some("")] {
            let (seen, fetch) = server(vec![
                Page {
                    items: vec![1, 2],
                    cursor: Some("c1"),
                },
                Page {
                    items: vec![],
                    cursor: Some("c2"),
                },
                Page {
                    items: vec![3],
                    cursor: end,
                },
            ]);
            let items: Vec<u32> = paginate("GET /x", 10, fetch).try_collect().await.unwrap();
            assert_eq!(
                items,
                vec![1, 2, 3],
                "items of all pages in order, empty pages skipped"
            );
            assert_eq!(
                *seen.lock().unwrap(),
                vec![None, Some("c1".to_owned()), Some("c2".to_owned())],
                "each cursor passed back verbatim, no fetch after the end ({end:?})"
            );
        }
    }

    #[tokio::test]
    async fn stops_with_an_error_after_max_pages() {
        let (seen, fetch) = server(
            (0..5)
                .map(|i| Page {
                    items: vec![i],
                    cursor: Some("again"),
                })
                .collect(),
        );
        let out: Vec<Result<u32, Error>> = paginate("GET /loop", 3, fetch).collect().await;
        assert_eq!(out.len(), 4, "3 items then the error");
        assert!(matches!(
            out.last(),
            Some(Err(Error::TooManyPages { max_pages: 3, endpoint })) if endpoint == "GET /loop"
        ));
        assert_eq!(
            seen.lock().unwrap().len(),
            3,
            "never fetches beyond the cap"
        );
    }

    #[tokio::test]
    async fn an_error_ends_the_stream() {
        let (_, fetch) = server(vec![Page {
            items: vec![1],
            cursor: Some("c"),
        }]);
        let out: Vec<Result<u32, Error>> = paginate("GET /x", 10, fetch).collect().await;
        assert_eq!(out.len(), 2);
        assert!(out[0].is_ok() && out[1].is_err());
    }
}
