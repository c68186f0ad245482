//! Sign-in: the step that turns a tenant name, an email and a password into a session.
//!
//! This is the one place that looks a tenant up by name without a scope: no principal exists
//! yet. An unknown tenant, an unknown email, an inactive user and a wrong password all fail
//! the same way, in about the same time. Attempts are limited per client address (every
//! attempt counts) and per account (failures count; success clears them).

use crate::audit::{self, Actor};
use crate::sessions::{self, SessionToken};
use crate::throttle::{self, Limit};
use crate::{Db, Error, Principal, Result, passwords};
use chrono::{DateTime, Utc};
use entity::{tenant, user};
use portal_types::{Email, Password, TenantId, TenantName, UserId};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use std::time::Duration;

/// Sign-in attempts from one client address.
pub const PER_CLIENT: Limit = Limit {
    max: 30,
    window: Duration::from_secs(15 * 60),
};
/// Failed sign-ins for one account (tenant + email).
pub const PER_ACCOUNT: Limit = Limit {
    max: 5,
    window: Duration::from_secs(15 * 60),
};

/// What a browser sent.
#[derive(Debug)]
pub struct Credentials<'a> {
    pub tenant_name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
}

/// Checks credentials; on success starts a new session.
pub async fn sign_in(
    db: &Db,
    credentials: Credentials<'_>,
    client: &str,
    now: DateTime<Utc>,
) -> Result<(SessionToken, Principal)> {
    let tenant_name = TenantName::parse(credentials.tenant_name)?;
    let email = Email::parse(credentials.email)?;
    let password = Password::parse_attempt(credentials.password)?;

    throttle::count(db, &format!("signin-client:{client}"), PER_CLIENT, now).await?;
    let account_key = format!("signin-account:{}:{}", tenant_name.key(), email);
    throttle::check(db, &account_key, PER_ACCOUNT, now).await?;

    let found = find_account(db, &tenant_name, &email).await?;
    let stored_hash = found
        .as_ref()
        .filter(|(_, u)| u.active)
        .map(|(_, u)| u.password_hash.clone());
    let verified = passwords::verify(&password, stored_hash).await?;
    let (tenant, user) = match found {
        Some((tenant, user)) if verified && user.active => (tenant, user),
        _ => {
            throttle::count(db, &account_key, PER_ACCOUNT, now).await?;
            tracing::info!(tenant = %tenant_name, "sign-in failed");
            return Err(Error::SignInFailed);
        }
    };

    let txn = db.begin_write().await?;
    let token = sessions::create(&txn, UserId(user.id), now).await?;
    user::Entity::update(user::ActiveModel {
        id: Set(user.id),
        last_sign_in_at: Set(Some(now)),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let actor = Actor::User {
        id: UserId(user.id),
        email: user.email.clone(),
    };
    audit::record(
        &txn,
        TenantId(tenant.id),
        &actor,
        "user.sign_in",
        &user.email,
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    throttle::clear(db, &account_key).await?;

    let principal = Principal {
        user_id: UserId(user.id),
        tenant_id: TenantId(tenant.id),
        tenant_kind: tenant.kind.parse().map_err(Error::Internal)?,
        tenant_name: TenantName::parse(&tenant.name)?,
        email,
        display_name: user.display_name,
        role: user.role.parse().map_err(Error::Internal)?,
        branding: crate::branding::of_tenant(db.conn(), TenantId(tenant.id)).await?,
    };
    Ok((token, principal))
}

async fn find_account(
    db: &Db,
    tenant_name: &TenantName,
    email: &Email,
) -> Result<Option<(tenant::Model, user::Model)>> {
    let Some(tenant) = tenant::Entity::find()
        .filter(tenant::Column::NameKey.eq(tenant_name.key()))
        .one(db.conn())
        .await?
    else {
        return Ok(None);
    };
    let user = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.id))
        .filter(user::Column::Email.eq(email.as_str()))
        .one(db.conn())
        .await?;
    Ok(user.map(|user| (tenant, user)))
}

/// Ends the session of `token` and records it.
pub async fn sign_out(db: &Db, token: &SessionToken, principal: Option<&Principal>) -> Result<()> {
    sessions::revoke(db, token).await?;
    if let Some(p) = principal {
        let actor = Actor::User {
            id: p.user_id,
            email: p.email.to_string(),
        };
        audit::record(
            db.conn(),
            p.tenant_id,
            &actor,
            "user.sign_out",
            p.email.as_str(),
            serde_json::json!({}),
        )
        .await?;
    }
    Ok(())
}
