//! The inventory tables as CSV, with the table's search and order, every page:
//!
//! - `GET /mssp/msps.csv?q=&status=&sort=&dir=`: the MSSP's MSPs table with each approved
//!   MSP's counters;
//! - `GET /msp/companies.csv` and `/mssp/msps/{msp}/companies.csv`: the companies table;
//! - `GET /msp/companies/{id}/assets.csv` and `…/findings.csv`, and the same under
//!   `/mssp/msps/{msp}/companies/{id}/`: a company's assets and open findings.
//!
//! Query: `q` (search), `sort` (as the page's address spells it), `dir=desc`. An MSSP reaches an
//! MSP's tables only while the MSP has approved it; anything else is "not found", as for the
//! pages. The first batch is read before the response starts, so a refusal is a plain error;
//! later batches stream, so a large table is never held in memory.

use crate::audit_csv::neutralise;
use crate::signed_in::{ErrorResponse, SignedIn};
use app::inventory::{AssetSort, CompanySort, FindingSort};
use app::ssr::AppState;
use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use domain::companies::{ListQuery, SortBy};
use domain::inventory::{Cursor, TableQuery};
use domain::{Db, Owner, Scope};
use futures_util::{StreamExt, stream};
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use portal_types::{AppError, TenantId};
use serde::Deserialize;

/// Rows read per batch (the largest page the domain serves).
const BATCH: u64 = domain::paging::MAX_PER_PAGE;

/// The table's search and order, as its page's address has them.
#[derive(Debug, Default, Deserialize)]
pub struct TableParams {
    #[serde(default)]
    q: String,
    sort: Option<String>,
    dir: Option<String>,
    /// The MSPs table's status filter.
    status: Option<String>,
}

/// Which table, in which order.
#[derive(Debug, Clone, Copy)]
enum Table {
    Msps(
        domain::associations::SortBy,
        Option<portal_types::AssociationStatus>,
    ),
    Companies(SortBy),
    Assets(domain::inventory::AssetSort),
    Findings(domain::inventory::FindingSort),
}

impl Table {
    fn header(self) -> &'static [&'static str] {
        match self {
            Table::Msps(..) => &[
                "msp",
                "admin_email",
                "request_status",
                "companies",
                "agents",
                "assets",
                "open_findings",
                "critical",
                "high",
                "medium",
                "low",
                "requested",
                "decided_or_ended",
                "reason",
            ],
            Table::Companies(_) => &[
                "company",
                "probe_agents",
                "lightweight_agents",
                "probe_discovered_assets",
                "external_assets",
                "total_vulnerabilities",
                "critical",
                "high",
                "medium",
                "low",
            ],
            Table::Assets(_) => &[
                "hostname",
                "ip",
                "os",
                "source",
                "last_seen",
                "critical",
                "high",
                "medium",
                "low",
            ],
            Table::Findings(_) => &[
                "vulnerability",
                "title",
                "severity",
                "cvss",
                "asset",
                "first_seen",
            ],
        }
    }

    fn file(self) -> &'static str {
        match self {
            Table::Msps(..) => "msps",
            Table::Companies(_) => "companies",
            Table::Assets(_) => "assets",
            Table::Findings(_) => "open-findings",
        }
    }
}

/// Where the next batch starts.
#[derive(Debug, Clone, Copy)]
enum Position {
    After(Option<i64>),
    Page(u64),
}

/// One export: who asks, whose table, which rows.
struct Export {
    db: Db,
    scope: Scope,
    owner: Owner,
    company: i64,
    table: Table,
    search: String,
    descending: bool,
}

impl Export {
    /// The keyset query of the batch at `at`.
    fn query<S>(&self, sort: S, at: Position) -> TableQuery<S> {
        TableQuery {
            search: Some(self.search.clone()),
            sort,
            descending: self.descending,
            cursor: match at {
                Position::After(Some(id)) => Cursor::After(id),
                _ => Cursor::First,
            },
            per_page: BATCH,
        }
    }

