//! The seeded, deterministic universe of series → events → markets the simulator lists.
//!
//! Everything is derived from the seed and a start time passed in (never the clock), so the
//! same seed, size and start give an identical universe on every machine: the generator is
//! ChaCha8 (stable across `rand_chacha` releases, unlike `StdRng`) and all arithmetic is
//! integer. Tickers, titles, categories, rules, tick structures, schedules and fair values
//! follow Kalshi's real series (`KXHIGHNY-26NOV27-T60`, `KXHIGHNY-26NOV27-B53.5`,
//! `KXBTCD-26NOV2717-T114999.99`, …).

mod dates;
mod templates;

use std::collections::{HashMap, HashSet};
use std::fmt;

use kalshi::model::Price;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::accounts::FeeType;
use crate::error::SimError;
use crate::grid::{PriceGrid, PriceLevelStructure};
use dates::{DAY_MS, HOUR_MS, MINUTE_MS};
use templates::{Frequency, Shape, TEMPLATES, Template};

/// Markets generated when nothing else is asked for.
pub const DEFAULT_MARKETS: usize = 300;
/// The most markets a universe may have.
pub const MAX_MARKETS: usize = 20_000;

/// Latest accepted start time (the end of year 9999, in ms), so schedule arithmetic and
/// calendar formatting stay in range.
const MAX_START_MS: i64 = 253_402_300_799_000 - 400 * 24 * 3_600_000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniverseConfig {
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of markets (1 ..= [`MAX_MARKETS`]).
    pub markets: usize,
    /// Engine ms the schedules are relative to (the simulator's start).
    pub start_ms: i64,
    /// Every market opens at the start instead of on its schedule (close times are kept),
    /// so a large universe is listed and trading at once: for a list of 10,000 markets
    /// in a benchmark or a demo. Off, about a tenth of a large universe is open at a time.
    pub open_all: bool,
}

impl UniverseConfig {
    /// A config with [`DEFAULT_MARKETS`] markets.
    pub fn new(seed: u64, start_ms: i64) -> Self {
        Self {
            seed,
            markets: DEFAULT_MARKETS,
            start_ms,
            open_all: false,
        }
    }
}

/// A strike value, exact to a thousandth (`53.5`, `114999.99`, `1.085`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Strike(i64);

impl Strike {
    /// From thousandths.
    pub fn from_thousandths(v: i64) -> Self {
        Self(v)
    }

    /// In thousandths.
    pub fn thousandths(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Strike {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (int, mut frac) = (abs / 1_000, abs % 1_000);
        if frac == 0 {
            return write!(f, "{sign}{int}");
        }
        let mut width = 3;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        write!(f, "{sign}{int}.{frac:0width$}")
    }
}

/// How a market's strike decides it (`strike_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum StrikeType {
    /// YES if the value is above `floor_strike`.
    Greater,
    /// YES if the value is below `cap_strike`.
    Less,
    /// YES if the value is between `floor_strike` and `cap_strike`.
    Between,
    /// YES on a named outcome.
    Custom,
}

impl StrikeType {
    /// The wire string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Greater => "greater",
            Self::Less => "less",
            Self::Between => "between",
            Self::Custom => "custom",
        }
    }
}

/// Where a series' results come from (`settlement_sources`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SettlementSource {
    /// Source name.
    pub name: String,
    /// Source URL.
    pub url: String,
}

/// A series (`Series`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SeriesSpec {
    /// `KXHIGHNY`.
    pub ticker: String,
    /// Title.
    pub title: String,
    /// Category (`Climate and Weather`, `Economics`, `Crypto`, …).
    pub category: String,
    /// Cadence (`daily`, `hourly`, …).
    pub frequency: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Result sources.
    pub settlement_sources: Vec<SettlementSource>,
    /// Contract terms page.
    pub contract_url: String,
    /// Fee type.
    pub fee_type: FeeType,
}

/// An event (`EventData`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EventSpec {
    /// `KXHIGHNY-26NOV27`.
    pub event_ticker: String,
    /// Its series.
    pub series_ticker: String,
    /// Title.
    pub title: String,
    /// Subtitle (`sub_title`).
    pub sub_title: String,
    /// Category of its series.
    pub category: String,
    /// Whether exactly one of its markets resolves YES.
    pub mutually_exclusive: bool,
    /// The date the event is about (engine ms).
    pub strike_date_ms: i64,
    /// Tickers of its markets.
    pub markets: Vec<String>,
}

