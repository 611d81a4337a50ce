//! Engine events → the data messages one connection must receive: each event goes to the
//! subscription of its channel when the market filter (and, for private channels, the
//! owner) matches, and order-book messages take the sid's next `seq`.

use kalshi::model::ws::{Channel, Data, Message, Sequenced};

use super::env::Hooks;
use super::session::Session;
use super::subscription::Subscription;
use super::wire;
use crate::engine::Event;
use crate::server::state::EventBatch;

/// An unsequenced data message on `sid`.
fn data<T>(sid: u64, msg: T) -> Data<T> {
    Data {
        sid,
        seq: None,
        msg,
    }
}

impl Session {
    /// Appends the messages `batch` produces for this connection, in event order.
    pub fn on_batch(&mut self, batch: &EventBatch, hooks: &dyn Hooks, out: &mut Vec<Message>) {
        if self.subs.is_empty() {
            return;
        }
        for event in &batch.events {
            self.on_event(event, hooks, out);
        }
    }

    /// The subscription of `channel`, if it delivers `ticker`.
    fn route(&mut self, channel: Channel, ticker: &str) -> Option<(u64, &mut Subscription)> {
        self.subs
            .iter_mut()
            .find(|(_, s)| s.channel == channel && s.markets.contains(ticker))
            .map(|(sid, s)| (*sid, s))
    }

