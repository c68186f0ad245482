//! A company's assets and open findings tables, on the MSP's own company page and on its
//! MSSP's view of that company. Each table keeps its search, order and place in the page's
//! address under its own prefix (`assets_q`, `findings_sort`, …): two tables share one
//! address, a view can be bookmarked, and it works before the WASM loads. Pages are keyset
//! pages: Next continues after the last row shown, Previous ends before the first, so a page
//! deep into a large company costs what the first does.

use super::summary::format_count;
use super::{KeysetPage, company_path};
use crate::components::{EmptyState, ErrorNotice, Panel};
use kinds::{Assets, CompanyTable, Findings};

mod kinds;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use portal_types::AppError;

/// Whose company the tables show, and where its page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CompanyRef {
    /// The MSP whose company it is, when an MSSP views it; `None` for the MSP's own.
    pub msp: Option<i64>,
    pub id: i64,
}

impl CompanyRef {
    /// The company's page.
    pub fn path(self) -> String {
        match self.msp {
            None => company_path(self.id),
            Some(msp) => crate::mssp_view::company_path(msp, self.id),
        }
    }
}

/// One table's state in the address.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct TableState<S> {
    q: String,
    sort: S,
    descending: bool,
    after: Option<i64>,
    before: Option<i64>,
}

/// The address parameters of the table whose prefix is `prefix`.
#[derive(Debug, Clone, Copy)]
struct Keys {
    prefix: &'static str,
}

impl Keys {
    fn key(&self, name: &str) -> String {
        format!("{}_{name}", self.prefix)
    }

    /// The table's state; anything unreadable falls back to the default.
    fn read<S: Default>(&self, params: &ParamsMap, parse: fn(&str) -> Option<S>) -> TableState<S> {
        let number = |name: &str| {
            params
                .get(&self.key(name))
                .and_then(|raw| raw.trim().parse().ok())
        };
        TableState {
            q: params.get(&self.key("q")).unwrap_or_default(),
            sort: params
                .get(&self.key("sort"))
                .and_then(|raw| parse(&raw))
                .unwrap_or_default(),
            descending: params.get(&self.key("dir")).as_deref() == Some("desc"),
            after: number("after"),
            before: number("before"),
        }
    }

    /// The page's address with this table's parameters set to `set` (a `None` value drops
    /// one) and every other parameter kept.
    fn href(&self, path: &str, params: &ParamsMap, set: &[(&str, Option<String>)]) -> String {
        let mut params = params.clone();
        for name in ["q", "sort", "dir", "after", "before"] {
            params.remove(&self.key(name));
        }
        for (name, value) in set {
            if let Some(value) = value {
                params.insert(self.key(name), value.clone());
            }
        }
        format!("{path}{}", crate::util::query_string(&params))
    }

    /// The address of this table sorted by `sort` one way, from its first page.
    fn sorted(
        &self,
        path: &str,
        params: &ParamsMap,
        q: &str,
        sort: &str,
        descending: bool,
    ) -> String {
        self.href(
            path,
            params,
            &[
                ("q", (!q.trim().is_empty()).then(|| q.trim().to_owned())),
                ("sort", Some(sort.to_owned())),
                ("dir", descending.then(|| "desc".to_owned())),
            ],
        )
    }
}

/// A table column: its label, the order it sorts by (if any), and whether it holds numbers.
struct Column<S> {
    label: &'static str,
    sort: Option<S>,
    numeric: bool,
}

const fn column<S>(label: &'static str, sort: Option<S>, numeric: bool) -> Column<S> {
    Column {
        label,
        sort,
        numeric,
    }
}

