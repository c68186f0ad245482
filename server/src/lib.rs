//! The server: configuration, command line, HTTP routes and middleware, start-up and shutdown,
//! background jobs (the email outbox worker among them).
//!
//! Owns: everything about running the portal as a process. Must not: hold domain rules (those
//! live in the `domain` crate) or page logic (the `app` crate).

// The app's view types nest deeply (islands wrap their views once more); computing their
// layout while serving them needs more than the default 128 levels.
#![recursion_limit = "256"]

pub mod api;
mod audit_csv;
mod billing_csv;
mod branding;
pub mod cli;
pub mod config;
mod health;
mod inventory_csv;
mod jobs;
pub mod live;
pub mod mailer;
pub mod middleware;
mod page_cache;
pub mod router;
pub mod serve;
pub mod signed_in;
pub mod telemetry;
