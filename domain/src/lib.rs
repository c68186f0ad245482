//! Server-only domain services.
//!
//! Owns: the database connection ([`Db`]), the tenant scope every query goes through
//! ([`scope`]), and the services that enforce the invariants of the design brief: accounts,
//! passwords, sessions, sign-in, throttling, audit, the email outbox, demo data.
//! Must not: know about HTTP or Leptos. Callers pass parsed inputs and a [`Scope`]; they get
//! back domain values or an [`Error`], which maps to the user-facing `AppError` in one place.

pub mod agents;
pub mod associations;
pub mod audit;
pub mod batch;
pub mod billing;
pub mod branding;
pub mod companies;
pub mod db;
pub mod demo;
pub mod email;
mod error;
pub mod generate;
pub mod idempotency;
pub mod ingest;
pub mod inventory;
mod like;
pub mod live;
pub mod notifications;
pub mod outbox;
pub mod paging;
pub mod passwords;
pub mod rollups;
pub mod scope;
pub mod secret;
pub mod sessions;
pub mod signin;
pub mod tenants;
pub mod throttle;
pub mod users;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use db::{Db, Engine};
pub use error::{Error, Result};
pub use scope::{Owner, Principal, Scope, Scoped};
