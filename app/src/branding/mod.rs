//! White labelling: the MSSP's page title, footer content and logos in its portal's shell, and
//! the Settings panel that edits them.
//!
//! The branding comes with the session, so the server-rendered page already carries it (no
//! flash of the default). After a save the Settings page loads again, with the new branding
//! in its shell. Title and footer are text: Leptos escapes them, and only `http(s)://`
//! addresses in the footer become links.

mod settings;

pub use settings::{LOGO_UPLOAD_PATH, SAVED_KEY, WhiteLabelPanel};

use leptos::prelude::*;
use portal_types::{AppError, Branding, FooterPart, footer_parts};

/// The document title: `page · portal`, or the portal's alone.
///
/// leptos_meta writes the title into the server's HTML as given, unescaped, so on the server
/// it is escaped here: a title or a page name (a company's, say) holding `</title>` stays
/// text. In the browser it goes to `document.title`, which takes text as it is.
pub fn document_title(page: &str, portal: &str) -> String {
    let title = if page.is_empty() {
        portal.to_owned()
    } else {
        format!("{page} · {portal}")
    };
    #[cfg(feature = "ssr")]
    let title = html_escape::encode_text(&title).into_owned();
    title
}

/// The header's logos (one per theme; the stylesheet shows the one that matches) and title.
#[component]
pub fn BrandMark(
    #[prop(into)] branding: Signal<Branding>,
    #[prop(into)] title: Signal<String>,
) -> impl IntoView {
    view! {
        <img class="logo logo-light" src=move || branding.read().logo_light_url() alt="" height="28"/>
        <img class="logo logo-dark" src=move || branding.read().logo_dark_url() alt="" height="28"/>
        <span class="page-title">{title}</span>
    }
}

/// Footer content as text, with its web addresses as links that open in a new tab.
#[component]
fn FooterText(#[prop(into)] text: Signal<String>) -> impl IntoView {
    move || {
        footer_parts(&text.read())
            .into_iter()
            .map(|part| match part {
                FooterPart::Text(text) => text.to_owned().into_any(),
                FooterPart::Link(href) => view! {
                    <a href=href.to_owned() rel="noopener noreferrer nofollow" target="_blank">{href.to_owned()}</a>
                }
                .into_any(),
            })
            .collect_view()
    }
}

/// The signed-in MSSP's branding as saved (Settings reads it fresh: another admin may have
/// changed it since this page loaded). Users of an MSP are refused.
#[server(prefix = "/rpc", endpoint = "white_label")]
pub async fn white_label() -> Result<Branding, AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        Ok(domain::branding::current(&state.db.scoped(&scope)).await?)
    })
    .await
}

/// Saves the MSSP's white label (owners and admins). Empty fields go back to the defaults;
/// a logo is the id an upload answered with. Answers the branding as saved.
#[server(prefix = "/rpc", endpoint = "save_white_label")]
pub async fn save_white_label(
    page_title: String,
    footer_content: String,
    logo_light: Option<String>,
    logo_dark: Option<String>,
) -> Result<Branding, AppError> {
    use crate::ssr;
    use portal_types::{FooterContent, LogoId, PageTitle};
    ssr::respond(async {
        let state = ssr::state()?;
        let scope = ssr::scope_of(Some(portal_types::TenantKind::Mssp))?;
        let logo = |id: Option<String>| {
            id.filter(|id| !id.is_empty())
                .map(|id| LogoId::parse(&id))
                .transpose()
        };
        let branding = Branding {
            page_title: PageTitle::parse_optional(&page_title)?,
            footer_content: FooterContent::parse_optional(&footer_content)?,
            logo_light: logo(logo_light)?,
            logo_dark: logo(logo_dark)?,
        };
        let scoped = state.db.scoped(&scope);
        domain::branding::save(&scoped, branding.clone(), chrono::Utc::now()).await?;
        Ok(branding)
    })
    .await
}

/// The footer of the MSSP's portal: its own content when set, the portal's line otherwise.
#[component]
pub fn BrandedFooter(
    #[prop(into)] branding: Signal<Branding>,
    #[prop(into)] default_line: Signal<String>,
) -> impl IntoView {
    let content = Signal::derive(move || {
        branding
            .read()
            .footer_content
            .as_ref()
            .map(|footer| footer.as_str().to_owned())
    });
    move || match content.get() {
        Some(text) => view! { <span class="footer-content"><FooterText text/></span> }.into_any(),
        None => view! { <span class="footer-content">{default_line}</span> }.into_any(),
    }
}
