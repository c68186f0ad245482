//! Background jobs of this process. Each is safe to run on every instance at once.
//! The email outbox worker has a module of its own, [`crate::mailer`].

use domain::Db;
use std::time::Duration;

/// Deletes expired sessions every ten minutes until the process stops.
pub fn spawn_session_purge(db: Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match domain::sessions::purge_expired(&db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(purged) => tracing::info!(purged, "expired sessions purged"),
                Err(error) => tracing::warn!(%error, "session purge failed"),
            }
        }
    })
}

/// Expires pending association requests past their deadline, every minute.
pub fn spawn_association_expiry(db: Db) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(60));
        loop {
            every.tick().await;
            match domain::associations::expire_due(&db, chrono::Utc::now()).await {
                Ok(0) => {}
                Ok(expired) => tracing::info!(expired, "association requests expired"),
                Err(error) => tracing::warn!(%error, "association expiry failed"),
            }
        }
    })
}
