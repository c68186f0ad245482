//! Enrollment tokens and agents.
//!
//! An MSP admin issues an enrollment token for one company; it is shown once and stored as a
//! hash, expires, and can be revoked. An agent trades a live token for its own secret (also
//! shown once, stored hashed) and from then on authenticates with that secret, which resolves
//! into an [`AgentScope`]: the agent's one company. Enrolling counts the agent in its company's
//! roll-up in the same transaction.

use crate::audit::{self, Actor};
use crate::companies::own_company;
use crate::rollups::{self, Delta};
use crate::scope::{AgentScope, CompanyOwned, TenantOwned};
use crate::secret::Secret;
use crate::{Db, Error, Result, Scoped};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use entity::{agent, company, enrollment_token, tenant};
use portal_types::{
    AgentKind, AgentVersion, CompanyName, Hostname, TenantId, TenantKind, TenantName,
};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

impl TenantOwned for enrollment_token::Entity {
    fn tenant_column() -> Self::Column {
        enrollment_token::Column::TenantId
    }
}

impl TenantOwned for agent::Entity {
    fn tenant_column() -> Self::Column {
        agent::Column::TenantId
    }
}

impl CompanyOwned for agent::Entity {
    fn company_column() -> Self::Column {
        agent::Column::CompanyId
    }
}

/// How long a new enrollment token stays valid, in days (1 to 365).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidDays(u16);

impl ValidDays {
    pub const DEFAULT: Self = Self(7);
    pub const MAX: u16 = 365;

    pub fn new(days: u32) -> Result<Self> {
        match u16::try_from(days) {
            Ok(days) if (1..=Self::MAX).contains(&days) => Ok(Self(days)),
            _ => Err(portal_types::ParseError::new(
                "expires_in_days",
                format!("A token is valid for 1 to {} days.", Self::MAX),
            )
            .into()),
        }
    }

    fn duration(self) -> Duration {
        Duration::days(i64::from(self.0))
    }
}

/// A token just issued: its row, and the secret to hand over once.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: enrollment_token::Model,
    pub secret: Secret,
}

/// Whether a token can still enroll agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenState {
    Active,
    Expired,
    Revoked,
}

pub fn token_state(token: &enrollment_token::Model, now: DateTime<Utc>) -> TokenState {
    if token.revoked_at.is_some() {
        TokenState::Revoked
    } else if token.expires_at <= now {
        TokenState::Expired
    } else {
        TokenState::Active
    }
}

/// Issues an enrollment token for one of the caller's companies (MSP owners and admins).
pub async fn issue_token(
    scoped: &Scoped<'_>,
    company_id: i64,
    valid: ValidDays,
) -> Result<IssuedToken> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Msp)?;
    scope.require_write()?;
    let txn = scoped.db().begin_write().await?;
    let company = own_company(scoped, &txn, company_id).await?;
    let actor = Actor::of(scope);
    let issued = insert_token(
        &txn,
        &company,
        Some(scope.principal().user_id.0),
        valid,
        &actor,
    )
    .await?;
    txn.commit().await?;
    Ok(issued)
}

/// Issues an enrollment token as the operator, naming the MSP tenant and the company
/// (for scripted roll-outs from the command line).
pub async fn issue_token_as_operator(
    db: &Db,
    tenant_name: &TenantName,
    company_name: &CompanyName,
    valid: ValidDays,
) -> Result<IssuedToken> {
    let txn = db.begin_write().await?;
    let tenant = tenant::Entity::find()
        .filter(tenant::Column::NameKey.eq(tenant_name.key()))
        .filter(tenant::Column::Kind.eq(TenantKind::Msp.as_str()))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let company = company::Entity::find()
        .filter(company::Column::TenantId.eq(tenant.id))
        .filter(company::Column::NameKey.eq(company_name.key()))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    let issued = insert_token(&txn, &company, None, valid, &Actor::Operator).await?;
    txn.commit().await?;
    Ok(issued)
}

