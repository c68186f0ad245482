//! The email outbox (design brief §3): every email is written to a table in the same
//! transaction as the change that causes it, and a background worker delivers it later.
//!
//! Owns: [`enqueue`], called by domain services inside their own transaction so that the
//! email commits or rolls back with the change; and the worker's side: [`claim_due`],
//! [`mark_sent`], [`mark_retry`]. Must not: render or send mail (the server's mailer does).
//!
//! Several workers (one per instance) may run at once. A worker *claims* due rows with one
//! conditional UPDATE that stamps them with a fresh random token and a lease; a row is claimed
//! only while unclaimed or its lease has run out, so two workers never hold the same row.
//! Every later update is conditional on the token: a worker whose lease ran out and whose row
//! was claimed again changes nothing. A crashed worker's rows become claimable when its lease
//! ends.

use crate::email::Message;
use crate::{Db, Error, Result};
use chrono::{DateTime, Utc};
use entity::email_outbox::{ActiveModel, Column, Entity, Model};
use portal_types::Email;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, Order, QueryFilter,
    StatementBuilder,
};
use std::time::Duration;

/// How much of a delivery error is kept in `last_error`.
const MAX_ERROR_CHARS: usize = 1000;

/// When a failed delivery is tried again, and when it is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; it doubles after each further one…
    pub first_delay: Duration,
    /// …up to this.
    pub max_delay: Duration,
    /// Failed attempts after which the message is given up (`failed_at` set).
    pub max_attempts: i32,
}

impl Default for RetryPolicy {
    /// 5 s, 10 s, 20 s, … capped at an hour; given up after 12 attempts (about 2.4 hours).
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(3600),
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// The wait after the `failures`-th failed attempt (1 for the first).
    pub fn delay_after(&self, failures: i32) -> Duration {
        let doublings = u32::try_from(failures.saturating_sub(1)).unwrap_or(0);
        2u32.checked_pow(doublings)
            .and_then(|factor| self.first_delay.checked_mul(factor))
            .map_or(self.max_delay, |delay| delay.min(self.max_delay))
    }
}

/// A row this worker holds until its lease ends.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: i64,
    /// Pass it back to [`mark_sent`] or [`mark_retry`].
    pub token: String,
    pub recipient: Email,
    pub message: Message,
    pub created_at: DateTime<Utc>,
    /// Failed attempts before this one.
    pub attempts: i32,
}

/// What [`mark_retry`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The message will be tried again from then on.
    At(DateTime<Utc>),
    /// Too many attempts: the message is given up.
    GaveUp,
    /// The claim had passed to another worker (the lease ran out); nothing changed.
    ClaimLost,
}

/// Writes `message` to `recipient` into the outbox, due now. Call it with the caller's
/// transaction, so that the email exists exactly when the change that causes it does.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    recipient: &Email,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<i64> {
    let payload = serde_json::to_string(message).map_err(|e| Error::Internal(e.to_string()))?;
    let id = Entity::insert(ActiveModel {
        recipient: Set(recipient.to_string()),
        kind: Set(message.kind().to_owned()),
        payload: Set(payload),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    })
    .exec(conn)
    .await?
    .last_insert_id;
    Ok(id)
}

/// Unsent, not given up, due by `now`, and not held by a live lease.
fn claimable(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(Column::SentAt.is_null())
        .add(Column::FailedAt.is_null())
        .add(Column::NextAttemptAt.lte(now))
        .add(
            Condition::any()
                .add(Column::ClaimedUntil.is_null())
                .add(Column::ClaimedUntil.lte(now)),
        )
}

