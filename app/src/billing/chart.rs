//! Daily usage over the period: a bar a day of agents deployed (probe and lightweight
//! stacked) and of MSP tenants counted, drawn as SVG by Leptos, with the numbers in a table
//! that folds open. Today's bar, a count so far, is drawn lighter.

use super::statement::count;
use crate::components::{EmptyState, Panel};
use leptos::prelude::*;
use portal_types::UsageDay;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 40.0;
const BOTTOM: f64 = 20.0;
const TOP: f64 = 8.0;

/// A stacked bar segment: its class and its value on a day.
type Segment = (&'static str, fn(&UsageDay) -> u64);

/// One bar chart of `days`, each bar the segments stacked from the bottom.
fn bars(days: &[UsageDay], segments: &[Segment], label: String) -> impl IntoView + use<> {
    let max = days
        .iter()
        .map(|d| segments.iter().map(|(_, value)| value(d)).sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let plot = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT) / days.len().max(1) as f64;
    let width = (slot * 0.7).max(1.0);
    let rects = days
        .iter()
        .enumerate()
        .flat_map(|(i, day)| {
            let x = LEFT + i as f64 * slot + (slot - width) / 2.0;
            let mut base = HEIGHT - BOTTOM;
            segments
                .iter()
                .map(|(class, value)| {
                    let height = value(day) as f64 / max as f64 * plot;
                    base -= height;
                    let class = if day.provisional {
                        format!("{class} provisional")
                    } else {
                        (*class).to_owned()
                    };
                    view! { <rect class=class x=format!("{x:.1}") y=format!("{base:.1}") width=format!("{width:.1}") height=format!("{height:.1}")/> }
                })
                .collect::<Vec<_>>()
        })
        .collect_view();
    let axis = HEIGHT - BOTTOM;
    let first = days.first().map(|d| d.day.format("%-d %b").to_string());
    let last = days.last().map(|d| d.day.format("%-d %b").to_string());
    view! {
        <svg class="usage-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label>
            <line class="trend-axis" x1=LEFT y1=axis x2=WIDTH y2=axis/>
            <text class="trend-label" x="0" y=TOP + 6.0>{count(max)}</text>
            <text class="trend-label" x="0" y=axis>"0"</text>
            <text class="trend-label" x=LEFT y=HEIGHT - 4.0>{first}</text>
            <text class="trend-label end" x=WIDTH y=HEIGHT - 4.0>{last}</text>
            {rects}
        </svg>
    }
}

#[component]
pub fn UsageChart(days: Vec<UsageDay>) -> impl IntoView {
    if days.iter().all(|d| d.msp_tenants == 0) {
        return view! {
            <Panel id="daily-usage" title="Daily usage">
                <EmptyState title="No usage this period">
                    "Each day counts the MSP tenants that have approved you and the agents deployed under them."
                </EmptyState>
            </Panel>
        }
        .into_any();
    }
    let agents: [Segment; 2] = [
        ("usage-probe", |d| d.probe_agents),
        ("usage-lightweight", |d| d.lightweight_agents),
    ];
    let tenants: [Segment; 1] = [("usage-tenants", |d| d.msp_tenants)];
    let peak_agents = days
        .iter()
        .map(|d| d.probe_agents + d.lightweight_agents)
        .max()
        .unwrap_or(0);
    let peak_tenants = days.iter().map(|d| d.msp_tenants).max().unwrap_or(0);
    let agents_label = format!(
        "Agents deployed per day over {} days, at most {}.",
        days.len(),
        count(peak_agents)
    );
    let tenants_label = format!(
        "MSP tenants counted per day over {} days, at most {}.",
        days.len(),
        count(peak_tenants)
    );
    view! {
        <Panel id="daily-usage" title="Daily usage">
            <h3 class="chart-title">"Agents deployed"</h3>
            {bars(&days, &agents, agents_label)}
            <ul class="trend-legend">
                <li><span class="swatch usage-probe"></span>"Probe"</li>
                <li><span class="swatch usage-lightweight"></span>"Lightweight"</li>
                {days.iter().any(|d| d.provisional).then(|| view! {
                    <li><span class="swatch usage-probe provisional"></span>"Today, so far"</li>
                })}
            </ul>
            <h3 class="chart-title">"MSP tenants"</h3>
            {bars(&days, &tenants, tenants_label)}
            <details class="trend-data">
                <summary>"Show the numbers"</summary>
                <div class="table-scroll">
                    <table class="table">
                        <caption class="visually-hidden">"Usage per day"</caption>
                        <thead><tr>
                            <th scope="col">"Day"</th>
                            <th scope="col" class="num">"MSP tenants"</th>
                            <th scope="col" class="num">"Probe agents"</th>
                            <th scope="col" class="num">"Lightweight agents"</th>
                        </tr></thead>
                        <tbody>
                            {days.iter().rev().map(|d| view! {
                                <tr>
                                    <th scope="row">{d.day.format("%Y-%m-%d").to_string()}{d.provisional.then_some(" (so far)")}</th>
                                    <td class="num">{count(d.msp_tenants)}</td>
                                    <td class="num">{count(d.probe_agents)}</td>
                                    <td class="num">{count(d.lightweight_agents)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </details>
        </Panel>
    }
    .into_any()
}
