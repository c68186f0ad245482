//! Fixed-window attempt counters (sign-in per client address and per account, and later other
//! rate limits), in the database so that every instance counts against the same limit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuthThrottle::Table)
                    .col(string_len(AuthThrottle::Key, 400).primary_key())
                    .col(timestamp_with_time_zone(AuthThrottle::WindowStartedAt))
                    .col(integer(AuthThrottle::Attempts))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuthThrottle::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum AuthThrottle {
    Table,
    Key,
    WindowStartedAt,
    Attempts,
}
