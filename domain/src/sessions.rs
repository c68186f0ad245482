//! Database-backed sessions.
//!
//! The browser holds a random 256-bit token; the database holds its SHA-256, so a copy of the
//! table signs nobody in. A session ends after [`IDLE`] without a request or [`ABSOLUTE`] after
//! sign-in, whichever comes first, or when its user is deactivated. A new token is issued at
//! every sign-in (the old one, if any, is deleted), so a planted id never becomes a session.

use crate::{Db, Principal, Result, Scope};
use chrono::{DateTime, Utc};
use entity::{session, tenant, user, white_label};
use portal_types::{Email, TenantId, TenantName, UserId};
use sea_orm::sea_query::{Expr, QueryStatementBuilder};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    JoinType, QueryFilter, QuerySelect, RelationTrait,
};
use std::time::Duration;

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::from_secs(30 * 60);
/// A session ends this long after sign-in, however active.
pub const ABSOLUTE: Duration = Duration::from_secs(12 * 60 * 60);
/// `last_seen_at` is written at most this often, so reads stay reads.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// The secret the browser holds in its session cookie.
pub type SessionToken = crate::secret::Secret;

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

/// Starts a session for `user`, inside the caller's transaction.
pub async fn create(
    conn: &impl ConnectionTrait,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<SessionToken> {
    let token = SessionToken::generate();
    session::Entity::insert(session::ActiveModel {
        token_hash: Set(token.hash()),
        user_id: Set(user.0),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + chrono_duration(ABSOLUTE)),
    })
    .exec_without_returning(conn)
    .await?;
    Ok(token)
}

#[derive(Debug, FromQueryResult)]
struct SessionRow {
    user_id: i64,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    tenant_id: i64,
    email: String,
    display_name: String,
    role: String,
    active: bool,
    tenant_name: String,
    tenant_kind: String,
    page_title: Option<String>,
    footer_content: Option<String>,
    logo_light: Option<String>,
    logo_dark: Option<String>,
    /// The MSPs that approved the user's tenant, read in the same statement (see
    /// [`crate::scope`]).
    approved_msps: Option<String>,
}

/// The principal of a live session at `now`, touching it; `None` for an unknown, expired or
/// deactivated session (which is deleted).
pub async fn resolve(
    db: &Db,
    token: &SessionToken,
    now: DateTime<Utc>,
) -> Result<Option<Principal>> {
    Ok(resolve_scope(db, token, now)
        .await?
        .map(Scope::into_principal))
}

/// The scope of a live session at `now`, as [`resolve`] finds its principal: one statement
/// reads the session, its user, tenant and white label, and the MSPs that approved the tenant,
/// so a signed-in request asks the database once before its page or function runs.
pub async fn resolve_scope(
    db: &Db,
    token: &SessionToken,
    now: DateTime<Utc>,
) -> Result<Option<Scope>> {
    let hash = token.hash();
    let approved = crate::scope::approved_msps_list(
        db.conn().get_database_backend(),
        Expr::col((user::Entity, user::Column::TenantId)),
    );
    let row = session::Entity::find()
        .filter(session::Column::TokenHash.eq(hash.clone()))
        .select_only()
        .columns([
            session::Column::UserId,
            session::Column::LastSeenAt,
            session::Column::ExpiresAt,
        ])
        .join(JoinType::InnerJoin, session::Relation::User.def())
        .join(JoinType::InnerJoin, user::Relation::Tenant.def())
        .columns([
            user::Column::TenantId,
            user::Column::Email,
            user::Column::DisplayName,
            user::Column::Role,
            user::Column::Active,
        ])
        .column_as(tenant::Column::Name, "tenant_name")
        .column_as(tenant::Column::Kind, "tenant_kind")
        // The tenant's white label comes with the session: every page's shell shows it.
        .join(
            JoinType::LeftJoin,
            user::Entity::belongs_to(white_label::Entity)
                .from(user::Column::TenantId)
                .to(white_label::Column::TenantId)
                .into(),
        )
        .columns([
            white_label::Column::PageTitle,
            white_label::Column::FooterContent,
            white_label::Column::LogoLight,
            white_label::Column::LogoDark,
        ])
        .expr_as(
            Expr::SubQuery(None, Box::new(approved.into_sub_query_statement())),
            "approved_msps",
        )
        .into_model::<SessionRow>()
        .one(db.conn())
        .await?;
    let Some(mut row) = row else { return Ok(None) };

    let idle_deadline = row.last_seen_at + chrono_duration(IDLE);
    if !row.active || now >= row.expires_at || now >= idle_deadline {
        session::Entity::delete_by_id(hash).exec(db.conn()).await?;
        return Ok(None);
    }
    if now - row.last_seen_at >= TOUCH_EVERY {
        session::Entity::update_many()
            .col_expr(
                session::Column::LastSeenAt,
                sea_orm::sea_query::Expr::value(now),
            )
            .filter(session::Column::TokenHash.eq(hash))
            .exec(db.conn())
            .await?;
    }
    let approved_msps = crate::scope::parse_id_list(row.approved_msps.take())?;
    Ok(Some(Scope::new(principal_from_row(row)?, approved_msps)))
}

fn principal_from_row(row: SessionRow) -> Result<Principal> {
    let corrupt = |what: &str| crate::Error::Internal(format!("stored {what} is not valid"));
    Ok(Principal {
        user_id: UserId(row.user_id),
        tenant_id: TenantId(row.tenant_id),
        tenant_kind: row
            .tenant_kind
            .parse()
            .map_err(|_| corrupt("tenant kind"))?,
        tenant_name: TenantName::parse(&row.tenant_name).map_err(|_| corrupt("tenant name"))?,
        email: Email::parse(&row.email).map_err(|_| corrupt("email"))?,
        display_name: row.display_name,
        role: row.role.parse().map_err(|_| corrupt("role"))?,
        branding: crate::branding::from_columns(
            row.page_title,
            row.footer_content,
            row.logo_light,
            row.logo_dark,
        )?,
    })
}

/// Ends a session (sign-out). Unknown tokens are fine: the result is the same.
pub async fn revoke(db: &Db, token: &SessionToken) -> Result<()> {
    session::Entity::delete_by_id(token.hash())
        .exec(db.conn())
        .await?;
    Ok(())
}

/// Deletes every expired session; returns how many. Run periodically.
pub async fn purge_expired(db: &Db, now: DateTime<Utc>) -> Result<u64> {
    let idle_cutoff = now - chrono_duration(IDLE);
    let result = session::Entity::delete_many()
        .filter(
            Condition::any()
                .add(session::Column::ExpiresAt.lte(now))
                .add(session::Column::LastSeenAt.lte(idle_cutoff)),
        )
        .exec(db.conn())
        .await?;
    Ok(result.rows_affected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_only_in_the_shape_we_issue() {
        let token = SessionToken::generate();
        assert_eq!(SessionToken::parse(token.expose()), Some(token.clone()));
        assert!(SessionToken::parse("").is_none());
        assert!(SessionToken::parse("short").is_none());
        assert!(SessionToken::parse(&"a".repeat(44)).is_none());
        assert!(SessionToken::parse(&format!("{}=", "a".repeat(42))).is_none());
        assert!(SessionToken::parse(&"é".repeat(22)).is_none());
        assert_eq!(format!("{token:?}"), "Secret(<redacted>)");
        assert_eq!(token.hash().len(), 64);
    }
}
