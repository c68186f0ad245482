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
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select,
};

/// The product guide's messages for Add MSP.
pub const ALREADY_ASSOCIATED: &str = "Tenant already associated to mssp";
pub const NOT_FOUND: &str = "Email ID or Tenant Name not found";

/// Days a pending request waits for a decision unless the operator sets otherwise
/// ([`Db::with_request_expiry_days`]).
pub const DEFAULT_EXPIRY_DAYS: i64 = 14;

pub use portal_types::AssociationStatus as Status;

mod listing;
pub use listing::*;

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
        logo: scope.principal().branding.logo_light.clone(),
    };
    crate::outbox::enqueue(&txn, &email, &mail, now).await?;
    let details =
        serde_json::json!({ "association": row.id, "msp": msp.name, "admin": email.as_str() });
    audit_both(
        &txn,
        &row,
        &Actor::of(scope),
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
        logo: scope.principal().branding.logo_light.clone(),
    };
    crate::outbox::enqueue(&txn, &recipient, &mail, now).await?;
    let details = serde_json::json!({ "association": id, "admin": row.requested_email });
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
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
        &Actor::of(scope),
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
