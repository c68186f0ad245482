//! Live updates (design brief §4): when a change commits, every open page of the tenants it
//! concerns hears of it and refetches. In one process on SQLite, through a broadcast channel;
//! across instances on PostgreSQL, through `NOTIFY` inside the writing transaction (delivered
//! only if it commits) and one `LISTEN` connection per process feeding the same channel.
//!
//! A change carries no data, only which tenant and which topic: pages refetch through their
//! scoped server functions, so nothing here can leak another tenant's rows.

use crate::{Db, Error, Result};
use portal_types::TenantId;
use sea_orm::sqlx::postgres::PgListener;
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::{OnceCell, broadcast};

/// What changed, for the pages that show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// An association was requested, decided, cancelled, expired or revoked.
    Associations,
    /// A user's notifications changed (a new one, or read).
    Notifications,
}

impl Topic {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Associations => "associations",
            Self::Notifications => "notifications",
        }
    }
}

/// One committed change of `topic` in `tenant`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Change {
    pub tenant: TenantId,
    pub topic: Topic,
}

/// The PostgreSQL channel every instance listens on.
const CHANNEL: &str = "portal_live";

/// Changes a subscriber may fall behind by before it is told it lagged (and refetches all).
const BUFFER: usize = 1024;

/// The process's fan-out point. Cheap to clone.
#[derive(Clone)]
pub(crate) struct Hub {
    sender: broadcast::Sender<Change>,
    listening: Arc<OnceCell<()>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("subscribers", &self.sender.receiver_count())
            .finish()
    }
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            sender: broadcast::channel(BUFFER).0,
            listening: Arc::default(),
        }
    }
}

impl Db {
    /// Commits `txn`, announcing `changes` to every subscriber of every instance once (and only
    /// if) the commit succeeds.
    pub(crate) async fn commit_announcing(
        &self,
        txn: DatabaseTransaction,
        changes: &[Change],
    ) -> Result<()> {
        let committed = self.commit_and_notify(txn, changes).await;
        if let Some(cache) = &self.dashboards {
            // At once on this instance, so the writer's next read already misses; the other
            // instances drop theirs when the notification reaches them.
            cache.forget_if_changed(changes);
        }
        committed
    }

    async fn commit_and_notify(&self, txn: DatabaseTransaction, changes: &[Change]) -> Result<()> {
        match self.backend() {
            DbBackend::Postgres => {
                for change in unique(changes) {
                    let payload = serde_json::to_string(&change)
                        .map_err(|e| Error::Internal(e.to_string()))?;
                    txn.execute_raw(Statement::from_sql_and_values(
                        DbBackend::Postgres,
                        "SELECT pg_notify($1, $2)",
                        [CHANNEL.into(), payload.into()],
                    ))
                    .await?;
                }
                txn.commit().await?;
            }
            _ => {
                txn.commit().await?;
                for change in unique(changes) {
                    // No receiver is fine: nobody has a page open.
                    let _ = self.hub.sender.send(change);
                }
            }
        }
        Ok(())
    }

    /// A stream of every change committed from now on, by any instance. On PostgreSQL the
    /// first call opens this process's `LISTEN` connection and returns once it listens.
    pub async fn subscribe(&self) -> Result<broadcast::Receiver<Change>> {
        if self.backend() == DbBackend::Postgres {
            self.hub.listening.get_or_try_init(|| self.listen()).await?;
        }
        Ok(self.hub.sender.subscribe())
    }

    async fn listen(&self) -> Result<()> {
        let pool = self.conn().get_postgres_connection_pool().clone();
        let mut listener = PgListener::connect_with(&pool)
            .await
            .map_err(|e| Error::Internal(format!("LISTEN connection: {e}")))?;
        listener
            .listen(CHANNEL)
            .await
            .map_err(|e| Error::Internal(format!("LISTEN {CHANNEL}: {e}")))?;
        let sender = self.hub.sender.clone();
        tokio::spawn(async move {
            loop {
                // `recv` reconnects and listens again by itself when the connection drops;
                // changes committed meanwhile are missed, and pages catch up on their next one.
                match listener.recv().await {
                    Ok(notification) => {
                        match serde_json::from_str::<Change>(notification.payload()) {
                            Ok(change) => {
                                let _ = sender.send(change);
                            }
                            Err(error) => {
                                tracing::warn!(%error, "ignoring a malformed live change")
                            }
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "live updates: LISTEN connection lost; retrying");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                }
            }
        });
        Ok(())
    }
}

fn unique(changes: &[Change]) -> Vec<Change> {
    let mut seen = Vec::with_capacity(changes.len());
    for change in changes {
        if !seen.contains(change) {
            seen.push(*change);
        }
    }
    seen
}