/// A market's static definition; the engine owns its live state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MarketSpec {
    /// `KXHIGHNY-26NOV27-T60`.
    pub ticker: String,
    /// Its event.
    pub event_ticker: String,
    /// Its series.
    pub series_ticker: String,
    /// Category of its series.
    pub category: String,
    /// Title (deprecated on the wire but still shown).
    pub title: String,
    /// Subtitle.
    pub subtitle: String,
    /// Short label of the YES side.
    pub yes_sub_title: String,
    /// Short label of the NO side.
    pub no_sub_title: String,
    /// Creation time (engine ms).
    pub created_ms: i64,
    /// Trading opens (engine ms).
    pub open_ms: i64,
    /// Trading closes (engine ms).
    pub close_ms: i64,
    /// When the result is expected (engine ms).
    pub expected_expiration_ms: i64,
    /// Latest possible expiration (engine ms).
    pub latest_expiration_ms: i64,
    /// Delay between determination and settlement.
    pub settlement_timer_seconds: i64,
    /// Strike type.
    pub strike_type: StrikeType,
    /// Lower strike.
    pub floor_strike: Option<Strike>,
    /// Upper strike.
    pub cap_strike: Option<Strike>,
    /// Main rules.
    pub rules_primary: String,
    /// Additional rules.
    pub rules_secondary: String,
    /// Tick grid.
    pub grid: PriceGrid,
    /// Fee type of its series.
    pub fee_type: FeeType,
    /// The probability the simulator's bots start quoting around (on the grid).
    pub fair_value: Price,
    /// Whether the market may close before its close time.
    pub can_close_early: bool,
}

/// Events listed by [`Universe::roll_in`]: their markets, and the series they belong to
/// (which may already be listed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// The series of the new events.
    pub series: Vec<SeriesSpec>,
    /// The new events.
    pub events: Vec<EventSpec>,
    /// Their markets, in listing order.
    pub markets: Vec<MarketSpec>,
}

/// The generated universe.
#[derive(Debug, Clone)]
pub struct Universe {
    seed: u64,
    start_ms: i64,
    series: Vec<SeriesSpec>,
    events: Vec<EventSpec>,
    markets: Vec<MarketSpec>,
    by_ticker: HashMap<String, usize>,
}

const RULES_SECONDARY: &str = "The market closes at its close time or earlier if the outcome is known. \
Prices and quantities are in dollars and contracts; this is a simulated market for testing and paper trading.";

impl Universe {
    /// Generates the universe described by `config`.
    ///
    /// # Errors
    /// [`SimError::InvalidParameters`] when `markets` is 0 or above [`MAX_MARKETS`].
    pub fn generate(config: &UniverseConfig) -> Result<Self, SimError> {
        if config.markets == 0 || config.markets > MAX_MARKETS {
            return Err(SimError::InvalidParameters(format!(
                "markets must be between 1 and {MAX_MARKETS}, got {}",
                config.markets
            )));
        }
        check_start(config.start_ms)?;
        let mut g = Generator {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            start_ms: config.start_ms,
            listing_ms: None,
            open_all: config.open_all,
            events: Vec::new(),
            markets: Vec::new(),
            event_tickers: HashSet::new(),
            used: vec![false; TEMPLATES.len()],
        };
        g.fill(config.markets);
        let series = TEMPLATES
            .iter()
            .zip(&g.used)
            .filter(|(_, used)| **used)
            .map(|(t, _)| series_spec(t))
            .collect();
        let by_ticker = g
            .markets
            .iter()
            .enumerate()
            .map(|(i, m)| (m.ticker.clone(), i))
            .collect();
        Ok(Self {
            seed: config.seed,
            start_ms: config.start_ms,
            series,
            events: g.events,
            markets: g.markets,
            by_ticker,
        })
    }

    /// A hand-made universe (for tests and custom setups): the given series, events and
    /// markets as they are.
    ///
    /// # Errors
    /// [`SimError::InvalidParameters`] for no markets, too many, or a repeated ticker.
    pub fn from_parts(
        seed: u64,
        start_ms: i64,
        series: Vec<SeriesSpec>,
        events: Vec<EventSpec>,
        markets: Vec<MarketSpec>,
    ) -> Result<Self, SimError> {
        if markets.is_empty() || markets.len() > MAX_MARKETS {
            return Err(SimError::InvalidParameters(format!(
                "markets must be between 1 and {MAX_MARKETS}, got {}",
                markets.len()
            )));
        }
        Self::from_saved(seed, start_ms, series, events, markets)
    }

