//! Per-company roll-up counters with their daily snapshots, and the ingest API's
//! idempotency records.

use super::helpers::{fk, index, tenant_fk};
use super::m20261127_000009_create_companies_and_agents::{Agents, Companies};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The roll-up counters, in the order both counter tables hold them.
const COUNTERS: [Counter; 11] = [
    Counter::ProbeAgents,
    Counter::LightweightAgents,
    Counter::ProbeDiscoveredAssets,
    Counter::ExternalAssets,
    Counter::AgentHostAssets,
    Counter::TotalAssets,
    Counter::OpenFindings,
    Counter::OpenCritical,
    Counter::OpenHigh,
    Counter::OpenMedium,
    Counter::OpenLow,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut rollups = Table::create();
        rollups
            .table(CompanyRollups::Table)
            .col(big_integer(CompanyRollups::CompanyId).primary_key())
            .col(big_integer(CompanyRollups::TenantId));
        for counter in COUNTERS {
            rollups.col(big_integer(counter).default(0));
        }
        rollups
            .col(timestamp_with_time_zone(CompanyRollups::UpdatedAt))
            .foreign_key(&mut tenant_fk(
                CompanyRollups::Table,
                CompanyRollups::TenantId,
            ))
            .foreign_key(&mut fk(
                CompanyRollups::Table,
                CompanyRollups::CompanyId,
                Companies::Table,
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(rollups.to_owned()).await?;
        index(
            manager,
            "company_rollups_tenant_idx",
            CompanyRollups::Table,
            [CompanyRollups::TenantId],
            false,
        )
        .await?;

        // One row per company and day; the job inserts with "do nothing on conflict", so a
        // second run (or a second instance) changes nothing.
        let mut snapshots = Table::create();
        snapshots
            .table(RollupSnapshots::Table)
            .col(big_integer(RollupSnapshots::CompanyId))
            .col(big_integer(RollupSnapshots::TenantId))
            .col(date(RollupSnapshots::Day));
        for counter in COUNTERS {
            snapshots.col(big_integer(counter).default(0));
        }
        snapshots
            .primary_key(
                Index::create()
                    .col(RollupSnapshots::CompanyId)
                    .col(RollupSnapshots::Day),
            )
            .foreign_key(&mut tenant_fk(
                RollupSnapshots::Table,
                RollupSnapshots::TenantId,
            ))
            .foreign_key(&mut fk(
                RollupSnapshots::Table,
                RollupSnapshots::CompanyId,
                Companies::Table,
                ForeignKeyAction::Cascade,
            ));
        manager.create_table(snapshots.to_owned()).await?;
        index(
            manager,
            "rollup_snapshots_tenant_day_idx",
            RollupSnapshots::Table,
            [RollupSnapshots::TenantId, RollupSnapshots::Day],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiIdempotency::Table)
                    .col(big_pk_auto(ApiIdempotency::Id))
                    .col(big_integer(ApiIdempotency::AgentId))
                    .col(string_len(ApiIdempotency::IdempotencyKey, 200))
                    // SHA-256 of method, path and body: the same key with another body is refused.
                    .col(string_len(ApiIdempotency::RequestHash, 64))
                    .col(small_integer(ApiIdempotency::Status))
                    .col(text(ApiIdempotency::ResponseBody))
                    .col(timestamp_with_time_zone(ApiIdempotency::CreatedAt))
                    .foreign_key(&mut fk(
                        ApiIdempotency::Table,
                        ApiIdempotency::AgentId,
                        Agents::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "api_idempotency_agent_key",
            ApiIdempotency::Table,
            [ApiIdempotency::AgentId, ApiIdempotency::IdempotencyKey],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ApiIdempotency::Table.into_iden(),
            RollupSnapshots::Table.into_iden(),
            CompanyRollups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum CompanyRollups {
    Table,
    CompanyId,
    TenantId,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum RollupSnapshots {
    Table,
    CompanyId,
    TenantId,
    Day,
}

/// The counter columns shared by `company_rollups` and `rollup_snapshots`.

#[derive(DeriveIden, Clone, Copy)]
enum Counter {
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

#[derive(DeriveIden, Clone, Copy)]
enum ApiIdempotency {
    Table,
    Id,
    AgentId,
    IdempotencyKey,
    RequestHash,
    Status,
    ResponseBody,
    CreatedAt,
}
