//! Each tenant's counters summed per day, written by the snapshot job beside the companies'
//! rows: the Global and MSP trends read one row per MSP and day, never every company's.

use super::helpers::{index, tenant_fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TenantSnapshots as T;
        let mut table = Table::create();
        table
            .table(T::Table)
            .col(big_integer(T::TenantId))
            .col(date(T::Day));
        for counter in [
            T::Companies,
            T::TotalAssets,
            T::OpenFindings,
            T::OpenCritical,
            T::OpenHigh,
            T::OpenMedium,
            T::OpenLow,
        ] {
            table.col(big_integer(counter).default(0));
        }
        table
            .primary_key(Index::create().col(T::TenantId).col(T::Day))
            .foreign_key(&mut tenant_fk(T::Table, T::TenantId));
        manager.create_table(table.to_owned()).await?;
        // Covers the trend's read (tenants, days and the open counters): the Global trend sums
        // 90 days of every approved MSP from the index alone, without a lookup per row.
        index(
            manager,
            "tenant_snapshots_trend_idx",
            T::Table,
            [
                T::TenantId,
                T::Day,
                T::OpenFindings,
                T::OpenCritical,
                T::OpenHigh,
                T::OpenMedium,
                T::OpenLow,
            ],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(TenantSnapshots::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum TenantSnapshots {
    Table,
    TenantId,
    Day,
    Companies,
    TotalAssets,
    OpenFindings,
    OpenCritical,
    OpenHigh,
    OpenMedium,
    OpenLow,
}
