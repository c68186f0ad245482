//! One statement on the page: the period and its peak usage, the calculation line by line,
//! the tier table, and the list of past statements.

use super::breakdown::MspBreakdown;
use super::chart::UsageChart;
use super::period_href;
use crate::components::{EmptyState, Panel, When};
use leptos::prelude::*;
use portal_types::{MeterCharge, Period, PriceTier, Statement, StatementSummary, group_thousands};

/// `n` with thousands separators.
pub(super) fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// "2026-10" as a CSV address of the statement or its MSP breakdown.
pub(super) fn csv_href(file: &str, period: Period, closed: bool) -> String {
    if closed {
        format!("{}/{file}.csv?period={period}", super::PAGE_PATH)
    } else {
        format!("{}/{file}.csv", super::PAGE_PATH)
    }
}

#[component]
pub fn StatementView(statement: Statement, past: Vec<StatementSummary>) -> impl IntoView {
    let closed = statement.closed_at.is_some();
    let period = statement.period;
    let heading = if closed {
        format!("{} statement", period.label())
    } else {
        format!("Current period: {}", period.label())
    };
    let progress = match statement.closed_at {
        Some(at) => view! { "Closed " <When at/> " · " {period.days()} " days" }.into_any(),
        None => format!(
            "Day {} of {} · an estimate: the peak so far, today included",
            statement.days_elapsed,
            period.days()
        )
        .into_any(),
    };
    let total_label = if closed { "Total" } else { "Estimated charge" };
    let total = statement.money(statement.total).to_string();
    let cards = statement
        .charges
        .iter()
        .map(|charge| {
            let tier = charge.tier_reached.as_ref().map_or_else(
                || "No usage yet".to_owned(),
                |t| format!("Peak · tier {}", t.range()),
            );
            view! {
                <div class="stat-card">
                    <span class="stat-label">{charge.meter.clone()}</span>
                    <strong class="stat-value">{count(charge.units)}</strong>
                    <span class="muted">{tier}</span>
                </div>
            }
        })
        .collect_view();
    view! {
        {closed.then(|| view! { <p><a href=super::PAGE_PATH>"← Current period"</a></p> })}
        <section class="panel" aria-labelledby="period-heading">
            <div class="panel-head">
                <h2 id="period-heading">{heading}</h2>
                <a class="button" href=csv_href("statement", period, closed) download rel="external">"Download statement (CSV)"</a>
            </div>
            <p class="muted">{progress}</p>
            <div class="stat-cards">
                {cards}
                <div class="stat-card total">
                    <span class="stat-label">{total_label}</span>
                    <strong class="stat-value" data-testid="billing-total">{total}</strong>
                    <span class="muted">{format!("Plan: {}", statement.plan.name)}</span>
                </div>
            </div>
            <Calculation statement=statement.clone()/>
        </section>
        <UsageChart days=statement.daily.clone()/>
        <MspBreakdown statement=statement.clone()/>
        <TierTable statement=statement.clone()/>
        <PastStatements past shown=closed.then_some(period)/>
    }
}

/// Each line of the charge: meter, tier, units × price (+ flat fee) = amount, and the total.
#[component]
fn Calculation(statement: Statement) -> impl IntoView {
    let money = |minor| statement.money(minor).to_string();
    let rows = statement
        .charges
        .iter()
        .map(|charge| meter_rows(charge, &statement))
        .collect_view();
    let mode = statement.plan.mode;
    view! {
        <h3>"Calculation"</h3>
        <p class="muted">{format!("{} pricing: {}.", mode.label(), mode.explanation())}</p>
        <div class="table-scroll">
            <table class="table" id="billing-calculation">
                <caption class="visually-hidden">"How the charge is calculated"</caption>
                <thead><tr>
                    <th scope="col">"Meter"</th>
                    <th scope="col">"Tier"</th>
                    <th scope="col" class="num">"Units"</th>
                    <th scope="col" class="num">"Unit price"</th>
                    <th scope="col" class="num">"Flat fee"</th>
                    <th scope="col" class="num">"Amount"</th>
                </tr></thead>
                <tbody>{rows}</tbody>
                <tfoot><tr>
                    <th scope="row" colspan="5">"Total"</th>
                    <td class="num"><strong>{money(statement.total)}</strong></td>
                </tr></tfoot>
            </table>
        </div>
    }
}

