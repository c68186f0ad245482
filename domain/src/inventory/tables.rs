//! A company's assets and open findings as tables: searched, sorted, and paged by keyset.
//!
//! A page starts after (or ends before) a row the caller names by id, and is an index walk
//! from that row: the page at row 2 million costs what the first page costs, where an OFFSET
//! would scan every row before it. An order is a sequence of *bands* (one per severity, or one
//! holding every row), each walked by `(key, id)`; the named row's band and key say where to
//! resume. A named row that no longer exists starts the table over from its first page.

use super::OpenCounts;
use crate::companies::company_of;
use crate::{Owner, Result, Scoped};
use chrono::{DateTime, Utc};
use entity::{asset, finding, vulnerability};
use portal_types::{AssetSource, FindingStatus, Severity};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, ModelTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
};
use std::collections::HashMap;

/// Where a page starts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Cursor {
    #[default]
    First,
    /// The rows after this row (by id), in the table's order.
    After(i64),
    /// The rows before this row.
    Before(i64),
}

/// Which rows, in which order, from where.
#[derive(Debug, Clone, Default)]
pub struct TableQuery<S> {
    /// Part of a name, in any letter case.
    pub search: Option<String>,
    pub sort: S,
    pub descending: bool,
    pub cursor: Cursor,
    pub per_page: u64,
}

/// A page of rows: how many match in all, and whether there are rows on either side.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<R> {
    pub rows: Vec<R>,
    pub total: u64,
    pub has_previous: bool,
    pub has_next: bool,
}

/// The assets table's orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AssetSort {
    /// By hostname, or the IP where there is none (the asset's key).
    #[default]
    Name,
    LastSeen,
}

/// The findings table's orders.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FindingSort {
    /// Worst first (`info` last); descending is mildest first.
    #[default]
    Severity,
    FirstSeen,
}

/// One asset of a company's assets table.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetRow {
    pub id: i64,
    pub source: AssetSource,
    pub hostname: Option<String>,
    pub ip: Option<String>,
    pub os: Option<String>,
    pub last_seen_at: DateTime<Utc>,
    pub open: OpenCounts,
}

/// One open finding of a company's findings table.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRow {
    pub id: i64,
    pub vuln_key: String,
    pub title: String,
    pub severity: Severity,
    pub cvss_tenths: Option<i16>,
    pub asset: String,
    pub first_seen_at: DateTime<Utc>,
}

