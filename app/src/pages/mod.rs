//! Pages that are not a feature of their own yet: home redirects and the portals' landing pages.

use crate::auth::use_session;
use crate::components::{EmptyState, Panel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use portal_types::{CurrentUser, TenantKind};

/// `/`: sends each visitor to their own portal, or to sign-in.
#[component]
pub fn Home() -> impl IntoView {
    let path = match use_session() {
        Ok(Some(user)) if user.tenant_kind == TenantKind::Mssp => "/mssp",
        Ok(Some(_)) => "/msp",
        _ => "/login",
    };
    view! { <Redirect path/> }
}

/// The MSSP's Global dashboard: Inventory, Vulnerabilities, MSPs.
#[component]
pub fn GlobalDashboard() -> impl IntoView {
    let user = expect_context::<CurrentUser>();
    view! {
        <Title text="Global"/>
        <h1>"Global"</h1>
        <crate::mssp_view::GlobalSections/>
        <crate::associations::MspsPanel can_write=user.role.can_write() support_email=user.support_email.to_string()/>
    }
}

/// The MSP's own home: Inventory and Vulnerabilities, summed from its companies' roll-ups.
#[component]
pub fn MspHome() -> impl IntoView {
    use crate::inventory::{COMPANIES_PATH, InventorySection, VulnerabilitySection, my_posture};
    let user = expect_context::<CurrentUser>();
    let posture = Resource::new(|| (), |_| my_posture());
    view! {
        <Title text="Home"/>
        <h1>{user.tenant_name.to_string()}</h1>
        <Suspense fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading inventory…"</div> }>
            {move || Suspend::new(async move {
                match posture.await {
                    Ok(posture) if posture.companies == 0 => view! {
                        <Panel id="inventory" title="Inventory">
                            <EmptyState title="No companies yet">
                                "Add your client companies on the "<a href=COMPANIES_PATH>"Companies"</a>" page, then enroll their agents."
                            </EmptyState>
                        </Panel>
                    }.into_any(),
                    Ok(posture) => view! {
                        <InventorySection counts=posture.counts companies=Some(posture.companies) companies_href=Some(COMPANIES_PATH.to_owned())/>
                        <VulnerabilitySection counts=posture.counts/>
                    }.into_any(),
                    Err(error) => view! { <crate::components::ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
        <crate::inventory::TrendPanel target=Memo::new(|_| crate::inventory::TrendTarget::default())/>
        <crate::inventory::TopVulnerabilities global=false msp=Signal::stored(None)/>
        <crate::associations::AccessPanel can_write=user.role.can_write()/>
    }
}

/// Settings: the MSSP's white label, your account, your team (managed by owners), the MSP's
/// MSSP access, and recent activity in your tenant.
#[component]
pub fn Settings(kind: TenantKind) -> impl IntoView {
    use crate::components::ErrorNotice;
    use crate::overview::{ActivityPanel, msp_overview, mssp_overview};
    let user = expect_context::<CurrentUser>();
    let can_write = user.role.can_write();
    let just_saved = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get(crate::branding::SAVED_KEY).is_some());
    let overview = Resource::new_blocking(
        || (),
        move |_| async move {
            match kind {
                TenantKind::Mssp => mssp_overview().await,
                TenantKind::Msp => msp_overview().await,
            }
        },
    );
    view! {
        <Title text="Settings"/>
        <h1>"Settings"</h1>
        {(kind == TenantKind::Mssp).then(|| view! { <crate::branding::WhiteLabelPanel can_write just_saved/> })}
        {(kind == TenantKind::Mssp).then(|| view! { <crate::billing::BillingLinkPanel/> })}
        <crate::team::ProfilePanel user=user.clone()/>
        <crate::team::UsersPanel owner=user.role == portal_types::Role::Owner me=user.user_id/>
        {(kind == TenantKind::Msp).then(|| view! { <crate::associations::AccessPanel can_write=can_write/> })}
        <Suspense fallback=|| view! { <div class="panel skeleton" aria-busy="true">"Loading…"</div> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! { <ActivityPanel activity=o.recent_activity/> }.into_any(),
                    Err(error) => view! { <ErrorNotice error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
