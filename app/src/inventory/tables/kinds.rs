//! The company's two tables as [`CompanyTable`]s: their columns, rows, words and server
//! functions.

use super::{Column, CompanyRef, TableState, column};
use crate::components::When;
use crate::inventory::summary::format_count;
use crate::inventory::{
    AssetRow, AssetSort, AssetTable, FindingRow, FindingSort, FindingTable, KeysetPage,
    company_assets, company_findings,
};
use leptos::prelude::*;
use portal_types::AppError;

const ASSET_COLUMNS: [Column<AssetSort>; 9] = [
    column("Hostname", Some(AssetSort::Name), false),
    column("IP", None, false),
    column("OS", None, false),
    column("Source", None, false),
    column("Last seen", Some(AssetSort::LastSeen), false),
    column("Critical", None, true),
    column("High", None, true),
    column("Medium", None, true),
    column("Low", None, true),
];

const FINDING_COLUMNS: [Column<FindingSort>; 5] = [
    column("Vulnerability", None, false),
    column("Severity", Some(FindingSort::Severity), false),
    column("CVSS", None, true),
    column("Asset", None, false),
    column("First seen", Some(FindingSort::FirstSeen), false),
];

/// What the company's two tables differ in: their address prefix, words, columns, rows and
/// server function. Everything else (search, sort links, pager, CSV link) is shared.
pub(super) trait CompanyTable: 'static {
    type Sort: Copy
        + Default
        + PartialEq
        + std::fmt::Debug
        + Send
        + Sync
        + serde::Serialize
        + serde::de::DeserializeOwned
        + 'static;
    type Row: Clone
        + PartialEq
        + std::fmt::Debug
        + Send
        + Sync
        + serde::Serialize
        + serde::de::DeserializeOwned
        + 'static;
    /// The address prefix, the panel's id and the CSV's name.
    const PREFIX: &'static str;
    const TITLE: &'static str;
    const PAGES: &'static str;
    /// The search form's name and placeholder.
    const SEARCH: (&'static str, &'static str);
    /// The empty state's title and hint, with no search and with one.
    const EMPTY: (&'static str, &'static str);
    const NO_MATCH: (&'static str, &'static str);
    const COLUMNS: &'static [Column<Self::Sort>];
    fn parse(raw: &str) -> Option<Self::Sort>;
    fn as_str(sort: Self::Sort) -> &'static str;
    fn id(row: &Self::Row) -> i64;
    fn row(row: Self::Row) -> AnyView;
    fn fetch(
        company: CompanyRef,
        s: TableState<Self::Sort>,
    ) -> impl Future<Output = Result<KeysetPage<Self::Row>, AppError>> + Send + 'static;
}

pub(super) struct Assets;

impl CompanyTable for Assets {
    type Sort = AssetSort;
    type Row = AssetRow;
    const PREFIX: &'static str = "assets";
    const TITLE: &'static str = "Assets";
    const PAGES: &'static str = "Assets pages";
    const SEARCH: (&'static str, &'static str) = ("Search assets", "Hostname, IP or OS");
    const EMPTY: (&'static str, &'static str) = (
        "No assets yet",
        "Assets appear as agents and external scans report them.",
    );
    const NO_MATCH: (&'static str, &'static str) =
        ("No assets match", "Try other words, or clear the search.");
    const COLUMNS: &'static [Column<AssetSort>] = &ASSET_COLUMNS;

    fn parse(raw: &str) -> Option<AssetSort> {
        AssetSort::parse(raw)
    }

    fn as_str(sort: AssetSort) -> &'static str {
        sort.as_str()
    }

    fn id(row: &AssetRow) -> i64 {
        row.id
    }

    fn row(a: AssetRow) -> AnyView {
        let key = a.hostname.clone().or(a.ip.clone()).unwrap_or_default();
        view! {
            <tr data-asset=key>
                <th scope="row">{a.hostname.unwrap_or_else(|| "—".to_owned())}</th>
                <td>{a.ip.unwrap_or_default()}</td>
                <td>{a.os.unwrap_or_default()}</td>
                <td>{a.source.label()}</td>
                <td class="nowrap"><When at=a.last_seen_at/></td>
                <td class="num">{format_count(a.critical)}</td>
                <td class="num">{format_count(a.high)}</td>
                <td class="num">{format_count(a.medium)}</td>
                <td class="num">{format_count(a.low)}</td>
            </tr>
        }
        .into_any()
    }

    fn fetch(
        company: CompanyRef,
        s: TableState<AssetSort>,
    ) -> impl Future<Output = Result<AssetTable, AppError>> + Send + 'static {
        company_assets(
            company.msp,
            company.id,
            s.q,
            s.sort,
            s.descending,
            s.after,
            s.before,
        )
    }
}

pub(super) struct Findings;

impl CompanyTable for Findings {
    type Sort = FindingSort;
    type Row = FindingRow;
    const PREFIX: &'static str = "findings";
    const TITLE: &'static str = "Open findings";
    const PAGES: &'static str = "Findings pages";
    const SEARCH: (&'static str, &'static str) = ("Search findings", "CVE, title or asset");
    const EMPTY: (&'static str, &'static str) = (
        "No open findings",
        "Nothing reported is open on this company's assets.",
    );
    const NO_MATCH: (&'static str, &'static str) =
        ("No findings match", "Try other words, or clear the search.");
    const COLUMNS: &'static [Column<FindingSort>] = &FINDING_COLUMNS;

    fn parse(raw: &str) -> Option<FindingSort> {
        FindingSort::parse(raw)
    }

    fn as_str(sort: FindingSort) -> &'static str {
        sort.as_str()
    }

    fn id(row: &FindingRow) -> i64 {
        row.id
    }

    fn row(f: FindingRow) -> AnyView {
        let class = format!("badge sev-{}", f.severity.as_str());
        let cvss = f
            .cvss_tenths
            .map(|t| format!("{:.1}", f64::from(t) / 10.0))
            .unwrap_or_default();
        let key = f.vulnerability.clone();
        view! {
            <tr data-finding=key>
                <th scope="row"><code>{f.vulnerability}</code>" "<span class="muted">{f.title}</span></th>
                <td><span class=class>{f.severity.label()}</span></td>
                <td class="num">{cvss}</td>
                <td>{f.asset}</td>
                <td class="nowrap"><When at=f.first_seen_at/></td>
            </tr>
        }
        .into_any()
    }

    fn fetch(
        company: CompanyRef,
        s: TableState<FindingSort>,
    ) -> impl Future<Output = Result<FindingTable, AppError>> + Send + 'static {
        company_findings(
            company.msp,
            company.id,
            s.q,
            s.sort,
            s.descending,
            s.after,
            s.before,
        )
    }
}
