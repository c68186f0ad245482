//! The Global trend sums every approved MSP's row of each day: walking the days in order
//! from an index that holds the open counters sums each day as it passes, where reading
//! tenant by tenant had to sort 9,000 rows by day first.

use super::helpers::{drop_index, index};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const NAME: &str = "tenant_snapshots_day_idx";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use TenantSnapshots as T;
        index(
            manager,
            NAME,
            T::Table,
            [
                T::Day,
                T::TenantId,
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
        drop_index(manager, NAME, TenantSnapshots::Table).await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum TenantSnapshots {
    Table,
    TenantId,
    Day,
    OpenFindings,
    OpenCritical,
    OpenHigh,
    OpenMedium,
    OpenLow,
}
