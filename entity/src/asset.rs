//! A host of one company, as an agent or a scanner reported it.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub company_id: i64,
    /// `probe_discovered`, `external` or `agent_host`.
    pub source: String,
    /// Identity within the company and source: lower-cased hostname, or the IP address.
    pub asset_key: String,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os: Option<String>,
    /// The agent that last reported it (none for external scans).
    pub agent_id: Option<i64>,
    pub first_seen_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
