//! The Billing page's downloads, for the running month (no `period`) or a closed one
//! (`?period=2026-10`):
//!
//! - `GET /mssp/billing/statement.csv`: each line of the calculation, then the total;
//! - `GET /mssp/billing/msps.csv`: each MSP tenant's days, peak agents and share.
//!
//! The same statement as the page, from the same domain call: MSSP owners and admins only,
//! their own statements only; anyone else is refused as for the page.

use crate::audit_csv::neutralise;
use crate::signed_in::{ErrorResponse, SignedIn};
use app::ssr::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use portal_types::{AppError, Period, Statement};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    period: Option<String>,
}

const STATEMENT_HEADER: [&str; 8] = [
    "period",
    "meter",
    "tier",
    "units",
    "unit_price",
    "flat_fee",
    "amount",
    "currency",
];
const MSPS_HEADER: [&str; 8] = [
    "period",
    "msp",
    "days_counted",
    "peak_probe_agents",
    "peak_lightweight_agents",
    "peak_agents",
    "share",
    "currency",
];

pub async fn statement(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let statement = load(&scope, &state, query).await?;
    let money = |minor| statement.money(minor).decimal();
    let (period, currency) = (
        statement.period.to_string(),
        statement.plan.currency.code.clone(),
    );
    let mut rows: Vec<Vec<String>> = statement
        .charges
        .iter()
        .flat_map(|charge| {
            charge.lines.iter().map(|line| {
                vec![
                    period.clone(),
                    charge.meter.clone(),
                    line.tier.range(),
                    line.units.to_string(),
                    money(line.tier.unit_price),
                    money(line.tier.flat_fee),
                    money(line.amount),
                    currency.clone(),
                ]
            })
        })
        .collect();
    rows.push(vec![
        period.clone(),
        "Total".into(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        money(statement.total),
        currency,
    ]);
    respond(&statement, "statement", &STATEMENT_HEADER, &rows)
}

pub async fn msps(
    SignedIn(scope): SignedIn,
    State(state): State<AppState>,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Response, ErrorResponse> {
    let statement = load(&scope, &state, query).await?;
    let period = statement.period.to_string();
    let rows: Vec<Vec<String>> = statement
        .msps
        .iter()
        .map(|msp| {
            vec![
                period.clone(),
                msp.name.clone(),
                msp.days_counted.to_string(),
                msp.peak_probe_agents.to_string(),
                msp.peak_lightweight_agents.to_string(),
                msp.peak_agents.to_string(),
                statement.money(msp.share).decimal(),
                statement.plan.currency.code.clone(),
            ]
        })
        .collect();
    respond(&statement, "msps", &MSPS_HEADER, &rows)
}

async fn load(
    scope: &domain::Scope,
    state: &AppState,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Statement, ErrorResponse> {
    let period = crate::signed_in::query_of(query)?
        .period
        .as_deref()
        .map(Period::parse)
        .transpose()
        .map_err(|e| ErrorResponse(AppError::from(e).in_query()))?;
    Ok(domain::billing::ledger::statement(
        &state.db.scoped(scope),
        &state.pricing,
        period,
        chrono::Utc::now(),
    )
    .await?)
}

fn respond(
    statement: &Statement,
    what: &str,
    header: &[&str],
    rows: &[Vec<String>],
) -> Result<Response, ErrorResponse> {
    let internal = |e: &dyn std::fmt::Display| {
        ErrorResponse(AppError::from(domain::Error::Internal(format!(
            "cannot write the billing CSV: {e}"
        ))))
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(|e| internal(&e))?;
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| neutralise(cell).into_owned()))
            .map_err(|e| internal(&e))?;
    }
    let body = writer.into_inner().map_err(|e| internal(&e))?;
    let estimate = if statement.closed_at.is_some() {
        ""
    } else {
        "-estimate"
    };
    let filename = format!(
        "attachment; filename=\"billing-{what}-{}{estimate}.csv\"",
        statement.period
    );
    let headers = [
        (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
        (CONTENT_DISPOSITION, filename),
        (CACHE_CONTROL, "no-store".to_owned()),
    ];
    Ok((headers, body).into_response())
}
