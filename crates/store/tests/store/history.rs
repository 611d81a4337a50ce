//! History queries: every filter, and keyset pagination over a few hundred rows checked at
//! every page boundary.

use std::collections::HashSet;

use kalshi::model::fill::Fill;
use kalshi::model::order::{BookSide, Order, OrderStatus, OutcomeSide};
use store::{
    FillFilter, OrderFilter, Page, PageCursor, PageRequest, Store, StoreError, TickerFilter,
    TimeRange,
};

use crate::harness::{at, fill, market, open_store, order, sim};

const TICKERS: [&str; 5] = [
    "KXHIGHNY-26AUG28-T88",
    "KXHIGHNY-26AUG28-T90",
    "KXHIGHNYC-26AUG28",
    "KXBTCD-26AUG2817-T114999.99",
    "KX_UNDER-1",
];

/// 400 fills over five tickers, three per millisecond (ties broken by row id), inserted
/// in a scrambled order so row ids do not follow time.
fn fixture_fills() -> Vec<Fill> {
    let mut fills: Vec<Fill> = (0..400i64)
        .map(|i| {
            let side = if i % 3 == 0 {
                BookSide::Ask
            } else {
                BookSide::Bid
            };
            let ticker = TICKERS[(i % 5) as usize];
            fill(
                &format!("f{i:03}"),
                ticker,
                side,
                "0.42",
                "1",
                10_000 + (i / 3) * 10,
            )
        })
        .collect();
    // Deterministic scramble: a fixed stride permutation.
    let n = fills.len();
    let order: Vec<usize> = (0..n).map(|i| (i * 37) % n).collect();
    assert_eq!(
        order.iter().collect::<HashSet<_>>().len(),
        n,
        "stride is a permutation"
    );
    let scrambled: Vec<Fill> = order.into_iter().map(|i| fills[i].clone()).collect();
    fills = scrambled;
    fills
}

async fn store_with_fills() -> (tempfile::TempDir, Store, Vec<Fill>) {
    let (dir, store) = open_store().await;
    let fills = fixture_fills();
    // Several batches, so the pages cross batch boundaries too.
    for chunk in fills.chunks(150) {
        store.upsert_fills(&sim(), chunk).await.unwrap();
    }
    store
        .upsert_markets(
            &sim(),
            &[
                market(
                    "KXBTCD-26AUG2817-T114999.99",
                    "Bitcoin above 114,999.99?",
                    "0.5",
                ),
                market("KXHIGHNY-26AUG28-T88", "Highest temperature in NYC", "0.5"),
            ],
            at(1),
        )
        .await
        .unwrap();
    (dir, store, fills)
}

/// Walks every page of `filter` with `limit` and checks each boundary; returns fill ids.
async fn walk_fills(store: &Store, filter: &FillFilter, limit: u32) -> Vec<String> {
    let mut request = PageRequest::first(limit);
    let mut seen: Vec<(i64, i64, String)> = Vec::new();
    loop {
        let page = store.fill_history(&sim(), filter, &request).await.unwrap();
        let keys: Vec<(i64, i64, String)> = page
            .items
            .iter()
            .map(|f| (ms(f.created_time), f.id, f.fill_id.clone()))
            .collect();
        match page.next {
            Some(next) => {
                assert_eq!(
                    keys.len(),
                    limit as usize,
                    "a page with a successor is full"
                );
                // The cursor survives the trip through text (as across IPC).
                let next: PageCursor = next.to_string().parse().unwrap();
                request.after = Some(next);
                seen.extend(keys);
            }
            None => {
                assert!(keys.len() <= limit as usize);
                seen.extend(keys);
                break;
            }
        }
    }
    for pair in seen.windows(2) {
        assert!(
            (pair[0].0, pair[0].1) > (pair[1].0, pair[1].1),
            "strictly newest first across page boundaries: {:?} then {:?}",
            pair[0],
            pair[1]
        );
    }
    seen.into_iter().map(|(_, _, id)| id).collect()
}

fn ms(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap()
}

/// Fill ids matching `pred`, newest first (ties in any order), as a set and a count.
fn expected(fills: &[Fill], pred: impl Fn(&Fill) -> bool) -> HashSet<String> {
    fills
        .iter()
        .filter(|f| pred(f))
        .map(|f| f.fill_id.clone())
        .collect()
}

