//! One measured figure as `cargo xtask bench` reads it: the JSON row of SHARED_KNOBS.md
//! (the window bench writes the same shape), plus `met` for figures whose goal is not
//! "lower than a value" (ratios to peers, where higher is better).

use serde::Serialize;

/// One figure.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// `latency`, `store`, `peers`, `window`.
    pub group: &'static str,
    /// Stable id.
    pub id: String,
    /// What was measured, for the table.
    pub label: String,
    /// `ms`, `×`, `fills/s`.
    pub unit: &'static str,
    /// The median.
    pub median: f64,
    /// The 99th percentile (`NaN`, written as null, when it does not apply).
    #[serde(serialize_with = "finite_or_null")]
    pub p99: f64,
    /// How many samples.
    pub samples: usize,
    /// The goal as text.
    pub goal: String,
    /// The goal's number, when there is one.
    pub goal_value: Option<f64>,
    /// Which statistic the goal is about: `median`, `p99`.
    pub goal_stat: &'static str,
    /// The product's original target, when there is one.
    pub seed_target: Option<&'static str>,
    /// The figure against its goal or peer, as text ("0.42 of the goal", "3.1× faster").
    pub ratio: String,
    /// Whether the goal is met (`None`: no goal).
    pub met: Option<bool>,
    /// Context: the peer, the floor, the load.
    pub note: String,
}

fn finite_or_null<S: serde::Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else {
        s.serialize_none()
    }
}

impl Row {
    /// A "lower is better" figure with a goal on `goal_stat` (`median` or `p99`).
    #[allow(clippy::too_many_arguments)]
    pub fn below(
        group: &'static str,
        id: &str,
        label: &str,
        unit: &'static str,
        samples: &crate::stats::Samples,
        goal_stat: &'static str,
        goal_value: f64,
        seed_target: Option<&'static str>,
    ) -> Self {
        let (median, p99) = (samples.median(), samples.p99());
        let measured = if goal_stat == "p99" { p99 } else { median };
        let stat = if goal_stat == "p99" { " p99" } else { " p50" };
        Self {
            group,
            id: id.to_owned(),
            label: label.to_owned(),
            unit,
            median,
            p99,
            samples: samples.len(),
            goal: format!("< {} {unit}{stat}", trim(goal_value)),
            goal_value: Some(goal_value),
            goal_stat,
            seed_target,
            ratio: format!("{:.2} of the goal", measured / goal_value),
            met: Some(measured < goal_value),
            note: String::new(),
        }
    }

    /// The same figure shown without a goal of its own (a part of another figure).
    pub fn part_of(mut self, whole: &str) -> Self {
        self.goal = "—".into();
        self.goal_value = None;
        self.ratio = String::new();
        self.met = None;
        self.note = format!("part of {whole}");
        self
    }

    /// Adds context.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = note.into();
        self
    }
}

/// `50` rather than `50.0`.
pub fn trim(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}
