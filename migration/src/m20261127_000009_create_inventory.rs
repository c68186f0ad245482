//! Inventory and vulnerability data of MSP tenants: companies, enrollment tokens, agents,
//! assets, the vulnerability catalogue, findings, the per-company roll-up counters with their
//! daily snapshots, and the ingest API's idempotency records.
//!
//! Every row carries the owning MSP's `tenant_id`, so the tenant scope filters each table the
//! same way. Natural keys are unique in the database (one company name per MSP, one asset per
//! company, source and identity, one finding per asset and vulnerability), so a retried or
//! concurrent ingest cannot create duplicates on either engine.

use super::m20261127_000001_create_tenants::Tenants;
use super::m20261127_000002_create_users::Users;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const AGENT_KINDS: [&str; 2] = ["probe", "lightweight"];
const ASSET_SOURCES: [&str; 3] = ["probe_discovered", "external", "agent_host"];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];
const FINDING_STATUSES: [&str; 2] = ["open", "fixed"];

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

/// A foreign key from `table.column` to `to_table.id`, deleting (or nulling) with the parent.
fn fk(
    table: impl IntoIden,
    column: impl IntoIden,
    to_table: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to_table, Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

fn tenant_fk(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    fk(table, column, Tenants::Table, ForeignKeyAction::Cascade)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Companies::Table)
                    .col(big_pk_auto(Companies::Id))
                    .col(big_integer(Companies::TenantId))
                    .col(string_len(Companies::Name, 100))
                    .col(string_len(Companies::NameKey, 400))
                    .col(timestamp_with_time_zone(Companies::CreatedAt))
                    .foreign_key(&mut tenant_fk(Companies::Table, Companies::TenantId))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "companies_tenant_name_key",
            Companies::Table,
            [Companies::TenantId, Companies::NameKey],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(EnrollmentTokens::Table)
                    .col(big_pk_auto(EnrollmentTokens::Id))
                    .col(big_integer(EnrollmentTokens::TenantId))
                    .col(big_integer(EnrollmentTokens::CompanyId))
                    .col(string_len_uniq(EnrollmentTokens::TokenHash, 64))
                    .col(big_integer_null(EnrollmentTokens::CreatedByUserId))
                    .col(timestamp_with_time_zone(EnrollmentTokens::CreatedAt))
                    .col(timestamp_with_time_zone(EnrollmentTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(EnrollmentTokens::RevokedAt))
                    .col(timestamp_with_time_zone_null(EnrollmentTokens::LastUsedAt))
                    .col(big_integer(EnrollmentTokens::Uses).default(0))
                    .foreign_key(&mut tenant_fk(
                        EnrollmentTokens::Table,
                        EnrollmentTokens::TenantId,
                    ))
                    .foreign_key(&mut fk(
                        EnrollmentTokens::Table,
                        EnrollmentTokens::CompanyId,
                        Companies::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        EnrollmentTokens::Table,
                        EnrollmentTokens::CreatedByUserId,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "enrollment_tokens_company_idx",
            EnrollmentTokens::Table,
            [EnrollmentTokens::CompanyId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Agents::Table)
                    .col(big_pk_auto(Agents::Id))
                    .col(big_integer(Agents::TenantId))
                    .col(big_integer(Agents::CompanyId))
                    .col(
                        string_len(Agents::Kind, 16)
                            .check(Expr::col(Agents::Kind).is_in(AGENT_KINDS)),
                    )
                    .col(string_len(Agents::Hostname, 255))
                    .col(string_len(Agents::Version, 64))
                    .col(string_len_uniq(Agents::SecretHash, 64))
                    .col(big_integer_null(Agents::EnrollmentTokenId))
                    .col(timestamp_with_time_zone(Agents::EnrolledAt))
                    .col(timestamp_with_time_zone(Agents::LastSeenAt))
                    .foreign_key(&mut tenant_fk(Agents::Table, Agents::TenantId))
                    .foreign_key(&mut fk(
                        Agents::Table,
                        Agents::CompanyId,
                        Companies::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Agents::Table,
                        Agents::EnrollmentTokenId,
                        EnrollmentTokens::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "agents_company_idx",
            Agents::Table,
            [Agents::CompanyId],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Assets::Table)
                    .col(big_pk_auto(Assets::Id))
                    .col(big_integer(Assets::TenantId))
                    .col(big_integer(Assets::CompanyId))
                    .col(
                        string_len(Assets::Source, 20)
                            .check(Expr::col(Assets::Source).is_in(ASSET_SOURCES)),
                    )
                    // The asset's identity within its company and source: the lower-cased
                    // hostname, or the IP address when there is no hostname.
                    .col(string_len(Assets::AssetKey, 255))
                    .col(string_len_null(Assets::Hostname, 255))
                    .col(string_len_null(Assets::Ip, 45))
                    .col(string_len_null(Assets::Os, 200))
                    .col(big_integer_null(Assets::AgentId))
                    .col(timestamp_with_time_zone(Assets::FirstSeenAt))
                    .col(timestamp_with_time_zone(Assets::LastSeenAt))
                    .foreign_key(&mut tenant_fk(Assets::Table, Assets::TenantId))
                    .foreign_key(&mut fk(
                        Assets::Table,
                        Assets::CompanyId,
                        Companies::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Assets::Table,
                        Assets::AgentId,
                        Agents::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "assets_company_source_key",
            Assets::Table,
            [Assets::CompanyId, Assets::Source, Assets::AssetKey],
        )
        .await?;

        // The catalogue is per MSP tenant: what one tenant's agents report never changes the
        // titles another tenant sees.
        manager
            .create_table(
                Table::create()
                    .table(Vulnerabilities::Table)
                    .col(big_pk_auto(Vulnerabilities::Id))
                    .col(big_integer(Vulnerabilities::TenantId))
                    .col(string_len(Vulnerabilities::VulnKey, 64))
                    .col(string_len(Vulnerabilities::Title, 500))
                    .col(
                        string_len(Vulnerabilities::Severity, 8)
                            .check(Expr::col(Vulnerabilities::Severity).is_in(SEVERITIES)),
                    )
                    // CVSS in tenths (9.8 → 98): exact, and the same on both engines.
                    .col(
                        small_integer_null(Vulnerabilities::CvssTenths)
                            .check(Expr::col(Vulnerabilities::CvssTenths).between(0, 100)),
                    )
                    .foreign_key(&mut tenant_fk(
                        Vulnerabilities::Table,
                        Vulnerabilities::TenantId,
                    ))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "vulnerabilities_tenant_key",
            Vulnerabilities::Table,
            [Vulnerabilities::TenantId, Vulnerabilities::VulnKey],
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Findings::Table)
                    .col(big_pk_auto(Findings::Id))
                    .col(big_integer(Findings::TenantId))
                    .col(big_integer(Findings::CompanyId))
                    .col(big_integer(Findings::AssetId))
                    .col(big_integer(Findings::VulnerabilityId))
                    // The vulnerability's severity when last reported, kept here so roll-ups
                    // move without a join.
                    .col(
                        string_len(Findings::Severity, 8)
                            .check(Expr::col(Findings::Severity).is_in(SEVERITIES)),
                    )
                    .col(
                        string_len(Findings::Status, 8)
                            .check(Expr::col(Findings::Status).is_in(FINDING_STATUSES)),
                    )
                    .col(timestamp_with_time_zone(Findings::FirstSeenAt))
                    .col(timestamp_with_time_zone(Findings::LastSeenAt))
                    .col(timestamp_with_time_zone_null(Findings::FixedAt))
                    .foreign_key(&mut tenant_fk(Findings::Table, Findings::TenantId))
                    .foreign_key(&mut fk(
                        Findings::Table,
                        Findings::AssetId,
                        Assets::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        Findings::Table,
                        Findings::VulnerabilityId,
                        Vulnerabilities::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        unique(
            manager,
            "findings_asset_vulnerability",
            Findings::Table,
            [Findings::AssetId, Findings::VulnerabilityId],
        )
        .await?;
        index(
            manager,
            "findings_company_status_idx",
            Findings::Table,
            [Findings::CompanyId, Findings::Status, Findings::Severity],
        )
        .await?;

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
        unique(
            manager,
            "api_idempotency_agent_key",
            ApiIdempotency::Table,
            [ApiIdempotency::AgentId, ApiIdempotency::IdempotencyKey],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ApiIdempotency::Table.into_iden(),
            RollupSnapshots::Table.into_iden(),
            CompanyRollups::Table.into_iden(),
            Findings::Table.into_iden(),
            Vulnerabilities::Table.into_iden(),
            Assets::Table.into_iden(),
            Agents::Table.into_iden(),
            EnrollmentTokens::Table.into_iden(),
            Companies::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn unique<T: IntoIden + Copy + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: [T; N],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table).unique();
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement.to_owned()).await
}

async fn index<T: IntoIden + Copy + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: [T; N],
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement.to_owned()).await
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Companies {
    Table,
    Id,
    TenantId,
    Name,
    NameKey,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EnrollmentTokens {
    Table,
    Id,
    TenantId,
    CompanyId,
    TokenHash,
    CreatedByUserId,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
    LastUsedAt,
    Uses,
}

#[derive(DeriveIden, Clone, Copy)]
enum Agents {
    Table,
    Id,
    TenantId,
    CompanyId,
    Kind,
    Hostname,
    Version,
    SecretHash,
    EnrollmentTokenId,
    EnrolledAt,
    LastSeenAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Assets {
    Table,
    Id,
    TenantId,
    CompanyId,
    Source,
    AssetKey,
    Hostname,
    Ip,
    Os,
    AgentId,
    FirstSeenAt,
    LastSeenAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Vulnerabilities {
    Table,
    Id,
    TenantId,
    VulnKey,
    Title,
    Severity,
    CvssTenths,
}

#[derive(DeriveIden, Clone, Copy)]
enum Findings {
    Table,
    Id,
    TenantId,
    CompanyId,
    AssetId,
    VulnerabilityId,
    Severity,
    Status,
    FirstSeenAt,
    LastSeenAt,
    FixedAt,
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
