//! An MSP's client companies: create, rename, delete (with everything under them), and the
//! companies table with each company's roll-up counters.
//!
//! Only MSP owners and admins change companies; every query goes through the tenant scope, so
//! another tenant's company is "not found". A company is created with its roll-up row, in one
//! transaction, so the counters exist from the start.

use crate::audit::{self, Actor};
use crate::scope::TenantOwned;
use crate::{Error, Owner, Result, Scoped};
use chrono::{DateTime, SubsecRound, Utc};
use entity::{company, company_rollup};
use portal_types::{CompanyName, TenantId, TenantKind};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

impl TenantOwned for company::Entity {
    fn tenant_column() -> Self::Column {
        company::Column::TenantId
    }
}

impl TenantOwned for entity::tenant_rollup::Entity {
    fn tenant_column() -> Self::Column {
        entity::tenant_rollup::Column::TenantId
    }
}

impl TenantOwned for company_rollup::Entity {
    fn tenant_column() -> Self::Column {
        company_rollup::Column::TenantId
    }
}

/// A company with its counters.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyRow {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub rollup: company_rollup::Model,
}

/// What deleting a company removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deleted {
    pub agents: i64,
    pub assets: i64,
    pub open_findings: i64,
}

fn conflict(name: &CompanyName) -> String {
    format!("A company named \"{name}\" already exists.")
}