/// A company's assets, each with its open findings by severity (counted for the page only).
pub async fn assets(
    scoped: &Scoped<'_>,
    owner: Owner,
    company_id: i64,
    query: &TableQuery<AssetSort>,
) -> Result<Page<AssetRow>> {
    use asset::Column as A;
    let company = company_of(scoped, owner, company_id).await?;
    let search = crate::paging::search_text(query.search.as_deref())?;
    let per_page = crate::paging::per_page(query.per_page)?;
    let in_company = scoped
        .of::<asset::Entity>(owner)?
        .filter(A::CompanyId.eq(company.id));
    let mut rows = in_company.clone();
    if let Some(text) = search {
        let mut any = Condition::any();
        for column in [A::AssetKey, A::Hostname, A::Ip, A::Os] {
            any = any.add(crate::like::contains(column, text));
        }
        rows = rows.filter(any);
    }
    let keyset = Keyset {
        bands: vec![None],
        band_of: |_| 0,
        key: Some(match query.sort {
            AssetSort::Name => A::AssetKey,
            AssetSort::LastSeen => A::LastSeenAt,
        }),
        id: A::Id,
        descending: query.descending,
    };
    let Page {
        rows: assets,
        total,
        has_previous,
        has_next,
    } = keyset
        .page(scoped.conn(), rows, in_company, query.cursor, per_page)
        .await?;
    let open = open_counts(scoped, owner, assets.iter().map(|a| a.id).collect()).await?;
    let rows = assets
        .into_iter()
        .map(|a| {
            Ok(AssetRow {
                source: a.source.parse().map_err(crate::Error::Internal)?,
                open: open.get(&a.id).copied().unwrap_or_default(),
                id: a.id,
                hostname: a.hostname,
                ip: a.ip,
                os: a.os,
                last_seen_at: a.last_seen_at,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Page {
        rows,
        total,
        has_previous,
        has_next,
    })
}

/// Open findings of each of `assets`, by severity.
async fn open_counts(
    scoped: &Scoped<'_>,
    owner: Owner,
    assets: Vec<i64>,
) -> Result<HashMap<i64, OpenCounts>> {
    use finding::Column as F;
    let counted: Vec<(i64, String, i64)> = scoped
        .of::<finding::Entity>(owner)?
        .select_only()
        .column(F::AssetId)
        .column(F::Severity)
        .column_as(F::Id.count(), "n")
        .filter(F::AssetId.is_in(assets))
        .filter(F::Status.eq(FindingStatus::Open.as_str()))
        .group_by(F::AssetId)
        .group_by(F::Severity)
        .into_tuple()
        .all(scoped.conn())
        .await?;
    let mut open: HashMap<i64, OpenCounts> = HashMap::new();
    for (asset_id, severity, n) in counted {
        let counts = open.entry(asset_id).or_default();
        match severity.parse::<Severity>() {
            Ok(Severity::Critical) => counts.critical = n,
            Ok(Severity::High) => counts.high = n,
            Ok(Severity::Medium) => counts.medium = n,
            Ok(Severity::Low) => counts.low = n,
            _ => {}
        }
    }
    Ok(open)
}

/// A company's open findings. The search matches the vulnerability's id or title, or the
/// asset's name.
pub async fn open_findings(
    scoped: &Scoped<'_>,
    owner: Owner,
    company_id: i64,
    query: &TableQuery<FindingSort>,
) -> Result<Page<FindingRow>> {
    use finding::Column as F;
    let company = company_of(scoped, owner, company_id).await?;
    let search = crate::paging::search_text(query.search.as_deref())?;
    let per_page = crate::paging::per_page(query.per_page)?;
    let in_company = scoped
        .of::<finding::Entity>(owner)?
        .filter(F::CompanyId.eq(company.id));
    let mut rows = in_company
        .clone()
        .filter(F::Status.eq(FindingStatus::Open.as_str()));
    if let Some(text) = search {
        let vulnerabilities = scoped
            .of::<vulnerability::Entity>(owner)?
            .select_only()
            .column(vulnerability::Column::Id)
            .filter(
                Condition::any()
                    .add(crate::like::contains(vulnerability::Column::VulnKey, text))
                    .add(crate::like::contains(vulnerability::Column::Title, text)),
            )
            .into_query();
        let assets = scoped
            .of::<asset::Entity>(owner)?
            .select_only()
            .column(asset::Column::Id)
            .filter(asset::Column::CompanyId.eq(company.id))
            .filter(crate::like::contains(asset::Column::AssetKey, text))
            .into_query();
        rows = rows.filter(
            Condition::any()
                .add(F::VulnerabilityId.in_subquery(vulnerabilities))
                .add(F::AssetId.in_subquery(assets)),
        );
    }
    let keyset = match query.sort {
        FindingSort::Severity => Keyset {
            bands: Severity::ALL
                .iter()
                .map(|s| Some(F::Severity.eq(s.as_str())))
                .collect(),
            band_of: |f: &finding::Model| {
                Severity::ALL
                    .iter()
                    .position(|s| s.as_str() == f.severity)
                    .unwrap_or(Severity::ALL.len() - 1)
            },
            key: None,
            id: F::Id,
            descending: query.descending,
        },
        FindingSort::FirstSeen => Keyset {
            bands: vec![None],
            band_of: |_| 0,
            key: Some(F::FirstSeenAt),
            id: F::Id,
            descending: query.descending,
        },
    };
    let Page {
        rows: findings,
        total,
        has_previous,
        has_next,
    } = keyset
        .page(scoped.conn(), rows, in_company, query.cursor, per_page)
        .await?;
    Ok(Page {
        rows: describe_findings(scoped, owner, findings).await?,
        total,
        has_previous,
        has_next,
    })
}

/// The findings with their vulnerability and asset, in the same order.
async fn describe_findings(
    scoped: &Scoped<'_>,
    owner: Owner,
    findings: Vec<finding::Model>,
) -> Result<Vec<FindingRow>> {
    let vulnerability_ids: Vec<i64> = findings.iter().map(|f| f.vulnerability_id).collect();
    let asset_ids: Vec<i64> = findings.iter().map(|f| f.asset_id).collect();
    let vulnerabilities: HashMap<i64, vulnerability::Model> = scoped
        .of::<vulnerability::Entity>(owner)?
        .filter(vulnerability::Column::Id.is_in(vulnerability_ids))
        .all(scoped.conn())
        .await?
        .into_iter()
        .map(|v| (v.id, v))
        .collect();
    let assets: HashMap<i64, String> = scoped
        .of::<asset::Entity>(owner)?
        .select_only()
        .column(asset::Column::Id)
        .column(asset::Column::AssetKey)
        .filter(asset::Column::Id.is_in(asset_ids))
        .into_tuple::<(i64, String)>()
        .all(scoped.conn())
        .await?
        .into_iter()
        .collect();
    findings
        .into_iter()
        .map(|f| {
            let vulnerability = vulnerabilities.get(&f.vulnerability_id).ok_or_else(|| {
                crate::Error::Internal("a finding without its vulnerability".into())
            })?;
            Ok(FindingRow {
                severity: f.severity.parse().map_err(crate::Error::Internal)?,
                id: f.id,
                vuln_key: vulnerability.vuln_key.clone(),
                title: vulnerability.title.clone(),
                cvss_tenths: vulnerability.cvss_tenths,
                asset: assets.get(&f.asset_id).cloned().unwrap_or_default(),
                first_seen_at: f.first_seen_at,
            })
        })
        .collect()
}

/// An order that pages by keyset: bands in order, each by `(key, id)`.
struct Keyset<E: EntityTrait> {
    /// The filter of each band, in the table's order; `None` for a band of every row.
    bands: Vec<Option<Expr>>,
    /// The band a row is in.
    band_of: fn(&E::Model) -> usize,
    /// The order within a band, before the id; `None` for the id alone.
    key: Option<E::Column>,
    id: E::Column,
    /// Bands and rows in reverse.
    descending: bool,
}

impl<E: EntityTrait> Keyset<E>
where
    E::Model: Sync,
{
    /// The page of `rows` at `cursor`, with how many there are in all. The row a cursor names is looked up
    /// in `named` (the table's rows before search and status filters), so a row that has since
    /// left the table still marks the place.
    async fn page(
        &self,
        conn: &DatabaseConnection,
        rows: Select<E>,
        named: Select<E>,
        cursor: Cursor,
        per_page: u64,
    ) -> Result<Page<E::Model>> {
        let total = rows.clone().count(conn).await?;
        let (id, forward) = match cursor {
            Cursor::First => (None, true),
            Cursor::After(id) => (Some(id), true),
            Cursor::Before(id) => (Some(id), false),
        };
        let anchor = match id {
            Some(id) => named.filter(self.id.eq(id)).one(conn).await?,
            None => None,
        };
        let forward = forward || anchor.is_none();
        let (rows, more) = self
            .walk(conn, rows, anchor.as_ref(), forward, per_page)
            .await?;
        let (has_previous, has_next) = match (anchor.is_some(), forward) {
            (false, _) => (false, more),
            (true, true) => (true, more),
            (true, false) => (more, true),
        };
        Ok(Page {
            rows,
            total,
            has_previous,
            has_next,
        })
    }

    /// Up to `limit` rows past `anchor` (from the start without one), forward or backward
    /// in the table's order; and whether there are more.
    async fn walk(
        &self,
        conn: &DatabaseConnection,
        rows: Select<E>,
        anchor: Option<&E::Model>,
        forward: bool,
        limit: u64,
    ) -> Result<(Vec<E::Model>, bool)> {
        let ascending = forward != self.descending;
        let mut bands: Vec<usize> = (0..self.bands.len()).collect();
        if !ascending {
            bands.reverse();
        }
        let anchor_band = anchor.map(|a| (self.band_of)(a));
        let start = anchor_band
            .and_then(|band| bands.iter().position(|&b| b == band))
            .unwrap_or(0);
        let order = if ascending { Order::Asc } else { Order::Desc };
        let mut found: Vec<E::Model> = Vec::new();
        for &band in &bands[start..] {
            let mut select = rows.clone();
            if let Some(filter) = &self.bands[band] {
                select = select.filter(filter.clone());
            }
            if let Some(anchor) = anchor.filter(|_| anchor_band == Some(band)) {
                select = select.filter(self.past(anchor, ascending));
            }
            if let Some(key) = self.key {
                select = select.order_by(key, order.clone());
            }
            let wanted = limit + 1 - found.len() as u64;
            let batch = select
                .order_by(self.id, order.clone())
                .limit(wanted)
                .all(conn)
                .await?;
            found.extend(batch);
            if found.len() as u64 > limit {
                break;
            }
        }
        let more = found.len() as u64 > limit;
        found.truncate(limit as usize);
        if !forward {
            found.reverse();
        }
        Ok((found, more))
    }

    /// The rows after `anchor` within its band, walking up (`ascending`) or down.
    fn past(&self, anchor: &E::Model, ascending: bool) -> Expr {
        let id = Expr::col((E::default(), self.id));
        let anchor_id = Expr::val(anchor.get(self.id));
        let (rows, anchor) = match self.key {
            Some(key) => (
                Expr::tuple([Expr::col((E::default(), key)), id]),
                Expr::tuple([Expr::val(anchor.get(key)), anchor_id]),
            ),
            None => (id, anchor_id),
        };
        if ascending {
            rows.gt(anchor)
        } else {
            rows.lt(anchor)
        }
    }
}
