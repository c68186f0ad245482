//! Open findings per day, from the daily snapshots: a tenant's (its own row per day), the
//! Global view's (approved MSPs' rows summed per day), or one company's.

use super::Query;
use crate::scope::TenantOwned;
use crate::{Error, Owner, Result, Scoped};
use chrono::NaiveDate;
use entity::{rollup_snapshot, tenant_snapshot};
use portal_types::{ParseError, TenantKind};
use sea_orm::sea_query::{Alias, Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Select, SelectModel,
    Selector,
};

impl TenantOwned for tenant_snapshot::Entity {
    fn tenant_column() -> Self::Column {
        tenant_snapshot::Column::TenantId
    }
}

impl TenantOwned for rollup_snapshot::Entity {
    fn tenant_column() -> Self::Column {
        rollup_snapshot::Column::TenantId
    }
}

/// Whose trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrendOf {
    /// The MSSP's Global view: every MSP that has approved it, summed.
    Global,
    /// A tenant: the caller's own, or an approved MSP.
    Tenant(Owner),
    /// One company of a tenant.
    Company(Owner, i64),
}

/// The open findings on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromQueryResult)]
pub struct TrendPoint {
    pub day: NaiveDate,
    pub open_findings: i64,
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// Longest trend, in days.
pub const MAX_TREND_DAYS: u32 = 366;

/// The last `days` days (up to `today`) of `of`, oldest first; days without a snapshot are
/// left out.
pub async fn trend(
    scoped: &Scoped<'_>,
    of: TrendOf,
    days: u32,
    today: NaiveDate,
) -> Result<Vec<TrendPoint>> {
    if days == 0 || days > MAX_TREND_DAYS {
        return Err(Error::Invalid(ParseError {
            field: "days",
            message: format!("A trend covers 1 to {MAX_TREND_DAYS} days."),
        }));
    }
    let since = today - chrono::Days::new(u64::from(days - 1));
    let points = match of {
        TrendOf::Global => {
            scoped.scope().require_kind(TenantKind::Mssp)?;
            // Day by day through every approved MSP's rows, summed as they pass.
            tenant_days(scoped.approved_in_index_order(), since)
        }
        TrendOf::Tenant(owner) => tenant_days(scoped.of(owner)?, since),
        TrendOf::Company(owner, id) => {
            let company = crate::companies::company_of(scoped, owner, id).await?;
            return company_days(scoped, owner, company.id, since).await;
        }
    };
    let query = Query::Trend(of, days, today);
    scoped
        .remembered(query, async { Ok(points.all(scoped.conn()).await?) })
        .await
}

/// One company's rows since `since`.
async fn company_days(
    scoped: &Scoped<'_>,
    owner: Owner,
    company: i64,
    since: NaiveDate,
) -> Result<Vec<TrendPoint>> {
    use rollup_snapshot::Column as C;
    let rows = scoped
        .of::<rollup_snapshot::Entity>(owner)?
        .filter(C::CompanyId.eq(company))
        .filter(C::Day.gte(since))
        .order_by_asc(C::Day)
        .all(scoped.conn())
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| TrendPoint {
            day: r.day,
            open_findings: r.open_findings,
            critical: r.open_critical,
            high: r.open_high,
            medium: r.open_medium,
            low: r.open_low,
        })
        .collect())
}

/// The tenant rows `rows` selects since `since`, summed per day.
fn tenant_days(
    rows: Select<tenant_snapshot::Entity>,
    since: NaiveDate,
) -> Selector<SelectModel<TrendPoint>> {
    use tenant_snapshot::Column as C;
    // SUM of BIGINT is NUMERIC on PostgreSQL; the cast keeps it an integer on both engines.
    let total = |column: C| Expr::col(column).sum().cast_as(Alias::new("BIGINT"));
    rows.select_only()
        .column(C::Day)
        .column_as(total(C::OpenFindings), "open_findings")
        .column_as(total(C::OpenCritical), "critical")
        .column_as(total(C::OpenHigh), "high")
        .column_as(total(C::OpenMedium), "medium")
        .column_as(total(C::OpenLow), "low")
        .filter(C::Day.gte(since))
        .group_by(C::Day)
        .order_by_asc(C::Day)
        .into_model::<TrendPoint>()
}
