//! Each portal's overview of its own tenant: the team and recent activity from the audit
//! trail. One server function per kind of tenant, each refusing the other kind.

use leptos::prelude::*;
use portal_types::AppError;
use serde::{Deserialize, Serialize};

mod view;
pub use view::ActivityPanel;

/// A user of the tenant, as the overview lists them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamMember {
    pub email: String,
    pub display_name: String,
    pub role: portal_types::Role,
    pub active: bool,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::Utc>>,
}

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
    pub team: Vec<TeamMember>,
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
    use to_wire::*;
    let scope = crate::ssr::scope_of(Some(kind)).await?;
    let state = crate::ssr::state()?;
    let scoped = state.db.scoped(&scope);
    let team = domain::users::list(&scoped).await?;
    let events = domain::audit::recent(&scoped, 10).await?;
    Ok(TenantOverview {
        team: team.into_iter().map(team_member).collect(),
        recent_activity: events.into_iter().map(activity).collect(),
    })
}

#[cfg(feature = "ssr")]
mod to_wire {
    //! Row → wire conversions (rows never cross the wire).
    use super::{Activity, TeamMember};

    pub fn team_member(user: domain::users::UserRow) -> TeamMember {
        TeamMember {
            email: user.email,
            display_name: user.display_name,
            role: user.role,
            active: user.active,
            last_sign_in_at: user.last_sign_in_at,
        }
    }

    pub fn activity(event: domain::audit::Event) -> Activity {
        Activity {
            at: event.at,
            actor: event.actor,
            action: event.action,
            target: event.target,
        }
    }
}
