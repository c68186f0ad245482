//! MSP tenants' companies, their enrollment tokens and the agents enrolled with them.
//!
//! Every row carries the owning MSP's `tenant_id`, so the tenant scope filters each table the
//! same way. A company's name is unique per MSP in any letter case (`name_key`); token and
//! agent secrets are stored only as hashes, each unique.

use super::helpers::{fk, index, tenant_fk};
use super::m20261127_000002_create_users::Users;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const AGENT_KINDS: [&str; 2] = ["probe", "lightweight"];

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
        index(
            manager,
            "companies_tenant_name_key",
            Companies::Table,
            [Companies::TenantId, Companies::NameKey],
            true,
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
            false,
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
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
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
pub enum EnrollmentTokens {
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
pub enum Agents {
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
