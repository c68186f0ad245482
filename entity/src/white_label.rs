use sea_orm::entity::prelude::*;

/// An MSSP's branding. No row, or a NULL column, means the portal's default.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "white_labels")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tenant_id: i64,
    pub page_title: Option<String>,
    pub footer_content: Option<String>,
    /// SHA-256 of a `logos` row of the same tenant.
    pub logo_light: Option<String>,
    pub logo_dark: Option<String>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
