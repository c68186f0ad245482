use sea_orm::entity::prelude::*;

/// An MSP tenant approved by an MSSP at the end of `day`, with the agents deployed under it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "usage_samples")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub day: Date,
    pub mssp_tenant_id: i64,
    pub msp_tenant_id: i64,
    pub probe_agents: i64,
    pub lightweight_agents: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
