//! Billing: the plan the operator put an MSSP on (no row: the default plan), and the frozen
//! statement of each closed month, one per MSSP and month, written once and never updated.

use super::helpers::{index, tenant_fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use BillingPlans as P;
        use BillingStatements as S;
        manager
            .create_table(
                Table::create()
                    .table(P::Table)
                    .col(big_integer(P::MsspTenantId).primary_key())
                    .col(string_len(P::Plan, 64))
                    .col(timestamp_with_time_zone(P::AssignedAt))
                    .foreign_key(&mut tenant_fk(P::Table, P::MsspTenantId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(S::Table)
                    .col(big_pk_auto(S::Id))
                    .col(big_integer(S::MsspTenantId))
                    .col(date(S::Period))
                    .col(string_len(S::Currency, 3))
                    .col(big_integer(S::Total))
                    .col(text(S::Body))
                    .col(timestamp_with_time_zone(S::ClosedAt))
                    .foreign_key(&mut tenant_fk(S::Table, S::MsspTenantId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "billing_statements_mssp_period_idx",
            S::Table,
            [S::MsspTenantId, S::Period],
            true,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BillingStatements::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(BillingPlans::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum BillingPlans {
    Table,
    MsspTenantId,
    Plan,
    AssignedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum BillingStatements {
    Table,
    Id,
    MsspTenantId,
    Period,
    Currency,
    Total,
    Body,
    ClosedAt,
}