/// The header row: sortable columns are links that sort by them (again: the other way). The
/// links follow the address, which the other table on the page may change.
fn header_row<S: Copy + PartialEq + Send + Sync + 'static>(
    columns: &[Column<S>],
    state: &TableState<S>,
    at: Place,
    as_str: fn(S) -> &'static str,
) -> AnyView {
    columns
        .iter()
        .map(|c| {
            let class = if c.numeric { "num" } else { "" };
            let Some(sort) = c.sort else {
                return view! { <th scope="col" class=class>{c.label}</th> }.into_any();
            };
            let active = state.sort == sort;
            let aria = match (active, state.descending) {
                (false, _) => "none",
                (true, false) => "ascending",
                (true, true) => "descending",
            };
            let arrow = match aria {
                "ascending" => " ▲",
                "descending" => " ▼",
                _ => "",
            };
            let descending = active && !state.descending;
            let (q, path) = (state.q.clone(), at.path.clone());
            let href = move || {
                at.params
                    .with(|p| at.keys.sorted(&path, p, &q, as_str(sort), descending))
            };
            view! {
                <th scope="col" class=class aria-sort=aria data-sort=as_str(sort)><a href=href>{c.label}{arrow}</a></th>
            }
            .into_any()
        })
        .collect_view()
        .into_any()
}

/// Where a table is: its page, the page's address parameters, and its own prefix.
#[derive(Clone)]
struct Place {
    path: String,
    params: Memo<ParamsMap>,
    keys: Keys,
}

/// Search box, the table (with its pager), and the CSV download of everything it matches.
#[component]
pub fn CompanyTables(company: Memo<CompanyRef>) -> impl IntoView {
    view! {
        {table_panel::<Assets>(company)}
        {table_panel::<Findings>(company)}
    }
}

/// `?prefix_q=` search form; keeps the other table's parameters.
#[component]
fn SearchForm(
    company: Memo<CompanyRef>,
    keys: &'static str,
    label: &'static str,
    placeholder: &'static str,
    q: Memo<String>,
) -> impl IntoView {
    let params = use_query_map();
    let k = Keys { prefix: keys };
    let field = k.key("q");
    let kept = move || {
        params.with(|p| {
            p.into_iter()
                .filter(|(name, _)| !name.starts_with(&format!("{keys}_")))
                .map(|(name, value)| view! { <input type="hidden" name=name.to_string() value=value.to_owned()/> })
                .collect_view()
        })
    };
    let clear = move || {
        let k = Keys { prefix: keys };
        params.with(|p| k.href(&company.get().path(), p, &[]))
    };
    view! {
        <Form method="GET" action=move || company.get().path() attr:class="filters" attr:role="search" attr:aria-label=label>
            {kept}
            <label class="field grow">
                <span>"Search"</span>
                <input type="search" name=field maxlength="200" placeholder=placeholder autocomplete="off" prop:value=move || q.get()/>
            </label>
            <div class="filter-actions">
                <button type="submit" class="button primary">"Search"</button>
                {move || (!q.get().is_empty()).then(|| view! { <a class="button ghost" href=clear()>"Clear"</a> })}
            </div>
        </Form>
    }
}

/// The CSV link of a table: its search and order, every page.
fn csv_link(company: CompanyRef, table: &str, q: &str, sort: &str, descending: bool) -> String {
    let mut query = vec![format!("sort={sort}")];
    if !q.trim().is_empty() {
        query.push(format!("q={}", crate::util::encode_query_value(q.trim())));
    }
    if descending {
        query.push("dir=desc".to_owned());
    }
    format!("{}/{table}.csv?{}", company.path(), query.join("&"))
}

