//! One connection's subscriptions (sid → [`Subscription`]) and how commands change them:
//! each command becomes its replies plus any snapshots, as typed [`Message`]s. No I/O.
//!
//! Subscribing is idempotent per channel, as Kalshi has done since 2025-10: subscribing a
//! channel that is already open adds the new markets to the existing sid.

use std::collections::BTreeMap;

use kalshi::model::ws::{
    Channel, Command, CommandBody, Data, MarketList, Message, OkBody, OkReply, Sequenced,
    SubscribeParams, Subscribed, SubscriptionInfo, UnsubscribeParams, Unsubscribed, UpdateAction,
    UpdateSubscriptionParams,
};

use super::codes::{self, Code};
use super::env::{Exchange, Hooks};
use super::subscription::{Markets, Subscription};
use super::wire;
use crate::ids::UserId;

/// The subscription state of one connection.
#[derive(Debug, Clone)]
pub struct Session {
    /// The account the connection authenticated as (private channels show only its data).
    pub(super) user: UserId,
    /// Open subscriptions by sid.
    pub(super) subs: BTreeMap<u64, Subscription>,
    next_sid: u64,
}

/// Tickers from `market_ticker` and `market_tickers`, first occurrence kept.
fn requested(single: Option<String>, list: Option<Vec<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in single.into_iter().chain(list.unwrap_or_default()) {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The first market id of a filter: the simulator lists markets by ticker only, so any id
/// is unknown.
fn first_market_id(single: Option<&String>, list: Option<&Vec<String>>) -> Option<String> {
    single.or_else(|| list.and_then(|l| l.first())).cloned()
}

fn market_id_not_found(id: Option<u64>, market_id: String) -> Message {
    let mut msg = Code::MarketNotFound.error();
    msg.market_id = Some(market_id);
    codes::reply(id, None, msg)
}

impl Session {
    /// A connection with no subscriptions; sids start at 1.
    pub fn new(user: UserId) -> Self {
        Self {
            user,
            subs: BTreeMap::new(),
            next_sid: 1,
        }
    }

    /// The open subscriptions, by sid.
    pub fn subscriptions(&self) -> &BTreeMap<u64, Subscription> {
        &self.subs
    }

    /// The sid of the subscription on `channel`, if one is open.
    fn sid_of(&self, channel: Channel) -> Option<u64> {
        self.subs
            .iter()
            .find(|(_, s)| s.channel == channel)
            .map(|(sid, _)| *sid)
    }

    /// Handles one command, appending its replies (and snapshots) to `out` in the order they
    /// must be sent. `ex` must be read under the same engine lock as the bus position the
    /// connection has reached, so snapshots line up with the deltas that follow.
    pub fn handle(
        &mut self,
        cmd: Command,
        ex: &dyn Exchange,
        hooks: &dyn Hooks,
        out: &mut Vec<Message>,
    ) {
        // Kalshi treats id 0 as "no id".
        let id = (cmd.id != 0).then_some(cmd.id);
        match cmd.body {
            CommandBody::Subscribe(p) => self.subscribe(id, p, ex, hooks, out),
            CommandBody::Unsubscribe(p) => self.unsubscribe(id, p, out),
            CommandBody::UpdateSubscription(p) => self.update(id, p, ex, hooks, out),
            CommandBody::ListSubscriptions => {
                let list = self
                    .subs
                    .iter()
                    .map(|(sid, s)| SubscriptionInfo {
                        channel: s.channel,
                        sid: *sid,
                    })
                    .collect();
                out.push(Message::Ok(OkReply {
                    id,
                    sid: None,
                    seq: None,
                    msg: OkBody::Subscriptions(list),
                }));
            }
        }
    }

    fn subscribe(
        &mut self,
        id: Option<u64>,
        p: SubscribeParams,
        ex: &dyn Exchange,
        hooks: &dyn Hooks,
        out: &mut Vec<Message>,
    ) {
        if p.channels.is_empty() {
            return out.push(Code::ChannelsRequired.reply(id, None));
        }
        let mut channels: Vec<Channel> = Vec::with_capacity(p.channels.len());
        for c in &p.channels {
            if !channels.contains(c) {
                channels.push(*c);
            }
        }
        if let Some(market_id) = first_market_id(p.market_id.as_ref(), p.market_ids.as_ref()) {
            return out.push(market_id_not_found(id, market_id));
        }
        let tickers = requested(p.market_ticker.clone(), p.market_tickers.clone());
        for &c in &channels {
            let problem = match c {
                Channel::CfbenchmarksValue => Some(Code::IndexIdsRequired),
                Channel::PythValue => Some(Code::UnderlyingTickersRequired),
                c if c.requires_markets() && tickers.is_empty() => Some(Code::MarketTickerRequired),
                _ => None,
            };
            if let Some(code) = problem {
                return out.push(code.reply(id, None));
            }
        }
        if let Some(t) = tickers
            .iter()
            .find(|t| !ex.has_market(t) || hooks.refuses_market(t))
        {
            return out.push(codes::market_not_found(id, t));
        }
        if channels.iter().any(|c| c.is_private()) && hooks.refuses_private() {
            return out.push(Code::AuthRequired.reply(id, None));
        }
        for c in channels {
            let filtered = c.accepts_markets() && !tickers.is_empty();
            let (sid, added) = match self.sid_of(c) {
                Some(sid) => {
                    let Some(sub) = self.subs.get_mut(&sid) else {
                        continue;
                    };
                    let added = if filtered {
                        sub.markets.add(&tickers)
                    } else {
                        sub.markets.widen();
                        Vec::new()
                    };
                    (sid, added)
                }
                None => {
                    let sid = self.next_sid;
                    self.next_sid += 1;
                    let markets = if filtered {
                        Markets::Only(tickers.iter().cloned().collect())
                    } else {
                        Markets::All
                    };
                    let mut sub = Subscription::new(c, markets);
                    sub.use_yes_price = p.use_yes_price.unwrap_or(false);
                    sub.skip_ticker_ack = p.skip_ticker_ack.unwrap_or(false);
                    self.subs.insert(sid, sub);
                    (
                        sid,
                        if filtered {
                            tickers.clone()
                        } else {
                            Vec::new()
                        },
                    )
                }
            };
            out.push(Message::Subscribed(Subscribed {
                id,
                msg: SubscriptionInfo { channel: c, sid },
            }));
            match c {
                Channel::OrderbookDelta => self.snapshots(sid, &added, ex, hooks, out),
                Channel::Ticker if filtered && p.send_initial_snapshot == Some(true) => {
                    self.initial_tickers(sid, &tickers, ex, out);
                }
                _ => {}
            }
        }
    }

    fn unsubscribe(&mut self, id: Option<u64>, p: UnsubscribeParams, out: &mut Vec<Message>) {
        if p.sids.is_empty() {
            return out.push(Code::SidsRequired.reply(id, None));
        }
        for sid in p.sids {
            match self.subs.remove(&sid) {
                Some(sub) => out.push(Message::Unsubscribed(Unsubscribed {
                    id,
                    sid,
                    seq: sub.reply_seq(),
                })),
                None => out.push(Code::UnknownSid.reply(id, Some(sid))),
            }
        }
    }

    fn update(
        &mut self,
        id: Option<u64>,
        p: UpdateSubscriptionParams,
        ex: &dyn Exchange,
        hooks: &dyn Hooks,
        out: &mut Vec<Message>,
    ) {
        let Some(sid) = p.target_sid() else {
            return out.push(Code::ExactlyOneSid.reply(id, None));
        };
        let Some(sub) = self.subs.get_mut(&sid) else {
            return out.push(Code::UnknownSid.reply(id, Some(sid)));
        };
        let supported = match p.action {
            UpdateAction::AddMarkets | UpdateAction::DeleteMarkets => sub.channel.accepts_markets(),
            UpdateAction::GetSnapshot => sub.channel == Channel::OrderbookDelta,
        };
        if !supported {
            return out.push(Code::UnsupportedAction.reply(id, Some(sid)));
        }
        if let Some(market_id) = first_market_id(None, p.market_ids.as_ref()) {
            return out.push(market_id_not_found(id, market_id));
        }
        let tickers = requested(None, p.market_tickers);
        if tickers.is_empty() {
            return out.push(Code::MarketTickerRequired.reply(id, Some(sid)));
        }
        if let Some(t) = tickers.iter().find(|t| !ex.has_market(t)) {
            return out.push(codes::market_not_found(id, t));
        }
        let mut snapshot = Vec::new();
        let mut initial_tickers = Vec::new();
        match p.action {
            UpdateAction::AddMarkets => {
                let added = sub.markets.add(&tickers);
                match sub.channel {
                    Channel::OrderbookDelta => snapshot = added,
                    Channel::Ticker if p.send_initial_snapshot == Some(true) => {
                        initial_tickers = added;
                    }
                    _ => {}
                }
            }
            UpdateAction::DeleteMarkets => {
                if !sub.markets.remove(&tickers) {
                    return out.push(Code::InvalidParameter.reply(id, Some(sid)));
                }
            }
            UpdateAction::GetSnapshot => {
                if let Some(t) = tickers.iter().find(|t| !sub.markets.contains(t)) {
                    let mut msg = Code::InvalidParameter.error();
                    msg.market_ticker = Some(t.clone());
                    return out.push(codes::reply(id, Some(sid), msg));
                }
                snapshot = tickers;
            }
        }
        let market_tickers = if sub.skip_ticker_ack {
            None
        } else {
            sub.markets.list()
        };
        out.push(Message::Ok(OkReply {
            id,
            sid: Some(sid),
            seq: sub.reply_seq(),
            msg: OkBody::Markets(MarketList {
                market_tickers,
                market_ids: None,
            }),
        }));
        self.snapshots(sid, &snapshot, ex, hooks, out);
        self.initial_tickers(sid, &initial_tickers, ex, out);
    }

    /// One `orderbook_snapshot` per ticker on `sid`, each taking the next seq.
    fn snapshots(
        &mut self,
        sid: u64,
        tickers: &[String],
        ex: &dyn Exchange,
        hooks: &dyn Hooks,
        out: &mut Vec<Message>,
    ) {
        let Some(sub) = self.subs.get_mut(&sid) else {
            return;
        };
        for t in tickers {
            let Some(view) = ex.book(t) else { continue };
            let seq = sub.next_seq(hooks.take_seq_skip());
            out.push(Message::OrderbookSnapshot(Sequenced {
                sid,
                seq,
                msg: wire::snapshot(t, &view, sub.use_yes_price),
            }));
        }
    }

    /// The current `ticker` of each market (`send_initial_snapshot`).
    fn initial_tickers(
        &self,
        sid: u64,
        tickers: &[String],
        ex: &dyn Exchange,
        out: &mut Vec<Message>,
    ) {
        for t in tickers {
            if let Some(line) = ex.ticker(t) {
                out.push(Message::Ticker(Data {
                    sid,
                    seq: None,
                    msg: wire::ticker(&line),
                }));
            }
        }
    }

    /// The connection fell behind (its bus receiver lagged or its outbound queue
    /// overflowed): every subscription is dead. Appends error 25 per sid and forgets them,
    /// so the client resubscribes and rebuilds from fresh snapshots.
    pub fn overflow(&mut self, out: &mut Vec<Message>) {
        for sid in std::mem::take(&mut self.subs).into_keys() {
            out.push(Code::BufferOverflow.reply(None, Some(sid)));
        }
    }
}

#[cfg(test)]
mod tests {
    use kalshi::model::ws::Command;

    use super::super::testkit::{FakeExchange, FakeHooks, json_of};
    use super::*;

    fn run(s: &mut Session, ex: &FakeExchange, cmd: &str) -> Vec<String> {
        let cmd = super::super::commands::parse(cmd).unwrap();
        let mut out = Vec::new();
        s.handle(cmd, ex, &FakeHooks::default(), &mut out);
        json_of(&out)
    }

    fn session() -> (Session, FakeExchange) {
        (Session::new(UserId(0)), FakeExchange::two_markets())
    }

    #[test]
    fn a_refused_market_fails_the_whole_subscribe_with_code_16() {
        let (mut s, ex) = session();
        let cmd = super::super::commands::parse(
            r#"{"id":5,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["KXA-1","KXB-2"]}}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        s.handle(cmd, &ex, &FakeHooks::refusing_market("KXB-2"), &mut out);
        let out = json_of(&out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            out[0].starts_with(r#"{"type":"error","id":5,"msg":{"code":16,"#),
            "{out:?}"
        );
        assert!(out[0].contains("KXB-2"), "{out:?}");
    }

    #[test]
    fn private_channels_are_refused_with_code_9_when_the_fault_is_on() {
        let (mut s, ex) = session();
        let cmd = super::super::commands::parse(
            r#"{"id":3,"cmd":"subscribe","params":{"channels":["ticker","fill"]}}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        s.handle(cmd, &ex, &FakeHooks::refusing_private(), &mut out);
        assert_eq!(
            json_of(&out),
            [r#"{"type":"error","id":3,"msg":{"code":9,"msg":"Authentication required"}}"#]
        );
        let public = run(
            &mut s,
            &ex,
            r#"{"id":4,"cmd":"subscribe","params":{"channels":["fill"]}}"#,
        );
        assert_eq!(
            public,
            [r#"{"type":"subscribed","id":4,"msg":{"channel":"fill","sid":1}}"#],
            "nothing was half-subscribed by the refused command"
        );
    }

    #[test]
    fn subscribe_orderbook_sends_subscribed_then_a_snapshot_per_market() {
        let (mut s, ex) = session();
        let out = run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["KXA-1","KXB-2"]}}"#,
        );
        assert_eq!(
            out,
            [
                r#"{"type":"subscribed","id":1,"msg":{"channel":"orderbook_delta","sid":1}}"#,
                r#"{"type":"orderbook_snapshot","sid":1,"seq":1,"msg":{"market_ticker":"KXA-1","yes_dollars_fp":[["0.4000","10.00"]],"no_dollars_fp":[["0.5500","5.00"]]}}"#,
                r#"{"type":"orderbook_snapshot","sid":1,"seq":2,"msg":{"market_ticker":"KXB-2"}}"#,
            ]
        );
    }

    #[test]
    fn use_yes_price_applies_to_snapshots() {
        let (mut s, ex) = session();
        let out = run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_ticker":"KXA-1","use_yes_price":true}}"#,
        );
        assert!(
            out[1].contains(r#""no_dollars_fp":[["0.4500","5.00"]]"#),
            "{}",
            out[1]
        );
    }

    #[test]
    fn one_subscribed_per_channel_with_the_same_id_and_new_sids() {
        let (mut s, ex) = session();
        let out = run(
            &mut s,
            &ex,
            r#"{"id":4,"cmd":"subscribe","params":{"channels":["ticker","trade","fill","ticker"]}}"#,
        );
        assert_eq!(
            out,
            [
                r#"{"type":"subscribed","id":4,"msg":{"channel":"ticker","sid":1}}"#,
                r#"{"type":"subscribed","id":4,"msg":{"channel":"trade","sid":2}}"#,
                r#"{"type":"subscribed","id":4,"msg":{"channel":"fill","sid":3}}"#,
            ],
            "a repeated channel in one command opens it once"
        );
    }

    #[test]
    fn resubscribing_adds_markets_to_the_same_sid() {
        let (mut s, ex) = session();
        run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["KXA-1"]}}"#,
        );
        let out = run(
            &mut s,
            &ex,
            r#"{"id":2,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["KXA-1","KXB-2"]}}"#,
        );
        assert_eq!(
            out,
            [
                r#"{"type":"subscribed","id":2,"msg":{"channel":"orderbook_delta","sid":1}}"#,
                r#"{"type":"orderbook_snapshot","sid":1,"seq":2,"msg":{"market_ticker":"KXB-2"}}"#,
            ],
            "only the new market gets a snapshot, continuing the sid's seq"
        );
        assert_eq!(
            s.subscriptions()[&1].markets.list(),
            Some(vec!["KXA-1".to_owned(), "KXB-2".to_owned()])
        );
    }

    #[test]
    fn ticker_initial_snapshot_when_asked() {
        let (mut s, ex) = session();
        let out = run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["ticker"],"market_ticker":"KXA-1","send_initial_snapshot":true}}"#,
        );
        assert_eq!(out.len(), 2);
        assert!(out[1].starts_with(r#"{"type":"ticker","sid":1,"msg":{"market_ticker":"KXA-1""#));
        let out = run(
            &mut s,
            &ex,
            r#"{"id":2,"cmd":"subscribe","params":{"channels":["trade"],"market_ticker":"KXA-1","send_initial_snapshot":true}}"#,
        );
        assert_eq!(
            out.len(),
            1,
            "only the ticker channel has initial snapshots"
        );
    }

    #[test]
    fn subscribe_errors() {
        let (mut s, ex) = session();
        let cases = [
            (
                r#"{"id":1,"cmd":"subscribe","params":{"channels":[]}}"#,
                r#"{"type":"error","id":1,"msg":{"code":3,"msg":"Channels required"}}"#,
            ),
            (
                r#"{"id":2,"cmd":"subscribe","params":{"channels":["ticker","orderbook_delta"]}}"#,
                r#"{"type":"error","id":2,"msg":{"code":14,"msg":"Market Ticker required"}}"#,
            ),
            (
                r#"{"id":3,"cmd":"subscribe","params":{"channels":["ticker"],"market_tickers":["KXA-1","NOPE"]}}"#,
                r#"{"type":"error","id":3,"msg":{"code":16,"msg":"Market not found","market_ticker":"NOPE"}}"#,
            ),
            (
                r#"{"id":4,"cmd":"subscribe","params":{"channels":["pyth_value"]}}"#,
                r#"{"type":"error","id":4,"msg":{"code":28,"msg":"Underlying tickers required"}}"#,
            ),
            (
                r#"{"id":5,"cmd":"subscribe","params":{"channels":["ticker"],"market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1"}}"#,
                r#"{"type":"error","id":5,"msg":{"code":16,"msg":"Market not found","market_id":"9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1"}}"#,
            ),
        ];
        for (cmd, want) in cases {
            assert_eq!(run(&mut s, &ex, cmd), [want], "{cmd}");
        }
        assert!(
            s.subscriptions().is_empty(),
            "a refused subscribe opens nothing, not even its valid channels"
        );
    }

    #[test]
    fn unsubscribe_answers_per_sid() {
        let (mut s, ex) = session();
        run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta","fill"],"market_tickers":["KXA-1"]}}"#,
        );
        let out = run(
            &mut s,
            &ex,
            r#"{"id":2,"cmd":"unsubscribe","params":{"sids":[1,2,9]}}"#,
        );
        assert_eq!(
            out,
            [
                r#"{"type":"unsubscribed","id":2,"sid":1,"seq":1}"#,
                r#"{"type":"unsubscribed","id":2,"sid":2}"#,
                r#"{"type":"error","id":2,"sid":9,"msg":{"code":7,"msg":"Unknown subscription ID"}}"#,
            ]
        );
        assert!(s.subscriptions().is_empty());
        let out = run(
            &mut s,
            &ex,
            r#"{"id":3,"cmd":"unsubscribe","params":{"sids":[]}}"#,
        );
        assert_eq!(
            out,
            [r#"{"type":"error","id":3,"msg":{"code":4,"msg":"Subscription IDs required"}}"#]
        );
    }

    #[test]
    fn update_subscription_add_delete_and_snapshot() {
        let (mut s, ex) = session();
        run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["orderbook_delta"],"market_tickers":["KXA-1"]}}"#,
        );
        let add =
            Command::update_subscription(2, 1, UpdateAction::AddMarkets, vec!["KXB-2".into()]);
        let out = run(&mut s, &ex, &add.to_json());
        assert_eq!(
            out,
            [
                r#"{"type":"ok","id":2,"sid":1,"seq":1,"msg":{"market_tickers":["KXA-1","KXB-2"]}}"#,
                r#"{"type":"orderbook_snapshot","sid":1,"seq":2,"msg":{"market_ticker":"KXB-2"}}"#,
            ]
        );
        let snap =
            Command::update_subscription(3, 1, UpdateAction::GetSnapshot, vec!["KXA-1".into()]);
        let out = run(&mut s, &ex, &snap.to_json());
        assert_eq!(out.len(), 2);
        assert_eq!(
            out[0],
            r#"{"type":"ok","id":3,"sid":1,"seq":2,"msg":{"market_tickers":["KXA-1","KXB-2"]}}"#
        );
        assert!(out[1].starts_with(
            r#"{"type":"orderbook_snapshot","sid":1,"seq":3,"msg":{"market_ticker":"KXA-1""#
        ));
        let del =
            Command::update_subscription(4, 1, UpdateAction::DeleteMarkets, vec!["KXA-1".into()]);
        let out = run(&mut s, &ex, &del.to_json());
        assert_eq!(
            out,
            [r#"{"type":"ok","id":4,"sid":1,"seq":3,"msg":{"market_tickers":["KXB-2"]}}"#]
        );
        let out = run(&mut s, &ex, &snap.to_json());
        assert_eq!(
            out,
            [
                r#"{"type":"error","id":3,"sid":1,"msg":{"code":11,"msg":"Invalid parameter","market_ticker":"KXA-1"}}"#
            ],
            "a snapshot of a market the subscription does not carry is refused"
        );
    }

    #[test]
    fn update_subscription_errors() {
        let (mut s, ex) = session();
        run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["ticker","market_lifecycle_v2"]}}"#,
        );
        let cases = [
            (
                r#"{"id":2,"cmd":"update_subscription","params":{"sids":[1,2],"market_tickers":["KXA-1"],"action":"add_markets"}}"#,
                r#"{"type":"error","id":2,"msg":{"code":12,"msg":"Exactly one subscription ID is required"}}"#,
            ),
            (
                r#"{"id":3,"cmd":"update_subscription","params":{"sid":7,"market_tickers":["KXA-1"],"action":"add_markets"}}"#,
                r#"{"type":"error","id":3,"sid":7,"msg":{"code":7,"msg":"Unknown subscription ID"}}"#,
            ),
            (
                r#"{"id":4,"cmd":"update_subscription","params":{"sids":[1],"market_tickers":["KXA-1"],"action":"get_snapshot"}}"#,
                r#"{"type":"error","id":4,"sid":1,"msg":{"code":13,"msg":"Unsupported action"}}"#,
            ),
            (
                r#"{"id":5,"cmd":"update_subscription","params":{"sids":[2],"market_tickers":["KXA-1"],"action":"add_markets"}}"#,
                r#"{"type":"error","id":5,"sid":2,"msg":{"code":13,"msg":"Unsupported action"}}"#,
            ),
            (
                r#"{"id":6,"cmd":"update_subscription","params":{"sids":[1],"action":"add_markets"}}"#,
                r#"{"type":"error","id":6,"sid":1,"msg":{"code":14,"msg":"Market Ticker required"}}"#,
            ),
            (
                r#"{"id":7,"cmd":"update_subscription","params":{"sids":[1],"market_tickers":["NOPE"],"action":"add_markets"}}"#,
                r#"{"type":"error","id":7,"msg":{"code":16,"msg":"Market not found","market_ticker":"NOPE"}}"#,
            ),
            (
                r#"{"id":8,"cmd":"update_subscription","params":{"sids":[1],"market_tickers":["KXA-1"],"action":"delete_markets"}}"#,
                r#"{"type":"error","id":8,"sid":1,"msg":{"code":11,"msg":"Invalid parameter"}}"#,
            ),
        ];
        for (cmd, want) in cases {
            assert_eq!(run(&mut s, &ex, cmd), [want], "{cmd}");
        }
    }

    #[test]
    fn list_subscriptions_is_an_ok_with_an_array() {
        let (mut s, ex) = session();
        assert_eq!(
            run(&mut s, &ex, r#"{"id":1,"cmd":"list_subscriptions"}"#),
            [r#"{"type":"ok","id":1,"msg":[]}"#]
        );
        run(
            &mut s,
            &ex,
            r#"{"id":2,"cmd":"subscribe","params":{"channels":["orderbook_delta","fill"],"market_tickers":["KXA-1"]}}"#,
        );
        assert_eq!(
            run(&mut s, &ex, r#"{"cmd":"list_subscriptions"}"#),
            [
                r#"{"type":"ok","msg":[{"channel":"orderbook_delta","sid":1},{"channel":"fill","sid":2}]}"#
            ],
            "no id in, no id out"
        );
    }

    #[test]
    fn skip_ticker_ack_leaves_the_list_out() {
        let (mut s, ex) = session();
        run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["fill"],"market_tickers":["KXA-1"],"skip_ticker_ack":true}}"#,
        );
        let add =
            Command::update_subscription(2, 1, UpdateAction::AddMarkets, vec!["KXB-2".into()]);
        assert_eq!(
            run(&mut s, &ex, &add.to_json()),
            [r#"{"type":"ok","id":2,"sid":1,"msg":{}}"#]
        );
    }

    #[test]
    fn overflow_kills_every_subscription_with_error_25() {
        let (mut s, ex) = session();
        run(
            &mut s,
            &ex,
            r#"{"id":1,"cmd":"subscribe","params":{"channels":["ticker","trade"]}}"#,
        );
        let mut out = Vec::new();
        s.overflow(&mut out);
        assert_eq!(
            json_of(&out),
            [
                r#"{"type":"error","sid":1,"msg":{"code":25,"msg":"Subscription buffer overflow"}}"#,
                r#"{"type":"error","sid":2,"msg":{"code":25,"msg":"Subscription buffer overflow"}}"#,
            ]
        );
        assert!(s.subscriptions().is_empty());
    }
}
