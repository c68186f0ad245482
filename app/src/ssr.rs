//! Server-only glue between Leptos and the domain: the application state, the per-request
//! principal and scope, cookies, and turning errors into HTTP statuses.
//!
//! Every server function starts here: [`scope_of`] resolves the signed-in principal and checks
//! the kind of tenant before any domain call. Nothing in this module reaches the WASM bundle.

use axum::extract::FromRef;
use domain::{Db, Principal, Scope};
use http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use http::{HeaderValue, StatusCode, request::Parts};
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use portal_types::{AppError, TenantKind};
use std::sync::Arc;
use tokio::sync::OnceCell;

pub const SESSION_COOKIE: &str = "mssp_session";
pub const THEME_COOKIE: &str = "mssp_theme";

/// What the operator configured that pages and server functions need.
#[derive(Debug, Clone)]
pub struct PortalSettings {
    /// The operator's support address ("Need support?").
    pub support_email: String,
    /// Add `Secure` to cookies (the portal is served over https).
    pub secure_cookies: bool,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub settings: Arc<PortalSettings>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The principal of this request, resolved once and shared by every server function and
/// resource that asks during the request. Provided per request by the server.
#[derive(Clone, Default)]
pub struct RequestAuth(Arc<OnceCell<Option<Principal>>>);

pub fn state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| internal("application state missing"))
}

fn internal(what: &str) -> AppError {
    tracing::error!("{what}");
    AppError::Internal {
        reference: "context".into(),
    }
}

/// A cookie's value from the request, if present.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|header| header.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
}

/// The signed-in principal, or `None`. A malformed or forged cookie is simply no session.
pub async fn principal() -> Result<Option<Principal>, AppError> {
    let Some(parts) = use_context::<Parts>() else {
        return Ok(None);
    };
    let cache = use_context::<RequestAuth>().unwrap_or_default();
    let state = state()?;
    cache
        .0
        .get_or_try_init(|| async {
            let Some(token) = cookie(&parts, SESSION_COOKIE)
                .and_then(|raw| domain::sessions::SessionToken::parse(&raw))
            else {
                return Ok(None);
            };
            domain::sessions::resolve(&state.db, &token, chrono::Utc::now())
                .await
                .map_err(AppError::from)
        })
        .await
        .cloned()
}

/// The scope of the signed-in principal, refusing anonymous callers and, when `kind` is
/// given, principals of the other kind of tenant (as "not found").
pub async fn scope_of(kind: Option<TenantKind>) -> Result<Scope, AppError> {
    let principal = principal().await?.ok_or(AppError::Unauthenticated)?;
    let state = state()?;
    let scope = Scope::resolve(&state.db, principal).await?;
    if let Some(kind) = kind {
        scope.require_kind(kind)?;
    }
    Ok(scope)
}

/// Sets the response status (and `Retry-After`) for an error and passes it on. Every server
/// function's error goes through here, so clients and tests see real HTTP statuses.
///
/// A plain HTML form post (no JavaScript) is the exception: Leptos answers it with a redirect
/// back to the form carrying the error, and a status here would replace that redirect.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if is_plain_form_post() {
        return result;
    }
    if let (Err(error), Some(response)) = (&result, use_context::<ResponseOptions>()) {
        response.set_status(
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let AppError::RateLimited { retry_after_secs } = error {
            response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
    result
}

fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|accept| accept.contains("text/html"))
    })
}

/// Appends a `Set-Cookie` header to the response.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, http_only: bool) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let secure = use_context::<AppState>().is_some_and(|s| s.settings.secure_cookies);
    let mut cookie = format!("{name}={value}; Path=/; Max-Age={max_age_secs}; SameSite=Lax");
    if http_only {
        cookie.push_str("; HttpOnly");
    }
    if secure {
        cookie.push_str("; Secure");
    }
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.append_header(SET_COOKIE, value);
    }
}

/// The client's address, for rate limits: the socket peer, or the first `X-Forwarded-For`
/// hop when the operator says a trusted proxy sets it.
pub fn client_address(parts: &Parts, trust_forwarded_for: bool) -> String {
    if trust_forwarded_for
        && let Some(forwarded) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(first) = forwarded
            .split(',')
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    {
        return first.chars().take(64).collect();
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |info| info.0.ip().to_string())
}

/// Sets this page's HTTP status (404 pages, say). No-op outside a server render.
pub fn set_status(status: StatusCode) {
    if let Some(response) = use_context::<ResponseOptions>() {
        response.set_status(status);
    }
}

/// Sets this page's Content-Security-Policy, allowing only scripts that carry this request's
/// nonce (Leptos puts it on its hydration scripts) and WebAssembly compilation.
pub fn set_content_security_policy(options: &LeptosOptions) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
    // The live-reload socket of `cargo leptos watch` needs ws: in development only.
    let dev_socket = if options.env == leptos::config::Env::DEV {
        " ws:"
    } else {
        ""
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'{dev_socket}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
