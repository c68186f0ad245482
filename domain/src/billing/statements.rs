//! What a period costs: an MSSP's usage day by day and MSP by MSP, its **peak** (the most MSP
//! tenants on any one day, the most agents on any one day), the peak priced by the plan meter
//! by meter and tier by tier, and each MSP's share of the total.

use super::pricing::{AgentPricing, Plan, Tiers, total};
use crate::{Db, Error, Result};
use chrono::NaiveDate;
use entity::tenant;
use portal_types::{
    ChargeLine, Currency, MeterCharge, MeterTiers, MspShare, PeakUsage, PlanTiers, TenantId,
    UsageDay,
};
use sea_orm::{ColumnTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect, Statement};
use std::collections::{BTreeMap, HashMap};

/// One MSP's usage under the MSSP on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MspDay {
    pub day: NaiveDate,
    pub msp: TenantId,
    pub probe_agents: u64,
    pub lightweight_agents: u64,
}

/// What a plan meters: each one priced on its own tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meter {
    MspTenants,
    Agents,
    ProbeAgents,
    LightweightAgents,
}

impl Meter {
    fn label(self) -> &'static str {
        match self {
            Self::MspTenants => "MSP tenants",
            Self::Agents => "Agents",
            Self::ProbeAgents => "Probe agents",
            Self::LightweightAgents => "Lightweight agents",
        }
    }

    /// The units of the peak this meter bills.
    fn units(self, peak: &PeakUsage) -> u64 {
        match self {
            Self::MspTenants => peak.msp_tenants,
            Self::Agents => peak.agents,
            Self::ProbeAgents => peak.probe_agents,
            Self::LightweightAgents => peak.lightweight_agents,
        }
    }

    /// What one MSP-day weighs in this meter's split: a tenant-day, or its agents.
    fn weight(self, day: &MspDay) -> u64 {
        match self {
            Self::MspTenants => 1,
            Self::Agents => day.probe_agents.saturating_add(day.lightweight_agents),
            Self::ProbeAgents => day.probe_agents,
            Self::LightweightAgents => day.lightweight_agents,
        }
    }

    /// The plan's meters, each with its tiers.
    fn of(plan: &Plan) -> Vec<(Self, &Tiers)> {
        let mut meters = vec![(Self::MspTenants, &plan.msp_tenants)];
        match &plan.agents {
            AgentPricing::Together(tiers) => meters.push((Self::Agents, tiers)),
            AgentPricing::Apart { probe, lightweight } => {
                meters.push((Self::ProbeAgents, probe));
                meters.push((Self::LightweightAgents, lightweight));
            }
        }
        meters
    }
}

/// The usage of each day, summed over the MSPs, in order (`rows` in any order).
pub fn daily(rows: &[MspDay]) -> Vec<UsageDay> {
    let mut days = BTreeMap::<NaiveDate, UsageDay>::new();
    for row in rows {
        let day = days.entry(row.day).or_insert(UsageDay {
            day: row.day,
            msp_tenants: 0,
            probe_agents: 0,
            lightweight_agents: 0,
            provisional: false,
        });
        day.msp_tenants += 1;
        day.probe_agents = day.probe_agents.saturating_add(row.probe_agents);
        day.lightweight_agents = day
            .lightweight_agents
            .saturating_add(row.lightweight_agents);
    }
    days.into_values().collect()
}

/// The peak of `days` (all zero for no days).
pub fn peak(days: &[UsageDay]) -> PeakUsage {
    days.iter()
        .fold(PeakUsage::default(), |peak, day| PeakUsage {
            msp_tenants: peak.msp_tenants.max(day.msp_tenants),
            probe_agents: peak.probe_agents.max(day.probe_agents),
            lightweight_agents: peak.lightweight_agents.max(day.lightweight_agents),
            agents: peak
                .agents
                .max(day.probe_agents.saturating_add(day.lightweight_agents)),
        })
}

