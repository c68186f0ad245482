//! The audit log: the signed-in user's own tenant's trail (either kind of tenant), filtered by
//! the URL's query (`?action=&q=&from=&to=&page=`), a page at a time, and downloadable as CSV
//! (`/audit.csv`, served by the server crate with the same query).
//!
//! Filter and page number are part of the page's address, so bad ones are a bad request (400),
//! not a form error.

use leptos::prelude::*;
use portal_types::{AppError, AuditQuery, TenantKind};
use serde::{Deserialize, Serialize};

mod view;
pub use view::AuditLogPage;

/// Where each kind of tenant finds its audit log.
pub fn page_path(kind: TenantKind) -> &'static str {
    match kind {
        TenantKind::Mssp => "/mssp/audit",
        TenantKind::Msp => "/msp/audit",
    }
}

/// Events per page of the audit log.
pub const PER_PAGE: i64 = 25;

/// One event as the audit log shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// The reason given for a decision (approve, reject, revoke), when there is one.
    pub reason: Option<String>,
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// Events matching the filter, on every page.
    pub total: i64,
    /// This page's number, from 1.
    pub page: i64,
    pub per_page: i64,
}

impl AuditPage {
    /// The 1-based positions of the first and last entries shown, or `None` for an empty page.
    pub fn showing(&self) -> Option<(i64, i64)> {
        let count = i64::try_from(self.entries.len()).ok().filter(|c| *c > 0)?;
        let first = (self.page - 1)
            .saturating_mul(self.per_page)
            .saturating_add(1);
        Some((first, first + count - 1))
    }

    pub fn has_previous(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page.saturating_mul(self.per_page) < self.total
    }
}

/// A page of the signed-in tenant's audit log, newest first. Anonymous callers get
/// "sign in"; a bad filter or page number is a bad request.
#[server(prefix = "/rpc", endpoint = "audit_log")]
pub async fn audit_log(
    #[server(default)] filter: AuditQuery,
    page: i64,
) -> Result<AuditPage, AppError> {
    crate::ssr::respond(load(filter, page)).await
}

/// The actions present in the signed-in tenant's audit log, for the filter's choices.
#[server(prefix = "/rpc", endpoint = "audit_actions")]
pub async fn audit_actions() -> Result<Vec<String>, AppError> {
    crate::ssr::respond(actions()).await
}

#[cfg(feature = "ssr")]
async fn load(query: AuditQuery, page: i64) -> Result<AuditPage, AppError> {
    let scope = crate::ssr::scope_of(None)?;
    let filter = query.parse().map_err(|e| AppError::from(e).in_query())?;
    let state = crate::ssr::state()?;
    let found = domain::audit::page(&state.db.scoped(&scope), &filter, page, PER_PAGE)
        .await
        .map_err(|e| AppError::from(e).in_query())?;
    Ok(AuditPage {
        entries: found.rows.into_iter().map(to_wire::entry).collect(),
        total: i64::try_from(found.total).unwrap_or(i64::MAX),
        page,
        per_page: PER_PAGE,
    })
}

#[cfg(feature = "ssr")]
async fn actions() -> Result<Vec<String>, AppError> {
    let scope = crate::ssr::scope_of(None)?;
    let state = crate::ssr::state()?;
    Ok(domain::audit::actions(&state.db.scoped(&scope)).await?)
}

#[cfg(feature = "ssr")]
mod to_wire {
    //! Row → wire conversions (rows never cross the wire).
    use super::AuditEntry;

    pub fn entry(row: domain::audit::AuditRow) -> AuditEntry {
        AuditEntry {
            at: row.at,
            actor: row.actor,
            action: row.action,
            target: row.target,
            reason: row.reason,
        }
    }
}

/// `action=…&q=…` for the non-empty fields of `query`, then `page` when given; percent-encoded,
/// without the leading `?`.
pub fn query_string(query: &AuditQuery, page: Option<i64>) -> String {
    let page = page.map(|p| p.to_string());
    [
        ("action", Some(query.action.as_str())),
        ("q", Some(query.q.as_str())),
        ("from", Some(query.from.as_str())),
        ("to", Some(query.to.as_str())),
        ("page", page.as_deref()),
    ]
    .into_iter()
    .filter_map(|(key, value)| {
        let value = value?.trim();
        (!value.is_empty()).then(|| format!("{key}={}", crate::util::encode_query_value(value)))
    })
    .collect::<Vec<_>>()
    .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log(entries: usize, total: i64, page: i64) -> AuditPage {
        let entry = AuditEntry {
            at: chrono::Utc::now(),
            actor: "a".into(),
            action: "b".into(),
            target: "c".into(),
            reason: None,
        };
        AuditPage {
            entries: vec![entry; entries],
            total,
            page,
            per_page: 25,
        }
    }

    #[test]
    fn showing_and_neighbours() {
        let first = log(25, 60, 1);
        assert_eq!(first.showing(), Some((1, 25)));
        assert!(!first.has_previous() && first.has_next());
        let last = log(10, 60, 3);
        assert_eq!(last.showing(), Some((51, 60)));
        assert!(last.has_previous() && !last.has_next());
        assert_eq!(log(0, 0, 1).showing(), None);
        assert!(!log(0, 0, 1).has_next());
    }

    #[test]
    fn query_strings_carry_only_what_is_set() {
        let query = AuditQuery {
            action: "association.".into(),
            q: "a&b c".into(),
            from: String::new(),
            to: "2026-11-27".into(),
        };
        assert_eq!(
            query_string(&query, Some(2)),
            "action=association.&q=a%26b%20c&to=2026-11-27&page=2"
        );
        assert_eq!(query_string(&AuditQuery::default(), None), "");
    }
}
