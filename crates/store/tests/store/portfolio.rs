//! Portfolio snapshots: the latest (offline portfolio) and the value series.

use kalshi::model::portfolio::GetBalanceResponse;
use store::{NewSnapshot, PortfolioPoint, Resolution, TimeRange};
use time::macros::datetime;

use crate::harness::{m, open_store, position, sim};

fn snap(t: time::OffsetDateTime, value: &str) -> NewSnapshot {
    NewSnapshot {
        captured_at: t,
        balance: m("100"),
        portfolio_value: m(value),
        positions: vec![position("KX-A", 3, 1_000)],
    }
}

#[tokio::test]
async fn latest_snapshot_and_series() {
    let (_dir, store) = open_store().await;
    let times = [
        (datetime!(2026-08-27 10:00 UTC), "101"),
        (datetime!(2026-08-27 18:00 UTC), "102"),
        (datetime!(2026-08-28 09:00 UTC), "103"),
        (datetime!(2026-08-29 23:59:59 UTC), "104"),
        (datetime!(2026-08-29 12:00 UTC), "99.5"),
    ];
    for (t, v) in times {
        store.record_snapshot(&sim(), &snap(t, v)).await.unwrap();
    }

    let latest = store.latest_snapshot(&sim()).await.unwrap().unwrap();
    assert_eq!(
        latest.captured_at,
        datetime!(2026-08-29 23:59:59 UTC),
        "latest by capture time"
    );
    assert_eq!(latest.portfolio_value, m("104"));
    assert_eq!(
        latest.positions,
        vec![position("KX-A", 3, 1_000)],
        "positions round-trip"
    );

    let all = store
        .portfolio_series(&sim(), &TimeRange::ALL, Resolution::Every)
        .await
        .unwrap();
    let values: Vec<_> = all.iter().map(|p| p.portfolio_value).collect();
    assert_eq!(
        values,
        [m("101"), m("102"), m("103"), m("99.5"), m("104")],
        "oldest first"
    );

    let daily = store
        .portfolio_series(&sim(), &TimeRange::ALL, Resolution::Daily)
        .await
        .unwrap();
    assert_eq!(
        daily,
        [
            PortfolioPoint {
                captured_at: datetime!(2026-08-27 18:00 UTC),
                balance: m("100"),
                portfolio_value: m("102")
            },
            PortfolioPoint {
                captured_at: datetime!(2026-08-28 09:00 UTC),
                balance: m("100"),
                portfolio_value: m("103")
            },
            PortfolioPoint {
                captured_at: datetime!(2026-08-29 23:59:59 UTC),
                balance: m("100"),
                portfolio_value: m("104")
            },
        ],
        "the last snapshot of each UTC day"
    );

    let range = TimeRange::between(
        datetime!(2026-08-28 00:00 UTC),
        datetime!(2026-08-29 12:00 UTC),
    );
    let some = store
        .portfolio_series(&sim(), &range, Resolution::Every)
        .await
        .unwrap();
    assert_eq!(some.len(), 1, "the range is half-open");
}

#[tokio::test]
async fn snapshot_from_balance_response() {
    let balance = GetBalanceResponse {
        balance: 123_456,
        balance_dollars: m("1234.5678"),
        portfolio_value: 150_000,
        updated_ts: 0,
        balance_breakdown: None,
    };
    let s = NewSnapshot::from_balance(&balance, vec![], datetime!(2026-01-01 0:00 UTC));
    assert_eq!(
        s.balance,
        m("1234.5678"),
        "the exact dollars, not the truncated cents"
    );
    assert_eq!(s.portfolio_value, m("1500"));
}
