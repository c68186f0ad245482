//! Metering: one usage sample per day, per MSSP and per MSP tenant it could read at the end of
//! that day, with the agents deployed under the MSP.
//!
//! - An MSP counts for a day when its association with the MSSP was APPROVED at the day's end
//!   (UTC): approved before it, and not revoked by then. Read from the association's decision
//!   and end times, so a day sampled late counts what was true on it.
//! - An agent is *deployed* on a day when it was enrolled before the day's end and seen within
//!   [`DEPLOYED_WINDOW`] of it. (An agent's earlier sightings are not kept: a day sampled late
//!   counts an agent that is still reporting.)
//! - A day is sampled once: `usage_days` records it in the same transaction, and every insert
//!   skips rows that exist, so any number of instances may run the sampler, and days missed
//!   while the portal was down are filled in (up to [`BACKFILL_DAYS`] back).

use crate::{Db, Result};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use portal_types::AssociationStatus;
use sea_orm::{ConnectionTrait, Statement};

/// An agent counts as deployed when seen within this long before the day's end.
pub const DEPLOYED_WINDOW: chrono::Duration = chrono::Duration::days(7);
/// How far back missed days are filled in.
pub const BACKFILL_DAYS: u64 = 62;

/// The first instant after `day` (UTC).
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt()
        .unwrap_or(day)
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// Samples `day` unless it was sampled already; answers whether this call did it.
pub async fn sample_day(db: &Db, day: NaiveDate, now: DateTime<Utc>) -> Result<bool> {
    let txn = db.begin_write().await?;
    let backend = txn.get_database_backend();
    let claimed = txn
        .execute_raw(Statement::from_sql_and_values(
            backend,
            "INSERT INTO usage_days (day, sampled_at) VALUES ($1, $2) ON CONFLICT (day) DO NOTHING",
            [day.into(), now.into()],
        ))
        .await?
        .rows_affected();
    if claimed == 0 {
        return Ok(false);
    }
    let end = end_of(day);
    let sql = "INSERT INTO usage_samples \
               (day, mssp_tenant_id, msp_tenant_id, probe_agents, lightweight_agents) \
               SELECT $1, a.mssp_tenant_id, a.msp_tenant_id, \
               COALESCE(SUM(CASE WHEN g.kind = 'probe' THEN 1 ELSE 0 END), 0), \
               COALESCE(SUM(CASE WHEN g.kind = 'lightweight' THEN 1 ELSE 0 END), 0) \
               FROM associations a \
               LEFT JOIN agents g ON g.tenant_id = a.msp_tenant_id \
               AND g.enrolled_at < $2 AND g.last_seen_at >= $3 \
               WHERE a.status IN ($4, $5) AND a.decided_at < $2 \
               AND (a.ended_at IS NULL OR a.ended_at >= $2) \
               GROUP BY a.mssp_tenant_id, a.msp_tenant_id \
               ON CONFLICT (mssp_tenant_id, day, msp_tenant_id) DO NOTHING";
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [
            day.into(),
            end.into(),
            (end - DEPLOYED_WINDOW).into(),
            AssociationStatus::Approved.as_str().into(),
            AssociationStatus::Revoked.as_str().into(),
        ],
    ))
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Samples every finished day not sampled yet, from [`BACKFILL_DAYS`] ago to yesterday;
/// answers how many days this call sampled.
pub async fn sample_finished_days(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let today = now.date_naive();
    let first = today
        .checked_sub_days(Days::new(BACKFILL_DAYS))
        .unwrap_or(today);
    let done = sampled_days(db, first).await?;
    let mut sampled = 0;
    for day in first.iter_days().take_while(|day| *day < today) {
        if !done.contains(&day) && sample_day(db, day, now).await? {
            sampled += 1;
        }
    }
    Ok(sampled)
}

/// The days from `first` on that have been sampled, in order.
pub async fn sampled_days(db: &Db, first: NaiveDate) -> Result<Vec<NaiveDate>> {
    let rows = db
        .conn()
        .query_all_raw(Statement::from_sql_and_values(
            db.backend(),
            "SELECT day FROM usage_days WHERE day >= $1 ORDER BY day",
            [first.into()],
        ))
        .await?;
    rows.iter()
        .map(|row| row.try_get::<NaiveDate>("", "day").map_err(Into::into))
        .collect()
}