    /// A saved exchange's universe: as [`Self::from_parts`], but without the size bound,
    /// since the roll-in keeps listing events (the bound is on the markets generated at
    /// once, not on an exchange's history).
    ///
    /// # Errors
    /// [`SimError::InvalidParameters`] for no markets or a repeated ticker.
    pub(crate) fn from_saved(
        seed: u64,
        start_ms: i64,
        series: Vec<SeriesSpec>,
        events: Vec<EventSpec>,
        markets: Vec<MarketSpec>,
    ) -> Result<Self, SimError> {
        if markets.is_empty() {
            return Err(SimError::InvalidParameters(
                "a saved exchange lists no market".to_owned(),
            ));
        }
        check_start(start_ms)?;
        let mut by_ticker = HashMap::with_capacity(markets.len());
        for (i, m) in markets.iter().enumerate() {
            if by_ticker.insert(m.ticker.clone(), i).is_some() {
                return Err(SimError::InvalidParameters(format!(
                    "duplicate market ticker {}",
                    m.ticker
                )));
            }
        }
        Ok(Self {
            seed,
            start_ms,
            series,
            events,
            markets,
            by_ticker,
        })
    }

    /// New events the exchange lists while it runs, the way Kalshi lists the next day's
    /// (or hour's, month's) events of its series: `markets` new markets from the same
    /// templates, dated after `now_ms`, trading from `now_ms` (their creation time). Event
    /// tickers in `listed` are never issued again, and market tickers extend their event's,
    /// so no ticker is ever reused. Deterministic in `seed`, `now_ms` and `listed`.
    ///
    /// # Errors
    /// [`SimError::InvalidParameters`] for a count above [`MAX_MARKETS`] or an
    /// out-of-range time.
    pub fn roll_in(
        seed: u64,
        now_ms: i64,
        markets: usize,
        listed: &HashSet<String>,
    ) -> Result<Listing, SimError> {
        if markets > MAX_MARKETS {
            return Err(SimError::InvalidParameters(format!(
                "at most {MAX_MARKETS} markets roll in at once, asked for {markets}"
            )));
        }
        check_start(now_ms)?;
        // Each roll-in draws from its own stream, named by how much was listed before.
        let generation = u64::try_from(listed.len()).unwrap_or(u64::MAX);
        let mut g = Generator {
            rng: ChaCha8Rng::seed_from_u64(
                seed ^ generation
                    .wrapping_add(1)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15),
            ),
            start_ms: now_ms,
            listing_ms: Some(now_ms),
            open_all: false,
            events: Vec::new(),
            markets: Vec::new(),
            event_tickers: listed.clone(),
            used: vec![false; TEMPLATES.len()],
        };
        g.fill(markets);
        let series = TEMPLATES
            .iter()
            .zip(&g.used)
            .filter(|(_, used)| **used)
            .map(|(t, _)| series_spec(t))
            .collect();
        Ok(Listing {
            series,
            events: g.events,
            markets: g.markets,
        })
    }

    /// The seed it was generated from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The start time its schedules are relative to.
    pub fn start_ms(&self) -> i64 {
        self.start_ms
    }

    /// Series that have at least one event, in a fixed order.
    pub fn series(&self) -> &[SeriesSpec] {
        &self.series
    }

    /// Events in generation order.
    pub fn events(&self) -> &[EventSpec] {
        &self.events
    }

    /// Markets in generation order (the engine's [`crate::ids::MarketId`] order).
    pub fn markets(&self) -> &[MarketSpec] {
        &self.markets
    }

    /// A market by ticker.
    pub fn market(&self, ticker: &str) -> Option<&MarketSpec> {
        self.by_ticker
            .get(ticker)
            .and_then(|i| self.markets.get(*i))
    }
}

fn check_start(start_ms: i64) -> Result<(), SimError> {
    if (0..=MAX_START_MS).contains(&start_ms) {
        Ok(())
    } else {
        Err(SimError::InvalidParameters(format!(
            "start time must be between 1970 and 9998, got {start_ms} ms"
        )))
    }
}

