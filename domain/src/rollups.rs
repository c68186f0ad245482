//! Company roll-ups: counters kept exact by adding a delta in the same transaction as the
//! change that moves them. Nothing on a request path counts raw rows; [`recount`] exists so
//! tests (and an operator's check) can compare the counters with the truth.

use crate::Result;
use chrono::{DateTime, Utc};
use entity::company_rollup::{self, Column};
use entity::tenant_rollup;
use portal_types::{AgentKind, AssetSource, Severity, TenantId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, Statement};
use std::ops::AddAssign;
use std::str::FromStr;

/// How much each counter of one company moves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delta {
    pub probe_agents: i64,
    pub lightweight_agents: i64,
    pub probe_discovered_assets: i64,
    pub external_assets: i64,
    pub agent_host_assets: i64,
    pub open_critical: i64,
    pub open_high: i64,
    pub open_medium: i64,
    pub open_low: i64,
}

impl Delta {
    /// One more (or, with `by` = -1, one fewer) agent of `kind`.
    pub fn agent(kind: AgentKind, by: i64) -> Self {
        let mut delta = Self::default();
        match kind {
            AgentKind::Probe => delta.probe_agents = by,
            AgentKind::Lightweight => delta.lightweight_agents = by,
        }
        delta
    }

    pub fn add_asset(&mut self, source: AssetSource, by: i64) {
        match source {
            AssetSource::ProbeDiscovered => self.probe_discovered_assets += by,
            AssetSource::External => self.external_assets += by,
            AssetSource::AgentHost => self.agent_host_assets += by,
        }
    }

    /// Open findings of `severity` move by `by`; `info` is not counted.
    pub fn add_open_finding(&mut self, severity: Severity, by: i64) {
        match severity {
            Severity::Critical => self.open_critical += by,
            Severity::High => self.open_high += by,
            Severity::Medium => self.open_medium += by,
            Severity::Low => self.open_low += by,
            Severity::Info => {}
        }
    }

    pub fn is_zero(&self) -> bool {
        *self == Self::default()
    }

    fn total_assets(&self) -> i64 {
        self.probe_discovered_assets + self.external_assets + self.agent_host_assets
    }

    fn open_findings(&self) -> i64 {
        self.open_critical + self.open_high + self.open_medium + self.open_low
    }

    /// Each counter column with what it moves by.
    fn columns(&self) -> [(Column, i64); 11] {
        [
            (Column::ProbeAgents, self.probe_agents),
            (Column::LightweightAgents, self.lightweight_agents),
            (Column::ProbeDiscoveredAssets, self.probe_discovered_assets),
            (Column::ExternalAssets, self.external_assets),
            (Column::AgentHostAssets, self.agent_host_assets),
            (Column::TotalAssets, self.total_assets()),
            (Column::OpenFindings, self.open_findings()),
            (Column::OpenCritical, self.open_critical),
            (Column::OpenHigh, self.open_high),
            (Column::OpenMedium, self.open_medium),
            (Column::OpenLow, self.open_low),
        ]
    }
}

impl Delta {
    /// A company's counters, as a delta from zero.
    fn of(r: &company_rollup::Model) -> Self {
        Self {
            probe_agents: r.probe_agents,
            lightweight_agents: r.lightweight_agents,
            probe_discovered_assets: r.probe_discovered_assets,
            external_assets: r.external_assets,
            agent_host_assets: r.agent_host_assets,
            open_critical: r.open_critical,
            open_high: r.open_high,
            open_medium: r.open_medium,
            open_low: r.open_low,
        }
    }

    fn negated(mut self) -> Self {
        for counter in [
            &mut self.probe_agents,
            &mut self.lightweight_agents,
            &mut self.probe_discovered_assets,
            &mut self.external_assets,
            &mut self.agent_host_assets,
            &mut self.open_critical,
            &mut self.open_high,
            &mut self.open_medium,
            &mut self.open_low,
        ] {
            *counter = -*counter;
        }
        self
    }

    /// A roll-up row's counters from zero moved by this delta (for rows written whole).
    pub fn as_active_model(&self) -> company_rollup::ActiveModel {
        use sea_orm::ActiveValue::Set;
        company_rollup::ActiveModel {
            probe_agents: Set(self.probe_agents),
            lightweight_agents: Set(self.lightweight_agents),
            probe_discovered_assets: Set(self.probe_discovered_assets),
            external_assets: Set(self.external_assets),
            agent_host_assets: Set(self.agent_host_assets),
            total_assets: Set(self.total_assets()),
            open_findings: Set(self.open_findings()),
            open_critical: Set(self.open_critical),
            open_high: Set(self.open_high),
            open_medium: Set(self.open_medium),
            open_low: Set(self.open_low),
            ..Default::default()
        }
    }
}

