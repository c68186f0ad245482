//! The audit trail: append-only. This module has no update or delete.
//!
//! Reading it: [`recent`] for an overview, [`page`] for the filtered, paginated audit log,
//! [`export`] for a download in keyset batches, [`actions`] for the filter's choices. Every read
//! goes through [`Scoped::own`]: a tenant sees its own trail, never another's (an MSSP does not
//! see its MSPs' trails either; each side records its own copy of a shared event).

use crate::{Db, Error, Result, Scope, Scoped};
use chrono::{DateTime, Utc};
use entity::audit_event;
use portal_types::{ParseError, TenantId, UserId};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Select,
};

pub use portal_types::AuditFilter;

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
    /// The signed-in user of `scope`.
    pub fn of(scope: &crate::Scope) -> Self {
        let p = scope.principal();
        Self::User {
            id: p.user_id,
            email: p.email.to_string(),
        }
    }

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

/// Most rows one page of the audit log holds.
pub const MAX_PER_PAGE: u64 = 100;
/// Rows an export reads per query.
pub const EXPORT_BATCH: u64 = 1000;

/// One event of the audit log, with the reason pulled out of its details when there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// `details.reason`, for decisions that carry one.
    pub reason: Option<String>,
    /// The details as recorded: a JSON object as text.
    pub details: String,
}

impl From<audit_event::Model> for AuditRow {
    fn from(event: audit_event::Model) -> Self {
        let reason = serde_json::from_str::<serde_json::Value>(&event.details)
            .ok()
            .and_then(|details| details.get("reason")?.as_str().map(str::to_owned))
            .filter(|reason| !reason.is_empty());
        Self {
            id: event.id,
            at: event.created_at,
            actor: event.actor_label,
            action: event.action,
            target: event.target,
            reason,
            details: event.details,
        }
    }
}

/// One page of the audit log and how many events match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditPage {
    pub rows: Vec<AuditRow>,
    pub total: u64,
}

/// Page `page` (from 1) of the scope's own events matching `filter`, newest first.
/// `per_page` is held to 1..=[`MAX_PER_PAGE`]. A page past the end is empty, with the total.
pub async fn page(
    scoped: &Scoped<'_>,
    filter: &AuditFilter,
    page: i64,
    per_page: i64,
) -> Result<AuditPage> {
    filter.validate()?;
    if page < 1 {
        return Err(Error::Invalid(ParseError::new(
            "page",
            "Page numbers start at 1.",
        )));
    }
    let per_page = u64::try_from(per_page).unwrap_or(0).clamp(1, MAX_PER_PAGE);
    let query = filtered(scoped, filter);
    let total = query.clone().count(scoped.conn()).await?;
    let offset = u64::try_from(page - 1)
        .ok()
        .and_then(|p| p.checked_mul(per_page))
        .filter(|offset| *offset < total);
    let Some(offset) = offset else {
        return Ok(AuditPage {
            rows: Vec::new(),
            total,
        });
    };
    let rows = newest_first(query)
        .offset(offset)
        .limit(per_page)
        .all(scoped.conn())
        .await?;
    Ok(AuditPage {
        rows: rows.into_iter().map(AuditRow::from).collect(),
        total,
    })
}

/// The distinct actions in the scope's own trail, in byte order (the same on every engine,
/// whatever the database's collation): the filter's choices.
pub async fn actions(scoped: &Scoped<'_>) -> Result<Vec<String>> {
    let mut actions = scoped
        .own::<audit_event::Entity>()
        .select_only()
        .column(audit_event::Column::Action)
        .distinct()
        .into_tuple::<String>()
        .all(scoped.conn())
        .await?;
    actions.sort();
    Ok(actions)
}

/// Starts an export of the scope's own events matching `filter`, newest first. The filter is
/// checked here, before anything is sent; [`Export::next_batch`] then reads
/// [`EXPORT_BATCH`] rows at a time, so the trail is never in memory at once.
pub async fn export(scoped: &Scoped<'_>, filter: &AuditFilter) -> Result<Export> {
    filter.validate()?;
    Ok(Export {
        db: scoped.db().clone(),
        scope: scoped.scope().clone(),
        filter: filter.clone(),
        after: None,
        done: false,
    })
}

/// An export under way: owns what it needs, so a streaming response can hold it.
pub struct Export {
    db: Db,
    scope: Scope,
    filter: AuditFilter,
    /// The (time, id) of the last row handed out: the next batch starts after it.
    after: Option<(DateTime<Utc>, i64)>,
    done: bool,
}

impl Export {
    /// The next batch of rows, or `None` when the export is complete.
    pub async fn next_batch(&mut self) -> Result<Option<Vec<AuditRow>>> {
        if self.done {
            return Ok(None);
        }
        let scoped = self.db.scoped(&self.scope);
        let mut query = newest_first(filtered(&scoped, &self.filter));
        if let Some((at, id)) = self.after {
            query = query.filter(
                Condition::any()
                    .add(audit_event::Column::CreatedAt.lt(at))
                    .add(
                        Condition::all()
                            .add(audit_event::Column::CreatedAt.eq(at))
                            .add(audit_event::Column::Id.lt(id)),
                    ),
            );
        }
        let rows = query.limit(EXPORT_BATCH).all(scoped.conn()).await?;
        if (rows.len() as u64) < EXPORT_BATCH {
            self.done = true;
        }
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        self.after = Some((last.created_at, last.id));
        Ok(Some(rows.into_iter().map(AuditRow::from).collect()))
    }
}

/// The scope's own events, narrowed by `filter` (already validated).
fn filtered(scoped: &Scoped<'_>, filter: &AuditFilter) -> Select<audit_event::Entity> {
    let mut query = scoped.own::<audit_event::Entity>();
    if let Some(action) = &filter.action {
        query = if filter.action_is_prefix() {
            query.filter(crate::like::starts_with(
                (audit_event::Entity, audit_event::Column::Action),
                action,
            ))
        } else {
            query.filter(audit_event::Column::Action.eq(action.as_str()))
        };
    }
    if let Some(text) = &filter.text {
        let contains = |column: audit_event::Column| {
            crate::like::contains((audit_event::Entity, column), text)
        };
        query = query.filter(
            Condition::any()
                .add(contains(audit_event::Column::ActorLabel))
                .add(contains(audit_event::Column::Target)),
        );
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_event::Column::CreatedAt.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_event::Column::CreatedAt.lte(to));
    }
    query
}

fn newest_first(query: Select<audit_event::Entity>) -> Select<audit_event::Entity> {
    query
        .order_by_desc(audit_event::Column::CreatedAt)
        .order_by_desc(audit_event::Column::Id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_comes_from_the_details() {
        let event = |details: &str| audit_event::Model {
            id: 1,
            tenant_id: 1,
            actor_user_id: None,
            actor_label: "a".into(),
            action: "association.approve".into(),
            target: "t".into(),
            details: details.into(),
            created_at: Utc::now(),
        };
        assert_eq!(
            AuditRow::from(event(r#"{"reason":"Trusted"}"#))
                .reason
                .as_deref(),
            Some("Trusted")
        );
        assert_eq!(AuditRow::from(event(r#"{"reason":null}"#)).reason, None);
        assert_eq!(AuditRow::from(event("{}")).reason, None);
        assert_eq!(AuditRow::from(event("not json")).reason, None);
    }
}