fn meter_rows(charge: &MeterCharge, statement: &Statement) -> AnyView {
    let money = |minor| statement.money(minor).amount();
    if charge.lines.is_empty() {
        return view! {
            <tr>
                <th scope="row">{charge.meter.clone()}</th>
                <td class="muted">"No usage"</td>
                <td class="num">"0"</td><td></td><td></td>
                <td class="num">{money(0)}</td>
            </tr>
        }
        .into_any();
    }
    charge
        .lines
        .iter()
        .map(|line| {
            view! {
                <tr>
                    <th scope="row">{charge.meter.clone()}</th>
                    <td>{line.tier.range()}</td>
                    <td class="num">{count(line.units)}</td>
                    <td class="num">{money(line.tier.unit_price)}</td>
                    <td class="num">{(line.tier.flat_fee != 0).then(|| money(line.tier.flat_fee))}</td>
                    <td class="num">{money(line.amount)}</td>
                </tr>
            }
        })
        .collect_view()
        .into_any()
}

/// The plan's tiers, meter by meter, the reached tier marked.
#[component]
fn TierTable(statement: Statement) -> impl IntoView {
    let plan = statement.plan.clone();
    let reached = |meter: &str, tier: &PriceTier| {
        statement
            .charges
            .iter()
            .any(|c| c.meter == meter && c.tier_reached.as_ref() == Some(tier))
    };
    let intro = format!(
        "Plan {}, in {}: {} pricing ({}).",
        plan.name,
        plan.currency.code,
        plan.mode.label().to_lowercase(),
        plan.mode.explanation()
    );
    let tables = plan
        .meters
        .iter()
        .map(|meter| {
            let rows = meter
                .tiers
                .iter()
                .map(|tier| {
                    let here = reached(&meter.meter, tier);
                    view! {
                        <tr class:reached=here aria-current=here.then_some("true")>
                            <th scope="row">{tier.range()}{here.then_some(" (reached)")}</th>
                            <td class="num">{statement.money(tier.unit_price).amount()}</td>
                            <td class="num">{statement.money(tier.flat_fee).amount()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <table class="table">
                    <caption>{meter.meter.clone()}</caption>
                    <thead><tr>
                        <th scope="col">"Units"</th>
                        <th scope="col" class="num">"Unit price"</th>
                        <th scope="col" class="num">"Flat fee"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
        .collect_view();
    view! {
        <Panel id="pricing-tiers" title="Pricing tiers">
            <p class="muted">{intro}</p>
            <div class="tier-tables">{tables}</div>
        </Panel>
    }
}

/// Closed months, newest first, each viewable and downloadable.
#[component]
fn PastStatements(past: Vec<StatementSummary>, shown: Option<Period>) -> impl IntoView {
    if past.is_empty() {
        return view! {
            <Panel id="past-statements" title="Past statements">
                <EmptyState title="No closed months yet">
                    "A month's statement is closed and kept once its last day has been counted."
                </EmptyState>
            </Panel>
        }
        .into_any();
    }
    view! {
        <Panel id="past-statements" title="Past statements">
            <div class="table-scroll">
                <table class="table">
                    <caption class="visually-hidden">"Closed months"</caption>
                    <thead><tr>
                        <th scope="col">"Month"</th>
                        <th scope="col" class="num">"Total"</th>
                        <th scope="col">"Closed"</th>
                        <th scope="col"><span class="visually-hidden">"Downloads"</span></th>
                    </tr></thead>
                    <tbody>
                        {past.into_iter().map(|summary| {
                            let period = summary.period;
                            let total = portal_types::Money { minor: summary.total, currency: &summary.currency }.to_string();
                            let current = (shown == Some(period)).then_some("page");
                            view! {
                                <tr>
                                    <th scope="row"><a href=period_href(Some(period)) aria-current=current>{period.label()}</a></th>
                                    <td class="num">{total}</td>
                                    <td><When at=summary.closed_at/></td>
                                    <td>
                                        <a href=csv_href("statement", period, true) download rel="external"
                                            aria-label=format!("{} statement as CSV", period.label())>"Statement CSV"</a>
                                        " · "
                                        <a href=csv_href("msps", period, true) download rel="external"
                                            aria-label=format!("{} MSPs as CSV", period.label())>"MSPs CSV"</a>
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </Panel>
    }
    .into_any()
}
