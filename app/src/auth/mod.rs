//! Sign-in, sign-out and the current user.
//!
//! The product guide's sign-in: the tenant name first, then email and password. Works with and
//! without JavaScript (the forms post to the server functions; errors come back in the URL).

mod login;

pub use login::LoginPage;

use leptos::prelude::*;
use portal_types::{AppError, CurrentUser};

/// The signed-in user, or `None` when nobody is signed in.
#[server(prefix = "/rpc", endpoint = "signed_in_user")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    use crate::ssr;
    ssr::respond(
        async {
            let Some(principal) = ssr::principal().await? else {
                return Ok(None);
            };
            let state = ssr::state()?;
            Ok(Some(CurrentUser {
                user_id: principal.user_id,
                tenant_id: principal.tenant_id,
                tenant_name: principal.tenant_name,
                tenant_kind: principal.tenant_kind,
                email: principal.email,
                display_name: principal.display_name,
                role: principal.role,
                support_email: state.settings.support_email.clone(),
            }))
        }
        .await,
    )
}

/// Signs in and redirects to `next` (a path of this site) or the portal's home.
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(
    tenant_name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::ssr;
    use domain::signin::{self, Credentials};
    ssr::respond(
        async {
            let state = ssr::state()?;
            let parts = use_context::<http::request::Parts>()
                .ok_or(AppError::BadRequest("no request".into()))?;
            let client = ssr::client_address(&parts, state.settings.trust_forwarded_for);
            let credentials = Credentials {
                tenant_name: &tenant_name,
                email: &email,
                password: &password,
            };
            let (token, _principal) =
                signin::sign_in(&state.db, credentials, &client, chrono::Utc::now()).await?;
            let max_age = domain::sessions::ABSOLUTE.as_secs();
            ssr::set_cookie(ssr::SESSION_COOKIE, token.expose(), max_age, true);
            leptos_axum::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// Ends the session and returns to the sign-in page.
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::ssr;
    ssr::respond(
        async {
            let state = ssr::state()?;
            let principal = ssr::principal().await?;
            let parts = use_context::<http::request::Parts>();
            let token = parts
                .as_ref()
                .and_then(|p| ssr::cookie(p, ssr::SESSION_COOKIE))
                .and_then(|raw| domain::sessions::SessionToken::parse(&raw));
            if let Some(token) = token {
                domain::signin::sign_out(&state.db, &token, principal.as_ref()).await?;
            }
            ssr::set_cookie(ssr::SESSION_COOKIE, "", 0, true);
            leptos_axum::redirect("/login");
            Ok(())
        }
        .await,
    )
}

/// Where to go after sign-in: a path on this site only (never `//host` or a URL), made of
/// plain visible ASCII; anything else goes home.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && path.len() <= 512
                && path.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_is_a_local_path_or_home() {
        assert_eq!(safe_next(Some("/mssp/settings")), "/mssp/settings");
        assert_eq!(safe_next(Some("/msp?x=1")), "/msp?x=1");
        for bad in [
            "//evil.test",
            "/\\evil.test",
            "https://evil.test",
            "mssp",
            "/a b",
            "/\r\nSet-Cookie:x",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
