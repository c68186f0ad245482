//! Header widgets: the user menu (the company selector lives with the MSSP's views, the bell
//! with the associations).

use crate::auth::SignOut;
use leptos::prelude::*;
use portal_types::CurrentUser;

/// Who is signed in, links to Settings (MSP), Billing (MSSP owners and admins) and the audit
/// log, and sign-out. Needs no WASM: a native `<details>` menu, links, and a form that posts
/// to the sign-out function, which answers with the sign-in page.
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
                {(user.tenant_kind == portal_types::TenantKind::Mssp && user.role.can_write())
                    .then(|| view! { <p><a href=crate::billing::PAGE_PATH>"Billing"</a></p> })}
                <p><a href=audit>"Audit log"</a></p>
                <ActionForm action=sign_out>
                    <button type="submit" class="button">"Sign out"</button>
                </ActionForm>
            </div>
        </details>
    }
}
