//! The Inventory and Vulnerabilities sections: tiles over a [`Posture`], the same for an MSP's
//! own home page and for the MSSP's view of one MSP.

use super::Counts;
use crate::components::Panel;
use leptos::prelude::*;

/// One number with its label; a link when `href` is given.
#[component]
fn Tile(
    label: &'static str,
    value: i64,
    #[prop(optional_no_strip)] href: Option<String>,
) -> impl IntoView {
    let value = format_count(value);
    match href {
        Some(href) => view! {
            <a class="tile link" href=href>
                <span class="tile-value">{value}</span>
                <span class="tile-label">{label}</span>
            </a>
        }
        .into_any(),
        None => view! {
            <div class="tile">
                <span class="tile-value">{value}</span>
                <span class="tile-label">{label}</span>
            </div>
        }
        .into_any(),
    }
}

/// Agents by kind and assets by source, led by MSPs and Total Companies when given (a tenant's
/// view, or the MSSP's Global view; one company's page has neither). `companies_href` makes that tile a link to the
/// companies table.
#[component]
pub fn InventorySection(
    counts: Counts,
    /// How many MSPs are summed (the MSSP's Global view only).
    #[prop(optional_no_strip)]
    msps: Option<i64>,
    #[prop(optional_no_strip)] companies: Option<i64>,
    #[prop(optional_no_strip)] companies_href: Option<String>,
) -> impl IntoView {
    let c = counts;
    view! {
        <Panel id="inventory" title="Inventory">
            <div class="tiles">
                {msps.map(|n| view! { <Tile label="MSPs" value=n href=None/> })}
                {companies.map(|n| view! { <Tile label="Total Companies" value=n href=companies_href/> })}
                <Tile label="Probe Agents" value=c.probe_agents/>
                <Tile label="Lightweight Agents" value=c.lightweight_agents/>
                <Tile label="Probe Discovered Assets" value=c.probe_discovered_assets/>
                <Tile label="External Assets" value=c.external_assets/>
                <Tile label="Total Assets" value=c.total_assets/>
            </div>
        </Panel>
    }
}

/// Open findings in all and by severity, with a bar chart that has a text equivalent.
#[component]
pub fn VulnerabilitySection(counts: Counts) -> impl IntoView {
    view! {
        <Panel id="vulnerabilities" title="Vulnerabilities">
            <div class="tiles">
                <Tile label="Total Vulnerabilities" value=counts.open_findings/>
                <Tile label="Critical" value=counts.critical/>
                <Tile label="High" value=counts.high/>
                <Tile label="Medium" value=counts.medium/>
                <Tile label="Low" value=counts.low/>
            </div>
            <SeverityBars counts/>
        </Panel>
    }
}

/// Horizontal bars, one per severity, scaled to the largest. The numbers are in the SVG's
/// text and in its accessible description.
#[component]
pub fn SeverityBars(counts: Counts) -> impl IntoView {
    let bars = [
        ("Critical", counts.critical, "sev-critical"),
        ("High", counts.high, "sev-high"),
        ("Medium", counts.medium, "sev-medium"),
        ("Low", counts.low, "sev-low"),
    ];
    let largest = bars.iter().map(|(_, n, _)| *n).max().unwrap_or(0).max(1);
    let description = bars
        .iter()
        .map(|(label, n, _)| format!("{label}: {n}"))
        .collect::<Vec<_>>()
        .join(", ");
    const ROW: i64 = 28;
    let height = ROW * bars.len() as i64;
    view! {
        <svg class="severity-bars" viewBox=format!("0 0 400 {height}") role="img" aria-label=format!("Open vulnerabilities by severity. {description}")>
            {bars.into_iter().enumerate().map(|(i, (label, n, class))| {
                let y = i as i64 * ROW;
                let width = 260 * n / largest;
                view! {
                    <g class=class>
                        <text x="0" y=y + 18 class="bar-label">{label}</text>
                        <rect x="80" y=y + 6 width=width.max(2) height="16" rx="3"/>
                        <text x=width.max(2) + 88 y=y + 18 class="bar-value">{format_count(n)}</text>
                    </g>
                }
            }).collect_view()}
        </svg>
    }
}

/// A count with thousands separators (12,345).
pub fn format_count(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    format!(
        "{sign}{}",
        portal_types::group_thousands(&n.unsigned_abs().to_string())
    )
}

#[cfg(test)]
mod tests {
    use super::format_count;

    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(format_count(0), "0");
        assert_eq!(format_count(999), "999");
        assert_eq!(format_count(1000), "1,000");
        assert_eq!(format_count(10_000_000), "10,000,000");
        assert_eq!(format_count(-1234), "-1,234");
    }
}
