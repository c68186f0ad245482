use sea_orm::entity::prelude::*;

/// A closed month's statement of an MSSP, frozen: `body` is the whole statement as JSON
/// (`portal_types::Statement`); `currency` and `total` repeat it for the list of statements.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "billing_statements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub mssp_tenant_id: i64,
    /// The month's first day.
    pub period: Date,
    pub currency: String,
    pub total: i64,
    pub body: String,
    pub closed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
