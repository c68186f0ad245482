//! The companies table with their counters: the MSP's own at `/msp/companies` (with add,
//! rename and delete, whose confirmation says what goes with it), and an approved MSP's at
//! `/mssp/msps/:id/companies` for its MSSP, read-only. Search, sort and page are in the address
//! (`?q=&sort=&dir=&page=`), so a view can be bookmarked and works before the WASM loads.

use super::company_edits::{AddCompany, DeleteDialog, Doomed, RenameCompanyForm};
use super::summary::format_count;
use super::{
    COMPANIES_PATH, CompanyRow, CompanySort, CompanyTable, PER_PAGE, company_path, list_companies,
    msp_companies,
};
use crate::components::{EmptyState, ErrorNotice, Pagination, open_dialog};
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use portal_types::{AppError, CurrentUser};

/// Whose companies the table lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Source {
    /// The signed-in MSP's own.
    Own,
    /// An approved MSP's, for its MSSP.
    Msp(i64),
}

impl Source {
    /// The table's own address.
    fn path(self) -> String {
        match self {
            Source::Own => COMPANIES_PATH.to_owned(),
            Source::Msp(id) => format!("{}/companies", crate::mssp_view::msp_path(id)),
        }
    }
}

/// The table's state as the address gives it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct View {
    source: Source,
    q: String,
    sort: CompanySort,
    descending: bool,
    page: u64,
}

impl View {
    /// This view's address, with `page` (and everything else kept).
    fn href(&self, sort: CompanySort, descending: bool, page: u64) -> String {
        let mut parts = Vec::new();
        if !self.q.trim().is_empty() {
            parts.push(format!(
                "q={}",
                crate::util::encode_query_value(self.q.trim())
            ));
        }
        if sort != CompanySort::Name {
            parts.push(format!("sort={}", sort.as_str()));
        }
        if descending {
            parts.push("dir=desc".to_owned());
        }
        if page != 1 {
            parts.push(format!("page={page}"));
        }
        let path = self.source.path();
        if parts.is_empty() {
            path
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }
}

impl View {
    /// The CSV of every page of this view (its search and order).
    fn csv_href(&self) -> String {
        let mut parts = vec![format!("sort={}", self.sort.as_str())];
        if !self.q.trim().is_empty() {
            parts.push(format!(
                "q={}",
                crate::util::encode_query_value(self.q.trim())
            ));
        }
        if self.descending {
            parts.push("dir=desc".to_owned());
        }
        format!("{}.csv?{}", self.source.path(), parts.join("&"))
    }
}

/// `/msp/companies`: the MSP's own companies.
#[component]
pub fn CompaniesPage() -> impl IntoView {
    let source = Memo::new(|_| Source::Own);
    view! { <Companies source/> }
}

/// `/mssp/msps/:id/companies`: an approved MSP's companies, for its MSSP (read-only).
#[component]
pub fn MspCompaniesPage() -> impl IntoView {
    let id = crate::util::use_id_param();
    let source = Memo::new(move |_| Source::Msp(id.get()));
    view! {
        <p class="breadcrumb"><a href=move || match source.get() {
            Source::Msp(id) => crate::mssp_view::msp_path(id),
            Source::Own => COMPANIES_PATH.to_owned(),
        }>"← Back to the MSP"</a></p>
        <Companies source/>
    }
}

#[component]
fn Companies(source: Memo<Source>) -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    let can_write = source.get_untracked() == Source::Own && user.role.can_write();
    let params = use_query_map();
    let view_state = Memo::new(move |_| {
        params.with(|p| View {
            source: source.get(),
            q: p.get("q").unwrap_or_default(),
            sort: p
                .get("sort")
                .and_then(|s| CompanySort::parse(&s))
                .unwrap_or_default(),
            descending: p.get("dir").as_deref() == Some("desc"),
            // Not a number: page 0, which the server refuses with a message.
            page: p
                .get("page")
                .map_or(1, |raw| raw.trim().parse().unwrap_or(0)),
        })
    });
    view! {
        <Title text="Companies"/>
        <div class="page-heading">
            <h1>"Companies"</h1>
        </div>
        {move || view! { <CompaniesTable view=view_state.get() can_write/> }}
    }
}