/// Creates a company of the caller's MSP. A name already used by another of its companies (in
/// any letter case) is a conflict.
pub async fn create(scoped: &Scoped<'_>, name: &CompanyName) -> Result<CompanyRow> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Msp)?;
    scope.require_write()?;
    // Microseconds, as both engines store them, so the row returned is the row stored.
    let now = Utc::now().trunc_subsecs(6);
    let tenant_id = scope.tenant_id();
    let txn = scoped.db().begin_write().await?;
    let id = company::Entity::insert(company::ActiveModel {
        tenant_id: Set(tenant_id.0),
        name: Set(name.to_string()),
        name_key: Set(name.key()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| Error::unique_as_conflict(e, conflict(name)))?
    .last_insert_id;
    let rollup = company_rollup::Model {
        company_id: id,
        tenant_id: tenant_id.0,
        probe_agents: 0,
        lightweight_agents: 0,
        probe_discovered_assets: 0,
        external_assets: 0,
        agent_host_assets: 0,
        total_assets: 0,
        open_findings: 0,
        open_critical: 0,
        open_high: 0,
        open_medium: 0,
        open_low: 0,
        updated_at: now,
    };
    company_rollup::Entity::insert(company_rollup::ActiveModel::from(rollup.clone()))
        .exec(&txn)
        .await?;
    crate::rollups::add_company(&txn, tenant_id).await?;
    let details = serde_json::json!({ "company_id": id });
    audit::record(
        &txn,
        tenant_id,
        &Actor::of(scope),
        "company.create",
        name.as_str(),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(CompanyRow {
        id,
        name: name.to_string(),
        created_at: now,
        rollup,
    })
}

/// Renames one of the caller's MSP's companies.
pub async fn rename(scoped: &Scoped<'_>, id: i64, name: &CompanyName) -> Result<()> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Msp)?;
    scope.require_write()?;
    let txn = scoped.db().begin_write().await?;
    let old = own_company(scoped, &txn, id).await?;
    scoped
        .update_own::<company::Entity>()
        .filter(company::Column::Id.eq(id))
        .col_expr(company::Column::Name, name.as_str().into())
        .col_expr(company::Column::NameKey, name.key().into())
        .exec(&txn)
        .await
        .map_err(|e| Error::unique_as_conflict(e, conflict(name)))?;
    let details = serde_json::json!({ "company_id": id, "from": old.name });
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "company.rename",
        name.as_str(),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deletes one of the caller's MSP's companies with its agents, tokens, assets and findings,
/// and says how much went with it.
pub async fn delete(scoped: &Scoped<'_>, id: i64) -> Result<Deleted> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Msp)?;
    scope.require_write()?;
    let txn = scoped.db().begin_write().await?;
    let company = own_company(scoped, &txn, id).await?;
    // Its roll-up row first, locked on PostgreSQL: the order ingest takes (company row,
    // catalogue entries, tenant row), so a report of this company waits, never deadlocks.
    let mut rollup = scoped
        .own::<company_rollup::Entity>()
        .filter(company_rollup::Column::CompanyId.eq(id));
    if scoped.db().engine() == crate::Engine::Postgres {
        rollup = rollup.lock_exclusive();
    }
    let rollup = rollup
        .one(&txn)
        .await?
        .ok_or_else(|| Error::Internal(format!("company {id} has no roll-up")))?;
    let deleted = Deleted {
        agents: rollup.probe_agents + rollup.lightweight_agents,
        assets: rollup.total_assets,
        open_findings: rollup.open_findings,
    };
    // Its open findings leave their catalogue entries' counters.
    let open: Vec<(i64, i64)> = scoped
        .own::<entity::finding::Entity>()
        .select_only()
        .column(entity::finding::Column::VulnerabilityId)
        .column_as(entity::finding::Column::Id.count(), "n")
        .filter(entity::finding::Column::CompanyId.eq(id))
        .filter(entity::finding::Column::Status.eq(portal_types::FindingStatus::Open.as_str()))
        .group_by(entity::finding::Column::VulnerabilityId)
        .into_tuple()
        .all(&txn)
        .await?;
    let leaving = open
        .into_iter()
        .map(|(vulnerability, n)| (vulnerability, -n))
        .collect();
    crate::inventory::move_open_counts(&txn, scoped.db().engine(), scope.tenant_id(), &leaving)
        .await?;
    crate::rollups::remove_company(&txn, &rollup).await?;
    // Everything under the company goes by cascade, in this transaction.
    scoped
        .delete_own::<company::Entity>()
        .filter(company::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let details = serde_json::json!({
        "company_id": id,
        "agents": deleted.agents,
        "assets": deleted.assets,
        "open_findings": deleted.open_findings,
    });
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "company.delete",
        &company.name,
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(deleted)
}

/// The caller's own companies with their counters, by name.
pub async fn list_own(scoped: &Scoped<'_>) -> Result<Vec<CompanyRow>> {
    let rows = scoped
        .own::<company::Entity>()
        .order_by_asc(company::Column::NameKey)
        .find_also_related(company_rollup::Entity)
        .all(scoped.conn())
        .await?;
    rows.into_iter().map(CompanyRow::from_pair).collect()
}

impl CompanyRow {
    fn from_pair(
        (company, rollup): (company::Model, Option<company_rollup::Model>),
    ) -> Result<Self> {
        let rollup = rollup
            .ok_or_else(|| Error::Internal(format!("company {} has no roll-up", company.id)))?;
        Ok(Self {
            id: company.id,
            name: company.name,
            created_at: company.created_at,
            rollup,
        })
    }
}

/// How many companies the caller's own tenant has.
pub async fn count_own(scoped: &Scoped<'_>) -> Result<u64> {
    Ok(scoped.own::<company::Entity>().count(scoped.conn()).await?)
}

/// One of the caller's own companies (for changes under it), or "not found".
pub(crate) async fn own_company(
    scoped: &Scoped<'_>,
    conn: &impl sea_orm::ConnectionTrait,
    id: i64,
) -> Result<company::Model> {
    scoped
        .own::<company::Entity>()
        .filter(company::Column::Id.eq(id))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// A company the caller may read (its own, or an approved MSP's), or "not found".
pub async fn visible_company(scoped: &Scoped<'_>, id: i64) -> Result<company::Model> {
    scoped
        .visible::<company::Entity>()
        .filter(company::Column::Id.eq(id))
        .one(scoped.conn())
        .await?
        .ok_or(Error::NotFound)
}

/// A company of `owner` (the caller's own, or an approved MSP's), or "not found".
pub async fn company_of(scoped: &Scoped<'_>, owner: Owner, id: i64) -> Result<company::Model> {
    scoped
        .of::<company::Entity>(owner)?
        .filter(company::Column::Id.eq(id))
        .one(scoped.conn())
        .await?
        .ok_or(Error::NotFound)
}

/// The counters of a company of `owner`, or "not found".
pub async fn rollup_in(
    scoped: &Scoped<'_>,
    owner: Owner,
    id: i64,
) -> Result<company_rollup::Model> {
    scoped
        .of::<company_rollup::Entity>(owner)?
        .filter(company_rollup::Column::CompanyId.eq(id))
        .one(scoped.conn())
        .await?
        .ok_or(Error::NotFound)
}

/// What the companies table can be sorted by: the name, or any counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortBy {
    #[default]
    Name,
    ProbeAgents,
    LightweightAgents,
    ProbeDiscoveredAssets,
    ExternalAssets,
    TotalAssets,
    OpenFindings,
    Critical,
    High,
    Medium,
    Low,
}

/// Which companies to list, and how.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Part of the company's name, in any letter case.
    pub search: Option<String>,
    pub sort: SortBy,
    pub descending: bool,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

/// One page of companies, with how many match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyPage {
    pub rows: Vec<CompanyRow>,
    pub total: u64,
}

/// The caller's own companies with their counters: searched, sorted and paginated in the
/// database.
pub async fn page(scoped: &Scoped<'_>, query: &ListQuery) -> Result<CompanyPage> {
    scoped.scope().require_kind(TenantKind::Msp)?;
    page_of(scoped, scoped.own(), query).await
}

/// The companies of an MSP that has approved the caller (an MSSP), as [`page`] lists them.
/// Any other MSP is "not found".
pub async fn msp_page(
    scoped: &Scoped<'_>,
    msp: TenantId,
    query: &ListQuery,
) -> Result<CompanyPage> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    page_of(scoped, scoped.of_approved_msp(msp)?, query).await
}

/// One page of the companies `companies` selects.
async fn page_of(
    scoped: &Scoped<'_>,
    companies: Select<company::Entity>,
    query: &ListQuery,
) -> Result<CompanyPage> {
    use company_rollup::Column as R;
    use sea_orm::Order;
    let search = crate::paging::search_text(query.search.as_deref())?;
    let offset = crate::paging::offset(query.page, query.per_page)?;
    let mut select = companies;
    if let Some(text) = search {
        select = select.filter(crate::like::contains(company::Column::NameKey, text));
    }
    let total = select.clone().count(scoped.conn()).await?;
    let order = if query.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let counter = match query.sort {
        SortBy::Name => None,
        SortBy::ProbeAgents => Some(R::ProbeAgents),
        SortBy::LightweightAgents => Some(R::LightweightAgents),
        SortBy::ProbeDiscoveredAssets => Some(R::ProbeDiscoveredAssets),
        SortBy::ExternalAssets => Some(R::ExternalAssets),
        SortBy::TotalAssets => Some(R::TotalAssets),
        SortBy::OpenFindings => Some(R::OpenFindings),
        SortBy::Critical => Some(R::OpenCritical),
        SortBy::High => Some(R::OpenHigh),
        SortBy::Medium => Some(R::OpenMedium),
        SortBy::Low => Some(R::OpenLow),
    };
    let mut select = select.find_also_related(company_rollup::Entity);
    if let Some(counter) = counter {
        select = select.order_by(counter, order.clone());
    }
    let rows = select
        .order_by(company::Column::NameKey, order.clone())
        .order_by(company::Column::Id, order)
        .offset(offset)
        .limit(query.per_page)
        .all(scoped.conn())
        .await?;
    let rows = rows
        .into_iter()
        .map(CompanyRow::from_pair)
        .collect::<Result<Vec<_>>>()?;
    Ok(CompanyPage { rows, total })
}

/// The counters of a company the caller may read, or "not found".
pub async fn rollup_of(scoped: &Scoped<'_>, id: i64) -> Result<company_rollup::Model> {
    scoped
        .visible::<company_rollup::Entity>()
        .filter(company_rollup::Column::CompanyId.eq(id))
        .one(scoped.conn())
        .await?
        .ok_or(Error::NotFound)
}