async fn check(
    store: &Store,
    fills: &[Fill],
    filter: FillFilter,
    pred: impl Fn(&Fill) -> bool,
    limits: &[u32],
) {
    let want = expected(fills, pred);
    assert!(!want.is_empty(), "filter {filter:?} should match something");
    let mut reference: Option<Vec<String>> = None;
    for &limit in limits {
        let got = walk_fills(store, &filter, limit).await;
        let set: HashSet<String> = got.iter().cloned().collect();
        assert_eq!(
            set.len(),
            got.len(),
            "no duplicates with limit {limit} for {filter:?}"
        );
        assert_eq!(
            set, want,
            "no gaps and nothing extra with limit {limit} for {filter:?}"
        );
        match &reference {
            None => reference = Some(got),
            Some(r) => assert_eq!(&got, r, "page size does not change the order"),
        }
    }
}

#[tokio::test]
async fn fill_filters_and_pagination() {
    let (_dir, store, fills) = store_with_fills().await;
    let limits = [7, 50, 1000];

    check(
        &store,
        &fills,
        FillFilter::default(),
        |_| true,
        &[1, 7, 64, 399, 400, 401, 1000],
    )
    .await;

    let exact = FillFilter {
        ticker: Some(TickerFilter::Exact(TICKERS[0].into())),
        ..Default::default()
    };
    check(&store, &fills, exact, |f| f.ticker == TICKERS[0], &limits).await;

    let prefix = FillFilter {
        ticker: Some(TickerFilter::Prefix("KXHIGHNY-".into())),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        prefix,
        |f| f.ticker.starts_with("KXHIGHNY-"),
        &limits,
    )
    .await;

    let broad = FillFilter {
        ticker: Some(TickerFilter::Prefix("KXHIGHNY".into())),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        broad,
        |f| f.ticker.starts_with("KXHIGHNY"),
        &limits,
    )
    .await;

    let side = FillFilter {
        book_side: Some(BookSide::Ask),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        side,
        |f| f.book_side == BookSide::Ask,
        &limits,
    )
    .await;

    let outcome = FillFilter {
        outcome_side: Some(OutcomeSide::Yes),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        outcome,
        |f| f.outcome_side == OutcomeSide::Yes,
        &limits,
    )
    .await;

    let (from, until) = (10_300, 10_900);
    let range = FillFilter {
        range: TimeRange::between(at(from), at(until)),
        ..Default::default()
    };
    let in_range = |f: &Fill| {
        let t = ms(f.created_time.unwrap());
        (from..until).contains(&t)
    };
    check(&store, &fills, range, in_range, &limits).await;

    let title = FillFilter {
        text: Some("bitcoin".into()),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        title,
        |f| f.ticker.starts_with("KXBTCD"),
        &limits,
    )
    .await;

    let underscore = FillFilter {
        text: Some("x_u".into()),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        underscore,
        |f| f.ticker == "KX_UNDER-1",
        &limits,
    )
    .await;

    let combined = FillFilter {
        ticker: Some(TickerFilter::Prefix("KXHIGHNY".into())),
        book_side: Some(BookSide::Bid),
        range: TimeRange::between(at(from), at(until)),
        text: Some("nyc".into()),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        combined,
        // "nyc" is in T88's cached title and in the KXHIGHNYC ticker (LIKE ignores case).
        |f| {
            (f.ticker == TICKERS[0] || f.ticker == TICKERS[2])
                && f.book_side == BookSide::Bid
                && in_range(f)
        },
        &[1, 3, 1000],
    )
    .await;

    let by_order = FillFilter {
        order_id: Some("order-f123".into()),
        ..Default::default()
    };
    check(&store, &fills, by_order, |f| f.fill_id == "f123", &[1]).await;

    let none = FillFilter {
        ticker: Some(TickerFilter::Exact("NOPE".into())),
        ..Default::default()
    };
    let page = store
        .fill_history(&sim(), &none, &PageRequest::first(10))
        .await
        .unwrap();
    assert_eq!(
        page,
        Page {
            items: vec![],
            next: None
        }
    );
}