/// "Showing 25 of 1,400", and the Previous and Next links of a keyset page (which keep the
/// table's search and order, and the other table's parameters).
fn pager<R>(
    label: &'static str,
    page: &KeysetPage<R>,
    at: Place,
    first: Option<i64>,
    last: Option<i64>,
) -> AnyView {
    let link = |cursor: &'static str, id: Option<i64>, shown: bool| {
        let at = at.clone();
        match id.filter(|_| shown) {
            None => view! { <span class="button disabled" aria-disabled="true">{if cursor == "before" { "Previous" } else { "Next" }}</span> }.into_any(),
            Some(id) => {
                let href = move || {
                    at.params.with(|p| {
                        let mut set: Vec<(&str, Option<String>)> = ["q", "sort", "dir"]
                            .into_iter()
                            .map(|name| (name, p.get(&at.keys.key(name))))
                            .collect();
                        set.push((cursor, Some(id.to_string())));
                        at.keys.href(&at.path, p, &set)
                    })
                };
                let text = if cursor == "before" { "Previous" } else { "Next" };
                view! { <a class="button" href=href>{text}</a> }.into_any()
            }
        }
    };
    let summary = format!(
        "Showing {} of {}",
        format_count(page.rows.len() as i64),
        format_count(page.total as i64)
    );
    view! {
        <nav class="pagination" aria-label=label>
            <span class="muted" aria-live="polite">{summary}</span>
            <span class="pager">
                {link("before", first, page.has_previous)}
                {link("after", last, page.has_next)}
            </span>
        </nav>
    }
    .into_any()
}

/// One table's panel: search, then the table, refetched (dimmed meanwhile) when its part of
/// the address changes.
fn table_panel<T: CompanyTable>(company: Memo<CompanyRef>) -> impl IntoView {
    let params = use_query_map();
    let state = Memo::new(move |_| params.with(|p| Keys { prefix: T::PREFIX }.read(p, T::parse)));
    let q = Memo::new(move |_| state.with(|s| s.q.clone()));
    let table = Resource::new(
        move || (company.get(), state.get()),
        |(company, s)| async move {
            let page = T::fetch(company, s.clone()).await;
            page.map(|page| (page, s, company))
        },
    );
    let (pending, set_pending) = crate::components::transition_pending();
    let loading = format!("Loading {}…", T::TITLE.to_lowercase());
    view! {
        <Panel id=T::PREFIX title=T::TITLE>
            <SearchForm company keys=T::PREFIX label=T::SEARCH.0 placeholder=T::SEARCH.1 q/>
            <Transition fallback=move || view! { <div class="skeleton" aria-busy="true">{loading.clone()}</div> } set_pending=set_pending>
                <div class:pending=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {move || Suspend::new(async move {
                        match table.await {
                            Ok((page, s, company)) => table_view::<T>(page, s, company),
                            Err(AppError::NotFound) => ().into_any(),
                            Err(AppError::BadRequest(message)) => view! { <div class="notice error" role="alert">{message}</div> }.into_any(),
                            Err(error) => view! { <ErrorNotice error/> }.into_any(),
                        }
                    })}
                </div>
            </Transition>
        </Panel>
    }
}

/// A page of one table: its rows, the pager and the CSV link; or its empty state.
fn table_view<T: CompanyTable>(
    page: KeysetPage<T::Row>,
    s: TableState<T::Sort>,
    company: CompanyRef,
) -> AnyView {
    if page.rows.is_empty() {
        let (title, hint) = if s.q.trim().is_empty() {
            T::EMPTY
        } else {
            T::NO_MATCH
        };
        return view! { <EmptyState title>{hint}</EmptyState> }.into_any();
    }
    let at = Place {
        path: company.path(),
        params: use_query_map(),
        keys: Keys { prefix: T::PREFIX },
    };
    let header = header_row(T::COLUMNS, &s, at.clone(), T::as_str);
    let csv = csv_link(company, T::PREFIX, &s.q, T::as_str(s.sort), s.descending);
    let (first, last) = (page.rows.first().map(T::id), page.rows.last().map(T::id));
    let pager = pager(T::PAGES, &page, at, first, last);
    view! {
        <div class="table-scroll">
            <table class="table">
                <caption class="visually-hidden">{T::TITLE}</caption>
                <thead><tr>{header}</tr></thead>
                <tbody>{page.rows.into_iter().map(T::row).collect_view()}</tbody>
            </table>
        </div>
        {pager}
        <p class="table-actions"><a class="button small" href=csv download rel="external">"Download CSV"</a></p>
    }
    .into_any()
}