/// Claims up to `limit` due messages, oldest due first, for `lease`. Rows another worker
/// claimed first are not returned, even when they were due when this call began.
pub async fn claim_due(
    db: &Db,
    now: DateTime<Utc>,
    lease: Duration,
    limit: u64,
) -> Result<Vec<Claimed>> {
    let lease = chrono::Duration::from_std(lease).map_err(|e| Error::Internal(e.to_string()))?;
    let token = uuid::Uuid::new_v4().simple().to_string();
    let candidates = Query::select()
        .column(Column::Id)
        .from(Entity)
        .cond_where(claimable(now))
        .order_by(Column::NextAttemptAt, Order::Asc)
        .order_by(Column::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    // One statement, which returns the rows it claimed. The conditions are checked again on
    // each row as it is updated (SQLite runs one writer at a time; PostgreSQL re-evaluates them
    // on a row another transaction has just changed), so a row another worker claimed
    // meanwhile is skipped, not taken over.
    let mut claim = Query::update();
    claim
        .table(Entity)
        .value(Column::ClaimToken, token.clone())
        .value(Column::ClaimedUntil, now + lease)
        .cond_where(
            Condition::all()
                .add(Column::Id.in_subquery(candidates))
                .add(claimable(now)),
        )
        .returning_all();
    let statement = StatementBuilder::build(&claim, &db.backend());
    let mut rows = Entity::find()
        .from_raw_sql(statement)
        .all(db.conn())
        .await?;
    rows.sort_by_key(|row| (row.next_attempt_at, row.id));
    let mut claimed = Vec::with_capacity(rows.len());
    for row in rows {
        match decode(row, &token) {
            Ok(message) => claimed.push(message),
            Err((id, error)) => {
                tracing::error!(outbox.id = id, %error, "outbox row cannot be read; giving it up");
                give_up(db, id, &token, &error, now).await?;
            }
        }
    }
    Ok(claimed)
}

fn decode(row: Model, token: &str) -> Result<Claimed, (i64, String)> {
    let recipient =
        Email::parse(&row.recipient).map_err(|e| (row.id, format!("bad recipient: {e}")))?;
    let message = serde_json::from_str(&row.payload)
        .map_err(|e| (row.id, format!("unreadable payload: {e}")))?;
    Ok(Claimed {
        id: row.id,
        token: token.to_owned(),
        recipient,
        message,
        created_at: row.created_at,
        attempts: row.attempts,
    })
}

/// Records that message `id` was handed to the mail server. False when the claim had passed
/// to another worker (which may send it again: the Message-ID lets receivers drop the copy).
pub async fn mark_sent(db: &Db, id: i64, token: &str, now: DateTime<Utc>) -> Result<bool> {
    let result = Entity::update_many()
        .col_expr(Column::SentAt, Expr::value(now))
        .col_expr(Column::ClaimedUntil, Expr::value(None::<DateTime<Utc>>))
        .col_expr(Column::ClaimToken, Expr::value(None::<String>))
        .filter(Column::Id.eq(id))
        .filter(Column::ClaimToken.eq(token))
        .filter(Column::SentAt.is_null())
        .exec(db.conn())
        .await?;
    Ok(result.rows_affected == 1)
}

/// Records a failed attempt at message `id` with its `error`: it is tried again after the
/// policy's backoff, or given up after its last attempt. Releases the claim.
pub async fn mark_retry(
    db: &Db,
    id: i64,
    token: &str,
    error: &str,
    policy: &RetryPolicy,
    now: DateTime<Utc>,
) -> Result<Retry> {
    let txn = db.begin_write().await?;
    let Some(row) = Entity::find_by_id(id)
        .filter(Column::ClaimToken.eq(token))
        .filter(Column::SentAt.is_null())
        .one(&txn)
        .await?
    else {
        return Ok(Retry::ClaimLost);
    };
    let attempts = row.attempts.saturating_add(1);
    let (outcome, when, at) = if attempts >= policy.max_attempts {
        (Retry::GaveUp, Column::FailedAt, now)
    } else {
        let delay = chrono::Duration::from_std(policy.delay_after(attempts))
            .map_err(|e| Error::Internal(e.to_string()))?;
        (Retry::At(now + delay), Column::NextAttemptAt, now + delay)
    };
    Entity::update_many()
        .col_expr(Column::Attempts, Expr::value(attempts))
        .col_expr(Column::LastError, Expr::value(truncated(error)))
        .col_expr(when, Expr::value(at))
        .col_expr(Column::ClaimedUntil, Expr::value(None::<DateTime<Utc>>))
        .col_expr(Column::ClaimToken, Expr::value(None::<String>))
        .filter(Column::Id.eq(id))
        .filter(Column::ClaimToken.eq(token))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(outcome)
}

/// Gives up message `id` at once (it can never be sent as stored).
async fn give_up(db: &Db, id: i64, token: &str, error: &str, now: DateTime<Utc>) -> Result<()> {
    Entity::update_many()
        .col_expr(Column::FailedAt, Expr::value(now))
        .col_expr(Column::LastError, Expr::value(truncated(error)))
        .col_expr(Column::ClaimedUntil, Expr::value(None::<DateTime<Utc>>))
        .col_expr(Column::ClaimToken, Expr::value(None::<String>))
        .filter(Column::Id.eq(id))
        .filter(Column::ClaimToken.eq(token))
        .exec(db.conn())
        .await?;
    Ok(())
}

fn truncated(error: &str) -> String {
    error.chars().take(MAX_ERROR_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db_test;
    use sea_orm::QueryOrder;
    use std::collections::HashSet;

    const LEASE: Duration = Duration::from_secs(60);

    fn message(n: i64) -> Message {
        Message::AssociationRequest {
            mssp_name: "Demo MSSP".into(),
            msp_name: format!("MSP {n}"),
            association_id: n,
            logo: None,
        }
    }

    fn admin() -> Email {
        Email::parse("admin@msp.test").expect("email")
    }

    async fn rows(db: &Db) -> Vec<Model> {
        Entity::find()
            .order_by_asc(Column::Id)
            .all(db.conn())
            .await
            .expect("rows")
    }

    /// Whole seconds: PostgreSQL keeps microseconds, so a nanosecond time would not
    /// compare equal after a round trip.
    fn now() -> DateTime<Utc> {
        use chrono::SubsecRound;
        Utc::now().trunc_subsecs(0)
    }

    fn secs(n: i64) -> chrono::Duration {
        chrono::Duration::seconds(n)
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy::default();
        let delays: Vec<u64> = (1..=12).map(|n| policy.delay_after(n).as_secs()).collect();
        assert_eq!(
            delays,
            [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600]
        );
        assert_eq!(policy.delay_after(i32::MAX), policy.max_delay);
    }

    db_test!(async fn enqueued_mail_commits_and_rolls_back_with_the_change(test) {
        let db = &test.db;
        let now = now();
        let txn = db.begin_write().await.expect("begin");
        enqueue(&txn, &admin(), &message(1), now).await.expect("enqueue");
        txn.rollback().await.expect("rollback");
        assert!(rows(db).await.is_empty(), "a rolled-back change leaves no email");

        let txn = db.begin_write().await.expect("begin");
        let id = enqueue(&txn, &admin(), &message(2), now).await.expect("enqueue");
        txn.commit().await.expect("commit");
        let stored = rows(db).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].id, id);
        assert_eq!(stored[0].recipient, "admin@msp.test");
        assert_eq!(stored[0].kind, "association_request");
        assert_eq!(stored[0].attempts, 0);

        let claimed = claim_due(db, now, LEASE, 10).await.expect("claim");
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].message, message(2));
        assert_eq!(claimed[0].recipient, admin());
        assert!(mark_sent(db, id, &claimed[0].token, now).await.expect("sent"));
        assert!(claim_due(db, now + secs(3600), LEASE, 10).await.expect("claim").is_empty(), "sent is sent");
        assert!(rows(db).await[0].sent_at.is_some());
    });

    // Eight workers race for 50 rows; a round or two can miss an unlucky interleaving, so
    // it is run a few times.
    db_test!(async fn concurrent_claimers_never_share_a_row(test) {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let db = test.db.clone();
        let now = now();
        for round in 0..4 {
            for n in 0..50 {
                enqueue(db.conn(), &admin(), &message(n), now).await.expect("enqueue");
            }
            let claimed_so_far = Arc::new(AtomicUsize::new(0));
            // All start together, so that their first claims aim at the same rows.
            let start = Arc::new(tokio::sync::Barrier::new(8));
            let tasks: Vec<_> = (0..8)
                .map(|_| {
                    let (db, claimed_so_far, start) = (db.clone(), claimed_so_far.clone(), start.clone());
                    tokio::spawn(async move {
                        let mut mine = Vec::new();
                        start.wait().await;
                        // Bounded: a claim may come back empty while others hold the rows.
                        for _ in 0..500 {
                            if claimed_so_far.load(Ordering::SeqCst) >= 50 {
                                break;
                            }
                            let batch = claim_due(&db, now, LEASE, 10).await.expect("claim");
                            claimed_so_far.fetch_add(batch.len(), Ordering::SeqCst);
                            mine.extend(batch.into_iter().map(|c| c.id));
                        }
                        mine
                    })
                })
                .collect();
            let mut all = Vec::new();
            for task in tasks {
                all.extend(task.await.expect("join"));
            }
            let distinct: HashSet<i64> = all.iter().copied().collect();
            assert_eq!(all.len(), 50, "round {round}: every row claimed exactly once: {all:?}");
            assert_eq!(distinct.len(), 50, "round {round}");
            assert!(claim_due(&db, now, LEASE, 100).await.expect("claim").is_empty());
        }
    });

    db_test!(async fn an_expired_lease_can_be_claimed_again(test) {
        let db = &test.db;
        let t0 = now();
        let id = enqueue(db.conn(), &admin(), &message(1), t0).await.expect("enqueue");
        let first = claim_due(db, t0, Duration::from_secs(30), 10).await.expect("claim");
        assert_eq!(first.len(), 1);
        assert!(claim_due(db, t0 + secs(29), LEASE, 10).await.expect("claim").is_empty(), "held by the lease");

        let second = claim_due(db, t0 + secs(30), LEASE, 10).await.expect("claim");
        assert_eq!(second.len(), 1, "the first worker's lease ran out");
        assert_ne!(first[0].token, second[0].token);
        // The first worker's late updates change nothing.
        assert!(!mark_sent(db, id, &first[0].token, t0 + secs(31)).await.expect("mark"));
        let late = mark_retry(db, id, &first[0].token, "late", &RetryPolicy::default(), t0 + secs(31)).await;
        assert_eq!(late.expect("mark"), Retry::ClaimLost);
        assert!(mark_sent(db, id, &second[0].token, t0 + secs(31)).await.expect("mark"));
        assert!(claim_due(db, t0 + secs(3600), LEASE, 10).await.expect("claim").is_empty());
    });

    db_test!(async fn failures_back_off_then_give_up(test) {
        let db = &test.db;
        let policy = RetryPolicy { max_attempts: 4, ..RetryPolicy::default() };
        let t0 = now();
        let id = enqueue(db.conn(), &admin(), &message(1), t0).await.expect("enqueue");
        let mut now = t0;
        for (failures, wait) in [(1, 5), (2, 10), (3, 20)] {
            let claimed = claim_due(db, now, LEASE, 10).await.expect("claim");
            assert_eq!(claimed.len(), 1, "due after {failures} failures");
            assert_eq!(claimed[0].attempts, failures - 1);
            let outcome = mark_retry(db, id, &claimed[0].token, "connection refused", &policy, now).await.expect("retry");
            assert_eq!(outcome, Retry::At(now + secs(wait)));
            let row = &rows(db).await[0];
            assert_eq!((row.attempts, row.last_error.as_deref()), (failures, Some("connection refused")));
            assert_eq!(row.next_attempt_at, now + secs(wait));
            assert!(row.claim_token.is_none() && row.claimed_until.is_none(), "the claim is released");
            assert!(claim_due(db, now + secs(wait - 1), LEASE, 10).await.expect("claim").is_empty(), "not before the backoff");
            now += secs(wait);
        }
        let last = claim_due(db, now, LEASE, 10).await.expect("claim");
        let outcome = mark_retry(db, id, &last[0].token, &"x".repeat(5000), &policy, now).await.expect("retry");
        assert_eq!(outcome, Retry::GaveUp);
        let row = &rows(db).await[0];
        assert_eq!(row.attempts, 4);
        assert_eq!(row.failed_at, Some(now));
        assert_eq!(row.last_error.as_ref().map(String::len), Some(MAX_ERROR_CHARS));
        assert!(claim_due(db, now + secs(86_400), LEASE, 10).await.expect("claim").is_empty(), "given up for good");
    });

    db_test!(async fn an_unreadable_row_is_given_up_not_retried_forever(test) {
        let db = &test.db;
        let now = now();
        let id = enqueue(db.conn(), &admin(), &message(1), now).await.expect("enqueue");
        Entity::update_many()
            .col_expr(Column::Payload, Expr::value("{\"kind\":\"no_such_template\"}"))
            .filter(Column::Id.eq(id))
            .exec(db.conn())
            .await
            .expect("corrupt");
        assert!(claim_due(db, now, LEASE, 10).await.expect("claim").is_empty());
        let row = &rows(db).await[0];
        assert!(row.failed_at.is_some());
        assert!(row.last_error.as_deref().unwrap_or_default().contains("unreadable payload"));
    });
}
