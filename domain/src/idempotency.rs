//! `Idempotency-Key` for agents' requests: the first response to a key is stored in the same
//! transaction as the change it describes, and a repeat of the same request gets that response
//! back and changes nothing. The same key with a different request is refused.

use crate::scope::AgentScope;
use crate::{Error, Result};
use chrono::{DateTime, Utc};
use entity::api_idempotency::{self, Column, Entity};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

/// Keys are kept this long; a repeat after that is a new request.
pub const KEEP_FOR: chrono::Duration = chrono::Duration::hours(24);

/// A checked `Idempotency-Key` with the fingerprint of the request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    key: String,
    request_hash: String,
}

impl Key {
    pub const MAX_CHARS: usize = 200;

    /// Accepts 1 to 200 visible ASCII characters; `request` is what makes a repeat the same
    /// request (method, path and body).
    pub fn new(raw: &str, request: &[&[u8]]) -> Result<Self, String> {
        if raw.is_empty()
            || raw.len() > Self::MAX_CHARS
            || !raw.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(format!(
                "An Idempotency-Key is 1 to {} visible ASCII characters.",
                Self::MAX_CHARS
            ));
        }
        let mut hasher = Sha256::new();
        for part in request {
            hasher.update((part.len() as u64).to_be_bytes());
            hasher.update(part);
        }
        let request_hash = hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Self {
            key: raw.to_owned(),
            request_hash,
        })
    }
}

/// A response stored for a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub status: u16,
    pub body: String,
}

/// What an earlier request with the same key left, if anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prior {
    /// First time: go ahead, then [`remember`] the response.
    New,
    /// The same request again: answer with this and change nothing.
    Replay(Stored),
    /// The key was used for a different request.
    Mismatch,
}

/// Looks `key` up for `agent`, inside the caller's write transaction.
pub async fn prior(
    conn: &impl ConnectionTrait,
    agent: &AgentScope,
    key: &Key,
    now: DateTime<Utc>,
) -> Result<Prior> {
    let row = Entity::find()
        .filter(Column::AgentId.eq(agent.agent_id))
        .filter(Column::IdempotencyKey.eq(&key.key))
        .one(conn)
        .await?;
    Ok(match row {
        Some(row) if row.created_at + KEEP_FOR < now => {
            Entity::delete_by_id(row.id).exec(conn).await?;
            Prior::New
        }
        Some(row) if row.request_hash == key.request_hash => Prior::Replay(Stored {
            status: u16::try_from(row.status).map_err(|e| Error::Internal(e.to_string()))?,
            body: row.response_body,
        }),
        Some(_) => Prior::Mismatch,
        None => Prior::New,
    })
}

/// Stores the response to `key`, inside the transaction that made the change it reports.
pub async fn remember(
    conn: &impl ConnectionTrait,
    agent: &AgentScope,
    key: &Key,
    response: &Stored,
    now: DateTime<Utc>,
) -> Result<()> {
    Entity::insert(api_idempotency::ActiveModel {
        agent_id: Set(agent.agent_id),
        idempotency_key: Set(key.key.clone()),
        request_hash: Set(key.request_hash.clone()),
        status: Set(i16::try_from(response.status).map_err(|e| Error::Internal(e.to_string()))?),
        response_body: Set(response.body.clone()),
        created_at: Set(now),
        ..Default::default()
    })
    .exec(conn)
    .await
    .map_err(|e| {
        Error::unique_as_conflict(
            e,
            "A request with this Idempotency-Key is still being processed; retry shortly.",
        )
    })?;
    Ok(())
}

/// Forgets keys older than [`KEEP_FOR`] (a housekeeping job).
pub async fn purge_old(db: &crate::Db, now: DateTime<Utc>) -> Result<u64> {
    let result = Entity::delete_many()
        .filter(Column::CreatedAt.lt(now - KEEP_FOR))
        .exec(db.conn())
        .await?;
    Ok(result.rows_affected)
}
