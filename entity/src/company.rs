//! An MSP tenant's client company.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    pub name: String,
    /// The lower-cased, trimmed name: unique per tenant.
    pub name_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_one = "super::company_rollup::Entity")]
    Rollup,
}

impl Related<super::company_rollup::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Rollup.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
