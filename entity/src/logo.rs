use sea_orm::entity::prelude::*;

/// An uploaded logo, after it was decoded and re-encoded; stored once per tenant.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "logos")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tenant_id: i64,
    /// Lower-case hex SHA-256 of `bytes`: the logo's address.
    pub sha256: String,
    /// `image/png`, `image/jpeg` or `image/webp`.
    pub content_type: String,
    pub width: i32,
    pub height: i32,
    pub bytes: Vec<u8>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
