//! Tenants, as the operator manages them from the command line.
//!
//! Creating a tenant is an operator action, outside any tenant's scope: it creates the tenant
//! and its first user (an owner) in one transaction, with an audit event.

use crate::audit::{self, Actor};
use crate::{Db, Error, Result, passwords};
use chrono::Utc;
use entity::{tenant, user};
use portal_types::{Email, Password, Role, TenantId, TenantKind, TenantName, UserId};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

/// A tenant with its first owner.
#[derive(Debug)]
pub struct NewTenant {
    pub kind: TenantKind,
    pub name: TenantName,
    pub owner_email: Email,
    pub owner_name: String,
    pub owner_password: Password,
}

/// Creates a tenant and its owner. A name already taken (in any letter case) is a conflict.
pub async fn create(db: &Db, new: NewTenant) -> Result<(TenantId, UserId)> {
    let password_hash = passwords::hash(&new.owner_password).await?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let tenant_id = tenant::Entity::insert(tenant::ActiveModel {
        kind: Set(new.kind.as_str().to_owned()),
        name: Set(new.name.to_string()),
        name_key: Set(new.name.key()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| {
        Error::unique_as_conflict(
            e,
            format!("A tenant named \"{}\" already exists.", new.name),
        )
    })?
    .last_insert_id;
    let user_id = user::Entity::insert(user::ActiveModel {
        tenant_id: Set(tenant_id),
        email: Set(new.owner_email.to_string()),
        display_name: Set(new.owner_name.clone()),
        role: Set(Role::Owner.as_str().to_owned()),
        password_hash: Set(password_hash),
        active: Set(true),
        created_at: Set(now),
        last_sign_in_at: Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let details =
        serde_json::json!({ "kind": new.kind.as_str(), "owner": new.owner_email.as_str() });
    audit::record(
        &txn,
        TenantId(tenant_id),
        &Actor::Operator,
        "tenant.create",
        new.name.as_str(),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok((TenantId(tenant_id), UserId(user_id)))
}

/// Finds a tenant by name, case-insensitively. Operator use only.
pub async fn find_by_name(db: &Db, name: &TenantName) -> Result<Option<tenant::Model>> {
    Ok(tenant::Entity::find()
        .filter(tenant::Column::NameKey.eq(name.key()))
        .one(db.conn())
        .await?)
}

/// How many tenants exist (to tell an empty database).
pub async fn count(db: &Db) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(tenant::Entity::find().count(db.conn()).await?)
}
