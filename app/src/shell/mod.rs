//! The two portal shells, chosen by the signed-in tenant's kind.
//!
//! MSSP: logo, page title, company selector, Settings, theme, user menu; footer with support.
//! MSP: logo, title, bell, theme, user menu; the same footer. A signed-out visitor is sent to
//! sign-in; a user of the other kind of tenant gets "not found". This is presentation only:
//! every server function checks the principal and kind itself.

mod header;

use crate::associations::NotificationBell;
use crate::auth::use_session;
use crate::branding::{BrandMark, BrandedFooter};
use crate::components::{ErrorNotice, NotFound};
use crate::mssp_view::CompanySelector;
use header::UserMenu;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect};
use leptos_router::hooks::use_location;
use portal_types::{CurrentUser, TenantKind};

/// The portal around every page of one kind of tenant. Who is signed in is known before the
/// first render (see [`crate::auth::Session`]), so the server sends the whole shell or a
/// redirect, never a flash of the wrong one, and nothing here waits.
#[component]
pub fn PortalShell(kind: TenantKind) -> AnyView {
    match use_session() {
        Ok(Some(user)) if user.tenant_kind == kind => {
            provide_context(user.clone());
            view! { <Frame user/> }.into_any()
        }
        Ok(Some(_)) => view! { <NotFound/> }.into_any(),
        Ok(None) => {
            let location = use_location();
            let here = format!(
                "{}{}",
                location.pathname.get_untracked(),
                search_part(&location.search.get_untracked())
            );
            let path = format!("/login?next={}", crate::util::encode_query_value(&here));
            view! { <Redirect path/> }.into_any()
        }
        Err(error) => {
            #[cfg(feature = "ssr")]
            crate::ssr::set_error_status(&error);
            view! { <main class="center-page"><ErrorNotice error/></main> }.into_any()
        }
    }
}

/// The MSP portal's sections; the current one is marked for screen readers and styles.
#[component]
fn MspNav() -> impl IntoView {
    let location = use_location();
    let current = move |href: &'static str| {
        let path = location.pathname.get();
        let here = if href == "/msp" {
            path == href
        } else {
            path == href || path.starts_with(&format!("{href}/"))
        };
        here.then_some("page")
    };
    view! {
        <nav class="primary-nav" aria-label="Sections">
            <a href="/msp" aria-current=move || current("/msp")>"Home"</a>
            <a href=crate::inventory::COMPANIES_PATH aria-current=move || current(crate::inventory::COMPANIES_PATH)>"Companies"</a>
        </nav>
    }
}

/// A query string as it follows a path: empty, or `?` and the query.
fn search_part(search: &str) -> String {
    let search = search.trim_start_matches('?');
    if search.is_empty() {
        String::new()
    } else {
        format!("?{search}")
    }
}

#[component]
fn Frame(user: CurrentUser) -> impl IntoView {
    let kind = user.tenant_kind;
    let support = format!("mailto:{}", user.support_email);
    let branding = Signal::stored(user.branding.clone());
    let title = Signal::derive(move || match kind {
        TenantKind::Mssp => branding.read().title().to_owned(),
        TenantKind::Msp => "MSP Portal".to_owned(),
    });
    let home = match kind {
        TenantKind::Mssp => "/mssp",
        TenantKind::Msp => "/msp",
    };
    let tenant_name = user.tenant_name.to_string();
    let default_footer = Signal::derive(move || format!("{} — {}", title.get(), tenant_name));
    view! {
        <Title formatter=move |page: String| crate::branding::document_title(&page, &title.read())/>
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="app-header">
            <a class="brand" href=home>
                <BrandMark branding title/>
            </a>
            {match kind {
                TenantKind::Mssp => view! { <CompanySelector/> }.into_any(),
                TenantKind::Msp => view! { <MspNav/> }.into_any(),
            }}
            <div class="header-actions">
                {match kind {
                    TenantKind::Mssp => view! { <a class="button" href="/mssp/settings">"Settings"</a> }.into_any(),
                    TenantKind::Msp => view! { <NotificationBell/> }.into_any(),
                }}
                <crate::theme::ThemeToggle/>
                <UserMenu user=user.clone()/>
            </div>
        </header>
        <main id="main" class="app-main">
            <ErrorBoundary fallback=|errors| view! {
                <div class="notice error" role="alert">
                    <p>"This part of the page could not be shown."</p>
                    <ul>{move || errors.get().into_iter().map(|(_, e)| view! { <li>{e.to_string()}</li> }).collect_view()}</ul>
                </div>
            }>
                <Outlet/>
            </ErrorBoundary>
        </main>
        <footer class="app-footer">
            <BrandedFooter branding default_line=default_footer/>
            <a href=support>"Need support?"</a>
        </footer>
    }
}
