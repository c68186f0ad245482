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
use domain::companies::SortBy;
use domain::{Owner, Scope};
use export::{Export, Position, Table};
use futures_util::{StreamExt, stream};

mod export;
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use portal_types::{AppError, TenantId};
use serde::Deserialize;

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
    company_table(signed_in, state, Owner::Own, company, query, assets).await
}

pub async fn msp_assets(
    signed_in: SignedIn,
    state: State<AppState>,
    Path((msp, company)): Path<(i64, i64)>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let owner = Owner::Msp(TenantId(msp));
    company_table(signed_in, state, owner, company, query, assets).await
}

pub async fn own_findings(
    signed_in: SignedIn,
    state: State<AppState>,
    Path(company): Path<i64>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    company_table(signed_in, state, Owner::Own, company, query, findings).await
}

pub async fn msp_findings(
    signed_in: SignedIn,
    state: State<AppState>,
    Path((msp, company)): Path<(i64, i64)>,
    query: Result<Query<TableParams>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let owner = Owner::Msp(TenantId(msp));
    company_table(signed_in, state, owner, company, query, findings).await
}

/// One of a company's tables, `table` reading which (and its order) from the query.
async fn company_table(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    owner: Owner,
    company: i64,
    query: Result<Query<TableParams>, QueryRejection>,
    table: fn(&TableParams) -> Result<Table, ErrorResponse>,
) -> Result<Response, ErrorResponse> {
    let params = params(query)?;
    let table = table(&params)?;
    download(state, scope, owner, company, table, params).await
}

fn assets(params: &TableParams) -> Result<Table, ErrorResponse> {
    let sort = sort(params, AssetSort::parse)?;
    Ok(Table::Assets(app::inventory::ssr::asset_sort(sort)))
}

fn findings(params: &TableParams) -> Result<Table, ErrorResponse> {
    let sort = sort(params, FindingSort::parse)?;
    Ok(Table::Findings(app::inventory::ssr::finding_sort(sort)))
}

fn params(query: Result<Query<TableParams>, QueryRejection>) -> Result<TableParams, ErrorResponse> {
    crate::signed_in::query_of(query)
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
