//! A covering index on the companies' roll-ups: the Global posture and the riskiest MSPs sum
//! every approved MSP's companies (10,000 rows at the stated scale) from the index alone,
//! without a lookup of each row. It replaces the plain tenant index, its prefix.

use super::helpers::{drop_index, index};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The counters the dashboards sum, after the tenant.
const COVERED: [CompanyRollups; 13] = [
    CompanyRollups::TenantId,
    CompanyRollups::CompanyId,
    CompanyRollups::ProbeAgents,
    CompanyRollups::LightweightAgents,
    CompanyRollups::ProbeDiscoveredAssets,
    CompanyRollups::ExternalAssets,
    CompanyRollups::AgentHostAssets,
    CompanyRollups::TotalAssets,
    CompanyRollups::OpenFindings,
    CompanyRollups::OpenCritical,
    CompanyRollups::OpenHigh,
    CompanyRollups::OpenMedium,
    CompanyRollups::OpenLow,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "company_rollups_tenant_counters_idx",
            CompanyRollups::Table,
            COVERED,
            false,
        )
        .await?;
        drop_index(manager, "company_rollups_tenant_idx", CompanyRollups::Table).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        index(
            manager,
            "company_rollups_tenant_idx",
            CompanyRollups::Table,
            [CompanyRollups::TenantId],
            false,
        )
        .await?;
        drop_index(
            manager,
            "company_rollups_tenant_counters_idx",
            CompanyRollups::Table,
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CompanyRollups {
    Table,
    CompanyId,
    TenantId,
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
