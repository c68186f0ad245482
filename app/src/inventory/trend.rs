//! The open-findings trend over the last 30 or 90 days, from the daily snapshots: an SVG line
//! chart drawn by Leptos (total, critical and high), a sentence that says what it shows, and
//! the numbers themselves in a table that folds open, for screen readers and for reading.

use super::summary::format_count;
use crate::components::{EmptyState, ErrorNotice, Panel};
use leptos::prelude::*;
use portal_types::AppError;
use serde::{Deserialize, Serialize};

/// Whose trend: the MSSP's Global view, a tenant (the caller's own, or an approved MSP's), or
/// one company of either.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendTarget {
    pub global: bool,
    pub msp: Option<i64>,
    pub company: Option<i64>,
}

/// The open findings on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendDay {
    pub day: chrono::NaiveDate,
    pub open_findings: i64,
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// The ranges offered; the first is the default.
const RANGES: [u32; 2] = [30, 90];

/// The address parameter that holds the range (`?trend_days=90`).
const RANGE_KEY: &str = "trend_days";

/// The open findings per day over the last `days` days of `target`, oldest first. An MSP, a
/// company or the Global view out of the caller's reach is "not found".
#[server(prefix = "/rpc", endpoint = "open_trend")]
pub async fn open_trend(
    global: bool,
    msp: Option<i64>,
    company: Option<i64>,
    days: u32,
) -> Result<Vec<TrendDay>, AppError> {
    use domain::inventory::TrendOf;
    crate::ssr::respond(async {
        let (state, scope, owner) = super::ssr::owner(msp).await?;
        let of = match (global, company) {
            (true, None) if msp.is_none() => TrendOf::Global,
            (true, _) => {
                return Err(AppError::BadRequest(
                    "The Global trend is of no one MSP or company.".to_owned(),
                ));
            }
            (false, Some(id)) => TrendOf::Company(owner, id),
            (false, None) => TrendOf::Tenant(owner),
        };
        let today = chrono::Utc::now().date_naive();
        let points = domain::inventory::trend(&state.db.scoped(&scope), of, days, today)
            .await
            .map_err(|e| AppError::from(e).in_query())?;
        Ok(points
            .into_iter()
            .map(|p| TrendDay {
                day: p.day,
                open_findings: p.open_findings,
                critical: p.critical,
                high: p.high,
                medium: p.medium,
                low: p.low,
            })
            .collect())
    })
    .await
}

