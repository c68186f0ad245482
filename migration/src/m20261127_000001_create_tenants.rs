//! Tenants: MSSPs and MSPs. The name is unique case-insensitively through `name_key`
//! (the lower-cased, trimmed name), which works the same on both engines.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Tenants::Table)
                    .col(big_pk_auto(Tenants::Id))
                    .col(
                        string_len(Tenants::Kind, 8)
                            .check(Expr::col(Tenants::Kind).is_in(["mssp", "msp"])),
                    )
                    .col(string_len(Tenants::Name, 100))
                    .col(string_len_uniq(Tenants::NameKey, 400))
                    .col(timestamp_with_time_zone(Tenants::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Tenants::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Tenants {
    Table,
    Id,
    Kind,
    Name,
    NameKey,
    CreatedAt,
}
