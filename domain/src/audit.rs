//! The audit trail: append-only. This module has no update or delete.

use crate::{Result, Scoped};
use chrono::Utc;
use entity::audit_event;
use portal_types::{TenantId, UserId};
use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, QueryOrder, QuerySelect};

/// Who caused an event.
#[derive(Debug, Clone)]
pub enum Actor {
    User {
        id: UserId,
        email: String,
    },
    /// The operator, from the command line.
    Operator,
    System,
}

impl Actor {
    fn parts(&self) -> (Option<i64>, String) {
        match self {
            Self::User { id, email } => (Some(id.0), email.clone()),
            Self::Operator => (None, "operator (cli)".to_owned()),
            Self::System => (None, "system".to_owned()),
        }
    }
}

/// Appends an event to `tenant`'s trail, inside the caller's transaction.
pub async fn record(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    actor: &Actor,
    action: &str,
    target: &str,
    details: serde_json::Value,
) -> Result<()> {
    let (actor_user_id, actor_label) = actor.parts();
    audit_event::Entity::insert(audit_event::ActiveModel {
        tenant_id: Set(tenant.0),
        actor_user_id: Set(actor_user_id),
        actor_label: Set(actor_label),
        action: Set(action.to_owned()),
        target: Set(target.to_owned()),
        details: Set(details.to_string()),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    Ok(())
}

/// An event as services hand them out.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub tenant: TenantId,
    pub at: chrono::DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
}

/// The newest `limit` events of the scope's own trail, newest first.
pub async fn recent(scoped: &Scoped<'_>, limit: u64) -> Result<Vec<Event>> {
    let rows = scoped
        .own::<audit_event::Entity>()
        .order_by_desc(audit_event::Column::Id)
        .limit(limit)
        .all(scoped.conn())
        .await?;
    Ok(rows
        .into_iter()
        .map(|e| Event {
            tenant: TenantId(e.tenant_id),
            at: e.created_at,
            actor: e.actor_label,
            action: e.action,
            target: e.target,
        })
        .collect())
}
