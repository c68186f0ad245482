//! The team in Settings (both portals): owners invite users by email, change roles, and
//! deactivate or reactivate users; everyone sees who is on the team and changes their own name
//! and password. Accepting an invitation is its own page, outside the portals.
//!
//! Every rule is the domain's (`domain::users`): owners only, at least one active owner, the
//! scope's own tenant only. These functions parse, call it, and map errors.

mod accept;
mod view;

pub use accept::AcceptInvitationPage;
pub use view::{ProfilePanel, UsersPanel};

use leptos::prelude::*;
use portal_types::{AppError, Role, UserId};
use serde::{Deserialize, Serialize};

/// A user of the tenant, as the team list shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub last_sign_in_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamList {
    pub members: Vec<Member>,
    /// Open invitations (for owners; empty for everyone else).
    pub invitations: Vec<PendingInvitation>,
}

/// The signed-in user's team.
#[server(prefix = "/rpc", endpoint = "team")]
pub async fn team() -> Result<TeamList, AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(None)?;
        let scoped = state.db.scoped(&scope);
        let members = domain::users::list(&scoped).await?;
        let invitations = if scope.principal().role == Role::Owner {
            domain::users::invitations::open(&scoped, chrono::Utc::now()).await?
        } else {
            Vec::new()
        };
        Ok(TeamList {
            members: members
                .into_iter()
                .map(|u| Member {
                    id: u.id,
                    email: u.email,
                    display_name: u.display_name,
                    role: u.role,
                    active: u.active,
                    last_sign_in_at: u.last_sign_in_at,
                })
                .collect(),
            invitations: invitations
                .into_iter()
                .map(|i| PendingInvitation {
                    id: i.id,
                    email: i.email,
                    role: i.role,
                    expires_at: i.expires_at,
                })
                .collect(),
        })
    })
    .await
}

/// A role from a form: owner, admin or viewer.
#[cfg(feature = "ssr")]
fn parse_role(raw: &str) -> Result<Role, AppError> {
    raw.parse().map_err(|message: String| AppError::Validation {
        field: "role".into(),
        message,
    })
}

/// Invites `email` to the team as `role` (owners), emailing them a link.
#[server(prefix = "/rpc", endpoint = "invite_user")]
pub async fn invite_user(email: String, role: String) -> Result<(), AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(None)?;
        let email = portal_types::Email::parse(&email)?;
        let role = parse_role(&role)?;
        domain::users::invitations::invite(
            &state.db.scoped(&scope),
            &email,
            role,
            chrono::Utc::now(),
        )
        .await?;
        Ok(())
    })
    .await
}

/// Withdraws an open invitation (owners): its link stops working.
#[server(prefix = "/rpc", endpoint = "withdraw_invitation")]
pub async fn withdraw_invitation(id: i64) -> Result<(), AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(None)?;
        domain::users::invitations::withdraw(&state.db.scoped(&scope), id, chrono::Utc::now())
            .await?;
        Ok(())
    })
    .await
}

/// Gives a user of the team another role (owners).
#[server(prefix = "/rpc", endpoint = "set_user_role")]
pub async fn set_user_role(user: i64, role: String) -> Result<(), AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(None)?;
        let role = parse_role(&role)?;
        domain::users::team::set_role(&state.db.scoped(&scope), UserId(user), role).await?;
        Ok(())
    })
    .await
}

/// Deactivates or reactivates a user of the team (owners).
#[server(prefix = "/rpc", endpoint = "set_user_active")]
pub async fn set_user_active(user: i64, active: bool) -> Result<(), AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(None)?;
        domain::users::team::set_active(&state.db.scoped(&scope), UserId(user), active).await?;
        Ok(())
    })
    .await
}

/// Changes the signed-in user's own name.
#[server(prefix = "/rpc", endpoint = "update_profile")]
pub async fn update_profile(display_name: String) -> Result<String, AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(None)?;
        let name = portal_types::PersonName::parse(&display_name)?;
        domain::users::team::rename_self(&state.db.scoped(&scope), &name).await?;
        Ok(name.to_string())
    })
    .await
}

/// Changes the signed-in user's own password, given the current one; their other sessions
/// end.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), AppError> {
    use crate::ssr;
    use portal_types::{ParseError, Password};
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(None)?;
        let current = Password::parse_attempt(&current_password)
            .map_err(|e| ParseError::new("current_password", e.message))?;
        let new = Password::parse_new(&new_password)
            .map_err(|e| ParseError::new("new_password", e.message))?;
        if new_password != confirm_password {
            return Err(
                ParseError::new("confirm_password", "The two new passwords differ.").into(),
            );
        }
        let keep = use_context::<http::request::Parts>()
            .and_then(|parts| ssr::cookie(&parts, ssr::SESSION_COOKIE))
            .and_then(|raw| domain::sessions::SessionToken::parse(&raw));
        let scoped = state.db.scoped(&scope);
        domain::users::team::change_password(
            &scoped,
            &current,
            &new,
            keep.as_ref(),
            chrono::Utc::now(),
        )
        .await?;
        Ok(())
    })
    .await
}