/// `peak` priced by `plan`, meter by meter, and the total. An amount too large for 64 bits
/// is an error, never a wrapped number.
pub fn charge(plan: &Plan, peak: &PeakUsage) -> Result<(Vec<MeterCharge>, i64)> {
    let too_large = || Error::Internal("a charge is too large to compute".into());
    let charges = Meter::of(plan)
        .into_iter()
        .map(|(meter, tiers)| {
            let units = meter.units(peak);
            let lines: Vec<ChargeLine> = tiers.charge(units, plan.mode).ok_or_else(too_large)?;
            Ok(MeterCharge {
                meter: meter.label().to_owned(),
                units,
                tier_reached: tiers
                    .tiers()
                    .iter()
                    .rev()
                    .find(|tier| units > 0 && tier.from <= units)
                    .cloned(),
                amount: total(&lines).ok_or_else(too_large)?,
                lines,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let sum = charges
        .iter()
        .try_fold(0i64, |sum, m| sum.checked_add(m.amount))
        .ok_or_else(too_large)?;
    Ok((charges, sum))
}

/// A plan as a statement shows it.
pub fn plan_tiers(name: &str, plan: &Plan) -> PlanTiers {
    PlanTiers {
        name: name.to_owned(),
        currency: currency(plan.currency),
        mode: plan.mode,
        meters: Meter::of(plan)
            .into_iter()
            .map(|(meter, tiers)| MeterTiers {
                meter: meter.label().to_owned(),
                tiers: tiers.tiers().to_vec(),
            })
            .collect(),
    }
}

/// A currency as statements show it.
pub fn currency(currency: iso_currency::Currency) -> Currency {
    Currency {
        code: currency.code().to_owned(),
        minor_digits: u8::try_from(currency.exponent().unwrap_or(0)).unwrap_or(0),
    }
}

/// Each MSP's part of the period, and its share of `charges`: every meter's amount split in
/// proportion to the MSPs' weights in it (tenant-days for MSP tenants, agent-days for agents),
/// whole minor units handed out by largest remainder so the shares add up to the total.
/// Ordered by name.
pub fn shares(
    plan: &Plan,
    rows: &[MspDay],
    charges: &[MeterCharge],
    names: &HashMap<TenantId, String>,
) -> Vec<MspShare> {
    let mut msps: BTreeMap<TenantId, MspShare> = BTreeMap::new();
    for row in rows {
        let msp = msps.entry(row.msp).or_insert_with(|| MspShare {
            msp: row.msp,
            name: names
                .get(&row.msp)
                .cloned()
                .unwrap_or_else(|| format!("MSP {}", row.msp)),
            days_counted: 0,
            peak_probe_agents: 0,
            peak_lightweight_agents: 0,
            peak_agents: 0,
            share: 0,
        });
        msp.days_counted += 1;
        msp.peak_probe_agents = msp.peak_probe_agents.max(row.probe_agents);
        msp.peak_lightweight_agents = msp.peak_lightweight_agents.max(row.lightweight_agents);
        msp.peak_agents = msp
            .peak_agents
            .max(row.probe_agents.saturating_add(row.lightweight_agents));
    }
    let ids: Vec<TenantId> = msps.keys().copied().collect();
    for ((meter, _), charge) in Meter::of(plan).into_iter().zip(charges) {
        let mut weights: BTreeMap<TenantId, u128> = ids.iter().map(|id| (*id, 0)).collect();
        for row in rows {
            *weights.entry(row.msp).or_default() += u128::from(meter.weight(row));
        }
        let split = largest_remainder(charge.amount, &weights.into_values().collect::<Vec<_>>());
        for (id, part) in ids.iter().zip(split) {
            if let Some(msp) = msps.get_mut(id) {
                msp.share = msp.share.saturating_add(part);
            }
        }
    }
    let mut list: Vec<MspShare> = msps.into_values().collect();
    list.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then(a.msp.cmp(&b.msp))
    });
    list
}

/// Splits `amount` (≥ 0) in proportion to `weights`, in whole units that add up to `amount`:
/// each part rounded down, the units left over going to the largest remainders (the earlier
/// on a tie). With no weight at all, the split is even.
pub fn largest_remainder(amount: i64, weights: &[u128]) -> Vec<i64> {
    if weights.is_empty() || amount <= 0 {
        return vec![0; weights.len()];
    }
    let even = vec![1u128; weights.len()];
    let weights = if weights.iter().all(|w| *w == 0) {
        &even[..]
    } else {
        weights
    };
    let whole: u128 = weights.iter().sum();
    let amount = amount.unsigned_abs() as u128;
    let mut parts: Vec<(u128, u128)> = weights
        .iter()
        .map(|w| (amount * w / whole, amount * w % whole))
        .collect();
    let handed_out: u128 = parts.iter().map(|(part, _)| part).sum();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|a, b| parts[*b].1.cmp(&parts[*a].1).then(a.cmp(b)));
    for index in order.into_iter().take((amount - handed_out) as usize) {
        parts[index].0 += 1;
    }
    parts
        .into_iter()
        .map(|(part, _)| i64::try_from(part).unwrap_or(i64::MAX))
        .collect()
}

#[derive(FromQueryResult)]
struct SampleRow {
    day: NaiveDate,
    msp_tenant_id: i64,
    probe_agents: i64,
    lightweight_agents: i64,
}

/// `mssp`'s samples from `first` through `last`: a row per day and MSP that counted (days not
/// sampled, or with no approved MSP, have none: they count as zero).
pub(super) async fn sampled(
    db: &Db,
    mssp: TenantId,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<MspDay>> {
    let rows = SampleRow::find_by_statement(Statement::from_sql_and_values(
        db.backend(),
        "SELECT day, msp_tenant_id, probe_agents, lightweight_agents FROM usage_samples \
         WHERE mssp_tenant_id = $1 AND day >= $2 AND day <= $3 ORDER BY day, msp_tenant_id",
        [mssp.0.into(), first.into(), last.into()],
    ))
    .all(db.conn())
    .await?;
    rows.into_iter()
        .map(|row| {
            Ok(MspDay {
                day: row.day,
                msp: TenantId(row.msp_tenant_id),
                probe_agents: count(row.probe_agents)?,
                lightweight_agents: count(row.lightweight_agents)?,
            })
        })
        .collect()
}

pub(super) fn count(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| Error::Internal(format!("negative usage {n}")))
}

/// The names of the MSPs in `rows`.
pub(super) async fn msp_names(db: &Db, rows: &[MspDay]) -> Result<HashMap<TenantId, String>> {
    let mut ids: Vec<i64> = rows.iter().map(|row| row.msp.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let names: Vec<(i64, String)> = tenant::Entity::find()
        .select_only()
        .columns([tenant::Column::Id, tenant::Column::Name])
        .filter(tenant::Column::Id.is_in(ids))
        .into_tuple()
        .all(db.conn())
        .await?;
    Ok(names
        .into_iter()
        .map(|(id, name)| (TenantId(id), name))
        .collect())
}
