//! HTTP middleware: the request's session, cross-site request refusal and security headers.

use app::ssr::{AppState, RequestSession};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Which origins may send state-changing requests: the request's own Host, and the configured
/// public origin.
#[derive(Clone, Debug, Default)]
pub struct SameOrigin {
    pub public_origin: Option<Arc<str>>,
}

/// Refuses cross-site state-changing requests (any method but GET, HEAD, OPTIONS).
///
/// Browsers send `Sec-Fetch-Site` (or at least `Origin`) on every POST; a request that is not
/// `same-origin` (or user-initiated, `none`) — or whose `Origin` is not this site — gets 403.
/// A request carrying neither header is not a browser's cross-site request (curl, an agent),
/// and is let through: it cannot ride on a victim's cookies.
pub async fn refuse_cross_site(
    State(allowed): State<SameOrigin>,
    request: Request,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if is_cross_site(request.headers(), &allowed) {
        tracing::warn!(path = %request.uri().path(), "cross-site request refused");
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "application/json")],
            r#"{"Forbidden":null,"message":"Cross-site request refused."}"#,
        )
            .into_response();
    }
    next.run(request).await
}

fn is_cross_site(headers: &HeaderMap, allowed: &SameOrigin) -> bool {
    let text = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = text(header::ORIGIN) else {
        return false;
    };
    if allowed.public_origin.as_deref() == Some(origin.trim_end_matches('/')) {
        return false;
    }
    let authority = origin.split_once("://").map(|(_, rest)| rest);
    match (authority, text(header::HOST)) {
        (Some(authority), Some(host)) => !authority.eq_ignore_ascii_case(host),
        _ => true,
    }
}

/// Resolves the request's session once, before any handler runs, into the request's
/// extensions ([`RequestSession`]): pages, server functions, downloads and the event stream
/// all read it from there.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let session = RequestSession::resolve(&state.db, request.headers()).await;
    request.extensions_mut().insert(session);
    next.run(request).await
}

/// Gives server-function errors their real status. Errors raised before our code runs
/// (missing or malformed arguments) leave the framework with a 500; the body is our
/// `AppError`, which knows its status. Bodies are small JSON, read only on a 500.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "Internal error.").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<portal_types::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Whether pages allow the live-reload socket of `cargo leptos watch` (development only).
#[derive(Clone, Copy, Debug, Default)]
pub struct DevSocket(pub bool);

/// Headers every response carries.
///
/// Each request gets its script nonce here (the page's render reads it from the request, see
/// [`request_nonce`]), so an HTML response always gets the page policy with that nonce, even
/// should the render not have set it itself. Everything else gets a policy that allows nothing.
pub async fn security_headers(
    State(dev): State<DevSocket>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html
        && !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(value) = HeaderValue::from_str(&app::ssr::page_policy(&nonce, dev.0))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    let mut set = |name: &'static str, value: &'static str| {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    };
    set("x-content-type-options", "nosniff");
    set("x-frame-options", "DENY");
    set("referrer-policy", "same-origin");
    set("cross-origin-opener-policy", "same-origin");
    set(
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    );
    set(
        "content-security-policy",
        "default-src 'none'; frame-ancestors 'none'",
    );
    response
}

/// Provides the nonce [`security_headers`] made for this request to the page's render (or a
/// fresh one, for a render outside that middleware).
pub fn request_nonce() {
    use leptos::prelude::{provide_context, use_context};
    let nonce = use_context::<axum::http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<leptos::nonce::Nonce>().cloned());
    match nonce {
        Some(nonce) => provide_context(nonce),
        None => leptos::nonce::provide_nonce(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy an HTML response from `page` ends up with.
    async fn policy_of(page: axum::response::Html<&'static str>) -> String {
        use tower::ServiceExt;
        let router = axum::Router::new()
            .route("/", axum::routing::get(move || async move { page }))
            .layer(axum::middleware::from_fn_with_state(
                DevSocket(false),
                security_headers,
            ));
        let request = Request::builder().uri("/").body(axum::body::Body::empty());
        let response = router
            .oneshot(request.expect("request"))
            .await
            .expect("response");
        response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii")
            .to_owned()
    }

    #[tokio::test]
    async fn an_html_response_without_a_policy_gets_the_page_policy() {
        let policy = policy_of(axum::response::Html("<p>hi</p>")).await;
        assert!(
            policy.starts_with("default-src 'self'; script-src 'self' 'nonce-"),
            "{policy}"
        );
        assert!(policy.contains("frame-ancestors 'none'"));
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn cross_site_decisions() {
        let none = SameOrigin::default();
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &none
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "none")]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            &none
        ));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://portal.test:3000"),
                ("host", "portal.test:3000")
            ]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "http://evil.test"), ("host", "portal.test:3000")]),
            &none
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "null"), ("host", "portal.test")]),
            &none
        ));
        assert!(!is_cross_site(&headers(&[]), &none));
        let proxied = SameOrigin {
            public_origin: Some("https://portal.example.com".into()),
        };
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "https://portal.example.com"),
                ("host", "10.0.0.5:3000")
            ]),
            &proxied
        ));
    }
}
