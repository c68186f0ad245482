//! Sign-in, sign-out and the current user.
//!
//! The product guide's sign-in: the tenant name first, then email and password. Works with and
//! without JavaScript (the forms post to the server functions; errors come back in the URL).

mod login;

pub use login::LoginPage;

use leptos::prelude::*;
use portal_types::{AppError, CurrentUser};

/// Who is signed in, known before the first render: the server resolves the session with the
/// request and the value travels to the browser with the page, so shells and pages read it
/// synchronously (no loading state, nothing to suspend on). Signing in or out loads a new
/// page, which carries the new value.
#[derive(Debug, Clone)]
pub struct Session(pub Result<Option<CurrentUser>, AppError>);

/// Provides [`Session`] for the whole app. Called once, at the top of the app.
pub fn provide_session() {
    let user = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        {
            crate::ssr::current_user()
        }
        // In the browser the value comes from the page (the app only ever starts by hydrating).
        #[cfg(not(feature = "ssr"))]
        {
            Ok(None)
        }
    });
    provide_context(Session(user.into_inner()));
}

/// The signed-in user (or why it is not known).
pub fn use_session() -> Result<Option<CurrentUser>, AppError> {
    use_context::<Session>().map_or(Ok(None), |session| session.0)
}

/// The signed-in user, or `None` when nobody is signed in.
#[server(prefix = "/rpc", endpoint = "signed_in_user")]
pub async fn signed_in_user() -> Result<Option<CurrentUser>, AppError> {
    crate::ssr::respond(async { crate::ssr::current_user() }).await
}

/// Signs in. Answers where to go next (a path of this site, from `next`, or the portal's
/// home): the browser then loads that page. A form posted without JavaScript is redirected
/// there instead.
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(
    tenant_name: String,
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::ssr;
    use domain::signin::{self, Credentials};
    ssr::respond(async {
        let state = ssr::state()?;
        let parts = use_context::<http::request::Parts>()
            .ok_or(AppError::BadRequest("no request".into()))?;
        let plain_form = ssr::is_plain_form_post();
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
        let next = safe_next(next.as_deref());
        if plain_form {
            leptos_axum::redirect(&next);
        }
        Ok(next)
    })
    .await
}

/// Ends the session. Answers the sign-in page's path, where the browser goes next (a form
/// posted without JavaScript is redirected there).
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<String, AppError> {
    use crate::ssr;
    ssr::respond(async {
        let state = ssr::state()?;
        let principal = ssr::principal()?;
        let parts = use_context::<http::request::Parts>();
        let plain_form = ssr::is_plain_form_post();
        let token = parts
            .as_ref()
            .and_then(|p| ssr::cookie(p, ssr::SESSION_COOKIE))
            .and_then(|raw| domain::sessions::SessionToken::parse(&raw));
        if let Some(token) = token {
            domain::signin::sign_out(&state.db, &token, principal.as_ref()).await?;
        }
        ssr::set_cookie(ssr::SESSION_COOKIE, "", 0, true);
        let next = "/login".to_owned();
        if plain_form {
            leptos_axum::redirect(&next);
        }
        Ok(next)
    })
    .await
}

/// Loads `path` as a new page once `action` answers with it: a new page carries the new
/// [`Session`] (and opens a fresh event stream).
pub fn load_page_after<A>(action: ServerAction<A>)
where
    A: leptos::server_fn::ServerFn<Output = String, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
    A::Output: Send + Sync + 'static,
{
    Effect::new(move |_| {
        if let Some(Ok(path)) = action.value().get() {
            #[cfg(feature = "hydrate")]
            {
                _ = window().location().assign(&path);
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = path;
        }
    });
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
