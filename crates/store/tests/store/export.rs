//! CSV export: exact bytes for a small fixture.

use kalshi::model::order::BookSide;
use store::{FillFilter, OrderFilter};

use crate::harness::{fill, open_store, order, sim};

#[tokio::test]
async fn fills_and_orders_csv_is_exact() {
    let (_dir, store) = open_store().await;
    store
        .upsert_fills(
            &sim(),
            &[
                fill("e1", "KX-A", BookSide::Bid, "0.42", "3", 1_787_839_800_123),
                fill(
                    "e2",
                    "KX-A",
                    BookSide::Ask,
                    "0.0030",
                    "2.50",
                    1_787_839_842_000,
                ),
            ],
        )
        .await
        .unwrap();
    let mut o = order("o1", "KX-A", 1_787_839_800_123, 1_787_839_801_000, 4);
    o.client_order_id = "desk,\"1\"".to_owned();
    store.upsert_orders(&sim(), &[o]).await.unwrap();

    let mut out = Vec::new();
    let n = store
        .export_fills_csv(&sim(), &FillFilter::default(), &mut out)
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "created_time,fill_id,order_id,ticker,outcome_side,book_side,count,yes_price,no_price,\
         is_taker,fee_cost,subaccount_number,exchange_index\n\
         2026-08-27T14:10:42Z,e2,order-e2,KX-A,no,ask,2.50,0.0030,0.9970,true,0.0100,0,0\n\
         2026-08-27T14:10:00.123Z,e1,order-e1,KX-A,yes,bid,3.00,0.4200,0.5800,true,0.0100,0,0\n"
    );

    let mut out = Vec::new();
    let n = store
        .export_orders_csv(&sim(), &OrderFilter::default(), &mut out)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "created_time,last_update_time,order_id,client_order_id,ticker,status,outcome_side,\
         book_side,type,yes_price,no_price,initial_count,fill_count,remaining_count,\
         taker_fill_cost,maker_fill_cost,taker_fees,maker_fees,expiration_time\n\
         2026-08-27T14:10:00.123Z,2026-08-27T14:10:01Z,o1,\"desk,\"\"1\"\"\",KX-A,resting,yes,\
         bid,limit,0.5600,0.4400,10.00,4.00,6.00,2.2400,0.0000,0.0000,0.0000,\n"
    );
}

#[tokio::test]
async fn export_streams_past_one_page() {
    let (_dir, store) = open_store().await;
    let fills: Vec<_> = (0..2_345)
        .map(|i| fill(&format!("f{i}"), "KX-A", BookSide::Bid, "0.5", "1", i))
        .collect();
    store.upsert_fills(&sim(), &fills).await.unwrap();
    let mut out = Vec::new();
    let n = store
        .export_fills_csv(&sim(), &FillFilter::default(), &mut out)
        .await
        .unwrap();
    assert_eq!(n, 2_345);
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), 2_346, "header plus one line per fill");
    assert!(
        text.lines().nth(1).unwrap().contains(",f2344,"),
        "newest first"
    );
}
