//! Fixed-window attempt counters in the database, shared by every instance.
//!
//! One atomic upsert per counted attempt (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, on
//! both engines), so concurrent attempts are all counted.

use crate::{Db, Error, Result};
use chrono::{DateTime, Utc};
use entity::auth_throttle::{Column, Entity};
use sea_orm::sea_query::{CaseStatement, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, EntityTrait, StatementBuilder};
use std::time::Duration;

/// At most `max` attempts per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// Counts one attempt under `key`; refuses with the time to wait once the window's count
/// is over the limit.
pub async fn count(db: &Db, key: &str, limit: Limit, now: DateTime<Utc>) -> Result<()> {
    let window =
        chrono::Duration::from_std(limit.window).map_err(|e| Error::Internal(e.to_string()))?;
    let cutoff = now - window;
    // Qualified: inside ON CONFLICT, PostgreSQL finds a bare name ambiguous with `excluded`.
    let existing = |column: Column| Expr::col((Entity, column));
    let expired = || existing(Column::WindowStartedAt).lt(cutoff);
    let mut insert = Query::insert();
    insert
        .into_table(Entity)
        .columns([Column::Key, Column::WindowStartedAt, Column::Attempts])
        .values([key.into(), now.into(), 1.into()])
        .map_err(|e| Error::Internal(e.to_string()))?
        .on_conflict(
            OnConflict::column(Column::Key)
                .value(
                    Column::Attempts,
                    CaseStatement::new()
                        .case(expired(), 1)
                        .finally(existing(Column::Attempts).add(1)),
                )
                .value(
                    Column::WindowStartedAt,
                    CaseStatement::new()
                        .case(expired(), now)
                        .finally(existing(Column::WindowStartedAt)),
                )
                .to_owned(),
        )
        .returning(Query::returning().columns([Column::Attempts, Column::WindowStartedAt]));
    let statement = StatementBuilder::build(&insert, &db.backend());
    let row = db
        .conn()
        .query_one_raw(statement)
        .await?
        .ok_or_else(|| Error::Internal("throttle upsert returned no row".into()))?;
    let attempts: i32 = row.try_get("", "attempts")?;
    let started: DateTime<Utc> = row.try_get("", "window_started_at")?;
    refuse_over_limit(attempts, started, limit, window, now)
}

/// Refuses without counting when `key` is already over the limit.
pub async fn check(db: &Db, key: &str, limit: Limit, now: DateTime<Utc>) -> Result<()> {
    let window =
        chrono::Duration::from_std(limit.window).map_err(|e| Error::Internal(e.to_string()))?;
    match Entity::find_by_id(key.to_owned()).one(db.conn()).await? {
        Some(row)
            if row.window_started_at >= now - window
                && u32::try_from(row.attempts).unwrap_or(0) >= limit.max =>
        {
            Err(Error::RateLimited(wait_until(
                row.window_started_at + window,
                now,
            )))
        }
        _ => Ok(()),
    }
}

/// Forgets `key` (after a successful sign-in, say).
pub async fn clear(db: &Db, key: &str) -> Result<()> {
    Entity::delete_by_id(key.to_owned()).exec(db.conn()).await?;
    Ok(())
}

fn refuse_over_limit(
    attempts: i32,
    started: DateTime<Utc>,
    limit: Limit,
    window: chrono::Duration,
    now: DateTime<Utc>,
) -> Result<()> {
    if u32::try_from(attempts).unwrap_or(0) <= limit.max {
        return Ok(());
    }
    Err(Error::RateLimited(wait_until(started + window, now)))
}

/// Time until `reopens`, at least a second (a Retry-After of 0 invites a busy loop).
fn wait_until(reopens: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (reopens - now)
        .to_std()
        .unwrap_or_default()
        .max(Duration::from_secs(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db_test;

    const LIMIT: Limit = Limit {
        max: 3,
        window: Duration::from_secs(60),
    };

    db_test!(async fn counts_refuse_past_the_limit_then_reopen(test) {
        let db = &test.db;
        let t0 = Utc::now();
        for _ in 0..3 {
            count(db, "ip:1", LIMIT, t0).await.expect("within limit");
        }
        check(db, "ip:1", LIMIT, t0).await.expect_err("check sees the limit reached");
        match count(db, "ip:1", LIMIT, t0 + chrono::Duration::seconds(10)).await {
            Err(Error::RateLimited(wait)) => assert!(wait <= Duration::from_secs(50) && wait >= Duration::from_secs(49), "{wait:?}"),
            other => panic!("expected RateLimited, got {other:?}"),
        }
        count(db, "ip:2", LIMIT, t0).await.expect("other keys are separate");
        // A new window starts once the old one has passed.
        count(db, "ip:1", LIMIT, t0 + chrono::Duration::seconds(61)).await.expect("new window");
        clear(db, "ip:2").await.expect("clear");
        check(db, "ip:2", LIMIT, t0).await.expect("cleared");
    });

    db_test!(async fn concurrent_attempts_are_all_counted(test) {
        let db = test.db.clone();
        let now = Utc::now();
        let limit = Limit { max: 1000, window: Duration::from_secs(60) };
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { count(&db, "acct:x", limit, now).await })
            })
            .collect();
        for task in tasks {
            task.await.expect("join").expect("counted");
        }
        let row = Entity::find_by_id("acct:x".to_owned()).one(db.conn()).await.expect("query").expect("row");
        assert_eq!(row.attempts, 20);
    });
}
