//! Background jobs of this process. Each is safe to run on every instance at once.
//! The email outbox worker has a module of its own, [`crate::mailer`].

use domain::Db;
use domain::billing::{ledger, metering, pricing::Pricing};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Runs `job` every `period` until the process stops, logging what it did (`what`, with the
/// count it returns, when not zero) and any failure.
fn spawn_every<F, Fut>(
    db: Db,
    period: Duration,
    what: &'static str,
    job: F,
) -> tokio::task::JoinHandle<()>
where
    F: Fn(Db) -> Fut + Send + 'static,
    Fut: Future<Output = domain::Result<u64>> + Send,
{
    tokio::spawn(async move {
        let mut every = tokio::time::interval(period);
        loop {
            every.tick().await;
            match job(db.clone()).await {
                Ok(0) => {}
                Ok(count) => tracing::info!(count, "{what}"),
                Err(error) => tracing::warn!(%error, "{what}: failed"),
            }
        }
    })
}

/// Deletes expired sessions every ten minutes.
pub fn spawn_session_purge(db: Db) -> tokio::task::JoinHandle<()> {
    spawn_every(
        db,
        Duration::from_secs(600),
        "expired sessions purged",
        |db| async move { domain::sessions::purge_expired(&db, chrono::Utc::now()).await },
    )
}

/// Expires pending association requests past their deadline, every minute.
pub fn spawn_association_expiry(db: Db) -> tokio::task::JoinHandle<()> {
    spawn_every(
        db,
        Duration::from_secs(60),
        "association requests expired",
        |db| async move { domain::associations::expire_due(&db, chrono::Utc::now()).await },
    )
}

/// Keeps today's roll-up snapshot of every company (the trends read them), checking every ten
/// minutes; a day already snapshotted is left alone, so every instance may run it.
pub fn spawn_rollup_snapshots(db: Db) -> tokio::task::JoinHandle<()> {
    spawn_every(
        db,
        Duration::from_secs(600),
        "roll-up snapshots taken",
        |db| async move { domain::rollups::snapshot_today(&db).await },
    )
}

/// Takes the billing usage sample of each finished day (filling in days missed while no
/// instance ran), then freezes the statement of each month whose last day is sampled,
/// checking every ten minutes. A day sampled or a month closed is left alone, so every
/// instance may run it.
pub fn spawn_billing(db: Db, pricing: Arc<Pricing>) -> tokio::task::JoinHandle<()> {
    spawn_every(
        db,
        Duration::from_secs(600),
        "billing days sampled and statements closed",
        move |db| {
            let pricing = pricing.clone();
            async move {
                let now = chrono::Utc::now();
                let days =
                    metering::sample_finished_days(&db, now, pricing.deployed_window).await?;
                let statements = ledger::close_finished_months(&db, &pricing, now).await?;
                Ok(days + statements)
            }
        },
    )
}

/// Forgets Idempotency-Keys older than a day, every hour.
pub fn spawn_idempotency_purge(db: Db) -> tokio::task::JoinHandle<()> {
    spawn_every(
        db,
        Duration::from_secs(3600),
        "idempotency keys purged",
        |db| async move { domain::idempotency::purge_old(&db, chrono::Utc::now()).await },
    )
}
