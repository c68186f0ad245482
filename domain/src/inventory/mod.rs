//! Reading the inventory: a tenant's posture (sums of its companies' roll-ups, never a count of
//! findings), the riskiest MSPs, and a company's assets and open findings as tables.

use crate::{Result, Scoped};
use entity::{tenant, tenant_rollup};
use portal_types::{TenantId, TenantKind};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Select,
};
use std::collections::HashMap;

pub(crate) mod cache;
mod tables;
mod top;
mod trend;

pub(crate) use cache::Query;
pub use cache::{DashboardCache, PageKey, RenderedPage};

pub use tables::{
    AssetRow, AssetSort, Cursor, FindingRow, FindingSort, Page, TableQuery, assets, open_findings,
};
pub use top::{TopOf, TopVulnerability, top_vulnerabilities};
pub(crate) use top::{add_open_counts, lock_entries, move_open_counts};
pub use trend::{MAX_TREND_DAYS, TrendOf, TrendPoint, trend};

/// Counters summed over companies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, FromQueryResult)]
pub struct Posture {
    pub companies: i64,
    pub probe_agents: i64,
    pub lightweight_agents: i64,
    pub probe_discovered_assets: i64,
    pub external_assets: i64,
    pub agent_host_assets: i64,
    pub total_assets: i64,
    pub open_findings: i64,
    pub open_critical: i64,
    pub open_high: i64,
    pub open_medium: i64,
    pub open_low: i64,
}

/// The caller's own tenant's posture: one row per company summed, whatever the number of
/// findings.
pub async fn own_posture(scoped: &Scoped<'_>) -> Result<Posture> {
    sum_rollups(scoped, scoped.own::<tenant_rollup::Entity>()).await
}

/// One approved MSP's posture, for its MSSP. Any other MSP is "not found".
pub async fn msp_posture(scoped: &Scoped<'_>, msp: TenantId) -> Result<Posture> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    let rollups = scoped.of_approved_msp::<tenant_rollup::Entity>(msp)?;
    scoped
        .remembered(Query::MspPosture(msp), sum_rollups(scoped, rollups))
        .await
}

/// The MSSP's global posture: summed over every MSP that has approved it, and over no other.
pub async fn global_posture(scoped: &Scoped<'_>) -> Result<Posture> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    scoped
        .remembered(
            Query::GlobalPosture,
            sum_rollups(scoped, scoped.approved::<tenant_rollup::Entity>()),
        )
        .await
}

/// An MSP the MSSP may view now, for its company selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewableMsp {
    pub id: TenantId,
    pub name: String,
}

/// The MSPs that have approved the caller (an MSSP) as of now, by name.
pub async fn viewable_msps(scoped: &Scoped<'_>) -> Result<Vec<ViewableMsp>> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    let ids = scoped.scope().approved_msps().iter().map(|t| t.0);
    let names = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .column(tenant::Column::Name)
        .filter(tenant::Column::Id.is_in(ids))
        .order_by_asc(tenant::Column::NameKey)
        .into_tuple::<(i64, String)>()
        .all(scoped.conn());
    let rows = scoped
        .remembered(Query::ViewableMsps, async { Ok(names.await?) })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| ViewableMsp {
            id: TenantId(id),
            name,
        })
        .collect())
}

/// One MSP the caller (an MSSP) may view now, or "not found".
pub async fn viewable_msp(scoped: &Scoped<'_>, msp: TenantId) -> Result<ViewableMsp> {
    viewable_msps(scoped)
        .await?
        .into_iter()
        .find(|m| m.id == msp)
        .ok_or(crate::Error::NotFound)
}

/// An MSP's open findings, for the riskiest-MSPs list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MspRisk {
    pub msp: ViewableMsp,
    pub open_findings: i64,
    pub open: OpenCounts,
}

