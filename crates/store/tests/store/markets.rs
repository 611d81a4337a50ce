//! The markets list over the cache: filters, sort keys, paging and totals in SQL, with
//! each market's event (title, series, category) joined in.

use kalshi::model::market::{Market, MarketStatus};
use store::{EventInfo, MarketOrder, MarketQuery, TimeRange};

use crate::harness::{at, c, market, open_store, sim};

fn listed(ticker: &str, event: &str, volume_24h: i64, close_ms: i64) -> Market {
    let mut m = market(ticker, &format!("Market {ticker}"), "0.50");
    m.event_ticker = event.to_owned();
    m.volume_24h_fp = c(&volume_24h.to_string());
    m.close_time = at(close_ms);
    m
}

fn tickers(rows: &[store::CachedMarket]) -> Vec<&str> {
    rows.iter().map(|r| r.market.ticker.as_str()).collect()
}

#[tokio::test]
async fn filters_sorts_and_pages_in_sql_with_events_joined() {
    let (_dir, store) = open_store().await;
    let markets: Vec<Market> = (0..250)
        .map(|i| {
            let event = if i % 2 == 0 { "EV-EVEN" } else { "EV-ODD" };
            listed(&format!("M-{i:03}"), event, i, 10_000 + i)
        })
        .collect();
    store
        .upsert_markets(&sim(), &markets, at(5_000))
        .await
        .unwrap();
    store
        .upsert_events(
            &sim(),
            &[EventInfo {
                event_ticker: "EV-EVEN".into(),
                series_ticker: "SER-A".into(),
                category: Some("Weather".into()),
                title: "Even things".into(),
            }],
            at(5_000),
        )
        .await
        .unwrap();

    let busiest = MarketQuery {
        order: MarketOrder::Volume24h,
        descending: true,
        limit: 3,
        ..MarketQuery::default()
    };
    let page = store.cached_markets(&sim(), &busiest).await.unwrap();
    assert_eq!(tickers(&page), ["M-249", "M-248", "M-247"], "busiest first");
    assert_eq!(
        store.count_cached_markets(&sim(), &busiest).await.unwrap(),
        250
    );

    let second = MarketQuery {
        offset: 3,
        ..busiest.clone()
    };
    let page = store.cached_markets(&sim(), &second).await.unwrap();
    assert_eq!(
        tickers(&page),
        ["M-246", "M-245", "M-244"],
        "offset pages on"
    );

    let weather = MarketQuery {
        category: Some("Weather".into()),
        limit: 1000,
        ..MarketQuery::default()
    };
    let page = store.cached_markets(&sim(), &weather).await.unwrap();
    assert_eq!(page.len(), 125, "only the category's event");
    assert_eq!(page[0].event_title.as_deref(), Some("Even things"));
    assert_eq!(page[0].series_ticker.as_deref(), Some("SER-A"));
    assert_eq!(
        store.count_cached_markets(&sim(), &weather).await.unwrap(),
        125
    );

    let series_text = MarketQuery {
        series_ticker: Some("SER-A".into()),
        text: Some("m-01".into()),
        limit: 100,
        ..MarketQuery::default()
    };
    let page = store.cached_markets(&sim(), &series_text).await.unwrap();
    assert_eq!(
        tickers(&page),
        ["M-010", "M-012", "M-014", "M-016", "M-018"],
        "series and case-insensitive text combine"
    );

    let closing = MarketQuery {
        closing: TimeRange::between(at(10_100), at(10_102)),
        tickers: Some(vec!["M-100".into(), "M-102".into(), "M-200".into()]),
        limit: 10,
        ..MarketQuery::default()
    };
    let page = store.cached_markets(&sim(), &closing).await.unwrap();
    assert_eq!(
        tickers(&page),
        ["M-100", "M-102"],
        "close window and ticker list"
    );

    let open = MarketQuery {
        status: Some(MarketStatus::Closed),
        limit: 10,
        ..MarketQuery::default()
    };
    assert_eq!(store.count_cached_markets(&sim(), &open).await.unwrap(), 0);
    assert_eq!(
        store.oldest_cached_market(&sim()).await.unwrap(),
        Some(at(5_000))
    );
}
