//! The Leptos application, shared by the server (SSR) and the browser (hydration).
//!
//! Owns: routes, pages, components and the `#[server]` functions with their wire types,
//! organised by feature (`auth`, `shell`, …). Server-only code sits behind the `ssr` feature
//! (`ssr` module, server-function bodies) and never reaches the WASM bundle.

pub mod associations;
pub mod audit_log;
pub mod auth;
pub mod billing;
pub mod branding;
pub mod components;
pub mod hydration;
pub mod inventory;
pub mod live;
pub mod mssp_view;
pub mod overview;
pub mod pages;
pub mod shell;
pub mod team;
pub mod theme;
mod util;

#[cfg(feature = "ssr")]
pub mod ssr;

use components::NotFound;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{SsrMode, path};
use portal_types::TenantKind;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = theme::initial_theme();
    #[cfg(feature = "ssr")]
    ssr::set_content_security_policy(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options islands=true/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Starts the islands in the browser. `frontend` calls it, which is also what links this
/// crate's islands into the bundle: nothing else there refers to the app.
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    leptos::mount::hydrate_islands();
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // First, before anything that serializes to the page, so server and browser agree.
    auth::provide_session();
    view! {
        <Stylesheet id="leptos" href="/pkg/mssp-portal.css"/>
        <Title formatter=|page: String| branding::document_title(&page, portal_types::DEFAULT_MSSP_TITLE)/>
        <Router>
            <Routes fallback=|| view! { <NotFound/> }>
                <Route path=path!("/") view=pages::Home ssr=SsrMode::Async/>
                <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async/>
                <Route path=path!("/invite/:token") view=team::AcceptInvitationPage ssr=SsrMode::Async/>
                <ParentRoute path=path!("/mssp") view=|| view! { <shell::PortalShell kind=TenantKind::Mssp/> } ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::GlobalDashboard ssr=SsrMode::Async/>
                    <Route path=path!("settings") view=|| view! { <pages::Settings kind=TenantKind::Mssp/> } ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=audit_log::AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("billing") view=billing::BillingPage ssr=SsrMode::Async/>
                    <Route path=path!("msps/:id") view=mssp_view::MspViewPage ssr=SsrMode::Async/>
                    <Route path=path!("msps/:id/companies") view=inventory::MspCompaniesPage ssr=SsrMode::Async/>
                    <Route path=path!("msps/:id/companies/:company") view=mssp_view::MspCompanyPage ssr=SsrMode::Async/>
                    <Route path=path!("select") view=mssp_view::SelectView ssr=SsrMode::Async/>
                </ParentRoute>
                <ParentRoute path=path!("/msp") view=|| view! { <shell::PortalShell kind=TenantKind::Msp/> } ssr=SsrMode::Async>
                    <Route path=path!("") view=pages::MspHome ssr=SsrMode::Async/>
                    <Route path=path!("companies") view=inventory::CompaniesPage ssr=SsrMode::Async/>
                    <Route path=path!("companies/:id") view=inventory::CompanyPage ssr=SsrMode::Async/>
                    <Route path=path!("settings") view=|| view! { <pages::Settings kind=TenantKind::Msp/> } ssr=SsrMode::Async/>
                    <Route path=path!("audit") view=audit_log::AuditLogPage ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}