/// Filters matching more rows than the ticker-index threshold take the time-scan path;
/// the results must be the same as through the ticker index.
#[tokio::test]
async fn broad_filters_scan_by_time_with_the_same_results() {
    let (_dir, store) = open_store().await;
    let tickers = ["KXWIDE-A", "KXWIDE-B", "KXNARROW-C"];
    let fills: Vec<Fill> = (0..5_000i64)
        .map(|i| {
            let ticker = if i % 50 == 0 {
                tickers[2]
            } else {
                tickers[(i % 2) as usize]
            };
            let side = if i % 3 == 0 {
                BookSide::Ask
            } else {
                BookSide::Bid
            };
            fill(&format!("w{i:04}"), ticker, side, "0.5", "1", 1_000 + i / 4)
        })
        .collect();
    store.upsert_fills(&sim(), &fills).await.unwrap();
    store
        .upsert_markets(&sim(), &[market("KXWIDE-A", "Wide open", "0.5")], at(1))
        .await
        .unwrap();

    let broad = FillFilter {
        ticker: Some(TickerFilter::Prefix("KXWIDE".into())),
        book_side: Some(BookSide::Ask),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        broad,
        |f| f.ticker.starts_with("KXWIDE") && f.book_side == BookSide::Ask,
        &[97, 1000],
    )
    .await;

    let narrow = FillFilter {
        ticker: Some(TickerFilter::Prefix("KXNARROW".into())),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        narrow,
        |f| f.ticker == "KXNARROW-C",
        &[7, 1000],
    )
    .await;

    let text = FillFilter {
        text: Some("wide".into()),
        range: TimeRange {
            from: Some(at(1_200)),
            until: None,
        },
        ..Default::default()
    };
    check(
        &store,
        &fills,
        text,
        |f| f.ticker.starts_with("KXWIDE") && ms(f.created_time.unwrap()) >= 1_200,
        &[50, 1000],
    )
    .await;

    let title = FillFilter {
        text: Some("open".into()),
        ..Default::default()
    };
    check(&store, &fills, title, |f| f.ticker == "KXWIDE-A", &[1000]).await;

    let text_and_prefix = FillFilter {
        ticker: Some(TickerFilter::Prefix("KXNARROW".into())),
        text: Some("wide".into()),
        ..Default::default()
    };
    let page = store
        .fill_history(&sim(), &text_and_prefix, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(
        page.items.is_empty(),
        "text and ticker filters must both match"
    );
}

#[tokio::test]
async fn text_is_not_a_wildcard() {
    let (_dir, store, _) = store_with_fills().await;
    for text in ["%", "_", "KX%UNDER"] {
        let filter = FillFilter {
            text: Some(text.into()),
            ..Default::default()
        };
        let page = store
            .fill_history(&sim(), &filter, &PageRequest::first(1000))
            .await
            .unwrap();
        let tickers: HashSet<&str> = page.items.iter().map(|f| f.ticker.as_str()).collect();
        let want: HashSet<&str> = TICKERS
            .iter()
            .copied()
            .filter(|t| t.contains(text))
            .collect();
        assert_eq!(tickers, want, "{text:?} matches literally");
    }
}

#[tokio::test]
async fn bad_page_requests_are_errors() {
    let (_dir, store, _) = store_with_fills().await;
    let err = store
        .fill_history(&sim(), &FillFilter::default(), &PageRequest::first(0))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::InvalidQuery(_)), "got {err:?}");
    assert!(matches!(
        "garbage".parse::<PageCursor>(),
        Err(StoreError::InvalidCursor(_))
    ));
}

/// What an [`OrderFilter`] should select, computed independently of SQL.
type OrderPredicate = Box<dyn Fn(&Order) -> bool>;

fn fixture_orders() -> Vec<Order> {
    (0..300i64)
        .map(|i| {
            let filled = [0, 4, 10][(i % 3) as usize];
            let mut o = order(
                &format!("o{i:03}"),
                TICKERS[(i % 5) as usize],
                50_000 - (i / 2) * 7,
                60_000,
                filled,
            );
            if i % 7 == 0 {
                o.status = OrderStatus::Canceled;
                o.book_side = BookSide::Ask;
                o.outcome_side = OutcomeSide::No;
            }
            o
        })
        .collect()
}

