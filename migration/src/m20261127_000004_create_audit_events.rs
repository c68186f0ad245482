//! The audit trail: append-only (the domain layer has no update or delete for it).
//! `tenant_id` is the tenant whose trail the event belongs to; the actor may be absent for
//! events the operator caused from the command line.

use super::m20261127_000001_create_tenants::Tenants;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(big_integer(AuditEvents::TenantId))
                    .col(big_integer_null(AuditEvents::ActorUserId))
                    .col(string_len(AuditEvents::ActorLabel, 300))
                    .col(string_len(AuditEvents::Action, 64))
                    .col(string_len(AuditEvents::Target, 300))
                    .col(text(AuditEvents::Details))
                    .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(AuditEvents::Table, AuditEvents::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_events_tenant_time_idx")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::TenantId)
                    .col(AuditEvents::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditEvents::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    TenantId,
    ActorUserId,
    ActorLabel,
    Action,
    Target,
    Details,
    CreatedAt,
}
