//! Users: the operator adds them from the command line, owners invite them
//! ([`invitations`]) and manage them ([`team`]); a signed-in user reads their own record
//! through the scope.

pub mod invitations;
pub mod team;

use crate::audit::{self, Actor};
use crate::{Db, Error, Result, Scoped, passwords, tenants};
use chrono::Utc;
use entity::user;
use portal_types::{Email, Password, Role, TenantId, TenantName, UserId};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

/// A user to add to an existing tenant.
#[derive(Debug)]
pub struct NewUser {
    pub tenant: TenantName,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub password: Password,
}

/// Adds a user (operator action). An email already in that tenant is a conflict; an unknown
/// tenant is not found.
pub async fn add(db: &Db, new: NewUser) -> Result<UserId> {
    let tenant = tenants::find_by_name(db, &new.tenant)
        .await?
        .ok_or(Error::NotFound)?;
    let password_hash = passwords::hash(&new.password).await?;
    let txn = db.begin_write().await?;
    let id = user::Entity::insert(user::ActiveModel {
        tenant_id: Set(tenant.id),
        email: Set(new.email.to_string()),
        display_name: Set(new.display_name.clone()),
        role: Set(new.role.as_str().to_owned()),
        password_hash: Set(password_hash),
        active: Set(true),
        created_at: Set(Utc::now()),
        last_sign_in_at: Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| {
        Error::unique_as_conflict(
            e,
            format!("{} is already a user of {}.", new.email, new.tenant),
        )
    })?
    .last_insert_id;
    let details = serde_json::json!({ "role": new.role.as_str() });
    audit::record(
        &txn,
        TenantId(tenant.id),
        &Actor::Operator,
        "user.add",
        new.email.as_str(),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(UserId(id))
}

/// The signed-in user's own record, read through the scope.
pub async fn me(scoped: &Scoped<'_>) -> Result<user::Model> {
    scoped
        .own::<user::Entity>()
        .filter(user::Column::Id.eq(scoped.scope().principal().user_id.0))
        .one(scoped.conn())
        .await?
        .ok_or(Error::NotFound)
}

/// One user of the scope's own tenant, by id; another tenant's user is not found.
pub async fn get(scoped: &Scoped<'_>, id: UserId) -> Result<user::Model> {
    get_in(scoped, scoped.conn(), id).await
}

/// [`get`], read through `conn` (the caller's transaction).
async fn get_in(
    scoped: &Scoped<'_>,
    conn: &impl sea_orm::ConnectionTrait,
    id: UserId,
) -> Result<user::Model> {
    scoped
        .own::<user::Entity>()
        .filter(user::Column::Id.eq(id.0))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)
}

/// A user as services hand them out (no password hash).
#[derive(Debug, Clone, PartialEq)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub last_sign_in_at: Option<chrono::DateTime<Utc>>,
}

/// Every user of the scope's own tenant, by email.
pub async fn list(scoped: &Scoped<'_>) -> Result<Vec<UserRow>> {
    let rows = scoped
        .own::<user::Entity>()
        .order_by_asc(user::Column::Email)
        .all(scoped.conn())
        .await?;
    rows.into_iter()
        .map(|u| {
            Ok(UserRow {
                id: UserId(u.id),
                role: u.role.parse().map_err(Error::Internal)?,
                email: u.email,
                display_name: u.display_name,
                active: u.active,
                last_sign_in_at: u.last_sign_in_at,
            })
        })
        .collect()
}
