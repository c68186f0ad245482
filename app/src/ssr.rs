//! Server-only glue between Leptos and the domain: the application state, the per-request
//! principal and scope, cookies, and turning errors into HTTP statuses.
//!
//! Every server function starts here: [`scope_of`] gives the request's scope (read with its
//! session) and checks the kind of tenant before any domain call. Nothing in this module reaches the WASM bundle.

use axum::extract::FromRef;
use domain::{Db, Principal, Scope};
use http::header::{COOKIE, RETRY_AFTER, SET_COOKIE};
use http::{HeaderValue, StatusCode, request::Parts};
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_axum::ResponseOptions;
use portal_types::{AppError, CurrentUser, TenantKind};
use std::sync::Arc;

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
    /// The operator's pricing plans, checked at start.
    pub pricing: Arc<domain::billing::pricing::Pricing>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// This request's session and scope, resolved once by the server before anything else runs:
/// pages, server functions, downloads and the event stream all read them from the request's
/// extensions. A page can then know who is signed in synchronously, with nothing to wait for,
/// and every server function of a page sees the same scope (the approved MSPs as of the
/// request), read with the session in one statement.
#[derive(Debug, Clone)]
pub struct RequestSession(pub Result<Option<Scope>, AppError>);

impl RequestSession {
    /// Resolves the session cookie among `headers`. A malformed or forged cookie is simply no
    /// session; a database failure is kept as the error, for whoever needs the principal.
    pub async fn resolve(db: &Db, headers: &http::HeaderMap) -> Self {
        let token = headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(|header| cookie_value(header, SESSION_COOKIE))
            .and_then(|raw| domain::sessions::SessionToken::parse(&raw));
        let Some(token) = token else {
            return Self(Ok(None));
        };
        Self(
            domain::sessions::resolve_scope(db, &token, chrono::Utc::now())
                .await
                .map_err(AppError::from),
        )
    }
}

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
    cookie_in(&parts.headers, name)
}

/// A cookie's value among request headers, if present.
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|header| cookie_value(header, name))
}

/// `name`'s value in one `Cookie` header.
fn cookie_value(header: &str, name: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim_matches('"').to_owned())
}

/// The signed-in principal's scope, or `None` (also outside a request, and for a request the
/// session middleware did not see, such as the not-found fallback).
fn request_scope() -> Result<Option<Scope>, AppError> {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<RequestSession>().cloned())
        .map_or(Ok(None), |session| session.0)
}

/// The signed-in principal, or `None` (see [`request_scope`]).
pub fn principal() -> Result<Option<Principal>, AppError> {
    Ok(request_scope()?.map(Scope::into_principal))
}

/// The signed-in user as pages see them, or `None`.
pub fn current_user() -> Result<Option<CurrentUser>, AppError> {
    let Some(principal) = principal()? else {
        return Ok(None);
    };
    let state = state()?;
    Ok(Some(CurrentUser {
        user_id: principal.user_id,
        tenant_id: principal.tenant_id,
        tenant_name: principal.tenant_name,
        tenant_kind: principal.tenant_kind,
        email: principal.email,
        display_name: principal.display_name,
        role: principal.role,
        support_email: state.settings.support_email.clone(),
        branding: principal.branding,
    }))
}

/// The scope of the signed-in principal, refusing anonymous callers and, when `kind` is
/// given, principals of the other kind of tenant (as "not found").
pub fn scope_of(kind: Option<TenantKind>) -> Result<Scope, AppError> {
    let scope = request_scope()?.ok_or(AppError::Unauthenticated)?;
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
///
/// `work` is boxed at once. Unboxed, a server function's future holds the whole state of the
/// database work it awaits (tens of kilobytes), and a page's resources move each such future
/// several times before it first runs.
pub fn respond<T, F>(work: F) -> impl Future<Output = Result<T, AppError>>
where
    F: Future<Output = Result<T, AppError>>,
{
    let work = Box::pin(work);
    async move {
        let result = work.await;
        if is_plain_form_post() {
            return result;
        }
        if let Err(error) = &result {
            set_error_status(error);
        }
        result
    }
}

/// Sets the response status (and `Retry-After`) for `error`: a server function's reply, or a
/// page that shows the error.
pub fn set_error_status(error: &AppError) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    response.set_status(
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
    );
    if let AppError::RateLimited { retry_after_secs } = error {
        response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
    }
}

/// Whether this request is an HTML form posted without JavaScript (it expects a page back).
pub fn is_plain_form_post() -> bool {
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

/// The Content-Security-Policy of a page whose scripts carry `nonce`: only those scripts and
/// WebAssembly compilation run. `dev` adds the live-reload socket of `cargo leptos watch`.
pub fn page_policy(nonce: &str, dev: bool) -> String {
    let dev_socket = if dev { " ws:" } else { "" };
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'{dev_socket}; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Sets this page's Content-Security-Policy (see [`page_policy`]) from the request's nonce.
/// The server's middleware sets the same policy on any HTML response still without one.
pub fn set_content_security_policy(options: &LeptosOptions) {
    let Some(response) = use_context::<ResponseOptions>() else {
        return;
    };
    let nonce = use_nonce().map(|n| n.to_string()).unwrap_or_default();
    let policy = page_policy(&nonce, options.env == leptos::config::Env::DEV);
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}
