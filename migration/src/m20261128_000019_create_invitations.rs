//! Invitations: an owner invites staff by email; the link carries a secret whose SHA-256 is
//! kept here, and it works once, until it expires or the owner withdraws it.

use super::helpers::{fk, index, tenant_fk};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        use Invitations as I;
        manager
            .create_table(
                Table::create()
                    .table(I::Table)
                    .col(big_pk_auto(I::Id))
                    .col(big_integer(I::TenantId))
                    .col(string_len(I::Email, 254))
                    .col(string_len(I::Role, 20))
                    .col(string_len(I::TokenHash, 64).unique_key())
                    .col(big_integer_null(I::InvitedBy))
                    .col(timestamp_with_time_zone(I::CreatedAt))
                    .col(timestamp_with_time_zone(I::ExpiresAt))
                    .col(timestamp_with_time_zone_null(I::AcceptedAt))
                    .col(timestamp_with_time_zone_null(I::WithdrawnAt))
                    .foreign_key(&mut tenant_fk(I::Table, I::TenantId))
                    .foreign_key(&mut fk(
                        I::Table,
                        I::InvitedBy,
                        Users::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "invitations_tenant_email_idx",
            I::Table,
            [I::TenantId, I::Email],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Invitations::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Invitations {
    Table,
    Id,
    TenantId,
    /// Lower-cased, as users' emails are.
    Email,
    /// The role the new user gets.
    Role,
    TokenHash,
    InvitedBy,
    CreatedAt,
    ExpiresAt,
    AcceptedAt,
    WithdrawnAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
}
