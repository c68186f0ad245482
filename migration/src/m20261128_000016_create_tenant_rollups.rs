//! Each tenant's counters summed over its companies, kept exact by the same deltas as the
//! companies' roll-ups: the Global posture and the riskiest MSPs read one row per approved
//! MSP, never every company's. Existing tenants are summed once, here.

use super::helpers::tenant_fk;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The counters, after the tenant, in the order of the backfill below.
const COUNTERS: [TenantRollups; 12] = [
    TenantRollups::Companies,
    TenantRollups::ProbeAgents,
    TenantRollups::LightweightAgents,
    TenantRollups::ProbeDiscoveredAssets,
    TenantRollups::ExternalAssets,
    TenantRollups::AgentHostAssets,
    TenantRollups::TotalAssets,
    TenantRollups::OpenFindings,
    TenantRollups::OpenCritical,
    TenantRollups::OpenHigh,
    TenantRollups::OpenMedium,
    TenantRollups::OpenLow,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TenantRollups as T;
        let mut table = Table::create();
        table
            .table(T::Table)
            .col(big_integer(T::TenantId).primary_key());
        for counter in COUNTERS {
            table.col(big_integer(counter).default(0));
        }
        table.foreign_key(&mut tenant_fk(T::Table, T::TenantId));
        manager.create_table(table.to_owned()).await?;
        manager
            .get_connection()
            .execute_unprepared(
                "INSERT INTO tenant_rollups (tenant_id, companies, probe_agents, lightweight_agents, \
                 probe_discovered_assets, external_assets, agent_host_assets, total_assets, \
                 open_findings, open_critical, open_high, open_medium, open_low) \
                 SELECT tenant_id, COUNT(*), SUM(probe_agents), SUM(lightweight_agents), \
                 SUM(probe_discovered_assets), SUM(external_assets), SUM(agent_host_assets), \
                 SUM(total_assets), SUM(open_findings), SUM(open_critical), SUM(open_high), \
                 SUM(open_medium), SUM(open_low) FROM company_rollups GROUP BY tenant_id",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TenantRollups::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum TenantRollups {
    Table,
    TenantId,
    Companies,
    ProbeAgents,
    LightweightAgents,
    ProbeDiscoveredAssets,
    ExternalAssets,
    AgentHostAssets,
    TotalAssets,
    OpenFindings,
    OpenCritical,
    OpenHigh,
    OpenMedium,
    OpenLow,
}