    fn on_event(&mut self, event: &Event, hooks: &dyn Hooks, out: &mut Vec<Message>) {
        let user = self.user;
        match event {
            Event::BookDelta(d) => {
                if let Some((sid, sub)) = self.route(Channel::OrderbookDelta, &d.ticker) {
                    let seq = sub.next_seq(hooks.take_seq_skip());
                    out.push(Message::OrderbookDelta(Sequenced {
                        sid,
                        seq,
                        msg: wire::delta(d, sub.use_yes_price, d.owner == user),
                    }));
                }
            }
            Event::Ticker(t) => {
                if let Some((sid, _)) = self.route(Channel::Ticker, &t.ticker) {
                    out.push(Message::Ticker(data(sid, wire::ticker(t))));
                }
            }
            Event::Trade(t) => {
                if let Some((sid, _)) = self.route(Channel::Trade, &t.ticker) {
                    out.push(Message::Trade(data(sid, wire::trade(t))));
                }
            }
            Event::Fill(f) if f.user == user => {
                if let Some((sid, _)) = self.route(Channel::Fill, &f.ticker) {
                    out.push(Message::Fill(data(sid, wire::fill(f))));
                }
            }
            Event::Order(o) if o.order.user == user => {
                if let Some((sid, _)) = self.route(Channel::UserOrders, &o.order.ticker) {
                    let group = hooks.order_group(o.order.id);
                    out.push(Message::UserOrder(data(
                        sid,
                        wire::user_order(&o.order, group),
                    )));
                }
            }
            Event::Position(p) if p.user == user => {
                if let Some((sid, _)) = self.route(Channel::MarketPositions, &p.ticker) {
                    out.push(Message::MarketPosition(data(sid, wire::position(p))));
                }
            }
            Event::Lifecycle(l) => {
                if let Some(msg) = wire::lifecycle(l)
                    && let Some((sid, _)) = self.route(Channel::MarketLifecycleV2, &l.ticker)
                {
                    out.push(Message::MarketLifecycleV2(data(sid, msg)));
                }
            }
            // Someone else's private events, and settlements (no WS message).
            Event::Fill(_) | Event::Order(_) | Event::Position(_) | Event::Settlement(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::commands::parse;
    use super::super::testkit::{FakeExchange, FakeHooks, batch, events, json_of};
    use super::*;
    use crate::ids::UserId;

    const ME: UserId = UserId(0);
    const OTHER: UserId = UserId(1);

    fn subscribed(cmds: &[&str]) -> Session {
        let mut s = Session::new(ME);
        let ex = FakeExchange::two_markets();
        let mut out = Vec::new();
        for c in cmds {
            s.handle(parse(c).unwrap(), &ex, &FakeHooks::default(), &mut out);
        }
        s
    }

    fn feed(s: &mut Session, hooks: &FakeHooks, evs: Vec<Event>) -> Vec<String> {
        let mut out = Vec::new();
        s.on_batch(&batch(evs), hooks, &mut out);
        json_of(&out)
    }

    #[test]
    fn deltas_continue_the_seq_across_markets_of_the_sid() {
        let mut s = subscribed(&[
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["KXA-1","KXB-2"]}}"#,
        ]);
        let out = feed(
            &mut s,
            &FakeHooks::default(),
            vec![
                events::delta("KXA-1", OTHER, None),
                events::delta("KXC-3", OTHER, None),
                events::delta("KXB-2", ME, Some("mine")),
            ],
        );
        assert_eq!(
            out,
            [
                r#"{"type":"orderbook_delta","sid":1,"seq":3,"msg":{"market_ticker":"KXA-1","price_dollars":"0.4000","delta_fp":"5.00","side":"yes","ts":"2026-01-01T12:00:00Z","ts_ms":1767268800000}}"#,
                r#"{"type":"orderbook_delta","sid":1,"seq":4,"msg":{"market_ticker":"KXB-2","price_dollars":"0.4000","delta_fp":"5.00","side":"yes","ts":"2026-01-01T12:00:00Z","ts_ms":1767268800000,"client_order_id":"mine","subaccount":0}}"#,
            ],
            "snapshots took 1 and 2; a market outside the filter takes no seq; the owner sees its client_order_id"
        );
    }

    #[test]
    fn a_seq_skip_leaves_a_gap() {
        let mut s = subscribed(&[
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_ticker":"KXA-1"}}"#,
        ]);
        let hooks = FakeHooks::skipping(1);
        let out = feed(
            &mut s,
            &hooks,
            vec![
                events::delta("KXA-1", OTHER, None),
                events::delta("KXA-1", OTHER, None),
            ],
        );
        assert!(out[0].contains(r#""seq":3"#), "{}", out[0]);
        assert!(out[1].contains(r#""seq":4"#), "{}", out[1]);
    }

    #[test]
    fn private_channels_carry_only_the_owners_data() {
        let mut s = subscribed(&[
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["fill","user_orders","market_positions"]}}"#,
        ]);
        let out = feed(
            &mut s,
            &FakeHooks::default(),
            vec![
                events::fill("KXA-1", OTHER),
                events::order("KXA-1", OTHER),
                events::position("KXA-1", OTHER),
                events::fill("KXA-1", ME),
                events::order("KXA-1", ME),
                events::position("KXA-1", ME),
            ],
        );
        assert_eq!(out.len(), 3, "{out:#?}");
        assert!(
            out[0].starts_with(r#"{"type":"fill","sid":1,"msg":{"#),
            "{}",
            out[0]
        );
        assert!(
            out[1].starts_with(r#"{"type":"user_order","sid":2,"msg":{"#),
            "{}",
            out[1]
        );
        assert!(
            out[1].contains(r#""ticker":"KXA-1""#),
            "user_order names the market `ticker`"
        );
        assert!(out[1].contains(r#""order_group_id":"og-1""#), "{}", out[1]);
        assert!(out[2].starts_with(r#"{"type":"market_position","sid":3,"msg":{"#));
        for line in &out {
            let decoded = Message::from_json(line).expect("the SDK decodes what the sim sends");
            assert_eq!(decoded.to_json(), *line, "and re-encodes it identically");
        }
    }

    #[test]
    fn public_channels_respect_the_market_filter() {
        let mut s = subscribed(&[
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["ticker"],"market_ticker":"KXA-1"}}"#,
            r#"{"id":2,"cmd":"subscribe","params":{"channels":["trade"]}}"#,
        ]);
        let out = feed(
            &mut s,
            &FakeHooks::default(),
            vec![
                events::ticker("KXB-2"),
                events::ticker("KXA-1"),
                events::trade("KXB-2"),
            ],
        );
        assert_eq!(out.len(), 2, "{out:#?}");
        assert!(out[0].contains(r#""type":"ticker","sid":1"#));
        assert!(out[1].contains(r#""type":"trade","sid":2"#));
        assert!(out[1].contains(r#""taker_outcome_side":"no","taker_book_side":"ask""#));
    }

    #[test]
    fn lifecycle_skips_open_and_close() {
        use crate::engine::LifecycleKind;
        use crate::lifecycle::MarketResult;
        let mut s = subscribed(&[
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["market_lifecycle_v2"],"market_ticker":"KXA-1"}}"#,
        ]);
        let out = feed(
            &mut s,
            &FakeHooks::default(),
            vec![
                events::lifecycle("KXB-2", LifecycleKind::Opened),
                events::lifecycle("KXB-2", LifecycleKind::Closed),
                events::lifecycle("KXB-2", LifecycleKind::Determined(MarketResult::Yes)),
            ],
        );
        assert_eq!(
            out,
            [
                r#"{"type":"market_lifecycle_v2","sid":1,"msg":{"market_ticker":"KXB-2","event_type":"determined","result":"yes","determination_ts":1767268800,"settlement_value":"1.0000"}}"#
            ],
            "the lifecycle channel ignores market filters and has no open/close messages"
        );
    }

    #[test]
    fn nothing_without_subscriptions() {
        let mut s = Session::new(ME);
        let out = feed(
            &mut s,
            &FakeHooks::default(),
            vec![events::delta("KXA-1", ME, None)],
        );
        assert!(out.is_empty());
    }
}