/// The `limit` approved MSPs with the most critical open findings (then high, medium, low),
/// summed from their companies' roll-ups. MSPs with no open findings are left out.
pub async fn riskiest_msps(scoped: &Scoped<'_>, limit: u64) -> Result<Vec<MspRisk>> {
    use tenant_rollup::Column as R;
    let names: HashMap<TenantId, String> = viewable_msps(scoped)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    // One row per approved MSP: its sums are kept, not computed here.
    let riskiest = scoped
        .approved::<tenant_rollup::Entity>()
        .select_only()
        .columns([
            R::TenantId,
            R::OpenFindings,
            R::OpenCritical,
            R::OpenHigh,
            R::OpenMedium,
            R::OpenLow,
        ])
        .filter(R::OpenFindings.gt(0))
        .order_by_desc(R::OpenCritical)
        .order_by_desc(R::OpenHigh)
        .order_by_desc(R::OpenMedium)
        .order_by_desc(R::OpenLow)
        .order_by_asc(R::TenantId)
        .limit(limit)
        .into_tuple::<(i64, i64, i64, i64, i64, i64)>()
        .all(scoped.conn());
    let rows = scoped
        .remembered(Query::Riskiest(limit), async { Ok(riskiest.await?) })
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, open_findings, critical, high, medium, low)| {
            let id = TenantId(id);
            Some(MspRisk {
                msp: ViewableMsp {
                    id,
                    name: names.get(&id)?.clone(),
                },
                open_findings,
                open: OpenCounts {
                    critical,
                    high,
                    medium,
                    low,
                },
            })
        })
        .collect())
}

/// Sums the tenant rows `rollups` selects (none: all zero).
async fn sum_rollups(
    scoped: &Scoped<'_>,
    rollups: Select<tenant_rollup::Entity>,
) -> Result<Posture> {
    Ok(posture_columns(rollups.select_only())
        .into_model::<Posture>()
        .one(scoped.conn())
        .await?
        .unwrap_or_default())
}

/// The posture of each of `msps` that has approved the caller (an MSSP), from their tenant
/// rows; any other MSP is left out.
pub async fn postures_of(
    scoped: &Scoped<'_>,
    msps: &[TenantId],
) -> Result<HashMap<TenantId, Posture>> {
    use tenant_rollup::Column as R;
    #[derive(FromQueryResult)]
    struct Row {
        tenant_id: i64,
        #[sea_orm(nested)]
        posture: Posture,
    }
    scoped.scope().require_kind(TenantKind::Mssp)?;
    let select = scoped
        .approved::<tenant_rollup::Entity>()
        .select_only()
        .column(R::TenantId)
        .filter(R::TenantId.is_in(msps.iter().map(|m| m.0)))
        .group_by(R::TenantId);
    let rows = posture_columns(select)
        .into_model::<Row>()
        .all(scoped.conn());
    let postures = async {
        Ok(rows
            .await?
            .into_iter()
            .map(|r| (TenantId(r.tenant_id), r.posture))
            .collect())
    };
    scoped
        .remembered(Query::Postures(msps.to_vec()), postures)
        .await
}

/// `select` with the [`Posture`] columns: sums over the tenant rows it selects.
fn posture_columns(select: Select<tenant_rollup::Entity>) -> Select<tenant_rollup::Entity> {
    use tenant_rollup::Column as R;
    let mut select = select;
    for (column, name) in [
        (R::Companies, "companies"),
        (R::ProbeAgents, "probe_agents"),
        (R::LightweightAgents, "lightweight_agents"),
        (R::ProbeDiscoveredAssets, "probe_discovered_assets"),
        (R::ExternalAssets, "external_assets"),
        (R::AgentHostAssets, "agent_host_assets"),
        (R::TotalAssets, "total_assets"),
        (R::OpenFindings, "open_findings"),
        (R::OpenCritical, "open_critical"),
        (R::OpenHigh, "open_high"),
        (R::OpenMedium, "open_medium"),
        (R::OpenLow, "open_low"),
    ] {
        let sum = Func::coalesce([Expr::col(column).sum(), Expr::val(0)]);
        // SUM of BIGINT is NUMERIC on PostgreSQL; the cast keeps it an integer on both engines.
        select = select.column_as(sum.cast_as(Alias::new("BIGINT")), name);
    }
    select
}

/// Open findings of one asset, by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenCounts {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}
