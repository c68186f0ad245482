//! How each side sees its associations: the MSSP's MSPs table (the latest request per MSP,
//! searched, filtered, sorted and paginated in SQL) and the MSP's latest association.

use super::{Status, status_of};
use crate::inventory::Posture;
use crate::{Error, Result, Scoped};
use chrono::{DateTime, Utc};
use entity::{association, tenant, tenant_rollup};
use portal_types::{TenantId, TenantKind};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query, QueryStatementBuilder};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, RelationTrait,
};

/// Columns the MSSP's MSPs table sorts by. Sorting by a counter puts the MSPs that have
/// approved the caller first (their counters in order), then the rest, which have none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortBy {
    MspName,
    Status,
    #[default]
    Requested,
    Companies,
    Agents,
    Assets,
    OpenFindings,
    Critical,
    High,
    Medium,
    Low,
}

/// Which of the MSSP's requests to list, and how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ListQuery {
    /// Part of the MSP's name or the admin's email, case-insensitive.
    pub search: Option<String>,
    pub status: Option<Status>,
    pub sort: SortBy,
    pub descending: bool,
    /// 1-based.
    pub page: u64,
    pub per_page: u64,
}

pub use crate::paging::{MAX_PER_PAGE, MAX_SEARCH_CHARS};

/// One MSP in the MSSP's MSPs table: its latest request and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct MspRequest {
    pub id: i64,
    pub msp_id: TenantId,
    pub msp_name: String,
    pub requested_email: String,
    pub status: Status,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
    /// The MSP's inventory, while it has approved the caller; `None` otherwise.
    pub posture: Option<Posture>,
}

#[derive(FromQueryResult)]
struct MspRequestRow {
    id: i64,
    msp_tenant_id: i64,
    msp_name: String,
    requested_email: String,
    status: String,
    requested_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    decision_reason: Option<String>,
    ended_at: Option<DateTime<Utc>>,
    end_reason: Option<String>,
}