async fn insert_token(
    txn: &sea_orm::DatabaseTransaction,
    company: &company::Model,
    created_by: Option<i64>,
    valid: ValidDays,
    actor: &Actor,
) -> Result<IssuedToken> {
    let now = Utc::now().trunc_subsecs(6);
    let secret = Secret::generate();
    let token = enrollment_token::Entity::insert(enrollment_token::ActiveModel {
        tenant_id: Set(company.tenant_id),
        company_id: Set(company.id),
        token_hash: Set(secret.hash()),
        created_by_user_id: Set(created_by),
        created_at: Set(now),
        expires_at: Set(now + valid.duration()),
        revoked_at: Set(None),
        last_used_at: Set(None),
        uses: Set(0),
        ..Default::default()
    })
    .exec_with_returning(txn)
    .await?;
    let details = serde_json::json!({ "company_id": company.id, "token_id": token.id, "expires_at": token.expires_at });
    audit::record(
        txn,
        TenantId(company.tenant_id),
        actor,
        "enrollment_token.create",
        &company.name,
        details,
    )
    .await?;
    Ok(IssuedToken { token, secret })
}

/// Revokes one of the caller's enrollment tokens; agents already enrolled keep working.
/// Revoking a revoked token changes nothing.
pub async fn revoke_token(scoped: &Scoped<'_>, token_id: i64) -> Result<()> {
    let scope = scoped.scope();
    scope.require_kind(TenantKind::Msp)?;
    scope.require_write()?;
    let txn = scoped.db().begin_write().await?;
    let token = scoped
        .own::<enrollment_token::Entity>()
        .filter(enrollment_token::Column::Id.eq(token_id))
        .one(&txn)
        .await?
        .ok_or(Error::NotFound)?;
    if token.revoked_at.is_some() {
        return Ok(());
    }
    let company = own_company(scoped, &txn, token.company_id).await?;
    scoped
        .update_own::<enrollment_token::Entity>()
        .filter(enrollment_token::Column::Id.eq(token_id))
        .col_expr(
            enrollment_token::Column::RevokedAt,
            Expr::value(Utc::now().trunc_subsecs(6)),
        )
        .exec(&txn)
        .await?;
    let details = serde_json::json!({ "company_id": company.id, "token_id": token_id });
    audit::record(
        &txn,
        scope.tenant_id(),
        &Actor::of(scope),
        "enrollment_token.revoke",
        &company.name,
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// A company's enrollment tokens, newest first (readable by whoever may read the company).
pub async fn tokens(scoped: &Scoped<'_>, company_id: i64) -> Result<Vec<enrollment_token::Model>> {
    Ok(scoped
        .visible::<enrollment_token::Entity>()
        .filter(enrollment_token::Column::CompanyId.eq(company_id))
        .order_by_desc(enrollment_token::Column::CreatedAt)
        .order_by_desc(enrollment_token::Column::Id)
        .all(scoped.conn())
        .await?)
}

/// A company's agents, by hostname.
pub async fn list(scoped: &Scoped<'_>, company_id: i64) -> Result<Vec<agent::Model>> {
    Ok(scoped
        .visible::<agent::Entity>()
        .filter(agent::Column::CompanyId.eq(company_id))
        .order_by_asc(agent::Column::Hostname)
        .order_by_asc(agent::Column::Id)
        .all(scoped.conn())
        .await?)
}

/// What an agent says about itself when it enrolls.
#[derive(Debug, Clone)]
pub struct Enrollment {
    pub kind: AgentKind,
    pub hostname: Hostname,
    pub version: AgentVersion,
}

/// A new agent: its scope, and the secret it authenticates with from now on (shown once).
#[derive(Debug, Clone)]
pub struct Enrolled {
    pub agent: AgentScope,
    pub secret: Secret,
}

/// Why a credential was refused. The holder of a token may learn which: it helps whoever
/// rolls agents out, and tells nothing to someone without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    UnknownToken,
    ExpiredToken,
    RevokedToken,
    UnknownSecret,
}

impl Refused {
    pub fn message(self) -> &'static str {
        match self {
            Self::UnknownToken => "The enrollment token is not valid.",
            Self::ExpiredToken => {
                "The enrollment token has expired; ask the MSP admin for a new one."
            }
            Self::RevokedToken => {
                "The enrollment token was revoked; ask the MSP admin for a new one."
            }
            Self::UnknownSecret => "The agent secret is not valid.",
        }
    }
}

