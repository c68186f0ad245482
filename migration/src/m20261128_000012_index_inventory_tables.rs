//! Indexes for the assets and findings tables' keyset pages: each order a table offers is an
//! index walk from where the last page ended, whatever the company's size.
//!
//! - assets by name (`asset_key`) and by last seen, within a company, then by id;
//! - open findings by severity band, then id (this replaces the index without the id: on
//!   PostgreSQL ties within a band are not ordered by it), and by first seen, then id.

use super::helpers::index;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Assets as A;
        use Findings as F;
        index(
            manager,
            "assets_company_key_idx",
            A::Table,
            [A::CompanyId, A::AssetKey, A::Id],
            false,
        )
        .await?;
        index(
            manager,
            "assets_company_last_seen_idx",
            A::Table,
            [A::CompanyId, A::LastSeenAt, A::Id],
            false,
        )
        .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("findings_company_status_idx")
                    .table(F::Table)
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "findings_company_severity_idx",
            F::Table,
            [F::CompanyId, F::Status, F::Severity, F::Id],
            false,
        )
        .await?;
        index(
            manager,
            "findings_company_first_seen_idx",
            F::Table,
            [F::CompanyId, F::Status, F::FirstSeenAt, F::Id],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            ("assets_company_key_idx", Assets::Table.into_iden()),
            ("assets_company_last_seen_idx", Assets::Table.into_iden()),
            ("findings_company_severity_idx", Findings::Table.into_iden()),
            (
                "findings_company_first_seen_idx",
                Findings::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        index(
            manager,
            "findings_company_status_idx",
            Findings::Table,
            [Findings::CompanyId, Findings::Status, Findings::Severity],
            false,
        )
        .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Assets {
    Table,
    Id,
    CompanyId,
    AssetKey,
    LastSeenAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum Findings {
    Table,
    Id,
    CompanyId,
    Severity,
    Status,
    FirstSeenAt,
}
