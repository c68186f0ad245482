//! White labelling: each MSSP's page title, footer content and logos, and the logos
//! themselves. Logos live in the database so that every instance serves them; each is stored
//! once per tenant under the SHA-256 of its (re-encoded) bytes, which is also its address.

use super::helpers::{index, tenant_fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Logos::Table)
                    .col(big_pk_auto(Logos::Id))
                    .col(big_integer(Logos::TenantId))
                    .col(string_len(Logos::Sha256, 64))
                    .col(string_len(Logos::ContentType, 40))
                    .col(integer(Logos::Width))
                    .col(integer(Logos::Height))
                    .col(blob(Logos::Bytes))
                    .col(timestamp_with_time_zone(Logos::CreatedAt))
                    .foreign_key(&mut tenant_fk(Logos::Table, Logos::TenantId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "logos_tenant_sha256_idx",
            Logos::Table,
            [Logos::TenantId, Logos::Sha256],
            true,
        )
        .await?;
        index(
            manager,
            "logos_sha256_idx",
            Logos::Table,
            [Logos::Sha256],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(WhiteLabels::Table)
                    .col(big_integer(WhiteLabels::TenantId).primary_key())
                    .col(string_len_null(WhiteLabels::PageTitle, 200))
                    .col(text_null(WhiteLabels::FooterContent))
                    .col(string_len_null(WhiteLabels::LogoLight, 64))
                    .col(string_len_null(WhiteLabels::LogoDark, 64))
                    .col(timestamp_with_time_zone(WhiteLabels::UpdatedAt))
                    .foreign_key(&mut tenant_fk(WhiteLabels::Table, WhiteLabels::TenantId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(WhiteLabels::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Logos::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Logos {
    Table,
    Id,
    TenantId,
    Sha256,
    ContentType,
    Width,
    Height,
    Bytes,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum WhiteLabels {
    Table,
    TenantId,
    PageTitle,
    FooterContent,
    /// The SHA-256 of the light-mode logo (a row of `logos` of the same tenant).
    LogoLight,
    LogoDark,
    UpdatedAt,
}
