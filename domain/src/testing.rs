//! Test support: a fresh, migrated database per test, on SQLite or PostgreSQL.
//!
//! PostgreSQL is required: a test that cannot reach it fails with a message saying so; it is
//! never skipped. `TEST_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
//! names a database to connect to for creating and dropping the per-test databases.

use crate::Db;
use crate::db::PoolSettings;
use sea_orm::{ConnectionTrait, Database};
use std::sync::atomic::{AtomicU32, Ordering};

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A migrated database that is dropped (PostgreSQL) or deleted (SQLite) afterwards.
pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteDir(std::path::PathBuf),
    PostgresDb { admin_url: String, name: String },
}

fn unique_name() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "mssp_test_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        uuid::Uuid::new_v4().simple()
    )
}

/// The admin URL for PostgreSQL tests.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.to_owned())
}

/// A session of a demo user, signed in through the real sign-in with the demo password.
pub async fn signed_in(db: &Db, tenant: &str, email: &str) -> crate::sessions::SessionToken {
    let credentials = crate::signin::Credentials {
        tenant_name: tenant,
        email,
        password: crate::demo::PASSWORD,
    };
    let (token, _) = crate::signin::sign_in(db, credentials, "test", chrono::Utc::now())
        .await
        .expect("sign in");
    token
}

/// The scope of a demo user's new session, as a request of theirs finds it.
pub async fn signed_in_scope(db: &Db, tenant: &str, email: &str) -> crate::Scope {
    let token = signed_in(db, tenant, email).await;
    crate::sessions::resolve_scope(db, &token, chrono::Utc::now())
        .await
        .expect("scope")
        .expect("a live session")
}

impl TestDb {
    pub async fn sqlite() -> Self {
        let dir = std::env::temp_dir().join(unique_name());
        let url = format!("sqlite://{}/portal.db", dir.display());
        let db = Db::connect(&url, &PoolSettings::default())
            .await
            .expect("open a SQLite test database");
        db.migrate()
            .await
            .expect("migrate the SQLite test database");
        Self {
            db,
            cleanup: Cleanup::SqliteDir(dir),
        }
    }

    pub async fn postgres() -> Self {
        let admin_url = postgres_admin_url();
        let name = unique_name();
        let admin = Database::connect(&admin_url).await.unwrap_or_else(|e| {
            panic!(
                "PostgreSQL is required by the test suite and was not reachable at {admin_url}: {e}"
            )
        });
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create a PostgreSQL test database");
        let _ = admin.close().await;
        let url = database_url_with_name(&admin_url, &name);
        let db = Db::connect(&url, &PoolSettings::default())
            .await
            .expect("connect to the PostgreSQL test database");
        db.migrate()
            .await
            .expect("migrate the PostgreSQL test database");
        Self {
            db,
            cleanup: Cleanup::PostgresDb { admin_url, name },
        }
    }

    /// The raw connection, for checks that look past the scope (counting rows, say).
    pub fn conn(&self) -> &sea_orm::DatabaseConnection {
        self.db.conn()
    }

    /// How many rows `table` holds.
    pub async fn count(&self, table: &str) -> i64 {
        use sea_orm::{FromQueryResult, Statement};
        #[derive(FromQueryResult)]
        struct Count {
            n: i64,
        }
        let sql = format!("SELECT COUNT(*) AS n FROM {table}");
        Count::find_by_statement(Statement::from_string(self.db.backend(), sql))
            .one(self.conn())
            .await
            .expect("count rows")
            .expect("one row")
            .n
    }

    /// Makes an enrollment token expire now.
    pub async fn expire_token(&self, id: i64) {
        use entity::enrollment_token::{Column, Entity};
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        let now = chrono::Utc::now() - chrono::Duration::seconds(1);
        Entity::update_many()
            .filter(Column::Id.eq(id))
            .col_expr(Column::ExpiresAt, Expr::value(now))
            .exec(self.conn())
            .await
            .expect("expire the token");
    }

    /// The URL of this database, for starting a server process against it.
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => format!("sqlite://{}/portal.db", dir.display()),
            Cleanup::PostgresDb { admin_url, name } => database_url_with_name(admin_url, name),
        }
    }
}

/// `postgres://user@host:port/old?x` with the database name replaced.
pub fn database_url_with_name(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(prefix, _)| prefix);
    match query {
        Some(q) => format!("{prefix}/{name}?{q}"),
        None => format!("{prefix}/{name}"),
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::SqliteDir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PostgresDb { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; do the async cleanup on a thread of its own.
                let _ = std::thread::spawn(move || {
                    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    else {
                        return;
                    };
                    runtime.block_on(async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Declares a test that runs twice, on SQLite and on PostgreSQL:
/// `db_test!(async fn name(test) { … test.db … });` makes `name::sqlite` and `name::postgres`.
#[macro_export]
macro_rules! db_test {
    (async fn $name:ident($test:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $test = $crate::testing::TestDb::sqlite().await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let $test = $crate::testing::TestDb::postgres().await;
                $body
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_names_are_replaced() {
        assert_eq!(
            database_url_with_name("postgres://u@h:5432/test", "x"),
            "postgres://u@h:5432/x"
        );
        assert_eq!(
            database_url_with_name("postgres://u@h/test?sslmode=disable", "x"),
            "postgres://u@h/x?sslmode=disable"
        );
    }
}
