//! The MSSP dashboard pages (Global, one MSP's view) as rendered, remembered by the dashboard
//! cache: every colleague's request for the same page, and every reload, within the cache's
//! few seconds is the same HTML, and rendering it was most of a request's cost.
//!
//! An entry is found only by the same principal (as its session reads now: name, role and
//! white label are in the key), in the same scope (the approved MSPs as of this request), at the
//! same address and in the same theme; association changes drop it with the viewer's other
//! dashboard entries. So a page remembered here shows nothing its reader could not be shown by
//! rendering it now, except data up to the cache's lifetime old, as the dashboards' numbers
//! already are. Each response gets a fresh script nonce in place of the one the page was
//! rendered with: an unguessable value chosen before the page's contents existed, so nothing
//! the page quotes can carry it.

use app::ssr::{AppState, RequestSession, THEME_COOKIE, cookie_in};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::Scope;
use domain::inventory::{PageKey, RenderedPage};
use leptos::nonce::Nonce;
use portal_types::TenantKind;

/// Pages larger than this are sent, not remembered.
const MAX_PAGE_BYTES: usize = 1024 * 1024;

/// Whether `path` is a dashboard page: `/mssp` or `/mssp/msps/{id}`.
fn is_dashboard(path: &str) -> bool {
    path == "/mssp"
        || path
            .strip_prefix("/mssp/msps/")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()))
}

/// The signed-in MSSP scope of a GET for a dashboard page, with the page's key and the
/// response's nonce; `None` for any other request.
fn dashboard_request(request: &Request) -> Option<(Scope, PageKey, Nonce)> {
    if request.method() != Method::GET || !is_dashboard(request.uri().path()) {
        return None;
    }
    let RequestSession(Ok(Some(scope))) = request.extensions().get::<RequestSession>()? else {
        return None;
    };
    if scope.kind() != TenantKind::Mssp {
        return None;
    }
    let nonce = request.extensions().get::<Nonce>()?.clone();
    let key = PageKey {
        principal: scope.principal().clone(),
        address: request.uri().path_and_query()?.as_str().to_owned(),
        theme: cookie_in(request.headers(), THEME_COOKIE),
    };
    Some((scope.clone(), key, nonce))
}

/// Serves a dashboard page from the dashboard cache when it holds it, and remembers what it
/// renders otherwise (a complete HTML page, status 200, setting no cookie). Requests for the
/// same page while it renders wait for that render.
pub async fn remember_dashboards(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Some((scope, key, nonce)) = dashboard_request(&request) else {
        return next.run(request).await;
    };
    // The render runs inside the cache's call only for the request that makes the page; the
    // others keep their request, and render it themselves should that page not be kept.
    let mut request = Some(request);
    let mut rendered = None;
    let page = state
        .db
        .rendered_page_or(&scope, key, async {
            let response = next.clone().run(request.take()?).await;
            let (page, response) = rememberable(response, &nonce).await;
            rendered = Some(response);
            page
        })
        .await;
    match (rendered, page, request) {
        (Some(response), _, _) => response,
        (None, Some(page), _) => html(page.html.replace(&*page.nonce, &nonce)),
        (None, None, Some(request)) => next.run(request).await,
        (None, None, None) => {
            tracing::error!("a dashboard page's render ended without a response");
            (StatusCode::INTERNAL_SERVER_ERROR, "Internal error.").into_response()
        }
    }
}

/// `response` whole, with the page to remember when it is one: status 200, HTML, no cookie
/// set, at most [`MAX_PAGE_BYTES`].
async fn rememberable(response: Response, nonce: &Nonce) -> (Option<RenderedPage>, Response) {
    let headers = response.headers();
    let is_page = response.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
    if !is_page {
        return (None, response);
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        tracing::error!("a dashboard page's body failed");
        let failed = (StatusCode::INTERNAL_SERVER_ERROR, "Internal error.").into_response();
        return (None, failed);
    };
    let page = std::str::from_utf8(&bytes)
        .ok()
        .filter(|_| bytes.len() <= MAX_PAGE_BYTES)
        .map(|text| RenderedPage {
            html: text.into(),
            nonce: nonce.to_string().into(),
        });
    (page, Response::from_parts(parts, Body::from(bytes)))
}

/// A remembered page as a response; the security headers around it add its policy, with this
/// request's nonce.
fn html(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::is_dashboard;

    #[test]
    fn only_the_dashboards_are_remembered() {
        assert!(is_dashboard("/mssp"));
        assert!(is_dashboard("/mssp/msps/12"));
        assert!(!is_dashboard("/mssp/msps/12/companies"));
        assert!(!is_dashboard("/mssp/msps/"));
        assert!(!is_dashboard("/mssp/msps/x"));
        assert!(!is_dashboard("/mssp/settings"));
        assert!(!is_dashboard("/msp"));
    }
}