/// Add, search, the table and its actions for one view of the address. An island: adding,
/// renaming and deleting refresh the table in place. Search, sort and paging load the new
/// address (plain forms and links).
#[island(lazy)]
fn CompaniesTable(view: View, can_write: bool) -> impl IntoView {
    crate::hydration::island_ready();
    let version = RwSignal::new(0u32);
    let shown = view.clone();
    let table = Resource::new(
        move || version.get(),
        move |_| {
            let v = shown.clone();
            async move {
                let table = match v.source {
                    Source::Own => list_companies(v.q.clone(), v.sort, v.descending, v.page).await,
                    Source::Msp(id) => {
                        msp_companies(id, v.q.clone(), v.sort, v.descending, v.page).await
                    }
                };
                table.map(|t| (t, v))
            }
        },
    );
    let (pending, set_pending) = crate::components::transition_pending();
    let doomed = RwSignal::new(None::<Doomed>);
    let delete_dialog = NodeRef::<html::Dialog>::new();
    let notice = RwSignal::new(None::<String>);
    let path = view.source.path();
    let searched = (!view.q.is_empty()).then(|| path.clone());

    view! {
        {can_write.then(|| view! { <AddCompany version notice/> })}
        {move || notice.get().map(|text| view! { <div class="notice success" role="status">{text}</div> })}
        <form method="get" action=path class="filters" role="search" aria-label="Search companies">
            <label class="field grow">
                <span>"Search"</span>
                <input type="search" name="q" maxlength="200" placeholder="Company name" autocomplete="off"
                    value=view.q.clone()/>
            </label>
            <div class="filter-actions">
                <button type="submit" class="button primary">"Search"</button>
                {searched.map(|path| view! { <a class="button ghost" href=path>"Clear"</a> })}
            </div>
        </form>
        <Transition
            fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading companies…"</div> }
            set_pending=set_pending
        >
            <div class:pending=move || pending.get() aria-busy=move || pending.get().to_string()>
                {move || Suspend::new(async move {
                    match table.await {
                        Ok((table, v)) => view! { <Table table v can_write doomed delete_dialog version/> }.into_any(),
                        Err(AppError::BadRequest(message)) => view! { <div class="notice error" role="alert">{message}</div> }.into_any(),
                        Err(error) => view! { <ErrorNotice error/> }.into_any(),
                    }
                })}
            </div>
        </Transition>
        <DeleteDialog dialog=delete_dialog doomed version notice/>
    }
}

/// A sortable column header: a link that sorts by it (again: the other way).
fn sort_header(v: &View, sort: CompanySort, label: &'static str) -> AnyView {
    let active = v.sort == sort;
    let descending = if active {
        !v.descending
    } else {
        sort != CompanySort::Name
    };
    let href = v.href(sort, descending, 1);
    let state = match (active, v.descending) {
        (false, _) => "none",
        (true, false) => "ascending",
        (true, true) => "descending",
    };
    let arrow = match state {
        "ascending" => " ▲",
        "descending" => " ▼",
        _ => "",
    };
    view! { <th scope="col" aria-sort=state><a href=href>{label}{arrow}</a></th> }.into_any()
}

/// The table's columns after the name, each sortable.
const COUNTER_COLUMNS: [(CompanySort, &str); 9] = [
    (CompanySort::ProbeAgents, "Probe Agents"),
    (CompanySort::LightweightAgents, "Lightweight Agents"),
    (
        CompanySort::ProbeDiscoveredAssets,
        "Probe Discovered Assets",
    ),
    (CompanySort::ExternalAssets, "External Assets"),
    (CompanySort::OpenFindings, "Total Vulnerabilities"),
    (CompanySort::Critical, "Critical"),
    (CompanySort::High, "High"),
    (CompanySort::Medium, "Medium"),
    (CompanySort::Low, "Low"),
];

