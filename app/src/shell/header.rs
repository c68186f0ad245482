//! Header widgets: the user menu (the company selector lives with the MSSP's views, the bell
//! with the associations).

use crate::auth::{SignOut, load_page_after};
use leptos::prelude::*;
use portal_types::CurrentUser;

/// Who is signed in, links to Settings (MSP), Billing (MSSP owners and admins) and the audit
/// log, and sign-out.
#[component]
pub fn UserMenu(user: CurrentUser) -> impl IntoView {
    let sign_out = ServerAction::<SignOut>::new();
    load_page_after(sign_out);
    let audit = crate::audit_log::page_path(user.tenant_kind);
    let menu = NodeRef::<leptos::html::Details>::new();
    // A link followed from the menu loads its page in place: close the menu, or it would stay
    // open over the new page.
    let close_after_link = move |ev: leptos::ev::MouseEvent| {
        let on_link = event_target::<leptos::web_sys::Element>(&ev)
            .closest("a")
            .ok()
            .flatten()
            .is_some();
        if let (true, Some(menu)) = (on_link, menu.get()) {
            let _ = menu.remove_attribute("open");
        }
    };
    view! {
        <details class="menu user-menu" node_ref=menu>
            <summary class="button ghost" aria-label="User menu">{user.display_name.clone()}</summary>
            <div class="menu-panel" on:click=close_after_link>
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
