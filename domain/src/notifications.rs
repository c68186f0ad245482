//! In-app notifications: what the MSP's bell lists. One row per recipient user, written in
//! the same transaction as the change it reports.

use crate::live::{Change, Topic};
use crate::{Result, Scoped};
use chrono::{DateTime, Utc};
use entity::{association, notification, tenant, user};
use portal_types::{AssociationStatus, Role, TenantId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// How many notifications the bell lists (newest first).
pub const LISTED: u64 = 20;

/// What a new notification says.
pub(crate) struct New<'a> {
    pub kind: &'a str,
    pub association_id: Option<i64>,
    pub title: &'a str,
    pub body: &'a str,
}

/// Notifies every active owner and admin of `tenant`, inside the caller's transaction.
pub(crate) async fn notify_admins(
    conn: &impl ConnectionTrait,
    tenant: TenantId,
    new: &New<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    let admins = user::Entity::find()
        .filter(user::Column::TenantId.eq(tenant.0))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::Role.is_in([Role::Owner.as_str(), Role::Admin.as_str()]))
        .all(conn)
        .await?;
    if admins.is_empty() {
        return Ok(());
    }
    notification::Entity::insert_many(admins.into_iter().map(|admin| notification::ActiveModel {
        tenant_id: Set(tenant.0),
        user_id: Set(admin.id),
        kind: Set(new.kind.to_owned()),
        association_id: Set(new.association_id),
        title: Set(new.title.to_owned()),
        body: Set(new.body.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }))
    .exec(conn)
    .await?;
    Ok(())
}

/// One notification as the bell shows it, with the association it is about as it stands now.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
    pub association: Option<AssociationRef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AssociationRef {
    pub id: i64,
    pub status: AssociationStatus,
    pub mssp_name: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inbox {
    pub unread: u64,
    pub items: Vec<Item>,
}

fn mine<'a>(scoped: &Scoped<'a>) -> sea_orm::Select<notification::Entity> {
    scoped
        .own::<notification::Entity>()
        .filter(notification::Column::UserId.eq(scoped.scope().principal().user_id.0))
}

/// The signed-in user's unread count and newest notifications.
pub async fn inbox(scoped: &Scoped<'_>) -> Result<Inbox> {
    let unread = mine(scoped)
        .filter(notification::Column::ReadAt.is_null())
        .count(scoped.conn())
        .await?;
    let rows = mine(scoped)
        .order_by_desc(notification::Column::Id)
        .limit(LISTED)
        .all(scoped.conn())
        .await?;
    let ids: Vec<i64> = rows.iter().filter_map(|n| n.association_id).collect();
    let associations = scoped
        .associations()
        .filter(association::Column::Id.is_in(ids))
        .all(scoped.conn())
        .await?;
    let mssp_ids: Vec<i64> = associations.iter().map(|a| a.mssp_tenant_id).collect();
    let names: HashMap<i64, String> = tenant::Entity::find()
        .filter(tenant::Column::Id.is_in(mssp_ids))
        .all(scoped.conn())
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let mut refs = HashMap::new();
    for a in associations {
        refs.insert(
            a.id,
            AssociationRef {
                id: a.id,
                status: crate::associations::status_of(&a)?,
                mssp_name: names.get(&a.mssp_tenant_id).cloned().unwrap_or_default(),
                expires_at: a.expires_at,
            },
        );
    }
    let items = rows
        .into_iter()
        .map(|n| Item {
            association: n.association_id.and_then(|id| refs.get(&id).cloned()),
            id: n.id,
            kind: n.kind,
            title: n.title,
            body: n.body,
            created_at: n.created_at,
            read: n.read_at.is_some(),
        })
        .collect();
    Ok(Inbox { unread, items })
}

/// Marks all of the signed-in user's notifications read; returns how many changed.
pub async fn mark_all_read(scoped: &Scoped<'_>, now: DateTime<Utc>) -> Result<u64> {
    let db = scoped.db();
    let user_id = scoped.scope().principal().user_id.0;
    let txn = db.begin_write().await?;
    let changed = scoped
        .update_own::<notification::Entity>()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .exec(&txn)
        .await?
        .rows_affected;
    let change = Change {
        tenant: scoped.scope().tenant_id(),
        topic: Topic::Notifications,
    };
    db.commit_announcing(txn, &[change]).await?;
    Ok(changed)
}
