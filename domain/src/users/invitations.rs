//! Invitations: an owner invites staff by email; the email's link lets them choose their name
//! and password, once, within [`LIFETIME`]. Inviting the same address again replaces the
//! earlier link; the owner can withdraw an open invitation.

use super::team::require_owner;
use crate::audit::{self, Actor};
use crate::secret::Secret;
use crate::sessions::{self, SessionToken};
use crate::{Db, Error, Principal, Result, Scoped, passwords};
use chrono::{DateTime, Utc};
use entity::{invitation, tenant, user};
use portal_types::{Email, Password, PersonName, Role, TenantKind, TenantName};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};

/// How long an invitation link works.
pub const LIFETIME: chrono::Duration = chrono::Duration::days(7);

impl crate::scope::TenantOwned for invitation::Entity {
    fn tenant_column() -> Self::Column {
        invitation::Column::TenantId
    }
}

/// An invitation as the team list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct InvitationRow {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Invites `email` to the owner's tenant as `role`, and emails them the link.
pub async fn invite(
    scoped: &Scoped<'_>,
    email: &Email,
    role: Role,
    now: DateTime<Utc>,
) -> Result<i64> {
    let scope = scoped.scope();
    require_owner(scope)?;
    let me = scope.principal();
    let txn = scoped.db().begin_write().await?;
    let existing = scoped
        .own::<user::Entity>()
        .filter(user::Column::Email.eq(email.as_str()))
        .count(&txn)
        .await?;
    if existing > 0 {
        return Err(Error::Conflict(format!(
            "{email} is already a user of {}.",
            me.tenant_name
        )));
    }
    // A new link replaces any earlier one for the same address.
    scoped
        .update_own::<invitation::Entity>()
        .col_expr(invitation::Column::WithdrawnAt, Expr::value(now))
        .filter(invitation::Column::Email.eq(email.as_str()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::WithdrawnAt.is_null())
        .exec(&txn)
        .await?;
    let token = Secret::generate();
    let expires_at = now + LIFETIME;
    let id = invitation::Entity::insert(invitation::ActiveModel {
        tenant_id: Set(scope.tenant_id().0),
        email: Set(email.to_string()),
        role: Set(role.as_str().to_owned()),
        token_hash: Set(token.hash()),
        invited_by: Set(Some(me.user_id.0)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    let mail = crate::email::Message::Invitation {
        tenant_name: me.tenant_name.to_string(),
        inviter_name: me.display_name.clone(),
        role: role.as_str().to_owned(),
        token: token.expose().to_owned(),
        expires_at,
        logo: match me.tenant_kind {
            TenantKind::Mssp => me.branding.logo_light.clone(),
            TenantKind::Msp => None,
        },
    };
    crate::outbox::enqueue(&txn, email, &mail, now).await?;
    let details = serde_json::json!({ "role": role.as_str() });
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "user.invite",
        email.as_str(),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(id)
}

/// The owner's tenant's invitations still open at `now`, newest first.
pub async fn open(scoped: &Scoped<'_>, now: DateTime<Utc>) -> Result<Vec<InvitationRow>> {
    let rows = scoped
        .own::<invitation::Entity>()
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::WithdrawnAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .order_by_desc(invitation::Column::CreatedAt)
        .all(scoped.conn())
        .await?;
    rows.into_iter()
        .map(|row| {
            Ok(InvitationRow {
                id: row.id,
                role: row.role.parse().map_err(Error::Internal)?,
                email: row.email,
                created_at: row.created_at,
                expires_at: row.expires_at,
            })
        })
        .collect()
}

/// Withdraws an open invitation of the owner's tenant: its link stops working.
pub async fn withdraw(scoped: &Scoped<'_>, id: i64, now: DateTime<Utc>) -> Result<()> {
    let scope = scoped.scope();
    require_owner(scope)?;
    let txn = scoped.db().begin_write().await?;
    let row = scoped
        .own::<invitation::Entity>()
        .filter(invitation::Column::Id.eq(id))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::WithdrawnAt.is_null())
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    scoped
        .update_own::<invitation::Entity>()
        .col_expr(invitation::Column::WithdrawnAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "user.invite_withdraw",
        &row.email,
        serde_json::json!({}),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What an invitation link offers, for the page that accepts it.
#[derive(Debug, Clone, PartialEq)]
pub struct Offer {
    pub tenant_name: TenantName,
    pub email: Email,
    pub role: Role,
}

/// The open invitation `token` stands for. An unknown, used, withdrawn or expired link is
/// "not found": the page says the link no longer works.
pub async fn offer(db: &Db, token: &SessionToken, now: DateTime<Utc>) -> Result<Offer> {
    let (row, tenant) = open_by_token(db.conn(), token, now).await?;
    offer_of(&row, &tenant)
}

/// Accepts an invitation: the user is created with the invited role, the link is used up,
/// and a session starts for them.
pub async fn accept(
    db: &Db,
    token: &SessionToken,
    name: &PersonName,
    password: &Password,
    now: DateTime<Utc>,
) -> Result<(SessionToken, Principal)> {
    let password_hash = passwords::hash(password).await?;
    let txn = db.begin_write().await?;
    let (row, tenant) = open_by_token(&txn, token, now).await?;
    let offer = offer_of(&row, &tenant)?;
    let user_id = user::Entity::insert(user::ActiveModel {
        tenant_id: Set(row.tenant_id),
        email: Set(row.email.clone()),
        display_name: Set(name.to_string()),
        role: Set(row.role.clone()),
        password_hash: Set(password_hash),
        active: Set(true),
        created_at: Set(now),
        last_sign_in_at: Set(Some(now)),
        ..Default::default()
    })
    .exec(&txn)
    .await
    .map_err(|e| {
        Error::unique_as_conflict(
            e,
            format!(
                "{} is already a user of {}.",
                offer.email, offer.tenant_name
            ),
        )
    })?
    .last_insert_id;
    invitation::Entity::update_many()
        .col_expr(invitation::Column::AcceptedAt, Expr::value(now))
        .filter(invitation::Column::Id.eq(row.id))
        .exec(&txn)
        .await?;
    let actor = Actor::User {
        id: portal_types::UserId(user_id),
        email: row.email.clone(),
    };
    let details = serde_json::json!({ "role": row.role });
    audit::record(
        &txn,
        portal_types::TenantId(row.tenant_id),
        &actor,
        "user.join",
        &row.email,
        details,
    )
    .await?;
    let session = sessions::create(&txn, portal_types::UserId(user_id), now).await?;
    txn.commit().await?;
    let principal = sessions::resolve(db, &session, now)
        .await?
        .ok_or_else(|| Error::Internal("the new user's session is not there".into()))?;
    Ok((session, principal))
}

async fn open_by_token(
    conn: &impl sea_orm::ConnectionTrait,
    token: &SessionToken,
    now: DateTime<Utc>,
) -> Result<(invitation::Model, tenant::Model)> {
    let row = invitation::Entity::find()
        .filter(invitation::Column::TokenHash.eq(token.hash()))
        .filter(invitation::Column::AcceptedAt.is_null())
        .filter(invitation::Column::WithdrawnAt.is_null())
        .filter(invitation::Column::ExpiresAt.gt(now))
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    let tenant = tenant::Entity::find_by_id(row.tenant_id)
        .one(conn)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((row, tenant))
}

fn offer_of(row: &invitation::Model, tenant: &tenant::Model) -> Result<Offer> {
    let corrupt = |what: &str| Error::Internal(format!("stored invitation {what} is not valid"));
    Ok(Offer {
        tenant_name: TenantName::parse(&tenant.name).map_err(|_| corrupt("tenant"))?,
        email: Email::parse(&row.email).map_err(|_| corrupt("email"))?,
        role: row.role.parse().map_err(|_| corrupt("role"))?,
    })
}
