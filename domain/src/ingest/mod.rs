//! Ingest: an agent's report lands whole, in one transaction, with the company's roll-up moved
//! by exactly what changed.
//!
//! A scan report is a snapshot from one agent: the assets it saw and each asset's current
//! findings. A reported finding is new, still open, or reopened; an open finding of a reported
//! asset that the report leaves out is fixed. An asset the report leaves out is untouched (it
//! keeps its last-seen time).
//!
//! An open finding was, by construction, in its asset's latest report, so its last sighting is
//! the asset's `last_seen_at` and a rescan writes nothing for findings that stay open.
//! `findings.last_seen_at` is written when a finding opens or reopens (now) and when it is fixed
//! (the asset's previous sighting).
//!
//! Work is done in batches (one statement per chunk of rows, never one per finding), and
//! reports for one company are serialised by a lock on its roll-up row, so the diff is taken
//! against a state no one else is changing.

use crate::batch::{self, INSERT_CHUNK, one_of};
use crate::rollups::{self, Delta};
use crate::scope::AgentScope;
use crate::{Db, Engine, Error, Result};
use chrono::{DateTime, SubsecRound, Utc};
use entity::{asset, company_rollup, finding};
use portal_types::{AssetSource, FindingStatus, Severity};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

mod catalogue;
mod report;

use catalogue::{revise_catalogue, upsert_vulnerabilities};

pub use report::{Invalid, Report, ReportKind, ReportedAsset, ReportedFinding};

/// What a report changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub assets_created: u64,
    pub assets_updated: u64,
    pub findings_opened: u64,
    pub findings_reopened: u64,
    pub findings_still_open: u64,
    pub findings_fixed: u64,
}

/// Applies `report` from `agent` in one transaction of its own.
pub async fn ingest(db: &Db, agent: &AgentScope, report: &Report) -> Result<Summary> {
    let txn = db.begin_write().await?;
    let summary = ingest_in(&txn, db.engine(), agent, report).await?;
    txn.commit().await?;
    Ok(summary)
}

/// [`ingest`] inside the caller's write transaction (the API records the idempotency key in
/// the same one).
pub async fn ingest_in(
    txn: &DatabaseTransaction,
    engine: Engine,
    agent: &AgentScope,
    report: &Report,
) -> Result<Summary> {
    let now = Utc::now().trunc_subsecs(6);
    lock_company(txn, engine, agent).await?;
    let catalogue = upsert_vulnerabilities(txn, engine, agent, report).await?;
    let (assets, mut summary, mut delta) = upsert_assets(txn, engine, agent, report, now).await?;
    let open_counts = diff_findings(
        txn,
        engine,
        agent,
        report,
        &assets,
        &catalogue.ids,
        now,
        &mut summary,
        &mut delta,
    )
    .await?;
    revise_catalogue(txn, engine, agent, &catalogue.stale, &open_counts).await?;
    rollups::apply(txn, agent.company_id, &delta, now).await?;
    crate::agents::heartbeat(txn, agent, None).await?;
    Ok(summary)
}

/// Serialises reports for one company. SQLite writers are already serialised; PostgreSQL
/// takes the company's roll-up row for the rest of the transaction.
async fn lock_company(txn: &DatabaseTransaction, engine: Engine, agent: &AgentScope) -> Result<()> {
    let mut query = company_rollup::Entity::find()
        .filter(company_rollup::Column::CompanyId.eq(agent.company_id))
        .filter(company_rollup::Column::TenantId.eq(agent.tenant_id.0));
    if engine == Engine::Postgres {
        query = query.lock_exclusive();
    }
    query.one(txn).await?.ok_or(Error::NotFound)?;
    Ok(())
}

