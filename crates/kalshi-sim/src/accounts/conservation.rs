//! Property test: under seeded random trading by several users, money is neither created
//! nor destroyed. At every step, cash (free plus locked) plus what positions would pay at
//! settlement equals the deposits minus the fees collected, whichever way the markets
//! resolve; after settlement, cash alone does.

use kalshi::model::{Count, Money, Price};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::engine::testkit::{DECI, M, MAKER, T0, engine, m};
use crate::engine::{
    AmendRequest, BookSide, Decrease, Engine, OrderRequest, SelfTradePrevention, TimeInForce,
};
use crate::ids::{OrderId, UserId};
use crate::lifecycle::MarketResult;

/// (cash, deposits − fees, payout if YES, payout if NO), money units.
fn totals(e: &Engine) -> (i64, i64, i64, i64) {
    let mut cash = 0;
    let mut net_deposits = 0;
    let (mut if_yes, mut if_no) = (0, 0);
    for a in e.accounts().iter() {
        cash += a.cash().units();
        net_deposits += a.deposited().units() - a.fees_paid().units();
        for (_, p) in a.positions() {
            let pos = p.position().units();
            // A contract (100 count units) pays 1_000_000 money units.
            if_yes += pos.max(0) * 10_000;
            if_no += (-pos).max(0) * 10_000;
        }
    }
    (cash, net_deposits, if_yes, if_no)
}

fn random_request(rng: &mut ChaCha8Rng, ticker: &str) -> OrderRequest {
    let deci = ticker == DECI;
    let tick = if deci { 10 } else { 100 };
    let centre = 5_000 + rng.gen_range(-15..=15) * tick;
    let price =
        Price::from_units((centre + rng.gen_range(-8..=8) * tick).clamp(tick, 10_000 - tick));
    let count = Count::from_units(rng.gen_range(1..5_000));
    let side = if rng.gen_bool(0.5) {
        BookSide::Bid
    } else {
        BookSide::Ask
    };
    let mut req = OrderRequest::limit(ticker, side, price, count);
    req.time_in_force = match rng.gen_range(0..10) {
        0..=5 => TimeInForce::GoodTillCanceled,
        6..=8 => TimeInForce::ImmediateOrCancel,
        _ => TimeInForce::FillOrKill,
    };
    if rng.gen_bool(0.3) {
        req.self_trade_prevention = SelfTradePrevention::Maker;
    }
    req.reduce_only = rng.gen_bool(0.1);
    req.post_only = req.time_in_force == TimeInForce::GoodTillCanceled && rng.gen_bool(0.1);
    req
}

#[test]
fn money_is_conserved_under_random_trading_and_settlement() {
    for seed in 0..4 {
        let (mut e, a, b, c) = engine();
        let mut users = vec![a, b, c];
        for (i, balance) in ["25", "300", "5000"].iter().enumerate() {
            users.push(e.register_user(&format!("extra{i}"), m(balance)).unwrap());
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut placed: Vec<(UserId, OrderId)> = Vec::new();
        let markets = [M, MAKER, DECI];
        let mut now = T0;
        for step in 0..1_500 {
            now += 7;
            let user = users[rng.gen_range(0..users.len())];
            let ticker = markets[rng.gen_range(0..markets.len())];
            match rng.gen_range(0..20) {
                0..=14 => {
                    if let Ok(out) = e.create_order(user, &random_request(&mut rng, ticker), now) {
                        placed.push((user, out.value.order.id));
                    }
                }
                15..=16 if !placed.is_empty() => {
                    let (u, id) = placed[rng.gen_range(0..placed.len())];
                    let _ = e.cancel_order(u, id, now);
                }
                17 if !placed.is_empty() => {
                    let (u, id) = placed[rng.gen_range(0..placed.len())];
                    let by = Count::from_units(rng.gen_range(1..2_000));
                    let _ = e.decrease_order(u, id, Decrease::By(by), now);
                }
                _ if !placed.is_empty() => {
                    let (u, id) = placed[rng.gen_range(0..placed.len())];
                    if let Ok(order) = e.order(u, id) {
                        let template = random_request(&mut rng, &order.ticker);
                        let req = AmendRequest {
                            ticker: order.ticker.to_string(),
                            side: order.side,
                            price: template.price,
                            count: Count::from_units(
                                order.fill_count.units() + template.count.units(),
                            ),
                            client_order_id: None,
                            updated_client_order_id: None,
                        };
                        let _ = e.amend_order(u, id, &req, now);
                    }
                }
                _ => {}
            }
            if let Err(msg) = e.audit() {
                panic!("seed {seed} step {step}: {msg}");
            }
            let (cash, net, if_yes, if_no) = totals(&e);
            assert_eq!(cash + if_yes, net, "seed {seed} step {step}: YES world");
            assert_eq!(cash + if_no, net, "seed {seed} step {step}: NO world");
        }
        let traded: i64 = markets
            .iter()
            .map(|t| e.market(t).unwrap().volume().units())
            .sum();
        assert!(traded > 0, "seed {seed}: the random flow must trade");

        for (i, ticker) in markets.iter().enumerate() {
            let result = if (seed as usize + i).is_multiple_of(2) {
                MarketResult::Yes
            } else {
                MarketResult::No
            };
            e.determine_market(ticker, result, now).unwrap();
            e.settle_market(ticker, now).unwrap();
        }
        e.audit().unwrap();
        let (cash, net, if_yes, if_no) = totals(&e);
        assert_eq!(
            (if_yes, if_no),
            (0, 0),
            "no positions left after settlement"
        );
        assert_eq!(cash, net, "seed {seed}: cash == deposits - fees");
        for acct in e.accounts().iter() {
            assert_eq!(acct.locked(), Money::ZERO, "nothing locked after close");
            assert!(acct.balance().units() >= 0);
        }
    }
}