fn series_spec(t: &Template) -> SeriesSpec {
    SeriesSpec {
        ticker: t.ticker.to_owned(),
        title: t.title.to_owned(),
        category: t.category.to_owned(),
        frequency: t.frequency.as_str().to_owned(),
        tags: t.tags.iter().map(|s| (*s).to_owned()).collect(),
        settlement_sources: vec![SettlementSource {
            name: t.source.0.to_owned(),
            url: t.source.1.to_owned(),
        }],
        contract_url: format!(
            "https://kalshi-public-docs.s3.amazonaws.com/regulatory/product-certifications/{}.pdf",
            t.ticker
        ),
        fee_type: t.fee_type,
    }
}

/// One market of an event before it becomes a [`MarketSpec`].
struct Draft {
    suffix: String,
    cond: String,
    yes_sub_title: String,
    strike_type: StrikeType,
    floor: Option<Strike>,
    cap: Option<Strike>,
    /// Fair value in price units before snapping to the grid.
    fair: i64,
}

struct Schedule {
    code: String,
    label: String,
    open_ms: i64,
    close_ms: i64,
    expected_ms: i64,
    latest_ms: i64,
    timer_s: i64,
}

/// A team's ticker code and name.
type Team = (&'static str, &'static str);

struct Generator {
    rng: ChaCha8Rng,
    start_ms: i64,
    /// Set for a roll-in: the listing time, which is the markets' creation and open time.
    listing_ms: Option<i64>,
    /// Open every market at the start (see [`UniverseConfig::open_all`]).
    open_all: bool,
    events: Vec<EventSpec>,
    markets: Vec<MarketSpec>,
    event_tickers: HashSet<String>,
    used: Vec<bool>,
}

fn ceil_to(ms: i64, step: i64) -> i64 {
    ms + (step - ms.rem_euclid(step)) % step
}

impl Generator {
    /// Generates events of randomly picked templates (by weight), later slots first come
    /// first served, until `target` markets exist.
    fn fill(&mut self, target: usize) {
        let total_weight: u32 = TEMPLATES.iter().map(|t| t.weight).sum();
        let mut slots = vec![0i64; TEMPLATES.len()];
        // Enough picks to step every template past the slots already listed (a roll-in
        // skips those), and a bound so a tiny universe cannot spin.
        let picks = target.saturating_mul(50).saturating_add(2_000);
        let mut guard = 0;
        while self.markets.len() < target && guard < picks {
            guard += 1;
            let mut pick = self.rng.gen_range(0..total_weight);
            let mut index = 0;
            for (i, t) in TEMPLATES.iter().enumerate() {
                if pick < t.weight {
                    index = i;
                    break;
                }
                pick -= t.weight;
            }
            let slot = slots[index];
            slots[index] += 1;
            self.event(index, slot, target - self.markets.len());
        }
    }

    fn schedule(&mut self, t: &Template, slot: i64) -> Schedule {
        let start = self.start_ms;
        let daily_close = |days: i64| {
            let mut first = dates::start_of_day(start) + t.close_minute * MINUTE_MS;
            if first <= start + 30 * MINUTE_MS {
                first += DAY_MS;
            }
            first + days * DAY_MS
        };
        let timers = [60, 300, 600, 1_800];
        let timer_s = timers[self.rng.gen_range(0..timers.len())];
        match t.frequency {
            Frequency::Minutes15 => {
                let close = ceil_to(start + MINUTE_MS, 15 * MINUTE_MS) + slot * 15 * MINUTE_MS;
                Schedule {
                    code: dates::hour_code(close, true),
                    label: dates::human_time(close),
                    open_ms: close - 45 * MINUTE_MS,
                    close_ms: close,
                    expected_ms: close + 2 * MINUTE_MS,
                    latest_ms: close + DAY_MS,
                    timer_s: 60,
                }
            }
            Frequency::Hourly => {
                let close = ceil_to(start + MINUTE_MS, HOUR_MS) + slot * HOUR_MS;
                Schedule {
                    code: dates::hour_code(close, false),
                    label: dates::human_time(close),
                    open_ms: close - DAY_MS,
                    close_ms: close,
                    expected_ms: close + 5 * MINUTE_MS,
                    latest_ms: close + DAY_MS,
                    timer_s: 60,
                }
            }
            Frequency::Daily => {
                let close = daily_close(slot);
                Schedule {
                    code: dates::day_code(close - 6 * HOUR_MS),
                    label: dates::human_day(close - 6 * HOUR_MS),
                    open_ms: close - 7 * DAY_MS,
                    close_ms: close,
                    expected_ms: close + 6 * HOUR_MS,
                    latest_ms: close + 14 * DAY_MS,
                    timer_s,
                }
            }
            Frequency::Weekly => {
                let close = daily_close(slot * 7 + 2);
                Schedule {
                    code: dates::day_code(close),
                    label: dates::human_day(close),
                    open_ms: close - 21 * DAY_MS,
                    close_ms: close,
                    expected_ms: close + 12 * HOUR_MS,
                    latest_ms: close + 14 * DAY_MS,
                    timer_s,
                }
            }
            Frequency::Monthly => {
                let months = u32::try_from(slot + 1).unwrap_or(1);
                let close = dates::first_of_month(start, months) + t.close_minute * MINUTE_MS;
                // The event is about the month that just ended when it closes.
                let about = dates::first_of_month(start, months - 1);
                Schedule {
                    code: dates::month_code_of(about),
                    label: dates::human_month(about),
                    open_ms: close - 62 * DAY_MS,
                    close_ms: close,
                    expected_ms: close + 2 * DAY_MS,
                    latest_ms: close + 30 * DAY_MS,
                    timer_s,
                }
            }
        }
    }

