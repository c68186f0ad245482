//! Assets, the vulnerability catalogue and findings.
//!
//! Natural keys are unique in the database (one asset per company, source and identity, one
//! catalogue entry per tenant and id, one finding per asset and vulnerability), so a retried or
//! concurrent ingest cannot create duplicates on either engine.

use super::helpers::{fk, index, tenant_fk};
use super::m20261127_000009_create_companies_and_agents::{Agents, Companies};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const ASSET_SOURCES: [&str; 3] = ["probe_discovered", "external", "agent_host"];
const SEVERITIES: [&str; 5] = ["critical", "high", "medium", "low", "info"];
const FINDING_STATUSES: [&str; 2] = ["open", "fixed"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
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
        index(
            manager,
            "assets_company_source_key",
            Assets::Table,
            [Assets::CompanyId, Assets::Source, Assets::AssetKey],
            true,
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
        index(
            manager,
            "vulnerabilities_tenant_key",
            Vulnerabilities::Table,
            [Vulnerabilities::TenantId, Vulnerabilities::VulnKey],
            true,
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
        index(
            manager,
            "findings_asset_vulnerability",
            Findings::Table,
            [Findings::AssetId, Findings::VulnerabilityId],
            true,
        )
        .await?;
        index(
            manager,
            "findings_company_status_idx",
            Findings::Table,
            [Findings::CompanyId, Findings::Status, Findings::Severity],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Findings::Table.into_iden(),
            Vulnerabilities::Table.into_iden(),
            Assets::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
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
