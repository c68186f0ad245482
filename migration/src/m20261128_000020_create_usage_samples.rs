//! Billing usage: one row per day, MSSP and MSP tenant that was APPROVED at the end of that
//! day, with the agents deployed under it; and the days already sampled, so a day is sampled
//! once however many instances run the sampler, and missed days are filled in later.

use super::helpers::{index, tenant_fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use UsageSamples as U;
        manager
            .create_table(
                Table::create()
                    .table(U::Table)
                    .col(big_pk_auto(U::Id))
                    .col(date(U::Day))
                    .col(big_integer(U::MsspTenantId))
                    .col(big_integer(U::MspTenantId))
                    .col(big_integer(U::ProbeAgents))
                    .col(big_integer(U::LightweightAgents))
                    .foreign_key(&mut tenant_fk(U::Table, U::MsspTenantId))
                    .foreign_key(&mut tenant_fk(U::Table, U::MspTenantId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "usage_samples_mssp_day_msp_idx",
            U::Table,
            [U::MsspTenantId, U::Day, U::MspTenantId],
            true,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(UsageDays::Table)
                    .col(date(UsageDays::Day).primary_key())
                    .col(timestamp_with_time_zone(UsageDays::SampledAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(UsageDays::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(UsageSamples::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum UsageSamples {
    Table,
    Id,
    Day,
    MsspTenantId,
    MspTenantId,
    ProbeAgents,
    LightweightAgents,
}

#[derive(DeriveIden, Clone, Copy)]
enum UsageDays {
    Table,
    Day,
    SampledAt,
}