    fn grid(&mut self) -> PriceGrid {
        let roll = self.rng.gen_range(0..100);
        let structure = if roll < 80 {
            PriceLevelStructure::LinearCent
        } else if roll < 88 {
            PriceLevelStructure::DeciCent
        } else {
            PriceLevelStructure::TaperedDeciCent
        };
        PriceGrid::new(structure)
    }

    /// Generates one event of template `index` at `slot` with at most `room` markets.
    fn event(&mut self, index: usize, slot: i64, room: usize) {
        let t = &TEMPLATES[index];
        let sched = self.schedule(t, slot);
        let (event_ticker, date_text, drafts, exclusive) = match t.shape {
            Shape::Game { teams, tie } => {
                let Some((away, home)) = self.two_teams(teams) else {
                    return;
                };
                let ticker = format!("{}-{}{}{}", t.ticker, sched.code, away.0, home.0);
                let text = format!("{} at {} on {}", away.1, home.1, sched.label);
                (ticker, text, self.game(away, home, tie), true)
            }
            _ => {
                let ticker = format!("{}-{}", t.ticker, sched.code);
                let drafts = self.drafts(t.shape);
                let exclusive = matches!(
                    t.shape,
                    Shape::Range { .. }
                        | Shape::Outcomes {
                            exclusive: true,
                            ..
                        }
                );
                (ticker, sched.label.clone(), drafts, exclusive)
            }
        };
        if drafts.is_empty() || !self.event_tickers.insert(event_ticker.clone()) {
            return;
        }
        self.used[index] = true;
        let grid = self.grid();
        let (created_ms, open_ms) = match self.listing_ms {
            Some(listed) => (listed, listed),
            None if self.open_all => {
                let open = sched.open_ms.min(self.start_ms);
                (open - DAY_MS, open)
            }
            None => (sched.open_ms.min(self.start_ms) - DAY_MS, sched.open_ms),
        };
        let mut tickers = Vec::new();
        for d in drafts.into_iter().take(room.max(1)) {
            let ticker = format!("{event_ticker}-{}", d.suffix);
            let fair = grid.snap_down(Price::from_units(d.fair.clamp(100, 9_900)));
            let fill = |text: &str| {
                text.replace("{date}", &date_text)
                    .replace("{cond}", &d.cond)
            };
            tickers.push(ticker.clone());
            self.markets.push(MarketSpec {
                ticker,
                event_ticker: event_ticker.clone(),
                series_ticker: t.ticker.to_owned(),
                category: t.category.to_owned(),
                title: fill(t.market_title),
                subtitle: String::new(),
                no_sub_title: d.yes_sub_title.clone(),
                yes_sub_title: d.yes_sub_title,
                created_ms,
                open_ms,
                close_ms: sched.close_ms,
                expected_expiration_ms: sched.expected_ms,
                latest_expiration_ms: sched.latest_ms,
                settlement_timer_seconds: sched.timer_s,
                strike_type: d.strike_type,
                floor_strike: d.floor,
                cap_strike: d.cap,
                rules_primary: fill(t.rules),
                rules_secondary: RULES_SECONDARY.to_owned(),
                grid: grid.clone(),
                fee_type: t.fee_type,
                fair_value: fair,
                can_close_early: matches!(t.shape, Shape::Game { .. } | Shape::Outcomes { .. }),
            });
        }
        self.events.push(EventSpec {
            event_ticker,
            series_ticker: t.ticker.to_owned(),
            title: t.event_title.replace("{date}", &date_text),
            sub_title: format!("On {}", sched.label),
            category: t.category.to_owned(),
            mutually_exclusive: exclusive,
            strike_date_ms: sched.close_ms,
            markets: tickers,
        });
    }

