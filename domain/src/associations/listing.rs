//! How each side sees its associations: the MSSP's MSPs table (the latest request per MSP,
//! searched, filtered, sorted and paginated in SQL) and the MSP's latest association.

use super::{Status, status_of};
use crate::{Error, Result, Scoped};
use chrono::{DateTime, Utc};
use entity::{association, tenant};
use portal_types::TenantKind;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, JoinType, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};

/// Columns the MSSP's MSPs table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    MspName,
    Status,
    #[default]
    Requested,
}

/// Which of the MSSP's requests to list, and how.
#[derive(Debug, Clone, Default)]
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
    pub msp_name: String,
    pub requested_email: String,
    pub status: Status,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
    pub end_reason: Option<String>,
}

#[derive(FromQueryResult)]
struct MspRequestRow {
    id: i64,
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
            msp_name: row.msp_name,
            requested_email: row.requested_email,
            requested_at: row.requested_at,
            expires_at: row.expires_at,
            decided_at: row.decided_at,
            decision_reason: row.decision_reason,
            ended_at: row.ended_at,
            end_reason: row.end_reason,
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
    let own = scoped.scope().tenant_id().0;
    let search = crate::paging::search_text(query.search.as_deref())?;
    let offset = crate::paging::offset(query.page, query.per_page)?;
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
    }
    .order_by(association::Column::Id, order);
    let rows = select
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
        ])
        .column_as(tenant::Column::Name, "msp_name")
        .offset(offset)
        .limit(query.per_page)
        .into_model::<MspRequestRow>()
        .all(scoped.conn())
        .await?
        .into_iter()
        .map(MspRequest::try_from)
        .collect::<Result<Vec<_>>>()?;
    Ok(MspPage { rows, total })
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
