//! Each portal's overview of its own tenant: recent activity from the audit trail (the team
//! is `crate::team`'s). One server function per kind of tenant, each refusing the other kind.

use leptos::prelude::*;
use portal_types::AppError;
use serde::{Deserialize, Serialize};

mod view;
pub use view::ActivityPanel;

/// One audit event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor: String,
    pub action: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantOverview {
    pub recent_activity: Vec<Activity>,
}

/// The MSSP's overview. MSP users get "not found".
#[server(prefix = "/rpc", endpoint = "mssp_overview")]
pub async fn mssp_overview() -> Result<TenantOverview, AppError> {
    crate::ssr::respond(load(portal_types::TenantKind::Mssp)).await
}

/// The MSP's overview. MSSP users get "not found".
#[server(prefix = "/rpc", endpoint = "msp_overview")]
pub async fn msp_overview() -> Result<TenantOverview, AppError> {
    crate::ssr::respond(load(portal_types::TenantKind::Msp)).await
}

#[cfg(feature = "ssr")]
async fn load(kind: portal_types::TenantKind) -> Result<TenantOverview, AppError> {
    use to_wire::activity;
    let scope = crate::ssr::scope_of(Some(kind))?;
    let state = crate::ssr::state()?;
    let scoped = state.db.scoped(&scope);
    let events = domain::audit::recent(&scoped, 10).await?;
    Ok(TenantOverview {
        recent_activity: events.into_iter().map(activity).collect(),
    })
}

#[cfg(feature = "ssr")]
mod to_wire {
    //! Row → wire conversions (rows never cross the wire).
    use super::Activity;

    pub fn activity(event: domain::audit::Event) -> Activity {
        Activity {
            at: event.at,
            actor: event.actor,
            action: event.action,
            target: event.target,
        }
    }
}