    fn two_teams(&mut self, teams: &'static [Team]) -> Option<(Team, Team)> {
        if teams.len() < 2 {
            return None;
        }
        let a = self.rng.gen_range(0..teams.len());
        let mut b = self.rng.gen_range(0..teams.len() - 1);
        if b >= a {
            b += 1;
        }
        Some((teams[a], teams[b]))
    }

    fn game(&mut self, away: Team, home: Team, tie: bool) -> Vec<Draft> {
        let home_p = self.rng.gen_range(3_000..=7_000);
        let tie_p = if tie {
            self.rng.gen_range(2_000..=3_000)
        } else {
            0
        };
        let rest = 10_000 - tie_p;
        let team = |code: &str, name: &str, fair: i64| Draft {
            suffix: code.to_owned(),
            cond: name.to_owned(),
            yes_sub_title: name.to_owned(),
            strike_type: StrikeType::Custom,
            floor: None,
            cap: None,
            fair,
        };
        let mut out = vec![
            team(away.0, away.1, (10_000 - home_p) * rest / 10_000),
            team(home.0, home.1, home_p * rest / 10_000),
        ];
        if tie {
            out.push(team("TIE", "Tie", tie_p));
        }
        out
    }

    fn drafts(&mut self, shape: Shape) -> Vec<Draft> {
        match shape {
            Shape::Above {
                center,
                step,
                markets,
                offset,
                unit,
                prefix,
            } => {
                let n = self.rng.gen_range(markets.0..=markets.1);
                let c = self.rng.gen_range(center.0..=center.1) / step * step;
                let mut first = c - (n as i64 / 2) * step;
                if first + offset <= 0 {
                    first = step;
                }
                let mut prev = 10_000;
                (0..n)
                    .map(|i| {
                        let strike = Strike(first + i as i64 * step + offset);
                        let ramp = 9_500 - (i as i64) * 9_000 / (n as i64 - 1).max(1);
                        let noise = self.rng.gen_range(-300..=300);
                        let fair = (ramp + noise).clamp(200, 9_800).min(prev - 100).max(100);
                        prev = fair;
                        Draft {
                            suffix: format!("T{strike}"),
                            cond: format!("above {prefix}{strike}{unit}"),
                            yes_sub_title: format!("{prefix}{strike}{unit} or above"),
                            strike_type: StrikeType::Greater,
                            floor: Some(strike),
                            cap: None,
                            fair,
                        }
                    })
                    .collect()
            }
            Shape::Range {
                center,
                width,
                buckets,
                unit,
                prefix,
            } => {
                let b = self.rng.gen_range(buckets.0..=buckets.1) as i64;
                let c = self.rng.gen_range(center.0..=center.1) / width * width;
                let lo = c - b / 2 * width;
                let hi = lo + b * width;
                let weights: Vec<i64> = (0..b).map(|j| b - (2 * j - (b - 1)).abs() + 1).collect();
                let total: i64 = weights.iter().sum::<i64>() + 2;
                let (lo_s, hi_s) = (Strike(lo), Strike(hi));
                let mut out = vec![Draft {
                    suffix: format!("T{lo_s}"),
                    cond: format!("below {prefix}{lo_s}{unit}"),
                    yes_sub_title: format!("{prefix}{lo_s}{unit} or below"),
                    strike_type: StrikeType::Less,
                    floor: None,
                    cap: Some(lo_s),
                    fair: 10_000 / total,
                }];
                for (j, w) in weights.iter().enumerate() {
                    let floor = Strike(lo + j as i64 * width);
                    let cap = Strike(lo + (j as i64 + 1) * width);
                    let mid = Strike(lo + j as i64 * width + width / 2);
                    out.push(Draft {
                        suffix: format!("B{mid}"),
                        cond: format!("between {prefix}{floor}{unit} and {prefix}{cap}{unit}"),
                        yes_sub_title: format!("{prefix}{floor}{unit} to {prefix}{cap}{unit}"),
                        strike_type: StrikeType::Between,
                        floor: Some(floor),
                        cap: Some(cap),
                        fair: w * 10_000 / total,
                    });
                }
                out.push(Draft {
                    suffix: format!("T{hi_s}"),
                    cond: format!("above {prefix}{hi_s}{unit}"),
                    yes_sub_title: format!("{prefix}{hi_s}{unit} or above"),
                    strike_type: StrikeType::Greater,
                    floor: Some(hi_s),
                    cap: None,
                    fair: 10_000 / total,
                });
                out
            }
            Shape::Outcomes {
                options,
                pick,
                exclusive,
            } => {
                let mut order: Vec<usize> = (0..options.len()).collect();
                order.shuffle(&mut self.rng);
                let k = self.rng.gen_range(pick.0..=pick.1).min(options.len());
                let chosen: Vec<(&str, &str)> = order[..k].iter().map(|i| options[*i]).collect();
                let weights: Vec<i64> = chosen
                    .iter()
                    .map(|_| {
                        if exclusive {
                            self.rng.gen_range(1..=10)
                        } else {
                            self.rng.gen_range(500..=9_500)
                        }
                    })
                    .collect();
                let total: i64 = weights.iter().sum();
                chosen
                    .into_iter()
                    .zip(weights)
                    .map(|((code, name), w)| Draft {
                        suffix: code.to_owned(),
                        cond: name.to_owned(),
                        yes_sub_title: name.to_owned(),
                        strike_type: StrikeType::Custom,
                        floor: None,
                        cap: None,
                        fair: if exclusive { w * 10_000 / total } else { w },
                    })
                    .collect()
            }
            Shape::Binary => vec![Draft {
                suffix: "UP".to_owned(),
                cond: "up".to_owned(),
                yes_sub_title: "Up".to_owned(),
                strike_type: StrikeType::Custom,
                floor: None,
                cap: None,
                fair: self.rng.gen_range(4_000..=6_000),
            }],
            Shape::Game { .. } => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-27T12:00:00Z.
    const START: i64 = 1_795_780_800_000;

    fn universe(seed: u64, markets: usize) -> Universe {
        Universe::generate(&UniverseConfig {
            seed,
            markets,
            start_ms: START,
            open_all: false,
        })
        .unwrap()
    }

    #[test]
    fn same_seed_gives_an_identical_universe() {
        let a = universe(7, 500);
        let b = universe(7, 500);
        assert_eq!(a.series(), b.series());
        assert_eq!(a.events(), b.events());
        assert_eq!(a.markets(), b.markets());
        let c = universe(8, 500);
        assert_ne!(
            a.markets(),
            c.markets(),
            "another seed gives another universe"
        );
    }

    #[test]
    fn size_is_exact_and_bounded() {
        assert_eq!(
            universe(1, DEFAULT_MARKETS).markets().len(),
            DEFAULT_MARKETS
        );
        assert_eq!(universe(1, 1).markets().len(), 1);
        for (markets, start_ms) in [
            (0, START),
            (MAX_MARKETS + 1, START),
            (10, -1),
            (10, i64::MAX),
        ] {
            let err = Universe::generate(&UniverseConfig {
                seed: 1,
                markets,
                start_ms,
                open_all: false,
            })
            .unwrap_err();
            assert_eq!(err.code(), "invalid_parameters");
        }
    }

    #[test]
    fn the_largest_universe_has_unique_well_formed_tickers() {
        let u = universe(3, MAX_MARKETS);
        assert_eq!(u.markets().len(), MAX_MARKETS);
        let mut seen = HashSet::new();
        for m in u.markets() {
            assert!(seen.insert(&m.ticker), "duplicate ticker {}", m.ticker);
            assert!(
                m.ticker.bytes().all(|b| b.is_ascii_uppercase()
                    || b.is_ascii_digit()
                    || b == b'-'
                    || b == b'.'),
                "ticker {} uses [A-Z0-9.-]",
                m.ticker
            );
            assert!(m.ticker.starts_with(&format!("{}-", m.event_ticker)));
            assert!(m.event_ticker.starts_with(&format!("{}-", m.series_ticker)));
            assert!(u.market(&m.ticker).is_some());
        }
        let structures: HashSet<_> = u.markets().iter().map(|m| m.grid.structure()).collect();
        assert_eq!(structures.len(), 3, "all three tick structures appear");
        let linear = u
            .markets()
            .iter()
            .filter(|m| m.grid.structure() == PriceLevelStructure::LinearCent)
            .count();
        assert!(
            linear * 10 > MAX_MARKETS * 6,
            "most markets are linear_cent"
        );
    }

    #[test]
    fn tickers_look_like_kalshi() {
        let u = universe(11, 2_000);
        let has = |pred: &dyn Fn(&MarketSpec) -> bool| u.markets().iter().any(pred);
        assert!(has(&|m| m.ticker.starts_with("KXHIGHNY-")
            && m.ticker.contains("-B")
            && m.ticker.ends_with(".5")));
        assert!(has(
            &|m| m.ticker.starts_with("KXHIGHNY-") && m.ticker.contains("-T")
        ));
        assert!(has(
            &|m| m.ticker.starts_with("KXBTCD-") && m.ticker.ends_with(".99")
        ));
        let categories: HashSet<_> = u.markets().iter().map(|m| m.category.as_str()).collect();
        for c in [
            "Climate and Weather",
            "Economics",
            "Crypto",
            "Politics",
            "Sports",
            "Financials",
        ] {
            assert!(categories.contains(c), "category {c} present");
        }
    }

    #[test]
    fn schedules_and_prices_are_consistent() {
        let u = universe(5, DEFAULT_MARKETS);
        let mut active = 0;
        for m in u.markets() {
            assert!(
                m.created_ms <= m.open_ms && m.open_ms < m.close_ms,
                "{}",
                m.ticker
            );
            assert!(m.close_ms > START, "{} closes after the start", m.ticker);
            assert!(m.close_ms < m.expected_expiration_ms);
            assert!(m.expected_expiration_ms <= m.latest_expiration_ms);
            assert!(
                m.grid.contains(m.fair_value),
                "{} fair {}",
                m.ticker,
                m.fair_value
            );
            assert!(
                !m.title.contains('{') && !m.rules_primary.contains('{'),
                "{}",
                m.title
            );
            if m.open_ms <= START {
                active += 1;
            }
        }
        assert!(
            active * 2 > u.markets().len(),
            "most markets trade at the start"
        );
        let market_count: usize = u.events().iter().map(|e| e.markets.len()).sum();
        assert_eq!(market_count, u.markets().len());
        for e in u.events() {
            assert!(u.series().iter().any(|s| s.ticker == e.series_ticker));
        }
    }

    #[test]
    fn open_all_opens_a_large_universe_at_the_start_on_the_same_schedule_of_closes() {
        let config = UniverseConfig {
            markets: 10_000,
            ..UniverseConfig::new(9, START)
        };
        let scheduled = Universe::generate(&config).unwrap();
        let open = Universe::generate(&UniverseConfig {
            open_all: true,
            ..config
        })
        .unwrap();
        let trading = |u: &Universe| u.markets().iter().filter(|m| m.open_ms <= START).count();
        assert!(
            trading(&scheduled) < 5_000,
            "on schedule, most of a large universe opens later ({})",
            trading(&scheduled)
        );
        assert_eq!(trading(&open), 10_000, "every market trades at the start");
        for (a, b) in scheduled.markets().iter().zip(open.markets()) {
            assert_eq!((&a.ticker, a.close_ms), (&b.ticker, b.close_ms));
            assert!(
                b.created_ms <= b.open_ms && b.open_ms < b.close_ms,
                "{}",
                b.ticker
            );
        }
    }

    #[test]
    fn strikes_print_exactly() {
        assert_eq!(Strike(60_000).to_string(), "60");
        assert_eq!(Strike(53_500).to_string(), "53.5");
        assert_eq!(Strike(114_999_990).to_string(), "114999.99");
        assert_eq!(Strike(1_085).to_string(), "1.085");
        assert_eq!(Strike(250).to_string(), "0.25");
    }
}
