//! The MSSP → MSP association lifecycle (design brief §3).
//!
//! ```text
//! PENDING_APPROVAL ──approve──▶ APPROVED ──revoke (either side)──▶ REVOKED
//!        │ reject ▶ REJECTED      cancel (MSSP) ▶ CANCELLED      expiry ▶ EXPIRED
//! ```
//! Each transition checks who may make it and from which state, and records actor, time and
//! reason with an audit event on both tenants' trails, in one transaction. At most one active
//! (pending or approved) association per MSP: the database's partial unique index decides
//! races; the check in code only gives the friendly message first.

use crate::audit::{self, Actor};
use crate::live::{Change, Topic};
use crate::notifications::{self, New};
use crate::{Db, Error, Result, Scope, Scoped};
use chrono::{DateTime, Utc};
use entity::{association, tenant, user};
use portal_types::{Email, ParseError, Reason, Role, TenantId, TenantKind, TenantName};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait,
    FromQueryResult, JoinType, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Select,
};

/// The product guide's messages for Add MSP.
pub const ALREADY_ASSOCIATED: &str = "Tenant already associated to mssp";
pub const NOT_FOUND: &str = "Email ID or Tenant Name not found";

/// Days a pending request waits for a decision unless the operator sets otherwise
/// ([`Db::with_request_expiry_days`]).
pub const DEFAULT_EXPIRY_DAYS: i64 = 14;

pub use portal_types::AssociationStatus as Status;

/// Add MSP attempts one MSSP may make per window: enough for real work, too few to enumerate
/// tenant names (the two error messages tell names apart).
pub const ADD_MSP_LIMIT: crate::throttle::Limit = crate::throttle::Limit {
    max: 30,
    window: std::time::Duration::from_secs(15 * 60),
};

/// Resends of one request's email per window.
pub const RESEND_LIMIT: crate::throttle::Limit = crate::throttle::Limit {
    max: 3,
    window: std::time::Duration::from_secs(60 * 60),
};

/// A stored row's status.
pub(crate) fn status_of(row: &association::Model) -> Result<Status> {
    row.status.parse().map_err(Error::Internal)
}

impl Scoped<'_> {
    /// Associations the scope is a party to: as the MSSP, or as the MSP.
    pub fn associations(&self) -> Select<association::Entity> {
        let own = self.scope().tenant_id().0;
        let column = match self.scope().kind() {
            TenantKind::Mssp => association::Column::MsspTenantId,
            TenantKind::Msp => association::Column::MspTenantId,
        };
        association::Entity::find().filter(column.eq(own))
    }
}

fn actor(scope: &Scope) -> Actor {
    let p = scope.principal();
    Actor::User {
        id: p.user_id,
        email: p.email.to_string(),
    }
}

fn active() -> Condition {
    Condition::any()
        .add(association::Column::Status.eq(Status::PendingApproval.as_str()))
        .add(association::Column::Status.eq(Status::Approved.as_str()))
}

/// What both parties' open pages must refetch after a change to `row`.
fn changes(row: &association::Model) -> [Change; 3] {
    let (mssp, msp) = (TenantId(row.mssp_tenant_id), TenantId(row.msp_tenant_id));
    [
        Change {
            tenant: mssp,
            topic: Topic::Associations,
        },
        Change {
            tenant: msp,
            topic: Topic::Associations,
        },
        Change {
            tenant: msp,
            topic: Topic::Notifications,
        },
    ]
}

