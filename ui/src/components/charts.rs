//! SVG charts drawn from [`crate::chart`]'s scales: a line chart with round y ticks,
//! time labels and optional markers (the person's fills), and a bar chart for daily
//! P&L. Only SVG attributes, no inline styles, so the app's CSP holds.

use yew::prelude::*;

use crate::chart::{Scale, extent, line_path, nice_ticks};

/// A point marker on a line chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// x (time, ms).
    pub x: f64,
    /// y (in the chart's units).
    pub y: f64,
    /// `buy` or `sell`, for the colour.
    pub class: &'static str,
    /// Hover text.
    pub title: String,
}

/// Properties of [`LineChart`].
#[derive(Properties, PartialEq, Debug)]
pub struct LineChartProps {
    /// (x ms, y) points, oldest first; `None` breaks the line.
    pub points: Vec<Option<(f64, f64)>>,
    /// Markers on top.
    #[prop_or_default]
    pub markers: Vec<Marker>,
    /// Formats a y value for the axis.
    pub fmt_y: Callback<f64, String>,
    /// Formats an x value for the axis.
    pub fmt_x: Callback<f64, String>,
    /// Fixed y domain, else the data's extent.
    #[prop_or_default]
    pub y_domain: Option<(f64, f64)>,
    /// Accessible description.
    pub label: AttrValue,
}

const W: f64 = 640.0;
const H: f64 = 220.0;
const PAD_L: f64 = 8.0;
const PAD_R: f64 = 52.0;
const PAD_T: f64 = 10.0;
const PAD_B: f64 = 22.0;

/// A line chart that fills its container's width.
#[function_component(LineChart)]
pub fn line_chart(p: &LineChartProps) -> Html {
    let xs = p
        .points
        .iter()
        .flatten()
        .map(|(x, _)| *x)
        .chain(p.markers.iter().map(|m| m.x));
    let Some((x0, x1)) = extent(xs) else {
        return html! { <div class="chart-empty">{ "No data for this range yet." }</div> };
    };
    let (y0, y1) = p.y_domain.unwrap_or_else(|| {
        let ys = p
            .points
            .iter()
            .flatten()
            .map(|(_, y)| *y)
            .chain(p.markers.iter().map(|m| m.y));
        let (lo, hi) = extent(ys).unwrap_or((0.0, 1.0));
        let pad = ((hi - lo) * 0.08).max(f64::EPSILON);
        (lo - pad, hi + pad)
    });
    let xs = Scale::new(x0, x1, PAD_L, W - PAD_R);
    let ys = Scale::new(y0, y1, H - PAD_B, PAD_T);
    let path = line_path(
        &p.points
            .iter()
            .map(|pt| pt.map(|(x, y)| (xs.at(x), ys.at(y))))
            .collect::<Vec<_>>(),
    );
    let yticks = nice_ticks(y0, y1, 4);
    // Four time labels across, but one for a single instant, and none that repeats its
    // neighbour (a day's range labelled by date would print the same date four times).
    let mut xticks: Vec<(u8, f64, String)> = Vec::new();
    for i in 0..4u8 {
        let t = x0 + (x1 - x0) * f64::from(i) / 3.0;
        let label = p.fmt_x.emit(t);
        if xticks.last().is_none_or(|(_, _, l)| *l != label) {
            xticks.push((i, t, label));
        }
    }
    let single = xticks.len() == 1;
    html! {
        <svg class="chart" viewBox={format!("0 0 {W} {H}")} role="img" aria-label={p.label.clone()}
            preserveAspectRatio="none">
            { for yticks.iter().map(|t| {
                let y = ys.at(*t);
                html! { <>
                    <line class="grid" x1={PAD_L.to_string()} x2={(W - PAD_R).to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                    <text class="axis" x={(W - PAD_R + 6.0).to_string()} y={format!("{:.1}", y + 4.0)}>{ p.fmt_y.emit(*t) }</text>
                </> }
            }) }
            { for xticks.into_iter().map(|(i, t, label)| {
                let anchor = match i { _ if single => "middle", 0 => "start", 3 => "end", _ => "middle" };
                html! { <text class="axis" text-anchor={anchor} x={format!("{:.1}", xs.at(t))} y={(H - 6.0).to_string()}>{ label }</text> }
            }) }
            <path class="line" d={path} />
            { for p.markers.iter().map(|m| html! {
                <circle class={classes!("marker", m.class)} cx={format!("{:.1}", xs.at(m.x))} cy={format!("{:.1}", ys.at(m.y))} r="4">
                    <title>{ &m.title }</title>
                </circle>
            }) }
        </svg>
    }
}

/// Properties of [`BarChart`].
#[derive(Properties, PartialEq, Debug)]
pub struct BarChartProps {
    /// (x ms, value) bars, oldest first.
    pub bars: Vec<(f64, f64)>,
    /// Formats a value.
    pub fmt_y: Callback<f64, String>,
    /// Formats an x value.
    pub fmt_x: Callback<f64, String>,
    /// Accessible description.
    pub label: AttrValue,
}

/// Bars up and down from zero (daily P&L).
#[function_component(BarChart)]
pub fn bar_chart(p: &BarChartProps) -> Html {
    if p.bars.is_empty() {
        return html! { <div class="chart-empty">{ "No settled markets yet." }</div> };
    }
    let (lo, hi) = extent(p.bars.iter().map(|b| b.1).chain([0.0])).unwrap_or((0.0, 1.0));
    let ys = Scale::new(lo, hi, H - PAD_B, PAD_T);
    let n = p.bars.len() as f64;
    let slot = (W - PAD_L - PAD_R) / n;
    let zero = ys.at(0.0);
    html! {
        <svg class="chart" viewBox={format!("0 0 {W} {H}")} role="img" aria-label={p.label.clone()} preserveAspectRatio="none">
            { for nice_ticks(lo, hi, 4).iter().map(|t| {
                let y = ys.at(*t);
                html! { <>
                    <line class="grid" x1={PAD_L.to_string()} x2={(W - PAD_R).to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                    <text class="axis" x={(W - PAD_R + 6.0).to_string()} y={format!("{:.1}", y + 4.0)}>{ p.fmt_y.emit(*t) }</text>
                </> }
            }) }
            { for p.bars.iter().enumerate().map(|(i, (x, v))| {
                let y = ys.at(*v);
                let (top, h) = if y < zero { (y, zero - y) } else { (zero, y - zero) };
                let bx = PAD_L + slot * i as f64 + slot * 0.15;
                html! {
                    <rect class={if *v >= 0.0 { "bar-up" } else { "bar-down" }} x={format!("{bx:.1}")} y={format!("{top:.1}")}
                        width={format!("{:.1}", (slot * 0.7).max(1.0))} height={format!("{:.1}", h.max(1.0))}>
                        <title>{ format!("{}: {}", p.fmt_x.emit(*x), p.fmt_y.emit(*v)) }</title>
                    </rect>
                }
            }) }
        </svg>
    }
}