/// Creates the report's new assets, refreshes the ones already known, and returns every
/// reported asset's id by key.
async fn upsert_assets(
    txn: &DatabaseTransaction,
    engine: Engine,
    agent: &AgentScope,
    report: &Report,
    now: DateTime<Utc>,
) -> Result<(ReportedAssets, Summary, Delta)> {
    let source = report.source.as_str();
    let agent_id = (report.source != AssetSource::External).then_some(agent.agent_id);
    let mut summary = Summary::default();
    let mut delta = Delta::default();
    let mut ids: HashMap<String, i64> = HashMap::with_capacity(report.assets.len());
    let mut known: HashMap<String, asset::Model> = HashMap::new();
    for list in batch::lists(engine, &report.assets) {
        let keys = list.iter().map(|(key, _)| key.clone());
        let rows = agent
            .own::<asset::Entity>()
            .filter(asset::Column::Source.eq(source))
            .filter(one_of(engine, asset::Column::AssetKey, keys))
            .all(txn)
            .await?;
        known.extend(rows.into_iter().map(|row| (row.asset_key.clone(), row)));
    }

    let describe = |reported: &ReportedAsset| {
        (
            reported.hostname.as_ref().map(|h| h.to_string()),
            reported.ip.map(|ip| ip.to_string()),
            reported.os.as_ref().map(|os| os.to_string()),
        )
    };
    let mut seen_unchanged = Vec::new();
    let mut previously_seen = HashMap::with_capacity(known.len());
    for (key, reported) in &report.assets {
        let Some(row) = known.get(key) else { continue };
        ids.insert(key.clone(), row.id);
        previously_seen.insert(row.id, row.last_seen_at);
        summary.assets_updated += 1;
        let (hostname, ip, os) = describe(reported);
        if (&row.hostname, &row.ip, &row.os, row.agent_id) == (&hostname, &ip, &os, agent_id) {
            seen_unchanged.push(row.id);
            continue;
        }
        agent
            .update_own::<asset::Entity>()
            .filter(asset::Column::Id.eq(row.id))
            .col_expr(asset::Column::Hostname, Expr::value(hostname))
            .col_expr(asset::Column::Ip, Expr::value(ip))
            .col_expr(asset::Column::Os, Expr::value(os))
            .col_expr(asset::Column::AgentId, Expr::value(agent_id))
            .col_expr(asset::Column::LastSeenAt, Expr::value(now))
            .exec(txn)
            .await?;
    }
    for list in batch::lists(engine, &seen_unchanged) {
        agent
            .update_own::<asset::Entity>()
            .filter(one_of(engine, asset::Column::Id, list.iter().copied()))
            .col_expr(asset::Column::LastSeenAt, Expr::value(now))
            .exec(txn)
            .await?;
    }

    let new: Vec<&(String, ReportedAsset)> = report
        .assets
        .iter()
        .filter(|(key, _)| !known.contains_key(key))
        .collect();
    for chunk in new.chunks(INSERT_CHUNK) {
        let rows = chunk.iter().map(|(key, reported)| {
            let (hostname, ip, os) = describe(reported);
            asset::ActiveModel {
                tenant_id: Set(agent.tenant_id.0),
                company_id: Set(agent.company_id),
                source: Set(source.to_owned()),
                asset_key: Set(key.clone()),
                hostname: Set(hostname),
                ip: Set(ip),
                os: Set(os),
                agent_id: Set(agent_id),
                first_seen_at: Set(now),
                last_seen_at: Set(now),
                ..Default::default()
            }
        });
        asset::Entity::insert_many(rows)
            .exec_without_returning(txn)
            .await?;
        let rows = agent
            .own::<asset::Entity>()
            .select_only()
            .column(asset::Column::Id)
            .column(asset::Column::AssetKey)
            .filter(asset::Column::Source.eq(source))
            .filter(one_of(
                engine,
                asset::Column::AssetKey,
                chunk.iter().map(|(key, _)| key.clone()),
            ))
            .into_tuple::<(i64, String)>()
            .all(txn)
            .await?;
        ids.extend(rows.into_iter().map(|(id, key)| (key, id)));
    }
    let created = new.len() as i64;
    summary.assets_created = new.len() as u64;
    delta.add_asset(report.source, created);
    Ok((
        ReportedAssets {
            ids,
            previously_seen,
        },
        summary,
        delta,
    ))
}

/// The report's assets as stored.
struct ReportedAssets {
    /// Every reported asset's id, by key.
    ids: HashMap<String, i64>,
    /// When each asset known before this report was last reported (new assets are absent).
    previously_seen: HashMap<i64, DateTime<Utc>>,
}

/// A finding as stored, reduced to what the diff needs.
struct Stored {
    id: i64,
    severity: Severity,
    open: bool,
}

