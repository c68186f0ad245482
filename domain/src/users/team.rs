//! A tenant's team: owners change roles and deactivate or reactivate users; everyone changes
//! their own name and password.
//!
//! Invariant: a tenant always has at least one active owner. Each change that could break it
//! runs in one write transaction that first locks the tenant's row (PostgreSQL; SQLite's
//! write transactions are serial already), then counts the active owners it would leave.

use crate::audit::{self, Actor};
use crate::{Error, Result, Scope, Scoped, passwords, sessions, throttle};
use chrono::{DateTime, Utc};
use entity::{session, tenant, user};
use portal_types::{Password, PersonName, Role, UserId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect,
};

/// Refuses anyone but an owner (users are the owner's to manage).
pub fn require_owner(scope: &Scope) -> Result<()> {
    if scope.principal().role == Role::Owner {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

/// Gives a user of the owner's tenant another role.
pub async fn set_role(scoped: &Scoped<'_>, id: UserId, role: Role) -> Result<()> {
    let change = change_member(scoped, id, user::Column::Role, role.as_str(), |u| {
        u.role == role.as_str()
    });
    let Some((txn, before)) = change.await? else {
        return Ok(());
    };
    let details = serde_json::json!({ "from": before.role, "to": role.as_str() });
    let scope = scoped.scope();
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "user.role",
        &before.email,
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Deactivates a user of the owner's tenant (their sessions end at once; they cannot sign in)
/// or reactivates them.
pub async fn set_active(scoped: &Scoped<'_>, id: UserId, active: bool) -> Result<()> {
    let change = change_member(scoped, id, user::Column::Active, active, |u| {
        u.active == active
    });
    let Some((txn, before)) = change.await? else {
        return Ok(());
    };
    if !active {
        session::Entity::delete_many()
            .filter(session::Column::UserId.eq(id.0))
            .exec(&txn)
            .await?;
    }
    let action = if active {
        "user.reactivate"
    } else {
        "user.deactivate"
    };
    let scope = scoped.scope();
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        action,
        &before.email,
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Sets `column` of a user of the owner's tenant to `value`, one owner change at a time (see
/// [`locked`]), refusing a change that would leave no active owner. Answers the open
/// transaction, for the caller to finish, and the user as they were; `None` when `unchanged`
/// says there is nothing to do.
async fn change_member(
    scoped: &Scoped<'_>,
    id: UserId,
    column: user::Column,
    value: impl Into<sea_orm::Value>,
    unchanged: impl Fn(&user::Model) -> bool,
) -> Result<Option<(DatabaseTransaction, user::Model)>> {
    require_owner(scoped.scope())?;
    let txn = locked(scoped).await?;
    let before = super::get_in(scoped, &txn, id).await?;
    if unchanged(&before) {
        return Ok(None);
    }
    scoped
        .update_own::<user::Entity>()
        .col_expr(column, Expr::value(value))
        .filter(user::Column::Id.eq(id.0))
        .exec(&txn)
        .await?;
    keeps_an_active_owner(scoped, &txn).await?;
    Ok(Some((txn, before)))
}

/// Changes the signed-in user's own name.
pub async fn rename_self(scoped: &Scoped<'_>, name: &PersonName) -> Result<()> {
    let scope = scoped.scope();
    let me = scope.principal();
    let txn = scoped.db().begin_write().await?;
    scoped
        .update_own::<user::Entity>()
        .col_expr(user::Column::DisplayName, Expr::value(name.as_str()))
        .filter(user::Column::Id.eq(me.user_id.0))
        .exec(&txn)
        .await?;
    let details = serde_json::json!({ "from": me.display_name, "to": name.as_str() });
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "user.rename",
        me.email.as_str(),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Failed current-password checks per user, as for sign-in.
const PASSWORD_CHECKS: throttle::Limit = crate::signin::PER_ACCOUNT;

/// Changes the signed-in user's own password, given the current one. Their other sessions
/// end; `keep` (the session making the change) stays signed in.
pub async fn change_password(
    scoped: &Scoped<'_>,
    current: &Password,
    new: &Password,
    keep: Option<&sessions::SessionToken>,
    now: DateTime<Utc>,
) -> Result<()> {
    let scope = scoped.scope();
    let me = scope.principal();
    let db = scoped.db();
    let key = format!("password-change:{}", me.user_id.0);
    throttle::check(db, &key, PASSWORD_CHECKS, now).await?;
    let stored = super::me(scoped).await?;
    if !passwords::verify(current, Some(stored.password_hash)).await? {
        throttle::count(db, &key, PASSWORD_CHECKS, now).await?;
        return Err(portal_types::ParseError::new(
            "current_password",
            "The current password is not right.",
        )
        .into());
    }
    let hash = passwords::hash(new).await?;
    let txn = db.begin_write().await?;
    scoped
        .update_own::<user::Entity>()
        .col_expr(user::Column::PasswordHash, Expr::value(hash))
        .filter(user::Column::Id.eq(me.user_id.0))
        .exec(&txn)
        .await?;
    let mut others =
        session::Entity::delete_many().filter(session::Column::UserId.eq(me.user_id.0));
    if let Some(keep) = keep {
        others = others.filter(session::Column::TokenHash.ne(keep.hash()));
    }
    others.exec(&txn).await?;
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "user.password",
        me.email.as_str(),
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    throttle::clear(db, &key).await?;
    Ok(())
}

/// A write transaction holding the scope's tenant row, so that changes to its owners are
/// decided one at a time.
async fn locked(scoped: &Scoped<'_>) -> Result<DatabaseTransaction> {
    let txn = scoped.db().begin_write().await?;
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        tenant::Entity::find_by_id(scoped.scope().tenant_id().0)
            .select_only()
            .column(tenant::Column::Id)
            .lock_exclusive()
            .into_tuple::<i64>()
            .one(&txn)
            .await?;
    }
    Ok(txn)
}

/// Refuses (rolling back) a change that would leave the tenant without an active owner.
async fn keeps_an_active_owner(scoped: &Scoped<'_>, txn: &DatabaseTransaction) -> Result<()> {
    let owners = scoped
        .own::<user::Entity>()
        .filter(user::Column::Role.eq(Role::Owner.as_str()))
        .filter(user::Column::Active.eq(true))
        .count(txn)
        .await?;
    if owners == 0 {
        return Err(Error::Conflict(
            "There must always be at least one active owner; make someone else an owner first."
                .into(),
        ));
    }
    Ok(())
}
