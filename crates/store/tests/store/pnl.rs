//! P&L per market and per day from fills, settlements and cached marks.

use kalshi::model::order::BookSide;
use kalshi::model::settlement::SettlementResult;
use kalshi::model::{Count, Money};
use store::{DailyPnl, MarketPnl, PnlBasis, TickerFilter, TimeRange};
use time::macros::{date, datetime};

use crate::harness::{at, fill, m, market, open_store, p, settlement, sim};

fn ms(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap()
}

#[tokio::test]
async fn pnl_per_market_and_per_day() {
    let (_dir, store) = open_store().await;
    let day1 = ms(datetime!(2026-08-28 15:00 UTC));
    let day2 = ms(datetime!(2026-08-29 23:59:59.999 UTC));
    store
        .upsert_fills(
            &sim(),
            &[
                // A: buy 10 YES at 0.40, sell 4 at 0.55; settles YES holding 6.
                fill("a1", "PNL-A", BookSide::Bid, "0.40", "10", 1_000),
                fill("a2", "PNL-A", BookSide::Ask, "0.55", "4", 2_000),
                // B: long 5 NO (ask at YES 0.30 = buy NO at 0.70); settles NO.
                fill("b1", "PNL-B", BookSide::Ask, "0.30", "5", 1_500),
                // C: open, marked at the cached last price 0.65.
                fill("c1", "PNL-C", BookSide::Bid, "0.50", "2", 3_000),
                // D: open, no cached market, so no mark.
                fill("d1", "PNL-D", BookSide::Bid, "0.10", "1", 3_000),
            ],
        )
        .await
        .unwrap();
    store
        .upsert_settlements(
            &sim(),
            &[
                settlement("PNL-A", SettlementResult::Yes, 6, 0, day1),
                settlement("PNL-B", SettlementResult::No, 0, 5, day1 + 1),
                // E: fills never synced, only the settlement is known.
                settlement("PNL-E", SettlementResult::Yes, 3, 0, day2),
                settlement("PNL-V", SettlementResult::Void, 1, 0, day2),
            ],
        )
        .await
        .unwrap();
    store
        .upsert_markets(&sim(), &[market("PNL-C", "C", "0.65")], at(1))
        .await
        .unwrap();

    let pnl = store.pnl_by_market(&sim(), None).await.unwrap();
    let summary: Vec<(&str, Option<Money>, bool)> = pnl
        .iter()
        .map(|x| (x.ticker.as_str(), x.pnl, x.realized))
        .collect();
    assert_eq!(
        summary,
        [
            // -4.00 + 2.20 - 0.02 fees + 6 × $1
            ("PNL-A", Some(m("4.18")), true),
            // +1.50 - 0.01 + (-5) × $0: the NO buyer paid 3.50 and received 5.00
            ("PNL-B", Some(m("1.49")), true),
            // -1.00 - 0.01 + 2 × 0.65
            ("PNL-C", Some(m("0.29")), false),
            ("PNL-D", None, false),
            // Fills never synced: the settlement's own figures (revenue 3.00, cost 0).
            ("PNL-E", Some(m("3.00")), true),
            // Voided, fills never synced: what the settlement says was paid back.
            ("PNL-V", Some(m("0")), true),
        ]
    );
    let a: &MarketPnl = &pnl[0];
    assert_eq!(
        (a.fills, a.bought, a.sold),
        (2, Count::from_contracts(10), Count::from_contracts(4))
    );
    assert_eq!(a.net_position, Count::from_contracts(6));
    assert_eq!(a.trading_cash, m("-1.80"));
    assert_eq!(a.fees, m("0.02"));
    assert_eq!(a.settlement.unwrap().yes_payout, Some(p("1")));
    assert_eq!(pnl[1].net_position, Count::from_contracts(-5));
    assert_eq!(pnl[2].mark_price, Some(p("0.65")));

    let only_c = store
        .pnl_by_market(&sim(), Some(&TickerFilter::Prefix("PNL-C".into())))
        .await
        .unwrap();
    assert_eq!(only_c.len(), 1);
    let only_e = store
        .pnl_by_market(&sim(), Some(&TickerFilter::Exact("PNL-E".into())))
        .await
        .unwrap();
    assert_eq!(only_e.len(), 1, "settlement-only markets are filtered too");

    let days = store.pnl_by_day(&sim(), &TimeRange::ALL).await.unwrap();
    assert_eq!(
        days,
        [
            DailyPnl {
                day: date!(2026 - 08 - 28),
                pnl: m("5.67"),
                markets: 2,
                cumulative: m("5.67")
            },
            DailyPnl {
                day: date!(2026 - 08 - 29),
                pnl: m("3.00"),
                markets: 2,
                cumulative: m("8.67")
            },
        ]
    );
    let later = TimeRange {
        from: Some(datetime!(2026-08-29 00:00 UTC)),
        until: None,
    };
    let days = store.pnl_by_day(&sim(), &later).await.unwrap();
    assert_eq!(days.len(), 1);
    assert_eq!(
        days[0].cumulative,
        m("8.67"),
        "the running total includes earlier days"
    );
    let earlier = TimeRange {
        from: None,
        until: Some(datetime!(2026-08-29 00:00 UTC)),
    };
    assert_eq!(store.pnl_by_day(&sim(), &earlier).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_settlement_whose_older_fills_are_missing_uses_its_own_cost_and_revenue() {
    let (_dir, store) = open_store().await;
    // Bought 100 YES at 0.90 long ago (those fills are past the historical cutoff and not
    // in the store), then 10 more at 0.95 recently; settles YES holding 110.
    store
        .upsert_fills(
            &sim(),
            &[fill("late", "OLD-A", BookSide::Bid, "0.95", "10", 5_000)],
        )
        .await
        .unwrap();
    let mut s = settlement("OLD-A", SettlementResult::Yes, 110, 0, 9_000);
    s.yes_total_cost_dollars = m("99.50");
    s.fee_cost = m("0.05");
    // Every fill of this one is here: its P&L still comes from the fills.
    let complete = settlement("OLD-B", SettlementResult::No, 0, 5, 9_000);
    store
        .upsert_fills(
            &sim(),
            &[fill("b", "OLD-B", BookSide::Ask, "0.30", "5", 5_000)],
        )
        .await
        .unwrap();
    store
        .upsert_settlements(&sim(), &[s, complete])
        .await
        .unwrap();

    let pnl = store.pnl_by_market(&sim(), None).await.unwrap();
    let a = &pnl[0];
    assert_eq!(a.ticker, "OLD-A");
    assert_eq!(
        a.pnl,
        Some(m("10.45")),
        "revenue 110.00 − cost 99.50 − settlement fee 0.05, not the whole payout as profit"
    );
    assert_eq!(a.basis, PnlBasis::Settlement);
    assert_eq!(a.net_position, Count::from_contracts(110));
    assert!(a.realized);
    let b = &pnl[1];
    assert_eq!(
        (b.basis, b.pnl),
        (PnlBasis::Fills, Some(m("1.49"))),
        "fills that add up to the settled position keep the fill-based figure"
    );
}
