//! The top vulnerabilities: the catalogue entries with the most open findings, read from each
//! entry's counter (kept exact by ingest, company deletion and the demo generator), so the
//! list is an index read however many findings there are.

use super::{Query, ViewableMsp};
use crate::batch::{self, one_of};
use crate::{Engine, Error, Owner, Result, Scoped};
use entity::vulnerability;
use portal_types::{Severity, TenantId, TenantKind};
use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::{BTreeMap, HashMap};

/// Whose top list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TopOf {
    /// Every MSP that has approved the caller (an MSSP); each entry names its MSP.
    Global,
    /// A tenant: the caller's own, or an approved MSP.
    Tenant(Owner),
}

/// A catalogue entry and its open findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopVulnerability {
    pub id: i64,
    /// Its MSP, on the Global list.
    pub msp: Option<ViewableMsp>,
    pub vuln_key: String,
    pub title: String,
    pub severity: Severity,
    pub cvss_tenths: Option<i16>,
    pub open_findings: i64,
}

/// The `limit` entries of `of` with the most open findings (then the highest CVSS); `info`
/// entries are left out, as they are of the totals.
pub async fn top_vulnerabilities(
    scoped: &Scoped<'_>,
    of: TopOf,
    limit: u64,
) -> Result<Vec<TopVulnerability>> {
    use vulnerability::Column as V;
    let (select, names) = match of {
        TopOf::Global => {
            scoped.scope().require_kind(TenantKind::Mssp)?;
            let names: HashMap<TenantId, String> = super::viewable_msps(scoped)
                .await?
                .into_iter()
                .map(|m| (m.id, m.name))
                .collect();
            let walk = scoped.approved_in_index_order::<vulnerability::Entity>();
            (walk, Some(names))
        }
        TopOf::Tenant(owner) => (scoped.of::<vulnerability::Entity>(owner)?, None),
    };
    let top = select
        .filter(V::OpenFindings.gt(0))
        .filter(V::Severity.ne(Severity::Info.as_str()))
        .order_by(V::OpenFindings, Order::Desc)
        .order_by_with_nulls(V::CvssTenths, Order::Desc, NullOrdering::Last)
        .order_by_asc(V::Id)
        .limit(limit)
        .all(scoped.conn());
    let rows = scoped
        .remembered(Query::Top(of, limit), async { Ok(top.await?) })
        .await?;
    rows.into_iter()
        .map(|v| {
            let tenant = TenantId(v.tenant_id);
            Ok(TopVulnerability {
                msp: names.as_ref().and_then(|names| {
                    Some(ViewableMsp {
                        id: tenant,
                        name: names.get(&tenant)?.clone(),
                    })
                }),
                severity: v.severity.parse().map_err(Error::Internal)?,
                id: v.id,
                vuln_key: v.vuln_key,
                title: v.title,
                cvss_tenths: v.cvss_tenths,
                open_findings: v.open_findings,
            })
        })
        .collect()
}

/// Moves each entry's open-findings counter by its delta (entry id → change), in the caller's
/// transaction. `tenant` is the verified owner of the change (the reporting agent's tenant, or
/// the scope's own). The rows are locked in id order first (see [`lock_entries`]).
pub(crate) async fn move_open_counts(
    txn: &impl ConnectionTrait,
    engine: Engine,
    tenant: TenantId,
    deltas: &BTreeMap<i64, i64>,
) -> Result<()> {
    let changed = deltas.iter().filter(|(_, by)| **by != 0).map(|(id, _)| *id);
    lock_entries(txn, engine, tenant, changed.collect()).await?;
    add_open_counts(txn, engine, tenant, deltas).await
}

/// On PostgreSQL, locks `tenant`'s catalogue entries `ids` for the rest of the transaction, in
/// id order: writers that lock every entry they will change here, before changing any, wait
/// for each other rather than deadlock. SQLite writers are serialised already.
pub(crate) async fn lock_entries(
    txn: &impl ConnectionTrait,
    engine: Engine,
    tenant: TenantId,
    mut ids: Vec<i64>,
) -> Result<()> {
    use vulnerability::Column as V;
    if engine != Engine::Postgres || ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    vulnerability::Entity::find()
        .select_only()
        .column(V::Id)
        .filter(V::TenantId.eq(tenant.0))
        .filter(one_of(engine, V::Id, ids))
        .order_by_asc(V::Id)
        .lock_exclusive()
        .into_tuple::<i64>()
        .all(txn)
        .await?;
    Ok(())
}

/// Adds each delta to its entry's open-findings counter; the rows should be locked already
/// ([`lock_entries`]).
pub(crate) async fn add_open_counts(
    txn: &impl ConnectionTrait,
    engine: Engine,
    tenant: TenantId,
    deltas: &BTreeMap<i64, i64>,
) -> Result<()> {
    use vulnerability::Column as V;
    let mut by_delta: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (id, delta) in deltas.iter().filter(|(_, by)| **by != 0) {
        by_delta.entry(*delta).or_default().push(*id);
    }
    for (delta, ids) in by_delta {
        for list in batch::lists(engine, &ids) {
            vulnerability::Entity::update_many()
                .col_expr(V::OpenFindings, Expr::col(V::OpenFindings).add(delta))
                .filter(V::TenantId.eq(tenant.0))
                .filter(one_of(engine, V::Id, list.iter().copied()))
                .exec(txn)
                .await?;
        }
    }
    Ok(())
}
