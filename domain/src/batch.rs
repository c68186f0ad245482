//! Statements over many rows at once, in the form each engine runs fastest.
//!
//! PostgreSQL takes a whole list as one array parameter (`column = ANY($1)`): one statement,
//! planned as cheaply for 5,000 values as for one. A long `IN ($1, …, $5000)` list instead
//! costs PostgreSQL more to parse and plan than to run. SQLite has no arrays, and binds an `IN`
//! list cheaply, so there lists go in chunks within its limit on bound parameters.

use crate::Engine;
use sea_orm::ColumnTrait;
use sea_orm::sea_query::{Expr, Value, postgres_array::NotU8};

/// Rows per multi-row INSERT: within both engines' limits on bound parameters.
pub const INSERT_CHUNK: usize = 1000;

/// Values per `IN (…)` list on SQLite.
const SQLITE_IN_CHUNK: usize = 5000;

/// Splits `items` into the lists that one statement each takes on `engine`: on PostgreSQL,
/// all of them at once.
pub fn lists<T>(engine: Engine, items: &[T]) -> std::slice::Chunks<'_, T> {
    let size = match engine {
        Engine::Postgres => items.len().max(1),
        Engine::Sqlite => SQLITE_IN_CHUNK,
    };
    items.chunks(size)
}

/// `column` equals one of `values`: `= ANY($1)` on PostgreSQL, `IN (…)` on SQLite.
pub fn one_of<C, V>(engine: Engine, column: C, values: impl IntoIterator<Item = V>) -> Expr
where
    C: ColumnTrait,
    V: Into<Value> + NotU8,
{
    match engine {
        Engine::Postgres => column.eq_any(values),
        Engine::Sqlite => column.is_in(values),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use entity::finding;
    use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};

    fn sql(engine: Engine, backend: DbBackend) -> String {
        finding::Entity::find()
            .filter(one_of(engine, finding::Column::Id, [1_i64, 2, 3]))
            .build(backend)
            .sql
    }

    #[test]
    fn postgres_binds_one_array_and_sqlite_a_list() {
        assert!(
            sql(Engine::Postgres, DbBackend::Postgres).ends_with(r#""findings"."id" = ANY($1)"#)
        );
        assert!(
            sql(Engine::Sqlite, DbBackend::Sqlite).ends_with(r#""findings"."id" IN (?, ?, ?)"#)
        );
    }

    #[test]
    fn lists_are_whole_on_postgres_and_chunked_on_sqlite() {
        let ids: Vec<i64> = (0..12_000).collect();
        assert_eq!(lists(Engine::Postgres, &ids).count(), 1);
        assert_eq!(lists(Engine::Sqlite, &ids).count(), 3);
        assert_eq!(lists(Engine::Postgres, &[] as &[i64]).count(), 0);
    }
}
