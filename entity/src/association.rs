use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "associations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub mssp_tenant_id: i64,
    pub msp_tenant_id: i64,
    /// `PENDING_APPROVAL`, `APPROVED`, `REJECTED`, `CANCELLED`, `EXPIRED` or `REVOKED`.
    pub status: String,
    /// The MSP admin's email the request was addressed to.
    pub requested_email: String,
    pub requested_by_user_id: Option<i64>,
    pub requested_at: DateTimeUtc,
    /// A pending request not decided by then expires.
    pub expires_at: DateTimeUtc,
    pub decided_by_user_id: Option<i64>,
    pub decided_at: Option<DateTimeUtc>,
    pub decision_reason: Option<String>,
    pub ended_by_user_id: Option<i64>,
    pub ended_at: Option<DateTimeUtc>,
    pub end_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::tenant::Entity",
        from = "Column::MsspTenantId",
        to = "super::tenant::Column::Id",
        on_delete = "Cascade"
    )]
    Mssp,
    #[sea_orm(
        belongs_to = "super::tenant::Entity",
        from = "Column::MspTenantId",
        to = "super::tenant::Column::Id",
        on_delete = "Cascade"
    )]
    Msp,
}

impl ActiveModelBehavior for ActiveModel {}
