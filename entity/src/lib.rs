//! sea-orm entities, one module per table.
//!
//! Owns: the mapping from rows to Rust structs. Must not: be sent to the browser (server
//! functions exchange the wire types of `portal-types`) or be queried around the tenant scope
//! of the `domain` crate.

pub mod agent;
pub mod api_idempotency;
pub mod asset;
pub mod association;
pub mod audit_event;
pub mod auth_throttle;
pub mod billing_plan;
pub mod billing_statement;
pub mod company;
pub mod company_rollup;
pub mod email_outbox;
pub mod enrollment_token;
pub mod finding;
pub mod invitation;
pub mod logo;
pub mod notification;
pub mod rollup_snapshot;
pub mod session;
pub mod tenant;
pub mod tenant_rollup;
pub mod tenant_snapshot;
pub mod usage_sample;
pub mod user;
pub mod vulnerability;
pub mod white_label;
