//! Builders the migrations share: foreign keys to a parent's `id`, and indexes.

use sea_orm_migration::prelude::*;

/// A foreign key from `table.column` to `to_table.id`, deleting (or nulling) with the parent.
pub fn fk(
    table: impl IntoIden,
    column: impl IntoIden,
    to_table: impl IntoIden,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(to_table, Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

/// A foreign key to the owning tenant, deleted with it.
pub fn tenant_fk(table: impl IntoIden, column: impl IntoIden) -> ForeignKeyCreateStatement {
    fk(
        table,
        column,
        super::m20261127_000001_create_tenants::Tenants::Table,
        ForeignKeyAction::Cascade,
    )
}

/// Creates index `name` on `table (columns…)`, unique when asked.
pub async fn index<T: IntoIden + Copy + 'static, const N: usize>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    columns: [T; N],
    unique: bool,
) -> Result<(), DbErr> {
    let mut statement = Index::create();
    statement.name(name).table(table);
    if unique {
        statement.unique();
    }
    for column in columns {
        statement.col(column);
    }
    manager.create_index(statement.to_owned()).await
}

/// Drops index `name` of `table`.
pub async fn drop_index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table(table).to_owned())
        .await
}
