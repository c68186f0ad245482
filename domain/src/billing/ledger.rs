//! Statements: the running month's estimate, built afresh on every read from the samples so
//! far and today's count, and each closed month's statement, built once when the month's last
//! day has been sampled and frozen (stored whole), so later changes to data or prices never
//! alter it.

use super::metering::{self, BACKFILL_DAYS};
use super::plans::plan_of;
use super::pricing::Pricing;
use super::statements;
use crate::scope::{Scoped, TenantOwned};
use crate::{Db, Error, Result};
use chrono::{DateTime, Days, NaiveDate, Utc};
use entity::{billing_statement, tenant};
use portal_types::{Period, Statement, StatementSummary, TenantId, TenantKind, UsageDay};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

impl TenantOwned for billing_statement::Entity {
    fn tenant_column() -> Self::Column {
        billing_statement::Column::MsspTenantId
    }
}

/// Billing is for an MSSP's owners and admins: MSP users are "not found", viewers forbidden.
fn require_billing(scoped: &Scoped<'_>) -> Result<TenantId> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Mssp)?;
    scope.require_write()?;
    Ok(scope.tenant_id())
}

/// The running month's estimate for the signed-in MSSP, as of `now`: the sampled days, and
/// today counted so far (marked provisional).
pub async fn estimate(
    scoped: &Scoped<'_>,
    pricing: &Pricing,
    now: DateTime<Utc>,
) -> Result<Statement> {
    let mssp = require_billing(scoped)?;
    build(
        scoped.db(),
        pricing,
        mssp,
        Period::containing(now.date_naive()),
        now,
        false,
    )
    .await
}

/// The statement of `period`: the running month's estimate (also for no period), or a closed
/// month's frozen statement.
pub async fn statement(
    scoped: &Scoped<'_>,
    pricing: &Pricing,
    period: Option<Period>,
    now: DateTime<Utc>,
) -> Result<Statement> {
    match period.filter(|p| *p != Period::containing(now.date_naive())) {
        None => estimate(scoped, pricing, now).await,
        Some(period) => closed(scoped, period).await,
    }
}

/// The signed-in MSSP's closed months, newest first.
pub async fn past(scoped: &Scoped<'_>) -> Result<Vec<StatementSummary>> {
    require_billing(scoped)?;
    let rows: Vec<(NaiveDate, String, i64, DateTime<Utc>)> = scoped
        .own::<billing_statement::Entity>()
        .select_only()
        .columns([
            billing_statement::Column::Period,
            billing_statement::Column::Currency,
            billing_statement::Column::Total,
            billing_statement::Column::ClosedAt,
        ])
        .order_by_desc(billing_statement::Column::Period)
        .into_tuple()
        .all(scoped.conn())
        .await?;
    rows.into_iter()
        .map(|(period, currency, total, closed_at)| {
            let currency = iso_currency::Currency::from_code(&currency).ok_or_else(|| {
                Error::Internal(format!("a statement's currency {currency:?} is unknown"))
            })?;
            Ok(StatementSummary {
                period: Period::containing(period),
                currency: statements::currency(currency),
                total,
                closed_at,
            })
        })
        .collect()
}

/// The signed-in MSSP's frozen statement of `period`; "not found" when the month is not
/// closed (or not this MSSP's).
pub async fn closed(scoped: &Scoped<'_>, period: Period) -> Result<Statement> {
    require_billing(scoped)?;
    let row = scoped
        .own::<billing_statement::Entity>()
        .filter(billing_statement::Column::Period.eq(period.first_day()))
        .one(scoped.conn())
        .await?
        .ok_or(Error::NotFound)?;
    thaw(&row.body)
}

fn thaw(body: &str) -> Result<Statement> {
    serde_json::from_str(body)
        .map_err(|e| Error::Internal(format!("a stored statement does not read back: {e}")))
}

/// Freezes the statement of every MSSP for each month whose last day has been sampled and
/// that has none yet (within the back-fill window); answers how many it wrote. Every
/// instance may run it: a statement that exists is never written again.
pub async fn close_finished_months(db: &Db, pricing: &Pricing, now: DateTime<Utc>) -> Result<u64> {
    let today = now.date_naive();
    let oldest = today
        .checked_sub_days(Days::new(BACKFILL_DAYS))
        .unwrap_or(today);
    let sampled = metering::sampled_days(db, oldest).await?;
    let mut written = 0;
    let mut period = Period::containing(oldest);
    while period.last_day() < today {
        if sampled.contains(&period.last_day()) {
            for mssp in unbilled_mssps(db, period).await? {
                written += freeze(db, pricing, mssp, period, now).await?;
            }
        }
        period = period.next();
    }
    Ok(written)
}

