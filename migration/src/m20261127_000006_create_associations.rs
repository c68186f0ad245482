//! MSSP → MSP associations and their lifecycle. At most one *active* (pending or approved)
//! association per MSP tenant, enforced by a partial unique index, which holds under
//! concurrent requests on both engines.

use super::m20261127_000001_create_tenants::Tenants;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const STATUSES: [&str; 6] = [
    "PENDING_APPROVAL",
    "APPROVED",
    "REJECTED",
    "CANCELLED",
    "EXPIRED",
    "REVOKED",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Associations::Table)
                    .col(big_pk_auto(Associations::Id))
                    .col(big_integer(Associations::MsspTenantId))
                    .col(big_integer(Associations::MspTenantId))
                    .col(
                        string_len(Associations::Status, 20)
                            .check(Expr::col(Associations::Status).is_in(STATUSES)),
                    )
                    .col(string_len(Associations::RequestedEmail, 254))
                    .col(big_integer_null(Associations::RequestedByUserId))
                    .col(timestamp_with_time_zone(Associations::RequestedAt))
                    .col(timestamp_with_time_zone(Associations::ExpiresAt))
                    .col(big_integer_null(Associations::DecidedByUserId))
                    .col(timestamp_with_time_zone_null(Associations::DecidedAt))
                    .col(text_null(Associations::DecisionReason))
                    .col(big_integer_null(Associations::EndedByUserId))
                    .col(timestamp_with_time_zone_null(Associations::EndedAt))
                    .col(text_null(Associations::EndReason))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Associations::Table, Associations::MsspTenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Associations::Table, Associations::MspTenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The same statement on SQLite and PostgreSQL: both support partial indexes.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE UNIQUE INDEX associations_one_active_per_msp ON associations (msp_tenant_id) \
                 WHERE status IN ('PENDING_APPROVAL', 'APPROVED')",
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("associations_mssp_status_idx")
                    .table(Associations::Table)
                    .col(Associations::MsspTenantId)
                    .col(Associations::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Associations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Associations {
    Table,
    Id,
    MsspTenantId,
    MspTenantId,
    Status,
    RequestedEmail,
    RequestedByUserId,
    RequestedAt,
    ExpiresAt,
    DecidedByUserId,
    DecidedAt,
    DecisionReason,
    EndedByUserId,
    EndedAt,
    EndReason,
}
