//! A vulnerability on an asset, open or fixed.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "findings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub company_id: i64,
    pub asset_id: i64,
    pub vulnerability_id: i64,
    /// The vulnerability's severity when last reported.
    pub severity: String,
    /// `open` or `fixed`.
    pub status: String,
    pub first_seen_at: DateTimeUtc,
    /// For a fixed finding, when it was last reported. An open finding was in its asset's
    /// latest report, so its last sighting is the asset's `last_seen_at`; this column then holds
    /// when it opened or reopened (ingest does not rewrite open findings on every rescan).
    pub last_seen_at: DateTimeUtc,
    pub fixed_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