    /// The rows at `at` as CSV cells, and where the batch after it starts (if any).
    async fn batch(&self, at: Position) -> domain::Result<(Vec<Vec<String>>, Option<Position>)> {
        let scoped = self.db.scoped(&self.scope);
        let after = |has_next: bool, last: Option<i64>| {
            has_next
                .then_some(Position::After(last))
                .filter(|_| last.is_some())
        };
        match self.table {
            Table::Assets(sort) => {
                let page = domain::inventory::assets(
                    &scoped,
                    self.owner,
                    self.company,
                    &self.query(sort, at),
                )
                .await?;
                let next = after(page.has_next, page.rows.last().map(|r| r.id));
                let rows = page
                    .rows
                    .into_iter()
                    .map(|a| {
                        vec![
                            a.hostname.unwrap_or_default(),
                            a.ip.unwrap_or_default(),
                            a.os.unwrap_or_default(),
                            a.source.as_str().to_owned(),
                            time(a.last_seen_at),
                            a.open.critical.to_string(),
                            a.open.high.to_string(),
                            a.open.medium.to_string(),
                            a.open.low.to_string(),
                        ]
                    })
                    .collect();
                Ok((rows, next))
            }
            Table::Findings(sort) => {
                let page = domain::inventory::open_findings(
                    &scoped,
                    self.owner,
                    self.company,
                    &self.query(sort, at),
                )
                .await?;
                let next = after(page.has_next, page.rows.last().map(|r| r.id));
                let rows = page
                    .rows
                    .into_iter()
                    .map(|f| {
                        vec![
                            f.vuln_key,
                            f.title,
                            f.severity.as_str().to_owned(),
                            f.cvss_tenths
                                .map(|t| format!("{:.1}", f64::from(t) / 10.0))
                                .unwrap_or_default(),
                            f.asset,
                            time(f.first_seen_at),
                        ]
                    })
                    .collect();
                Ok((rows, next))
            }
            Table::Msps(sort, status) => {
                let page = match at {
                    Position::Page(page) => page,
                    Position::After(_) => 1,
                };
                let query = domain::associations::ListQuery {
                    search: Some(self.search.clone()),
                    status,
                    sort,
                    descending: self.descending,
                    page,
                    per_page: BATCH,
                };
                let found = domain::associations::list_for_mssp(&scoped, &query).await?;
                let next = (page * BATCH < found.total).then_some(Position::Page(page + 1));
                let rows = found
                    .rows
                    .into_iter()
                    .map(|m| {
                        let counts = m.posture.map(|p| {
                            [
                                p.companies,
                                p.probe_agents + p.lightweight_agents,
                                p.total_assets,
                                p.open_findings,
                                p.open_critical,
                                p.open_high,
                                p.open_medium,
                                p.open_low,
                            ]
                        });
                        let mut row =
                            vec![m.msp_name, m.requested_email, m.status.as_str().to_owned()];
                        // Blank where the MSP has not approved: its numbers are not the MSSP's to see.
                        row.extend(
                            (0..8).map(|i| counts.map(|c| c[i].to_string()).unwrap_or_default()),
                        );
                        row.push(time(m.requested_at));
                        row.push(m.ended_at.or(m.decided_at).map(time).unwrap_or_default());
                        row.push(m.end_reason.or(m.decision_reason).unwrap_or_default());
                        row
                    })
                    .collect();
                Ok((rows, next))
            }
            Table::Companies(sort) => {
                let page = match at {
                    Position::Page(page) => page,
                    Position::After(_) => 1,
                };
                let query = ListQuery {
                    search: Some(self.search.clone()),
                    sort,
                    descending: self.descending,
                    page,
                    per_page: BATCH,
                };
                let found = match self.owner {
                    Owner::Own => domain::companies::page(&scoped, &query).await?,
                    Owner::Msp(msp) => domain::companies::msp_page(&scoped, msp, &query).await?,
                };
                let next = (page * BATCH < found.total).then_some(Position::Page(page + 1));
                let rows = found
                    .rows
                    .into_iter()
                    .map(|c| {
                        let r = c.rollup;
                        let counts = [
                            r.probe_agents,
                            r.lightweight_agents,
                            r.probe_discovered_assets,
                            r.external_assets,
                            r.open_findings,
                            r.open_critical,
                            r.open_high,
                            r.open_medium,
                            r.open_low,
                        ];
                        std::iter::once(c.name)
                            .chain(counts.iter().map(i64::to_string))
                            .collect()
                    })
                    .collect();
                Ok((rows, next))
            }
        }
    }
}

fn time(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub async fn msps(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let params = params(query)?;
    let sort = app::associations::to_wire::sort(sort(&params, app::associations::MspSort::parse)?);
    let status = match params.status.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(raw.parse().map_err(|_| {
            ErrorResponse(AppError::BadRequest(format!(
                "\"{raw}\" is not a request status."
            )))
        })?),
    };
    download(
        state,
        scope,
        Owner::Own,
        0,
        Table::Msps(sort, status),
        params,
    )
    .await
}

pub async fn own_companies(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let params = params(query)?;
    let sort = companies_sort(&params)?;
    download(state, scope, Owner::Own, 0, Table::Companies(sort), params).await
}