/// Trades a live enrollment token for a new agent of the token's company.
pub async fn enroll(db: &Db, token: &str, enrollment: &Enrollment) -> Result<Enrolled> {
    let refused = Error::Refused;
    let token = Secret::parse(token).ok_or(refused(Refused::UnknownToken))?;
    let now = Utc::now().trunc_subsecs(6);
    let txn = db.begin_write().await?;
    let row = enrollment_token::Entity::find()
        .filter(enrollment_token::Column::TokenHash.eq(token.hash()))
        .one(&txn)
        .await?
        .ok_or(refused(Refused::UnknownToken))?;
    match token_state(&row, now) {
        TokenState::Active => {}
        TokenState::Expired => return Err(refused(Refused::ExpiredToken)),
        TokenState::Revoked => return Err(refused(Refused::RevokedToken)),
    }
    let secret = Secret::generate();
    let agent_id = agent::Entity::insert(agent::ActiveModel {
        tenant_id: Set(row.tenant_id),
        company_id: Set(row.company_id),
        kind: Set(enrollment.kind.as_str().to_owned()),
        hostname: Set(enrollment.hostname.to_string()),
        version: Set(enrollment.version.to_string()),
        secret_hash: Set(secret.hash()),
        enrollment_token_id: Set(Some(row.id)),
        enrolled_at: Set(now),
        last_seen_at: Set(now),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    enrollment_token::Entity::update_many()
        .filter(enrollment_token::Column::Id.eq(row.id))
        .col_expr(
            enrollment_token::Column::Uses,
            Expr::col(enrollment_token::Column::Uses).add(1),
        )
        .col_expr(enrollment_token::Column::LastUsedAt, Expr::value(now))
        .exec(&txn)
        .await?;
    rollups::apply(&txn, row.company_id, &Delta::agent(enrollment.kind, 1), now).await?;
    let details = serde_json::json!({
        "company_id": row.company_id,
        "agent_id": agent_id,
        "kind": enrollment.kind.as_str(),
        "token_id": row.id,
    });
    audit::record(
        &txn,
        TenantId(row.tenant_id),
        &Actor::System,
        "agent.enroll",
        enrollment.hostname.as_str(),
        details,
    )
    .await?;
    txn.commit().await?;
    Ok(Enrolled {
        agent: AgentScope {
            agent_id,
            tenant_id: TenantId(row.tenant_id),
            company_id: row.company_id,
            kind: enrollment.kind,
        },
        secret,
    })
}

/// Resolves an agent's secret into its scope.
pub async fn authenticate(db: &Db, secret: &str) -> Result<AgentScope> {
    let refused = || Error::Refused(Refused::UnknownSecret);
    let secret = Secret::parse(secret).ok_or_else(refused)?;
    let row = agent::Entity::find()
        .filter(agent::Column::SecretHash.eq(secret.hash()))
        .one(db.conn())
        .await?
        .ok_or_else(refused)?;
    let kind = row
        .kind
        .parse()
        .map_err(|e: String| Error::Internal(format!("agent {}: {e}", row.id)))?;
    Ok(AgentScope {
        agent_id: row.id,
        tenant_id: TenantId(row.tenant_id),
        company_id: row.company_id,
        kind,
    })
}

/// Records that the agent is alive (and, if it says so, its new version), inside the
/// caller's transaction.
pub async fn heartbeat(
    conn: &impl sea_orm::ConnectionTrait,
    agent: &AgentScope,
    version: Option<&AgentVersion>,
) -> Result<DateTime<Utc>> {
    let now = Utc::now().trunc_subsecs(6);
    let mut update = agent
        .update_own::<agent::Entity>()
        .filter(agent::Column::Id.eq(agent.agent_id))
        .col_expr(agent::Column::LastSeenAt, Expr::value(now));
    if let Some(version) = version {
        update = update.col_expr(agent::Column::Version, Expr::value(version.as_str()));
    }
    let result = update.exec(conn).await?;
    if result.rows_affected == 0 {
        // Deleted (with its company) since it authenticated.
        return Err(Error::Refused(Refused::UnknownSecret));
    }
    Ok(now)
}

/// An agent counts as online when it was heard from within this long.
pub const ONLINE_WITHIN: Duration = Duration::minutes(15);

pub fn is_online(agent: &agent::Model, now: DateTime<Utc>) -> bool {
    now - agent.last_seen_at <= ONLINE_WITHIN
}
