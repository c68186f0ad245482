//! The tenant's vulnerability catalogue as one report sees it: the entries it names are
//! added when new, and the known ones it re-describes or moves in open findings are written
//! together, after one lock in id order.

use super::{Report, ReportedFinding};
use crate::batch::{self, INSERT_CHUNK, one_of};
use crate::scope::AgentScope;
use crate::{Engine, Result};
use entity::vulnerability;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

/// The report's catalogue entries: each one's id by key, and the entries already known whose
/// description the report changes (written by [`revise_catalogue`]).
pub(super) struct Catalogue<'r> {
    pub ids: HashMap<String, i64>,
    pub stale: Vec<(i64, &'r ReportedFinding)>,
}

/// Makes sure every vulnerability of the report is in the tenant's catalogue. New entries are
/// added; known ones are only read here, so that every row lock this report takes on known
/// entries is taken later at once, in id order.
pub(super) async fn upsert_vulnerabilities<'r>(
    txn: &DatabaseTransaction,
    engine: Engine,
    agent: &AgentScope,
    report: &'r Report,
) -> Result<Catalogue<'r>> {
    // Sorted, so concurrent reports of one tenant insert new keys in the same order.
    let mut wanted: BTreeMap<&str, &'r ReportedFinding> = BTreeMap::new();
    for (_, asset) in &report.assets {
        for finding in &asset.findings {
            wanted.entry(finding.id.as_str()).or_insert(finding);
        }
    }
    let keys: Vec<&str> = wanted.keys().copied().collect();
    let mut ids = HashMap::with_capacity(keys.len());
    let mut stale = Vec::new();
    for list in batch::lists(engine, &keys) {
        let rows = agent
            .tenant_wide::<vulnerability::Entity>()
            .filter(one_of(
                engine,
                vulnerability::Column::VulnKey,
                list.iter().map(|key| key.to_string()),
            ))
            .all(txn)
            .await?;
        for row in rows {
            let reported = wanted[row.vuln_key.as_str()];
            if (row.title.as_str(), row.severity.as_str(), row.cvss_tenths)
                != (
                    reported.title.as_str(),
                    reported.severity.as_str(),
                    reported.cvss_tenths,
                )
            {
                stale.push((row.id, reported));
            }
            ids.insert(row.vuln_key, row.id);
        }
    }
    let missing: Vec<&ReportedFinding> = wanted
        .values()
        .copied()
        .filter(|f| !ids.contains_key(f.id.as_str()))
        .collect();
    for chunk in missing.chunks(INSERT_CHUNK) {
        let rows = chunk.iter().map(|f| vulnerability::ActiveModel {
            tenant_id: Set(agent.tenant_id.0),
            vuln_key: Set(f.id.to_string()),
            title: Set(f.title.to_string()),
            severity: Set(f.severity.as_str().to_owned()),
            cvss_tenths: Set(f.cvss_tenths),
            ..Default::default()
        });
        // Another company of the tenant may add the same entry at the same moment.
        let on_conflict = OnConflict::columns([
            vulnerability::Column::TenantId,
            vulnerability::Column::VulnKey,
        ])
        .do_nothing()
        .to_owned();
        vulnerability::Entity::insert_many(rows)
            .on_conflict(on_conflict)
            .exec_without_returning(txn)
            .await?;
        let keys = chunk.iter().map(|f| f.id.to_string());
        let rows = agent
            .tenant_wide::<vulnerability::Entity>()
            .select_only()
            .column(vulnerability::Column::Id)
            .column(vulnerability::Column::VulnKey)
            .filter(one_of(engine, vulnerability::Column::VulnKey, keys))
            .into_tuple::<(i64, String)>()
            .all(txn)
            .await?;
        ids.extend(rows.into_iter().map(|(id, key)| (key, id)));
    }
    Ok(Catalogue { ids, stale })
}

/// Writes the report's changes to known catalogue entries: new descriptions, and each entry's
/// move in open findings. On PostgreSQL every one of those rows is locked first, in id order,
/// so two reports of one tenant's companies at once wait for each other instead of
/// deadlocking whatever entries they share.
pub(super) async fn revise_catalogue(
    txn: &DatabaseTransaction,
    engine: Engine,
    agent: &AgentScope,
    stale: &[(i64, &ReportedFinding)],
    open_counts: &BTreeMap<i64, i64>,
) -> Result<()> {
    let mut touched: Vec<i64> = stale.iter().map(|(id, _)| *id).collect();
    touched.extend(
        open_counts
            .iter()
            .filter(|(_, by)| **by != 0)
            .map(|(id, _)| *id),
    );
    crate::inventory::lock_entries(txn, engine, agent.tenant_id, touched).await?;
    for &(id, reported) in stale {
        vulnerability::Entity::update_many()
            .filter(vulnerability::Column::Id.eq(id))
            .filter(vulnerability::Column::TenantId.eq(agent.tenant_id.0))
            .col_expr(
                vulnerability::Column::Title,
                Expr::value(reported.title.as_str()),
            )
            .col_expr(
                vulnerability::Column::Severity,
                Expr::value(reported.severity.as_str()),
            )
            .col_expr(
                vulnerability::Column::CvssTenths,
                Expr::value(reported.cvss_tenths),
            )
            .exec(txn)
            .await?;
    }
    crate::inventory::add_open_counts(txn, engine, agent.tenant_id, open_counts).await
}
