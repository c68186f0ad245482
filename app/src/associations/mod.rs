//! The MSSP ↔ MSP association, as each side works with it: the MSSP's MSPs table with Add MSP,
//! cancel, resend and revoke; the MSP's bell with Approve and Reject, and its access panel.
//!
//! Every server function resolves the caller's scope first; the domain checks who may make
//! which transition. An association of another tenant is "not found".

use leptos::prelude::*;
use portal_types::{AppError, AssociationStatus};
use serde::{Deserialize, Serialize};

mod msp_side;
mod reason;
mod view;
pub use msp_side::{AccessPanel, NotificationBell};
pub use view::{MspsPanel, StatusBadge};

/// Columns the MSPs table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MspSort {
    MspName,
    Status,
    #[default]
    Requested,
    Companies,
    Agents,
    Assets,
    OpenFindings,
    Critical,
    High,
    Medium,
    Low,
}

impl MspSort {
    pub const ALL: [Self; 11] = [
        Self::MspName,
        Self::Status,
        Self::Requested,
        Self::Companies,
        Self::Agents,
        Self::Assets,
        Self::OpenFindings,
        Self::Critical,
        Self::High,
        Self::Medium,
        Self::Low,
    ];

    /// The spelling on the wire and in the CSV link.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MspName => "msp_name",
            Self::Status => "status",
            Self::Requested => "requested",
            Self::Companies => "companies",
            Self::Agents => "agents",
            Self::Assets => "assets",
            Self::OpenFindings => "open_findings",
            Self::Critical => "critical",
            Self::High => "high",
            Self::Medium => "medium",
            Self::Low => "low",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// An approved MSP's inventory, as the MSPs table shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MspCounts {
    pub companies: i64,
    pub agents: i64,
    pub assets: i64,
    pub open_findings: i64,
    pub critical: i64,
    pub high: i64,
    pub medium: i64,
    pub low: i64,
}

/// Rows per page of the MSPs table.
pub const PER_PAGE: u64 = 20;

/// One MSP in the MSSP's table: its latest request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MspRow {
    pub id: i64,
    pub msp_id: i64,
    pub msp_name: String,
    pub admin_email: String,
    pub status: AssociationStatus,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// When it was decided or ended, if it was.
    pub closed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The approval, rejection or revocation reason.
    pub reason: Option<String>,
    /// Its inventory while it has approved this MSSP; `None` otherwise.
    pub counts: Option<MspCounts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MspTable {
    pub rows: Vec<MspRow>,
    pub total: u64,
}

/// A notification under the bell, with the request it is about as it stands now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
    pub request: Option<RequestState>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestState {
    pub id: i64,
    pub mssp_name: String,
    pub status: AssociationStatus,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: u64,
    pub items: Vec<Notification>,
}

/// The MSP's latest association, as its access panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MspAccess {
    pub id: i64,
    pub mssp_name: String,
    pub status: AssociationStatus,
    pub requested_at: chrono::DateTime<chrono::Utc>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    pub reason: Option<String>,
}

/// MSSP: the MSPs table, searched (MSP name or admin email), filtered by status, sorted and
/// paginated on the server.
#[server(prefix = "/rpc", endpoint = "list_msps")]
pub async fn list_msps(
    search: String,
    status: Option<AssociationStatus>,
    sort: MspSort,
    descending: bool,
    page: u64,
) -> Result<MspTable, AppError> {
    use domain::associations::ListQuery;
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        let state = crate::ssr::state()?;
        let query = ListQuery {
            search: Some(search),
            status,
            sort: to_wire::sort(sort),
            descending,
            page,
            per_page: PER_PAGE,
        };
        let page = domain::associations::list_for_mssp(&state.db.scoped(&scope), &query).await?;
        Ok(MspTable {
            rows: page.rows.into_iter().map(to_wire::msp_row).collect(),
            total: page.total,
        })
    })
    .await
}

/// MSSP: "Add MSP". Rate-limited per MSSP, so tenant names cannot be enumerated quickly.
#[server(prefix = "/rpc", endpoint = "add_msp")]
pub async fn add_msp(email: String, tenant_name: String) -> Result<i64, AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        let state = crate::ssr::state()?;
        let now = chrono::Utc::now();
        let key = format!("add_msp:{}", scope.tenant_id().0);
        domain::throttle::count(&state.db, &key, domain::associations::ADD_MSP_LIMIT, now).await?;
        Ok(domain::associations::request(&state.db, &scope, &tenant_name, &email, now).await?)
    })
    .await
}

/// MSSP: withdraws a pending request.
#[server(prefix = "/rpc", endpoint = "cancel_msp_request")]
pub async fn cancel_msp_request(id: i64) -> Result<(), AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        let state = crate::ssr::state()?;
        Ok(domain::associations::cancel(&state.db, &scope, id, chrono::Utc::now()).await?)
    })
    .await
}

