//! Users: each belongs to one tenant; the email (stored lower-case) is unique per tenant.

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
                    .table(Users::Table)
                    .col(big_pk_auto(Users::Id))
                    .col(big_integer(Users::TenantId))
                    .col(string_len(Users::Email, 254))
                    .col(string_len(Users::DisplayName, 100))
                    .col(
                        string_len(Users::Role, 8)
                            .check(Expr::col(Users::Role).is_in(["owner", "admin", "viewer"])),
                    )
                    .col(string_len(Users::PasswordHash, 200))
                    .col(boolean(Users::Active))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone_null(Users::LastSignInAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Users::Table, Users::TenantId)
                            .to(Tenants::Table, Tenants::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("users_tenant_email_key")
                    .table(Users::Table)
                    .col(Users::TenantId)
                    .col(Users::Email)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Users::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Users {
    Table,
    Id,
    TenantId,
    Email,
    DisplayName,
    Role,
    PasswordHash,
    Active,
    CreatedAt,
    LastSignInAt,
}
