//! The static listing (series, events, which markets belong to which event), indexed
//! once at start so series and event routes need neither the engine lock nor a scan.

use std::collections::HashMap;

use crate::ids::MarketId;
use crate::universe::{EventSpec, SeriesSpec, Universe};

/// Series and events by ticker, with each event's markets.
#[derive(Debug, Clone)]
pub struct Catalog {
    series: Vec<SeriesSpec>,
    events: Vec<EventSpec>,
    series_index: HashMap<String, usize>,
    event_index: HashMap<String, usize>,
    event_markets: Vec<Vec<MarketId>>,
    market_event: Vec<usize>,
}

impl Catalog {
    /// Indexes a universe. Markets are numbered in universe order, as the engine does.
    pub fn new(universe: &Universe) -> Self {
        let market_ids: HashMap<&str, MarketId> = universe
            .markets()
            .iter()
            .enumerate()
            .map(|(i, m)| {
                (
                    m.ticker.as_str(),
                    MarketId(u32::try_from(i).unwrap_or(u32::MAX)),
                )
            })
            .collect();
        let event_index: HashMap<String, usize> = universe
            .events()
            .iter()
            .enumerate()
            .map(|(i, e)| (e.event_ticker.clone(), i))
            .collect();
        let event_markets: Vec<Vec<MarketId>> = universe
            .events()
            .iter()
            .map(|e| {
                e.markets
                    .iter()
                    .filter_map(|t| market_ids.get(t.as_str()).copied())
                    .collect()
            })
            .collect();
        let market_event = universe
            .markets()
            .iter()
            .map(|m| event_index.get(&m.event_ticker).copied().unwrap_or(0))
            .collect();
        Self {
            series_index: universe
                .series()
                .iter()
                .enumerate()
                .map(|(i, s)| (s.ticker.clone(), i))
                .collect(),
            series: universe.series().to_vec(),
            events: universe.events().to_vec(),
            event_index,
            event_markets,
            market_event,
        }
    }

    /// The same listing with the roll-in's new series (those not listed yet) and events
    /// appended; `market_id` finds the engine id of each new market (already listed in
    /// the engine).
    pub fn extended(
        &self,
        series: Vec<SeriesSpec>,
        events: Vec<EventSpec>,
        market_id: impl Fn(&str) -> Option<MarketId>,
    ) -> Self {
        let mut next = self.clone();
        for s in series {
            if !next.series_index.contains_key(&s.ticker) {
                next.series_index
                    .insert(s.ticker.clone(), next.series.len());
                next.series.push(s);
            }
        }
        for e in events {
            let position = next.events.len();
            let ids: Vec<MarketId> = e.markets.iter().filter_map(|t| market_id(t)).collect();
            for id in &ids {
                if next.market_event.len() <= id.index() {
                    next.market_event.resize(id.index() + 1, 0);
                }
                next.market_event[id.index()] = position;
            }
            next.event_index.insert(e.event_ticker.clone(), position);
            next.event_markets.push(ids);
            next.events.push(e);
        }
        next
    }

    /// Every series, in listing order.
    pub fn series(&self) -> &[SeriesSpec] {
        &self.series
    }

    /// A series by ticker.
    pub fn series_by_ticker(&self, ticker: &str) -> Option<&SeriesSpec> {
        self.series_index.get(ticker).map(|i| &self.series[*i])
    }

    /// Every event, in listing order.
    pub fn events(&self) -> &[EventSpec] {
        &self.events
    }

    /// An event's position in [`Self::events`].
    pub fn event_position(&self, event_ticker: &str) -> Option<usize> {
        self.event_index.get(event_ticker).copied()
    }

    /// The markets of the event at `position`.
    pub fn event_markets(&self, position: usize) -> &[MarketId] {
        self.event_markets.get(position).map_or(&[], Vec::as_slice)
    }

    /// The event a market belongs to.
    pub fn event_of(&self, market: MarketId) -> Option<&EventSpec> {
        self.market_event
            .get(market.index())
            .and_then(|i| self.events.get(*i))
    }
}
