//! The email outbox: every email is written here in the same transaction as the change that
//! causes it, then delivered by a background worker that claims rows with a lease.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EmailOutbox::Table)
                    .col(big_pk_auto(EmailOutbox::Id))
                    .col(string_len(EmailOutbox::Recipient, 254))
                    .col(string_len(EmailOutbox::Kind, 60))
                    .col(text(EmailOutbox::Payload))
                    .col(timestamp_with_time_zone(EmailOutbox::CreatedAt))
                    .col(integer(EmailOutbox::Attempts).default(0))
                    .col(timestamp_with_time_zone(EmailOutbox::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(EmailOutbox::ClaimedUntil))
                    .col(string_len_null(EmailOutbox::ClaimToken, 64))
                    .col(timestamp_with_time_zone_null(EmailOutbox::SentAt))
                    .col(timestamp_with_time_zone_null(EmailOutbox::FailedAt))
                    .col(text_null(EmailOutbox::LastError))
                    .to_owned(),
            )
            .await?;
        // What the worker asks every second: the due rows among the unsent ones. A partial
        // index (same statement on SQLite and PostgreSQL) holds only those, so it stays small
        // however many messages have been delivered.
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX email_outbox_due_idx ON email_outbox (next_attempt_at) \
                 WHERE sent_at IS NULL AND failed_at IS NULL",
            )
            .await
            .map(|_| ())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailOutbox::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum EmailOutbox {
    Table,
    Id,
    Recipient,
    Kind,
    Payload,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    ClaimToken,
    SentAt,
    FailedAt,
    LastError,
}