/// MSSPs that existed by the end of `period` and have no statement of it.
async fn unbilled_mssps(db: &Db, period: Period) -> Result<Vec<TenantId>> {
    let ids: Vec<i64> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .filter(tenant::Column::Kind.eq(TenantKind::Mssp.as_str()))
        .filter(tenant::Column::CreatedAt.lt(metering::end_of(period.last_day())))
        .filter(
            tenant::Column::Id.not_in_subquery(
                Query::select()
                    .column(billing_statement::Column::MsspTenantId)
                    .from(billing_statement::Entity)
                    .and_where(billing_statement::Column::Period.eq(period.first_day()))
                    .to_owned(),
            ),
        )
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(ids.into_iter().map(TenantId).collect())
}

async fn freeze(
    db: &Db,
    pricing: &Pricing,
    mssp: TenantId,
    period: Period,
    now: DateTime<Utc>,
) -> Result<u64> {
    let statement = build(db, pricing, mssp, period, now, true).await?;
    let body = serde_json::to_string(&statement)
        .map_err(|e| Error::Internal(format!("cannot store a statement: {e}")))?;
    let written = billing_statement::Entity::insert(billing_statement::ActiveModel {
        mssp_tenant_id: Set(mssp.0),
        period: Set(period.first_day()),
        currency: Set(statement.plan.currency.code.clone()),
        total: Set(statement.total),
        body: Set(body),
        closed_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([
            billing_statement::Column::MsspTenantId,
            billing_statement::Column::Period,
        ])
        .do_nothing()
        .to_owned(),
    )
    .exec_without_returning(db.conn())
    .await?;
    Ok(written)
}

/// `mssp`'s statement of `period` as of `now`: closing it (every day sampled), or estimating
/// the running month (sampled days, then today so far).
async fn build(
    db: &Db,
    pricing: &Pricing,
    mssp: TenantId,
    period: Period,
    now: DateTime<Utc>,
    closing: bool,
) -> Result<Statement> {
    let (plan_name, plan) = plan_of(db.conn(), pricing, mssp).await?;
    let today = now.date_naive();
    let last = if closing {
        period.last_day()
    } else {
        today.min(period.last_day())
    };
    let mut rows = statements::sampled(db, mssp, period.first_day(), last).await?;
    let running = !closing && Period::containing(today) == period;
    if running {
        rows.extend(metering::usage_now(db.conn(), mssp, now, pricing.deployed_window).await?);
    }
    let daily = every_day(
        statements::daily(&rows),
        period.first_day(),
        last,
        running.then_some(today),
    );
    let peak = statements::peak(&daily);
    let (charges, total) = statements::charge(plan, &peak)?;
    let names = statements::msp_names(db, &rows).await?;
    Ok(Statement {
        period,
        days_elapsed: u32::try_from(daily.len()).unwrap_or(u32::MAX),
        closed_at: closing.then_some(now),
        plan: statements::plan_tiers(plan_name, plan),
        msps: statements::shares(plan, &rows, &charges, &names),
        peak,
        charges,
        total,
        daily,
    })
}

/// `days` with the days from `first` through `last` that have no usage added as zeros (the
/// chart reads one bar a day); `provisional` marks today's.
fn every_day(
    days: Vec<UsageDay>,
    first: NaiveDate,
    last: NaiveDate,
    provisional: Option<NaiveDate>,
) -> Vec<UsageDay> {
    let mut given = days.into_iter().peekable();
    first
        .iter_days()
        .take_while(|day| *day <= last)
        .map(|day| {
            let usage = given.next_if(|usage| usage.day == day).unwrap_or(UsageDay {
                day,
                msp_tenants: 0,
                probe_agents: 0,
                lightweight_agents: 0,
                provisional: false,
            });
            UsageDay {
                provisional: provisional == Some(day),
                ..usage
            }
        })
        .collect()
}
