//! Metering: one usage sample per day, per MSSP and per MSP tenant it could read at the end of
//! that day, with the agents deployed under the MSP.
//!
//! - An MSP counts for a day when its association with the MSSP was APPROVED at the day's end
//!   (UTC): approved before it, and not revoked by then. Read from the association's decision
//!   and end times, so a day sampled late counts what was true on it.
//! - An agent is *deployed* on a day when it was enrolled before the day's end and seen within
//!   the operator's window of it (`Pricing::deployed_window`, a week unless configured). (An
//!   agent's earlier sightings are not kept: a day sampled late counts an agent that is still
//!   reporting.)
//! - A day is sampled once: `usage_days` records it in the same transaction, and every insert
//!   skips rows that exist, so any number of instances may run the sampler, and days missed
//!   while the portal was down are filled in (up to [`BACKFILL_DAYS`] back).

use super::statements::{MspDay, count};
use crate::{Db, Result};
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, Utc};
use portal_types::{AssociationStatus, TenantId};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

/// How far back missed days are filled in.
pub const BACKFILL_DAYS: u64 = 62;

/// The first instant after `day` (UTC).
pub(super) fn end_of(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt()
        .unwrap_or(day)
        .and_time(NaiveTime::MIN)
        .and_utc()
}

/// Each APPROVED (at `$1`) MSP of each MSSP, with the agents deployed under it (enrolled
/// before `$1`, seen since `$2`); `$3` and `$4` are the statuses of associations that were
/// approved once. The caller adds its own columns and filter after `mssp_filter`.
fn usage_select(columns: &str, mssp_filter: &str) -> String {
    format!(
        "SELECT {columns} a.mssp_tenant_id, a.msp_tenant_id, \
         COALESCE(SUM(CASE WHEN g.kind = 'probe' THEN 1 ELSE 0 END), 0) AS probe_agents, \
         COALESCE(SUM(CASE WHEN g.kind = 'lightweight' THEN 1 ELSE 0 END), 0) \
         AS lightweight_agents \
         FROM associations a \
         LEFT JOIN agents g ON g.tenant_id = a.msp_tenant_id \
         AND g.enrolled_at < $1 AND g.last_seen_at >= $2 \
         WHERE a.status IN ($3, $4) AND a.decided_at < $1 \
         AND (a.ended_at IS NULL OR a.ended_at >= $1) {mssp_filter} \
         GROUP BY a.mssp_tenant_id, a.msp_tenant_id"
    )
}

fn usage_values(end: DateTime<Utc>, window: Duration) -> [Value; 4] {
    [
        end.into(),
        (end - window).into(),
        AssociationStatus::Approved.as_str().into(),
        AssociationStatus::Revoked.as_str().into(),
    ]
}

/// Samples `day` unless it was sampled already; answers whether this call did it. Agents
/// count when seen within `window` of the day's end.
pub async fn sample_day(
    db: &Db,
    day: NaiveDate,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<bool> {
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
    let sql = format!(
        "INSERT INTO usage_samples \
         (day, mssp_tenant_id, msp_tenant_id, probe_agents, lightweight_agents) {} \
         ON CONFLICT (mssp_tenant_id, day, msp_tenant_id) DO NOTHING",
        usage_select("$5,", "")
    );
    let mut values = usage_values(end_of(day), window).to_vec();
    values.push(day.into());
    txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    txn.commit().await?;
    Ok(true)
}

#[derive(FromQueryResult)]
struct LiveUsage {
    msp_tenant_id: i64,
    probe_agents: i64,
    lightweight_agents: i64,
}

/// `mssp`'s MSPs and their deployed agents as of `now`, counted as a sample would (not
/// stored: today's count so far).
pub(super) async fn usage_now(
    conn: &impl ConnectionTrait,
    mssp: TenantId,
    now: DateTime<Utc>,
    window: Duration,
) -> Result<Vec<MspDay>> {
    let mut values = usage_values(now, window).to_vec();
    values.push(mssp.0.into());
    let rows = LiveUsage::find_by_statement(Statement::from_sql_and_values(
        conn.get_database_backend(),
        usage_select("", "AND a.mssp_tenant_id = $5"),
        values,
    ))
    .all(conn)
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(MspDay {
                day: now.date_naive(),
                msp: TenantId(row.msp_tenant_id),
                probe_agents: count(row.probe_agents)?,
                lightweight_agents: count(row.lightweight_agents)?,
            })
        })
        .collect()
}

/// Samples every finished day not sampled yet, from [`BACKFILL_DAYS`] ago to yesterday;
/// answers how many days this call sampled.
pub async fn sample_finished_days(db: &Db, now: DateTime<Utc>, window: Duration) -> Result<u64> {
    let today = now.date_naive();
    let first = today
        .checked_sub_days(Days::new(BACKFILL_DAYS))
        .unwrap_or(today);
    let done = sampled_days(db, first).await?;
    let mut sampled = 0;
    for day in first.iter_days().take_while(|day| *day < today) {
        if !done.contains(&day) && sample_day(db, day, now, window).await? {
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
