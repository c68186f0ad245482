//! The database handle: connecting (SQLite or PostgreSQL by URL), migrating, and starting
//! write transactions the right way for each engine.

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};
use std::time::Duration;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// How long a SQLite writer waits for the lock before giving up with BUSY.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Connection pool settings.
#[derive(Debug, Clone)]
pub struct PoolSettings {
    pub max_connections: u32,
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Db {
    conn: DatabaseConnection,
    engine: Engine,
    pub(crate) hub: crate::live::Hub,
    /// How long a pending association request waits for a decision.
    pub(crate) request_expiry: chrono::Duration,
    /// MSSP dashboard aggregates remembered briefly, when the operator turned it on.
    pub(crate) dashboards: Option<crate::inventory::DashboardCache>,
}

impl Db {
    /// Connects to `url`: `sqlite://path/to/file.db` (the file and its folder are created) or
    /// `postgres://…`. SQLite runs in WAL mode with foreign keys on and a busy timeout.
    pub async fn connect(url: &str, pool: &PoolSettings) -> Result<Self, DbErr> {
        let engine = engine_of(url)?;
        if engine == Engine::Sqlite {
            create_sqlite_parent_dir(url)?;
        }
        let mut options = ConnectOptions::new(url.to_owned());
        options
            .max_connections(pool.max_connections)
            .min_connections(1)
            .acquire_timeout(pool.acquire_timeout)
            .connect_timeout(pool.acquire_timeout)
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|opts: SqliteConnectOptions| {
                opts.create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
            });
        let conn = sea_orm::Database::connect(options).await?;
        Ok(Self {
            conn,
            engine,
            hub: crate::live::Hub::default(),
            request_expiry: chrono::Duration::days(crate::associations::DEFAULT_EXPIRY_DAYS),
            dashboards: None,
        })
    }

    /// Sets how many days a pending association request waits before it expires.
    #[must_use]
    pub fn with_request_expiry_days(mut self, days: u32) -> Self {
        self.request_expiry = chrono::Duration::days(i64::from(days));
        self
    }

    /// Runs every pending migration.
    pub async fn migrate(&self) -> Result<(), DbErr> {
        Migrator::up(&self.conn, None).await
    }

    /// The connection, for reads. Queries on tenant-owned tables go through
    /// [`Db::scoped`](crate::scope) instead.
    pub(crate) fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Begins a write transaction. On SQLite it begins IMMEDIATE, taking the write lock up
    /// front: a deferred transaction that reads and then writes fails with BUSY at once when
    /// another writer got there first, where an immediate one waits its turn.
    pub async fn begin_write(&self) -> Result<DatabaseTransaction, DbErr> {
        let options = TransactionOptions {
            sqlite_transaction_mode: (self.engine == Engine::Sqlite)
                .then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        self.conn.begin_with_options(options).await
    }

    /// A trivial query: is the database answering?
    pub async fn ping(&self) -> Result<(), DbErr> {
        self.conn.execute_unprepared("SELECT 1").await.map(|_| ())
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// Closes the pool.
    pub async fn close(self) -> Result<(), DbErr> {
        self.conn.close().await
    }
}

fn engine_of(url: &str) -> Result<Engine, DbErr> {
    if url.starts_with("sqlite:") {
        Ok(Engine::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Engine::Postgres)
    } else {
        Err(DbErr::Custom(
            "DATABASE_URL must start with sqlite:// or postgres://".to_owned(),
        ))
    }
}

/// The file path of a `sqlite://` URL, or `None` for an in-memory database.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| std::path::PathBuf::from(path))
}

fn create_sqlite_parent_dir(url: &str) -> Result<(), DbErr> {
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(|e| {
            DbErr::Custom(format!(
                "cannot create the database folder {}: {e}",
                dir.display()
            ))
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths() {
        assert_eq!(
            sqlite_path("sqlite://data/portal.db"),
            Some("data/portal.db".into())
        );
        assert_eq!(
            sqlite_path("sqlite:///tmp/x.db?mode=rwc"),
            Some("/tmp/x.db".into())
        );
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x"), None);
    }

    /// `.cargo/config.toml` builds SQLite with the planner stability guarantee; without it every
    /// statement with `LIMIT ?` is prepared again on each run.
    #[tokio::test]
    async fn sqlite_plans_do_not_depend_on_bound_values() {
        use sea_orm::{ConnectionTrait, Statement};
        let db = Db::connect("sqlite::memory:", &PoolSettings::default())
            .await
            .expect("in-memory SQLite");
        let row = db
            .conn()
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT sqlite_compileoption_used('ENABLE_QPSG')",
            ))
            .await
            .expect("query")
            .expect("one row");
        assert_eq!(row.try_get_by_index::<i32>(0).expect("flag"), 1);
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(engine_of("mysql://x").is_err());
        assert_eq!(engine_of("postgresql://h/db").ok(), Some(Engine::Postgres));
    }
}