/// Writes `action` to both parties' audit trails.
async fn audit_both(
    txn: &DatabaseTransaction,
    row: &association::Model,
    actor: &Actor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<()> {
    for tenant in [row.mssp_tenant_id, row.msp_tenant_id] {
        audit::record(
            txn,
            TenantId(tenant),
            actor,
            action,
            target,
            details.clone(),
        )
        .await?;
    }
    Ok(())
}

/// MSSP side, "Add MSP": asks the MSP tenant named `msp_name`, through its admin `admin_email`,
/// to grant access. Refused with the guide's messages when no MSP of that name has that admin,
/// or when the MSP already has an active association (with any MSSP). The MSP's admins get a
/// notification, in the same transaction.
pub async fn request(
    db: &Db,
    scope: &Scope,
    msp_name: &str,
    admin_email: &str,
    now: DateTime<Utc>,
) -> Result<i64> {
    scope.require_kind(TenantKind::Mssp)?;
    scope.require_write()?;
    let name = TenantName::parse(msp_name)?;
    let email = Email::parse(admin_email)?;
    let not_found = || {
        Error::Invalid(ParseError {
            field: "tenant_name",
            message: NOT_FOUND.to_owned(),
        })
    };

    let txn = db.begin_write().await?;
    let msp = tenant::Entity::find()
        .filter(tenant::Column::NameKey.eq(name.key()))
        .filter(tenant::Column::Kind.eq(TenantKind::Msp.as_str()))
        .one(&txn)
        .await?
        .ok_or_else(not_found)?;
    let admin = user::Entity::find()
        .filter(user::Column::TenantId.eq(msp.id))
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.is_in([Role::Owner.as_str(), Role::Admin.as_str()]))
        .one(&txn)
        .await?;
    if admin.is_none() {
        return Err(not_found());
    }
    let taken = association::Entity::find()
        .filter(association::Column::MspTenantId.eq(msp.id))
        .filter(active())
        .one(&txn)
        .await?;
    if taken.is_some() {
        return Err(Error::Conflict(ALREADY_ASSOCIATED.to_owned()));
    }
    let row = association::Entity::insert(association::ActiveModel {
        mssp_tenant_id: Set(scope.tenant_id().0),
        msp_tenant_id: Set(msp.id),
        status: Set(Status::PendingApproval.as_str().to_owned()),
        requested_email: Set(email.to_string()),
        requested_by_user_id: Set(Some(scope.principal().user_id.0)),
        requested_at: Set(now),
        expires_at: Set(now + db.request_expiry),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await
    .map_err(|e| Error::unique_as_conflict(e, ALREADY_ASSOCIATED))?;
    let mssp_name = scope.principal().tenant_name.as_str();
    notifications::notify_admins(
        &txn,
        TenantId(msp.id),
        &New {
            kind: "association.request",
            association_id: Some(row.id),
            title: "MSSP Approval Request",
            body: &format!(
                "{mssp_name} asks for access to {}'s inventory and vulnerability data.",
                msp.name
            ),
        },
        now,
    )
    .await?;
    let mail = crate::email::Message::AssociationRequest {
        mssp_name: mssp_name.to_owned(),
        msp_name: msp.name.clone(),
        association_id: row.id,
    };
    crate::outbox::enqueue(&txn, &email, &mail, now).await?;
    let details =
        serde_json::json!({ "association": row.id, "msp": msp.name, "admin": email.as_str() });
    audit_both(
        &txn,
        &row,
        &actor(scope),
        "association.request",
        &msp.name,
        details,
    )
    .await?;
    db.commit_announcing(txn, &changes(&row)).await?;
    Ok(row.id)
}

/// MSSP side: sends a pending request's email again (the MSP admin lost it, say).
pub async fn resend(db: &Db, scope: &Scope, id: i64, now: DateTime<Utc>) -> Result<()> {
    scope.require_kind(TenantKind::Mssp)?;
    scope.require_write()?;
    let txn = db.begin_write().await?;
    let row = pending(db, scope, &txn, id, now).await?;
    let msp = tenant::Entity::find_by_id(row.msp_tenant_id)
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let recipient = Email::parse(&row.requested_email)
        .map_err(|e| Error::Internal(format!("stored request email: {e}")))?;
    let mail = crate::email::Message::AssociationRequest {
        mssp_name: scope.principal().tenant_name.to_string(),
        msp_name: msp.name,
        association_id: row.id,
    };
    crate::outbox::enqueue(&txn, &recipient, &mail, now).await?;
    let details = serde_json::json!({ "association": id, "admin": row.requested_email });
    audit::record(
        &txn,
        scope.tenant_id(),
        &actor(scope),
        "association.resend",
        &row.requested_email,
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Association `id` of the scope, still pending and not past its expiry.
async fn pending(
    db: &Db,
    scope: &Scope,
    txn: &DatabaseTransaction,
    id: i64,
    now: DateTime<Utc>,
) -> Result<association::Model> {
    let row = db
        .scoped(scope)
        .associations()
        .filter(association::Column::Id.eq(id))
        .one(txn)
        .await?
        .ok_or(Error::NotFound)?;
    match status_of(&row)? {
        Status::PendingApproval if row.expires_at <= now => Err(expired()),
        Status::PendingApproval => Ok(row),
        Status::Expired => Err(expired()),
        _ => Err(no_longer(Status::PendingApproval)),
    }
}

fn expired() -> Error {
    Error::Conflict("This request has expired.".into())
}

fn no_longer(from: Status) -> Error {
    Error::Conflict(match from {
        Status::PendingApproval => "This request is no longer pending.".into(),
        _ => "This association is no longer approved.".into(),
    })
}

/// A decision of the addressed MSP's admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// MSP side: approves or rejects a pending request addressed to the scope's tenant. A request
/// of another tenant is not found; a decided or expired one is a conflict.
pub async fn decide(
    db: &Db,
    scope: &Scope,
    id: i64,
    decision: Decision,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    scope.require_kind(TenantKind::Msp)?;
    let reason = Reason::parse(reason)?;
    let to = match decision {
        Decision::Approve => Status::Approved,
        Decision::Reject => Status::Rejected,
    };
    transition(
        db,
        scope,
        id,
        Status::PendingApproval,
        to,
        DECIDED,
        Some(&reason),
        now,
    )
    .await
}

/// MSSP side: withdraws a pending request.
pub async fn cancel(db: &Db, scope: &Scope, id: i64, now: DateTime<Utc>) -> Result<()> {
    scope.require_kind(TenantKind::Mssp)?;
    transition(
        db,
        scope,
        id,
        Status::PendingApproval,
        Status::Cancelled,
        ENDED,
        None,
        now,
    )
    .await
}

/// Either side: ends an approved association. The MSSP loses the MSP's data at once.
pub async fn revoke(
    db: &Db,
    scope: &Scope,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let reason = Reason::parse(reason)?;
    transition(
        db,
        scope,
        id,
        Status::Approved,
        Status::Revoked,
        ENDED,
        Some(&reason),
        now,
    )
    .await
}

/// The columns a transition stamps with who, when and why.
#[derive(Clone, Copy)]
struct Stamp {
    by: association::Column,
    at: association::Column,
    reason: association::Column,
}

const DECIDED: Stamp = Stamp {
    by: association::Column::DecidedByUserId,
    at: association::Column::DecidedAt,
    reason: association::Column::DecisionReason,
};
const ENDED: Stamp = Stamp {
    by: association::Column::EndedByUserId,
    at: association::Column::EndedAt,
    reason: association::Column::EndReason,
};

/// Moves association `id` (one the scope is a party to) from `from` to `to`, in one
/// transaction with an audit event on both trails. The UPDATE is conditional on `from`, so of
/// two racing transitions exactly one wins and the other is a conflict.
#[expect(
    clippy::too_many_arguments,
    reason = "each argument is one fact of the transition"
)]
async fn transition(
    db: &Db,
    scope: &Scope,
    id: i64,
    from: Status,
    to: Status,
    stamp: Stamp,
    reason: Option<&Reason>,
    now: DateTime<Utc>,
) -> Result<()> {
    scope.require_write()?;
    let txn = db.begin_write().await?;
    let found = match from {
        Status::PendingApproval => pending(db, scope, &txn, id, now).await?,
        _ => db
            .scoped(scope)
            .associations()
            .filter(association::Column::Id.eq(id))
            .one(&txn)
            .await?
            .ok_or(Error::NotFound)?,
    };
    let changed = association::Entity::update_many()
        .col_expr(association::Column::Status, Expr::value(to.as_str()))
        .col_expr(stamp.by, Expr::value(scope.principal().user_id.0))
        .col_expr(stamp.at, Expr::value(now))
        .col_expr(
            stamp.reason,
            Expr::value(reason.map(|r| r.as_str().to_owned())),
        )
        .filter(association::Column::Id.eq(id))
        .filter(association::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(no_longer(from));
    }
    let action = match to {
        Status::Approved => "association.approve",
        Status::Rejected => "association.reject",
        Status::Cancelled => "association.cancel",
        _ => "association.revoke",
    };
    let details = serde_json::json!({ "association": id, "reason": reason.map(Reason::as_str) });
    audit_both(
        &txn,
        &found,
        &actor(scope),
        action,
        &found.requested_email,
        details,
    )
    .await?;
    db.commit_announcing(txn, &changes(&found)).await?;
    Ok(())
}

/// Marks every pending request past its expiry as EXPIRED, each with an audit event on both
/// trails; returns how many. Safe to run on every instance at once: each row's UPDATE is
/// conditional on it still being pending, and only the instance whose UPDATE changed it
/// records the events.
pub async fn expire_due(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let due = association::Entity::find()
        .filter(association::Column::Status.eq(Status::PendingApproval.as_str()))
        .filter(association::Column::ExpiresAt.lte(now))
        .order_by_asc(association::Column::Id)
        .limit(500)
        .all(db.conn())
        .await?;
    let mut expired = 0;
    for row in due {
        let txn = db.begin_write().await?;
        let changed = association::Entity::update_many()
            .col_expr(
                association::Column::Status,
                Expr::value(Status::Expired.as_str()),
            )
            .col_expr(association::Column::EndedAt, Expr::value(now))
            .filter(association::Column::Id.eq(row.id))
            .filter(association::Column::Status.eq(Status::PendingApproval.as_str()))
            .exec(&txn)
            .await?;
        if changed.rows_affected == 0 {
            continue;
        }
        let details = serde_json::json!({ "association": row.id });
        audit_both(
            &txn,
            &row,
            &Actor::System,
            "association.expire",
            &row.requested_email,
            details,
        )
        .await?;
        db.commit_announcing(txn, &changes(&row)).await?;
        expired += 1;
    }
    Ok(expired)
}

/// The MSP tenants whose association with `mssp` is APPROVED now (for [`Scope::resolve`]).
pub(crate) async fn approved_msps(
    conn: &impl ConnectionTrait,
    mssp: TenantId,
) -> Result<Vec<TenantId>> {
    let rows = association::Entity::find()
        .filter(association::Column::MsspTenantId.eq(mssp.0))
        .filter(association::Column::Status.eq(Status::Approved.as_str()))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|a| TenantId(a.msp_tenant_id))
        .collect())
}

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

/// Longest search text accepted.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Largest page.
pub const MAX_PER_PAGE: u64 = 100;

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
    let search = match query.search.as_deref().map(str::trim) {
        Some(text) if text.chars().count() > MAX_SEARCH_CHARS => {
            return Err(Error::Invalid(ParseError {
                field: "search",
                message: format!("Search text can be at most {MAX_SEARCH_CHARS} characters."),
            }));
        }
        Some(text) if !text.is_empty() => Some(text),
        _ => None,
    };
    if query.page == 0 || query.per_page == 0 || query.per_page > MAX_PER_PAGE {
        return Err(Error::Invalid(ParseError {
            field: "page",
            message: format!("Pages start at 1 and hold 1 to {MAX_PER_PAGE} rows."),
        }));
    }
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
        .offset((query.page - 1) * query.per_page)
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