#[component]
fn Table(
    table: CompanyTable,
    v: View,
    can_write: bool,
    doomed: RwSignal<Option<Doomed>>,
    delete_dialog: NodeRef<html::Dialog>,
    version: RwSignal<u32>,
) -> AnyView {
    if table.rows.is_empty() {
        let (title, hint) = if !v.q.trim().is_empty() {
            (
                "No companies match",
                "Try other words, or clear the search.",
            )
        } else if table.total > 0 {
            (
                "No companies on this page",
                "The list has fewer pages than that.",
            )
        } else if can_write {
            (
                "No companies yet",
                "Add your first company above, then issue an enrollment token for its agents.",
            )
        } else {
            (
                "No companies yet",
                "Companies appear here when the MSP adds them.",
            )
        };
        return view! { <section class="panel"><EmptyState title>{hint}</EmptyState></section> }
            .into_any();
    }
    let first = (v.page - 1) * PER_PAGE + 1;
    let last = first + table.rows.len() as u64 - 1;
    let previous = (v.page > 1).then(|| v.href(v.sort, v.descending, v.page - 1));
    let next = (last < table.total).then(|| v.href(v.sort, v.descending, v.page + 1));
    let csv = v.csv_href();
    let summary = format!(
        "Showing {first}–{last} of {}",
        format_count(table.total as i64)
    );
    view! {
        <section class="panel">
            <div class="table-scroll">
                <table class="table companies-table">
                    <caption class="visually-hidden">"Companies"</caption>
                    <thead><tr>
                        {sort_header(&v, CompanySort::Name, "Company Name")}
                        {COUNTER_COLUMNS.into_iter().map(|(sort, label)| sort_header(&v, sort, label)).collect_view()}
                        {can_write.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                    </tr></thead>
                    <tbody>
                        {table.rows.into_iter().map(|row| view! { <Row row source=v.source can_write doomed delete_dialog version/> }).collect_view()}
                    </tbody>
                </table>
            </div>
            <Pagination label="Companies pages" summary previous next/>
            <p class="table-actions"><a class="button small" href=csv download rel="external">"Download CSV"</a></p>
        </section>
    }
    .into_any()
}

#[component]
fn Row(
    row: CompanyRow,
    source: Source,
    can_write: bool,
    doomed: RwSignal<Option<Doomed>>,
    delete_dialog: NodeRef<html::Dialog>,
    version: RwSignal<u32>,
) -> AnyView {
    let c = row.counts;
    let cell = |n: i64| view! { <td class="num">{format_count(n)}</td> }.into_any();
    let actions = can_write.then(|| {
        let target = Doomed {
            id: row.id,
            name: row.name.clone(),
            agents: c.probe_agents + c.lightweight_agents,
            assets: c.total_assets,
            open_findings: c.open_findings,
        };
        view! {
            <td class="actions">
                <RenameCompanyForm id=row.id name=row.name.clone() version/>
                <button type="button" class="button small danger" on:click=move |_| {
                    doomed.set(Some(target.clone()));
                    open_dialog(delete_dialog);
                }>"Delete"</button>
            </td>
        }
    });
    view! {
        <tr data-company=row.name.clone()>
            <th scope="row">{match source {
                Source::Own => view! { <a href=company_path(row.id)>{row.name.clone()}</a> }.into_any(),
                Source::Msp(msp) => view! { <a href=crate::mssp_view::company_path(msp, row.id)>{row.name.clone()}</a> }.into_any(),
            }}</th>
            {cell(c.probe_agents)}
            {cell(c.lightweight_agents)}
            {cell(c.probe_discovered_assets)}
            {cell(c.external_assets)}
            {cell(c.open_findings)}
            {cell(c.critical)}
            {cell(c.high)}
            {cell(c.medium)}
            {cell(c.low)}
            {actions}
        </tr>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_keep_only_what_differs_from_the_default() {
        let v = View {
            source: Source::Own,
            q: " acme & co ".into(),
            sort: CompanySort::Name,
            descending: false,
            page: 1,
        };
        assert_eq!(
            v.href(CompanySort::Name, false, 1),
            "/msp/companies?q=acme%20%26%20co"
        );
        assert_eq!(
            v.href(CompanySort::Critical, true, 3),
            "/msp/companies?q=acme%20%26%20co&sort=critical&dir=desc&page=3"
        );
        let plain = View {
            q: String::new(),
            ..v
        };
        assert_eq!(plain.href(CompanySort::Name, false, 1), "/msp/companies");
        let msp = View {
            source: Source::Msp(7),
            ..plain
        };
        assert_eq!(
            msp.href(CompanySort::High, true, 1),
            "/mssp/msps/7/companies?sort=high&dir=desc"
        );
    }
}
