//! What a period costs: an MSSP's daily usage over the period, its **peak** (the most MSP
//! tenants on any one day, the most agents on any one day), and the peak priced by the plan,
//! meter by meter and tier by tier.

use super::pricing::{AgentPricing, ChargeLine, Minor, Plan, TierMode, Tiers, total};
use crate::{Db, Error, Result};
use chrono::NaiveDate;
use portal_types::TenantId;
use sea_orm::{FromQueryResult, Statement};

/// One day's usage of an MSSP, summed over its MSPs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayUsage {
    pub day: NaiveDate,
    pub msp_tenants: u64,
    pub probe_agents: u64,
    pub lightweight_agents: u64,
}

/// The highest usage of a period, each on its own day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Peak {
    pub msp_tenants: u64,
    pub probe_agents: u64,
    pub lightweight_agents: u64,
    /// The most agents of both kinds on one day (not the sum of the two peaks).
    pub agents: u64,
}

/// The peak of `days` (all zero for no days).
pub fn peak(days: &[DayUsage]) -> Peak {
    days.iter().fold(Peak::default(), |peak, day| Peak {
        msp_tenants: peak.msp_tenants.max(day.msp_tenants),
        probe_agents: peak.probe_agents.max(day.probe_agents),
        lightweight_agents: peak.lightweight_agents.max(day.lightweight_agents),
        agents: peak
            .agents
            .max(day.probe_agents.saturating_add(day.lightweight_agents)),
    })
}

/// One priced meter: what was counted, and its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterCharge {
    /// "MSP tenants", "Agents", "Probe agents" or "Lightweight agents".
    pub meter: &'static str,
    pub units: u64,
    pub lines: Vec<ChargeLine>,
    pub amount: Minor,
}

/// A peak priced by a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    pub currency: &'static str,
    pub mode: TierMode,
    pub meters: Vec<MeterCharge>,
    pub total: Minor,
}

/// Prices `peak` by `plan`. An amount too large for 64 bits is an error, never a wrapped
/// number.
pub fn charge(plan: &Plan, peak: &Peak) -> Result<Charge> {
    let too_large = || Error::Internal("a charge is too large to compute".into());
    let meter = |name: &'static str, tiers: &Tiers, units: u64| {
        let lines = tiers.charge(units, plan.mode).ok_or_else(too_large)?;
        let amount = total(&lines).ok_or_else(too_large)?;
        Ok::<_, Error>(MeterCharge {
            meter: name,
            units,
            lines,
            amount,
        })
    };
    let mut meters = vec![meter("MSP tenants", &plan.msp_tenants, peak.msp_tenants)?];
    match &plan.agents {
        AgentPricing::Together(tiers) => meters.push(meter("Agents", tiers, peak.agents)?),
        AgentPricing::Apart { probe, lightweight } => {
            meters.push(meter("Probe agents", probe, peak.probe_agents)?);
            meters.push(meter(
                "Lightweight agents",
                lightweight,
                peak.lightweight_agents,
            )?);
        }
    }
    let total = meters
        .iter()
        .try_fold(0i64, |sum, m| sum.checked_add(m.amount))
        .ok_or_else(too_large)?;
    Ok(Charge {
        currency: plan.currency.code(),
        mode: plan.mode,
        meters,
        total,
    })
}

#[derive(FromQueryResult)]
struct DayRow {
    day: NaiveDate,
    msp_tenants: i64,
    probe_agents: i64,
    lightweight_agents: i64,
}

/// `mssp`'s sampled days from `first` through `last`, in order (days without a sample, or
/// with no approved MSP, are absent: they count as zero).
pub async fn daily_usage(
    db: &Db,
    mssp: TenantId,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<DayUsage>> {
    let rows = DayRow::find_by_statement(Statement::from_sql_and_values(
        db.backend(),
        "SELECT day, COUNT(*) AS msp_tenants, CAST(SUM(probe_agents) AS BIGINT) AS probe_agents, \
         CAST(SUM(lightweight_agents) AS BIGINT) AS lightweight_agents \
         FROM usage_samples WHERE mssp_tenant_id = $1 AND day >= $2 AND day <= $3 \
         GROUP BY day ORDER BY day",
        [mssp.0.into(), first.into(), last.into()],
    ))
    .all(db.conn())
    .await?;
    let count =
        |n: i64| u64::try_from(n).map_err(|_| Error::Internal(format!("negative usage {n}")));
    rows.into_iter()
        .map(|row| {
            Ok(DayUsage {
                day: row.day,
                msp_tenants: count(row.msp_tenants)?,
                probe_agents: count(row.probe_agents)?,
                lightweight_agents: count(row.lightweight_agents)?,
            })
        })
        .collect()
}