/// The Trend panel, with its 30/90-day switch. The range is in the page's address, so the
/// switch is a pair of links: it works before (and without) the WASM, and a view can be
/// bookmarked with its range.
#[component]
pub fn TrendPanel(target: Memo<TrendTarget>) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let location = leptos_router::hooks::use_location();
    let days = Memo::new(move |_| {
        query.with(|q| {
            q.get(RANGE_KEY)
                .and_then(|raw| raw.parse::<u32>().ok())
                .filter(|days| RANGES.contains(days))
                .unwrap_or(RANGES[0])
        })
    });
    let range_href = move |range: u32| {
        let mut params = query.get();
        params.remove(RANGE_KEY);
        if range != RANGES[0] {
            params.insert(RANGE_KEY, range.to_string());
        }
        format!(
            "{}{}",
            location.pathname.get(),
            crate::util::query_string(&params)
        )
    };
    let trend = Resource::new(
        move || (target.get(), days.get()),
        |(t, days)| open_trend(t.global, t.msp, t.company, days),
    );
    view! {
        <Panel id="trend" title="Trend">
            <nav class="range-switch" aria-label="Trend range">
                {RANGES.into_iter().map(|range| view! {
                    <a class="button small" href=move || range_href(range)
                        aria-current=move || (days.get() == range).then_some("true")>{format!("{range} days")}</a>
                }).collect_view()}
            </nav>
            <Transition fallback=|| view! { <p class="skeleton" aria-busy="true">"Loading the trend…"</p> }>
                {move || Suspend::new(async move {
                    match trend.await {
                        Ok(points) if points.len() < 2 => view! {
                            <EmptyState title="Not enough history yet">"The trend fills in as the daily snapshots accumulate: one point a day."</EmptyState>
                        }.into_any(),
                        Ok(points) => view! { <TrendChart points/> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </Transition>
        </Panel>
    }
}

/// A line of the chart: its CSS class, its label, and its value on a day.
type Series = (&'static str, &'static str, fn(&TrendDay) -> i64);

/// Chart size in SVG units (it scales to its box).
const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 180.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 22.0;

/// The points of one series as an SVG polyline.
fn polyline(points: &[TrendDay], value: fn(&TrendDay) -> i64, max: i64) -> String {
    let first = points[0].day;
    let span = (points[points.len() - 1].day - first).num_days().max(1) as f64;
    points
        .iter()
        .map(|p| {
            let x = LEFT + (p.day - first).num_days() as f64 / span * (WIDTH - LEFT - 8.0);
            let y = 8.0 + (1.0 - value(p) as f64 / max.max(1) as f64) * (HEIGHT - BOTTOM - 8.0);
            format!("{x:.1},{y:.1}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn TrendChart(points: Vec<TrendDay>) -> impl IntoView {
    let max = points.iter().map(|p| p.open_findings).max().unwrap_or(0);
    let (first, last) = (points[0], points[points.len() - 1]);
    let change = last.open_findings - first.open_findings;
    let direction = match change {
        0 => "unchanged".to_owned(),
        c if c < 0 => format!("down {}", format_count(-c)),
        c => format!("up {}", format_count(c)),
    };
    let summary = format!(
        "Open findings went from {} on {} to {} on {} ({direction}); critical from {} to {}.",
        format_count(first.open_findings),
        first.day.format("%-d %b"),
        format_count(last.open_findings),
        last.day.format("%-d %b"),
        format_count(first.critical),
        format_count(last.critical),
    );
    let series: [Series; 3] = [
        ("trend-total", "Total", |p| p.open_findings),
        ("trend-critical", "Critical", |p| p.critical),
        ("trend-high", "High", |p| p.high),
    ];
    let lines = series
        .iter()
        .map(|(class, _, value)| {
            view! { <polyline class=*class points=polyline(&points, *value, max) fill="none"/> }
        })
        .collect_view();
    let view_box = format!("0 0 {WIDTH} {HEIGHT}");
    let axis_y = HEIGHT - BOTTOM;
    view! {
        <p class="trend-summary">{summary.clone()}</p>
        <svg class="trend-chart" viewBox=view_box role="img" aria-label=summary>
            <line class="trend-axis" x1=LEFT y1=axis_y x2=WIDTH y2=axis_y/>
            <text class="trend-label" x="0" y="14">{format_count(max)}</text>
            <text class="trend-label" x="0" y=axis_y>"0"</text>
            <text class="trend-label" x=LEFT y=HEIGHT - 4.0>{first.day.format("%-d %b").to_string()}</text>
            <text class="trend-label end" x=WIDTH y=HEIGHT - 4.0>{last.day.format("%-d %b").to_string()}</text>
            {lines}
        </svg>
        <ul class="trend-legend">
            {series.iter().map(|(class, label, value)| view! {
                <li><span class=format!("swatch {class}")></span>{format!("{label}: {}", format_count(value(&last)))}</li>
            }).collect_view()}
        </ul>
        <details class="trend-data">
            <summary>"Show the numbers"</summary>
            <div class="table-scroll">
                <table class="table">
                    <caption class="visually-hidden">"Open findings per day"</caption>
                    <thead><tr>
                        <th scope="col">"Day"</th>
                        <th scope="col" class="num">"Total"</th>
                        <th scope="col" class="num">"Critical"</th>
                        <th scope="col" class="num">"High"</th>
                        <th scope="col" class="num">"Medium"</th>
                        <th scope="col" class="num">"Low"</th>
                    </tr></thead>
                    <tbody>
                        {points.iter().rev().map(|p| view! {
                            <tr>
                                <th scope="row">{p.day.format("%Y-%m-%d").to_string()}</th>
                                <td class="num">{format_count(p.open_findings)}</td>
                                <td class="num">{format_count(p.critical)}</td>
                                <td class="num">{format_count(p.high)}</td>
                                <td class="num">{format_count(p.medium)}</td>
                                <td class="num">{format_count(p.low)}</td>
                            </tr>
                        }.into_any()).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