#[tokio::test]
async fn order_filters_and_pagination() {
    let (_dir, store) = open_store().await;
    let orders = fixture_orders();
    store.upsert_orders(&sim(), &orders).await.unwrap();

    let cases: Vec<(OrderFilter, OrderPredicate)> = vec![
        (OrderFilter::default(), Box::new(|_| true)),
        (
            OrderFilter {
                status: Some(OrderStatus::Resting),
                ..Default::default()
            },
            Box::new(|o| o.status == OrderStatus::Resting),
        ),
        (
            OrderFilter {
                status: Some(OrderStatus::Canceled),
                ..Default::default()
            },
            Box::new(|o| o.status == OrderStatus::Canceled),
        ),
        (
            OrderFilter {
                ticker: Some(TickerFilter::Prefix("KXHIGHNY-".into())),
                book_side: Some(BookSide::Bid),
                ..Default::default()
            },
            Box::new(|o| o.ticker.starts_with("KXHIGHNY-") && o.book_side == BookSide::Bid),
        ),
        (
            OrderFilter {
                outcome_side: Some(OutcomeSide::No),
                range: TimeRange {
                    from: Some(at(49_000)),
                    until: None,
                },
                ..Default::default()
            },
            Box::new(|o| {
                o.outcome_side == OutcomeSide::No && ms(o.created_time.unwrap()) >= 49_000
            }),
        ),
    ];
    for (filter, pred) in cases {
        let want: HashSet<String> = orders
            .iter()
            .filter(|o| pred(o))
            .map(|o| o.order_id.clone())
            .collect();
        for limit in [1, 9, 1000] {
            let mut request = PageRequest::first(limit);
            let mut got: Vec<(i64, i64, String)> = Vec::new();
            loop {
                let page = store
                    .order_history(&sim(), &filter, &request)
                    .await
                    .unwrap();
                got.extend(
                    page.items
                        .iter()
                        .map(|o| (ms(o.created_time), o.id, o.order_id.clone())),
                );
                match page.next {
                    Some(next) => {
                        assert_eq!(page.items.len(), limit as usize);
                        request.after = Some(next);
                    }
                    None => break,
                }
            }
            for pair in got.windows(2) {
                assert!(
                    (pair[0].0, pair[0].1) > (pair[1].0, pair[1].1),
                    "newest first, no repeats"
                );
            }
            let set: HashSet<String> = got.iter().map(|(_, _, id)| id.clone()).collect();
            assert_eq!(set.len(), got.len(), "no duplicates");
            assert_eq!(set, want, "no gaps for {filter:?} with limit {limit}");
        }
    }
}

#[tokio::test]
async fn fills_of_a_stored_order_are_found_through_its_market() {
    let (_dir, store) = open_store().await;
    let mut fills: Vec<Fill> = (0..30)
        .map(|i| {
            fill(
                &format!("x{i}"),
                if i % 2 == 0 { "KX-A" } else { "KX-B" },
                BookSide::Bid,
                "0.5",
                "1",
                i,
            )
        })
        .collect();
    for f in &mut fills {
        f.order_id = if f.ticker == "KX-A" {
            "ord-a".into()
        } else {
            "ord-b".into()
        };
    }
    store.upsert_fills(&sim(), &fills).await.unwrap();
    store
        .upsert_orders(&sim(), &[order("ord-a", "KX-A", 0, 0, 10)])
        .await
        .unwrap();

    // Stored order: narrowed through its ticker.
    let of_a = store.fills_of_order(&sim(), "ord-a").await.unwrap();
    assert_eq!(of_a.len(), 15);
    assert!(
        of_a.windows(2)
            .all(|w| w[0].created_time <= w[1].created_time),
        "oldest first"
    );
    // Unknown order: found by scanning.
    assert_eq!(
        store.fills_of_order(&sim(), "ord-b").await.unwrap().len(),
        15
    );
    assert!(
        store
            .fills_of_order(&sim(), "ord-c")
            .await
            .unwrap()
            .is_empty()
    );

    let by_order = FillFilter {
        order_id: Some("ord-a".into()),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        by_order,
        |f| f.order_id == "ord-a",
        &[4, 1000],
    )
    .await;
    let by_unknown_order = FillFilter {
        order_id: Some("ord-b".into()),
        ..Default::default()
    };
    check(
        &store,
        &fills,
        by_unknown_order,
        |f| f.order_id == "ord-b",
        &[4],
    )
    .await;
    let contradiction = FillFilter {
        order_id: Some("ord-a".into()),
        ticker: Some(TickerFilter::Exact("KX-B".into())),
        ..Default::default()
    };
    let page = store
        .fill_history(&sim(), &contradiction, &PageRequest::first(10))
        .await
        .unwrap();
    assert!(
        page.items.is_empty(),
        "the order's market does not match the ticker filter"
    );
}
