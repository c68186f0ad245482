//! Header widgets: company selector, notifications bell, user menu.

use crate::auth::SignOut;
use leptos::prelude::*;
use portal_types::CurrentUser;

/// Switches between the Global view and one MSP's view. Until an MSP approves an association
/// there is only Global.
#[component]
pub fn CompanySelector() -> impl IntoView {
    view! {
        <label class="company-selector">
            <span class="visually-hidden">"Company selector"</span>
            <select name="view" aria-label="Company selector">
                <option value="global" selected>"Global"</option>
            </select>
        </label>
    }
}

/// The MSP's notifications. Keyboard reachable: a disclosure built on `<details>`.
#[component]
pub fn Bell() -> impl IntoView {
    view! {
        <details class="menu bell">
            <summary class="button ghost" aria-label="Notifications, none unread">
                <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2">
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"/>
                    <path d="M13.73 21a2 2 0 0 1-3.46 0"/>
                </svg>
            </summary>
            <div class="menu-panel" role="region" aria-label="Notifications">
                <p class="muted">"No notifications."</p>
            </div>
        </details>
    }
}

/// Who is signed in, links to Settings (MSP) and the audit log, and sign-out.
#[component]
pub fn UserMenu(user: CurrentUser) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    let audit = crate::audit_log::page_path(user.tenant_kind);
    view! {
        <details class="menu user-menu">
            <summary class="button ghost" aria-label="User menu">{user.display_name.clone()}</summary>
            <div class="menu-panel">
                <p><strong>{user.display_name.clone()}</strong></p>
                <p class="muted">{user.email.to_string()}</p>
                <p class="muted">{format!("{} · {}", user.tenant_name, user.role)}</p>
                {(user.tenant_kind == portal_types::TenantKind::Msp).then(|| view! { <p><a href="/msp/settings">"Settings"</a></p> })}
                <p><a href=audit>"Audit log"</a></p>
                <ActionForm action=sign_out>
                    <button type="submit" class="button">"Sign out"</button>
                </ActionForm>
            </div>
        </details>
    }
}
