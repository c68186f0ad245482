//! The charge broken down by MSP tenant: days counted, peak agents and share, searchable and
//! sortable in the browser (a statement holds every MSP of its period already), and the
//! whole table as CSV.

use super::statement::{count, csv_href};
use crate::components::{EmptyState, Panel};
use leptos::prelude::*;
use portal_types::{MspShare, Statement};
use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Msp,
    Days,
    Probe,
    Lightweight,
    Agents,
    Share,
}

impl Column {
    const ALL: [(Self, &'static str); 6] = [
        (Self::Msp, "MSP"),
        (Self::Days, "Days counted"),
        (Self::Probe, "Peak probe agents"),
        (Self::Lightweight, "Peak lightweight agents"),
        (Self::Agents, "Peak agents"),
        (Self::Share, "Share"),
    ];

    fn compare(self, a: &MspShare, b: &MspShare) -> Ordering {
        match self {
            Self::Msp => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
            Self::Days => a.days_counted.cmp(&b.days_counted),
            Self::Probe => a.peak_probe_agents.cmp(&b.peak_probe_agents),
            Self::Lightweight => a.peak_lightweight_agents.cmp(&b.peak_lightweight_agents),
            Self::Agents => a.peak_agents.cmp(&b.peak_agents),
            Self::Share => a.share.cmp(&b.share),
        }
    }
}

/// An island: the search and the sort run in the browser over the statement it is given.
#[island(lazy)]
pub fn MspBreakdown(statement: Statement) -> impl IntoView {
    crate::hydration::island_ready();
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(Column::Share);
    let descending = RwSignal::new(true);
    let csv = csv_href("msps", statement.period, statement.closed_at.is_some());
    let statement = StoredValue::new(statement);
    let total_msps = statement.with_value(|s| s.msps.len());

    let rows = Memo::new(move |_| {
        let needle = search.get().trim().to_lowercase();
        let (column, descending) = (sort.get(), descending.get());
        statement.with_value(|s| {
            let mut shown: Vec<MspShare> = s
                .msps
                .iter()
                .filter(|m| needle.is_empty() || m.name.to_lowercase().contains(&needle))
                .cloned()
                .collect();
            shown.sort_by(|a, b| {
                let order = column.compare(a, b).then_with(|| Column::Msp.compare(a, b));
                if descending { order.reverse() } else { order }
            });
            shown
        })
    });
    let sort_by = move |column: Column| {
        if sort.get_untracked() == column {
            descending.update(|d| *d = !*d);
        } else {
            sort.set(column);
            descending.set(column != Column::Msp);
        }
    };
    let header = move |(column, label): (Column, &'static str)| {
        let aria = move || match (sort.get() == column, descending.get()) {
            (false, _) => "none",
            (true, true) => "descending",
            (true, false) => "ascending",
        };
        view! {
            <th scope="col" class:num=column != Column::Msp aria-sort=aria>
                <button type="button" class="sort" on:click=move |_| sort_by(column)>{label}</button>
            </th>
        }
    };

    view! {
        <Panel id="billing-msps" title="By MSP tenant">
            <p class="muted">
                "Each MSP's share splits the MSP tenant charge by days counted and the agent charge by agent-days (its agents on each day), so the shares add up to the total."
            </p>
            <div class="toolbar" role="search">
                <label class="visually-hidden" for="billing-msp-search">"Search MSPs"</label>
                <input id="billing-msp-search" type="search" placeholder="Search by MSP" maxlength="200"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))/>
                <a class="button" href=csv download rel="external">"Download MSPs (CSV)"</a>
            </div>
            {move || {
                let shown = rows.get();
                if total_msps == 0 {
                    return view! {
                        <EmptyState title="No MSP tenants this period">
                            "An MSP counts for each day its association with you is approved."
                        </EmptyState>
                    }.into_any();
                }
                if shown.is_empty() {
                    return view! { <p class="muted">"No MSP matches the search."</p> }.into_any();
                }
                view! {
                    <div class="table-scroll">
                        <table class="table" id="billing-msps-table">
                            <caption class="visually-hidden">"The charge by MSP tenant"</caption>
                            <thead><tr>{Column::ALL.into_iter().map(header).collect_view()}</tr></thead>
                            <tbody>
                                {shown.into_iter().map(|m| view! {
                                    <tr>
                                        <th scope="row">{m.name.clone()}</th>
                                        <td class="num">{m.days_counted}</td>
                                        <td class="num">{count(m.peak_probe_agents)}</td>
                                        <td class="num">{count(m.peak_lightweight_agents)}</td>
                                        <td class="num">{count(m.peak_agents)}</td>
                                        <td class="num">{statement.with_value(|s| s.money(m.share).to_string())}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
            <p class="muted">{move || format!("{} of {total_msps} MSPs", rows.read().len())}</p>
        </Panel>
    }
}
