//! An enrolled agent of one company.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agents")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub company_id: i64,
    /// `probe` or `lightweight`.
    pub kind: String,
    pub hostname: String,
    pub version: String,
    /// SHA-256 of the agent's secret, hex.
    pub secret_hash: String,
    pub enrollment_token_id: Option<i64>,
    pub enrolled_at: DateTimeUtc,
    pub last_seen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