pub async fn msp_companies(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    Path(msp): Path<i64>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let params = params(query)?;
    let sort = companies_sort(&params)?;
    let owner = Owner::Msp(TenantId(msp));
    download(state, scope, owner, 0, Table::Companies(sort), params).await
}

pub async fn own_assets(
    signed_in: SignedIn,
    state: State<AppState>,
    Path(company): Path<i64>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    assets(signed_in, state, Owner::Own, company, query).await
}

pub async fn msp_assets(
    signed_in: SignedIn,
    state: State<AppState>,
    Path((msp, company)): Path<(i64, i64)>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    assets(signed_in, state, Owner::Msp(TenantId(msp)), company, query).await
}

pub async fn own_findings(
    signed_in: SignedIn,
    state: State<AppState>,
    Path(company): Path<i64>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    findings(signed_in, state, Owner::Own, company, query).await
}

pub async fn msp_findings(
    signed_in: SignedIn,
    state: State<AppState>,
    Path((msp, company)): Path<(i64, i64)>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    findings(signed_in, state, Owner::Msp(TenantId(msp)), company, query).await
}

async fn assets(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    owner: Owner,
    company: i64,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    use domain::inventory::AssetSort as S;
    let params = params(query)?;
    let sort = match sort(&params, AssetSort::parse)? {
        AssetSort::Name => S::Name,
        AssetSort::LastSeen => S::LastSeen,
    };
    download(state, scope, owner, company, Table::Assets(sort), params).await
}

async fn findings(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    owner: Owner,
    company: i64,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    use domain::inventory::FindingSort as S;
    let params = params(query)?;
    let sort = match sort(&params, FindingSort::parse)? {
        FindingSort::Severity => S::Severity,
        FindingSort::FirstSeen => S::FirstSeen,
    };
    download(state, scope, owner, company, Table::Findings(sort), params).await
}

fn params(query: Result<Query<TableParams>, QueryRejection>) -> Result<TableParams, ErrorResponse> {
    query.map(|Query(params)| params).map_err(|rejection| {
        ErrorResponse(AppError::BadRequest(format!(
            "the query string is malformed ({})",
            rejection.body_text()
        )))
    })
}

/// The order `sort=` names (the table's default without one), or 400.
fn sort<S: Default>(
    params: &TableParams,
    parse: fn(&str) -> Option<S>,
) -> Result<S, ErrorResponse> {
    match params.sort.as_deref() {
        None | Some("") => Ok(S::default()),
        Some(raw) => parse(raw).ok_or_else(|| {
            ErrorResponse(AppError::BadRequest(format!(
                "\"{raw}\" is not a column to sort by."
            )))
        }),
    }
}

fn companies_sort(params: &TableParams) -> Result<SortBy, ErrorResponse> {
    Ok(app::inventory::ssr::sort(sort(params, CompanySort::parse)?))
}

/// Reads the first batch (so refusals are plain errors), then streams the rest.
async fn download(
    state: AppState,
    scope: Scope,
    owner: Owner,
    company: i64,
    table: Table,
    params: TableParams,
) -> Result<Response, ErrorResponse> {
    let export = Export {
        db: state.db.clone(),
        scope,
        owner,
        company,
        table,
        search: params.q,
        descending: params.dir.as_deref() == Some("desc"),
    };
    let first = export
        .batch(Position::After(None))
        .await
        .map_err(|e| ErrorResponse(AppError::from(e).in_query()))?;
    let filename = format!(
        "attachment; filename=\"{}-{}.csv\"",
        table.file(),
        chrono::Utc::now().format("%Y-%m-%d")
    );
    let headers = [
        (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (CONTENT_DISPOSITION, filename),
        (CACHE_CONTROL, "no-store".to_owned()),
    ];
    let head = encode(Some(table.header()), &first.0);
    let rest = stream::try_unfold((export, first.1), |(export, next)| async move {
        let Some(at) = next else {
            return Ok(None);
        };
        match export.batch(at).await {
            Ok((rows, next)) => Ok(Some((encode(None, &rows)?, (export, next)))),
            Err(error) => {
                // Logged once here, with a reference; the aborted body tells the client.
                let error = error.into_app_error();
                Err(std::io::Error::other(error.to_string()))
            }
        }
    });
    let body = stream::once(async move { head }).chain(rest);
    Ok((headers, Body::from_stream(body)).into_response())
}

/// CSV for `rows`, after `header` when given; every cell neutralised against formulas.
fn encode(header: Option<&[&str]>, rows: &[Vec<String>]) -> Result<Vec<u8>, std::io::Error> {
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    if let Some(header) = header {
        writer.write_record(header)?;
    }
    for row in rows {
        writer.write_record(row.iter().map(|cell| neutralise(cell).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}
