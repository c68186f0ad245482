//! Forward-only schema migrations, one change each, named `mYYYYMMDD_NNNNNN_what`.
//!
//! Owns: the schema, including the invariants the database itself enforces (unique and foreign
//! keys, checks). Must not: hold data fixes that depend on application code.
//! Every migration runs on SQLite and PostgreSQL in CI.

pub use sea_orm_migration::prelude::*;

mod helpers;
mod m20261127_000001_create_tenants;
mod m20261127_000002_create_users;
mod m20261127_000003_create_sessions;
mod m20261127_000004_create_audit_events;
mod m20261127_000005_create_auth_throttle;
mod m20261127_000006_create_associations;
mod m20261127_000007_email_outbox;
mod m20261127_000008_create_notifications;
mod m20261127_000009_create_companies_and_agents;
mod m20261127_000010_create_assets_and_findings;
mod m20261127_000011_create_rollups_and_idempotency;
mod m20261128_000012_index_inventory_tables;
mod m20261128_000013_create_tenant_snapshots;
mod m20261128_000014_count_open_findings_per_vulnerability;
mod m20261128_000015_cover_company_rollups;
mod m20261128_000016_create_tenant_rollups;
mod m20261128_000017_index_tenant_snapshots_by_day;
mod m20261128_000018_create_white_labels;
mod m20261128_000019_create_invitations;
mod m20261128_000020_create_usage_samples;
mod m20261128_000021_create_billing_plans_and_statements;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_tenants::Migration),
            Box::new(m20261127_000002_create_users::Migration),
            Box::new(m20261127_000003_create_sessions::Migration),
            Box::new(m20261127_000004_create_audit_events::Migration),
            Box::new(m20261127_000005_create_auth_throttle::Migration),
            Box::new(m20261127_000006_create_associations::Migration),
            Box::new(m20261127_000007_email_outbox::Migration),
            Box::new(m20261127_000008_create_notifications::Migration),
            Box::new(m20261127_000009_create_companies_and_agents::Migration),
            Box::new(m20261127_000010_create_assets_and_findings::Migration),
            Box::new(m20261127_000011_create_rollups_and_idempotency::Migration),
            Box::new(m20261128_000012_index_inventory_tables::Migration),
            Box::new(m20261128_000013_create_tenant_snapshots::Migration),
            Box::new(m20261128_000014_count_open_findings_per_vulnerability::Migration),
            Box::new(m20261128_000015_cover_company_rollups::Migration),
            Box::new(m20261128_000016_create_tenant_rollups::Migration),
            Box::new(m20261128_000017_index_tenant_snapshots_by_day::Migration),
            Box::new(m20261128_000018_create_white_labels::Migration),
            Box::new(m20261128_000019_create_invitations::Migration),
            Box::new(m20261128_000020_create_usage_samples::Migration),
            Box::new(m20261128_000021_create_billing_plans_and_statements::Migration),
        ]
    }
}