/// MSSP: sends a pending request's email again (a few times an hour at most).
#[server(prefix = "/rpc", endpoint = "resend_msp_request")]
pub async fn resend_msp_request(id: i64) -> Result<(), AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        let state = crate::ssr::state()?;
        let now = chrono::Utc::now();
        let key = format!("resend:{}:{id}", scope.tenant_id().0);
        domain::throttle::count(&state.db, &key, domain::associations::RESEND_LIMIT, now).await?;
        Ok(domain::associations::resend(&state.db, &scope, id, now).await?)
    })
    .await
}

/// Either side: ends an approved association, with a required reason.
#[server(prefix = "/rpc", endpoint = "revoke_association")]
pub async fn revoke_association(id: i64, reason: String) -> Result<(), AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(None)?;
        let state = crate::ssr::state()?;
        Ok(
            domain::associations::revoke(&state.db, &scope, id, &reason, chrono::Utc::now())
                .await?,
        )
    })
    .await
}

/// MSP: approves (`approve = true`) or rejects a pending request, with a required reason.
#[server(prefix = "/rpc", endpoint = "decide_request")]
pub async fn decide_request(id: i64, approve: bool, reason: String) -> Result<(), AppError> {
    use domain::associations::Decision;
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(Some(portal_types::TenantKind::Msp))?;
        let state = crate::ssr::state()?;
        let decision = if approve {
            Decision::Approve
        } else {
            Decision::Reject
        };
        Ok(domain::associations::decide(
            &state.db,
            &scope,
            id,
            decision,
            &reason,
            chrono::Utc::now(),
        )
        .await?)
    })
    .await
}

/// The signed-in user's notifications and unread count.
#[server(prefix = "/rpc", endpoint = "my_notifications")]
pub async fn my_notifications() -> Result<Inbox, AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(None)?;
        let state = crate::ssr::state()?;
        let inbox = domain::notifications::inbox(&state.db.scoped(&scope)).await?;
        Ok(Inbox {
            unread: inbox.unread,
            items: inbox.items.into_iter().map(to_wire::notification).collect(),
        })
    })
    .await
}

/// Marks all of the signed-in user's notifications read.
#[server(prefix = "/rpc", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(None)?;
        let state = crate::ssr::state()?;
        let scoped = state.db.scoped(&scope);
        Ok(domain::notifications::mark_all_read(&scoped, chrono::Utc::now()).await?)
    })
    .await
}

/// MSP: its latest association (with which MSSP, where it stands), if any.
#[server(prefix = "/rpc", endpoint = "current_msp_access")]
pub async fn current_msp_access() -> Result<Option<MspAccess>, AppError> {
    crate::ssr::respond(async {
        let scope = crate::ssr::scope_of(Some(portal_types::TenantKind::Msp))?;
        let state = crate::ssr::state()?;
        let latest = domain::associations::latest_for_msp(&state.db.scoped(&scope)).await?;
        Ok(latest.map(to_wire::msp_access))
    })
    .await
}

#[cfg(feature = "ssr")]
pub mod to_wire {
    //! Domain → wire conversions (domain rows never cross the wire).
    use super::{MspAccess, MspRow, Notification, RequestState};

    pub fn sort(sort: super::MspSort) -> domain::associations::SortBy {
        use super::MspSort;
        use domain::associations::SortBy;
        match sort {
            MspSort::MspName => SortBy::MspName,
            MspSort::Status => SortBy::Status,
            MspSort::Requested => SortBy::Requested,
            MspSort::Companies => SortBy::Companies,
            MspSort::Agents => SortBy::Agents,
            MspSort::Assets => SortBy::Assets,
            MspSort::OpenFindings => SortBy::OpenFindings,
            MspSort::Critical => SortBy::Critical,
            MspSort::High => SortBy::High,
            MspSort::Medium => SortBy::Medium,
            MspSort::Low => SortBy::Low,
        }
    }

    pub fn msp_row(row: domain::associations::MspRequest) -> MspRow {
        MspRow {
            id: row.id,
            msp_id: row.msp_id.0,
            counts: row.posture.map(|p| super::MspCounts {
                companies: p.companies,
                agents: p.probe_agents + p.lightweight_agents,
                assets: p.total_assets,
                open_findings: p.open_findings,
                critical: p.open_critical,
                high: p.open_high,
                medium: p.open_medium,
                low: p.open_low,
            }),
            msp_name: row.msp_name,
            admin_email: row.requested_email,
            status: row.status,
            requested_at: row.requested_at,
            expires_at: row.expires_at,
            closed_at: row.ended_at.or(row.decided_at),
            reason: row.end_reason.or(row.decision_reason),
        }
    }

    pub fn notification(item: domain::notifications::Item) -> Notification {
        Notification {
            id: item.id,
            title: item.title,
            body: item.body,
            created_at: item.created_at,
            read: item.read,
            request: item.association.map(|a| RequestState {
                id: a.id,
                mssp_name: a.mssp_name,
                status: a.status,
                expires_at: a.expires_at,
            }),
        }
    }

    pub fn msp_access(access: domain::associations::MspAccess) -> MspAccess {
        MspAccess {
            id: access.id,
            mssp_name: access.mssp_name,
            status: access.status,
            requested_at: access.requested_at,
            expires_at: access.expires_at,
            decided_at: access.decided_at,
            reason: access.reason,
        }
    }
}
