//! Reading the inventory: a tenant's posture (sums of its companies' roll-ups, never a count of
//! findings), and a company's assets and open findings a page at a time.

use crate::companies::visible_company;
use crate::{Result, Scoped};
use chrono::{DateTime, Utc};
use entity::{asset, company, company_rollup, finding, tenant, vulnerability};
use portal_types::{AssetSource, FindingStatus, Severity, TenantId, TenantKind};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func};
use sea_orm::{
    ColumnTrait, EntityTrait, FromQueryResult, JoinType, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, RelationDef, Select,
};
use std::collections::HashMap;

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
    sum_rollups(scoped, scoped.own()).await
}

/// One approved MSP's posture, for its MSSP. Any other MSP is "not found".
pub async fn msp_posture(scoped: &Scoped<'_>, msp: TenantId) -> Result<Posture> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    sum_rollups(scoped, scoped.of_approved_msp(msp)?).await
}

/// The MSSP's global posture: summed over every MSP that has approved it, and over no other.
pub async fn global_posture(scoped: &Scoped<'_>) -> Result<Posture> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    sum_rollups(scoped, scoped.approved()).await
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
    let rows: Vec<(i64, String)> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .column(tenant::Column::Name)
        .filter(tenant::Column::Id.is_in(ids))
        .order_by_asc(tenant::Column::NameKey)
        .into_tuple()
        .all(scoped.conn())
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
    scoped.scope().require_kind(TenantKind::Mssp)?;
    if !scoped.scope().approved_msps().contains(&msp) {
        return Err(crate::Error::NotFound);
    }
    let name = tenant::Entity::find_by_id(msp.0)
        .one(scoped.conn())
        .await?
        .ok_or(crate::Error::NotFound)?
        .name;
    Ok(ViewableMsp { id: msp, name })
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
    use company_rollup::Column as R;
    let names: HashMap<TenantId, String> = viewable_msps(scoped)
        .await?
        .into_iter()
        .map(|m| (m.id, m.name))
        .collect();
    let total = |column: R| Expr::col(column).sum().cast_as(Alias::new("BIGINT"));
    let rows: Vec<(i64, i64, i64, i64, i64, i64)> = scoped
        .approved::<company_rollup::Entity>()
        .select_only()
        .column(R::TenantId)
        .column_as(total(R::OpenFindings), "open_findings")
        .column_as(total(R::OpenCritical), "critical")
        .column_as(total(R::OpenHigh), "high")
        .column_as(total(R::OpenMedium), "medium")
        .column_as(total(R::OpenLow), "low")
        .group_by(R::TenantId)
        .having(Expr::col(R::OpenFindings).sum().gt(0))
        .order_by(total(R::OpenCritical), Order::Desc)
        .order_by(total(R::OpenHigh), Order::Desc)
        .order_by(total(R::OpenMedium), Order::Desc)
        .order_by(total(R::OpenLow), Order::Desc)
        .order_by_asc(R::TenantId)
        .limit(limit)
        .into_tuple()
        .all(scoped.conn())
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

/// Sums the roll-ups `rollups` selects.
async fn sum_rollups(
    scoped: &Scoped<'_>,
    rollups: Select<company_rollup::Entity>,
) -> Result<Posture> {
    use company_rollup::Column as R;
    let sum = |column: R, name: &str| {
        (
            Func::coalesce([Expr::col(column).sum(), Expr::val(0)]),
            name.to_owned(),
        )
    };
    let mut select = rollups
        .select_only()
        .column_as(Expr::col(R::CompanyId).count(), "companies");
    for (column, name) in [
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
        let (expr, alias) = sum(column, name);
        // SUM of BIGINT is NUMERIC on PostgreSQL; the cast keeps it an integer on both engines.
        select = select.column_as(expr.cast_as(Alias::new("BIGINT")), alias);
    }
    Ok(select
        .into_model::<Posture>()
        .one(scoped.conn())
        .await?
        .unwrap_or_default())
}

/// Open findings of one asset, by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenCounts {
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// One asset of a company's assets table.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetRow {
    pub id: i64,
    pub source: AssetSource,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os: Option<String>,
    pub last_seen_at: DateTime<Utc>,
    pub open: OpenCounts,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssetPage {
    pub rows: Vec<AssetRow>,
    pub total: u64,
}

/// A company's assets by hostname (or IP), a page at a time, each with its open findings by
/// severity (counted for the page's assets only).
pub async fn assets_page(
    scoped: &Scoped<'_>,
    company_id: i64,
    page: u64,
    per_page: u64,
) -> Result<AssetPage> {
    let company = visible_company(scoped, company_id).await?;
    let offset = crate::paging::offset(page, per_page)?;
    let select = scoped
        .visible::<asset::Entity>()
        .filter(asset::Column::CompanyId.eq(company.id));
    let total = select.clone().count(scoped.conn()).await?;
    let assets = select
        .order_by_asc(asset::Column::AssetKey)
        .order_by_asc(asset::Column::Id)
        .offset(offset)
        .limit(per_page)
        .all(scoped.conn())
        .await?;
    let ids: Vec<i64> = assets.iter().map(|a| a.id).collect();
    let counted: Vec<(i64, String, i64)> = scoped
        .visible::<finding::Entity>()
        .select_only()
        .column(finding::Column::AssetId)
        .column(finding::Column::Severity)
        .column_as(finding::Column::Id.count(), "n")
        .filter(finding::Column::AssetId.is_in(ids))
        .filter(finding::Column::Status.eq(FindingStatus::Open.as_str()))
        .group_by(finding::Column::AssetId)
        .group_by(finding::Column::Severity)
        .into_tuple()
        .all(scoped.conn())
        .await?;
    let mut open: HashMap<i64, OpenCounts> = HashMap::new();
    for (asset_id, severity, n) in counted {
        let counts = open.entry(asset_id).or_default();
        match severity.parse::<Severity>() {
            Ok(Severity::Critical) => counts.critical = n,
            Ok(Severity::High) => counts.high = n,
            Ok(Severity::Medium) => counts.medium = n,
            Ok(Severity::Low) => counts.low = n,
            _ => {}
        }
    }
    let rows = assets
        .into_iter()
        .map(|a| {
            Ok(AssetRow {
                source: a.source.parse().map_err(crate::Error::Internal)?,
                open: open.get(&a.id).copied().unwrap_or_default(),
                id: a.id,
                hostname: a.hostname,
                ip: a.ip,
                os: a.os,
                last_seen_at: a.last_seen_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(AssetPage { rows, total })
}

/// One open finding of a company's findings table.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub id: i64,
    pub vuln_key: String,
    pub title: String,
    pub severity: Severity,
    pub cvss_tenths: Option<i16>,
    pub asset: String,
    pub first_seen_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FindingPage {
    pub rows: Vec<FindingRow>,
    pub total: u64,
}

#[derive(FromQueryResult)]
struct FindingRecord {
    id: i64,
    vuln_key: String,
    title: String,
    severity: String,
    cvss_tenths: Option<i16>,
    asset_key: String,
    first_seen_at: DateTime<Utc>,
}

fn vulnerability_of_finding() -> RelationDef {
    finding::Entity::belongs_to(vulnerability::Entity)
        .from(finding::Column::VulnerabilityId)
        .to(vulnerability::Column::Id)
        .into()
}

fn asset_of_finding() -> RelationDef {
    finding::Entity::belongs_to(asset::Entity)
        .from(finding::Column::AssetId)
        .to(asset::Column::Id)
        .into()
}

/// A company's open findings, worst first (`info` last), a page at a time.
pub async fn open_findings_page(
    scoped: &Scoped<'_>,
    company_id: i64,
    page: u64,
    per_page: u64,
) -> Result<FindingPage> {
    let company: company::Model = visible_company(scoped, company_id).await?;
    let offset = crate::paging::offset(page, per_page)?;
    let select = scoped
        .visible::<finding::Entity>()
        .filter(finding::Column::CompanyId.eq(company.id))
        .filter(finding::Column::Status.eq(FindingStatus::Open.as_str()));
    let total = select.clone().count(scoped.conn()).await?;
    let rank = Expr::case(finding::Column::Severity.eq(Severity::Critical.as_str()), 0)
        .case(finding::Column::Severity.eq(Severity::High.as_str()), 1)
        .case(finding::Column::Severity.eq(Severity::Medium.as_str()), 2)
        .case(finding::Column::Severity.eq(Severity::Low.as_str()), 3)
        .finally(4);
    let records = select
        .select_only()
        .column(finding::Column::Id)
        .column(finding::Column::Severity)
        .column(finding::Column::FirstSeenAt)
        .column(vulnerability::Column::VulnKey)
        .column(vulnerability::Column::Title)
        .column(vulnerability::Column::CvssTenths)
        .column(asset::Column::AssetKey)
        .join(JoinType::InnerJoin, vulnerability_of_finding())
        .join(JoinType::InnerJoin, asset_of_finding())
        .order_by(Expr::Case(Box::new(rank)), Order::Asc)
        .order_by_desc(vulnerability::Column::CvssTenths)
        .order_by_asc(finding::Column::Id)
        .offset(offset)
        .limit(per_page)
        .into_model::<FindingRecord>()
        .all(scoped.conn())
        .await?;
    let rows = records
        .into_iter()
        .map(|r| {
            Ok(FindingRow {
                severity: r.severity.parse().map_err(crate::Error::Internal)?,
                id: r.id,
                vuln_key: r.vuln_key,
                title: r.title,
                cvss_tenths: r.cvss_tenths,
                asset: r.asset_key,
                first_seen_at: r.first_seen_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(FindingPage { rows, total })
}
