//! A thousand fills under random WebSocket drops, sequence gaps and 429s: afterwards the
//! store holds exactly the exchange's fills and order states, each fill announced once.

use std::collections::{HashMap, HashSet};

use desk_core::AppEvent;
use kalshi::model::Count;
use kalshi::model::order::{BookSide, SelfTradePrevention, TimeInForce};
use kalshi::model::order_entry::CreateOrderRequest;
use kalshi_sim::server::FaultPatch;
use store::{FillFilter, OrderFilter, PageCursor, PageRequest};

use crate::harness::{Env, fill_ids, open_collect, price, take};

const ORDERS: usize = 1000;
const TAKES: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_fills_under_faults_end_identical_to_the_exchange() {
    let env = Env::start().await;
    let mut config = env.config();
    config.tuning.event_capacity = 1 << 16;
    let (session, mut events, opening) = open_collect(config).await;
    let mut announced = fill_ids(&opening);
    let ticker = env.market().await.ticker;
    // A view keeps a book subscription alive, so seq gaps hit it and force resyncs.
    let mut view = session.watch_market(&ticker).unwrap();
    let viewer = tokio::spawn(async move {
        let mut last = 0;
        while let Some(update) = view.next().await {
            assert_eq!(
                update.seq,
                last + 1,
                "view seqs stay contiguous through resyncs"
            );
            last = update.seq;
        }
        last
    });

    env.faults(FaultPatch {
        drop_ws_every_ms: Some(400),
        skip_seq_every: Some(25),
        share_429: Some(0.1),
        ..FaultPatch::default()
    });

    // Key A rests a thousand one-contract bids (outside the session, in batches).
    for _ in 0..ORDERS / 100 {
        let batch: Vec<CreateOrderRequest> = (0..100)
            .map(|_| {
                let mut order = CreateOrderRequest::new(
                    &ticker,
                    BookSide::Bid,
                    price("0.40"),
                    Count::from_contracts(1),
                    TimeInForce::GoodTillCanceled,
                    SelfTradePrevention::TakerAtCross,
                );
                order.client_order_id = Some(uuid::Uuid::new_v4().to_string());
                order
            })
            .collect();
        let results = env
            .a
            .batch_create_orders(&batch)
            .await
            .expect("batch accepted");
        assert!(
            results.iter().all(|r| r.error.is_none()),
            "every order rests"
        );
    }
    // Key B sells into them: each take fills ten of A's orders.
    let b = env.b.clone();
    let taker_ticker = ticker.clone();
    let taker = tokio::spawn(async move {
        for _ in 0..TAKES {
            let r = take(
                &b,
                &taker_ticker,
                BookSide::Ask,
                price("0.40"),
                Count::from_contracts(10),
            )
            .await;
            assert_eq!(r.fill_count, Count::from_contracts(10));
        }
    });

    // Every fill reaches the session, live or through a catch-up.
    let mut distinct: HashSet<String> = announced.iter().cloned().collect();
    let (mut drops, mut syncs) = (0, 0);
    while distinct.len() < ORDERS {
        let seen = events
            .collect_until(|e| matches!(e, AppEvent::Fill(_)), "the next fill")
            .await;
        for id in fill_ids(&seen) {
            distinct.insert(id.clone());
            announced.push(id);
        }
        drops += seen
            .iter()
            .filter(|e| matches!(e, AppEvent::Connection(c) if !c.state.is_connected()))
            .count();
        syncs += seen
            .iter()
            .filter(|e| matches!(e, AppEvent::Synced(_)))
            .count();
    }
    assert!(
        drops > 0 && syncs > 0,
        "the faults bit: {drops} disconnects, {syncs} catch-ups"
    );
    taker.await.unwrap();
    env.faults(FaultPatch {
        reset: true,
        ..FaultPatch::default()
    });
    session.request_sync();
    let tail = events
        .collect_until(|e| matches!(e, AppEvent::Synced(_)), "the final catch-up")
        .await;
    announced.extend(fill_ids(&tail));

    // Fills: the same set, field for field, each announced once.
    let exchange = env.exchange_fills().await;
    assert_eq!(exchange.len(), ORDERS);
    let mut counts: HashMap<&String, usize> = HashMap::new();
    for id in &announced {
        *counts.entry(id).or_default() += 1;
    }
    assert!(counts.values().all(|n| *n == 1), "no fill announced twice");
    assert_eq!(counts.len(), ORDERS, "every fill announced");
    let mut stored = Vec::new();
    let mut after: Option<PageCursor> = None;
    loop {
        let page = session
            .fill_history(&FillFilter::default(), &PageRequest { limit: 1000, after })
            .await
            .unwrap();
        stored.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(stored.len(), ORDERS, "store == exchange: fill count");
    let by_id: HashMap<&String, _> = stored.iter().map(|f| (&f.fill_id, f)).collect();
    for fill in &exchange {
        let row = by_id
            .get(&fill.fill_id)
            .expect("every exchange fill is stored");
        assert_eq!(row.order_id, fill.order_id);
        assert_eq!(row.count, fill.count_fp);
        assert_eq!(row.yes_price, fill.yes_price_dollars);
        assert_eq!(row.fee_cost, fill.fee_cost);
        assert_eq!(row.is_taker, fill.is_taker);
        assert_eq!(Some(row.created_time), fill.created_time);
    }

    // Orders: every state as the exchange has it.
    let exchange_orders = env.exchange_orders().await;
    let stored_orders = session
        .order_history(&OrderFilter::default(), &PageRequest::first(1000))
        .await
        .unwrap();
    assert_eq!(stored_orders.items.len(), exchange_orders.len());
    let rows: HashMap<&String, _> = stored_orders
        .items
        .iter()
        .map(|o| (&o.order_id, o))
        .collect();
    for order in &exchange_orders {
        let row = rows
            .get(&order.order_id)
            .expect("every exchange order is stored");
        assert_eq!(row.status, order.status, "order {}", order.order_id);
        assert_eq!(row.fill_count, order.fill_count_fp);
        assert_eq!(row.remaining_count, order.remaining_count_fp);
    }
    let portfolio = session.portfolio().await.unwrap();
    assert_eq!(portfolio.positions.len(), 1);
    assert_eq!(
        portfolio.positions[0].position,
        Count::from_contracts(ORDERS as i64)
    );

    eprintln!("stress: {drops} disconnects, {syncs} catch-ups during the fills");
    session.close().await;
    let updates = viewer.await.unwrap();
    assert!(updates > 0, "the view saw the book");
    env.sim.shutdown().await;
}