/// Opens, reopens, refreshes and fixes the findings of the reported assets.
#[allow(clippy::too_many_arguments)]
async fn diff_findings(
    txn: &DatabaseTransaction,
    engine: Engine,
    agent: &AgentScope,
    report: &Report,
    assets: &ReportedAssets,
    vulnerabilities: &HashMap<String, i64>,
    now: DateTime<Utc>,
    summary: &mut Summary,
    delta: &mut Delta,
) -> Result<BTreeMap<i64, i64>> {
    let asset_ids: Vec<i64> = assets.ids.values().copied().collect();
    let mut stored: HashMap<(i64, i64), Stored> = HashMap::new();
    for list in batch::lists(engine, &asset_ids) {
        let rows = agent
            .own::<finding::Entity>()
            .select_only()
            .column(finding::Column::Id)
            .column(finding::Column::AssetId)
            .column(finding::Column::VulnerabilityId)
            .column(finding::Column::Severity)
            .column(finding::Column::Status)
            .filter(one_of(
                engine,
                finding::Column::AssetId,
                list.iter().copied(),
            ))
            .into_tuple::<(i64, i64, i64, String, String)>()
            .all(txn)
            .await?;
        for (id, asset_id, vulnerability_id, severity, status) in rows {
            let severity = severity.parse().map_err(Error::Internal)?;
            let open = status == FindingStatus::Open.as_str();
            stored.insert((asset_id, vulnerability_id), Stored { id, severity, open });
        }
    }

    // Reopened, or open with a new severity: (id, severity it takes).
    let mut set_open: Vec<(i64, Severity)> = Vec::new();
    // How each catalogue entry's open findings move.
    let mut open_per_vulnerability: BTreeMap<i64, i64> = BTreeMap::new();
    let mut new_rows = Vec::new();
    for (key, reported) in &report.assets {
        let asset_id = assets.ids[key];
        for finding in &reported.findings {
            let vulnerability_id = vulnerabilities[finding.id.as_str()];
            match stored.remove(&(asset_id, vulnerability_id)) {
                None => {
                    summary.findings_opened += 1;
                    delta.add_open_finding(finding.severity, 1);
                    *open_per_vulnerability.entry(vulnerability_id).or_default() += 1;
                    new_rows.push(finding::ActiveModel {
                        tenant_id: Set(agent.tenant_id.0),
                        company_id: Set(agent.company_id),
                        asset_id: Set(asset_id),
                        vulnerability_id: Set(vulnerability_id),
                        severity: Set(finding.severity.as_str().to_owned()),
                        status: Set(FindingStatus::Open.as_str().to_owned()),
                        first_seen_at: Set(now),
                        last_seen_at: Set(now),
                        fixed_at: Set(None),
                        ..Default::default()
                    });
                }
                // Nothing to write: an open finding's last sighting is its asset's.
                Some(old) if old.open && old.severity == finding.severity => {
                    summary.findings_still_open += 1;
                }
                Some(old) => {
                    if old.open {
                        summary.findings_still_open += 1;
                        delta.add_open_finding(old.severity, -1);
                    } else {
                        summary.findings_reopened += 1;
                        *open_per_vulnerability.entry(vulnerability_id).or_default() += 1;
                    }
                    delta.add_open_finding(finding.severity, 1);
                    set_open.push((old.id, finding.severity));
                }
            }
        }
    }
    // What is left of the reported assets' findings was not in the report: fixed. Each was
    // last seen in its asset's previous report; findings are grouped by that moment (usually
    // one for the whole report) so each group is one statement.
    let mut fixed: BTreeMap<DateTime<Utc>, Vec<i64>> = BTreeMap::new();
    for (&(asset_id, vulnerability_id), old) in stored.iter().filter(|(_, old)| old.open) {
        summary.findings_fixed += 1;
        delta.add_open_finding(old.severity, -1);
        *open_per_vulnerability.entry(vulnerability_id).or_default() -= 1;
        let last_seen = assets
            .previously_seen
            .get(&asset_id)
            .copied()
            .unwrap_or(now);
        fixed.entry(last_seen).or_default().push(old.id);
    }

    let mut rows = new_rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<_> = rows.by_ref().take(INSERT_CHUNK).collect();
        finding::Entity::insert_many(chunk)
            .exec_without_returning(txn)
            .await?;
    }
    for &severity in Severity::ALL {
        let ids: Vec<i64> = set_open
            .iter()
            .filter(|(_, s)| *s == severity)
            .map(|(id, _)| *id)
            .collect();
        for list in batch::lists(engine, &ids) {
            let open = [
                (
                    finding::Column::Status,
                    Expr::value(FindingStatus::Open.as_str()),
                ),
                (finding::Column::Severity, Expr::value(severity.as_str())),
                (finding::Column::FixedAt, Expr::value(None::<DateTime<Utc>>)),
                (finding::Column::LastSeenAt, Expr::value(now)),
            ];
            update_findings(txn, engine, agent, list, open).await?;
        }
    }
    for (last_seen, ids) in &fixed {
        for list in batch::lists(engine, ids) {
            let fix = [
                (
                    finding::Column::Status,
                    Expr::value(FindingStatus::Fixed.as_str()),
                ),
                (finding::Column::FixedAt, Expr::value(now)),
                (finding::Column::LastSeenAt, Expr::value(*last_seen)),
            ];
            update_findings(txn, engine, agent, list, fix).await?;
        }
    }
    Ok(open_per_vulnerability)
}

/// Sets `values` on the agent's company's findings `ids`.
async fn update_findings<const N: usize>(
    conn: &impl ConnectionTrait,
    engine: Engine,
    agent: &AgentScope,
    ids: &[i64],
    values: [(finding::Column, Expr); N],
) -> Result<()> {
    let mut update = agent.update_own::<finding::Entity>().filter(one_of(
        engine,
        finding::Column::Id,
        ids.iter().copied(),
    ));
    for (column, value) in values {
        update = update.col_expr(column, value);
    }
    update.exec(conn).await?;
    Ok(())
}
