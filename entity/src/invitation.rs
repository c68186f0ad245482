use sea_orm::entity::prelude::*;

/// An invitation to join a tenant as a user with `role`. Open while neither accepted nor
/// withdrawn and before `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invitations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// Lower-cased.
    pub email: String,
    /// `owner`, `admin` or `viewer`.
    pub role: String,
    /// SHA-256 (hex) of the secret in the invitation link.
    #[sea_orm(unique)]
    pub token_hash: String,
    pub invited_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub accepted_at: Option<DateTimeUtc>,
    pub withdrawn_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
