//! Light and dark theme: follows the system until the user picks one. The choice lives in a
//! cookie, so the server renders the right theme and nothing flashes on load; the toggle is a
//! form, so it works without JavaScript too.

use leptos::prelude::*;
use portal_types::{AppError, Theme};

/// Stores the chosen theme in a cookie (a year).
#[server(prefix = "/rpc", endpoint = "set_theme")]
pub async fn set_theme(theme: String) -> Result<Theme, AppError> {
    crate::ssr::respond(async {
        let theme: Theme = theme.parse().map_err(|message| AppError::Validation {
            field: "theme".into(),
            message,
        })?;
        crate::ssr::set_cookie(
            crate::ssr::THEME_COOKIE,
            theme.as_str(),
            365 * 24 * 3600,
            false,
        );
        Ok(theme)
    })
    .await
}

/// The theme of this page load: from the cookie on the server, from `<html data-theme>` in the
/// browser (which the server set), so both sides agree while hydrating.
pub fn initial_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| crate::ssr::cookie(&parts, crate::ssr::THEME_COOKIE))
            .and_then(|value| value.parse().ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("data-theme"))
            .and_then(|value| value.parse().ok())
            .unwrap_or_default()
    }
}

/// Cycles System → Light → Dark. An island: the click calls the server function in place.
/// Without JavaScript the same form posts, and the server sends the page back.
#[island]
pub fn ThemeToggle() -> impl IntoView {
    crate::hydration::island_ready();
    let action = ServerAction::<SetTheme>::new();
    let (theme, set_theme) = signal(initial_theme());
    Effect::new(move |_| {
        if let Some(Ok(chosen)) = action.value().get() {
            set_theme.set(chosen);
            #[cfg(not(feature = "ssr"))]
            if let Some(root) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = root.set_attribute("data-theme", chosen.as_str());
            }
        }
    });
    // A plain form with its own submit handler: an `ActionForm` would read the form back
    // through a query-string decoder, which would then ship in the bundle for one field.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let theme = theme.get_untracked().next().as_str().to_owned();
        action.dispatch(SetTheme { theme });
    };
    let label = move || match theme.get() {
        Theme::System => "Theme: system",
        Theme::Light => "Theme: light",
        Theme::Dark => "Theme: dark",
    };
    let url = <SetTheme as leptos::server_fn::ServerFn>::url();
    view! {
        <form class="theme-toggle" method="post" action=url on:submit=submit>
            <input type="hidden" name="theme" value=move || theme.get().next().as_str()/>
            <button type="submit" class="button ghost" title="Switch theme" aria-label=label>
                <span aria-hidden="true">{move || match theme.get() { Theme::System => "◐", Theme::Light => "☀", Theme::Dark => "☾" }}</span>
            </button>
        </form>
    }
}