impl AddAssign for Delta {
    fn add_assign(&mut self, other: Self) {
        self.probe_agents += other.probe_agents;
        self.lightweight_agents += other.lightweight_agents;
        self.probe_discovered_assets += other.probe_discovered_assets;
        self.external_assets += other.external_assets;
        self.agent_host_assets += other.agent_host_assets;
        self.open_critical += other.open_critical;
        self.open_high += other.open_high;
        self.open_medium += other.open_medium;
        self.open_low += other.open_low;
    }
}

/// Adds `delta` to `company`'s counters, inside the caller's transaction. One statement;
/// the database does the addition, so concurrent changes to one company never lose one.
pub async fn apply(
    conn: &impl ConnectionTrait,
    company: i64,
    delta: &Delta,
    now: DateTime<Utc>,
) -> Result<()> {
    if delta.is_zero() {
        return Ok(());
    }
    let mut update = company_rollup::Entity::update_many()
        .filter(Column::CompanyId.eq(company))
        .col_expr(Column::UpdatedAt, Expr::value(now));
    for (column, by) in delta.columns() {
        if by != 0 {
            let moved = Expr::col(column).add(by);
            update = update.col_expr(column, moved);
        }
    }
    update.exec(conn).await?;
    // The tenant's sums move by the same delta, last: after the company's row and any
    // catalogue entries, the order every writer takes its locks in.
    let tenant = sea_orm::sea_query::Query::select()
        .column(Column::TenantId)
        .from(company_rollup::Entity)
        .and_where(Expr::col(Column::CompanyId).eq(company))
        .to_owned();
    move_tenant(
        conn,
        tenant_rollup::Column::TenantId.in_subquery(tenant),
        delta,
        0,
    )
    .await
}