impl TryFrom<MspRequestRow> for MspRequest {
    type Error = Error;
    fn try_from(row: MspRequestRow) -> Result<Self> {
        Ok(Self {
            status: row.status.parse().map_err(Error::Internal)?,
            id: row.id,
            msp_id: TenantId(row.msp_tenant_id),
            msp_name: row.msp_name,
            requested_email: row.requested_email,
            requested_at: row.requested_at,
            expires_at: row.expires_at,
            decided_at: row.decided_at,
            decision_reason: row.decision_reason,
            ended_at: row.ended_at,
            end_reason: row.end_reason,
            posture: None,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MspPage {
    pub rows: Vec<MspRequest>,
    pub total: u64,
}

/// MSSP side: each MSP this MSSP has asked, with its latest request, searched, filtered,
/// sorted and paginated in the database.
pub async fn list_for_mssp(scoped: &Scoped<'_>, query: &ListQuery) -> Result<MspPage> {
    scoped.scope().require_kind(TenantKind::Mssp)?;
    let search = crate::paging::search_text(query.search.as_deref())?;
    let offset = crate::paging::offset(query.page, query.per_page)?;
    // Every change to the MSSP's requests is an association change, which drops the entry.
    // Boxed: the read's future is large, and the cache's own future would hold it inline.
    scoped
        .remembered(
            crate::inventory::cache::Query::MspsPage(query.clone()),
            Box::pin(read_page(scoped, query, search, offset)),
        )
        .await
}

/// The page `query` asks for, read from the database (`search` and `offset` checked).
async fn read_page(
    scoped: &Scoped<'_>,
    query: &ListQuery,
    search: Option<&str>,
    offset: u64,
) -> Result<MspPage> {
    let own = scoped.scope().tenant_id().0;
    let latest = Query::select()
        .expr(Expr::col(association::Column::Id).max())
        .from(association::Entity)
        .and_where(Expr::col(association::Column::MsspTenantId).eq(own))
        .group_by_col(association::Column::MspTenantId)
        .to_owned();
    let mut select = scoped
        .associations()
        .filter(association::Column::Id.in_subquery(latest))
        .join(JoinType::InnerJoin, association::Relation::Msp.def());
    if let Some(text) = search {
        select = select.filter(
            Condition::any()
                .add(crate::like::contains(
                    (tenant::Entity, tenant::Column::Name),
                    text,
                ))
                .add(crate::like::contains(
                    (association::Entity, association::Column::RequestedEmail),
                    text,
                )),
        );
    }
    if let Some(status) = query.status {
        select = select.filter(association::Column::Status.eq(status.as_str()));
    }
    let total = select.clone().count(scoped.conn()).await?;
    let order = if query.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    select = match query.sort {
        SortBy::MspName => select.order_by(tenant::Column::NameKey, order.clone()),
        SortBy::Status => select.order_by(association::Column::Status, order.clone()),
        SortBy::Requested => select.order_by(association::Column::RequestedAt, order.clone()),
        counter => {
            // NULL exactly for the MSPs that have not approved the caller: last either way.
            let counter = counter_of_msp(scoped, counter);
            select
                .order_by(counter.clone().is_null(), Order::Asc)
                .order_by(counter, order.clone())
        }
    }
    .order_by(association::Column::Id, order);
    let mut rows = select
        .select_only()
        .columns([
            association::Column::Id,
            association::Column::Status,
            association::Column::RequestedEmail,
            association::Column::RequestedAt,
            association::Column::ExpiresAt,
            association::Column::DecidedAt,
            association::Column::DecisionReason,
            association::Column::EndedAt,
            association::Column::EndReason,
            association::Column::MspTenantId,
        ])
        .column_as(tenant::Column::Name, "msp_name")
        .offset(offset)
        .limit(query.per_page)
        .into_model::<MspRequestRow>()
        .all(scoped.conn())
        .await?
        .into_iter()
        .map(MspRequest::try_from)
        .collect::<Result<Vec<MspRequest>>>()?;
    let msps: Vec<TenantId> = rows.iter().map(|r| r.msp_id).collect();
    let mut postures = crate::inventory::postures_of(scoped, &msps).await?;
    let approved = scoped.scope().approved_msps();
    for row in &mut rows {
        if approved.contains(&row.msp_id) {
            row.posture = Some(postures.remove(&row.msp_id).unwrap_or_default());
        }
    }
    Ok(MspPage { rows, total })
}

/// The counter `sort` names, for the association row's MSP: from its tenant row (its
/// companies' sums) while it has approved the caller, 0 when it has no tenant row yet (no
/// company ever), and NULL otherwise. Without the 0, an MSP with no companies sorted as NULL:
/// first on SQLite and last on PostgreSQL.
fn counter_of_msp(scoped: &Scoped<'_>, sort: SortBy) -> Expr {
    use tenant_rollup::Column as R;
    let col = |column: R| Expr::col((tenant_rollup::Entity, column));
    let counter = match sort {
        SortBy::Companies => col(R::Companies),
        SortBy::Agents => col(R::ProbeAgents).add(col(R::LightweightAgents)),
        SortBy::Assets => col(R::TotalAssets),
        SortBy::OpenFindings => col(R::OpenFindings),
        SortBy::Critical => col(R::OpenCritical),
        SortBy::High => col(R::OpenHigh),
        SortBy::Medium => col(R::OpenMedium),
        SortBy::Low | SortBy::MspName | SortBy::Status | SortBy::Requested => col(R::OpenLow),
    };
    // The MSP's kept sums, read only while it has approved this MSSP (NULL otherwise).
    let of_msp = scoped
        .approved::<tenant_rollup::Entity>()
        .select_only()
        .expr(counter)
        .filter(
            Expr::col((tenant_rollup::Entity, R::TenantId))
                .equals((association::Entity, association::Column::MspTenantId)),
        )
        .into_query();
    let kept = Expr::SubQuery(None, Box::new(of_msp.into_sub_query_statement()));
    let approved = scoped.scope().approved_msps().iter().map(|t| t.0);
    let msp = Expr::col((association::Entity, association::Column::MspTenantId));
    Expr::case(
        msp.is_in(approved),
        Expr::expr(Func::coalesce([kept, Expr::val(0)])),
    )
    .finally(Expr::null())
    .into()
}

/// The MSP's view of its latest association: with which MSSP, and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct MspAccess {
    pub id: i64,
    pub mssp_name: String,
    pub status: Status,
    pub requested_email: String,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
}

/// MSP side: the latest association addressed to the scope's tenant, if any.
pub async fn latest_for_msp(scoped: &Scoped<'_>) -> Result<Option<MspAccess>> {
    scoped.scope().require_kind(TenantKind::Msp)?;
    let Some(row) = scoped
        .associations()
        .order_by_desc(association::Column::Id)
        .one(scoped.conn())
        .await?
    else {
        return Ok(None);
    };
    let mssp = tenant::Entity::find_by_id(row.mssp_tenant_id)
        .one(scoped.conn())
        .await?
        .ok_or_else(|| Error::Internal("association without its MSSP".into()))?;
    Ok(Some(MspAccess {
        id: row.id,
        mssp_name: mssp.name,
        status: status_of(&row)?,
        requested_email: row.requested_email,
        requested_at: row.requested_at,
        expires_at: row.expires_at,
        decided_at: row.decided_at,
        reason: row.end_reason.or(row.decision_reason),
    }))
}