/// A new company of `tenant` (with zero counters), in the caller's transaction.
pub(crate) async fn add_company(conn: &impl ConnectionTrait, tenant: TenantId) -> Result<()> {
    use sea_orm::ActiveValue::Set;
    use sea_orm::sea_query::OnConflict;
    // The tenant's first company creates its row (every counter defaults to zero).
    let row = tenant_rollup::ActiveModel {
        tenant_id: Set(tenant.0),
        ..Default::default()
    };
    tenant_rollup::Entity::insert(row)
        .on_conflict(
            OnConflict::column(tenant_rollup::Column::TenantId)
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(conn)
        .await?;
    let tenant = tenant_rollup::Column::TenantId.eq(tenant.0);
    move_tenant(conn, tenant, &Delta::default(), 1).await
}

/// `company` (whose counters are `rollup`) leaves its tenant's sums: call before deleting it.
pub(crate) async fn remove_company(
    conn: &impl ConnectionTrait,
    rollup: &company_rollup::Model,
) -> Result<()> {
    let tenant = tenant_rollup::Column::TenantId.eq(rollup.tenant_id);
    move_tenant(conn, tenant, &Delta::of(rollup).negated(), -1).await
}

/// Adds `delta`, and `companies` to the company count, to the tenant rows `which` selects.
async fn move_tenant(
    conn: &impl ConnectionTrait,
    which: sea_orm::sea_query::SimpleExpr,
    delta: &Delta,
    companies: i64,
) -> Result<()> {
    use tenant_rollup::Column as T;
    if delta.is_zero() && companies == 0 {
        return Ok(());
    }
    let mut update = tenant_rollup::Entity::update_many().filter(which);
    let moves = delta.columns().into_iter().map(|(column, by)| {
        let name = sea_orm::IdenStatic::as_str(&column);
        (T::from_str(name), by)
    });
    for (column, by) in std::iter::once((Ok(T::Companies), companies)).chain(moves) {
        let column = column.map_err(|_| crate::Error::Internal("tenant roll-up column".into()))?;
        if by != 0 {
            update = update.col_expr(column, Expr::col(column).add(by));
        }
    }
    update.exec(conn).await?;
    Ok(())
}

/// Recomputes `tenant`'s sums from its companies' rows: for writers that hold the tenant
/// alone (the demo generator), never beside concurrent ones.
pub(crate) async fn resum_tenant(conn: &impl ConnectionTrait, tenant: TenantId) -> Result<()> {
    const COUNTERS: &str = "probe_agents, lightweight_agents, probe_discovered_assets, \
        external_assets, agent_host_assets, total_assets, open_findings, open_critical, \
        open_high, open_medium, open_low";
    let sums = COUNTERS
        .split(',')
        .map(|c| format!("SUM({})", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let updates = COUNTERS
        .split(',')
        .map(|c| format!("{0} = excluded.{0}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO tenant_rollups (tenant_id, companies, {COUNTERS}) \
         SELECT tenant_id, COUNT(*), {sums} FROM company_rollups WHERE tenant_id = $1 \
         GROUP BY tenant_id \
         ON CONFLICT (tenant_id) DO UPDATE SET companies = excluded.companies, {updates}"
    );
    let statement =
        Statement::from_sql_and_values(conn.get_database_backend(), sql, [tenant.0.into()]);
    conn.execute_raw(statement).await?;
    Ok(())
}

/// The counters recomputed from raw rows, for one company (`companies` is 1): for tests and
/// audits, never for a page.
pub type Recount = crate::inventory::Posture;

impl From<&company_rollup::Model> for Recount {
    fn from(r: &company_rollup::Model) -> Self {
        Self {
            companies: 1,
            probe_agents: r.probe_agents,
            lightweight_agents: r.lightweight_agents,
            probe_discovered_assets: r.probe_discovered_assets,
            external_assets: r.external_assets,
            agent_host_assets: r.agent_host_assets,
            total_assets: r.total_assets,
            open_findings: r.open_findings,
            open_critical: r.open_critical,
            open_high: r.open_high,
            open_medium: r.open_medium,
            open_low: r.open_low,
        }
    }
}

/// Counts `company`'s agents, assets and open findings from the raw tables.
pub async fn recount(conn: &impl ConnectionTrait, company: i64) -> Result<Recount> {
    let sql = r#"
        SELECT
          (SELECT COUNT(*) FROM companies WHERE id = $1) AS companies,
          (SELECT COUNT(*) FROM agents WHERE company_id = $1 AND kind = 'probe') AS probe_agents,
          (SELECT COUNT(*) FROM agents WHERE company_id = $1 AND kind = 'lightweight') AS lightweight_agents,
          (SELECT COUNT(*) FROM assets WHERE company_id = $1 AND source = 'probe_discovered') AS probe_discovered_assets,
          (SELECT COUNT(*) FROM assets WHERE company_id = $1 AND source = 'external') AS external_assets,
          (SELECT COUNT(*) FROM assets WHERE company_id = $1 AND source = 'agent_host') AS agent_host_assets,
          (SELECT COUNT(*) FROM assets WHERE company_id = $1) AS total_assets,
          (SELECT COUNT(*) FROM findings WHERE company_id = $1 AND status = 'open' AND severity <> 'info') AS open_findings,
          (SELECT COUNT(*) FROM findings WHERE company_id = $1 AND status = 'open' AND severity = 'critical') AS open_critical,
          (SELECT COUNT(*) FROM findings WHERE company_id = $1 AND status = 'open' AND severity = 'high') AS open_high,
          (SELECT COUNT(*) FROM findings WHERE company_id = $1 AND status = 'open' AND severity = 'medium') AS open_medium,
          (SELECT COUNT(*) FROM findings WHERE company_id = $1 AND status = 'open' AND severity = 'low') AS open_low
    "#;
    let statement =
        Statement::from_sql_and_values(conn.get_database_backend(), sql, [company.into()]);
    Ok(Recount::find_by_statement(statement)
        .one(conn)
        .await?
        .unwrap_or_default())
}

/// Keeps `day`'s snapshot of every company's counters, and of each tenant's sums, for trends:
/// the counters as they stand at the first run on that day. Idempotent: a company that already has `day`'s row keeps it,
/// so any number of instances may run this at once. Returns how many rows it added.
pub async fn snapshot(conn: &impl ConnectionTrait, day: chrono::NaiveDate) -> Result<u64> {
    const COUNTERS: &str = "probe_agents, lightweight_agents, probe_discovered_assets, external_assets, \
        agent_host_assets, total_assets, open_findings, open_critical, open_high, open_medium, open_low";
    let sql = format!(
        "INSERT INTO rollup_snapshots (company_id, tenant_id, day, {COUNTERS}) \
         SELECT company_id, tenant_id, $1, {COUNTERS} FROM company_rollups \
         WHERE 1 = 1 ON CONFLICT (company_id, day) DO NOTHING"
    );
    // (`WHERE 1 = 1` keeps SQLite from reading `ON CONFLICT` as a join constraint.)
    let statement = Statement::from_sql_and_values(conn.get_database_backend(), sql, [day.into()]);
    let added = conn.execute_raw(statement).await?.rows_affected();
    snapshot_tenants(conn, day).await?;
    Ok(added)
}

/// Keeps each tenant's sums of `day`'s company rows, for the tenant-wide trends (idempotent,
/// as [`snapshot`] is).
pub(crate) async fn snapshot_tenants(
    conn: &impl ConnectionTrait,
    day: chrono::NaiveDate,
) -> Result<()> {
    let sql = "INSERT INTO tenant_snapshots (tenant_id, day, companies, total_assets, open_findings, \
               open_critical, open_high, open_medium, open_low) \
               SELECT tenant_id, day, COUNT(*), SUM(total_assets), SUM(open_findings), \
               SUM(open_critical), SUM(open_high), SUM(open_medium), SUM(open_low) \
               FROM rollup_snapshots WHERE day = $1 GROUP BY tenant_id, day \
               ON CONFLICT (tenant_id, day) DO NOTHING";
    let statement = Statement::from_sql_and_values(conn.get_database_backend(), sql, [day.into()]);
    conn.execute_raw(statement).await?;
    Ok(())
}

/// [`snapshot`] for today (UTC).
pub async fn snapshot_today(db: &crate::Db) -> Result<u64> {
    snapshot(db.conn(), Utc::now().date_naive()).await
}
